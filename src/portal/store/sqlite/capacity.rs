//! Capacity per organization and product (support, user accounts, external
//! connections) and the emergency licenses requested for it.

use super::{
    StoreError, date_from_sql, date_to_sql, optional, timestamp_from_sql, timestamp_to_sql,
};
use crate::client::wire::ProductRef;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub use crate::portal::rules::{CapacityRow, EmergencyRow};

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

type RawCapacity = (
    i64,
    String,
    String,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

fn parse_capacity(raw: RawCapacity) -> Result<CapacityRow, StoreError> {
    let (organization_id, id, name, support, max, external, raised) = raw;
    Ok(CapacityRow {
        organization_id,
        product: ProductRef { id, name },
        support_until: optional(support, |v| date_from_sql("capacity.support_until", v))?,
        accounts_max: count(max),
        external_connections_max: count(external),
        max_raised_at: optional(raised, |v| timestamp_from_sql("capacity.max_raised_at", v))?,
    })
}

const CAPACITY_SELECT: &str = "SELECT c.organization_id, c.product_id, p.name, c.support_until,
        c.accounts_max, c.external_connections_max, c.max_raised_at
     FROM capacity c JOIN products p ON p.id = c.product_id";

/// The columns of `SELECT`, in order; parsed further once the statement is done.
fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawCapacity> {
    RawCapacity::try_from(row)
}

/// Every product's capacity of an organization, by product id.
pub fn of_organization(
    conn: &Connection,
    organization: i64,
) -> Result<Vec<CapacityRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{CAPACITY_SELECT} WHERE c.organization_id = ? ORDER BY c.product_id"
    ))?;
    let raw = stmt
        .query_map([organization], raw_row)?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(parse_capacity).collect()
}

pub fn get(
    conn: &Connection,
    organization: i64,
    product: &str,
) -> Result<Option<CapacityRow>, StoreError> {
    let raw = conn
        .prepare_cached(&format!(
            "{CAPACITY_SELECT} WHERE c.organization_id = ? AND c.product_id = ?"
        ))?
        .query_row(params![organization, product], raw_row)
        .optional()?;
    raw.map(parse_capacity).transpose()
}

pub fn insert(conn: &Connection, row: &CapacityRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO capacity (organization_id, product_id, support_until, accounts_max,
                               external_connections_max, max_raised_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        row.organization_id,
        row.product.id,
        row.support_until.map(date_to_sql),
        row.accounts_max,
        row.external_connections_max,
        row.max_raised_at.map(timestamp_to_sql)
    ])?;
    Ok(())
}

/// A permanent purchase: `accounts` more user accounts, recorded at `at`.
pub fn raise_max(
    conn: &Connection,
    organization: i64,
    product: &str,
    accounts: u32,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE capacity SET accounts_max = accounts_max + ?, max_raised_at = ?
         WHERE organization_id = ? AND product_id = ?",
    )?
    .execute(params![
        accounts,
        timestamp_to_sql(at),
        organization,
        product
    ])?;
    Ok(())
}

/// The most recent emergency license of a product, if any was ever requested.
pub fn last_emergency(
    conn: &Connection,
    organization: i64,
    product: &str,
) -> Result<Option<EmergencyRow>, StoreError> {
    let raw = conn
        .prepare_cached(
            "SELECT requested_at, valid_from, valid_until, accounts FROM emergency_licenses
             WHERE organization_id = ? AND product_id = ? ORDER BY requested_at DESC, id DESC LIMIT 1",
        )?
        .query_row(params![organization, product], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    raw.map(|(requested, from, until, accounts)| {
        Ok(EmergencyRow {
            requested_at: timestamp_from_sql("emergency_licenses.requested_at", &requested)?,
            valid_from: date_from_sql("emergency_licenses.valid_from", &from)?,
            valid_until: date_from_sql("emergency_licenses.valid_until", &until)?,
            accounts: count(accounts),
        })
    })
    .transpose()
}

pub fn insert_emergency(
    conn: &Connection,
    organization: i64,
    product: &str,
    emergency: &EmergencyRow,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO emergency_licenses (organization_id, product_id, requested_at, valid_from,
                                         valid_until, accounts)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        organization,
        product,
        timestamp_to_sql(emergency.requested_at),
        date_to_sql(emergency.valid_from),
        date_to_sql(emergency.valid_until),
        emergency.accounts
    ])?;
    Ok(())
}
