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

/// A downloaded invoice document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocumentFile {
    /// `invoice-202610-00001.txt`, from the portal's `Content-Disposition`.
    pub file_name: String,
    pub contents: String,
}

impl super::ApiClient {
    /// A page of invoices (`GET /invoices`), newest period first.
    pub async fn invoices(
        &self,
        query: &InvoiceQuery,
    ) -> Result<super::wire::Page<Invoice>, super::ClientError> {
        self.get("/invoices", &query.to_pairs()).await
    }

    /// One invoice with its lines.
    pub async fn invoice(&self, number: &str) -> Result<InvoiceDetail, super::ClientError> {
        self.get(&format!("/invoices/{number}"), &[]).await
    }

    /// The invoice document with the act's totals, in the client's language (Russian
    /// when it asks for none).
    pub async fn invoice_document(
        &self,
        number: &str,
        format: DocumentFormat,
    ) -> Result<InvoiceDocumentFile, super::ClientError> {
        let url = self.url(&format!("/invoices/{number}/document"))?;
        let request = self
            .request(reqwest::Method::GET, url)
            .query(&[("format", format.as_str())]);
        let response = super::send(request).await?;
        if !response.status().is_success() {
            return Err(super::decode::<serde_json::Value>(response)
                .await
                .err()
                .unwrap_or_else(|| {
                    super::ClientError::Decode("an error status with a success body".into())
                }));
        }
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=").nth(1))
            .map(|name| name.trim_matches('"').to_string())
            .filter(|name| {
                !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.')
            })
            .unwrap_or_else(|| format!("invoice-{number}.{}", format.extension()));
        let contents = response.text().await.map_err(super::map_transport)?;
        Ok(InvoiceDocumentFile {
            file_name,
            contents,
        })
    }

    /// The vendor's operator marks an invoice paid. One key per payment: a resend after
    /// a lost answer replays it instead of a 409.
    pub async fn pay_invoice(
        &self,
        number: &str,
        idempotency_key: Option<&str>,
    ) -> Result<InvoiceDetail, super::ClientError> {
        self.post(
            &format!("/invoices/{number}/pay"),
            &serde_json::json!({}),
            idempotency_key,
        )
        .await
    }
}
