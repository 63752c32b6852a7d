//! The PostgreSQL backend of the portal's store: N stateless portals behind a load
//! balancer share one database (`--db postgres://user@host/db`). tokio-postgres with a
//! deadpool pool; its own numbered migrations (`migrations.rs`); the same use cases,
//! refusals, audit records and change feed as SQLite, with the rules shared
//! (`portal::rules`, `domain`).
//!
//! Concurrency — any request may reach any portal, so nothing rests on one process:
//!
//! - **Change feed order.** Every write use case that can change an object of the feed
//!   first takes the transaction-level advisory lock [`FEED_LOCK`]
//!   (`pg_advisory_xact_lock`), held until commit. Change seqs are drawn while holding
//!   it, so they become visible in commit order and a cursor never passes a seq that
//!   commits later (docs/DESIGN.md §6.4). The `track_…` triggers take it too (a no-op when
//!   held): a write that forgot it is still correct, at the risk of a deadlock PostgreSQL
//!   detects and [`PgStore::run`] retries. The lock is taken before any row lock, so
//!   the use cases cannot deadlock on it.
//! - **Seats**: bind/unbind lock the seat row (`SELECT … FOR UPDATE`), and bind locks the
//!   user's row too, so "one unexpired seat per user and product" is checked with no
//!   concurrent bind of the same e-mail. (A unique index cannot say "unexpired": the
//!   predicate depends on today. The partial unique index `seats_holder_once` still
//!   makes one e-mail hold at most one seat with the same validity of a product.)
//! - **Emergency licenses** lock the capacity row (`FOR UPDATE`): at most one wins.
//! - **Activation numbers** come from the sequence `activation_numbers`: unique and
//!   increasing, never `MAX + 1`.
//! - **Idempotency keys** are reserved before the write (`INSERT … ON CONFLICT DO
//!   NOTHING`) in the write's transaction; a second request with the same key waits
//!   on the reserved row, then replays the stored answer (or, if the first was
//!   refused and rolled back, runs itself).
//! - **The worker's queue**: `due_activations` picks candidates `FOR UPDATE SKIP LOCKED`
//!   and claims them in `activation_claims` with a lease (`ON CONFLICT … WHERE the lease
//!   expired`), so two portals never take one activation and a killed portal's claims
//!   pass to another after [`LEASE`]. `complete_activation` finishes only under this
//!   store's own claim. `NOTIFY licadm_work` on create and retry wakes the workers
//!   (`LISTEN`, see `queue.rs`).
//! - **The signing key** is created once: `INSERT … ON CONFLICT DO NOTHING`, then read.
//! - **Migrations** run under `pg_advisory_lock`, each exactly once (`schema_migrations`).
//! - **Contention** (`lock_timeout` 55P03, serialization failure 40001, deadlock 40P01)
//!   rolls the unit of work back whole; it runs again up to [`BUSY_ATTEMPTS`] times, then
//!   the caller gets [`StoreError::Busy`] (HTTP 503 with `Retry-After`). A database that
//!   does not answer is Busy as well: the portal says so and recovers when it returns.

mod access;
mod access_pages;
mod accounts;
mod demo_copy;
pub use demo_copy::DEMO_TABLES;
mod devices;
mod events;
mod feed;
mod invoices;
mod licensing;
mod migrations;
mod once;
mod operator;
mod passwords;
mod portal_store;
mod precheck;
mod queue;
mod reads;
mod seats;
mod serials;
mod triage;
mod webhook_store;
mod webhooks;
mod writes;

pub use super::StoreError;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

/// Key of the advisory lock that orders change-feed writes (any constant both sides agree on).
pub const FEED_LOCK: i64 = 0x6c69_6361_646d_0001;
/// Key of the advisory lock migrations run under.
const MIGRATION_LOCK: i64 = 0x6c69_6361_646d_0002;
/// Attempts of one unit of work that met contention, before the caller hears Busy.
const BUSY_ATTEMPTS: u32 = 4;
/// How long a worker's claim on an activation lasts by default; a portal killed
/// mid-work loses its claims this long after it took them.
pub const LEASE: Duration = Duration::from_secs(30);
// The pooled connections per portal: [`super::pool_size`], as SQLite's. At 1M
// activations on 2 cores, 4 connections served the first page as fast as 16 at 8 and
// 64 clients, with 16 concurrent prechecks' p99 at 438-476 ms against 501-507 and a
// third less memory (docs/BENCHMARKS.md, issue 13): more backends than cores only
// take turns.
use super::pool_size;

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        let busy = [
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::QUERY_CANCELED,
        ];
        match e.code() {
            Some(code) if busy.contains(code) => StoreError::Busy(e.to_string()),
            Some(_) => StoreError::Database(format!("{e}: {}", db_message(&e))),
            // No SQL state: the connection is gone (the database restarted or is down).
            None if e.is_closed() || e.to_string().contains("connection") => {
                StoreError::Busy(format!("the database does not answer: {e}"))
            }
            None => StoreError::Database(e.to_string()),
        }
    }
}

fn db_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|db| db.message().to_string())
        .unwrap_or_default()
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::from(e),
            other => StoreError::Busy(format!("the database does not answer: {other}")),
        }
    }
}

/// A pooled connection.
pub type Client = deadpool_postgres::Object;
/// What a unit of work returns: a boxed future borrowing the connection.
pub type Work<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    config: tokio_postgres::Config,
    /// Who this portal is in `activation_claims` (random per process).
    worker_id: String,
    lease: Duration,
    wake: Arc<tokio::sync::Notify>,
    /// Woken by `NOTIFY` on the webhooks' channel (docs/DESIGN.md §4.10).
    deliveries: Arc<tokio::sync::Notify>,
    listener: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let handle = self
            .listener
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(handle) = handle {
            handle.abort();
        }
    }
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host/db`), applies pending migrations under
    /// the migration lock and starts listening for queued work.
    /// `lock_timeout`: how long a write waits for a row or advisory lock before it is
    /// retried (and finally answered 503 busy) instead of hanging the request.
    /// `lease`: how long this portal's claims on queued activations last.
    pub async fn connect(
        url: &str,
        lock_timeout: Duration,
        lease: Duration,
    ) -> Result<PgStore, StoreError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
        // No JIT: the portal's statements are short, and compiling one costs more
        // (20+ ms for a 10 000-serial precheck's line lookup) than running it.
        // The plan cache in its default mode: the list's kept-prepared statements ask
        // for custom plans in their own transaction (`reads::list_activations`). Set
        // here for every statement, it made the server plan again the key check of
        // every line a create writes (docs/BENCHMARKS.md, issue 13).
        config.options(format!(
            "-c lock_timeout={} -c statement_timeout=60000 -c jit=off",
            lock_timeout.as_millis().max(1)
        ));
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size())
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(5)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| StoreError::Invalid(format!("cannot build the pool: {e}")))?;
        let mut worker_id = [0u8; 8];
        getrandom::fill(&mut worker_id).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let store = PgStore {
            inner: Arc::new(Inner {
                pool,
                config,
                worker_id: worker_id.iter().map(|b| format!("{b:02x}")).collect(),
                lease,
                wake: Arc::new(tokio::sync::Notify::new()),
                deliveries: Arc::new(tokio::sync::Notify::new()),
                listener: std::sync::Mutex::new(None),
            }),
        };
        {
            let mut client = store.client().await?;
            migrations::apply(&mut client).await?;
        }
        let listener = queue::listen(
            store.inner.config.clone(),
            store.inner.wake.clone(),
            store.inner.deliveries.clone(),
        );
        *store
            .inner
            .listener
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
        Ok(store)
    }

    async fn client(&self) -> Result<Client, StoreError> {
        Ok(self.inner.pool.get().await?)
    }

    /// A pooled connection if one is free now, without waiting: for work that can use
    /// a second connection but must not hold one while queueing for another.
    async fn idle_client(&self) -> Option<Client> {
        let now = deadpool_postgres::Timeouts {
            wait: Some(Duration::ZERO),
            ..deadpool_postgres::Timeouts::default()
        };
        self.inner.pool.timeout_get(&now).await.ok()
    }

    fn worker_id(&self) -> &str {
        &self.inner.worker_id
    }

    fn lease(&self) -> Duration {
        self.inner.lease
    }

    /// Runs one unit of work on a pooled connection. Work that met contention rolled
    /// back whole (its transaction dropped), so it runs again, up to [`BUSY_ATTEMPTS`]
    /// times in all, before [`StoreError::Busy`] reaches the caller.
    pub async fn run<T, F>(&self, mut work: F) -> Result<T, StoreError>
    where
        F: for<'c> FnMut(&'c mut Client) -> Work<'c, T>,
    {
        let mut attempt = 1;
        loop {
            let outcome = match self.client().await {
                Ok(mut client) => work(&mut client).await,
                Err(e) => Err(e),
            };
            match outcome {
                Err(StoreError::Busy(_)) if attempt < BUSY_ATTEMPTS => {
                    attempt += 1;
                    // A little jitter-free backoff: 20, 40, 80 ms.
                    tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
                }
                other => return other,
            }
        }
    }
}

/// A read-only REPEATABLE READ transaction: one snapshot for every statement of a read
/// that must agree with itself (a page and its count, a precheck's lookups).
pub async fn read_snapshot(
    client: &mut tokio_postgres::Client,
) -> Result<tokio_postgres::Transaction<'_>, StoreError> {
    Ok(client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// The rest of `tx` planned without the values bound, for statements given arrays of
/// thousands of keys: a custom plan weighs every element (binding a create's lookup of
/// 10 000 serials took 34–56 ms, a sync page's lines 11–28 ms; docs/BENCHMARKS.md).
pub async fn plan_generic(tx: &tokio_postgres::Transaction<'_>) -> Result<(), StoreError> {
    tx.batch_execute("SET LOCAL plan_cache_mode = force_generic_plan")
        .await?;
    Ok(())
}

/// Takes the change-feed lock for the rest of the transaction (see the module comment).
pub async fn lock_feed(tx: &tokio_postgres::Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK])
        .await?;
    Ok(())
}

/// Counts as the API's u32 (never negative in the store).
fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}
