//! Small drawing pieces shared by the screens.

pub mod filter_bar;
pub mod help;
pub mod hints;
pub mod status_line;
pub mod text_box;
pub mod wrap;

pub use wrap::wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Table, TableState, Wrap};

/// Columns a string occupies (Cyrillic is 1, CJK 2), as ratatui measures it.
pub fn display_width(text: &str) -> usize {
    Span::raw(text).width()
}

/// Cuts `text` to at most `max` columns, ending with `…` when anything was cut.
/// Never wraps; zero width gives an empty string.
pub fn truncate(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let w = display_width(ch.encode_utf8(&mut buf));
        if used + w > max - 1 {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// The "terminal too small" view: a centered, wrapped message and nothing else.
pub fn too_small(frame: &mut Frame, message: &str, style: ratatui::style::Style) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = u16::try_from(display_width(message))
        .unwrap_or(u16::MAX)
        .max(1);
    let lines = width.div_ceil(area.width.max(1)).min(area.height);
    let y = area.y + (area.height - lines) / 2;
    let rect = Rect::new(area.x, y, area.width, lines);
    let paragraph = Paragraph::new(message.to_string())
        .style(style)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(paragraph, rect);
}

/// A table cell with its text at the right edge (numbers, amounts).
pub fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

/// A table cell `width` columns wide: the text as drawn (ASCII mode transliterates),
/// cut with the glyph set's ellipsis when longer, never silently by the table.
pub fn fit_cell(
    g: &crate::console::glyphs::Glyphs,
    text: &str,
    width: u16,
    style: ratatui::style::Style,
    align_right: bool,
) -> Cell<'static> {
    let line = Line::from(Span::styled(g.truncate(text, usize::from(width)), style));
    Cell::from(if align_right {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

/// A column header `width` wide, with the sort arrow (`↑`/`↓`, `^`/`v` in ASCII) when
/// the table is sorted by it; the title is cut with a mark to leave room for it.
pub fn header_cell(
    g: &crate::console::glyphs::Glyphs,
    title: &str,
    width: u16,
    align_right: bool,
    sorted: Option<bool>,
) -> Cell<'static> {
    let text = match sorted {
        Some(descending) => {
            let arrow = if descending { g.down } else { g.up };
            let room = usize::from(width).saturating_sub(display_width(arrow) + 1);
            format!("{} {arrow}", g.truncate(title, room))
        }
        None => g.truncate(title, usize::from(width)),
    };
    let line = Line::from(text);
    Cell::from(if align_right {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

/// The first row to show so that row `selected` is in a window of `visible` rows: the
/// window scrolls just enough to keep the selection visible.
pub fn scroll_offset(selected: usize, visible: usize) -> usize {
    (selected + 1).saturating_sub(visible)
}

/// The row of a table drawn by `render_scrolled_table` in `area` (one header line)
/// that terminal line `y` shows, given the selection and the number of rows; `None`
/// on the header, past the last row or outside the table.
pub fn row_at(area: Rect, y: u16, selected: usize, rows: usize) -> Option<usize> {
    let visible = usize::from(area.height.saturating_sub(1));
    let first_line = area.y.checked_add(1)?;
    if rows == 0 || visible == 0 || y < first_line || y >= area.bottom() {
        return None;
    }
    let offset = scroll_offset(selected.min(rows - 1), visible);
    let index = offset + usize::from(y - first_line);
    (index < rows).then_some(index)
}

/// Draws `table` in `area` from row `offset`, with row `selected` highlighted, and
/// returns where the selected row is drawn (the terminal cursor goes there, which
/// screen readers follow). `header_height`: lines above the first row.
pub fn render_scrolled_table(
    frame: &mut Frame,
    table: Table,
    area: Rect,
    selected: usize,
    offset: usize,
    header_height: u16,
) -> Position {
    let mut state = TableState::new()
        .with_offset(offset)
        .with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
    Position::new(
        area.x,
        area.y + header_height + u16::try_from(selected - offset).unwrap_or(0),
    )
}

/// A `width`×`height` box centered in `area` (clamped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Clears `rect` and draws a bordered box titled `title`; returns the inside.
pub fn modal(
    frame: &mut Frame,
    rect: Rect,
    title: &str,
    theme: &crate::console::theme::Theme,
) -> Rect {
    use ratatui::widgets::{Block, Borders, Clear};
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.glyphs.border)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", theme.glyphs.text(title)),
            theme.header,
        ))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_maps_to_the_row_drawn_on_it() {
        let table = Rect::new(0, 3, 80, 11); // header on line 3, rows on 4..=13
        assert_eq!(row_at(table, 3, 0, 5), None, "the header");
        assert_eq!(row_at(table, 4, 0, 5), Some(0));
        assert_eq!(row_at(table, 8, 0, 5), Some(4));
        assert_eq!(row_at(table, 9, 0, 5), None, "past the last row");
        assert_eq!(row_at(table, 14, 0, 50), None, "below the table");
        // Scrolled: row 15 selected in a 10-row window shows rows 6..=15.
        assert_eq!(row_at(table, 4, 15, 50), Some(6));
        assert_eq!(row_at(table, 13, 15, 50), Some(15));
        assert_eq!(row_at(table, 5, 0, 0), None, "no rows");
    }

    #[test]
    fn truncates_with_ellipsis_by_columns() {
        assert_eq!(truncate("ТЕХБИЗНЕС+ ООО", 20), "ТЕХБИЗНЕС+ ООО");
        assert_eq!(truncate("ТЕХБИЗНЕС+ ООО", 14), "ТЕХБИЗНЕС+ ООО");
        assert_eq!(truncate("ТЕХБИЗНЕС+ ООО", 8), "ТЕХБИЗН…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("abc", 0), "");
    }
}
