//! Product keys: which organization bought which product with how many seats, and the
//! installation (serial + hash) a key is activated on.

use super::{StoreError, optional, timestamp_from_sql, timestamp_to_sql};
use crate::client::wire::{Installation, ProductRef};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

pub use crate::portal::rules::KeyRow;

type RawKey = (
    String,
    i64,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn parse(raw: RawKey) -> Result<KeyRow, StoreError> {
    let (key, organization_id, product_id, product_name, seats, serial, hash, issued) = raw;
    Ok(KeyRow {
        key,
        organization_id,
        product: ProductRef {
            id: product_id,
            name: product_name,
        },
        seats: u32::try_from(seats).unwrap_or(0),
        installation: match (serial, hash) {
            (Some(serial), Some(hash)) => Some(Installation { serial, hash }),
            _ => None,
        },
        issued_at: optional(issued, |v| timestamp_from_sql("product_keys.issued_at", v))?,
    })
}

const SELECT: &str = "SELECT k.key, k.organization_id, k.product_id, p.name, k.seats,
        k.installation_serial, k.installation_hash, k.issued_at
     FROM product_keys k JOIN products p ON p.id = k.product_id";

/// The columns of `SELECT`, in order; parsed further once the statement is done.
fn raw_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawKey> {
    RawKey::try_from(row)
}

pub fn get(conn: &Connection, key: &str) -> Result<Option<KeyRow>, StoreError> {
    let raw = conn
        .prepare_cached(&format!("{SELECT} WHERE k.key = ?"))?
        .query_row([key], raw_row)
        .optional()?;
    raw.map(parse).transpose()
}

/// Every key, by organization then key (demo facts).
pub fn all(conn: &Connection) -> Result<Vec<KeyRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY k.organization_id, k.key"))?;
    let raw = stmt
        .query_map([], raw_row)?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(parse).collect()
}

pub fn insert(conn: &Connection, row: &KeyRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO product_keys (key, organization_id, product_id, seats, installation_serial,
                                   installation_hash, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        row.key,
        row.organization_id,
        row.product.id,
        row.seats,
        row.installation.as_ref().map(|i| i.serial.clone()),
        row.installation.as_ref().map(|i| i.hash.clone()),
        row.issued_at.map(timestamp_to_sql)
    ])?;
    Ok(())
}

/// Binds the key to the installation and records when its license was issued.
pub fn activate(
    conn: &Connection,
    key: &str,
    installation: &Installation,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE product_keys SET installation_serial = ?, installation_hash = ?, issued_at = ?
         WHERE key = ?",
    )?
    .execute(params![
        installation.serial,
        installation.hash,
        timestamp_to_sql(at),
        key
    ])?;
    Ok(())
}

/// A purchase of `seats` more for an organization's product raises its keys' seats, so
/// the next (re-)activation licenses them.
pub fn add_seats(
    conn: &Connection,
    organization: i64,
    product: &str,
    seats: u32,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE product_keys SET seats = seats + ? WHERE organization_id = ? AND product_id = ?",
    )?
    .execute(params![seats, organization, product])?;
    Ok(())
}
