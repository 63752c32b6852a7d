//! The portal: API v1 over HTTP (axum) on its store (`store`: one interface, a
//! backend per database).
//!
//! `licadm serve` and the console's embedded mode both start it through [`Portal`];
//! `licadm token create` goes through [`create_token`].

mod access_rules;
mod auth;
mod bootstrap;
mod error;
mod etag;
mod guard;
mod http_errors;
mod idempotency;
pub mod invoicing;
mod key_file;
mod key_ring;
mod live_key;
mod messages;
mod openapi;
mod params;
pub mod password;
pub mod rate_limit;
pub(crate) mod request_id;
mod routes;
mod routes_access;
mod routes_bulk;
pub(crate) mod routes_devices;
pub(crate) mod routes_events;
mod routes_invoices;
mod routes_licensing;
mod routes_passwords;
mod routes_webhooks;
mod rules;
pub mod serve;
pub mod signing_key;
mod store;
pub mod tls;
mod token_cache;
mod webhook_send;
mod webhooks;
mod worker;

/// The activation list's plan, for the benchmark that runs the same SQL straight on
/// the store (its floor).
pub mod list_plan {
    pub use super::store::activation_list::*;
}

/// The mirror's SQLite replica, read through the portal's own query code.
/// The device list's and the activity log's parsers and plans, for the benchmarks'
/// floors (the same SQL the portal runs, run straight on the store).
pub mod read_plans {
    pub use super::routes_devices::parse as parse_devices;
    pub use super::routes_events::parse as parse_events;
    pub use super::store::devices::{DeviceFilter, page_query as devices_page_query};
    pub use super::store::events::{EventFilter, page_query as events_page_query};
}

pub mod replica {
    pub use super::store::sqlite::replica_reader::{Replica, ReplicaError};
}

use crate::client::wire::Role;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use store::{PgStore, SqliteStore, Store, StoreError};

pub use auth::TOKEN_PREFIX;
pub use bootstrap::{BootstrapError, create_account_in};
pub use key_ring::{
    Rotated, default_key_file_of, export_in as export_signing_key_in, public_keys as signing_keys,
    public_keys_in as signing_keys_in, rotate_in as rotate_signing_key_in, signing_public_key,
    signing_public_key_in,
};
pub use messages::{localize as localize_text, localize_value};
pub use signing_key::{SigningKeyFileError, SigningSecret, read_signing_key_file};
pub use store::PurchaseRequest;
pub use store::StoredKey;
pub use store::sqlite::demo::facts::{DemoFacts, DemoKey};
pub use webhooks::WebhookOptions;

/// Why the portal could not start or do an operator's command.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("cannot open the portal store {path}: {source}")]
    Open { path: PathBuf, source: StoreError },
    #[error("there is no portal store at {0}")]
    NoStore(PathBuf),
    #[error(
        "the portal store {0} has no signing key yet (the portal creates it when it first starts)"
    )]
    NoSigningKey(PathBuf),
    #[error("cannot connect to the PostgreSQL store {url}: {source}")]
    Connect { url: String, source: StoreError },
    #[error("cannot fill the demo data: {0}")]
    Demo(StoreError),
    #[error("no randomness for {what}: {reason}")]
    Randomness { what: &'static str, reason: String },
    #[error(
        "the store already signs licenses with another key (public key {stored}) than \
         --signing-key gives (public key {given}): give every portal of a deployment the \
         same key file, or start with an empty database"
    )]
    OtherSigningKey { stored: String, given: String },
    #[error(
        "the store signs with public key {public}, but its key file {file} is missing: \
         restore it from a backup, or give the key with --signing-key FILE"
    )]
    KeyFileMissing { file: PathBuf, public: String },
    #[error(
        "the database still holds the signing key, and no key file was given: export it \
         once with `licadm keys export --db <URL> --out {file}` (it moves the key out of \
         the database into that file, mode 0600), copy that file to every portal host, \
         and start each portal with --signing-key FILE"
    )]
    KeyInDatabase { file: PathBuf },
    #[error(
        "the key file holds key {given}, which was rotated away: the store signs with key \
         {current} now; give the key file that `licadm keys rotate` wrote"
    )]
    RetiredKey { given: String, current: String },
    #[error(
        "no place for the PostgreSQL portal's signing key: give --signing-key FILE (there \
         is no data directory for a default key file)"
    )]
    NoKeyFilePath,
    #[error(
        "a SQLite store keeps its signing key in a key file already ({0}); there is nothing \
         to export"
    )]
    ExportSqlite(PathBuf),
    #[error(
        "the database holds no signing key (exported already?); its portals sign with the \
         key file given by --signing-key"
    )]
    NothingToExport,
    #[error("cannot write the signing key file {file}: {source}")]
    KeyFileWrite {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    KeyFile(#[from] SigningKeyFileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens the store at `db`, naming the file when it cannot.
fn open_store(db: &Path) -> Result<SqliteStore, PortalError> {
    SqliteStore::open(db).map_err(|source| PortalError::Open {
        path: db.to_path_buf(),
        source,
    })
}

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

/// State shared by every handler.
#[derive(Clone)]
pub(crate) struct AppState {
    store: Store,
    /// The portal's license-signing key and its id, from its key file (`key_ring.rs`),
    /// replaced when the key is rotated (`live_key.rs`).
    key: Arc<live_key::LiveKey>,
    clock: Clock,
    /// The rate limits' buckets (`rate_limit.rs`), shared by every request.
    limiter: rate_limit::Limiter,
    /// Tokens looked up in the last second (one store trip per request, not two).
    tokens: token_cache::TokenCache,
    /// Lifetimes of login tokens and invitations.
    access: AccessOptions,
    /// How long an `Idempotency-Key` is remembered.
    idempotency_lifetime: chrono::TimeDelta,
}

impl AppState {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A portal over one store. Cheap to clone.
#[derive(Clone)]
pub struct Portal {
    state: AppState,
    demo_filled: bool,
    options: PortalOptions,
    backend: Backend,
    /// HTTPS when set (`serve --tls-cert/--tls-key`).
    tls: Option<Arc<rustls::ServerConfig>>,
    /// Public holidays for invoice due dates (`serve --holidays FILE`; issue 17).
    calendar: Arc<crate::domain::HolidayCalendar>,
}

/// The concrete store behind [`AppState::store`], for what is not a use case (tokens).
#[derive(Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// True when `db` names a PostgreSQL database (`postgres://…` or `postgresql://…`)
/// rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Connects to the PostgreSQL store at `url`, naming it (without a password) when it cannot.
async fn connect_postgres(url: &str, options: PortalOptions) -> Result<PgStore, PortalError> {
    PgStore::connect(url, options.busy_timeout, options.worker_lease)
        .await
        .map_err(|source| PortalError::Connect {
            url: redact(url),
            source,
        })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_info = &url[scheme + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Portal {
    /// Opens/creates the SQLite store, applies numbered migrations, and when `demo` is
    /// Some and the store has no organizations yet, fills it with the deterministic demo
    /// data set. Blocking: call it before serving (or from `spawn_blocking`).
    pub fn open(db: &Path, demo: Option<DemoOptions>) -> Result<Portal, PortalError> {
        Portal::open_with(db, demo, PortalOptions::default())
    }

    /// [`Portal::open`] with explicit worker options.
    pub fn open_with(
        db: &Path,
        demo: Option<DemoOptions>,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        Portal::open_keyed(db, demo, options, None)
    }

    /// [`Portal::open_with`] signing with the key in `key_file` (`--signing-key FILE`)
    /// instead of the file beside the store; refused when the store signs with another.
    pub fn open_keyed(
        db: &Path,
        demo: Option<DemoOptions>,
        options: PortalOptions,
        key_file: Option<PathBuf>,
    ) -> Result<Portal, PortalError> {
        let store = SqliteStore::open_with(db, options.busy_timeout).map_err(|source| {
            PortalError::Open {
                path: db.to_path_buf(),
                source,
            }
        })?;
        let demo_filled = match demo {
            Some(options) => store
                .fill_demo_if_empty(options)
                .map_err(PortalError::Demo)?,
            None => false,
        };
        let (key, key_file) = key_ring::load_sqlite(db, &store, key_file.as_deref())?;
        let backend = Backend::Sqlite(store.clone());
        let store: Store = Arc::new(store);
        Ok(Portal {
            state: AppState {
                store,
                key: Arc::new(live_key::LiveKey::new(key, Some(key_file))),
                clock: Clock::system(),
                limiter: rate_limit::Limiter::new(options.limits.rate),
                tokens: token_cache::TokenCache::default(),
                access: options.access,
                idempotency_lifetime: options.idempotency_lifetime,
            },
            demo_filled,
            options,
            backend,
            tls: None,
            calendar: Arc::new(crate::domain::HolidayCalendar::russian()),
        })
    }

    /// Opens the store `db` names: a PostgreSQL URL (`postgres://user@host/db`) or a
    /// SQLite file. `demo` fills an empty store with the demo data set.
    pub async fn connect(
        db: &str,
        demo: Option<DemoOptions>,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        Portal::connect_keyed(db, demo, options, None).await
    }

    /// [`Portal::connect`] signing with the key in `key_file` (`--signing-key FILE`):
    /// listed when the store has no key yet, refused when it signs with another, so
    /// every portal of a deployment signs with the one key (`key_ring.rs`).
    pub async fn connect_keyed(
        db: &str,
        demo: Option<DemoOptions>,
        options: PortalOptions,
        key_file: Option<PathBuf>,
    ) -> Result<Portal, PortalError> {
        if !is_postgres_url(db) {
            let path = PathBuf::from(db);
            return tokio::task::spawn_blocking(move || {
                Portal::open_keyed(&path, demo, options, key_file)
            })
            .await
            .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
        }
        let store = connect_postgres(db, options).await?;
        let demo_filled = match demo {
            Some(demo) => fill_postgres_demo(&store, demo, None).await?,
            None => false,
        };
        Portal::on_postgres(db, store, demo_filled, options, key_file.as_deref()).await
    }

    /// A portal on the PostgreSQL store `url` whose demo data (if it is empty) is copied
    /// from the SQLite demo store `source` (tests keep that file to read demo facts).
    pub async fn connect_postgres_from(
        url: &str,
        source: &Path,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        let store = connect_postgres(url, options).await?;
        let demo_filled =
            fill_postgres_demo(&store, DemoOptions::default(), Some(source.to_path_buf())).await?;
        Portal::on_postgres(url, store, demo_filled, options, None).await
    }

    async fn on_postgres(
        url: &str,
        store: PgStore,
        demo_filled: bool,
        options: PortalOptions,
        key_file: Option<&Path>,
    ) -> Result<Portal, PortalError> {
        let (key, key_file) = key_ring::load_postgres(url, &store, key_file).await?;
        let backend = Backend::Postgres(store.clone());
        Ok(Portal {
            state: AppState {
                store: Arc::new(store),
                key: Arc::new(live_key::LiveKey::new(key, Some(key_file))),
                clock: Clock::system(),
                limiter: rate_limit::Limiter::new(options.limits.rate),
                tokens: token_cache::TokenCache::default(),
                access: options.access,
                idempotency_lifetime: options.idempotency_lifetime,
            },
            demo_filled,
            options,
            backend,
            tls: None,
            calendar: Arc::new(crate::domain::HolidayCalendar::russian()),
        })
    }

    /// Creates a bearer token in this portal's store (see [`create_token`]).
    pub async fn create_token(
        &self,
        role: Role,
        organizations: &[i64],
        label: &str,
    ) -> Result<String, PortalError> {
        let token = auth::generate_token().map_err(|e| PortalError::Randomness {
            what: "a token",
            reason: e.to_string(),
        })?;
        let hash = auth::hash_token(&token);
        match &self.backend {
            Backend::Sqlite(store) => {
                let (store, hash, organizations, label) = (
                    store.clone(),
                    hash.clone(),
                    organizations.to_vec(),
                    label.to_string(),
                );
                tokio::task::spawn_blocking(move || {
                    store.create_token_blocking(&hash, role, &organizations, &label)
                })
                .await
                .map_err(|e| StoreError::Task(e.to_string()))??;
            }
            Backend::Postgres(store) => {
                store
                    .create_token(&hash, role, organizations, label)
                    .await?;
            }
        }
        Ok(token)
    }

    /// The same portal answering HTTPS with `config` (see [`tls::server_config`]).
    pub fn with_tls(mut self, config: Arc<rustls::ServerConfig>) -> Portal {
        self.tls = Some(config);
        self
    }

    /// The same portal reading time from `clock` (tests move it forward).
    pub fn with_clock(mut self, clock: Clock) -> Portal {
        self.state.clock = clock;
        self
    }

    /// The same portal counting invoice due dates with `calendar` (issue 17).
    pub fn with_holidays(mut self, calendar: crate::domain::HolidayCalendar) -> Portal {
        self.calendar = Arc::new(calendar);
        self
    }

    /// Runs the monthly invoice job once as of `now` (the worker runs it on the
    /// portal's clock; tests and `licadm invoices run` give the time).
    pub async fn run_invoice_job(
        &self,
        now: DateTime<Utc>,
    ) -> Result<invoicing::InvoiceRunReport, PortalError> {
        Ok(invoicing::run_once(&self.state.store, &self.calendar, now).await?)
    }

    /// The store's half of a precheck of `serials` (the floor benchmarks measure HTTP
    /// against), on either backend; answers how many rows it checked.
    pub async fn precheck_in_store(
        &self,
        serials: &[String],
        today: chrono::NaiveDate,
    ) -> Result<usize, PortalError> {
        let rows = self.state.store.precheck(serials.to_vec(), today).await?;
        Ok(rows.len())
    }

    /// The full router: every /api/v1 route, gzip compression, body limit, tracing.
    pub fn router(&self) -> axum::Router {
        routes::router(self.state.clone())
    }

    /// Serves until the future is dropped or the process ends. The activation worker
    /// (when enabled) runs alongside and stops with it; queued work lives in the store
    /// only, so a later `serve` on the same file picks it up.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let _worker = self.options.run_worker.then(|| {
            worker::AbortOnDrop(tokio::spawn(worker::run(
                self.state.store.clone(),
                self.state.key.clone(),
                self.options,
                self.state.clock.clone(),
                self.calendar.clone(),
            )))
        });
        let _key_watch = worker::AbortOnDrop(tokio::spawn(live_key::watch(
            self.state.key.clone(),
            self.state.store.clone(),
        )));
        let _sender = self.options.webhooks.run.then(|| {
            worker::AbortOnDrop(tokio::spawn(webhooks::run(
                self.state.store.clone(),
                self.options.webhooks,
            )))
        });
        serve::serve(
            listener,
            self.router(),
            self.options.limits,
            self.tls.clone(),
        )
        .await
    }

    /// Base64 of the portal's ed25519 public key (as `GET /api/v1/signing-key`).
    pub fn public_key(&self) -> String {
        self.state.key.current().public_key()
    }

    /// The id of the key the portal signs with (docs/DESIGN.md §3.5).
    pub fn key_id(&self) -> String {
        self.state.key.current().id().to_string()
    }

    /// True when `open` just filled the demo data (so the CLI can print a demo token).
    pub fn demo_filled(&self) -> bool {
        self.demo_filled
    }
}

/// [`create_token`] for a store named like `--db`: a PostgreSQL URL or a SQLite file.
pub async fn create_token_in(
    db: &str,
    role: Role,
    organizations: &[i64],
    label: &str,
) -> Result<String, PortalError> {
    if !is_postgres_url(db) {
        let (path, organizations, label) =
            (PathBuf::from(db), organizations.to_vec(), label.to_string());
        return tokio::task::spawn_blocking(move || {
            create_token(&path, role, &organizations, &label)
        })
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
    }
    let store = connect_postgres(db, PortalOptions::default()).await?;
    let token = auth::generate_token().map_err(|e| PortalError::Randomness {
        what: "a token",
        reason: e.to_string(),
    })?;
    store
        .create_token(&auth::hash_token(&token), role, organizations, label)
        .await?;
    Ok(token)
}

/// Creates a bearer token, stores only its SHA-256 hash, returns the plain token (print
/// it once; it cannot be recovered). Empty `organizations` = every organization the
/// store has now (a snapshot: organizations added later need a new token). Errors if
/// an organization id does not exist.
pub fn create_token(
    db: &Path,
    role: Role,
    organizations: &[i64],
    label: &str,
) -> Result<String, PortalError> {
    let store = open_store(db)?;
    let token = auth::generate_token().map_err(|e| PortalError::Randomness {
        what: "a token",
        reason: e.to_string(),
    })?;
    let hash = auth::hash_token(&token);
    store.create_token_blocking(&hash, role, organizations, label)?;
    Ok(token)
}

/// A fresh signing secret, stored only if the store has none yet.
fn fresh_secret() -> Result<[u8; 32], PortalError> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| PortalError::Randomness {
        what: "a key",
        reason: e.to_string(),
    })?;
    Ok(fresh)
}

/// Runs blocking store work (a SQLite file) off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PortalError> + Send + 'static,
) -> Result<T, PortalError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?
}

/// Fills an empty PostgreSQL store with the demo data set of the one generator: into
/// `source` (a SQLite file; a temporary one when None), then copied table by table.
async fn fill_postgres_demo(
    store: &PgStore,
    demo: DemoOptions,
    source: Option<PathBuf>,
) -> Result<bool, PortalError> {
    if store.has_organizations().await? {
        return Ok(false);
    }
    let (path, temporary) = match source {
        Some(path) => (path, false),
        None => {
            let mut tag = [0u8; 8];
            getrandom::fill(&mut tag).map_err(|e| PortalError::Randomness {
                what: "a file name",
                reason: e.to_string(),
            })?;
            let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
            (
                std::env::temp_dir().join(format!("licadm-demo-{tag}.sqlite")),
                true,
            )
        }
    };
    let open_path = path.clone();
    let filled = async {
        let sqlite = tokio::task::spawn_blocking(move || {
            let sqlite = open_store(&open_path)?;
            sqlite.fill_demo_if_empty(demo).map_err(PortalError::Demo)?;
            Ok::<_, PortalError>(sqlite)
        })
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))??;
        store
            .fill_demo_from(&sqlite)
            .await
            .map_err(PortalError::Demo)
    }
    .await;
    if temporary {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    filled
}

/// Forgets deleted objects in the change feed of the store `db` (see
/// `store::changes::prune_deleted`): mirrors whose cursor is older than the last
/// deletion pruned get 410 `cursor_gone` and sync again from scratch. Returns how many
/// deletions were forgotten.
pub fn prune_deleted_changes(db: &Path) -> Result<usize, PortalError> {
    let store = open_store(db)?;
    Ok(store.prune_deleted_blocking()?)
}

/// [`prune_deleted_changes`] for a store named like `--db` (a SQLite file or a
/// PostgreSQL URL).
pub async fn prune_deleted_changes_in(db: &str) -> Result<usize, PortalError> {
    if !is_postgres_url(db) {
        let path = PathBuf::from(db);
        return tokio::task::spawn_blocking(move || prune_deleted_changes(&path))
            .await
            .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
    }
    let store = connect_postgres(db, PortalOptions::default()).await?;
    Ok(store.prune_deleted().await?)
}

/// Serials of a (demo) store by kind, for tests and benchmarks, so they never hard-code
/// serials that could drift from the generator. Vendor keys are `Vendor::id()`.
#[derive(Debug, Clone, Default)]
pub struct DemoSerials {
    /// Accepted by the registry and not pending: precheck says `ok`.
    pub ok: HashMap<String, Vec<String>>,
    /// The worker's activation fails every time («снято с учёта»).
    pub refused_permanently: HashMap<String, Vec<String>>,
    /// The worker's first attempt fails («временно недоступен»), a retry succeeds.
    pub refused_once: HashMap<String, Vec<String>>,
    /// On a line of an in-progress activation: precheck says `pending`.
    pub pending: Vec<String>,
    /// Named by the final failure of an activation still in error: precheck says
    /// `refused` (whatever the registry would answer now).
    pub refused: Vec<String>,
}

/// Up to `per_kind` serials of each kind (and vendor) as the store holds them now.
pub fn demo_serials(db: &Path, per_kind: usize) -> Result<DemoSerials, PortalError> {
    let store = open_store(db)?;
    let found = store.serials_by_kind_blocking(per_kind)?;
    Ok(DemoSerials {
        ok: found.ok,
        refused_permanently: found.refused_permanently,
        refused_once: found.refused_once,
        pending: found.pending,
        refused: found.refused,
    })
}

/// Seats, users and keys of a (demo) store as they are on `today` (see [`DemoFacts`]).
pub fn demo_facts(db: &Path, today: chrono::NaiveDate) -> Result<DemoFacts, PortalError> {
    let store = open_store(db)?;
    Ok(store.demo_facts_blocking(today)?)
}
