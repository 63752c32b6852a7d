//! The vendor operator's writes on organizations (see `sqlite/access.rs`), under the
//! organization row's lock.

use super::reads::organization;
use super::writes::{audit, json};
use super::{StoreError, lock_feed};
use crate::client::wire::Organization;
use crate::portal::error::ApiError;
use crate::portal::rules::organization_not_found;
use crate::portal::store::Actor;
use crate::portal::store::sqlite::access::blocked_action;
use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

/// Sets `activation_blocked` inside `once::write_once`; the same state again changes
/// and records nothing.
pub async fn set_blocked(
    tx: &Transaction<'_>,
    id: i64,
    blocked: bool,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Organization, ApiError>, StoreError> {
    lock_feed(tx).await?;
    tx.query_opt(
        "SELECT id FROM organizations WHERE id = $1 FOR UPDATE",
        &[&id],
    )
    .await?;
    let Some(before) = organization(tx, id).await? else {
        return Ok(Err(organization_not_found(id)));
    };
    if before.activation_blocked == blocked {
        return Ok(Ok(before));
    }
    tx.execute(
        "UPDATE organizations SET activation_blocked = $1 WHERE id = $2",
        &[&blocked, &id],
    )
    .await?;
    let after = organization(tx, id)
        .await?
        .ok_or_else(|| StoreError::Invalid("organization vanished".into()))?;
    audit(
        tx,
        now,
        actor,
        blocked_action(blocked),
        format!("organization:{id}"),
        id,
        json(&before),
        json(&after),
    )
    .await?;
    Ok(Ok(after))
}
