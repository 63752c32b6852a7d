//! Webhooks on the wire (issue 17; docs/DESIGN.md §4.10): endpoints, their deliveries,
//! and the client's calls. Shared by the portal and the client, like `wire.rs`.

use super::wire::{IDEMPOTENCY_HEADER, Page};
use super::{ApiClient, ClientError, decode, send};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A registered endpoint. Its secret is shown once, at creation and rotation
/// ([`CreatedWebhook`]), never in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub url: String,
    /// Event types (`seat.bound`, …) or `emergency_license.*`.
    pub events: Vec<String>,
    /// The organization whose events it hears; None: every organization (an
    /// operator's endpoint).
    pub organization: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Who registered it (the token's label).
    pub created_by: String,
    /// Deliveries not yet delivered (queued or retrying).
    #[serde(default)]
    pub pending: u64,
    /// Deliveries given up after every attempt failed.
    #[serde(default)]
    pub failed: u64,
}

/// `POST /webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
    /// Required of an admin with several organizations; an operator's endpoint
    /// without it hears every organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<i64>,
}

/// An endpoint with its signing secret: the answer of creation and rotation, the only
/// time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    pub endpoint: WebhookEndpoint,
    pub secret: Secret,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or for the next after a failure.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; `redeliver` queues it again.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        match text {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One event sent (or to be sent) to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint: i64,
    /// The event's id, the same on every attempt and redelivery (receivers dedupe on it).
    pub event_id: String,
    pub event_type: String,
    /// `seat:17`, `activation:421`: deliveries of one object go out in order.
    pub object: String,
    pub organization: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// The receiver's last HTTP status (None: no answer yet, or no HTTP answer).
    pub response_status: Option<u16>,
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The delivery this one sends again (`redeliver`), if any.
    pub redelivery_of: Option<i64>,
}

/// The JSON body every delivery carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// `evt_…`: stable across retries and redeliveries.
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the change was made (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    pub organization: Option<i64>,
    /// `seat:17`, `activation:421`, `invoice:…`.
    pub object: String,
    /// The object as it was after the change (as `GET /audit` shows it).
    pub data: serde_json::Value,
}

impl ApiClient {
    /// The endpoints the token may manage (`GET /webhooks`).
    pub async fn webhooks(&self) -> Result<Vec<WebhookEndpoint>, ClientError> {
        self.get("/webhooks", &[]).await
    }

    pub async fn webhook(&self, id: i64) -> Result<WebhookEndpoint, ClientError> {
        self.get(&format!("/webhooks/{id}"), &[]).await
    }

    /// Registers an endpoint; the answer carries its secret, once.
    pub async fn add_webhook(
        &self,
        request: &NewWebhook,
        idempotency_key: &str,
    ) -> Result<CreatedWebhook, ClientError> {
        self.post("/webhooks", request, Some(idempotency_key)).await
    }

    pub async fn remove_webhook(
        &self,
        id: i64,
        idempotency_key: &str,
    ) -> Result<WebhookEndpoint, ClientError> {
        let url = self.url(&format!("/webhooks/{id}"))?;
        let request = self
            .request(reqwest::Method::DELETE, url)
            .header(IDEMPOTENCY_HEADER, idempotency_key);
        decode(send(request).await?).await
    }

    /// A new secret for the endpoint (the old one stops signing at once).
    pub async fn rotate_webhook_secret(
        &self,
        id: i64,
        idempotency_key: &str,
    ) -> Result<CreatedWebhook, ClientError> {
        self.post(
            &format!("/webhooks/{id}/rotate-secret"),
            &serde_json::json!({}),
            Some(idempotency_key),
        )
        .await
    }

    /// The endpoint's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        id: i64,
        page: u32,
        per_page: u32,
    ) -> Result<Page<WebhookDelivery>, ClientError> {
        self.get(
            &format!("/webhooks/{id}/deliveries"),
            &[
                ("page", page.to_string()),
                ("per_page", per_page.to_string()),
            ],
        )
        .await
    }

    /// Queues the delivery's event again, as a new delivery with the same event id.
    pub async fn redeliver(
        &self,
        endpoint: i64,
        delivery: i64,
        idempotency_key: &str,
    ) -> Result<WebhookDelivery, ClientError> {
        self.post(
            &format!("/webhooks/{endpoint}/deliveries/{delivery}/redeliver"),
            &serde_json::json!({}),
            Some(idempotency_key),
        )
        .await
    }
}
