//! The portal's ed25519 signing key and the idempotency keys of the writes a client may
//! send again (see `portal::idempotency`).

use super::{StoreError, timestamp_to_sql};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// The stored 32-byte secret, if one was generated.
pub fn signing_secret(conn: &Connection) -> Result<Option<[u8; 32]>, StoreError> {
    let secret: Option<Vec<u8>> = conn
        .query_row("SELECT secret FROM signing_key WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    secret
        .map(|bytes| {
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::BadValue {
                column: "signing_key.secret",
                value: format!("{} bytes", bytes.len()),
            })
        })
        .transpose()
}

/// A request already answered under an idempotency key.
pub struct Remembered {
    pub request_hash: String,
    /// The answer's JSON, or a refusal's error body.
    pub response: String,
    /// None for an answer; the HTTP status of a refusal.
    pub status: Option<i64>,
}

/// Deletes the key if it was stored before `cutoff` (its lifetime is over).
pub fn forget_idempotent_before(
    conn: &Connection,
    token_id: i64,
    key: &str,
    cutoff: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "DELETE FROM idempotency_keys WHERE token_id = ? AND key = ? AND created_at < ?",
    )?
    .execute(params![token_id, key, timestamp_to_sql(cutoff)])?;
    Ok(())
}

pub fn find_idempotent(
    conn: &Connection,
    token_id: i64,
    key: &str,
) -> Result<Option<Remembered>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT request_hash, response, status FROM idempotency_keys
             WHERE token_id = ? AND key = ?",
        )?
        .query_row(params![token_id, key], |row| {
            Ok(Remembered {
                request_hash: row.get(0)?,
                response: row.get(1)?,
                status: row.get(2)?,
            })
        })
        .optional()?)
}

/// Stores an answer (`status` None) or a refusal (its status, `response` its error body).
pub fn remember_idempotent(
    conn: &Connection,
    token_id: i64,
    key: &str,
    request_hash: &str,
    response: &str,
    status: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys (token_id, key, request_hash, response, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        token_id,
        key,
        request_hash,
        response,
        status,
        timestamp_to_sql(now)
    ])?;
    Ok(())
}
