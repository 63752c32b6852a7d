//! The new-activation flow (docs/DESIGN.md §3.4–3.5) over the store: precheck, create (all
//! or nothing, idempotent), accept-offer, retry and the license file. Each function runs
//! inside one `Store::run` call; refusals come back as `ApiError`s in the inner result.

use super::activations::{self, NewActivation};
use super::audit::{self, Record};
use super::once::write_once;
use super::{StoreError, catalog, registry};
use crate::client::wire::{ActivationSummary, CreatedActivations, Organization};
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationStatus, Checked, DeviceInfo, Serial, precheck, split_by_vendor};
use crate::portal::error::ApiError;
use crate::portal::idempotency::Once;
use crate::portal::rules;
use crate::portal::rules::{
    activation_not_found, create_refusal, license_of, license_refusal, lines_of, rejection,
    retry_refusal,
};
use crate::portal::store::Actor;
use crate::portal::store::CreateRequest;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};
use std::collections::HashMap;

/// The domain precheck over the store's registry and in-progress serials.
pub fn check(
    conn: &Connection,
    inputs: &[String],
    today: NaiveDate,
) -> Result<Vec<Checked>, StoreError> {
    let (devices, lines) = lookups(conn, inputs)?;
    Ok(verdicts(inputs, today, devices, &lines))
}

/// What the precheck reads for `serials`: their registry entries, and the lines of open
/// activations among those found, as `(serial, status, error)`.
pub type Lookups = (
    HashMap<Serial, DeviceInfo>,
    Vec<(String, String, Option<String>)>,
);

/// [`Lookups`] for the well-formed serials among `serials`, in the caller's transaction.
pub fn lookups(conn: &Connection, serials: &[String]) -> Result<Lookups, StoreError> {
    let devices = registry::devices(conn, serials)?;
    let mut found: Vec<&str> = devices.keys().map(Serial::as_str).collect();
    found.sort_unstable();
    let lines = registry::open_lines(conn, &found)?;
    Ok((devices, lines))
}

/// The domain precheck of `inputs` over what [`lookups`] read.
pub fn verdicts(
    inputs: &[String],
    today: NaiveDate,
    mut devices: HashMap<Serial, DeviceInfo>,
    lines: &[(String, String, Option<String>)],
) -> Vec<Checked> {
    let (pending, refused) = rules::pending_and_refused(
        lines
            .iter()
            .map(|(serial, status, error)| (serial.as_str(), status.as_str(), error.as_deref())),
    );
    precheck(
        inputs,
        today,
        // Each serial is looked up once (a repeat is a duplicate before its lookup),
        // so the entry can be taken rather than copied.
        |serial| devices.remove(serial),
        |serial| refused.contains(serial.as_str()),
        |serial| pending.contains(serial.as_str()),
    )
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Re-validates everything and creates one activation per vendor in one IMMEDIATE
/// transaction: either every activation and line exists afterwards, or nothing changed.
/// A repeat with the same Idempotency-Key answers the activations created the first time.
pub fn create(
    conn: &mut Connection,
    request: &CreateRequest,
    now: DateTime<Utc>,
) -> Result<Result<Once<CreatedActivations>, ApiError>, StoreError> {
    write_once(conn, request.idempotency.as_ref(), now, |tx| {
        create_in(tx, request, now)
    })
}

fn create_in(
    tx: &Transaction<'_>,
    request: &CreateRequest,
    now: DateTime<Utc>,
) -> Result<Result<CreatedActivations, ApiError>, StoreError> {
    let Some(org) = catalog::organizations(tx, &[request.organization])?
        .into_iter()
        .next()
    else {
        return Ok(Err(ApiError::NotFound(format!(
            "organization {} not found",
            request.organization
        ))));
    };
    if let Some(refusal) = create_refusal(&org, &request.serials) {
        return Ok(Err(refusal));
    }
    let rows = check(tx, &request.serials, now.date_naive())?;
    if let Some(refusal) = rejection(&rows) {
        return Ok(Err(refusal));
    }

    let first_number = activations::next_number(tx)?;
    let mut created = Vec::new();
    for (number, (vendor, group)) in (first_number..).zip(split_by_vendor(&rows)) {
        let lines = lines_of(&group);
        activations::insert(
            tx,
            &NewActivation {
                number,
                organization_id: org.id,
                vendor,
                status: ActivationStatus::InProgress,
                created_at: now,
                completed_at: None,
                error: None,
                queued_at: Some(now),
                lines,
            },
        )?;
        let summary = activations::summary(tx, number)?
            .ok_or_else(|| invalid(format!("activation {number} vanished")))?;
        audit::record(
            tx,
            &Record {
                at: now,
                actor: request.actor(),
                action: "activation.created",
                object: format!("activation:{number}"),
                organization_id: org.id,
                before: None,
                after: audit::json(&summary),
            },
        )?;
        created.push(summary);
    }
    Ok(Ok(CreatedActivations {
        activations: created,
    }))
}

pub fn accept_offer(
    tx: &Transaction<'_>,
    organization: i64,
    by: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Organization, ApiError>, StoreError> {
    let before = catalog::organizations(tx, &[organization])?
        .into_iter()
        .next();
    let accepted = catalog::accept_offer(tx, organization, by.label, now)?;
    let org = catalog::organizations(tx, &[organization])?
        .into_iter()
        .next();
    if accepted {
        audit::record(
            tx,
            &Record {
                at: now,
                actor: by,
                action: "offer.accepted",
                object: format!("organization:{organization}"),
                organization_id: organization,
                before: before.as_ref().and_then(audit::json),
                after: org.as_ref().and_then(audit::json),
            },
        )?;
    }
    Ok(org.ok_or_else(|| ApiError::NotFound(format!("organization {organization} not found"))))
}

/// Queues an activation in error again. Runs inside the caller's transaction
/// (`idempotency::write_once`), which commits.
pub fn retry(
    tx: &Transaction<'_>,
    number: i64,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ActivationSummary, ApiError>, StoreError> {
    let not_found = || activation_not_found(number);
    let Some(summary) = activations::summary(tx, number)? else {
        return Ok(Err(not_found()));
    };
    if !scope.contains(&summary.organization.id) {
        return Ok(Err(not_found()));
    }
    if let Some(refusal) = retry_refusal(number, summary.status) {
        return Ok(Err(refusal));
    }
    activations::requeue(tx, number, now)?;
    let updated = activations::summary(tx, number)?;
    audit::record(
        tx,
        &Record {
            at: now,
            actor,
            action: "activation.retried",
            object: format!("activation:{number}"),
            organization_id: summary.organization.id,
            before: audit::json(&summary),
            after: updated.as_ref().and_then(audit::json),
        },
    )?;
    Ok(updated.ok_or_else(not_found))
}

/// The signed license of a done activation. The worker stores the file it signed at
/// completion; activations completed before that existed (demo history) get theirs
/// signed on request from the lines, issued at their completion time (ed25519 is
/// deterministic, so the same file every time).
pub fn license_file(
    conn: &Connection,
    number: i64,
    scope: &[i64],
    key: &PortalKey,
) -> Result<Result<String, ApiError>, StoreError> {
    let Some(detail) = activations::get(conn, number, scope)? else {
        return Ok(Err(activation_not_found(number)));
    };
    if let Some(refusal) = license_refusal(number, detail.summary.status) {
        return Ok(Err(refusal));
    }
    if let Some(text) = activations::license_text(conn, number)? {
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
