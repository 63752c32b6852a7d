//! The worker's half of the activations queue on SQLite: which activations are due,
//! and completing one in one IMMEDIATE transaction — done (devices extended, license
//! signed) or error (readable text naming the serial, devices untouched).

use super::audit::{self, Record};
use super::registry::{self, Refusal};
use super::{StoreError, activations};
use crate::client::wire::ActivationSummary;
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationFailure, ActivationStatus, FailureReason, Lang};
use crate::portal::rules::license_of;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

/// Completes one activation if it is still in progress; answers its new status.
pub fn process(
    conn: &mut Connection,
    number: i64,
    key: &PortalKey,
    now: DateTime<Utc>,
) -> Result<Option<ActivationStatus>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(summary) = activations::summary(&tx, number)? else {
        return Ok(None);
    };
    if summary.status != ActivationStatus::InProgress {
        return Ok(None);
    }
    let Some(detail) = activations::get(&tx, number, &[summary.organization.id])? else {
        return Ok(None);
    };
    for line in &detail.lines {
        let reason = match registry::refusal(&tx, &line.serial)? {
            Refusal::None => continue,
            Refusal::Permanent => FailureReason::Deregistered,
            Refusal::Transient => {
                // The outage is over once it has been seen: the next attempt succeeds.
                registry::set_refusal(&tx, &line.serial, Refusal::None)?;
                FailureReason::Unavailable
            }
        };
        // Stored in Russian, as the vendor words it; the API reads it back into the
        // activation's `failure` and answers it in the client's language.
        let failure = ActivationFailure {
            serial: line.serial.clone(),
            reason,
        };
        activations::mark_error(&tx, number, &failure.text(Lang::Ru))?;
        record(&tx, &summary, "activation.failed", now)?;
        tx.commit()?;
        return Ok(Some(ActivationStatus::Error));
    }
    for line in &detail.lines {
        registry::set_current_until(&tx, &line.serial, line.new_until)?;
    }
    let license = license_of(number, &summary.organization.inn, now, &detail.lines);
    activations::mark_done(&tx, number, now, &license.sign(key))?;
    record(&tx, &summary, "activation.completed", now)?;
    tx.commit()?;
    Ok(Some(ActivationStatus::Done))
}

/// The worker's audit record: the activation before and after its outcome.
fn record(
    conn: &Connection,
    before: &ActivationSummary,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let after = activations::summary(conn, before.number)?;
    audit::record(
        conn,
        &Record {
            at: now,
            actor: crate::portal::store::Actor::WORKER,
            action,
            object: format!("activation:{}", before.number),
            organization_id: before.organization.id,
            before: audit::json(before),
            after: after.as_ref().and_then(audit::json),
        },
    )
}
