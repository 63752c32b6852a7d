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
    // The oldest overdue invoice names the block (issue 17); a blocked organization
    // without one was blocked by an operator.
    let sql = format!(
        "SELECT o.id, o.name, o.inn, o.kpp, o.offer_accepted_at, o.activation_blocked,
                i.number, i.total, i.due_on
           FROM organizations o
           LEFT JOIN invoices i ON o.activation_blocked AND i.number = (
                SELECT number FROM invoices
                 WHERE organization_id = o.id AND status = 'overdue'
                 ORDER BY due_on, number LIMIT 1)
          WHERE o.id IN ({}) ORDER BY o.id",
        placeholders(ids.len())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(ids), |row| {
            Ok((
                (
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, bool>(5)?,
                ),
                (
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, Option<i64>>(7)?,
                    row.get::<_, Option<String>>(8)?,
                ),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |((id, name, inn, kpp, accepted, activation_blocked), blocking)| {
                Ok(Organization {
                    id,
                    name,
                    inn,
                    kpp,
                    offer_accepted_at: optional(accepted, |v| {
                        timestamp_from_sql("offer_accepted_at", v)
                    })?,
                    activation_blocked,
                    blocked_by: blocking_invoice(blocking)?,
                })
            },
        )
        .collect()
}

/// The invoice columns of a blocked organization's row, when it has one (both backends).
pub fn blocking_invoice(
    (number, total, due_on): (Option<String>, Option<i64>, Option<String>),
) -> Result<Option<crate::client::invoices::BlockingInvoice>, StoreError> {
    match (number, total, due_on) {
        (Some(number), Some(total), Some(due_on)) => {
            Ok(Some(crate::client::invoices::BlockingInvoice {
                number,
                total: Kopecks(total),
                due_on: super::date_from_sql("invoices.due_on", &due_on)?,
            }))
        }
        _ => Ok(None),
    }
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
