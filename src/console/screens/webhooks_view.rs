//! The Webhooks screen's view (`webhooks.rs` holds its state and keys): the
//! endpoints, a few rows, and the selected one's delivery log under them.

use super::webhooks::{Focus, WebhooksScreen};
use crate::client::webhooks::{DeliveryStatus, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::Role;
use crate::console::i18n::webhooks as tr;
use crate::console::theme::Theme;
use crate::domain::Lang;
use crate::domain::text::inert;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// A cell cut to `width` display columns (with `…`) and padded to it.
fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = text.width();
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if total > width && used + w + 1 > width {
            if width > 0 {
                out.push('…');
                used += 1;
            }
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Rows of cells as lines: fixed columns keep their width, the last flexible one
/// (`flex`) takes what is left of `width`.
fn table(rows: &[Vec<String>], width: usize, flex: usize) -> Vec<String> {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (i, text) in row.iter().enumerate() {
            widths[i] = widths[i].max(text.width());
        }
    }
    let others: usize = widths
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != flex)
        .map(|(_, w)| *w)
        .sum();
    widths[flex] = width
        .saturating_sub(others + columns.saturating_sub(1))
        .max(4)
        .min(widths[flex]);
    rows.iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(text, w)| cell(text, *w))
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The endpoints as lines, the header first.
pub fn endpoint_lines(endpoints: &[WebhookEndpoint], lang: Lang, width: usize) -> Vec<String> {
    let mut rows = vec![
        tr::ENDPOINT_COLUMNS
            .map(|c| c.get(lang).to_string())
            .to_vec(),
    ];
    for e in endpoints {
        rows.push(vec![
            e.id.to_string(),
            inert(&e.url).into_owned(),
            e.events.join(","),
            e.pending.to_string(),
            e.failed.to_string(),
        ]);
    }
    // The URL shares the line with the events: both flexible, the URL first.
    let events_width = width / 4;
    for row in rows.iter_mut() {
        row[2] = cell(&row[2], events_width).trim_end().to_string();
    }
    table(&rows, width, 1)
}

/// The deliveries as lines, the header first.
pub fn delivery_lines(log: &[WebhookDelivery], lang: Lang, width: usize) -> Vec<String> {
    let mut rows = vec![
        tr::DELIVERY_COLUMNS
            .map(|c| c.get(lang).to_string())
            .to_vec(),
    ];
    for d in log {
        let answer = match (&d.last_error, d.response_status) {
            (Some(error), _) => inert(error).into_owned(),
            (None, Some(status)) => format!("HTTP {status}"),
            (None, None) => String::new(),
        };
        rows.push(vec![
            d.id.to_string(),
            d.event_type.clone(),
            inert(&d.object).into_owned(),
            tr::status(lang, d.status).to_string(),
            d.attempts.to_string(),
            answer,
        ]);
    }
    table(&rows, width, 5)
}

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub role: Option<Role>,
}

/// Draws the endpoints (a few rows) and the selected one's log below them; the cursor
/// sits on the selected row of the focused list.
pub fn view(
    screen: &WebhooksScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let width = usize::from(area.width);
    let mut drawn: Vec<Line> = vec![
        Line::from(Span::styled(tr::TITLE.get(ctx.lang), theme.header)),
        Line::raw(""),
    ];
    let message =
        |text: &str, style| Line::from(Span::styled(theme.glyphs.text(text).into_owned(), style));
    let body_message = |line: Line<'static>, frame: &mut Frame, drawn: Vec<Line<'static>>| {
        let mut drawn = drawn;
        drawn.push(line);
        frame.render_widget(Paragraph::new(drawn), area);
    };
    if !super::webhooks::allowed(ctx.role) {
        body_message(
            message(tr::ONLY_MANAGERS.get(ctx.lang), theme.muted),
            frame,
            drawn,
        );
        return None;
    }
    if let Some(error) = &screen.error {
        body_message(message(&inert(error), theme.error), frame, drawn);
        return None;
    }
    let Some(endpoints) = screen.endpoints.as_ref().filter(|e| !e.is_empty()) else {
        let text = if screen.loading() {
            tr::LOADING
        } else {
            tr::EMPTY
        };
        body_message(message(text.get(ctx.lang), theme.muted), frame, drawn);
        return None;
    };
    let padded = |text: &str| {
        let text = theme.glyphs.text(text).into_owned();
        let pad = width.saturating_sub(text.width());
        format!("{text}{}", " ".repeat(pad))
    };
    let mut cursor = None;
    // Endpoints: at most a third of the screen, scrolled to the selected one.
    let rows = endpoint_lines(endpoints, ctx.lang, width);
    let shown = (usize::from(area.height) / 3).clamp(1, endpoints.len());
    let first = screen.selected.saturating_sub(shown - 1);
    drawn.push(Line::from(Span::styled(padded(&rows[0]), theme.header)));
    for (i, text) in rows.iter().skip(1).enumerate().skip(first).take(shown) {
        let style = if i == screen.selected {
            if screen.focus == Focus::Endpoints {
                cursor = Some(Position::new(area.x, area.y + drawn.len() as u16));
            }
            theme.selection
        } else {
            theme.base
        };
        drawn.push(Line::from(Span::styled(padded(text), style)));
    }
    drawn.push(Line::raw(""));
    let heading = match screen.selected_endpoint() {
        Some(e) => format!("{}{}", tr::DELIVERIES_OF.get(ctx.lang), e.id),
        None => String::new(),
    };
    drawn.push(Line::from(Span::styled(heading, theme.header)));
    let log = screen
        .deliveries
        .as_ref()
        .filter(|(e, _)| Some(*e) == screen.selected_endpoint().map(|s| s.id))
        .map(|(_, log)| log.as_slice());
    match log {
        Some(log) if !log.is_empty() => {
            let rows = delivery_lines(log, ctx.lang, width);
            drawn.push(Line::from(Span::styled(padded(&rows[0]), theme.header)));
            let room = usize::from(area.height).saturating_sub(drawn.len()).max(1);
            let first = screen.selected_delivery.saturating_sub(room - 1);
            for (i, text) in rows.iter().skip(1).enumerate().skip(first).take(room) {
                let delivery = &log[i];
                let style = if i == screen.selected_delivery && screen.focus == Focus::Deliveries {
                    cursor = Some(Position::new(area.x, area.y + drawn.len() as u16));
                    theme.selection
                } else if delivery.status == DeliveryStatus::Failed {
                    theme.error
                } else if delivery.status == DeliveryStatus::Pending {
                    theme.muted
                } else {
                    theme.base
                };
                drawn.push(Line::from(Span::styled(padded(text), style)));
            }
        }
        _ => {
            let text = if screen.loading() {
                tr::LOADING
            } else {
                tr::NO_DELIVERIES
            };
            drawn.push(message(text.get(ctx.lang), theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(drawn), area);
    cursor
}
