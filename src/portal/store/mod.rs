//! The portal's store: one interface at the level of use cases, a backend per
//! database (docs/DESIGN.md §7). Each method is one unit of work — one transaction —
//! and speaks in domain and wire types; no driver type crosses this line, and no SQL
//! lives outside `store/`.
//!
//! Refusals of the business rules come back as the inner `Err(ApiError)` of an
//! [`Answer`] (what the client is told, and why nothing changed); failures of the
//! store itself as [`StoreError`]. A write that found the store busy rolled back whole
//! and is [`StoreError::Busy`], which the HTTP layer answers 503 with `Retry-After`.
//!
//! Today's backend is SQLite (`sqlite/`): the embedded default and the mirror's file
//! format. Its concurrency rests on SQLite's single writer (see `sqlite/mod.rs`).

pub mod access_lists;
pub mod access_rows;
pub mod activation_list;
pub mod bulk_rows;
pub mod devices;
pub mod error_groups;
pub mod events;
pub mod invoice_rows;
pub mod postgres;
pub mod serials;
pub mod sqlite;
pub mod stage;
mod text;
pub mod webhooks;

use super::error::ApiError;
use super::idempotency::{Idempotency, Once};
use crate::client::access::{CursorPage, PasswordChanged};
use crate::client::feed::{ChangeFeed, FeedWindow};
use crate::client::wire::{
    AccountInfo, ActivationDetail, ActivationSummary, AuditEntry, CreatedActivations, LicenseInfo,
    OrgRef, Organization, Page, Price, ProductCapacity, Role, Seat, SeatSummary, ServerLicense,
    TokenInfo, User,
};
use crate::domain::Checked;
use crate::domain::offline::ActivationRequest;
use crate::domain::signing::PortalKey;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// The connections a portal keeps open to its store, on either backend: two per core
/// (a request waits on I/O now and then), at least 4, at most 16. More connections
/// than that only take turns on the cores (docs/BENCHMARKS.md, issue 13).
pub(crate) fn pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    (cores * 2).clamp(4, 16)
}

pub use super::rules::PurchaseRequest;
pub use access_lists::{AccessCursor, AccessQuery, Visibility};
pub use activation_list::{ActivationFilter, PageCursor, TextSearch};
pub use events::{EventCursor, EventFilter};
pub use invoice_rows::{InvoiceFilter, IssueRun, Issued};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use sqlite::changes::Gone;
pub use sqlite::seats::SeatFilter;
pub use sqlite::server_keys::Channel;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (the backend's own message).
    #[error("database error: {0}")]
    Database(String),
    /// Another writer held the lock past the backend's wait. Nothing was written; the
    /// same work may succeed a moment later (the backend retries a few times first).
    #[error("the store is busy: {0}")]
    Busy(String),
    /// A stored value the code cannot read back (a bug or a hand-edited file).
    #[error("stored {column} is invalid: {value:?}")]
    BadValue { column: &'static str, value: String },
    /// A request the store refuses, worded for the operator.
    #[error("{0}")]
    Invalid(String),
    #[error("the store task failed: {0}")]
    Task(String),
}

/// A public key the portal signed with (docs/DESIGN.md §3.5): its id, base64, since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub key_id: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

/// A unit of work that may be refused by a rule: `Ok(Err(refusal))` changed nothing.
pub type Answer<T> = Result<Result<T, ApiError>, StoreError>;

/// The store every portal handler, the worker and the operator commands use: one of
/// the backends behind [`PortalStore`]. Cheap to clone.
pub type Store = Arc<dyn PortalStore>;

/// Who is writing: the caller's organizations, its label for the audit log, the time.
#[derive(Debug, Clone)]
pub struct Writer {
    pub scope: Vec<i64>,
    pub label: String,
    pub now: DateTime<Utc>,
    /// The request that writes (`X-Request-Id`), stored with its audit records.
    pub request_id: Option<String>,
}

impl Writer {
    /// Who the audit log names for this writer's changes.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            label: &self.label,
            request_id: self.request_id.as_deref(),
        }
    }
}

/// Who made a change, as the audit log records it: the token's label (or `worker`)
/// and the request that made it (docs/DESIGN.md §3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub label: &'a str,
    pub request_id: Option<&'a str>,
}

impl Actor<'static> {
    /// The activation worker: no request made its changes.
    pub const WORKER: Actor<'static> = Actor {
        label: "worker",
        request_id: None,
    };
}

/// Who made a change through a store command on the portal's machine (`licadm token
/// create --db`): no request and no token, only the shell's user, as `shell:NAME`.
pub fn shell_actor_label() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let user: String = user.chars().filter(|c| !c.is_control()).take(64).collect();
    if user.is_empty() {
        "shell".to_string()
    } else {
        format!("shell:{user}")
    }
}

impl CreateRequest {
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            label: &self.actor,
            request_id: self.request_id.as_deref(),
        }
    }
}

/// A new-activation request, re-validated by the store in its transaction.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    pub actor: String,
    pub organization: i64,
    pub serials: Vec<String>,
    pub idempotency: Option<Idempotency>,
    /// The request that creates (`X-Request-Id`), stored with its audit records.
    pub request_id: Option<String>,
}

/// A token the store knows, with its organizations resolved. A revoked or expired
/// token is still found (so the answer can say which); the extractor refuses it.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token_id: i64,
    pub role: Role,
    /// The account's e-mail for a login token, else the token's label: who acts, in
    /// the audit log and `GET /me`.
    pub label: String,
    pub organizations: Vec<OrgRef>,
    /// The account a login token belongs to.
    pub account_id: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What a login needs of the account an e-mail names.
#[derive(Debug, Clone)]
pub struct LoginAccount {
    pub id: i64,
    /// The argon2id PHC string; None while an invitation waits.
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A new account, checked by the route (who may create it, its text) and again by the
/// store in its transaction (the e-mail is free, the organizations exist).
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Normalised (`rules::normalize_email`).
    pub email: String,
    pub role: Role,
    pub organizations: Vec<i64>,
    pub password_hash: Option<String>,
    /// SHA-256 of the invitation code, when the invitee is to set the password.
    pub invitation_hash: Option<String>,
    pub invitation_expires_at: Option<DateTime<Utc>>,
}

/// What a one-time code (an invitation's or a reset's) did (`accept_invitation`).
#[derive(Clone)]
pub enum CodeUse {
    /// The code was pending: the password is set now.
    Set(AccountInfo),
    /// The code was used within the idempotency lifetime: the account and its
    /// password hash now, for the route to tell a resend from another request.
    Used {
        account: AccountInfo,
        password_hash: Option<String>,
    },
}

/// The password hash stays out of logs and test output.
impl std::fmt::Debug for CodeUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodeUse::Set(account) => f.debug_tuple("Set").field(account).finish(),
            CodeUse::Used { account, .. } => f
                .debug_struct("Used")
                .field("account", account)
                .finish_non_exhaustive(),
        }
    }
}

/// A password change the route checked: the new hash, or None when the current
/// password given was wrong (the store then refuses, so an `Idempotency-Key` replays
/// the first answer of a change that already happened instead of refusing the resend).
#[derive(Debug, Clone)]
pub struct PasswordUpdate {
    pub account_id: i64,
    pub password_hash: Option<String>,
    /// The token that asks stays; the account's others are revoked.
    pub keep_token: i64,
}

/// A token a login issues: only its hash is stored.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub hash: String,
    pub label: String,
    pub expires_at: DateTime<Utc>,
}

/// The use cases of the portal, each one transaction. Every backend implements all of
/// them; the business rules they apply are shared code (`portal::rules`, `domain`).
#[async_trait::async_trait]
pub trait PortalStore: Send + Sync + 'static {
    // ---- access ----
    /// The token whose SHA-256 is `token_hash`, if the store issued it.
    async fn token(&self, token_hash: String) -> Result<Option<TokenGrant>, StoreError>;
    /// Notes that a token was used at `now`, unless it was noted less than a minute
    /// before (one cheap UPDATE at most once a minute per token; the caller throttles
    /// too).
    async fn touch_token(&self, token_id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// A page of the tokens the query may see, newest first (`access_lists`).
    async fn tokens(&self, query: AccessQuery) -> Result<CursorPage<TokenInfo>, StoreError>;
    /// Revokes a token (a revoked one keeps its first `revoked_at`; `token.revoked` in
    /// the audit); None when there is no such token.
    async fn revoke_token(
        &self,
        token_id: i64,
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError>;

    // ---- accounts ----
    /// The account an e-mail (normalised) names, for a login.
    async fn login_account(&self, email: String) -> Result<Option<LoginAccount>, StoreError>;
    /// A token for the account, with the account's role and organizations now
    /// (`token.created`, the writer being the account); None when the account is gone
    /// or disabled.
    async fn issue_token(
        &self,
        account_id: i64,
        token: NewToken,
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError>;
    /// `account.created` or `account.invited`. Refused: the e-mail has an account
    /// already (409), an organization does not exist (404). A repeat of the same
    /// idempotency key replays the account (never the invitation code: it is not kept).
    async fn create_account(
        &self,
        account: NewAccount,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<AccountInfo>>;
    /// A page of the accounts the query may see, by e-mail (`access_lists`).
    async fn accounts(&self, query: AccessQuery) -> Result<CursorPage<AccountInfo>, StoreError>;
    /// Sets the password of the account whose pending invitation or reset code has
    /// this hash, once, and revokes its tokens (`account.invitation_accepted` or
    /// `account.password_changed`, the account being the actor: the writer gives the
    /// time and request). A code used since `replay_since` answers `CodeUse::Used`
    /// (the route replays when the password is the same); refused (404) for an
    /// unknown, expired or older used code.
    async fn accept_invitation(
        &self,
        invitation_hash: String,
        password_hash: String,
        replay_since: DateTime<Utc>,
        writer: Writer,
    ) -> Answer<CodeUse>;
    /// Disables an account and revokes every token of it (`account.disabled`,
    /// `token.revoked`); None when there is no such account.
    async fn disable_account(
        &self,
        account_id: i64,
        writer: Writer,
    ) -> Result<Option<AccountInfo>, StoreError>;

    // ---- catalog ----
    async fn organizations(&self, ids: Vec<i64>) -> Result<Vec<Organization>, StoreError>;
    async fn prices(&self) -> Result<Vec<Price>, StoreError>;
    /// Accepting the offer; a repeat of the same idempotency key replays the first answer.
    async fn accept_offer(
        &self,
        organization: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Organization>>;
    /// An operator blocks (or unblocks) an organization's new activations.
    async fn set_activation_blocked(
        &self,
        organization: i64,
        blocked: bool,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Organization>>;

    // ---- activations ----
    /// Refused (400) only for a page number deeper than page numbers reach.
    async fn list_activations(&self, filter: ActivationFilter) -> Answer<Page<ActivationSummary>>;
    async fn activation(
        &self,
        number: i64,
        scope: Vec<i64>,
    ) -> Result<Option<ActivationDetail>, StoreError>;
    /// Precheck: one outcome per input serial, in input order, from one snapshot.
    async fn precheck(
        &self,
        serials: Vec<String>,
        today: NaiveDate,
    ) -> Result<Vec<Checked>, StoreError>;
    /// All-or-nothing creation, one activation per vendor; a repeat of the same
    /// idempotency key replays the first answer.
    async fn create_activations(
        &self,
        request: CreateRequest,
        now: DateTime<Utc>,
    ) -> Answer<Once<CreatedActivations>>;
    async fn retry_activation(
        &self,
        number: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ActivationSummary>>;
    async fn license_file(
        &self,
        number: i64,
        scope: Vec<i64>,
        key: Arc<PortalKey>,
    ) -> Answer<String>;
    /// The activation worker's queue: numbers of in-progress activations queued at or
    /// before `due_by`, at most `limit`.
    async fn due_activations(
        &self,
        due_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError>;
    /// Completes one due activation (done or error); None if it was no longer in progress
    /// (or, where the backend claims work, no longer claimed by this portal).
    async fn complete_activation(
        &self,
        number: i64,
        key: Arc<PortalKey>,
        now: DateTime<Utc>,
    ) -> Result<Option<crate::domain::ActivationStatus>, StoreError>;
    /// Waits until work may have been queued (true) or `timeout` passed (false). SQLite
    /// has one process and just sleeps; PostgreSQL wakes on `NOTIFY` from any portal.
    async fn wait_for_work(&self, timeout: std::time::Duration) -> bool;

    /// Whether the store answers (`GET /health`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Every public key the portal signed with, oldest first; the last signs now
    /// (`GET /signing-key`, `licadm keys rotate`).
    async fn signing_keys(&self) -> Result<Vec<StoredKey>, StoreError>;

    // ---- change feed ----
    /// With a window, only the activations in it (docs/DESIGN.md §6.5).
    async fn feed_page(
        &self,
        since: i64,
        limit: u32,
        scope: Vec<i64>,
        window: Option<FeedWindow>,
    ) -> Result<Result<ChangeFeed, Gone>, StoreError>;

    // ---- seats ----
    /// A page of seats; a product the store does not know is a 400 naming the known ones.
    async fn list_seats(&self, filter: SeatFilter) -> Answer<Page<Seat>>;
    async fn seat_summary(
        &self,
        organizations: Vec<i64>,
        today: NaiveDate,
    ) -> Result<Vec<SeatSummary>, StoreError>;
    async fn users(
        &self,
        organization: i64,
        text: String,
        limit: u32,
    ) -> Result<Vec<User>, StoreError>;
    async fn bind_seat(
        &self,
        seat: i64,
        email: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Seat>>;
    async fn unbind_seat(
        &self,
        seat: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Seat>>;

    // ---- capacity ----
    async fn license_info(&self, organization: i64, now: DateTime<Utc>) -> Answer<LicenseInfo>;
    async fn request_emergency(
        &self,
        organization: i64,
        product: String,
        accounts: u32,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ProductCapacity>>;
    /// An operator's purchase; a repeat of the same idempotency key replays the first
    /// answer instead of selling the accounts twice.
    async fn purchase(
        &self,
        request: PurchaseRequest,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ProductCapacity>>;

    // ---- server keys ----
    /// Online or offline; a repeat of the same idempotency key replays the license
    /// first issued.
    async fn activate_server_key(
        &self,
        request: ActivationRequest,
        channel: Channel,
        writer: Writer,
        key: Arc<PortalKey>,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ServerLicense>>;

    // ---- activity log ----
    /// A page of the audit log across the filter's scope, newest first (`GET /events`).
    async fn events(
        &self,
        filter: EventFilter,
    ) -> Result<crate::client::events::EventPage, StoreError>;

    /// One serial's device and every activation line with it within `scope` (None:
    /// every organization), newest first, each with its audit history.
    async fn serial_story(
        &self,
        serial: String,
        scope: Option<Vec<i64>>,
    ) -> Result<crate::client::serials::SerialStory, StoreError>;

    // ---- audit ----
    /// The audit records of one object (`kind:id`), if the object belongs to `scope`.
    async fn audit(
        &self,
        kind: String,
        id: String,
        scope: Vec<i64>,
        page: u32,
        per_page: u32,
    ) -> Answer<Page<AuditEntry>>;

    // ---- accounts: one by id, passwords (issue 15) ----
    /// One token by id, for the route to check who may revoke it.
    async fn token_by_id(&self, token_id: i64) -> Result<Option<TokenInfo>, StoreError>;
    /// One account by id, for the route to check who may manage it.
    async fn account_by_id(&self, account_id: i64) -> Result<Option<AccountInfo>, StoreError>;
    /// A password change (`account.password_changed`), revoking the account's other
    /// tokens (`token.revoked`); refused when the current password was wrong.
    async fn change_password(
        &self,
        update: PasswordUpdate,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<PasswordChanged>>;
    /// A one-time reset code (its hash) for the account, replacing a pending one
    /// (`account.password_reset`); refused for a disabled account (409).
    async fn issue_reset(
        &self,
        account_id: i64,
        code_hash: String,
        expires_at: DateTime<Utc>,
        writer: Writer,
    ) -> Answer<AccountInfo>;

    // ---- many rows at once (issue 16 b; docs/DESIGN.md §4.9) ----
    /// Retries each number (at most `client::bulk::BULK_MAX`) in one transaction under
    /// one idempotency key: a refusal of one number (not in error, not in the scope)
    /// is its row's answer and changes nothing for it; the others are retried, each
    /// with its own audit record.
    async fn retry_activations(
        &self,
        numbers: Vec<i64>,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::bulk::BulkRetryResponse>>;
    /// The errored activations of `scope` ordered since `since`, grouped by error
    /// (`store::error_groups`).
    async fn error_triage(
        &self,
        scope: Vec<i64>,
        since: DateTime<Utc>,
    ) -> Result<crate::client::bulk::ErrorTriage, StoreError>;

    // ---- invoices (issue 17; docs/DESIGN.md §3.11) ----
    /// The last month the monthly job issued (claimed), if any.
    async fn last_invoice_period(&self) -> Result<Option<crate::domain::Period>, StoreError>;
    /// Issues one month's invoices in one transaction, exactly once per month however
    /// many portals run it: None when another run had issued the month.
    async fn issue_invoices(&self, run: IssueRun) -> Result<Issued, StoreError>;
    /// Marks every issued invoice due before `today` overdue and blocks its
    /// organization, in one transaction; answers the numbers marked.
    async fn mark_overdue_invoices(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError>;
    /// A page of invoices (`GET /invoices`).
    async fn list_invoices(
        &self,
        filter: InvoiceFilter,
    ) -> Result<Page<crate::client::invoices::Invoice>, StoreError>;
    /// One invoice with its lines, if `scope` (None: every organization) holds it.
    async fn invoice(
        &self,
        number: String,
        scope: Option<Vec<i64>>,
    ) -> Result<Option<crate::client::invoices::InvoiceDetail>, StoreError>;
    /// An operator marks an invoice paid; the organization unblocks when nothing else
    /// of it is overdue. A repeat of the idempotency key replays the first answer.
    async fn pay_invoice(
        &self,
        number: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::invoices::InvoiceDetail>>;

    // ---- webhooks (issue 17; docs/DESIGN.md §4.10) ----
    // Deliveries are written by the audit writers of both backends, in the change's
    // transaction; these are the endpoints, the delivery log and the sender's queue.
    /// Refused (404) when the endpoint's organization does not exist.
    async fn create_webhook(
        &self,
        endpoint: webhooks::NewEndpoint,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::webhooks::CreatedWebhook>>;
    /// Every endpoint in scope, oldest first.
    async fn webhooks(
        &self,
        scope: webhooks::WebhookScope,
    ) -> Result<Vec<crate::client::webhooks::WebhookEndpoint>, StoreError>;
    async fn webhook(
        &self,
        id: i64,
        scope: webhooks::WebhookScope,
    ) -> Result<Option<crate::client::webhooks::WebhookEndpoint>, StoreError>;
    /// Removes the endpoint and its deliveries; 404 outside the scope.
    async fn delete_webhook(
        &self,
        id: i64,
        scope: webhooks::WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::webhooks::WebhookEndpoint>>;
    async fn rotate_webhook_secret(
        &self,
        id: i64,
        secret: crate::secret::Secret,
        scope: webhooks::WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::webhooks::CreatedWebhook>>;
    /// One endpoint's deliveries, newest first; 404 outside the scope.
    async fn webhook_deliveries(
        &self,
        endpoint: i64,
        scope: webhooks::WebhookScope,
        page: u32,
        per_page: u32,
    ) -> Answer<Page<crate::client::webhooks::WebhookDelivery>>;
    /// A new delivery of a delivered or failed one's event; 409 while it is pending.
    async fn redeliver_webhook(
        &self,
        endpoint: i64,
        delivery: i64,
        scope: webhooks::WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::webhooks::WebhookDelivery>>;
    /// The sender's queue: leases up to `limit` due deliveries to `worker`.
    async fn claim_deliveries(
        &self,
        worker: String,
        limit: usize,
        lease: std::time::Duration,
    ) -> Result<Vec<webhooks::DueDelivery>, StoreError>;
    /// Records an attempt of a delivery `worker` holds.
    async fn finish_delivery(
        &self,
        worker: String,
        id: i64,
        outcome: webhooks::DeliveryOutcome,
    ) -> Result<(), StoreError>;
    /// Waits until deliveries may have been written (true) or `timeout` passed.
    async fn wait_for_deliveries(&self, timeout: std::time::Duration) -> bool;

    // ---- renewals: the device list (issue 16 part A; docs/DESIGN.md §4.8) ----
    /// A page of the devices the filter's organizations activated (`GET /devices`).
    async fn devices(
        &self,
        filter: devices::DeviceFilter,
    ) -> Result<crate::client::devices::DevicePage, StoreError>;
    /// Count and today's price per organization and vendor (`GET /devices/totals`).
    async fn device_totals(
        &self,
        filter: devices::DeviceFilter,
    ) -> Result<crate::client::devices::DeviceTotals, StoreError>;

    // ---- bulk unbind (issue 16; docs/DESIGN.md §4.9) ----
    /// Unbinds each seat (at most `client::bulk::BULK_MAX`) in one transaction under
    /// one idempotency key, each exactly as `unbind_seat` does (its audit record
    /// `seat.unbound`, its feed row): a refusal of one seat (not in the scope, not
    /// bound) is its row's answer and changes nothing for it.
    async fn unbind_seats(
        &self,
        seats: Vec<i64>,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::bulk::BulkUnbindResponse>>;
}
