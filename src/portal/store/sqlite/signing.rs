//! The signing key on a SQLite store (issue 15): the secret lives in a private key file
//! (`portal::key_file`); the store keeps the public key only. Stores from before keep
//! the secret in `signing_key` until the start-up has moved it to the file.

use super::{SqliteStore, StoreError, timestamp_to_sql};
use chrono::Utc;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

impl SqliteStore {
    /// The public key (base64) the store signs with, if it has one.
    pub fn signing_public_key_blocking(&self) -> Result<Option<String>, StoreError> {
        self.blocking(|conn| {
            Ok(conn
                .query_row(
                    "SELECT public_key FROM signing_public_key WHERE id = 1",
                    [],
                    |row| row.get(0),
                )
                .optional()?)
        })
    }

    /// Records `public_key` (unless one is recorded) and deletes any secret still in
    /// the store — called once the secret is safe in its key file.
    pub fn keep_only_public_key_blocking(&self, public_key: &str) -> Result<(), StoreError> {
        let public_key = public_key.to_string();
        self.blocking(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT OR IGNORE INTO signing_public_key (id, public_key, created_at)
                 VALUES (1, ?, ?)",
                params![public_key, timestamp_to_sql(Utc::now())],
            )?;
            tx.execute("DELETE FROM signing_key", [])?;
            tx.commit()?;
            Ok(())
        })
    }
}
