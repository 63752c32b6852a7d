//! Drawing the precheck step: the table, the refused rows' messages, the full line
//! of the row under the cursor, and the summary.

use super::ViewContext;
use crate::client::wire::PrecheckRow;
use crate::console::i18n::{self, new_activation as tr};
use crate::console::screens::detail::urgency_marker;
use crate::console::screens::new_activation::{NewActivation, summary_text};
use crate::console::widgets::{
    display_width, fit_cell, header_cell, render_scrolled_table, scroll_offset,
};
use crate::domain::{Lang, format_date, format_rub, urgency};
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table};

const W_SEL: u16 = 3;
const W_SERIAL: u16 = 16;
const W_CURRENT: u16 = 13;
const W_NEW: u16 = 10;
const W_VENDOR: u16 = 10;
const W_PRICE: u16 = 10;
const W_RETAIL: u16 = 10;

/// Rows of the table shown at once in a terminal `height` rows high: what PgUp/PgDn
/// move by. The flow's title, the table's header, the row's line and the summary
/// above the key hints and the status line take the rest.
pub fn page_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(6)).max(1)
}

pub(super) fn view_precheck(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let g = theme.glyphs;
    if area.height < 4 {
        return None;
    }
    let table_area = Rect::new(area.x, area.y, area.width, area.height - 2);
    let detail_row = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let summary_row = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    // At 80 columns the retail column takes the vendor's place (the vendor stays in
    // the line under the table and in the confirmation).
    let show_vendor = !flow.show_retail || area.width >= 96;
    let mut fixed = W_SEL + W_SERIAL + W_CURRENT + W_NEW + W_PRICE;
    let mut columns = 6u16;
    if show_vendor {
        fixed += W_VENDOR;
        columns += 1;
    }
    if flow.show_retail {
        fixed += W_RETAIL;
        columns += 1;
    }
    let model_width = area.width.saturating_sub(fixed + columns - 1).max(4);
    let mut columns: Vec<(u16, &str, bool)> = vec![
        (W_SEL, i18n::COL_SEL.get(lang), false),
        (W_SERIAL, i18n::COL_SERIAL.get(lang), false),
        (model_width, i18n::COL_MODEL.get(lang), false),
        (W_CURRENT, i18n::COL_CURRENT_SHORT.get(lang), false),
        (W_NEW, i18n::COL_NEW_SHORT.get(lang), false),
    ];
    if show_vendor {
        columns.push((W_VENDOR, i18n::COL_VENDOR.get(lang), false));
    }
    columns.push((W_PRICE, i18n::COL_YOUR_PRICE.get(lang), true));
    if flow.show_retail {
        columns.push((W_RETAIL, i18n::COL_RETAIL.get(lang), true));
    }
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|(w, _, _)| Constraint::Length(*w))
        .collect();
    let header = Row::new(
        columns
            .iter()
            .map(|(w, title, right)| header_cell(&g, title, *w, *right, None)),
    )
    .style(theme.header);

    // Every value fits its column or ends with `…`: a 17-digit token must not look
    // like the 16-digit serial it is not.
    let fit = |text: &str, width: u16, style| fit_cell(&g, text, width, style, false);
    let fit_right = |text: &str, width: u16| fit_cell(&g, text, width, theme.base, true);
    let rows: Vec<Row> = flow
        .rows
        .iter()
        .map(|line| {
            let r = &line.row;
            let mark = if line.selected { "[x]" } else { "[ ]" };
            let mut cells = vec![
                fit(mark, W_SEL, theme.base),
                fit(&r.serial, W_SERIAL, theme.base),
            ];
            if line.is_ok() {
                let u = urgency(r.current_until, ctx.today);
                cells.push(fit(
                    r.model.as_deref().unwrap_or("—"),
                    model_width,
                    theme.base,
                ));
                cells.push(match r.current_until {
                    Some(date) => fit(
                        &format!("{}{}", urgency_marker(u), format_date(date)),
                        W_CURRENT,
                        theme.urgency(u),
                    ),
                    None => fit(g.dash, W_CURRENT, theme.muted),
                });
                let new_until = r.new_until.map(format_date).unwrap_or_default();
                cells.push(fit(&new_until, W_NEW, theme.base));
                if show_vendor {
                    cells.push(fit(vendor_name(r, lang), W_VENDOR, theme.base));
                }
                let price = r.price.map(|p| format_rub(p, g.ascii)).unwrap_or_default();
                cells.push(fit_right(&price, W_PRICE));
                if flow.show_retail {
                    let retail = r
                        .retail_price
                        .map(|p| format_rub(p, g.ascii))
                        .unwrap_or_default();
                    cells.push(fit_right(&retail, W_RETAIL));
                }
            } else {
                cells.push(fit(&row_message(r, lang), model_width, theme.error));
            }
            Row::new(cells)
        })
        .collect();
    let mut cursor = None;
    if rows.is_empty() {
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths).header(header),
            table_area,
        );
        if table_area.height > 1 {
            frame.render_widget(
                Paragraph::new(theme.glyphs.text(i18n::ROWS_EMPTY.get(lang))).style(theme.muted),
                Rect::new(area.x, area.y + 1, area.width, 1),
            );
        }
    } else {
        let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
        let selected = flow.cursor.min(rows.len() - 1);
        let offset = scroll_offset(selected, visible);
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(theme.selection);
        let selected_at = render_scrolled_table(frame, table, table_area, selected, offset, 1);
        // A refused row's message spans the device columns (a table has no colspan):
        // drawn over them, in the error color, reversed on the selected row.
        let message_x = W_SEL + 1 + W_SERIAL + 1;
        if table_area.width > message_x {
            let width = table_area.width - message_x;
            for (i, line) in flow.rows.iter().enumerate().skip(offset).take(visible) {
                if line.is_ok() {
                    continue;
                }
                let y = table_area.y + 1 + u16::try_from(i - offset).unwrap_or(0);
                if y >= table_area.bottom() {
                    break;
                }
                let style = if i == selected {
                    theme.error.patch(theme.selection)
                } else {
                    theme.error
                };
                let text = theme
                    .glyphs
                    .truncate(&row_message(&line.row, lang), usize::from(width));
                let pad = usize::from(width).saturating_sub(display_width(&text));
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("{text}{}", " ".repeat(pad)), style)),
                    Rect::new(table_area.x + message_x, y, width, 1),
                );
            }
        }
        cursor = Some(selected_at);
        if let Some(position) = draw_prompt(flow, ctx, frame, detail_row) {
            // The typing goes on in the prompt: the terminal cursor is there.
            cursor = Some(position);
        } else if let Some(line) = flow.rows.get(selected) {
            // The row under the cursor in full: the error text or model and vendor.
            let r = &line.row;
            let (text, style) = if line.is_ok() {
                let vendor = vendor_name(r, lang);
                let mut text = format!(
                    "{} · {} · {}",
                    r.serial,
                    r.model.as_deref().unwrap_or("—"),
                    vendor
                );
                if let Some(retail) = r.retail_price {
                    text.push_str(&format!(
                        " · {} {}",
                        i18n::RETAIL_PRICE.get(lang),
                        format_rub(retail, g.ascii)
                    ));
                }
                (text, theme.muted)
            } else {
                (
                    format!("{} · {}", r.serial, row_message(r, lang)),
                    theme.error,
                )
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    theme.glyphs.truncate(&text, usize::from(area.width)),
                    style,
                )),
                detail_row,
            );
        }
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme
                .glyphs
                .truncate(&summary_text(flow, lang), usize::from(area.width)),
            theme.header,
        )),
        summary_row,
    );
    cursor
}

/// The `/` or save prompt on the line under the table; where the cursor goes.
fn draw_prompt(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let g = theme.glyphs;
    let (label, typed, after) = if let Some(search) = &flow.search {
        let (count, current) = flow.search_matches(lang);
        let after = if search.text.trim().is_empty() {
            tr::SEARCH_KEYS.get(lang).to_string()
        } else {
            tr::matches(lang, count, current)
        };
        (tr::SEARCH_LABEL.get(lang), &search.text, after)
    } else if let Some(save) = &flow.save {
        let label = if save.all {
            tr::SAVE_ALL_LABEL
        } else {
            tr::SAVE_ERRORS_LABEL
        };
        (label.get(lang), &save.path, String::new())
    } else {
        return None;
    };
    let label = format!("{} ", g.text(label));
    let width = usize::from(area.width);
    // The end of what is typed stays visible, as in every input.
    let room = width.saturating_sub(display_width(&label) + 1);
    let typed = g.text(typed);
    let chars: Vec<char> = typed.chars().collect();
    let shown: String = chars[chars.len().saturating_sub(room)..].iter().collect();
    let after_room = width.saturating_sub(display_width(&label) + display_width(&shown) + 3);
    let mut spans = vec![
        Span::styled(label.clone(), theme.accent),
        Span::styled(shown.clone(), theme.input),
    ];
    if !after.is_empty() && after_room > 3 {
        spans.push(Span::styled(
            format!("  {}", g.truncate(&after, after_room)),
            theme.muted,
        ));
    }
    frame.render_widget(Paragraph::new(ratatui::text::Line::from(spans)), area);
    let x = display_width(&label) + display_width(&shown);
    Some(Position::new(
        area.x + u16::try_from(x.min(width.saturating_sub(1))).unwrap_or(0),
        area.y,
    ))
}

/// The row's vendor, or «—» when the portal named none.
fn vendor_name(row: &PrecheckRow, lang: Lang) -> &'static str {
    row.vendor.as_ref().map(|v| v.id.name(lang)).unwrap_or("—")
}

/// The portal's message for a refused row, or the outcome's own text.
fn row_message(row: &PrecheckRow, lang: Lang) -> String {
    row.message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| row.outcome.message(lang).to_string())
}
