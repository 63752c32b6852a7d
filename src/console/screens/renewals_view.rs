//! Drawing the Renewals screen (`renewals.rs`): a title with the filters in force, the
//! devices (mark, serial, organization, model, subscription end coloured as the
//! precheck colours it, days left, «Ваша цена»), the page line, the marks and the
//! totals per organization and vendor.

use super::detail::urgency_marker;
use super::renewals::RenewalsScreen;
use crate::client::devices::DeviceItem;
use crate::console::i18n::{self, renewals as tr};
use crate::console::theme::Theme;
use crate::domain::text::inert;
use crate::domain::{Lang, format_date, format_rub, urgency};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
    pub organizations: &'a [crate::client::wire::Organization],
}

/// The filters in force: «до 30 дн. · Организация: АЛЬСТЕР · Вендор: Пэй Киоск».
pub fn filter_line(screen: &RenewalsScreen, ctx: &ViewContext) -> String {
    let lang = ctx.lang;
    let mut parts = vec![format!(
        "{}: {}",
        tr::FILTER_WINDOW.get(lang),
        tr::window(lang, screen.window)
    )];
    if let Some(id) = screen.query.organization {
        let name = ctx
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone());
        parts.push(format!("{}: {name}", i18n::FILTER_ORGANIZATION.get(lang)));
    }
    if let Some(vendor) = screen.vendor() {
        parts.push(format!(
            "{}: {}",
            tr::FILTER_VENDOR.get(lang),
            vendor.name(lang)
        ));
    }
    inert(&parts.join(" · ")).into_owned()
}

/// A cell cut to `width` display columns (with `…`) and padded to it (on the left
/// when `right`).
fn cell(text: &str, width: usize, right: bool) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = text.width();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if total > width && used + w + 1 > width {
            out.push('…');
            used += 1;
            break;
        }
        out.push(c);
        used += w;
    }
    let pad = " ".repeat(width.saturating_sub(used));
    if right {
        format!("{pad}{out}")
    } else {
        format!("{out}{pad}")
    }
}

/// Column widths for `width` columns: mark, serial, organization, model, until, days,
/// price; organization and model share what the fixed ones leave.
fn widths(width: usize) -> [usize; 7] {
    let fixed = 3 + 16 + 12 + 5 + 11 + 6;
    let rest = width.saturating_sub(fixed).max(8);
    [3, 16, rest / 2, rest - rest / 2, 12, 5, 11]
}

/// One row's cells as drawn, with the style of each (the end in its urgency colour).
pub fn row_cells(
    screen: &RenewalsScreen,
    device: &DeviceItem,
    ctx: &ViewContext,
    width: usize,
) -> Vec<(String, Style)> {
    let theme = ctx.theme;
    let w = widths(width);
    let u = urgency(Some(device.subscription_until), ctx.today);
    let days = (device.subscription_until - ctx.today).num_days();
    let mark = if screen.is_marked(device) {
        "[x]"
    } else {
        "[ ]"
    };
    let until = format!(
        "{}{}",
        urgency_marker(u),
        format_date(device.subscription_until)
    );
    vec![
        (cell(mark, w[0], false), theme.base),
        (cell(&device.serial, w[1], false), theme.base),
        (
            cell(&inert(&device.organization.name), w[2], false),
            theme.base,
        ),
        (cell(&inert(&device.model), w[3], false), theme.base),
        (
            cell(&theme.glyphs.text(&until), w[4], false),
            theme.urgency(u),
        ),
        (cell(&days.to_string(), w[5], true), theme.base),
        (
            cell(&format_rub(device.price, theme.glyphs.ascii), w[6], true),
            theme.base,
        ),
    ]
}

/// The header row's text.
pub fn header(lang: Lang, width: usize) -> String {
    let w = widths(width);
    tr::COLUMNS
        .iter()
        .zip(w)
        .enumerate()
        .map(|(i, (c, w))| cell(c.get(lang), w, i >= 5))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

/// The lines under the list: the marks, the filter's total, then per organization
/// and vendor.
pub fn summary_lines(screen: &RenewalsScreen, ctx: &ViewContext) -> Vec<String> {
    let lang = ctx.lang;
    let ascii = ctx.theme.glyphs.ascii;
    let mut out = Vec::new();
    let (count, total) = screen.marked_total();
    if count > 0 {
        out.push(tr::marked(lang, count, total, ascii));
    }
    if let Some(totals) = &screen.totals {
        out.push(tr::total(lang, totals.count, totals.total, ascii));
        for group in &totals.groups {
            out.push(
                inert(&format!(
                    "  {} · {}: {} × → {}",
                    group.organization.name,
                    group.vendor.id.name(lang),
                    crate::console::i18n::group_digits(group.count),
                    format_rub(group.total, ascii)
                ))
                .into_owned(),
            );
        }
    }
    out
}

/// Draws the screen; the cursor sits on the selected row.
pub fn view(
    screen: &RenewalsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let lang = ctx.lang;
    let title = vec![
        Span::styled(tr::TITLE.get(lang), theme.header),
        Span::styled(format!(" · {}", filter_line(screen, ctx)), theme.muted),
    ];
    frame.render_widget(
        Paragraph::new(Line::from(title)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    let message = |text: &str, style| {
        Paragraph::new(Line::from(Span::styled(
            theme.glyphs.text(text).into_owned(),
            style,
        )))
    };
    if let Some(error) = &screen.error {
        frame.render_widget(message(&inert(error), theme.error), body);
        return None;
    }
    let Some(page) = screen.page.as_ref().filter(|p| !p.items.is_empty()) else {
        let text = if screen.loading() || screen.page.is_none() {
            tr::LOADING
        } else {
            tr::EMPTY
        };
        frame.render_widget(message(text.get(lang), theme.muted), body);
        return None;
    };
    let width = usize::from(area.width);
    // The summary keeps at least its first two lines; the list takes the rest.
    let summary = summary_lines(screen, ctx);
    let wanted_list = u16::try_from(page.items.len() + 2).unwrap_or(u16::MAX);
    let min_summary = summary.len().min(2) as u16;
    let list_height = wanted_list
        .min(body.height.saturating_sub(min_summary + 1))
        .max(3);
    let visible = usize::from(list_height).saturating_sub(2);
    let first = screen.selected.saturating_sub(visible.saturating_sub(1));
    let mut drawn = vec![Line::from(Span::styled(
        theme.glyphs.text(&header(lang, width)).into_owned(),
        theme.header,
    ))];
    let mut cursor = None;
    for (i, device) in page.items.iter().enumerate().skip(first).take(visible) {
        let selected = i == screen.selected;
        if selected {
            cursor = Some(Position::new(body.x, body.y + 1 + (i - first) as u16));
        }
        let mut spans = Vec::new();
        for (n, (text, style)) in row_cells(screen, device, ctx, width)
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                spans.push(Span::styled(
                    " ",
                    if selected {
                        theme.selection
                    } else {
                        theme.base
                    },
                ));
            }
            spans.push(Span::styled(
                text,
                if selected { theme.selection } else { style },
            ));
        }
        drawn.push(Line::from(spans));
    }
    let more = page.next.is_some();
    // "page N of M" once the totals (the same filters' count) are in.
    let counter = match screen.page_count() {
        Some((pages, count)) => i18n::paging::page_counter(
            lang,
            u32::try_from(screen.page_number()).unwrap_or(u32::MAX),
            u32::try_from(pages.max(screen.page_number())).unwrap_or(u32::MAX),
            count,
            false,
        ),
        None => i18n::activity::page_line(lang, screen.page_number(), more),
    };
    drawn.push(Line::from(Span::styled(counter, theme.muted)));
    frame.render_widget(
        Paragraph::new(drawn),
        Rect::new(body.x, body.y, body.width, list_height),
    );
    let room = body.height.saturating_sub(list_height + 1);
    let lines: Vec<Line> = summary
        .iter()
        .take(usize::from(room))
        .enumerate()
        .map(|(i, text)| {
            let style = if i == 0 { theme.header } else { theme.base };
            Line::from(Span::styled(theme.glyphs.text(text).into_owned(), style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(body.x, body.y + list_height + 1, body.width, room),
    );
    cursor
}
