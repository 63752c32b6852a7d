//! The activity log across the account (`GET /events`, docs/DESIGN.md §4.8): wire
//! types shared by the portal and the client.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `per_page` of `GET /events`: 1 to this many (default [`EVENTS_DEFAULT_PER_PAGE`]).
pub const EVENTS_MAX_PER_PAGE: u32 = 100;
pub const EVENTS_DEFAULT_PER_PAGE: u32 = 25;

/// Object kinds an event can be about (`object_kind=`).
pub const OBJECT_KINDS: [&str; 7] = [
    "activation",
    "seat",
    "organization",
    "key",
    // issue 15: accounts and tokens
    "account",
    "token",
    // issue 17: monthly invoices
    "invoice",
];

/// Every action the audit log records (`action=`; docs/DESIGN.md §3.9).
pub const ACTIONS: [&str; 23] = [
    "activation.created",
    "activation.completed",
    "activation.failed",
    "activation.retried",
    "offer.accepted",
    "seat.bound",
    "seat.unbound",
    "emergency.requested",
    "purchase.recorded",
    "key.activated",
    "organization.blocked",
    "organization.unblocked",
    // issue 15: accounts and tokens (never a password, hash, token or code)
    "account.created",
    "account.invited",
    "account.invitation_accepted",
    "account.disabled",
    "account.password_changed",
    "account.password_reset",
    "token.created",
    "token.revoked",
    // Monthly invoices (issue 17): issued by the worker, overdue by the worker (which
    // blocks the organization), paid by an operator.
    "invoice.issued",
    "invoice.overdue",
    "invoice.paid",
];

/// One audited change, as the activity log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The token's account label, or `worker`.
    pub actor: String,
    /// One of [`ACTIONS`].
    pub action: String,
    /// `activation:421`, `seat:17`, `organization:1`, `key:DB49-…`, `account:3`,
    /// `token:12`.
    pub object: String,
    pub organization: Option<EventOrganization>,
    /// The `X-Request-Id` of the request that made the change; None for the worker's
    /// changes and for changes recorded before request ids were kept.
    pub request_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventOrganization {
    pub id: i64,
    pub name: String,
}

/// A page of events, newest first. No total: counting a million rows for every page
/// is what the keyset cursor avoids; `next` says there is more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub items: Vec<Event>,
    pub per_page: u32,
    /// Pass as `cursor=` for the next (older) page; None on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The filters of `GET /events`, as the client sends them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_kind: Option<String>,
    pub organization: Option<i64>,
    /// From this moment on (inclusive); a date is its first second, UTC.
    pub from: Option<String>,
    /// Before this moment; a date includes that whole day, UTC.
    pub to: Option<String>,
    pub per_page: Option<u32>,
    pub cursor: Option<String>,
}

impl EventQuery {
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                params.push((name, value));
            }
        };
        put("actor", self.actor.clone());
        put("action", self.action.clone());
        put("object_kind", self.object_kind.clone());
        put("organization", self.organization.map(|o| o.to_string()));
        put("from", self.from.clone());
        put("to", self.to.clone());
        put("per_page", self.per_page.map(|n| n.to_string()));
        put("cursor", self.cursor.clone());
        params
    }

    /// The same filters without a cursor: the first page.
    pub fn first_page(&self) -> EventQuery {
        EventQuery {
            cursor: None,
            ..self.clone()
        }
    }
}

impl super::ApiClient {
    /// One page of the activity log (`GET /events`), newest first.
    pub async fn events(&self, query: &EventQuery) -> Result<EventPage, super::ClientError> {
        self.get("/events", &query.to_params()).await
    }
}
