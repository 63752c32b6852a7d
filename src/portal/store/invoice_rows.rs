//! Invoices as both backends read and write them (docs/DESIGN.md §3.11): the column
//! list, the row → wire conversion, the filter of `GET /invoices`, and what one run
//! of the monthly job asks the store to do.

use super::StoreError;
use super::text::{date_from_sql, optional, timestamp_from_sql};
use crate::client::invoices::{Invoice, InvoiceLine};
use crate::client::wire::{OrgRef, VendorRef};
use crate::domain::{InvoiceStatus, Kopecks, Period};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The columns [`InvoiceRow`] reads, in order, from `invoices i JOIN organizations o`.
pub const INVOICE_COLUMNS: &str = "i.number, i.organization_id, o.name, o.inn, i.period, \
     i.issued_on, i.due_on, i.status, i.total, i.license_count, i.activation_count, i.paid_at";

/// The columns [`LineRow`] reads, in order, from `invoice_lines`.
pub const LINE_COLUMNS: &str =
    "invoice_number, activation_number, vendor, license_count, amount, completed_at";

/// One invoice as stored (text dates and status).
#[derive(Debug, Clone)]
pub struct InvoiceRow {
    pub number: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub organization_inn: String,
    pub period: String,
    pub issued_on: String,
    pub due_on: String,
    pub status: String,
    pub total: i64,
    pub license_count: i64,
    pub activation_count: i64,
    pub paid_at: Option<String>,
}

impl InvoiceRow {
    pub fn into_wire(self) -> Result<Invoice, StoreError> {
        let bad = |column: &'static str, value: &str| StoreError::BadValue {
            column,
            value: value.to_string(),
        };
        Ok(Invoice {
            period: self
                .period
                .parse::<Period>()
                .map_err(|_| bad("invoices.period", &self.period))?,
            issued_on: date_from_sql("invoices.issued_on", &self.issued_on)?,
            due_on: date_from_sql("invoices.due_on", &self.due_on)?,
            status: self
                .status
                .parse::<InvoiceStatus>()
                .map_err(|_| bad("invoices.status", &self.status))?,
            total: Kopecks(self.total),
            license_count: self.license_count,
            activation_count: self.activation_count,
            paid_at: optional(self.paid_at, |v| timestamp_from_sql("invoices.paid_at", v))?,
            organization: OrgRef {
                id: self.organization_id,
                name: self.organization_name,
                inn: self.organization_inn,
            },
            number: self.number,
        })
    }
}

/// One invoice line as stored.
#[derive(Debug, Clone)]
pub struct LineRow {
    pub invoice_number: String,
    pub activation: i64,
    pub vendor: String,
    pub license_count: i64,
    pub amount: i64,
    pub completed_at: String,
}

impl LineRow {
    pub fn into_wire(self) -> Result<InvoiceLine, StoreError> {
        let vendor =
            self.vendor
                .parse::<crate::domain::Vendor>()
                .map_err(|_| StoreError::BadValue {
                    column: "invoice_lines.vendor",
                    value: self.vendor.clone(),
                })?;
        Ok(InvoiceLine {
            activation: self.activation,
            vendor: VendorRef::from(vendor),
            license_count: self.license_count,
            amount: Kopecks(self.amount),
            completed_at: timestamp_from_sql("invoice_lines.completed_at", &self.completed_at)?,
        })
    }
}

/// `GET /invoices`: the organizations it may see (None: every one, the operator's),
/// a status, a page. Newest period first, then by number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFilter {
    pub scope: Option<Vec<i64>>,
    pub status: Option<InvoiceStatus>,
    pub page: u32,
    pub per_page: u32,
}

/// One month of the monthly job: the invoices it issues are dated `issued_on` and due
/// `due_on` (five working days later, `domain::calendar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueRun {
    pub period: Period,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub now: DateTime<Utc>,
}

impl IssueRun {
    /// The activations billed are those completed in `[from, to)`: the period's first
    /// and the next period's first midnight, UTC, as the stores write times.
    pub fn completed_range(&self) -> (String, String) {
        let midnight = |date: NaiveDate| {
            super::text::timestamp_to_sql(date.and_time(NaiveTime::MIN).and_utc())
        };
        (
            midnight(self.period.first_day()),
            midnight(self.period.next().first_day()),
        )
    }
}

/// What a month's run did: None when another run (another portal) had issued it.
pub type Issued = Option<usize>;

/// The message of a number that names no invoice (both backends and the route).
pub fn invoice_not_found(number: &str) -> crate::portal::error::ApiError {
    crate::portal::error::ApiError::NotFound(format!("invoice {number} not found"))
}
