//! [`write_once`]: a write under an `Idempotency-Key` in one IMMEDIATE transaction
//! (see `crate::portal::idempotency` for the rules, docs/DESIGN.md §4.5).

use super::{StoreError, keys};
use crate::portal::error::ApiError;
use crate::portal::idempotency::{Idempotency, Once, replayed_refusal, reused, stored_refusal};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Runs `write` in one IMMEDIATE transaction (so concurrent writes of the same object
/// are serialized), honouring `idempotency` as the module comment says. `write` makes
/// its changes and audit records on the transaction and never commits; a refusal it
/// returns is rolled back (to a savepoint, so the refusal itself can be remembered).
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
    if let Some(once) = idempotency {
        // A key past its lifetime is forgotten here, so this request is a new one.
        keys::forget_idempotent_before(&tx, once.token_id, &once.key, now - once.lifetime)?;
    }
    if let Some(once) = idempotency
        && let Some(seen) = keys::find_idempotent(&tx, once.token_id, &once.key)?
    {
        if seen.request_hash != once.request_hash {
            return Ok(Err(reused(&once.key)));
        }
        let bad = |e: serde_json::Error| StoreError::BadValue {
            column: "idempotency_keys.response",
            value: e.to_string(),
        };
        if let Some(status) = seen.status {
            return Ok(Err(replayed_refusal(status, &seen.response).map_err(bad)?));
        }
        let stored: T = serde_json::from_str(&seen.response).map_err(bad)?;
        return Ok(Ok(Once::Replayed(stored)));
    }
    tx.execute_batch("SAVEPOINT write_once")?;
    let answer = match write(&tx)? {
        Ok(answer) => answer,
        Err(refusal) => {
            tx.execute_batch("ROLLBACK TO write_once; RELEASE write_once")?;
            if let Some(once) = idempotency
                && let Some((status, body)) = stored_refusal(&refusal)
            {
                keys::remember_idempotent(
                    &tx,
                    once.token_id,
                    &once.key,
                    &once.request_hash,
                    &body,
                    Some(status),
                    now,
                )?;
                tx.commit()?;
            }
            return Ok(Err(refusal));
        }
    };
    tx.execute_batch("RELEASE write_once")?;
    if let Some(once) = idempotency {
        let text =
            serde_json::to_string(&answer).map_err(|e| StoreError::Invalid(e.to_string()))?;
        keys::remember_idempotent(
            &tx,
            once.token_id,
            &once.key,
            &once.request_hash,
            &text,
            None,
            now,
        )?;
    }
    tx.commit()?;
    Ok(Ok(Once::Fresh(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::IDEMPOTENCY_HEADER;
    use crate::client::wire::Role;
    use crate::portal::idempotency::KEY_LIFETIME;
    use crate::portal::store::sqlite::{migrations, tokens};
    use axum::http::{HeaderMap, HeaderValue};

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
        let mut once = Idempotency::from_headers(&headers, token, KEY_LIFETIME, request)
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
        assert!(
            matches!(clash, Err(ApiError::Unprocessable { .. })),
            "{clash:?}"
        );
        // No key: every call writes.
        for _ in 0..2 {
            write_once(&mut conn, None, Utc::now(), audited)
                .expect("store")
                .expect("written");
        }
        assert_eq!(count_writes(&conn), 3);
    }

    /// A refusal rolls back its writes and is remembered: the same key replays it (a
    /// resend is not checked again, so it cannot turn into a success); without a key it
    /// is not remembered.
    #[test]
    fn a_refusal_writes_nothing_and_its_key_replays_it() {
        let (mut conn, token) = store_with_token();
        let once = key(token, "k-2", &serde_json::json!({"op": "x"}));
        let refuse = |tx: &Transaction<'_>| {
            audited(tx)?.ok();
            Ok(Err::<i64, _>(ApiError::Conflict("no".into())))
        };
        let refused = write_once(&mut conn, Some(&once), Utc::now(), refuse).expect("store");
        assert!(matches!(refused, Err(ApiError::Conflict(_))), "{refused:?}");
        assert_eq!(count_writes(&conn), 0, "the refusal's writes rolled back");
        let later = write_once(&mut conn, Some(&once), Utc::now(), audited).expect("store");
        let Err(ApiError::Replayed { status, body }) = later else {
            panic!("the refusal replayed: {later:?}");
        };
        assert_eq!(
            (status, body.code.as_str(), body.message.as_str()),
            (409, "conflict", "no")
        );
        assert_eq!(count_writes(&conn), 0, "nothing ran again");
        // No key: nothing remembered, a later request runs.
        write_once(&mut conn, None, Utc::now(), refuse)
            .expect("store")
            .expect_err("refused");
        let fresh = write_once(&mut conn, None, Utc::now(), audited).expect("store");
        assert!(matches!(fresh, Ok(Once::Fresh(_))), "{fresh:?}");
        // A failure of the portal (busy) is not remembered either: a resend runs.
        let other = key(token, "k-3", &serde_json::json!({"op": "x"}));
        let busy = write_once(&mut conn, Some(&other), Utc::now(), |_| {
            Ok(Err::<i64, _>(ApiError::Internal(StoreError::Busy(
                "b".into(),
            ))))
        })
        .expect("store");
        assert!(busy.is_err());
        let resent = write_once(&mut conn, Some(&other), Utc::now(), audited).expect("store");
        assert!(matches!(resent, Ok(Once::Fresh(_))), "{resent:?}");
    }
}
