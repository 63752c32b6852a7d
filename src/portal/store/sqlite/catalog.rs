//! Organizations, models (prices) and the device registry.

use super::{StoreError, optional, placeholders, timestamp_from_sql, timestamp_to_sql};
use crate::client::wire::{OrgRef, Organization, Price, VendorRef};
use crate::domain::{Kopecks, Vendor};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

pub struct NewOrganization {
    pub id: i64,
    pub name: String,
    pub inn: String,
    pub kpp: Option<String>,
    pub offer_accepted_at: Option<DateTime<Utc>>,
    pub offer_accepted_by: Option<String>,
    pub activation_blocked: bool,
}

pub struct NewModel {
    pub id: i64,
    pub vendor: Vendor,
    pub name: String,
    pub price: Kopecks,
    pub retail_price: Kopecks,
}

pub fn organization_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT COUNT(*) FROM organizations", [], |row| row.get(0))?)
}

pub fn all_organization_ids(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id FROM organizations ORDER BY id")?;
    let ids = stmt
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

pub fn organization_exists(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    let found = conn
        .prepare_cached("SELECT 1 FROM organizations WHERE id = ?")?
        .query_row([id], |_| Ok(()))
        .optional()?;
    Ok(found.is_some())
}

/// The organizations with these ids, ordered by id.
pub fn organizations(conn: &Connection, ids: &[i64]) -> Result<Vec<Organization>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, name, inn, kpp, offer_accepted_at, activation_blocked FROM organizations
         WHERE id IN ({}) ORDER BY id",
        placeholders(ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(ids), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, bool>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, name, inn, kpp, accepted, activation_blocked)| {
            Ok(Organization {
                id,
                name,
                inn,
                kpp,
                offer_accepted_at: optional(accepted, |v| {
                    timestamp_from_sql("offer_accepted_at", v)
                })?,
                activation_blocked,
            })
        })
        .collect()
}

pub fn organization_refs(conn: &Connection, ids: &[i64]) -> Result<Vec<OrgRef>, StoreError> {
    Ok(organizations(conn, ids)?
        .iter()
        .map(Organization::as_ref)
        .collect())
}

/// Every model's prices, by vendor then model name.
pub fn prices(conn: &Connection) -> Result<Vec<Price>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT vendor, name, price_kopecks, retail_kopecks FROM models ORDER BY vendor, name",
    )?;
    let rows = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(vendor, model, price, retail)| {
            Ok(Price {
                vendor: VendorRef::from(parse_vendor(&vendor)?),
                model,
                price: Kopecks(price),
                retail_price: Kopecks(retail),
            })
        })
        .collect()
}

pub fn parse_vendor(value: &str) -> Result<Vendor, StoreError> {
    value.parse().map_err(|_| StoreError::BadValue {
        column: "vendor",
        value: value.to_string(),
    })
}

pub fn insert_organization(conn: &Connection, org: &NewOrganization) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO organizations (id, name, inn, kpp, offer_accepted_at, offer_accepted_by, activation_blocked)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        org.id,
        org.name,
        org.inn,
        org.kpp,
        org.offer_accepted_at.map(timestamp_to_sql),
        org.offer_accepted_by,
        org.activation_blocked,
    ])?;
    Ok(())
}

pub fn insert_model(conn: &Connection, model: &NewModel) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO models (id, vendor, name, price_kopecks, retail_kopecks) VALUES (?, ?, ?, ?, ?)")?
        .execute(params![model.id, model.vendor.id(), model.name, model.price.0, model.retail_price.0])?;
    Ok(())
}

/// Records the acceptance of the sublicense offer and the personal-data consent. The
/// first acceptance stands: accepting again changes nothing (and answers false).
pub fn accept_offer(
    conn: &Connection,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE organizations SET offer_accepted_at = ?, offer_accepted_by = ?
         WHERE id = ? AND offer_accepted_at IS NULL",
        )?
        .execute(params![timestamp_to_sql(at), by, id])?;
    Ok(changed == 1)
}
