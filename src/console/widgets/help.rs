//! The `?` overlay: every binding of the current screen, from its keymap declaration,
//! one per line with its description wrapped to the width, scrolled when it is longer
//! than the terminal.

use super::{display_width, wrap};
use crate::console::i18n::{Tr, messages as tr};
use crate::console::keymap::Key::{Char, Down, End, Esc, Home, PageDown, PageUp, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpAction {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Close,
}

/// The help's own keys: it scrolls, and closes with the key that opened it.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<HelpAction>] = &[
    bind("help.down", &[Char('j'), Down], HelpAction::Down, Tr::new("прокрутить вниз", "scroll down"), None),
    bind("help.up", &[Char('k'), Up], HelpAction::Up, Tr::new("прокрутить вверх", "scroll up"), None),
    bind("help.page_down", &[PageDown, Char(' ')], HelpAction::PageDown, Tr::new("страница вниз", "page down"), None),
    bind("help.page_up", &[PageUp], HelpAction::PageUp, Tr::new("страница вверх", "page up"), None),
    bind("help.first", &[Char('g'), Home], HelpAction::First, Tr::new("в начало", "to the top"), None),
    bind("help.last", &[Char('G'), End], HelpAction::Last, Tr::new("в конец", "to the end"), None),
    bind("help.close", &[Esc, Char('?'), Char('q')], HelpAction::Close, Tr::new("закрыть справку", "close the help"), None),
];

/// The widest key column; longer key lists get a line of their own.
const MAX_KEY_WIDTH: usize = 16;

/// The help laid out for a terminal `area_width` wide: the box's width and its lines
/// (keys, text). Entries are taken as drawn (already transliterated in ASCII mode).
pub fn layout(
    title: &str,
    footer: &str,
    entries: &[(String, String)],
    area_width: u16,
) -> (u16, Vec<(String, String)>) {
    let key_width = entries
        .iter()
        .map(|(k, _)| display_width(k))
        .filter(|w| *w <= MAX_KEY_WIDTH)
        .max()
        .unwrap_or(0);
    let text_width = entries
        .iter()
        .map(|(_, d)| display_width(d))
        .max()
        .unwrap_or(0);
    let width = (key_width + 2 + text_width + 2)
        .max(display_width(title) + 4)
        .max(display_width(footer) + 4);
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area_width);
    let room = usize::from(width.saturating_sub(2))
        .saturating_sub(key_width + 2)
        .max(1);
    let indent = " ".repeat(key_width + 2);
    let mut lines = Vec::new();
    for (keys, text) in entries {
        let key_w = display_width(keys);
        let mut wrapped = wrap(text, room).into_iter();
        if key_w > key_width {
            lines.push((keys.clone(), String::new()));
        } else {
            let first = wrapped.next().unwrap_or_default();
            let pad = " ".repeat(key_width - key_w + 2);
            lines.push((format!("{keys}{pad}"), first));
        }
        for rest in wrapped {
            lines.push((indent.clone(), rest));
        }
    }
    (width, lines)
}

/// Lines shown at once in a terminal `height` rows high.
fn page(height: u16) -> usize {
    usize::from(height.saturating_sub(2)).max(1)
}

/// How far the help can scroll in a terminal of `width`×`height`.
pub fn max_scroll(
    title: &str,
    footer: &str,
    entries: &[(String, String)],
    width: u16,
    height: u16,
) -> usize {
    let (_, lines) = layout(title, footer, entries, width);
    lines.len().saturating_sub(page(height))
}

/// A page of the help, for PgUp/PgDn.
pub fn page_height(height: u16) -> usize {
    page(height)
}

/// The entries as drawn: through the glyph set (ASCII mode transliterates).
pub fn drawn_entries(entries: &[(String, &str)], theme: &Theme) -> Vec<(String, String)> {
    let g = theme.glyphs;
    entries
        .iter()
        .map(|(k, d)| (g.text(k).into_owned(), g.text(d).into_owned()))
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub fn render(
    title: &str,
    footer: &str,
    entries: &[(String, &str)],
    scroll: usize,
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
) {
    let g = theme.glyphs;
    // In ASCII mode everything is transliterated first, so widths are those drawn.
    let title = &*g.text(title);
    let footer = &*g.text(footer);
    let entries = drawn_entries(entries, theme);
    let area = frame.area();
    let (width, lines) = layout(title, footer, &entries, area.width);
    let visible = page(area.height);
    let height = u16::try_from(lines.len().min(visible) + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let scroll = scroll.min(lines.len().saturating_sub(visible));
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(visible)
        .map(|(keys, text)| {
            Line::from(vec![
                Span::styled(keys.clone(), theme.accent),
                Span::raw(text.clone()),
            ])
        })
        .collect();
    let mut bottom = footer.to_string();
    if lines.len() > visible {
        let last = (scroll + visible).min(lines.len());
        bottom = format!(
            "{bottom} {} {}",
            g.dot,
            g.text(&tr::position(lang, scroll + 1, last, lines.len()))
        );
    }
    let bottom = g.truncate(&bottom, usize::from(width.saturating_sub(4)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.header))
        .title_bottom(Span::styled(format!(" {bottom} "), theme.muted));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(block).style(theme.base), rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_wrap_under_their_text_and_long_keys_get_a_line() {
        let entries = vec![
            ("j ↓".to_string(), "следующая строка".to_string()),
            (
                "Ctrl+A Ctrl+B Ctrl+C".to_string(),
                "a key list wider than the key column".to_string(),
            ),
            (
                "R".to_string(),
                "повторить запрос активации с ошибкой".to_string(),
            ),
        ];
        let (width, lines) = layout("t", "f", &entries, 24);
        assert_eq!(width, 24);
        assert_eq!(lines[0], ("j ↓  ".to_string(), "следующая строка".into()));
        assert_eq!(lines[1].0, "Ctrl+A Ctrl+B Ctrl+C");
        let texts: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
        assert!(texts.contains(&"повторить запрос"), "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|(k, t)| display_width(k) + display_width(t) <= 22)
        );
    }
}
