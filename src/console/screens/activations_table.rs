//! The Activations table: its columns (declared once, shown and ordered as the user
//! chose) and the drawing of the page of rows.

use super::activations::{ActivationsScreen, ViewContext};
use crate::client::wire::ActivationSummary;
use crate::console::columns::ColumnId;
use crate::console::i18n::{self, Tr};
use crate::console::widgets::{render_scrolled_table, right, scroll_offset};
use crate::domain::{Lang, format_date, format_rub};
use crate::mirror::{OutboxAction, OutboxState};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationColumn {
    Number,
    Organization,
    Status,
    Vendor,
    Licenses,
    Cost,
    OrderDate,
}

impl ColumnId for ActivationColumn {
    const ALL: &'static [ActivationColumn] = &[
        ActivationColumn::Number,
        ActivationColumn::Organization,
        ActivationColumn::Status,
        ActivationColumn::Vendor,
        ActivationColumn::Licenses,
        ActivationColumn::Cost,
        ActivationColumn::OrderDate,
    ];

    fn key(self) -> &'static str {
        match self {
            ActivationColumn::Number => "number",
            ActivationColumn::Organization => "organization",
            ActivationColumn::Status => "status",
            ActivationColumn::Vendor => "vendor",
            ActivationColumn::Licenses => "licenses",
            ActivationColumn::Cost => "cost",
            ActivationColumn::OrderDate => "order_date",
        }
    }

    fn title(self) -> Tr {
        match self {
            ActivationColumn::Number => i18n::COL_NUMBER,
            ActivationColumn::Organization => i18n::COL_ORGANIZATION,
            ActivationColumn::Status => i18n::COL_STATUS,
            ActivationColumn::Vendor => i18n::COL_VENDOR,
            ActivationColumn::Licenses => i18n::COL_LICENSES,
            ActivationColumn::Cost => i18n::COL_COST,
            ActivationColumn::OrderDate => i18n::COL_ORDER_DATE,
        }
    }

    fn required(self) -> bool {
        self == ActivationColumn::Number
    }
}

impl ActivationColumn {
    /// Fixed width; None for the organization, which takes what is left (16 columns
    /// at 80 with every column shown, more for each hidden one).
    fn width(self) -> Option<u16> {
        match self {
            ActivationColumn::Number => Some(6),
            ActivationColumn::Organization => None,
            ActivationColumn::Status => Some(11),
            ActivationColumn::Vendor => Some(10),
            ActivationColumn::Licenses => Some(8),
            ActivationColumn::Cost => Some(12),
            ActivationColumn::OrderDate => Some(11),
        }
    }

    fn right_aligned(self) -> bool {
        matches!(
            self,
            ActivationColumn::Number | ActivationColumn::Licenses | ActivationColumn::Cost
        )
    }
}

/// Draws the header and the page of rows with the shown columns; returns where the
/// selected row is (the terminal cursor goes there).
pub fn draw_table(
    screen: &ActivationsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let g = theme.glyphs;
    let columns: Vec<ActivationColumn> = screen.columns.visible().collect();
    let fixed: u16 = columns.iter().filter_map(|c| c.width()).sum();
    let gaps = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let org_width = area.width.saturating_sub(fixed + gaps).max(4);
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Length(c.width().unwrap_or(org_width)))
        .collect();
    let header = Row::new(columns.iter().map(|c| {
        let title = g.text(c.title().get(lang)).into_owned();
        if c.right_aligned() {
            right(title)
        } else {
            Cell::from(title)
        }
    }))
    .style(theme.header);
    let rows = screen.rows();
    let visible = usize::from(area.height.saturating_sub(1));
    if rows.is_empty() || visible == 0 {
        let table = Table::new(Vec::<Row>::new(), widths).header(header);
        frame.render_widget(table, area);
        if screen.page.is_some() && !screen.loading() && area.height > 2 {
            let msg = Rect::new(area.x, area.y + 2, area.width, 1);
            frame.render_widget(
                Paragraph::new(g.text(i18n::NO_ACTIVATIONS.get(lang)))
                    .style(theme.muted)
                    .alignment(Alignment::Center),
                msg,
            );
        }
        return None;
    }
    let selected = screen.selected.min(rows.len() - 1);
    let offset = scroll_offset(selected, visible);
    let body: Vec<Row> = rows
        .iter()
        .map(|a| {
            Row::new(
                columns
                    .iter()
                    .map(|&c| cell(c, a, screen, ctx, org_width))
                    .collect::<Vec<_>>(),
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

fn cell(
    column: ActivationColumn,
    a: &ActivationSummary,
    screen: &ActivationsScreen,
    ctx: &ViewContext,
    org_width: u16,
) -> Cell<'static> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let g = theme.glyphs;
    match column {
        ActivationColumn::Number if screen.highlighted.contains(&a.number) => Cell::from(
            Line::from(Span::styled(format!("*{}", a.number), theme.accent))
                .alignment(Alignment::Right),
        ),
        ActivationColumn::Number => right(a.number.to_string()),
        ActivationColumn::Organization => {
            Cell::from(g.truncate(&a.organization.name, usize::from(org_width)))
        }
        ActivationColumn::Status => {
            let retry_queued = ctx.outbox.iter().any(|item| {
                item.state == OutboxState::Pending
                    && item.action == OutboxAction::Retry { number: a.number }
            });
            Cell::from(if retry_queued {
                Span::styled(
                    g.text(i18n::sync::PENDING_MARK.get(lang)).into_owned(),
                    theme.status_in_progress,
                )
            } else {
                Span::styled(
                    g.text(a.status.label(lang)).into_owned(),
                    theme.status(a.status),
                )
            })
        }
        ActivationColumn::Vendor => Cell::from(g.truncate(&vendor_name(a, lang), 10)),
        ActivationColumn::Licenses => right(a.license_count.to_string()),
        ActivationColumn::Cost => right(format_rub(a.total_cost, g.ascii)),
        ActivationColumn::OrderDate => {
            let date = a.created_at.with_timezone(&chrono::Local).date_naive();
            Cell::from(format_date(date))
        }
    }
}

/// The vendor's name in the UI language (the English UI gets the transliteration).
fn vendor_name(a: &ActivationSummary, lang: Lang) -> String {
    a.vendor.id.name(lang).to_string()
}
