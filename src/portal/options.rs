//! How the portal runs besides its store: its options, the lifetimes accounts get, and
//! the clock it reads "now" from.

use super::{idempotency, serve, store, webhooks};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// Size of the demo data set filled into an empty store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of activations; devices = max(5 000, 3 × activations).
    pub activations: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { activations: 420 }
    }
}

/// How the portal runs besides its store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortalOptions {
    /// Run the activation worker while serving.
    pub run_worker: bool,
    /// How long a queued activation waits before the worker takes it (the vendor
    /// registry is not instant).
    pub worker_delay: Duration,
    /// How often the worker looks for due activations.
    pub worker_tick: Duration,
    /// How long a write waits for another writer's lock before the request is answered
    /// 503 busy (after the store's own retries).
    pub busy_timeout: Duration,
    /// PostgreSQL: how long a worker's claim on an activation lasts; the claims of a
    /// portal that died pass to another portal's worker this long after they were taken.
    pub worker_lease: Duration,
    /// Timeouts and the connection cap of the HTTP server (`serve.rs`).
    pub limits: serve::Limits,
    /// How long login tokens and invitations last.
    pub access: AccessOptions,
    /// How long an `Idempotency-Key` is remembered (`serve --idempotency-hours`).
    pub idempotency_lifetime: chrono::TimeDelta,
    /// The webhook sender (docs/DESIGN.md §4.10).
    pub webhooks: webhooks::WebhookOptions,
}

/// Lifetimes of what accounts get (issue 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessOptions {
    /// A login token's life (`serve --token-days`; default 30 days).
    pub token_lifetime: chrono::TimeDelta,
    /// An invitation code's life (7 days).
    pub invitation_lifetime: chrono::TimeDelta,
    /// A password-reset code's life (1 day).
    pub reset_lifetime: chrono::TimeDelta,
}

impl Default for AccessOptions {
    fn default() -> Self {
        AccessOptions {
            token_lifetime: chrono::TimeDelta::days(30),
            invitation_lifetime: chrono::TimeDelta::days(7),
            reset_lifetime: chrono::TimeDelta::days(1),
        }
    }
}

impl Default for PortalOptions {
    fn default() -> Self {
        PortalOptions {
            run_worker: true,
            worker_delay: Duration::from_millis(2_500),
            worker_tick: Duration::from_millis(250),
            busy_timeout: store::sqlite::DEFAULT_BUSY_TIMEOUT,
            worker_lease: store::postgres::LEASE,
            limits: serve::Limits::default(),
            access: AccessOptions::default(),
            idempotency_lifetime: idempotency::KEY_LIFETIME,
            webhooks: webhooks::WebhookOptions::default(),
        }
    }
}

/// Where the portal reads "now" (and so "today") for seats, capacity, keys and the
/// audit log. The system clock in production; tests inject one that can move forward
/// to see an emergency license lapse or a seat expire. (The activation worker's queue
/// timing stays on the system clock.)
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    /// A clock answering whatever `now` returns.
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
