//! The seats table: its columns (declared once, shown and ordered as the user chose)
//! and the drawing of the page of seats.

use super::SeatsScreen;
use super::view::{ViewContext, status_style};
use crate::client::wire::Seat;
use crate::console::columns::ColumnId;
use crate::console::i18n::{self, Tr, seats as tr};
use crate::console::screens::detail::urgency_marker;
use crate::console::widgets::{render_scrolled_table, right, scroll_offset};
use crate::domain::{format_date, urgency};
use crate::mirror::{OutboxAction, OutboxItem, OutboxState};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatColumn {
    Id,
    Product,
    Status,
    Email,
    ValidFrom,
    ValidUntil,
}

impl ColumnId for SeatColumn {
    const ALL: &'static [SeatColumn] = &[
        SeatColumn::Id,
        SeatColumn::Product,
        SeatColumn::Status,
        SeatColumn::Email,
        SeatColumn::ValidFrom,
        SeatColumn::ValidUntil,
    ];

    fn key(self) -> &'static str {
        match self {
            SeatColumn::Id => "id",
            SeatColumn::Product => "product",
            SeatColumn::Status => "status",
            SeatColumn::Email => "email",
            SeatColumn::ValidFrom => "valid_from",
            SeatColumn::ValidUntil => "valid_until",
        }
    }

    fn title(self) -> Tr {
        match self {
            SeatColumn::Id => tr::COL_SEAT,
            SeatColumn::Product => tr::COL_PRODUCT,
            SeatColumn::Status => i18n::COL_STATUS,
            SeatColumn::Email => tr::COL_EMAIL,
            SeatColumn::ValidFrom => tr::COL_FROM,
            SeatColumn::ValidUntil => tr::COL_UNTIL,
        }
    }

    fn required(self) -> bool {
        self == SeatColumn::Id
    }
}

impl SeatColumn {
    /// Fixed width; None for the e-mail, which takes what is left.
    fn width(self) -> Option<u16> {
        match self {
            SeatColumn::Id => Some(7),
            SeatColumn::Product => Some(12),
            SeatColumn::Status => Some(9),
            SeatColumn::Email => None,
            SeatColumn::ValidFrom => Some(11),
            SeatColumn::ValidUntil => Some(12),
        }
    }
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

pub(super) fn draw_table(
    screen: &SeatsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let columns: Vec<SeatColumn> = screen.columns.visible().collect();
    let fixed: u16 = columns.iter().filter_map(|c| c.width()).sum();
    let gaps = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let email_width = area.width.saturating_sub(fixed + gaps).max(6);
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Length(c.width().unwrap_or(email_width)))
        .collect();
    let header = Row::new(columns.iter().map(|c| {
        let title = theme.glyphs.text(c.title().get(lang)).into_owned();
        if *c == SeatColumn::Id {
            right(title)
        } else {
            Cell::from(title)
        }
    }))
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
    let body: Vec<Row> = rows
        .iter()
        .map(|s| seat_row(s, &columns, ctx, email_width))
        .collect();
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    Some(render_scrolled_table(
        frame, table, area, selected, offset, 1,
    ))
}

fn seat_row(s: &Seat, columns: &[SeatColumn], ctx: &ViewContext, email_width: u16) -> Row<'static> {
    let theme = ctx.theme;
    let g = theme.glyphs;
    let queued = queued_change(ctx.outbox, s.id);
    let cell = |column: SeatColumn| -> Cell<'static> {
        match column {
            SeatColumn::Id => right(s.id.to_string()),
            SeatColumn::Product => Cell::from(g.truncate(&s.product.name, 12)),
            SeatColumn::Status => {
                let (text, style) = match queued {
                    Some(_) => (
                        i18n::sync::PENDING_MARK.get(ctx.lang),
                        theme.status_in_progress,
                    ),
                    None => (
                        tr::status(ctx.lang, s.status),
                        status_style(theme, s.status),
                    ),
                };
                Cell::from(Span::styled(g.text(text).into_owned(), style))
            }
            SeatColumn::Email => {
                let email = match queued {
                    Some(Some(email)) => format!("{} {email}", g.right),
                    Some(None) => {
                        format!("{} {}", g.cross, s.email.as_deref().unwrap_or("—"))
                    }
                    None => s.email.clone().unwrap_or_else(|| "—".to_string()),
                };
                Cell::from(g.truncate(&email, usize::from(email_width)))
            }
            SeatColumn::ValidFrom => Cell::from(format_date(s.valid_from)),
            SeatColumn::ValidUntil => {
                let u = urgency(Some(s.valid_until), ctx.today);
                Cell::from(Span::styled(
                    format!(
                        "{}{}",
                        g.text(urgency_marker(u)),
                        format_date(s.valid_until)
                    ),
                    theme.urgency(u),
                ))
            }
        }
    };
    Row::new(columns.iter().map(|&c| cell(c)).collect::<Vec<_>>())
}
