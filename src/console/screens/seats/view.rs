//! Drawing the seats screen: filters, the summary per product, the table, the page
//! counter, and the open dialog on top.

use super::{BulkPhase, BulkResult, SeatsScreen, email_problem};
use crate::client::wire::{Organization, Seat, SeatSortKey, SeatStatus};
use crate::console::i18n::{self, seats as tr};
use crate::console::screens::detail::urgency_marker;
use crate::console::theme::Theme;
use crate::console::widgets::{
    centered, display_width, filter_bar, modal, render_scrolled_table, right, scroll_offset,
};
use crate::domain::{Lang, format_date, urgency};
use crate::mirror::{OutboxAction, OutboxItem, OutboxState};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
    pub organizations: &'a [Organization],
    /// Mirror mode: writes waiting in the outbox (a queued bind/unbind marks its row).
    pub outbox: &'a [OutboxItem],
}

/// The queued bind (`Some(email)`) or unbind (`None`) of this seat, the latest first.
fn queued_change(outbox: &[OutboxItem], seat: i64) -> Option<Option<&str>> {
    outbox
        .iter()
        .rev()
        .filter(|item| item.state == OutboxState::Pending)
        .find_map(|item| match &item.action {
            OutboxAction::Bind { seat: s, email } if *s == seat => Some(Some(email.as_str())),
            OutboxAction::Unbind { seat: s } if *s == seat => Some(None),
            _ => None,
        })
}

pub fn status_style(theme: &Theme, status: SeatStatus) -> Style {
    match status {
        SeatStatus::Free => theme.status_done,
        SeatStatus::Bound => theme.accent,
        SeatStatus::Expired => theme.muted,
    }
}

/// «Orange[uc]e: свободно 12 · занято 25 · истекло 3», per product (summed over the
/// organizations shown), products separated by « │ ».
pub fn summary_text(screen: &SeatsScreen, lang: Lang) -> String {
    let mut parts = Vec::new();
    for product in screen.products() {
        let (mut free, mut bound, mut expired) = (0, 0, 0);
        for s in screen.summary.iter().filter(|s| s.product.id == product.id) {
            free += s.free;
            bound += s.bound;
            expired += s.expired;
        }
        parts.push(tr::summary(lang, &product.name, free, bound, expired));
    }
    if parts.is_empty() {
        return tr::NO_SUMMARY.get(lang).to_string();
    }
    parts.join(" │ ")
}

/// The table's part of the screen's `area` (under the filters and the summary, above
/// the page counter); the view draws there and a mouse click is mapped through it.
pub fn table_area(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 3,
        area.width,
        area.height.saturating_sub(4),
    )
}

pub fn view(
    screen: &SeatsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let bar1 = Rect::new(area.x, area.y, area.width, 1);
    let bar2 = Rect::new(area.x, area.y + 1, area.width, 1);
    let summary = Rect::new(area.x, area.y + 2, area.width, 1);
    let table_area = table_area(area);
    let counter = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let query = &screen.query;
    let all = i18n::FILTER_ALL.get(lang).to_string();
    let org = filter_bar::organization_value(ctx.organizations, query.organization, &all);
    let product = match &query.product {
        None => all.clone(),
        Some(id) => screen
            .products()
            .into_iter()
            .find(|p| &p.id == id)
            .map(|p| p.name)
            .unwrap_or_else(|| id.clone()),
    };
    let row1 = [
        filter_bar::Field {
            label: i18n::FILTER_ORGANIZATION.get(lang),
            value: org,
            max_width: 20,
            editing: false,
        },
        filter_bar::Field {
            label: tr::FILTER_PRODUCT.get(lang),
            value: product,
            max_width: 14,
            editing: false,
        },
        filter_bar::Field {
            label: i18n::FILTER_STATUS.get(lang),
            value: query
                .status
                .map(|s| tr::status(lang, s).to_string())
                .unwrap_or(all),
            max_width: 9,
            editing: false,
        },
    ];
    filter_bar::render(&row1, None, theme, frame, bar1);
    let (search, editing) =
        filter_bar::search_value(screen.search_input.as_ref(), query.q.as_ref(), lang);
    let sort_name = match query.sort {
        SeatSortKey::Id => tr::SORT_ID,
        SeatSortKey::ValidUntil => tr::SORT_UNTIL,
        SeatSortKey::Email => tr::SORT_EMAIL,
    };
    let row2 = [
        filter_bar::Field {
            label: tr::FILTER_EMAIL.get(lang),
            value: search,
            max_width: 18,
            editing,
        },
        filter_bar::Field {
            label: i18n::FILTER_SORT.get(lang),
            value: format!(
                "{} {}",
                sort_name.get(lang),
                if query.descending { "↓" } else { "↑" }
            ),
            max_width: 12,
            editing: false,
        },
        filter_bar::Field {
            label: i18n::FILTER_PER_PAGE.get(lang),
            value: query.per_page.to_string(),
            max_width: 3,
            editing: false,
        },
    ];
    let loading = screen
        .loading()
        .then(|| (i18n::LOADING.get(lang), theme.accent));
    let input_cursor = filter_bar::render(&row2, loading, theme, frame, bar2);
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme
                .glyphs
                .truncate(&summary_text(screen, lang), usize::from(area.width)),
            theme.header,
        )),
        summary,
    );
    let counter_text = i18n::page_counter(lang, query.page, screen.page_count(), screen.total());
    frame.render_widget(
        Paragraph::new(theme.glyphs.line(vec![
            Span::styled(i18n::tabs::SEATS_TITLE.get(lang), theme.header),
            Span::styled(" · ", theme.muted),
            Span::raw(counter_text),
        ])),
        counter,
    );
    let row_cursor = draw_table(screen, ctx, frame, table_area);

    if let Some(confirm) = &screen.unbind {
        let question = tr::unbind_question(lang, confirm.seat, &confirm.email);
        let width = (display_width(&question) + 4).clamp(40, usize::from(area.width)) as u16;
        let rect = centered(area, width, 5);
        let inner = modal(frame, rect, tr::UNBIND_TITLE.get(lang), theme);
        let keys = if confirm.pending {
            i18n::SENDING.get(lang)
        } else {
            tr::UNBIND_KEYS.get(lang)
        };
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(theme.glyphs.truncate(&question, usize::from(inner.width))),
                Line::from(""),
                Line::from(Span::styled(keys, theme.muted)),
            ]),
            inner,
        );
        return None;
    }
    if screen.bind.is_some() {
        return draw_bind(screen, ctx, frame, area);
    }
    if screen.bulk.is_some() {
        return draw_bulk(screen, ctx, frame, area);
    }
    if editing { input_cursor } else { row_cursor }
}

const W_ID: u16 = 7;
const W_PRODUCT: u16 = 12;
const W_STATUS: u16 = 9;
const W_FROM: u16 = 11;
const W_UNTIL: u16 = 12;

fn draw_table(
    screen: &SeatsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let email_width = area
        .width
        .saturating_sub(W_ID + W_PRODUCT + W_STATUS + W_FROM + W_UNTIL + 5)
        .max(6);
    let widths = [
        Constraint::Length(W_ID),
        Constraint::Length(W_PRODUCT),
        Constraint::Length(W_STATUS),
        Constraint::Length(email_width),
        Constraint::Length(W_FROM),
        Constraint::Length(W_UNTIL),
    ];
    let header = Row::new(vec![
        Cell::from(
            Line::from(theme.glyphs.text(tr::COL_SEAT.get(lang))).alignment(Alignment::Right),
        ),
        Cell::from(theme.glyphs.text(tr::COL_PRODUCT.get(lang))),
        Cell::from(theme.glyphs.text(i18n::COL_STATUS.get(lang))),
        Cell::from(theme.glyphs.text(tr::COL_EMAIL.get(lang))),
        Cell::from(theme.glyphs.text(tr::COL_FROM.get(lang))),
        Cell::from(theme.glyphs.text(tr::COL_UNTIL.get(lang))),
    ])
    .style(theme.header);
    let rows = screen.rows();
    let visible = usize::from(area.height.saturating_sub(1));
    if rows.is_empty() || visible == 0 {
        frame.render_widget(Table::new(Vec::<Row>::new(), widths).header(header), area);
        if screen.page.is_some() && !screen.loading() && area.height > 2 {
            frame.render_widget(
                Paragraph::new(theme.glyphs.text(tr::NO_SEATS.get(lang)))
                    .style(theme.muted)
                    .alignment(Alignment::Center),
                Rect::new(area.x, area.y + 2, area.width, 1),
            );
        }
        return None;
    }
    let selected = screen.selected.min(rows.len() - 1);
    let offset = scroll_offset(selected, visible);
    let body: Vec<Row> = rows.iter().map(|s| seat_row(s, ctx, email_width)).collect();
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    Some(render_scrolled_table(
        frame, table, area, selected, offset, 1,
    ))
}

fn seat_row(s: &Seat, ctx: &ViewContext, email_width: u16) -> Row<'static> {
    let theme = ctx.theme;
    let u = urgency(Some(s.valid_until), ctx.today);
    let queued = queued_change(ctx.outbox, s.id);
    let (status_text, status_style_now) = match queued {
        Some(_) => (
            i18n::sync::PENDING_MARK.get(ctx.lang),
            theme.status_in_progress,
        ),
        None => (
            tr::status(ctx.lang, s.status),
            status_style(theme, s.status),
        ),
    };
    let email = match queued {
        Some(Some(email)) => format!("{} {email}", theme.glyphs.right),
        Some(None) => format!(
            "{} {}",
            theme.glyphs.cross,
            s.email.as_deref().unwrap_or("—")
        ),
        None => s.email.clone().unwrap_or_else(|| "—".to_string()),
    };
    Row::new(vec![
        right(s.id.to_string()),
        Cell::from(
            theme
                .glyphs
                .truncate(&s.product.name, usize::from(W_PRODUCT)),
        ),
        Cell::from(Span::styled(
            theme.glyphs.text(status_text).into_owned(),
            status_style_now,
        )),
        Cell::from(theme.glyphs.truncate(&email, usize::from(email_width))),
        Cell::from(format_date(s.valid_from)),
        Cell::from(Span::styled(
            format!(
                "{}{}",
                theme.glyphs.text(urgency_marker(u)),
                format_date(s.valid_until)
            ),
            theme.urgency(u),
        )),
    ])
}

fn draw_bind(
    screen: &SeatsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let dialog = screen.bind.as_ref()?;
    let lang = ctx.lang;
    let theme = ctx.theme;
    let height = 8 + dialog.suggestions.len() as u16;
    let rect = centered(area, 66, height);
    let title = tr::bind_title(lang, dialog.seat.id);
    let inner = modal(frame, rect, &title, theme);
    let width = usize::from(inner.width);
    let label = format!("{} ", tr::BIND_EMAIL_LABEL.get(lang));
    let room = width.saturating_sub(display_width(&label) + 1);
    let shown: String = {
        let chars: Vec<char> = dialog.input.chars().collect();
        let skip = chars.len().saturating_sub(room);
        chars[skip..].iter().collect()
    };
    let check = match email_problem(&dialog.input) {
        None => Span::styled(format!("✓ {}", tr::EMAIL_OK.get(lang)), theme.status_done),
        Some(super::EmailProblem::Empty) => Span::styled(tr::EMAIL_HINT.get(lang), theme.muted),
        Some(problem) => Span::styled(
            format!("✕ {}", tr::email_problem(lang, problem)),
            theme.error,
        ),
    };
    let mut lines = vec![
        Line::from(Span::styled(
            theme.glyphs.truncate(
                &tr::bind_seat_line(lang, &dialog.seat.product.name, dialog.seat.valid_until),
                width,
            ),
            theme.muted,
        )),
        theme.glyphs.line(vec![
            Span::raw(label.clone()),
            Span::styled(
                format!(
                    "{shown}{}",
                    " ".repeat(room.saturating_sub(shown.chars().count()))
                ),
                theme.input,
            ),
        ]),
        theme.glyphs.line(vec![check]),
    ];
    for (i, user) in dialog.suggestions.iter().enumerate() {
        let text = theme
            .glyphs
            .truncate(&format!("  {} — {}", user.email, user.name), width);
        let style = if dialog.picked == Some(i) {
            theme.selection
        } else {
            theme.base
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(match &dialog.error {
        Some(error) => Span::styled(theme.glyphs.truncate(error, width), theme.error),
        None => Span::raw(""),
    }));
    let keys = if dialog.pending {
        i18n::SENDING.get(lang)
    } else {
        tr::BIND_KEYS.get(lang)
    };
    lines.push(Line::from(Span::styled(
        theme.glyphs.truncate(keys, width),
        theme.muted,
    )));
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + (display_width(&label) + display_width(&shown)).min(width) as u16;
    Some(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y + 1,
    ))
}

fn draw_bulk(
    screen: &SeatsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let bulk = screen.bulk.as_ref()?;
    let lang = ctx.lang;
    let theme = ctx.theme;
    // Below the filters and the summary, which stay visible.
    let rect = Rect::new(
        area.x,
        area.y + 3,
        area.width,
        area.height.saturating_sub(3),
    );
    let inner = modal(frame, rect, tr::BULK_TITLE.get(lang), theme);
    if inner.height < 4 {
        return None;
    }
    let width = usize::from(inner.width);
    let target = match &bulk.target {
        Some((org, product)) => {
            let free: u32 = screen
                .summary
                .iter()
                .filter(|s| s.product.id == product.id && s.organization.id == org.id)
                .map(|s| s.free)
                .sum();
            tr::bulk_target(lang, &product.name, &org.name, free)
        }
        None => tr::BULK_NO_PRODUCT.get(lang).to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme.glyphs.truncate(&target, width),
            theme.accent,
        )),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let footer = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
    let body = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 2);
    if bulk.phase == BulkPhase::Editing {
        frame.render_widget(&bulk.input.0, body);
        frame.render_widget(
            Paragraph::new(Span::styled(
                theme.glyphs.truncate(tr::BULK_KEYS.get(lang), width),
                theme.muted,
            )),
            footer,
        );
        return None;
    }
    let visible = usize::from(body.height);
    let lines: Vec<Line> = bulk
        .rows
        .iter()
        .skip(bulk.scroll)
        .take(visible)
        .map(|row| {
            let (text, style) = match &row.result {
                BulkResult::Waiting => (tr::BULK_WAITING.get(lang).to_string(), theme.muted),
                BulkResult::Bound(seat) => (tr::bulk_bound(lang, *seat), theme.status_done),
                BulkResult::Queued(seat) => {
                    (tr::bulk_queued(lang, *seat), theme.status_in_progress)
                }
                BulkResult::Failed(error) => (error.clone(), theme.error),
            };
            let email = theme.glyphs.truncate(&row.email, 28);
            let pad = 28usize.saturating_sub(display_width(&email));
            let room = width.saturating_sub(32);
            theme.glyphs.line(vec![
                Span::raw(format!("{email}{} → ", " ".repeat(pad))),
                Span::styled(theme.glyphs.truncate(&text, room), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    let (bound, failed) = bulk.counts();
    let footer_text = match bulk.phase {
        BulkPhase::Running => tr::bulk_running(lang, bound + failed, bulk.rows.len()),
        _ => format!(
            "{} · {}",
            tr::bulk_done(lang, bound, failed),
            tr::BULK_DONE_KEYS.get(lang)
        ),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme.glyphs.truncate(&footer_text, width),
            theme.muted,
        )),
        footer,
    );
    None
}
