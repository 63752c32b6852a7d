//! What the webhooks' store methods take and give (issue 17; docs/DESIGN.md §4.10),
//! shared by both backends, and the one place an event's body is built.

use crate::client::webhooks::WebhookEvent;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use std::cell::Cell;
use std::time::Duration;

/// Whose endpoints a call may see and touch: an operator's every one, an admin's only
/// those of its organizations (never an operator's all-organization endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookScope {
    All,
    Organizations(Vec<i64>),
}

impl WebhookScope {
    /// Whether an endpoint of `organization` (None: every organization) is in scope.
    pub fn covers(&self, organization: Option<i64>) -> bool {
        match (self, organization) {
            (WebhookScope::All, _) => true,
            (WebhookScope::Organizations(ids), Some(org)) => ids.contains(&org),
            (WebhookScope::Organizations(_), None) => false,
        }
    }
}

/// A checked registration (the route validated the URL and the events).
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: String,
    pub events: Vec<String>,
    pub organization: Option<i64>,
    pub secret: Secret,
}

/// A delivery claimed by one portal's sender, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: i64,
    pub endpoint: i64,
    pub url: String,
    pub secret: Secret,
    pub event_id: String,
    pub event_type: String,
    /// The exact body, the same on every attempt.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Anything else; `retry_in` None gives the delivery up (`failed`).
    Failed {
        status: Option<u16>,
        error: String,
        retry_in: Option<Duration>,
    },
}

thread_local! {
    /// Set on a SQLite store thread when its work wrote deliveries, so the store can
    /// wake the sender once the work (and its commit) is over (`sqlite::SqliteStore`).
    pub static DELIVERIES_WRITTEN: Cell<bool> = const { Cell::new(false) };
}

/// A fresh event id, `evt_` and 128 random bits in hex.
pub fn new_event_id() -> Result<String, super::StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| super::StoreError::Invalid(format!("no randomness for an event id: {e}")))?;
    Ok(format!(
        "evt_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// The body of an audited change's event: the object after the change (before it,
/// for a change that removed it).
pub fn event_body(
    event_id: &str,
    event_type: &str,
    at: DateTime<Utc>,
    object: &str,
    organization: Option<i64>,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<String, super::StoreError> {
    let event = WebhookEvent {
        id: event_id.to_string(),
        event_type: event_type.to_string(),
        // Seconds, as every other moment of the API.
        created_at: chrono::SubsecRound::trunc_subsecs(at, 0),
        organization,
        object: object.to_string(),
        data: after.or(before).cloned().unwrap_or(serde_json::Value::Null),
    };
    serde_json::to_string(&event).map_err(|e| super::StoreError::Invalid(e.to_string()))
}
