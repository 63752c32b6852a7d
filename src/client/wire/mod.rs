//! The JSON shapes of API v1, written once and used by both the portal (serialize) and
//! the client (deserialize), so the two cannot drift apart.

mod accounts;
mod activations;
mod licenses;
mod organizations;
mod seats;

pub use accounts::*;
pub use activations::*;
pub use licenses::*;
pub use organizations::*;
pub use seats::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const API_PREFIX: &str = "/api/v1";
/// Page sizes the API accepts (docs/DESIGN.md §4.4); the console cycles through them.
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const DEFAULT_PER_PAGE: u32 = 25;

/// The header naming the request on every answer (docs/DESIGN.md §4.3).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `{"error":{"code":"...","message":"..."}}` for every 4xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Machine-readable: `unauthorized`, `forbidden`, `not_found`, `bad_request`, …
    pub code: String,
    /// Human-readable, names the offending parameter or object.
    pub message: String,
    /// For a refused activation: every serial that is not `ok`, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<PrecheckRow>,
    /// The request's `X-Request-Id`, for the user to quote (docs/DESIGN.md §4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// Header carrying the client's idempotency key on the writes a client may resend.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// `Idempotent-Replayed: true` on an answer replayed under an idempotency key (lower
/// case: an HTTP/1 header name as the portal writes it).
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// `{"items":[...],"page":P,"per_page":N,"total":T}`, and for activations the
/// cursors of the neighbouring pages and whether `total` is only a lower bound
/// (docs/DESIGN.md §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// `total` was counted up to a cap: there are at least this many ("1 000+").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
    /// Cursor of the next page (`cursor=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Cursor of the previous page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// A page without cursors and with an exact total.
    pub fn new(items: Vec<T>, page: u32, per_page: u32, total: u64) -> Page<T> {
        Page {
            items,
            page,
            per_page,
            total,
            total_capped: false,
            next: None,
            prev: None,
        }
    }
}

impl<T> Page<T> {
    /// Number of pages (at least 1, so "page 1 of 1" reads right for an empty list).
    pub fn page_count(&self) -> u32 {
        page_count(self.total, self.per_page)
    }
}

pub fn page_count(total: u64, per_page: u32) -> u32 {
    if per_page == 0 {
        return 1;
    }
    let pages = total.div_ceil(u64::from(per_page)).max(1);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// One audit record: who, when, what, before/after (docs/DESIGN.md §3.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The token's account label.
    pub actor: String,
    /// `activation.created`, `activation.completed`, `activation.failed`,
    /// `activation.retried`, `seat.bound`, `seat.unbound`, `emergency.requested`,
    /// `key.activated`, `offer.accepted`.
    pub action: String,
    /// `activation:421`, `seat:17`, `organization:1`, `key:DB49-…`.
    pub object: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
        assert_eq!(page_count(401, 100), 5);
    }
}
