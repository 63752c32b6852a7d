//! The vendor operator's writes on organizations (issue 15): blocking and unblocking
//! new activations (an unpaid invoice). Only an operator token reaches them
//! (`Caller::may`).

use super::audit::{self, Record};
use super::{StoreError, catalog};
use crate::client::wire::Organization;
use crate::portal::error::ApiError;
use crate::portal::rules::organization_not_found;
use crate::portal::store::Actor;
use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

/// Sets `activation_blocked` inside the caller's transaction (`once::write_once`). Asking
/// for the state it is already in changes nothing and records nothing.
pub fn set_blocked(
    tx: &Transaction<'_>,
    organization: i64,
    blocked: bool,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Organization, ApiError>, StoreError> {
    let read = |tx: &Transaction<'_>| -> Result<Option<Organization>, StoreError> {
        Ok(catalog::organizations(tx, &[organization])?
            .into_iter()
            .next())
    };
    let Some(before) = read(tx)? else {
        return Ok(Err(organization_not_found(organization)));
    };
    if before.activation_blocked == blocked {
        return Ok(Ok(before));
    }
    tx.prepare_cached("UPDATE organizations SET activation_blocked = ? WHERE id = ?")?
        .execute(params![i64::from(blocked), organization])?;
    let after = read(tx)?.ok_or_else(|| StoreError::Invalid("organization vanished".into()))?;
    audit::record(
        tx,
        &Record {
            at: now,
            actor,
            action: blocked_action(blocked),
            object: format!("organization:{organization}"),
            organization_id: organization,
            before: audit::json(&before),
            after: audit::json(&after),
        },
    )?;
    Ok(Ok(after))
}

/// The audit action of a block or an unblock (both backends).
pub fn blocked_action(blocked: bool) -> &'static str {
    if blocked {
        "organization.blocked"
    } else {
        "organization.unblocked"
    }
}
