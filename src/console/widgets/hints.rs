//! The key-hint line: the current screen's main keys, straight from its keymap.

use super::display_width;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// Which entries fit in `width` columns, by priority: the first (the screen's main
/// action, or where to read a cut message) and the last (the way out) come first, then
/// the others in their order; an entry that does not fit is left out whole — a key's
/// name is never cut — and a shorter one after it may still fit. Returned in the
/// entries' own order.
pub fn fit(entries: &[(String, &str)], width: usize) -> Vec<usize> {
    let widths: Vec<usize> = entries
        .iter()
        .map(|(key, label)| display_width(key) + 1 + display_width(label))
        .collect();
    let last = entries.len().saturating_sub(1);
    let order = std::iter::once(0)
        .chain((last > 0).then_some(last))
        .chain(1..last)
        .filter(|i| *i < entries.len());
    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0usize;
    for i in order {
        let sep = if chosen.is_empty() { 0 } else { 2 };
        if used + sep + widths[i] <= width {
            used += sep + widths[i];
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Draws `key label` pairs separated by two spaces, as many as fit by priority.
pub fn render(entries: &[(String, &str)], theme: &Theme, frame: &mut Frame, area: Rect) {
    let g = theme.glyphs;
    // In ASCII mode the widths are those of the transliterated text.
    let drawn: Vec<(String, String)> = entries
        .iter()
        .map(|(k, l)| (g.text(k).into_owned(), g.text(l).into_owned()))
        .collect();
    let as_refs: Vec<(String, &str)> = drawn.iter().map(|(k, l)| (k.clone(), l.as_str())).collect();
    let mut spans = Vec::new();
    for i in fit(&as_refs, usize::from(area.width)) {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        let (key, label) = &drawn[i];
        spans.push(Span::styled(key.clone(), theme.accent));
        spans.push(Span::styled(format!(" {label}"), theme.muted));
    }
    frame.render_widget(Paragraph::new(ratatui::text::Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_first_and_the_way_out_are_kept_and_nothing_is_cut() {
        let e = |k: &str, l: &'static str| (k.to_string(), l);
        let entries = vec![
            e("Enter", "open"),
            e("a", "a very long label here"),
            e("/", "search"),
            e("q", "quit"),
        ];
        assert_eq!(fit(&entries, 80), [0, 1, 2, 3]);
        // 10 + 2 + 6 = 18; the long one does not fit, the short one after it does.
        assert_eq!(fit(&entries, 28), [0, 2, 3]);
        assert_eq!(fit(&entries, 18), [0, 3]);
        assert_eq!(fit(&entries, 10), [0]);
        assert_eq!(fit(&entries, 3), Vec::<usize>::new());
        assert!(fit(&[], 80).is_empty());
    }
}
