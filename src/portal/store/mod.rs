//! The portal's SQLite store. All SQL of the portal lives under this module; callers
//! get typed values (mostly the wire types) and never see a row.
//!
//! rusqlite is blocking, so async callers go through [`Store::run`], which moves the
//! work onto tokio's blocking pool with a connection from a small idle pool.

pub mod activations;
pub mod audit;
pub mod capacity;
pub mod catalog;
pub mod changes;
pub mod keys;
pub mod migrations;
pub mod product_keys;
pub mod registry;
pub mod replica;
pub mod seats;
pub mod tokens;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    /// Another writer held the lock past the busy timeout. Nothing was written; the
    /// same work may succeed a moment later ([`Store::run`] retries, then the HTTP
    /// layer answers 503 with `Retry-After`).
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

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(e.to_string())
            }
            _ => StoreError::Sql(e),
        }
    }
}

/// Attempts of one unit of work that found the store busy, before the caller hears so.
const BUSY_ATTEMPTS: u32 = 3;

/// Connections kept open between requests; more are opened under load and closed after.
const MAX_IDLE_CONNECTIONS: usize = 4;

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens (creating if needed) the store file and applies pending migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut conn = connect(path)?;
        migrations::apply(&mut conn)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                idle: Mutex::new(vec![conn]),
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
            None => connect(&self.inner.path)?,
        };
        let result = work(&mut conn);
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE_CONNECTIONS {
            idle.push(conn);
        }
        result
    }

    /// A fresh connection of its own (tests that need several at once).
    #[cfg(test)]
    pub fn connection(&self) -> Result<Connection, StoreError> {
        connect(&self.inner.path)
    }

    /// Runs `work` on tokio's blocking pool so SQL never stalls an async worker. Work
    /// that found the store busy rolled back whole, so it runs again, up to
    /// [`BUSY_ATTEMPTS`] times in all, before [`StoreError::Busy`] reaches the caller.
    pub async fn run<T, F>(&self, mut work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut attempt = 1;
            loop {
                match store.blocking(&mut work) {
                    Err(StoreError::Busy(_)) if attempt < BUSY_ATTEMPTS => attempt += 1,
                    other => return other,
                }
            }
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

pub(crate) fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // WAL: readers never wait for the writer (the worker) and vice versa.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Fresh planner statistics after a bulk load, so each filter/sort mix gets the right index.
pub fn refresh_statistics(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("ANALYZE")?;
    Ok(())
}

/// Timestamps are stored as RFC 3339 UTC with whole seconds (`2026-11-23T10:15:00Z`):
/// one fixed width, so text order is time order and the index sorts correctly.
pub fn timestamp_to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Queue times keep milliseconds, so a worker delay under a second still means something.
/// Fixed width as well: text order is time order.
pub fn queue_time_to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn timestamp_from_sql(column: &'static str, value: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| StoreError::BadValue {
            column,
            value: value.to_string(),
        })
}

pub fn date_to_sql(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn date_from_sql(column: &'static str, value: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| StoreError::BadValue {
        column,
        value: value.to_string(),
    })
}

fn optional<T>(
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    value.as_deref().map(parse).transpose()
}

/// `?, ?, ?` for an `IN (...)` list of `count` parameters.
fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}
