//! The current view to CSV (issue 16 b; `:export FILE`, docs/DESIGN.md §5.4): the
//! list's filters and sort, its visible columns in their order, every page. The pages
//! are read by the runtime (reporting progress); the text is made here, pure. The
//! lists with fixed columns (Activity, Renewals, Invoices, Webhooks, Access, the
//! triage) are in `lists.rs`.

mod lists;

pub use lists::{devices_csv, events_csv, invoices_csv, tokens_csv, triage_csv, webhooks_csv};

use super::activations_table::ActivationColumn;
use super::seats::SeatColumn;
use crate::client::devices::DeviceQuery;
use crate::client::events::EventQuery;
use crate::client::wire::{ActivationQuery, ActivationSummary, Seat, SeatQuery};
use crate::console::columns::ColumnId;
use crate::console::i18n;
use crate::domain::{Kopecks, Lang, format_date};
use chrono::NaiveDate;

/// Which list, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportList {
    Activations {
        query: ActivationQuery,
        columns: Vec<ActivationColumn>,
    },
    Seats {
        query: SeatQuery,
        columns: Vec<SeatColumn>,
    },
    /// Activity: the log's filters (cursor paging, newest first).
    Events { query: EventQuery },
    /// Renewals: the devices of the filters; `today` counts the days left.
    Devices {
        query: DeviceQuery,
        today: NaiveDate,
    },
    /// Invoices: every invoice, newest month first; `today` counts the days left.
    Invoices { today: NaiveDate },
    /// Webhooks: the endpoints.
    Webhooks,
    /// Access: the tokens.
    Tokens,
    /// The triage of errors: its groups over `since` (`24h`, `7d`, `30d`).
    Triage { since: String },
}

/// A field as CSV wants it: quoted when it holds a separator, a quote or a line
/// break; a leading `=`, `+`, `-` or `@` gets a `'` so a spreadsheet does not run it.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '@']) || (text.starts_with('-') && text.len() > 1) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub(super) fn line(fields: impl Iterator<Item = String>) -> String {
    let mut out = fields.map(|f| field(&f)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// Rubles with a point before kopecks, so a spreadsheet reads a number.
pub(super) fn rubles(amount: Kopecks) -> String {
    let (rub, kop) = (amount.0 / 100, (amount.0 % 100).abs());
    if kop == 0 {
        rub.to_string()
    } else {
        format!("{rub}.{kop:02}")
    }
}

pub(super) fn header<C: ColumnId>(columns: &[C], lang: Lang) -> String {
    line(columns.iter().map(|c| c.title().get(lang).to_string()))
}

pub fn activations_csv(
    columns: &[ActivationColumn],
    rows: &[ActivationSummary],
    lang: Lang,
) -> String {
    let mut out = header(columns, lang);
    for a in rows {
        out.push_str(&line(columns.iter().map(|c| match c {
            ActivationColumn::Number => a.number.to_string(),
            ActivationColumn::Organization => a.organization.name.clone(),
            ActivationColumn::Status => a.status.label(lang).to_string(),
            ActivationColumn::Vendor => a.vendor.id.name(lang).to_string(),
            ActivationColumn::Licenses => a.license_count.to_string(),
            ActivationColumn::Cost => rubles(a.total_cost),
            ActivationColumn::OrderDate => {
                format_date(a.created_at.with_timezone(&chrono::Local).date_naive())
            }
            ActivationColumn::Error => a.error.clone().unwrap_or_default(),
        })));
    }
    out
}

pub fn seats_csv(columns: &[SeatColumn], rows: &[Seat], lang: Lang) -> String {
    let mut out = header(columns, lang);
    for s in rows {
        out.push_str(&line(columns.iter().map(|c| match c {
            SeatColumn::Id => s.id.to_string(),
            SeatColumn::Organization => s.organization.name.clone(),
            SeatColumn::Product => s.product.name.clone(),
            SeatColumn::Status => i18n::seats::status(lang, s.status).to_string(),
            SeatColumn::Email => s.email.clone().unwrap_or_default(),
            SeatColumn::ValidFrom => format_date(s.valid_from),
            SeatColumn::ValidUntil => format_date(s.valid_until),
        })));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_they_must_be_and_formulas_are_defused() {
        assert_eq!(field("ООО «Альстер»"), "ООО «Альстер»");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-"), "-");
        assert_eq!(rubles(Kopecks(290_050)), "2900.50");
        assert_eq!(rubles(Kopecks(290_000)), "2900");
    }
}
