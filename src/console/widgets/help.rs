//! The `?` overlay: every binding of the current screen, from its keymap declaration.

use super::display_width;
use crate::console::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn render(
    title: &str,
    footer: &str,
    entries: &[(String, &str)],
    theme: &Theme,
    frame: &mut Frame,
) {
    let g = theme.glyphs;
    // In ASCII mode everything is transliterated first, so widths are those drawn.
    let title = &*g.text(title);
    let footer = &*g.text(footer);
    let entries: Vec<(String, String)> = entries
        .iter()
        .map(|(k, d)| (g.text(k).into_owned(), g.text(d).into_owned()))
        .collect();
    let area = frame.area();
    let key_width = entries
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0);
    let entry_width = entries
        .iter()
        .map(|(_, d)| display_width(d))
        .max()
        .unwrap_or(0)
        + key_width
        + 2;
    // Two columns when one column would not fit the height (the list screen at 24 rows).
    let inner_height = usize::from(area.height.saturating_sub(2));
    let columns = if entries.len() > inner_height { 2 } else { 1 };
    let rows_per_column = entries.len().div_ceil(columns).max(1);
    let width = (entry_width * columns + 3 * (columns - 1) + 2)
        .max(display_width(title) + 4)
        .max(display_width(footer) + 4);
    let width = u16::try_from(width).unwrap_or(u16::MAX).min(area.width);
    let height = u16::try_from(rows_per_column + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );

    let column_width = if columns == 2 {
        usize::from(width.saturating_sub(2)).saturating_sub(3) / 2
    } else {
        usize::from(width.saturating_sub(2))
    };
    let mut lines = Vec::with_capacity(rows_per_column);
    for row in 0..rows_per_column {
        let mut spans = Vec::new();
        for column in 0..columns {
            let Some((keys, description)) = entries.get(column * rows_per_column + row) else {
                continue;
            };
            if column > 0 {
                spans.push(Span::raw(format!(" {} ", g.bar)));
            }
            let pad = key_width.saturating_sub(display_width(keys));
            spans.push(Span::styled(
                format!("{keys}{}", " ".repeat(pad)),
                theme.accent,
            ));
            let room = column_width.saturating_sub(key_width + 2);
            let text = g.truncate(description, room);
            let fill = room.saturating_sub(display_width(&text));
            spans.push(Span::raw(format!("  {text}{}", " ".repeat(fill))));
        }
        lines.push(Line::from(spans));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.header))
        .title_bottom(Span::styled(format!(" {footer} "), theme.muted));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block).style(theme.base), rect);
}
