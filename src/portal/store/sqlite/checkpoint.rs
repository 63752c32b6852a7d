//! WAL checkpoints off the write path (docs/DESIGN.md §7.2). SQLite copies the WAL into
//! the store file in the connection whose commit took the WAL past its
//! `wal_autocheckpoint` pages, so the request that made that commit waited for it: at
//! 1 000 pages, every third 10 000-line activation took 90–112 ms instead of ~40
//! (docs/BENCHMARKS.md, issue 13). A thread of the store's own checkpoints passively —
//! never waiting for a reader or the writer — a few times a second, and the pooled
//! connections' threshold is raised ([`AUTOCHECKPOINT_PAGES`]) so that a commit steps in
//! only when this thread has fallen far behind (or is not running: the CLI).

use super::StoreError;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How often the thread checkpoints; a checkpoint with nothing new in the WAL only reads
/// its index.
const INTERVAL: Duration = Duration::from_millis(200);

/// WAL pages after which a committing connection checkpoints itself (SQLite's default
/// is 1 000): ~40 MB of 4 KiB pages, far more than the thread lets pile up.
pub(super) const AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// Stops the thread when dropped (with the store).
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

/// Starts the checkpointing thread on a connection of its own to the store at `path`.
pub(super) fn start(path: &Path, busy_timeout: Duration) -> Result<Checkpointer, StoreError> {
    let conn = super::connect_with(path, busy_timeout)?;
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("licadm-checkpoint".into())
        .spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                // PASSIVE: copies what no reader still needs and returns; the next one
                // copies the rest.
                let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                if let Err(e) = done {
                    tracing::warn!(error = %e, "WAL checkpoint failed; the next one retries");
                }
            }
        })
        .map_err(|e| StoreError::Task(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(Checkpointer { _stop: stop })
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;
    use std::time::{Duration, Instant};

    /// A write through the async path reaches the store file without any commit
    /// checkpointing: its WAL pages are far under the connections' own threshold, so
    /// only the store's thread can have copied them.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_stores_thread_copies_the_wal_into_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.db");
        let store = SqliteStore::open(&path).expect("store");
        let size = || std::fs::metadata(&path).map_or(0, |m| m.len());
        let before = size();
        store
            .run(|conn| {
                // ~2 MB: ~500 pages, a twentieth of the threshold.
                conn.execute_batch(
                    "CREATE TABLE filler (x BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                     INSERT INTO filler SELECT randomblob(1000) FROM n;",
                )?;
                Ok(())
            })
            .await
            .expect("write");
        let deadline = Instant::now() + Duration::from_secs(20);
        while size() < before + 2_000_000 {
            assert!(
                Instant::now() < deadline,
                "the store file stayed at {} bytes (before: {before})",
                size()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
