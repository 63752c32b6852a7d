//! Capacity, emergency licenses, purchases and server-key activation on PostgreSQL
//! (docs/DESIGN.md §3.7–3.8). The capacity row (emergency, purchase) and the key row
//! (activation) are locked `FOR UPDATE`, so two requests for one of them run one after
//! the other: two emergency licenses, at most one. The rules are `portal::rules`.

use super::reads::organization;
use super::writes::{audit, json};
use super::{StoreError, count, lock_feed};
use crate::client::wire::{Installation, LicenseInfo, ProductCapacity, ProductRef, ServerLicense};
use crate::domain::offline::ActivationRequest;
use crate::domain::signing::PortalKey;
use crate::portal::error::ApiError;
use crate::portal::rules::{
    self, CapacityRow, EmergencyRow, KeyRow, PurchaseRequest, no_capacity, organization_not_found,
};
use crate::portal::store::Actor;
use crate::portal::store::Channel;
use crate::portal::store::text::{
    date_from_sql, date_to_sql, optional, timestamp_from_sql, timestamp_to_sql,
};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use tokio_postgres::{GenericClient, Row, Transaction};

const CAPACITY_SELECT: &str = "SELECT c.organization_id, c.product_id, p.name, c.support_until,
        c.accounts_max, c.external_connections_max, c.max_raised_at
     FROM capacity c JOIN products p ON p.id = c.product_id";

fn capacity_of(row: &Row) -> Result<CapacityRow, StoreError> {
    Ok(CapacityRow {
        organization_id: row.try_get(0)?,
        product: ProductRef {
            id: row.try_get(1)?,
            name: row.try_get(2)?,
        },
        support_until: optional(row.try_get(3)?, |v| {
            date_from_sql("capacity.support_until", v)
        })?,
        accounts_max: count(row.try_get(4)?),
        external_connections_max: count(row.try_get(5)?),
        max_raised_at: optional(row.try_get(6)?, |v| {
            timestamp_from_sql("capacity.max_raised_at", v)
        })?,
    })
}

async fn capacity_row(
    db: &impl GenericClient,
    organization: i64,
    product: &str,
    lock: bool,
) -> Result<Option<CapacityRow>, StoreError> {
    let sql = format!(
        "{CAPACITY_SELECT} WHERE c.organization_id = $1 AND c.product_id = $2{}",
        if lock { " FOR UPDATE OF c" } else { "" }
    );
    db.query_opt(&sql, &[&organization, &product])
        .await?
        .as_ref()
        .map(capacity_of)
        .transpose()
}

async fn last_emergency(
    db: &impl GenericClient,
    organization: i64,
    product: &str,
) -> Result<Option<EmergencyRow>, StoreError> {
    let row = db
        .query_opt(
            "SELECT requested_at, valid_from, valid_until, accounts FROM emergency_licenses
             WHERE organization_id = $1 AND product_id = $2
             ORDER BY requested_at DESC, id DESC LIMIT 1",
            &[&organization, &product],
        )
        .await?;
    row.map(|row| {
        Ok(EmergencyRow {
            requested_at: timestamp_from_sql("emergency_licenses.requested_at", row.try_get(0)?)?,
            valid_from: date_from_sql("emergency_licenses.valid_from", row.try_get(1)?)?,
            valid_until: date_from_sql("emergency_licenses.valid_until", row.try_get(2)?)?,
            accounts: count(row.try_get(3)?),
        })
    })
    .transpose()
}

async fn product_capacity(
    db: &impl GenericClient,
    row: &CapacityRow,
    today: NaiveDate,
) -> Result<ProductCapacity, StoreError> {
    let used: i64 = db
        .query_one(
            "SELECT COUNT(*) FROM seats WHERE organization_id = $1 AND product_id = $2
             AND email IS NOT NULL AND valid_until >= $3",
            &[&row.organization_id, &row.product.id, &date_to_sql(today)],
        )
        .await?
        .try_get(0)?;
    let last = last_emergency(db, row.organization_id, &row.product.id).await?;
    Ok(rules::product_capacity(
        row,
        count(used),
        last.as_ref(),
        today,
    ))
}

pub async fn license_info(
    db: &impl GenericClient,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<Result<LicenseInfo, ApiError>, StoreError> {
    let Some(org) = organization(db, organization_id).await? else {
        return Ok(Err(organization_not_found(organization_id)));
    };
    let rows = db
        .query(
            &format!("{CAPACITY_SELECT} WHERE c.organization_id = $1 ORDER BY c.product_id"),
            &[&organization_id],
        )
        .await?;
    let mut products = Vec::with_capacity(rows.len());
    for row in &rows {
        products.push(product_capacity(db, &capacity_of(row)?, now.date_naive()).await?);
    }
    Ok(Ok(LicenseInfo {
        organization: org.as_ref(),
        products,
    }))
}

async fn record_change(
    tx: &Transaction<'_>,
    organization: i64,
    action: &str,
    before: &ProductCapacity,
    after: &ProductCapacity,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit(
        tx,
        now,
        actor,
        action,
        format!("organization:{organization}"),
        organization,
        json(before),
        json(after),
    )
    .await
}

/// An emergency license, inside `once::write_once`, under the capacity row's lock.
pub async fn request_emergency(
    tx: &Transaction<'_>,
    organization: i64,
    product: &str,
    accounts: u32,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let today = now.date_naive();
    let Some(row) = capacity_row(tx, organization, product, true).await? else {
        return Ok(Err(no_capacity(organization, product)));
    };
    let last = last_emergency(tx, organization, product).await?;
    let emergency = match rules::emergency_refused(&row, last.as_ref(), accounts, now) {
        Ok(emergency) => emergency,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let before = product_capacity(tx, &row, today).await?;
    tx.execute(
        "INSERT INTO emergency_licenses (organization_id, product_id, requested_at, valid_from,
                                         valid_until, accounts)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &organization,
            &product,
            &timestamp_to_sql(emergency.requested_at),
            &date_to_sql(emergency.valid_from),
            &date_to_sql(emergency.valid_until),
            &i64::from(emergency.accounts),
        ],
    )
    .await?;
    let after = product_capacity(tx, &row, today).await?;
    record_change(
        tx,
        organization,
        "emergency.requested",
        &before,
        &after,
        actor,
        now,
    )
    .await?;
    Ok(Ok(after))
}

/// A permanent purchase (see `sqlite/capacity_writes.rs::purchase`), under the row's lock.
pub async fn purchase(
    tx: &Transaction<'_>,
    request: &PurchaseRequest,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<ProductCapacity, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let today = now.date_naive();
    let (organization, product) = (request.organization, request.product.as_str());
    let Some(row) = capacity_row(tx, organization, product, true).await? else {
        return Ok(Err(no_capacity(organization, product)));
    };
    let valid_until = match rules::purchase_refused(request, today) {
        Ok(until) => until,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let before = product_capacity(tx, &row, today).await?;
    let accounts = i64::from(request.accounts);
    tx.execute(
        "UPDATE capacity SET accounts_max = accounts_max + $1, max_raised_at = $2
         WHERE organization_id = $3 AND product_id = $4",
        &[&accounts, &timestamp_to_sql(now), &organization, &product],
    )
    .await?;
    tx.execute(
        "INSERT INTO seats (organization_id, product_id, email, valid_from, valid_until)
         SELECT $1::bigint, $2::text, NULL, $3::text, $4::text
         FROM generate_series(1, $5::bigint)",
        &[
            &organization,
            &product,
            &date_to_sql(today),
            &date_to_sql(valid_until),
            &accounts,
        ],
    )
    .await?;
    tx.execute(
        "UPDATE product_keys SET seats = seats + $1 WHERE organization_id = $2 AND product_id = $3",
        &[&accounts, &organization, &product],
    )
    .await?;
    let row = capacity_row(tx, organization, product, false)
        .await?
        .ok_or_else(|| StoreError::Invalid("capacity row vanished".into()))?;
    let after = product_capacity(tx, &row, today).await?;
    record_change(
        tx,
        organization,
        "purchase.recorded",
        &before,
        &after,
        actor,
        now,
    )
    .await?;
    Ok(Ok(after))
}

async fn key_row(
    db: &impl GenericClient,
    key: &str,
    lock: bool,
) -> Result<Option<KeyRow>, StoreError> {
    let sql = format!(
        "SELECT k.key, k.organization_id, k.product_id, p.name, k.seats,
                k.installation_serial, k.installation_hash, k.issued_at
         FROM product_keys k JOIN products p ON p.id = k.product_id WHERE k.key = $1{}",
        if lock { " FOR UPDATE OF k" } else { "" }
    );
    let Some(row) = db.query_opt(&sql, &[&key]).await? else {
        return Ok(None);
    };
    let serial: Option<String> = row.try_get(5)?;
    let hash: Option<String> = row.try_get(6)?;
    Ok(Some(KeyRow {
        key: row.try_get(0)?,
        organization_id: row.try_get(1)?,
        product: ProductRef {
            id: row.try_get(2)?,
            name: row.try_get(3)?,
        },
        seats: count(row.try_get(4)?),
        installation: match (serial, hash) {
            (Some(serial), Some(hash)) => Some(Installation { serial, hash }),
            _ => None,
        },
        issued_at: optional(row.try_get(7)?, |v| {
            timestamp_from_sql("product_keys.issued_at", v)
        })?,
    }))
}

/// Product-key activation, online or offline, under the key row's lock.
pub async fn activate_key(
    tx: &Transaction<'_>,
    request: &ActivationRequest,
    channel: Channel,
    scope: &[i64],
    actor: Actor<'_>,
    signing_key: &PortalKey,
    now: DateTime<Utc>,
) -> Result<Result<ServerLicense, ApiError>, StoreError> {
    let now = now.trunc_subsecs(0);
    let key = request.key.as_str();
    let Some(row) = key_row(tx, key, true)
        .await?
        .filter(|r| scope.contains(&r.organization_id))
    else {
        return Ok(Err(rules::key_not_found(key)));
    };
    let Some(org) = organization(tx, row.organization_id).await? else {
        return Err(StoreError::Invalid(format!(
            "key {key} has no organization"
        )));
    };
    let installation = match rules::check_key_activation(&row, request, &org) {
        Ok(installation) => installation,
        Err(refusal) => return Ok(Err(refusal)),
    };
    tx.execute(
        "UPDATE product_keys SET installation_serial = $1, installation_hash = $2, issued_at = $3
         WHERE key = $4",
        &[
            &installation.serial,
            &installation.hash,
            &timestamp_to_sql(now),
            &key,
        ],
    )
    .await?;
    let after = key_row(tx, key, false)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("key {key} vanished")))?;
    let (license, after_state) = rules::key_license(
        request,
        &after,
        &org,
        installation,
        channel.as_str(),
        signing_key,
        now,
    );
    audit(
        tx,
        now,
        actor,
        "key.activated",
        format!("key:{key}"),
        org.id,
        Some(rules::key_state(&row)),
        Some(after_state),
    )
    .await?;
    Ok(Ok(license))
}
