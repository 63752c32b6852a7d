//! [`write_once`] on PostgreSQL: a write under an `Idempotency-Key` (the rules are in
//! `crate::portal::idempotency`). The key is reserved before the write, in the write's
//! transaction (`INSERT … ON CONFLICT DO NOTHING`). A second request with the same key —
//! to this portal or another — blocks on the reserved row until the first commits, then
//! finds it and replays the stored answer or refusal (or 422 for another request). A
//! refusal rolls back to a savepoint taken after the reservation, so the refusal is
//! stored under the key; a failure of the portal (busy) rolls back the reservation too,
//! and a resend runs as if first.

use super::{Client, StoreError};
use crate::portal::error::ApiError;
use crate::portal::idempotency::{Idempotency, Once, replayed_refusal, reused, stored_refusal};
use crate::portal::store::text::timestamp_to_sql;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use tokio_postgres::Transaction;

pub type Write<'t, T> =
    Pin<Box<dyn Future<Output = Result<Result<T, ApiError>, StoreError>> + Send + 't>>;

/// Runs `write` in one transaction, honouring `idempotency` as the module comment says.
/// `write` never commits; a refusal it returns is rolled back.
pub async fn write_once<T, F>(
    client: &mut Client,
    idempotency: Option<&Idempotency>,
    now: DateTime<Utc>,
    write: F,
) -> Result<Result<Once<T>, ApiError>, StoreError>
where
    T: Serialize + DeserializeOwned,
    F: for<'t> FnOnce(&'t Transaction<'t>) -> Write<'t, T>,
{
    let client: &mut tokio_postgres::Client = client;
    let tx = client.transaction().await?;
    if let Some(once) = idempotency {
        let reserved = tx
            .execute(
                // A key past its lifetime is taken over as if new (the update counts as
                // reserved); a live one is left alone and read below.
                "INSERT INTO idempotency_keys (token_id, key, request_hash, response, created_at)
                 VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (token_id, key) DO UPDATE
                 SET request_hash = EXCLUDED.request_hash, response = NULL, status = NULL,
                     created_at = EXCLUDED.created_at
                 WHERE idempotency_keys.created_at < $5",
                &[
                    &once.token_id,
                    &once.key,
                    &once.request_hash,
                    &timestamp_to_sql(now),
                    &timestamp_to_sql(now - once.lifetime),
                ],
            )
            .await?;
        if reserved == 0 {
            // Committed by another request (ON CONFLICT waited for it to finish).
            let row = tx
                .query_one(
                    "SELECT request_hash, response, status FROM idempotency_keys
                     WHERE token_id = $1 AND key = $2",
                    &[&once.token_id, &once.key],
                )
                .await?;
            let request_hash: String = row.try_get(0)?;
            let response: Option<String> = row.try_get(1)?;
            let status: Option<i32> = row.try_get(2)?;
            if request_hash != once.request_hash {
                return Ok(Err(reused(&once.key)));
            }
            let Some(response) = response else {
                return Err(StoreError::Busy(
                    "the first request with this key is still running".into(),
                ));
            };
            let bad = |e: serde_json::Error| StoreError::BadValue {
                column: "idempotency_keys.response",
                value: e.to_string(),
            };
            if let Some(status) = status {
                let refusal = replayed_refusal(i64::from(status), &response).map_err(bad)?;
                return Ok(Err(refusal));
            }
            let stored: T = serde_json::from_str(&response).map_err(bad)?;
            return Ok(Ok(Once::Replayed(stored)));
        }
    }
    tx.batch_execute("SAVEPOINT write_once").await?;
    let answer = match write(&tx).await? {
        Ok(answer) => answer,
        Err(refusal) => {
            tx.batch_execute("ROLLBACK TO SAVEPOINT write_once").await?;
            if let Some(once) = idempotency
                && let Some((status, body)) = stored_refusal(&refusal)
            {
                tx.execute(
                    "UPDATE idempotency_keys SET response = $3, status = $4
                     WHERE token_id = $1 AND key = $2",
                    &[&once.token_id, &once.key, &body, &status],
                )
                .await?;
                tx.commit().await?;
            }
            return Ok(Err(refusal));
        }
    };
    if let Some(once) = idempotency {
        let text =
            serde_json::to_string(&answer).map_err(|e| StoreError::Invalid(e.to_string()))?;
        tx.execute(
            "UPDATE idempotency_keys SET response = $3 WHERE token_id = $1 AND key = $2",
            &[&once.token_id, &once.key, &text],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(Once::Fresh(answer)))
}
