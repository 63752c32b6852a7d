//! Drawing the serials step: the text area, the count and format check under it,
//! the first format errors by line, and the import path input.

use super::ViewContext;
use crate::console::i18n;
use crate::console::screens::new_activation::NewActivation;
use crate::console::widgets::display_width;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// Error lines shown under the text area at most.
const SHOWN_ERRORS: usize = 4;

pub(super) fn view_serials(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let errors = &flow.check.errors;
    let shown = errors.len().min(SHOWN_ERRORS);
    let more = usize::from(errors.len() > SHOWN_ERRORS);
    let info_height = u16::try_from(1 + shown + more).unwrap_or(1);
    let input_height = area.height.saturating_sub(info_height).max(3);
    let input_area = Rect::new(area.x, area.y, area.width, input_height.min(area.height));
    frame.render_widget(&flow.input.0, input_area);
    let mut y = input_area.bottom();

    let mut cursor = None;
    if y < area.bottom() {
        let row = Rect::new(area.x, y, area.width, 1);
        if let Some(path) = &flow.import_path {
            let label = format!("{} ", i18n::IMPORT_PROMPT.get(lang));
            let hint = format!("  {}", i18n::IMPORT_HINT.get(lang));
            let room = usize::from(area.width)
                .saturating_sub(display_width(&label) + display_width(&hint) + 1);
            let shown_path = tail(path, room);
            let x = display_width(&label) + display_width(&shown_path);
            frame.render_widget(
                Paragraph::new(theme.glyphs.line(vec![
                    Span::styled(label, theme.muted),
                    Span::styled(shown_path, theme.input),
                    Span::styled(hint, theme.muted),
                ])),
                row,
            );
            cursor = Some(Position::new(
                area.x + u16::try_from(x).unwrap_or(0).min(area.width - 1),
                y,
            ));
        } else {
            let count = i18n::serial_count(lang, flow.check.serials.len());
            let (status, style) = if errors.is_empty() {
                (i18n::FORMAT_OK.get(lang).to_string(), theme.status_done)
            } else {
                (i18n::format_errors_count(lang, errors.len()), theme.error)
            };
            let text = theme.glyphs.line(vec![
                Span::raw(count),
                Span::styled(" · ", theme.muted),
                Span::styled(status, style),
            ]);
            frame.render_widget(Paragraph::new(text), row);
        }
        y += 1;
    }
    for error in errors.iter().take(shown) {
        if y >= area.bottom() {
            break;
        }
        let text = theme.glyphs.truncate(
            &i18n::format_error_line(lang, error),
            usize::from(area.width),
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.error)),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
    }
    if more == 1 && y < area.bottom() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                i18n::more_errors(lang, errors.len() - shown),
                theme.error,
            )),
            Rect::new(area.x, y, area.width, 1),
        );
    }
    if cursor.is_some() {
        return cursor;
    }
    // The real cursor follows the text area's (borders and line numbers aside).
    let inner_w = input_area.width.saturating_sub(2);
    let inner_h = input_area.height.saturating_sub(2);
    if inner_w == 0 || inner_h == 0 {
        return None;
    }
    let ratatui_textarea::DataCursor(row, col) = flow.input.0.cursor();
    let (top, left) = flow.input.0.scroll_offset();
    let x = u16::try_from(col.saturating_sub(usize::from(left)))
        .unwrap_or(u16::MAX)
        .saturating_add(flow.input.0.line_number_width())
        .min(inner_w - 1);
    let y = u16::try_from(row.saturating_sub(usize::from(top)))
        .unwrap_or(u16::MAX)
        .min(inner_h - 1);
    Some(Position::new(input_area.x + 1 + x, input_area.y + 1 + y))
}

/// The last `max` columns of `text`.
fn tail(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut start = chars.len();
    let mut used = 0;
    while start > 0 {
        let w = display_width(&chars[start - 1].to_string());
        if used + w > max {
            break;
        }
        used += w;
        start -= 1;
    }
    chars[start..].iter().collect()
}
