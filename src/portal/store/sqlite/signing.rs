//! The signing keys on a SQLite store (issue 15): the secret lives in a private key file
//! (`portal::key_ring`); the store keeps every public key it signed with, oldest first
//! (`signing_keys`, migration 8). Stores from before keep the secret in `signing_key`
//! until the start-up has moved it to the file, and their one public key in
//! `signing_public_key` (migration 6) until the start-up copies it into the list.

use super::{SqliteStore, StoreError, timestamp_to_sql};
use crate::domain::license::decode_public_key;
use crate::domain::signing::key_id;
use crate::portal::store::{StoredKey, text::timestamp_from_sql};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Every public key, oldest first; a store from before the list answers its one key.
pub fn signing_keys(conn: &Connection) -> Result<Vec<StoredKey>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key_id, public_key, created_at FROM signing_keys ORDER BY position",
    )?;
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut keys = rows
        .into_iter()
        .map(|(key_id, public_key, created_at)| {
            Ok(StoredKey {
                key_id,
                public_key,
                created_at: timestamp_from_sql("signing_keys.created_at", &created_at)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if keys.is_empty()
        && let Some(legacy) = legacy_public_key(conn)?
    {
        keys.push(legacy);
    }
    Ok(keys)
}

/// The one public key of a store from before the key list (migration 6's table).
fn legacy_public_key(conn: &Connection) -> Result<Option<StoredKey>, StoreError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT public_key, created_at FROM signing_public_key WHERE id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(public_key, created_at)| stored_key(public_key, &created_at))
        .transpose()
}

fn stored_key(public_key: String, created_at: &str) -> Result<StoredKey, StoreError> {
    let key = decode_public_key(&public_key).map_err(|e| StoreError::BadValue {
        column: "signing_public_key.public_key",
        value: e.to_string(),
    })?;
    Ok(StoredKey {
        key_id: key_id(&key),
        public_key,
        created_at: timestamp_from_sql("signing_public_key.created_at", created_at)?,
    })
}

impl SqliteStore {
    /// Every public key the store signed with, oldest first (the last signs now).
    pub fn signing_keys_blocking(&self) -> Result<Vec<StoredKey>, StoreError> {
        self.blocking(|conn| signing_keys(conn))
    }

    /// Adds `public_key` as the newest key (after copying a legacy key in as the
    /// first), unless it is listed already; with `only_first`, only when the store has
    /// no key yet. Deletes any secret still in the store — called once the secret is
    /// safe in its key file. Answers the keys after.
    pub fn add_signing_key_blocking(
        &self,
        public_key: &str,
        only_first: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<StoredKey>, StoreError> {
        let added = stored_key(public_key.to_string(), &timestamp_to_sql(now))?;
        self.blocking(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut keys = signing_keys(&tx)?;
            let listed: i64 =
                tx.query_row("SELECT count(*) FROM signing_keys", [], |r| r.get(0))?;
            let mut wanted = Vec::new();
            if listed == 0 {
                wanted.extend(keys.iter().cloned());
            }
            let known = keys.iter().any(|k| k.public_key == added.public_key);
            let may_add = !only_first || keys.is_empty();
            if !known && may_add {
                wanted.push(added.clone());
                keys.push(added.clone());
            }
            for key in wanted {
                tx.execute(
                    "INSERT INTO signing_keys (position, key_id, public_key, created_at)
                     VALUES ((SELECT coalesce(max(position), 0) + 1 FROM signing_keys), ?, ?, ?)",
                    params![key.key_id, key.public_key, timestamp_to_sql(key.created_at)],
                )?;
            }
            tx.execute(
                "INSERT OR IGNORE INTO signing_public_key (id, public_key, created_at)
                 VALUES (1, ?, ?)",
                params![added.public_key, timestamp_to_sql(now)],
            )?;
            tx.execute("DELETE FROM signing_key", [])?;
            tx.commit()?;
            Ok(keys)
        })
    }
}
