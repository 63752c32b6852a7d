//! The new-activation flow on PostgreSQL (docs/DESIGN.md §3.4–3.5): create (all or
//! nothing, numbers from a sequence), accept-offer, retry and the license file, plus
//! the audit log every write records in its own transaction. The checks and messages
//! are `portal::rules`, the same as SQLite's.

use super::reads::{self, organization};
use super::{StoreError, lock_feed};
use crate::client::wire::{ActivationSummary, CreatedActivations, Organization};
use crate::domain::signing::PortalKey;
use crate::domain::split_by_vendor;
use crate::portal::error::ApiError;
use crate::portal::rules::{
    activation_not_found, create_refusal, license_of, license_refusal, lines_of, rejection,
    retry_refusal,
};
use crate::portal::store::Actor;
use crate::portal::store::CreateRequest;
use crate::portal::store::text::{date_to_sql, queue_time_to_sql, timestamp_to_sql};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::{GenericClient, Transaction};

/// The channel the workers `LISTEN` on; a create or retry notifies it at commit.
pub const WORK_CHANNEL: &str = "licadm_work";

/// JSON of a value for the audit's `before`/`after` (wire types always serialize).
pub fn json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// One audit record, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn audit(
    db: &impl GenericClient,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    object: String,
    organization_id: i64,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    // The change's webhook deliveries, in its transaction (docs/DESIGN.md §4.10).
    super::webhooks::enqueue(
        db,
        at,
        action,
        &object,
        organization_id,
        before.as_ref(),
        after.as_ref(),
    )
    .await?;
    db.execute(
        "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &timestamp_to_sql(at),
            &actor.label,
            &action,
            &object,
            &organization_id,
            &before.as_ref().map(|v| v.to_string()),
            &after.as_ref().map(|v| v.to_string()),
            &actor.request_id,
        ],
    )
    .await?;
    Ok(())
}

async fn notify_work(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT pg_notify($1, '')", &[&WORK_CHANNEL])
        .await?;
    Ok(())
}

/// Re-validates everything and creates one activation per vendor, inside the caller's
/// transaction (`once::write_once`): every activation and line, or nothing.
pub async fn create(
    tx: &Transaction<'_>,
    request: &CreateRequest,
    now: DateTime<Utc>,
) -> Result<Result<CreatedActivations, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let Some(org) = organization(tx, request.organization).await? else {
        return Ok(Err(ApiError::NotFound(format!(
            "organization {} not found",
            request.organization
        ))));
    };
    if let Some(refusal) = create_refusal(&org, &request.serials) {
        return Ok(Err(refusal));
    }
    // Generic plans, as a precheck's own: also for the lines' key checks, one plan each.
    super::plan_generic(tx).await?;
    let rows = super::precheck::precheck_rows(tx, &request.serials, now.date_naive()).await?;
    if let Some(refusal) = rejection(&rows) {
        return Ok(Err(refusal));
    }
    let mut created = Vec::new();
    for (vendor, group) in split_by_vendor(&rows) {
        let lines = lines_of(&group);
        let total: i64 = lines.iter().map(|line| line.price.0).sum();
        let number: i64 = tx
            .query_one(
                "INSERT INTO activations (organization_id, vendor, status, license_count,
                                          total_cost, created_at, queued_at)
                 VALUES ($1, $2, 'in_progress', $3, $4, $5, $6) RETURNING number",
                &[
                    &org.id,
                    &vendor.id(),
                    &(lines.len() as i64),
                    &total,
                    &timestamp_to_sql(now),
                    &queue_time_to_sql(now),
                ],
            )
            .await?
            .try_get(0)?;
        // Every line in one statement (arrays, unnested): one round trip, not one per
        // line — 10 000 lines are a request's worth. The same statement adds them to
        // the precheck's open lines (migration 14): the activation is in progress.
        let serials: Vec<&str> = lines.iter().map(|l| l.serial.as_str()).collect();
        let models: Vec<&str> = lines.iter().map(|l| l.model.as_str()).collect();
        let current: Vec<Option<String>> = lines
            .iter()
            .map(|l| l.current_until.map(date_to_sql))
            .collect();
        let new_until: Vec<String> = lines.iter().map(|l| date_to_sql(l.new_until)).collect();
        let prices: Vec<i64> = lines.iter().map(|l| l.price.0).collect();
        tx.execute(
            "WITH added AS (
                 INSERT INTO activation_lines
                     (activation_number, serial, model, current_until, new_until, price)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
                 RETURNING serial)
             INSERT INTO open_lines (serial, activation_number) SELECT serial, $1 FROM added",
            &[&number, &serials, &models, &current, &new_until, &prices],
        )
        .await?;
        let summary = reads::summary(tx, number)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("activation {number} vanished")))?;
        audit(
            tx,
            now,
            request.actor(),
            "activation.created",
            format!("activation:{number}"),
            org.id,
            None,
            json(&summary),
        )
        .await?;
        created.push(summary);
    }
    notify_work(tx).await?;
    Ok(Ok(CreatedActivations {
        activations: created,
    }))
}

pub async fn accept_offer(
    tx: &Transaction<'_>,
    id: i64,
    by: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Organization, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let before = organization(tx, id).await?;
    let accepted = tx
        .execute(
            "UPDATE organizations SET offer_accepted_at = $1, offer_accepted_by = $2
             WHERE id = $3 AND offer_accepted_at IS NULL",
            &[&timestamp_to_sql(now), &by.label, &id],
        )
        .await?
        == 1;
    let org = organization(tx, id).await?;
    if accepted {
        audit(
            tx,
            now,
            by,
            "offer.accepted",
            format!("organization:{id}"),
            id,
            before.as_ref().and_then(json),
            org.as_ref().and_then(json),
        )
        .await?;
    }
    Ok(org.ok_or_else(|| ApiError::NotFound(format!("organization {id} not found"))))
}

/// Queues an activation in error again (its row locked), inside `once::write_once`.
pub async fn retry(
    tx: &Transaction<'_>,
    number: i64,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ActivationSummary, ApiError>, StoreError> {
    lock_feed(tx).await?;
    tx.query_opt(
        "SELECT number FROM activations WHERE number = $1 FOR UPDATE",
        &[&number],
    )
    .await?;
    let Some(summary) = reads::summary(tx, number).await? else {
        return Ok(Err(activation_not_found(number)));
    };
    if !scope.contains(&summary.organization.id) {
        return Ok(Err(activation_not_found(number)));
    }
    if let Some(refusal) = retry_refusal(number, summary.status) {
        return Ok(Err(refusal));
    }
    tx.execute(
        "UPDATE activations SET status = 'in_progress', error = NULL, completed_at = NULL,
                queued_at = $1
         WHERE number = $2 AND status = 'error'",
        &[&queue_time_to_sql(now), &number],
    )
    .await?;
    tx.execute(
        "DELETE FROM activation_claims WHERE number = $1",
        &[&number],
    )
    .await?;
    let updated = reads::summary(tx, number).await?;
    audit(
        tx,
        now,
        actor,
        "activation.retried",
        format!("activation:{number}"),
        summary.organization.id,
        json(&summary),
        updated.as_ref().and_then(json),
    )
    .await?;
    notify_work(tx).await?;
    Ok(updated.ok_or_else(|| activation_not_found(number)))
}

/// The signed license of a done activation: the stored file, or (demo history) signed
/// now from the lines, issued at its completion time — the same file every time.
pub async fn license_file(
    db: &impl GenericClient,
    number: i64,
    scope: &[i64],
    key: &PortalKey,
) -> Result<Result<String, ApiError>, StoreError> {
    let Some(detail) = reads::activation(db, number, scope).await? else {
        return Ok(Err(activation_not_found(number)));
    };
    if let Some(refusal) = license_refusal(number, detail.summary.status) {
        return Ok(Err(refusal));
    }
    let stored: Option<String> = db
        .query_opt(
            "SELECT license_text FROM activations WHERE number = $1",
            &[&number],
        )
        .await?
        .map(|row| row.try_get(0))
        .transpose()?
        .flatten();
    if let Some(text) = stored {
        return Ok(Ok(text));
    }
    let license = license_of(
        number,
        &detail.summary.organization.inn,
        detail
            .summary
            .completed_at
            .unwrap_or(detail.summary.created_at),
        &detail.lines,
    );
    Ok(Ok(license.sign(key)))
}
