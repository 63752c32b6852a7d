//! The monthly invoice job (docs/DESIGN.md §3.11): issue every month not issued yet
//! up to the previous one, then mark unpaid invoices past their due date overdue
//! (which blocks their organizations). It reads "now" from the portal's clock, so
//! tests run it on a fixed date; the worker runs it at start and whenever the clock's
//! date changes, so a portal down on the 1st issues when it starts.

use super::store::{IssueRun, Store, StoreError};
use crate::domain::invoice::periods_to_issue;
use crate::domain::{HolidayCalendar, Period};
use chrono::{DateTime, NaiveDate, Utc};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceRunReport {
    /// Each month this run issued, with how many invoices (months another portal had
    /// issued meanwhile are left out).
    pub issued: Vec<(Period, usize)>,
    /// Invoices this run marked overdue.
    pub overdue: Vec<String>,
}

/// One run at `now`: catch up every month after the last issued, then overdue.
pub(crate) async fn run_once(
    store: &Store,
    calendar: &HolidayCalendar,
    now: DateTime<Utc>,
) -> Result<InvoiceRunReport, StoreError> {
    let today = now.date_naive();
    let mut report = InvoiceRunReport::default();
    let last = store.last_invoice_period().await?;
    for period in periods_to_issue(last, today) {
        let run = IssueRun {
            period,
            issued_on: today,
            due_on: calendar.due_date(today),
            now,
        };
        if let Some(count) = store.issue_invoices(run).await? {
            tracing::info!(%period, count, "invoices issued");
            report.issued.push((period, count));
        }
    }
    report.overdue = store.mark_overdue_invoices(today, now).await?;
    if !report.overdue.is_empty() {
        tracing::info!(invoices = ?report.overdue, "invoices overdue; their organizations are blocked");
    }
    Ok(report)
}

/// When the worker runs the job: once per date of the clock (at start, then when the
/// date changes), so a tick costs nothing on the other days' ticks.
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    done_on: Option<NaiveDate>,
}

impl Schedule {
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        self.done_on != Some(now.date_naive())
    }

    pub fn done(&mut self, now: DateTime<Utc>) {
        self.done_on = Some(now.date_naive());
    }
}
