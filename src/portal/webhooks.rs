//! The webhook sender (issue 17; docs/DESIGN.md §4.10): a tokio task per portal that
//! claims due deliveries from the store's outbox, POSTs each, signed, and records the
//! attempt. At least once: a delivery stays pending until a receiver answered 2xx
//! (or every attempt failed); a claim is a lease, so the deliveries of a portal killed
//! mid-delivery are claimed again once their lease ran out. In order per object: the
//! store hands out only the oldest pending delivery of an endpoint and object.

use super::store::Store;
use super::store::webhooks::{DeliveryOutcome, DueDelivery};
use super::webhook_send;
use crate::domain::webhook::{SIGNATURE_HEADER, backoff, signature};
use std::time::Duration;

/// How the sender runs (`PortalOptions::webhooks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Run the sender while serving.
    pub run: bool,
    /// The longest wait between looks at the queue when nothing wakes the sender
    /// (retries coming due; another portal's deliveries on SQLite).
    pub tick: Duration,
    /// The wait after the first failure, doubled after each next one…
    pub backoff_base: Duration,
    /// …up to this.
    pub backoff_cap: Duration,
    /// Attempts before a delivery is given up (`failed`; redeliver queues it again).
    pub max_attempts: u32,
    /// How long a claim lasts: a portal that dies mid-delivery holds its deliveries
    /// this long. Longer than `timeout`.
    pub lease: Duration,
    /// One attempt's limit (connect and answer).
    pub timeout: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            run: true,
            tick: Duration::from_secs(1),
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(3600),
            max_attempts: 16,
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Deliveries claimed at once (and sent concurrently: they are of other objects).
const BATCH: usize = 32;

pub async fn run(store: Store, options: WebhookOptions) {
    let mut id = [0u8; 8];
    if getrandom::fill(&mut id).is_err() {
        tracing::error!("webhook sender: no randomness for its id; not started");
        return;
    }
    let worker: String = id.iter().map(|b| format!("{b:02x}")).collect();
    // An attempt ends well within its lease, so a live portal never loses its claim.
    let timeout = options.timeout.min(options.lease.mul_f64(0.8));
    let http = match webhook_send::client(timeout) {
        Ok(http) => http,
        Err(e) => {
            tracing::error!(error = %e, "webhook sender: no HTTP client; not started");
            return;
        }
    };
    loop {
        match store
            .claim_deliveries(worker.clone(), BATCH, options.lease)
            .await
        {
            Ok(claimed) if !claimed.is_empty() => {
                let mut attempts = tokio::task::JoinSet::new();
                for due in claimed {
                    let (store, http, worker) = (store.clone(), http.clone(), worker.clone());
                    attempts.spawn(async move {
                        let outcome = attempt(&http, &due, &options).await;
                        if let Err(e) = store.finish_delivery(worker, due.id, outcome).await {
                            tracing::error!(error = %e, delivery = due.id, "webhook sender could not record an attempt");
                        }
                    });
                }
                while attempts.join_next().await.is_some() {}
                // At once: the next delivery of an object just delivered may be due.
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "webhook sender could not claim deliveries"),
        }
        store.wait_for_deliveries(options.tick).await;
    }
}

/// One signed POST of a claimed delivery, and what became of it.
async fn attempt(
    http: &webhook_send::Http,
    due: &DueDelivery,
    options: &WebhookOptions,
) -> DeliveryOutcome {
    let t = chrono::Utc::now().timestamp();
    let headers = [
        (
            SIGNATURE_HEADER,
            signature(due.secret.expose(), t, due.payload.as_bytes()),
        ),
        ("X-Licadm-Event", due.event_type.clone()),
        ("X-Licadm-Event-Id", due.event_id.clone()),
        ("X-Licadm-Delivery", due.id.to_string()),
    ];
    let answered = webhook_send::post(http, &due.url, &headers, due.payload.clone()).await;
    let (status, error) = match answered {
        Ok(answer) if (200..300).contains(&answer.status) => {
            tracing::debug!(
                delivery = due.id,
                status = answer.status,
                "webhook delivered"
            );
            return DeliveryOutcome::Delivered {
                status: answer.status,
            };
        }
        Ok(answer) => {
            let redirect = if (300..400).contains(&answer.status) {
                " (redirects are not followed)"
            } else {
                ""
            };
            let body = if answer.body.is_empty() {
                String::new()
            } else {
                format!(": {}", answer.body)
            };
            (
                Some(answer.status),
                format!("HTTP {}{redirect}{body}", answer.status),
            )
        }
        Err(e) => (None, e),
    };
    let attempts = due.attempts + 1;
    let retry_in = (attempts < options.max_attempts)
        .then(|| backoff(attempts, options.backoff_base, options.backoff_cap));
    tracing::info!(delivery = due.id, endpoint = due.endpoint, attempts, error = %error, "webhook delivery failed");
    DeliveryOutcome::Failed {
        status,
        error,
        retry_in,
    }
}
