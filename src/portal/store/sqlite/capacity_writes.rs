//! Capacity and emergency licenses (docs/DESIGN.md §3.7), and permanent purchases.
//!
//! Accounting, one rule everywhere: a user account is in use while a seat of the
//! product is bound to it and not expired, so `accounts_used` = bound seats.
//! `accounts_max` is the permanent, purchased number. An active emergency license adds
//! up to 10 accounts for one month; accounts in use beyond `accounts_max` + the active
//! extra are `accounts_blocked` (after a lapse: everything beyond `accounts_max`).
//! Binding is not refused by capacity — the blocked count is what the product enforces.

use super::audit::{self, Record};
use super::capacity::{self, CapacityRow, EmergencyRow};
use super::{StoreError, catalog, product_keys, seats};
use crate::client::wire::{EmergencyLicense, LicenseInfo, ProductCapacity};
use crate::domain::format_date;
use crate::portal::error::ApiError;
use crate::portal::rules::{
    EMERGENCY_MAX_ACCOUNTS, LITE_MAX_ACCOUNTS, PURCHASE_MAX_ACCOUNTS, PurchaseRequest,
};
use chrono::{DateTime, Months, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// A purchased seat is valid this many months from the payment date.
const SEAT_MONTHS: u32 = 12;

fn active(emergency: &EmergencyRow, today: NaiveDate) -> bool {
    emergency.valid_from <= today && today <= emergency.valid_until
}

/// Why no emergency license may be requested now, if so.
fn refusal(row: &CapacityRow, last: Option<&EmergencyRow>, today: NaiveDate) -> Option<String> {
    let last = last?;
    if active(last, today) {
        return Some(format!(
            "an emergency license is already active until {}; only one at a time",
            format_date(last.valid_until)
        ));
    }
    let purchased_since = row
        .max_raised_at
        .is_some_and(|raised| raised > last.requested_at);
    (!purchased_since).then(|| {
        format!(
            "no new emergency license until a permanent purchase raises the number of user accounts after the last one ({} – {})",
            format_date(last.valid_from),
            format_date(last.valid_until)
        )
    })
}

fn product_capacity(
    conn: &Connection,
    row: &CapacityRow,
    today: NaiveDate,
) -> Result<ProductCapacity, StoreError> {
    let used = seats::bound_count(conn, row.organization_id, &row.product.id, today)?;
    let last = capacity::last_emergency(conn, row.organization_id, &row.product.id)?;
    let extra = last
        .as_ref()
        .filter(|e| active(e, today))
        .map_or(0, |e| e.accounts);
    let beyond_max = used.saturating_sub(row.accounts_max);
    let refused = refusal(row, last.as_ref(), today);
    Ok(ProductCapacity {
        product: row.product.clone(),
        support_until: row.support_until,
        accounts_used: used,
        accounts_max: row.accounts_max,
        external_connections_max: row.external_connections_max,
        lite: row.accounts_max <= LITE_MAX_ACCOUNTS,
        emergency: last.as_ref().map(|e| EmergencyLicense {
            valid_from: e.valid_from,
            valid_until: e.valid_until,
            accounts_used: beyond_max.min(e.accounts),
            accounts_max: e.accounts,
            active: active(e, today),
        }),
        emergency_available: refused.is_none(),
        emergency_refusal: refused,
        accounts_blocked: used.saturating_sub(row.accounts_max + extra),
    })
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
        return Ok(Err(ApiError::NotFound(format!(
            "organization {organization} not found"
        ))));
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
    Ok(capacity::get(conn, organization, product)?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "organization {organization} has no license of product {product:?}"
        ))
    }))
}

/// Capacity changes are audited on the organization they belong to.
fn record_change(
    conn: &Connection,
    organization: i64,
    action: &str,
    before: &ProductCapacity,
    after: &ProductCapacity,
    actor: &str,
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
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    let today = now.date_naive();
    let row = match capacity_row(tx, organization, product)? {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    if !(1..=EMERGENCY_MAX_ACCOUNTS).contains(&accounts) {
        return Ok(Err(ApiError::unprocessable(format!(
            "an emergency license gives 1 to {EMERGENCY_MAX_ACCOUNTS} extra user accounts (asked for {accounts})"
        ))));
    }
    let last = capacity::last_emergency(tx, organization, product)?;
    if let Some(reason) = refusal(&row, last.as_ref(), today) {
        return Ok(Err(ApiError::unprocessable(reason)));
    }
    let Some(valid_until) = today.checked_add_months(Months::new(1)) else {
        return Ok(Err(ApiError::unprocessable("the date is out of range")));
    };
    let before = product_capacity(tx, &row, today)?;
    capacity::insert_emergency(
        tx,
        organization,
        product,
        &EmergencyRow {
            requested_at: now,
            valid_from: today,
            valid_until,
            accounts,
        },
    )?;
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
/// them up).
pub fn purchase(
    conn: &mut Connection,
    request: &PurchaseRequest,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    let today = now.date_naive();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = match capacity_row(&tx, request.organization, &request.product)? {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    if !(1..=PURCHASE_MAX_ACCOUNTS).contains(&request.accounts) {
        return Ok(Err(ApiError::unprocessable(format!(
            "a purchase adds 1 to {PURCHASE_MAX_ACCOUNTS} user accounts (asked for {})",
            request.accounts
        ))));
    }
    let Some(valid_until) = today.checked_add_months(Months::new(SEAT_MONTHS)) else {
        return Ok(Err(ApiError::unprocessable("the date is out of range")));
    };
    let before = product_capacity(&tx, &row, today)?;
    capacity::raise_max(
        &tx,
        request.organization,
        &request.product,
        request.accounts,
        now,
    )?;
    for _ in 0..request.accounts {
        seats::insert(
            &tx,
            &seats::NewSeat {
                organization_id: request.organization,
                product_id: request.product.clone(),
                email: None,
                valid_from: today,
                valid_until,
            },
        )?;
    }
    product_keys::add_seats(
        &tx,
        request.organization,
        &request.product,
        request.accounts,
    )?;
    let row = capacity::get(&tx, request.organization, &request.product)?
        .ok_or_else(|| StoreError::Invalid("capacity row vanished".into()))?;
    let after = product_capacity(&tx, &row, today)?;
    record_change(
        &tx,
        request.organization,
        "purchase.recorded",
        &before,
        &after,
        actor,
        now,
    )?;
    tx.commit()?;
    Ok(Ok(after))
}
