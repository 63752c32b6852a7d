//! Capacity and emergency licenses (docs/DESIGN.md §3.7), and permanent purchases.
//!
//! Accounting, one rule everywhere: a user account is in use while a seat of the
//! product is bound to it and not expired, so `accounts_used` = bound seats.
//! `accounts_max` is the permanent, purchased number. An active emergency license adds
//! up to 10 accounts for one month; accounts in use beyond `accounts_max` + the active
//! extra are `accounts_blocked` (after a lapse: everything beyond `accounts_max`).
//! Binding is not refused by capacity — the blocked count is what the product enforces.

use super::audit::{self, Record};
use super::capacity::{self, CapacityRow};
use super::{StoreError, catalog, product_keys, seats};
use crate::client::wire::{LicenseInfo, ProductCapacity};
use crate::portal::error::ApiError;
use crate::portal::rules::{self, PurchaseRequest, no_capacity, organization_not_found};
use crate::portal::store::Actor;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction};

fn product_capacity(
    conn: &Connection,
    row: &CapacityRow,
    today: NaiveDate,
) -> Result<ProductCapacity, StoreError> {
    let used = seats::bound_count(conn, row.organization_id, &row.product.id, today)?;
    let last = capacity::last_emergency(conn, row.organization_id, &row.product.id)?;
    Ok(rules::product_capacity(row, used, last.as_ref(), today))
}

pub fn license_info(
    conn: &Connection,
    organization: i64,
    now: DateTime<Utc>,
) -> Result<Result<LicenseInfo, ApiError>, StoreError> {
    let Some(org) = catalog::organization_refs(conn, &[organization])?
        .into_iter()
        .next()
    else {
        return Ok(Err(organization_not_found(organization)));
    };
    let products = capacity::of_organization(conn, organization)?
        .iter()
        .map(|row| product_capacity(conn, row, now.date_naive()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(LicenseInfo {
        organization: org,
        products,
    }))
}

fn capacity_row(
    conn: &Connection,
    organization: i64,
    product: &str,
) -> Result<Result<CapacityRow, ApiError>, StoreError> {
    Ok(capacity::get(conn, organization, product)?
        .ok_or_else(|| no_capacity(organization, product)))
}

/// Capacity changes are audited on the organization they belong to.
fn record_change(
    conn: &Connection,
    organization: i64,
    action: &str,
    before: &ProductCapacity,
    after: &ProductCapacity,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        &Record {
            at: now,
            actor,
            action,
            object: format!("organization:{organization}"),
            organization_id: organization,
            before: audit::json(before),
            after: audit::json(after),
        },
    )
}

/// An emergency license, inside the caller's transaction (`idempotency::write_once`).
pub fn request_emergency(
    tx: &Transaction<'_>,
    organization: i64,
    product: &str,
    accounts: u32,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    let today = now.date_naive();
    let row = match capacity_row(tx, organization, product)? {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    let last = capacity::last_emergency(tx, organization, product)?;
    let emergency = match rules::emergency_refused(&row, last.as_ref(), accounts, now) {
        Ok(emergency) => emergency,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let before = product_capacity(tx, &row, today)?;
    capacity::insert_emergency(tx, organization, product, &emergency)?;
    let after = product_capacity(tx, &row, today)?;
    record_change(
        tx,
        organization,
        "emergency.requested",
        &before,
        &after,
        actor,
        now,
    )?;
    Ok(Ok(after))
}

/// A permanent purchase: raises `accounts_max` (and records when, which lets a new
/// emergency license be requested), adds as many seats valid 12 months from today, and
/// raises the seats of the organization's keys of the product (re-activation picks
/// them up). Inside the caller's transaction (`once::write_once`).
pub fn purchase(
    tx: &Transaction<'_>,
    request: &PurchaseRequest,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    let today = now.date_naive();
    let row = match capacity_row(tx, request.organization, &request.product)? {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    let valid_until = match rules::purchase_refused(request, today) {
        Ok(until) => until,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let before = product_capacity(tx, &row, today)?;
    capacity::raise_max(
        tx,
        request.organization,
        &request.product,
        request.accounts,
        now,
    )?;
    for _ in 0..request.accounts {
        seats::insert(
            tx,
            &seats::NewSeat {
                organization_id: request.organization,
                product_id: request.product.clone(),
                email: None,
                valid_from: today,
                valid_until,
            },
        )?;
    }
    product_keys::add_seats(tx, request.organization, &request.product, request.accounts)?;
    let row = capacity::get(tx, request.organization, &request.product)?
        .ok_or_else(|| StoreError::Invalid("capacity row vanished".into()))?;
    let after = product_capacity(tx, &row, today)?;
    record_change(
        tx,
        request.organization,
        "purchase.recorded",
        &before,
        &after,
        actor,
        now,
    )?;
    Ok(Ok(after))
}
