//! The change feed (`GET /api/v1/changes?since=CURSOR&limit=N`) that keeps a mirror
//! current (docs/DESIGN.md §4.7). The portal serializes these types and the client reads
//! them back.
//!
//! Each object appears in the feed at most once per page, in its current state, at the
//! position of its latest change; objects refer to each other by id (no nested copies),
//! so a full sync carries every organization once, not once per activation.

use super::wire::{ActivationLine, Organization, ProductRef};
use crate::domain::{ActivationStatus, Kopecks, Vendor};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// `limit` when the request gives none.
pub const FEED_DEFAULT_LIMIT: u32 = 1000;
/// The largest `limit` the portal accepts.
pub const FEED_MAX_LIMIT: u32 = 5000;
/// The error code of a 410 answer: the cursor is older than the kept history or not
/// from this store; start over with a full sync (`since=0`).
pub const CURSOR_GONE_CODE: &str = "cursor_gone";

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeFeed {
    /// Identifies the portal's store. A mirror that synced from another epoch (the store
    /// was replaced or restored) must start over.
    pub epoch: String,
    pub changes: Vec<Change>,
    /// Pass as `since` next time: every change up to it that the token may see is in
    /// this page or an earlier one.
    pub cursor: i64,
    /// More changes were already waiting beyond `cursor` when this page was read.
    pub more: bool,
    /// With `window_from`: the seq the window ends at, to send back as `window_head`
    /// on the following pages of the same sync (docs/DESIGN.md §6.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_head: Option<i64>,
}

/// A windowed full sync (docs/DESIGN.md §6.5): of the activations recorded up to
/// `head`, only those created from `from` on, or not done (in progress, errored), are
/// sent. Everything changed after `head` — while the sync runs — is sent whatever its
/// age, so an activation that leaves the window meanwhile is never left stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedWindow {
    pub from: DateTime<Utc>,
    /// `None` on the first page: the portal takes its latest seq and answers it.
    pub head: Option<i64>,
}

/// A created or updated object (its whole current state), or a deleted one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Organization(Organization),
    Product(ProductRef),
    Price(PriceRecord),
    Activation(ActivationRecord),
    Seat(SeatRecord),
    Capacity(CapacityRecord),
    /// A monthly invoice with its lines (issue 17).
    Invoice(InvoiceRecord),
    /// A device an organization activated (issue 16: renewals read offline).
    Device(DeviceRecord),
    /// An audit record of an organization (issue 16: the activity log offline).
    Event(super::events::Event),
    Deleted(DeletedRecord),
}

/// The kinds of object the feed carries; `Deleted` names one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Organization,
    Product,
    Price,
    Activation,
    Seat,
    Capacity,
    Invoice,
    Device,
    Event,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Organization => "organization",
            ObjectKind::Product => "product",
            ObjectKind::Price => "price",
            ObjectKind::Activation => "activation",
            ObjectKind::Seat => "seat",
            ObjectKind::Capacity => "capacity",
            ObjectKind::Invoice => "invoice",
            ObjectKind::Device => "device",
            ObjectKind::Event => "event",
        }
    }
}

/// A model's prices (`GET /prices` row), keyed by the model's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRecord {
    pub id: i64,
    pub vendor: Vendor,
    pub model: String,
    pub price: Kopecks,
    pub retail_price: Kopecks,
}

/// An activation with its lines; `license_count` and `total_cost` follow from the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationRecord {
    pub number: i64,
    pub organization: i64,
    pub status: ActivationStatus,
    pub vendor: Vendor,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub lines: Vec<ActivationLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatRecord {
    pub id: i64,
    pub organization: i64,
    pub product: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// One organization's capacity of one product, with its emergency licenses (the mirror
/// derives `GET /license-info` from these and the seats, as the portal does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityRecord {
    pub organization: i64,
    pub product: String,
    pub support_until: Option<NaiveDate>,
    pub accounts_max: u32,
    pub external_connections_max: u32,
    pub max_raised_at: Option<DateTime<Utc>>,
    pub emergency: Vec<EmergencyRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRecord {
    pub id: i64,
    pub requested_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub accounts: u32,
}

/// One organization's device (`organization_devices`), keyed `ORG:SERIAL`: the model
/// by its price's id (the mirror joins its prices, as the portal joins its models).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    pub organization: i64,
    pub serial: String,
    pub model: i64,
    pub vendor: Vendor,
    pub subscription_until: NaiveDate,
}

/// An object that no longer exists. `key` is the id as text (`"17"`), or
/// `"ORG:PRODUCT"` for capacity (`"3:server"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedRecord {
    pub object: ObjectKind,
    pub key: String,
}

/// A monthly invoice (issue 17), keyed by its number; its organization by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    pub number: String,
    pub organization: i64,
    pub period: crate::domain::Period,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: crate::domain::InvoiceStatus,
    pub total: Kopecks,
    pub license_count: i64,
    pub activation_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<DateTime<Utc>>,
    pub lines: Vec<super::invoices::InvoiceLine>,
}

impl From<super::invoices::InvoiceDetail> for InvoiceRecord {
    fn from(detail: super::invoices::InvoiceDetail) -> InvoiceRecord {
        let invoice = detail.invoice;
        InvoiceRecord {
            number: invoice.number,
            organization: invoice.organization.id,
            period: invoice.period,
            issued_on: invoice.issued_on,
            due_on: invoice.due_on,
            status: invoice.status,
            total: invoice.total,
            license_count: invoice.license_count,
            activation_count: invoice.activation_count,
            paid_at: invoice.paid_at,
            lines: detail.lines,
        }
    }
}
