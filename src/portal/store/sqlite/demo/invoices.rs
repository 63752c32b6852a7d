//! The demo's monthly invoices (issue 17), so a new user finds the Invoices screen
//! filled: every month from May to October 2026 issued on the 1st of the next month by
//! the same code the worker runs, each paid the day before its due date by the
//! vendor's operator — except the ИП's October invoice, which went overdue and names
//! the ИП's block. The months are recorded as issued, so a portal started later
//! issues only the months after October.

use super::super::StoreError;
use super::super::invoices::{issue_in, mark_overdue_in, pay};
use crate::domain::{HolidayCalendar, InvoiceNumber, Period};
use crate::portal::store::{Actor, IssueRun};
use chrono::{Days, NaiveDate, NaiveTime};
use rusqlite::Connection;

/// The organization whose last invoice is left unpaid (the demo's blocked ИП).
const UNPAID_ORGANIZATION: i64 = 3;

const OPERATOR: Actor<'static> = Actor {
    label: "operator@vendor",
    request_id: None,
};

pub fn fill(tx: &Connection, today: NaiveDate) -> Result<(), StoreError> {
    let calendar = HolidayCalendar::russian();
    let bad = || StoreError::Invalid("bad demo invoice period".into());
    let first = Period::new(2026, 5).ok_or_else(bad)?;
    let last = Period::of(today).previous();
    let at = |date: NaiveDate, hour: u32| {
        date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
            .and_utc()
    };
    let mut period = first;
    while period <= last {
        let issued_on = period.next().first_day();
        let due_on = calendar.due_date(issued_on);
        issue_in(
            tx,
            &IssueRun {
                period,
                issued_on,
                due_on,
                now: at(issued_on, 0),
            },
            Actor::WORKER,
        )?;
        let numbers: Vec<(String, i64)> = tx
            .prepare(
                "SELECT number, organization_id FROM invoices WHERE period = ? ORDER BY number",
            )?
            .query_map([period.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let paid_on = due_on.checked_sub_days(Days::new(1)).unwrap_or(due_on);
        for (number, organization) in numbers {
            if period == last && organization == UNPAID_ORGANIZATION {
                continue;
            }
            if let Err(refusal) = pay(tx, &number, OPERATOR, at(paid_on, 9))? {
                return Err(StoreError::Invalid(format!("demo payment: {refusal}")));
            }
        }
        period = period.next();
    }
    // The unpaid one went overdue the day after its due date.
    let unpaid = InvoiceNumber::of(last, UNPAID_ORGANIZATION);
    let due: Option<String> = tx
        .prepare("SELECT due_on FROM invoices WHERE number = ?")?
        .query_row([unpaid.as_str()], |row| row.get(0))
        .ok();
    if let Some(due) = due {
        let due = super::super::date_from_sql("invoices.due_on", &due)?;
        let next_day = due.checked_add_days(Days::new(1)).unwrap_or(due);
        mark_overdue_in(tx, next_day, at(next_day, 0), Actor::WORKER)?;
    }
    Ok(())
}
