//! Monthly invoices (`GET /invoices`, docs/DESIGN.md §3.11, §4.9): wire types shared
//! by the portal and the client.

use super::wire::{OrgRef, VendorRef};
use crate::domain::{InvoiceStatus, Kopecks, Period};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `GET /invoices` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// `202610-00001`: the period and the organization.
    pub number: String,
    pub organization: OrgRef,
    /// The month billed, `2026-10`.
    pub period: Period,
    pub issued_on: NaiveDate,
    /// Five working days after `issued_on`; overdue from the next day.
    pub due_on: NaiveDate,
    pub status: InvoiceStatus,
    /// Sum of the lines.
    pub total: Kopecks,
    /// Licenses over all lines.
    pub license_count: i64,
    /// Lines: one per activation.
    pub activation_count: i64,
    pub paid_at: Option<DateTime<Utc>>,
}

/// One activation on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The activation's number.
    pub activation: i64,
    pub vendor: VendorRef,
    pub license_count: i64,
    pub amount: Kopecks,
    pub completed_at: DateTime<Utc>,
}

/// `GET /invoices/{number}`: the invoice with its lines, oldest activation first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    pub invoice: Invoice,
    pub lines: Vec<InvoiceLine>,
}

/// The overdue invoice that blocks an organization (`Organization::blocked_by`): the
/// oldest one when several are overdue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockingInvoice {
    pub number: String,
    pub total: Kopecks,
    pub due_on: NaiveDate,
}

/// The filters of `GET /invoices`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceQuery {
    pub organization: Option<i64>,
    pub status: Option<InvoiceStatus>,
    /// From 1; 0 means the first.
    pub page: u32,
    /// 0 means the default.
    pub per_page: u32,
}

impl InvoiceQuery {
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(organization) = self.organization {
            pairs.push(("organization", organization.to_string()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_api().to_string()));
        }
        if self.page > 0 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.per_page > 0 {
            pairs.push(("per_page", self.per_page.to_string()));
        }
        pairs
    }
}

/// The document's form (`GET /invoices/{number}/document?format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DocumentFormat {
    #[default]
    Text,
    Html,
}

impl DocumentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Text => "text",
            DocumentFormat::Html => "html",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Text => "txt",
            DocumentFormat::Html => "html",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentFormat> {
        match text {
            "text" | "txt" => Some(DocumentFormat::Text),
            "html" => Some(DocumentFormat::Html),
            _ => None,
        }
    }
}
