//! Drawing the seats screen: filters, the summary per product, the table, the page
//! counter, and the open dialog on top.

use super::{BulkPhase, BulkResult, SeatsScreen, email_problem};
use crate::client::wire::{Organization, SeatSortKey, SeatStatus};
use crate::console::i18n::{self, seats as tr};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width, filter_bar, modal, wrap};
use crate::domain::Lang;
use crate::mirror::OutboxItem;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
    pub organizations: &'a [Organization],
    /// Mirror mode: writes waiting in the outbox (a queued bind/unbind marks its row).
    pub outbox: &'a [OutboxItem],
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
    // The counter is the rows' own: while the next page loads, the old rows keep their
    // page number (issue 14: never a new counter above old rows).
    let shown_page = match screen.page {
        Some(_) => screen.applied.page,
        None => query.page,
    };
    let counter_text = i18n::page_counter(
        lang,
        shown_page,
        screen.page_count(),
        screen.total(),
        // Seat totals are exact (only a serial search of activations is capped).
        false,
    );
    let mut spans = vec![
        Span::styled(i18n::tabs::SEATS_TITLE.get(lang), theme.header),
        Span::styled(" · ", theme.muted),
        Span::raw(counter_text),
    ];
    // Marks (issue 16 b): how many, whatever page is shown.
    if screen.marks.collecting.is_some() {
        spans.push(Span::styled(
            format!(" · {}", i18n::bulk::MARKING_ALL.get(lang)),
            theme.accent,
        ));
    } else if !screen.marks.is_empty() {
        spans.push(Span::styled(
            format!(" · {}", i18n::bulk::marked(lang, screen.marks.len())),
            theme.accent,
        ));
    }
    frame.render_widget(Paragraph::new(theme.glyphs.line(spans)), counter);
    let row_cursor = super::table::draw_table(screen, ctx, frame, table_area);

    if screen.bind.is_some() {
        return draw_bind(screen, ctx, frame, area);
    }
    if screen.bulk.is_some() {
        return draw_bulk(screen, ctx, frame, area);
    }
    if editing { input_cursor } else { row_cursor }
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
    // The refusal wraps (at most 4 lines), so it is read whole.
    let error_lines = dialog
        .error
        .as_deref()
        .map(|e| wrap(&theme.glyphs.text(e), 64).len().clamp(1, 4))
        .unwrap_or(1);
    let height = 7 + dialog.suggestions.len() as u16 + error_lines as u16;
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
    match &dialog.error {
        Some(error) => {
            let wrapped = wrap(&theme.glyphs.text(error), width);
            let cut = wrapped.len() > error_lines;
            for (i, line) in wrapped.into_iter().take(error_lines).enumerate() {
                let line = if cut && i + 1 == error_lines {
                    theme.glyphs.truncate(&format!("{line} …"), width)
                } else {
                    line
                };
                lines.push(Line::from(Span::styled(line, theme.error)));
            }
        }
        None => lines.push(Line::from("")),
    }
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
        .flat_map(|row| {
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
            let room = width.saturating_sub(31).max(1);
            // The portal's reason wraps under itself: it is read whole.
            let text = theme.glyphs.text(&text).into_owned();
            wrap(&text, room)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let head = if i == 0 {
                        format!("{email}{} → ", " ".repeat(pad))
                    } else {
                        " ".repeat(31)
                    };
                    theme
                        .glyphs
                        .line(vec![Span::raw(head), Span::styled(part, style)])
                })
                .collect::<Vec<_>>()
        })
        .take(visible)
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
