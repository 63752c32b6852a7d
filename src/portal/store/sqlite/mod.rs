//! The SQLite backend of the portal's store: the embedded default and the offline
//! mirror's file format. One module per table group (plain functions on a
//! `Connection`), the use cases built on them, and [`SqliteStore`], which runs them
//! for the [`PortalStore`] interface.
//!
//! Concurrency: SQLite has one writer. Every write use case runs in an IMMEDIATE
//! transaction, so writes are serialized and each sees the last committed state; readers
//! (WAL) never wait. rusqlite is blocking, so async callers go through
//! [`SqliteStore::run`], which queues the work for the store's own threads, each with a
//! connection from a fixed pool ([`pool_size`]), and retries work that found the store
//! busy.

pub mod access;
mod access_pages;
pub mod accounts;
pub mod activations;
pub mod audit;
mod bulk;
pub mod capacity;
pub mod capacity_writes;
pub mod catalog;
pub mod changes;
mod checkpoint;
pub mod demo;
pub mod devices;
pub mod events;
mod files;
pub mod invoices;
pub mod keys;
pub mod migrations;
pub mod new_activations;
pub(crate) mod once;
mod operator;
mod portal_store;
pub mod product_keys;
pub mod registry;
pub mod replica;
mod replica_devices;
pub mod replica_reader;
pub mod seat_writes;
pub mod seats;
mod serials;
pub mod server_keys;
mod signing;
pub mod tokens;
mod triage;
mod webhooks;
mod worker_queue;
mod workers;

pub use super::StoreError;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(e.to_string())
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

/// Attempts of one unit of work that found the store busy, before the caller hears so.
const BUSY_ATTEMPTS: u32 = 3;

// The connections the portal keeps open: `super::pool_size`. A fixed pool: under
// load requests queue for a connection instead of opening one each (a fresh connection
// parses the schema and starts with a cold cache), and memory stays bounded by
// `CACHE_KIB` per connection.
use super::pool_size;

/// FULL: a commit is on disk before the 201 goes out, so a power loss cannot drop an
/// activation already answered (NORMAL may lose the last commits of the WAL). Cost in
/// docs/BENCHMARKS.md.
pub(crate) const SYNCHRONOUS: &str = "FULL";

/// Page cache per connection (SQLite's default is 2 MiB): the indexes a list walks stay
/// in memory between requests.
pub(crate) const CACHE_KIB: i64 = 16 * 1024;
/// The store file read through a memory map, up to SQLite's own cap (2 GiB on Linux).
/// A precheck of serials scattered over a 1 000 000-activation store touches ~20 000
/// pages, more than a connection's cache holds: read through the map they are the
/// kernel's page cache, shared by every connection, instead of a `pread` copy each
/// (the store's half 49 -> 32 ms at 1M; docs/BENCHMARKS.md, issue 13). Only the
/// portal's connections: the console's mirror keeps its RSS small.
const MMAP_BYTES: i64 = 0x7fff_0000;
/// Prepared statements kept per connection: every list shape, precheck and write.
const STATEMENT_CACHE: usize = 256;

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// One thread per pooled connection runs async callers' work (`workers.rs`).
    workers: Arc<workers::Workers>,
    size: usize,
    /// Woken after work that wrote webhook deliveries (docs/DESIGN.md §4.10).
    deliveries_written: Arc<tokio::sync::Notify>,
    /// WAL checkpoints on a thread of their own, started with the first async work
    /// (`checkpoint.rs`); None when it could not start (commits then checkpoint).
    checkpointer: std::sync::OnceLock<Option<checkpoint::Checkpointer>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.workers.close();
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store file and applies pending migrations.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// [`SqliteStore::open`] waiting at most `busy_timeout` for another writer's lock
    /// before a unit of work counts as busy.
    pub fn open_with(path: &Path, busy_timeout: Duration) -> Result<SqliteStore, StoreError> {
        files::make_private(path)?;
        let mut conn = connect_with(path, busy_timeout)?;
        migrations::apply(&mut conn)?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                busy_timeout,
                idle: Mutex::new(vec![conn]),
                workers: workers::Workers::new(pool_size()),
                size: pool_size(),
                deliveries_written: Arc::new(tokio::sync::Notify::new()),
                checkpointer: std::sync::OnceLock::new(),
            }),
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        // A panic while holding the lock cannot leave the Vec half-updated.
        self.inner
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` on the calling thread. For start-up and the CLI, never on a tokio worker.
    pub fn blocking<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.idle().pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => connect_with(&self.inner.path, self.inner.busy_timeout)?,
        };
        let written = &crate::portal::store::webhooks::DELIVERIES_WRITTEN;
        written.with(|flag| flag.set(false));
        let result = work(&mut conn);
        // After the work, so after its commit: the sender then sees the rows. A wake
        // for work that rolled back finds nothing, which costs one query.
        if written.with(|flag| flag.replace(false)) {
            self.inner.deliveries_written.notify_one();
        }
        let mut idle = self.idle();
        if idle.len() < self.inner.size {
            idle.push(conn);
        }
        result
    }

    /// A fresh connection of its own (tests that need several at once).
    #[cfg(test)]
    pub fn connection(&self) -> Result<Connection, StoreError> {
        connect(&self.inner.path)
    }

    /// Runs `work` on one of the store's threads ([`workers`]) so SQL never stalls an
    /// async worker. Work that found the store busy rolled back whole, so it runs
    /// again, up to [`BUSY_ATTEMPTS`] times in all, before [`StoreError::Busy`] reaches
    /// the caller. Dropping the future does not cancel work already queued.
    pub async fn run<T, F>(&self, mut work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.inner.checkpointer.get_or_init(|| {
            checkpoint::start(&self.inner.path, self.inner.busy_timeout)
                .inspect_err(|e| tracing::warn!(error = %e, "commits will checkpoint the WAL"))
                .ok()
        });
        let store = self.clone();
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.inner.workers.submit(Box::new(move || {
            let mut attempt = 1;
            let result = loop {
                match store.blocking(&mut work) {
                    Err(StoreError::Busy(_)) if attempt < BUSY_ATTEMPTS => attempt += 1,
                    other => break other,
                }
            };
            let _ = answer.send(result);
        }))?;
        answered
            .await
            .map_err(|_| StoreError::Task("the store's work stopped without an answer".into()))?
    }
}

/// How long a connection waits for another writer's lock by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection for the mirror's reader: no memory map (see [`MMAP_BYTES`]).
pub(crate) fn connect(path: &Path) -> Result<Connection, StoreError> {
    connect_unmapped(path, DEFAULT_BUSY_TIMEOUT)
}

/// A connection of the portal's pool (and its checkpointer).
fn connect_with(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    let conn = connect_unmapped(path, busy_timeout)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(conn)
}

fn connect_unmapped(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    // WAL: readers never wait for the writer (the worker) and vice versa.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", SYNCHRONOUS)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint::AUTOCHECKPOINT_PAGES)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Fresh planner statistics after a bulk load, so each filter/sort mix gets the right index.
pub fn refresh_statistics(conn: &Connection) -> Result<(), StoreError> {
    // A sample per index is enough for the planner and keeps this from reading every
    // index of a million rows whole.
    conn.execute_batch("PRAGMA analysis_limit = 2000; ANALYZE")?;
    Ok(())
}

use super::text::optional;
pub use super::text::{
    date_from_sql, date_to_sql, queue_time_to_sql, timestamp_from_sql, timestamp_to_sql,
};

/// `?, ?, ?` for an `IN (...)` list of `count` parameters.
fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

#[cfg(test)]
mod tests {
    use super::{MMAP_BYTES, SqliteStore, replica_reader::Replica};

    fn mmap_size(conn: &rusqlite::Connection) -> i64 {
        conn.query_row("PRAGMA mmap_size", [], |row| row.get(0))
            .expect("PRAGMA mmap_size answers")
    }

    /// The portal's connections read the store through the map (scattered prechecks
    /// at 1M, docs/BENCHMARKS.md issue 13); the console's mirror does not, to keep its
    /// RSS small.
    #[test]
    fn the_portals_connections_map_the_store_and_the_mirrors_does_not() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SqliteStore::open(&dir.path().join("portal.sqlite")).expect("opens");
        let mapped = store.blocking(|conn| Ok(mmap_size(conn))).expect("asks");
        assert_eq!(mapped, MMAP_BYTES);
        let mut replica = Replica::open(&dir.path().join("mirror.sqlite")).expect("opens");
        assert_eq!(mmap_size(replica.connection()), 0);
    }
}
