//! The seats table: its columns (declared once, shown and ordered as the user chose)
//! and the drawing of the page of seats.

use super::SeatsScreen;
use super::view::{ViewContext, status_style};
use crate::client::wire::{Seat, SeatSortKey};
use crate::console::columns::ColumnId;
use crate::console::i18n::{self, Tr, seats as tr};
use crate::console::screens::detail::urgency_marker;
use crate::console::widgets::{fit_cell, header_cell, render_scrolled_table, scroll_offset};
use crate::domain::{format_date, urgency};
use crate::mirror::{OutboxAction, OutboxItem, OutboxState};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatColumn {
    Id,
    /// The seat's organization: hidden until chosen (`C`), the e-mail needs the room.
    Organization,
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
        SeatColumn::Organization,
    ];

    fn key(self) -> &'static str {
        match self {
            SeatColumn::Id => "id",
            SeatColumn::Organization => "organization",
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
            SeatColumn::Organization => i18n::COL_ORGANIZATION,
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

    fn shown_by_default(self) -> bool {
        self != SeatColumn::Organization
    }
}

impl SeatColumn {
    /// Fixed width; None for the e-mail and the organization, which share what is
    /// left. The end date leaves room for the urgency mark (`‼ `, `!! ` in ASCII).
    fn width(self, ascii: bool) -> Option<u16> {
        match self {
            // «№ места ↑»: the sort arrow fits.
            SeatColumn::Id => Some(9),
            SeatColumn::Product => Some(12),
            SeatColumn::Status => Some(if ascii { 10 } else { 9 }),
            SeatColumn::Organization | SeatColumn::Email => None,
            SeatColumn::ValidFrom => Some(11),
            SeatColumn::ValidUntil => Some(if ascii { 13 } else { 12 }),
        }
    }

    /// The sort this column's header shows an arrow for.
    fn sort_key(self) -> Option<SeatSortKey> {
        match self {
            SeatColumn::Id => Some(SeatSortKey::Id),
            SeatColumn::Email => Some(SeatSortKey::Email),
            SeatColumn::ValidUntil => Some(SeatSortKey::ValidUntil),
            _ => None,
        }
    }
}

/// The widths of the shown columns in `total` columns: the e-mail and the
/// organization share what the fixed ones leave (the organization 2/5 of it).
fn widths(columns: &[SeatColumn], total: u16, ascii: bool) -> Vec<u16> {
    let fixed: u16 = columns.iter().filter_map(|c| c.width(ascii)).sum();
    let gaps = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let rest = total.saturating_sub(fixed + gaps);
    let (org, email) = match (
        columns.contains(&SeatColumn::Organization),
        columns.contains(&SeatColumn::Email),
    ) {
        (true, true) => {
            let org = (rest * 2 / 5).max(6);
            (org, rest.saturating_sub(org).max(6))
        }
        _ => (rest.max(6), rest.max(6)),
    };
    columns
        .iter()
        .map(|c| match c {
            SeatColumn::Organization => org,
            SeatColumn::Email => email,
            other => other.width(ascii).unwrap_or(6),
        })
        .collect()
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
    let g = theme.glyphs;
    let columns: Vec<SeatColumn> = screen.columns.visible().collect();
    let column_widths = widths(&columns, area.width, g.ascii);
    let widths: Vec<Constraint> = column_widths
        .iter()
        .map(|w| Constraint::Length(*w))
        .collect();
    let query = &screen.query;
    let header = Row::new(columns.iter().zip(&column_widths).map(|(c, w)| {
        let sorted = (c.sort_key() == Some(query.sort)).then_some(query.descending);
        header_cell(&g, c.title().get(lang), *w, *c == SeatColumn::Id, sorted)
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
        .map(|s| {
            seat_row(
                s,
                &columns,
                &column_widths,
                ctx,
                screen.marks.contains(s.id),
            )
        })
        .collect();
    let table = Table::new(body, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    Some(render_scrolled_table(
        frame, table, area, selected, offset, 1,
    ))
}

/// One seat's row; whatever does not fit its column ends with `…`.
fn seat_row(
    s: &Seat,
    columns: &[SeatColumn],
    widths: &[u16],
    ctx: &ViewContext,
    marked: bool,
) -> Row<'static> {
    let theme = ctx.theme;
    let g = theme.glyphs;
    let queued = queued_change(ctx.outbox, s.id);
    let cell = |column: SeatColumn, width: u16| -> Cell<'static> {
        let fit = |text: &str, style| fit_cell(&g, text, width, style, column == SeatColumn::Id);
        match column {
            // Marked for an action on many rows (issue 16 b).
            SeatColumn::Id if marked => fit(&format!("+{}", s.id), theme.accent),
            SeatColumn::Id => fit(&s.id.to_string(), theme.base),
            SeatColumn::Organization => fit(&s.organization.name, theme.base),
            SeatColumn::Product => fit(&s.product.name, theme.base),
            SeatColumn::Status => match queued {
                Some(_) => fit(
                    i18n::sync::PENDING_MARK.get(ctx.lang),
                    theme.status_in_progress,
                ),
                None => fit(
                    tr::status(ctx.lang, s.status),
                    status_style(theme, s.status),
                ),
            },
            SeatColumn::Email => {
                let email = match queued {
                    Some(Some(email)) => format!("{} {email}", g.right),
                    Some(None) => {
                        format!("{} {}", g.cross, s.email.as_deref().unwrap_or("—"))
                    }
                    None => s.email.clone().unwrap_or_else(|| "—".to_string()),
                };
                fit(&email, theme.base)
            }
            SeatColumn::ValidFrom => fit(&format_date(s.valid_from), theme.base),
            SeatColumn::ValidUntil => {
                let u = urgency(Some(s.valid_until), ctx.today);
                let text = format!("{}{}", urgency_marker(u), format_date(s.valid_until));
                fit(&text, theme.urgency(u))
            }
        }
    };
    Row::new(
        columns
            .iter()
            .zip(widths)
            .map(|(&c, &w)| cell(c, w))
            .collect::<Vec<_>>(),
    )
}
