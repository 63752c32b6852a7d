//! The Activations table: its columns (declared once, shown and ordered as the user
//! chose) and the drawing of the page of rows.

use super::activations::{ActivationsScreen, ViewContext};
use crate::client::wire::ActivationSortKey;
use crate::client::wire::ActivationSummary;
use crate::console::columns::ColumnId;
use crate::console::i18n::{self, Tr};
use crate::console::widgets::{fit_cell, header_cell, render_scrolled_table, scroll_offset};
use crate::domain::{ActivationStatus, Lang, format_date, format_rub};
use crate::mirror::{OutboxAction, OutboxState};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
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
    /// The error text of an errored activation: wide, so hidden until chosen (`C`).
    Error,
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
        ActivationColumn::Error,
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
            ActivationColumn::Error => "error",
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
            ActivationColumn::Error => i18n::COL_ERROR,
        }
    }

    fn required(self) -> bool {
        self == ActivationColumn::Number
    }

    fn shown_by_default(self) -> bool {
        self != ActivationColumn::Error
    }
}

impl ActivationColumn {
    /// Fixed width; None for the organization and the error text, which share what is
    /// left (the organization gets 16 columns at 80 with the default columns, more for
    /// each hidden one).
    fn width(self) -> Option<u16> {
        match self {
            ActivationColumn::Number => Some(6),
            ActivationColumn::Organization | ActivationColumn::Error => None,
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

    /// The sort this column's header shows an arrow for.
    fn sort_key(self) -> Option<ActivationSortKey> {
        match self {
            ActivationColumn::Number => Some(ActivationSortKey::Number),
            ActivationColumn::Cost => Some(ActivationSortKey::TotalCost),
            ActivationColumn::OrderDate => Some(ActivationSortKey::CreatedAt),
            _ => None,
        }
    }
}

/// The widths of the shown columns in `total` columns: the fixed ones as declared, the
/// organization and the error text sharing the rest (the error text 3/5 of it).
fn widths(columns: &[ActivationColumn], total: u16, number_width: u16) -> Vec<u16> {
    let width = |c: &ActivationColumn| match c {
        // As wide as the page's widest number: 1 000 000 must not read "10000…".
        ActivationColumn::Number => Some(number_width.max(6)),
        other => other.width(),
    };
    let fixed: u16 = columns.iter().filter_map(width).sum();
    let gaps = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let rest = total.saturating_sub(fixed + gaps);
    let has = |c| columns.contains(&c);
    let (org, error) = match (
        has(ActivationColumn::Organization),
        has(ActivationColumn::Error),
    ) {
        (true, true) => {
            let error = (rest * 3 / 5).max(6);
            (rest.saturating_sub(error).max(6), error)
        }
        _ => (rest.max(4), rest.max(6)),
    };
    columns
        .iter()
        .map(|c| match c {
            ActivationColumn::Organization => org,
            ActivationColumn::Error => error,
            other => width(other).unwrap_or(4),
        })
        .collect()
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
    let number_width = screen
        .rows()
        .iter()
        .map(|a| u16::try_from(a.number.to_string().len()).unwrap_or(u16::MAX))
        .max()
        .unwrap_or(0);
    let column_widths = widths(&columns, area.width, number_width);
    let widths: Vec<Constraint> = column_widths
        .iter()
        .map(|w| Constraint::Length(*w))
        .collect();
    let sort = screen.query.sort;
    let header = Row::new(columns.iter().zip(&column_widths).map(|(c, w)| {
        let sorted = (c.sort_key() == Some(sort.key)).then_some(sort.descending);
        header_cell(&g, c.title().get(lang), *w, c.right_aligned(), sorted)
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
                    .zip(&column_widths)
                    .map(|(&c, &w)| cell(c, a, screen, ctx, w))
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

/// One cell, `width` columns wide; whatever does not fit ends with `…`.
fn cell(
    column: ActivationColumn,
    a: &ActivationSummary,
    screen: &ActivationsScreen,
    ctx: &ViewContext,
    width: u16,
) -> Cell<'static> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let g = theme.glyphs;
    let right = column.right_aligned();
    let fit = |text: &str, style| fit_cell(&g, text, width, style, right);
    match column {
        // Marked for an action on many rows (issue 16 b).
        ActivationColumn::Number if screen.marks.contains(a.number) => {
            fit(&format!("+{}", a.number), theme.accent)
        }
        ActivationColumn::Number if screen.highlighted.contains(&a.number) => {
            fit(&format!("*{}", a.number), theme.accent)
        }
        ActivationColumn::Number => fit(&a.number.to_string(), theme.base),
        ActivationColumn::Organization => fit(&a.organization.name, theme.base),
        ActivationColumn::Status => {
            let retry_queued = ctx.outbox.iter().any(|item| {
                item.state == OutboxState::Pending
                    && item.action == OutboxAction::Retry { number: a.number }
            });
            if retry_queued {
                fit(i18n::sync::PENDING_MARK.get(lang), theme.status_in_progress)
            } else {
                fit(a.status.label(lang), theme.status(a.status))
            }
        }
        ActivationColumn::Vendor => fit(&vendor_name(a, lang), theme.base),
        ActivationColumn::Licenses => fit(&a.license_count.to_string(), theme.base),
        ActivationColumn::Cost => fit(&format_rub(a.total_cost, g.ascii), theme.base),
        ActivationColumn::OrderDate => {
            let date = a.created_at.with_timezone(&chrono::Local).date_naive();
            fit(&format_date(date), theme.base)
        }
        ActivationColumn::Error => match a.error.as_deref() {
            Some(error) if a.status == ActivationStatus::Error => {
                // One line: the text's own line breaks would be lost anyway.
                fit(&error.replace(['\n', '\r'], " "), theme.error)
            }
            _ => fit("", theme.base),
        },
    }
}

/// The vendor's name in the UI language (the English UI gets the transliteration).
fn vendor_name(a: &ActivationSummary, lang: Lang) -> String {
    a.vendor.id.name(lang).to_string()
}
