//! `Idempotency-Key` on the writes a client may send again: creating activations,
//! retry, seat bind and unbind, emergency licenses. The console's offline outbox
//! (docs/DESIGN.md §6.3) resends a queued action until an answer arrives, so a resend must
//! answer what the first attempt answered without doing it twice.
//!
//! Every such write runs in [`write_once`]'s IMMEDIATE transaction: a key already used
//! by the token replays the stored answer (same request) or is a 409 (another request);
//! a fresh success is stored under the key in the same transaction as the write, so a
//! crash leaves both or neither. Refusals are not stored: a resend is checked again.

use super::error::ApiError;
use super::store::{StoreError, keys};
use crate::client::wire::IDEMPOTENCY_HEADER;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// A request's `Idempotency-Key`, scoped to the token that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub token_id: i64,
    pub key: String,
    /// SHA-256 (hex) of the request re-serialized canonically, so whitespace and key
    /// order of the client's JSON do not make the same request look different.
    pub request_hash: String,
}

impl Idempotency {
    /// None without the header; 400 for a key that is empty, too long or not visible
    /// ASCII. `request` is what makes two requests "the same": the body and the path's
    /// object, with the operation's name so one key cannot mean two kinds of write.
    pub fn from_headers(
        headers: &HeaderMap,
        token_id: i64,
        request: &impl Serialize,
    ) -> Result<Option<Idempotency>, ApiError> {
        let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
            return Ok(None);
        };
        let key = value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters"
                ))
            })?;
        let canonical = serde_json::to_vec(request)
            .map_err(|e| ApiError::BadRequest(format!("unserializable request: {e}")))?;
        Ok(Some(Idempotency {
            token_id,
            key: key.to_string(),
            request_hash: Sha256::digest(&canonical)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
        }))
    }
}

/// The answer of a write under [`write_once`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Once<T> {
    /// The write ran now.
    Fresh(T),
    /// The stored answer of an earlier request with the same key; nothing ran.
    Replayed(T),
}

impl<T> Once<T> {
    pub fn into_inner(self) -> T {
        match self {
            Once::Fresh(value) | Once::Replayed(value) => value,
        }
    }
}

/// Runs `write` in one IMMEDIATE transaction (so concurrent writes of the same object
/// are serialized), honouring `idempotency` as the module comment says. `write` makes
/// its changes and audit records on the transaction and never commits; a refusal it
/// returns is rolled back.
pub fn write_once<T, F>(
    conn: &mut Connection,
    idempotency: Option<&Idempotency>,
    now: DateTime<Utc>,
    write: F,
) -> Result<Result<Once<T>, ApiError>, StoreError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&Transaction<'_>) -> Result<Result<T, ApiError>, StoreError>,
{
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(once) = idempotency
        && let Some(seen) = keys::find_idempotent(&tx, once.token_id, &once.key)?
    {
        if seen.request_hash != once.request_hash {
            return Ok(Err(ApiError::Conflict(format!(
                "{IDEMPOTENCY_HEADER} {:?} was already used with a different request; use a new key for a new request",
                once.key
            ))));
        }
        let stored: T = serde_json::from_str(&seen.response).map_err(|e| StoreError::BadValue {
            column: "idempotency_keys.response",
            value: e.to_string(),
        })?;
        return Ok(Ok(Once::Replayed(stored)));
    }
    let answer = match write(&tx)? {
        Ok(answer) => answer,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(once) = idempotency {
        let text =
            serde_json::to_string(&answer).map_err(|e| StoreError::Invalid(e.to_string()))?;
        keys::remember_idempotent(
            &tx,
            once.token_id,
            &once.key,
            &once.request_hash,
            &text,
            now,
        )?;
    }
    tx.commit()?;
    Ok(Ok(Once::Fresh(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::Role;
    use crate::portal::store::{migrations, tokens};
    use axum::http::HeaderValue;

    fn store_with_token() -> (Connection, i64) {
        let mut conn = Connection::open_in_memory().expect("db");
        migrations::apply(&mut conn).expect("migrations");
        let token =
            tokens::insert(&mut conn, "hash", Role::Admin, "t", &[], Utc::now()).expect("token");
        (conn, token)
    }

    fn key(token: i64, value: &str, request: &serde_json::Value) -> Idempotency {
        let mut headers = HeaderMap::new();
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static("k-1"));
        let mut once = Idempotency::from_headers(&headers, token, request)
            .expect("valid key")
            .expect("a key");
        once.key = value.to_string();
        once
    }

    fn count_writes(conn: &Connection) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM audit", [], |row| row.get(0))
            .expect("count")
    }

    /// The write of the tests: one audit row, answering its id.
    fn audited(tx: &Transaction<'_>) -> Result<Result<i64, ApiError>, StoreError> {
        tx.execute(
            "INSERT INTO audit (at, actor, action, object) VALUES ('now', 't', 'x', 'o')",
            [],
        )?;
        Ok(Ok(tx.last_insert_rowid()))
    }

    #[test]
    fn a_key_replays_its_answer_without_writing_again_and_refuses_another_request() {
        let (mut conn, token) = store_with_token();
        let request = serde_json::json!({"op": "x", "seat": 1});
        let once = key(token, "k-1", &request);
        let first = write_once(&mut conn, Some(&once), Utc::now(), audited).expect("store");
        let Ok(Once::Fresh(id)) = first else {
            panic!("fresh expected: {first:?}");
        };
        let again = write_once(&mut conn, Some(&once), Utc::now(), audited).expect("store");
        assert_eq!(again.ok(), Some(Once::Replayed(id)));
        assert_eq!(count_writes(&conn), 1);

        let other = key(token, "k-1", &serde_json::json!({"op": "x", "seat": 2}));
        let clash = write_once(&mut conn, Some(&other), Utc::now(), audited).expect("store");
        assert!(matches!(clash, Err(ApiError::Conflict(_))), "{clash:?}");
        // No key: every call writes.
        for _ in 0..2 {
            write_once(&mut conn, None, Utc::now(), audited)
                .expect("store")
                .expect("written");
        }
        assert_eq!(count_writes(&conn), 3);
    }

    #[test]
    fn a_refusal_is_not_remembered_and_writes_nothing() {
        let (mut conn, token) = store_with_token();
        let once = key(token, "k-2", &serde_json::json!({"op": "x"}));
        let refused = write_once(&mut conn, Some(&once), Utc::now(), |tx| {
            audited(tx)?.ok();
            Ok(Err::<i64, _>(ApiError::Conflict("no".into())))
        })
        .expect("store");
        assert!(refused.is_err());
        assert_eq!(count_writes(&conn), 0, "the refusal's writes rolled back");
        let later = write_once(&mut conn, Some(&once), Utc::now(), audited).expect("store");
        assert!(
            matches!(later, Ok(Once::Fresh(_))),
            "checked again: {later:?}"
        );
    }

    #[test]
    fn malformed_keys_are_a_400_and_the_hash_ignores_json_layout() {
        let mut headers = HeaderMap::new();
        assert_eq!(Idempotency::from_headers(&headers, 1, &1).ok(), Some(None));
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static("  "));
        assert!(Idempotency::from_headers(&headers, 1, &1).is_err());
        let long = "k".repeat(256);
        headers.insert(
            IDEMPOTENCY_HEADER,
            HeaderValue::from_str(&long).expect("header"),
        );
        assert!(Idempotency::from_headers(&headers, 1, &1).is_err());
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static(" a-1 "));
        let a: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).expect("json");
        let b: serde_json::Value = serde_json::from_str(r#"{"a":[1,2],"b":1}"#).expect("json");
        let (a, b) = (
            Idempotency::from_headers(&headers, 1, &a).expect("a"),
            Idempotency::from_headers(&headers, 1, &b).expect("b"),
        );
        assert_eq!(a, b);
        assert_eq!(a.map(|once| once.key), Some("a-1".to_string()));
    }
}
