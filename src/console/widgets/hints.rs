//! The key-hint line: the current screen's main keys, straight from its keymap.

use super::display_width;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// Draws `key label` pairs separated by two spaces; entries that do not fit are left
/// out whole rather than cut in the middle.
pub fn render(entries: &[(String, &str)], theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    let max = usize::from(area.width);
    for (key, label) in entries {
        let sep = if spans.is_empty() { 0 } else { 2 };
        let width = display_width(key) + 1 + display_width(label);
        if used + sep + width > max {
            break;
        }
        if sep > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key.clone(), theme.accent));
        spans.push(Span::styled(format!(" {label}"), theme.muted));
        used += sep + width;
    }
    frame.render_widget(Paragraph::new(theme.glyphs.line(spans)), area);
}
