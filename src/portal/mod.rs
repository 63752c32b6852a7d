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
mod open;
mod openapi;
mod options;
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
mod store_commands;
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
use std::path::PathBuf;
use std::sync::Arc;
use store::{PgStore, SqliteStore, Store, StoreError};

pub use auth::TOKEN_PREFIX;
pub use bootstrap::{BootstrapError, create_account_in};
pub use key_ring::{
    Rotated, default_key_file_of, export_in as export_signing_key_in, public_keys as signing_keys,
    public_keys_in as signing_keys_in, rotate_in as rotate_signing_key_in, signing_public_key,
    signing_public_key_in,
};
pub use messages::{localize as localize_text, localize_value};
pub use open::is_postgres_url;
pub use options::{AccessOptions, Clock, DemoOptions, PortalOptions};
pub use signing_key::{SigningKeyFileError, SigningSecret, read_signing_key_file};
pub use store::PurchaseRequest;
pub use store::StoredKey;
pub use store::postgres::DEMO_TABLES;
pub use store::sqlite::demo::facts::{DemoFacts, DemoKey};
pub use store_commands::{
    DemoSerials, create_token, create_token_in, demo_facts, demo_serials, prune_deleted_changes,
    prune_deleted_changes_in,
};
pub use webhooks::WebhookOptions;

use open::{blocking, connect_postgres, fresh_secret, open_store, redact};

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
impl Portal {
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
