//! Writing the change feed into a replica: a file with the portal's own schema, so the
//! portal's queries answer from it exactly as they answer from the portal's store.
//!
//! A replica holds only what one token may see and receives objects in feed order, in
//! which an activation may arrive before the organization it belongs to (the
//! organization changed later). Foreign keys are therefore off on replica connections,
//! and the change-tracking triggers are dropped: a replica feeds nobody.

use super::{StoreError, date_to_sql, timestamp_to_sql};
use crate::client::events::Event;
use crate::client::feed::{
    ActivationRecord, CapacityRecord, Change, DeletedRecord, DeviceRecord, InvoiceRecord,
    ObjectKind, PriceRecord, SeatRecord,
};
use crate::client::wire::{Organization, ProductRef};
use crate::domain::Kopecks;
use rusqlite::{Connection, params};

/// Makes a freshly migrated connection a replica connection (see the module note).
pub fn prepare(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // Writing the list indexes row by row (a delta) thrashes SQLite's default 2 MB page
    // cache; a full sync builds them once at the end, sorting in this much memory. 32 MB:
    // the console's whole footprint stays under 150 MB through a first sync of a
    // 300 000-activation window (64 MB peaked at 154 MB; docs/BENCHMARKS.md).
    conn.pragma_update(None, "cache_size", -32_768)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS replica_suspended_indexes (
            name TEXT PRIMARY KEY,
            sql  TEXT NOT NULL
        ) WITHOUT ROWID;",
    )?;
    // `owned_…` keep `organization_devices` from activations; the feed brings its rows.
    super::bulk::drop_indexes_and_triggers(conn, &[], &["track_", "owned_"])?;
    Ok(())
}

/// The list totals' counters (migration 5) from the rows themselves.
pub const RECOUNT_ACTIVATIONS: &str = "
    DELETE FROM activation_counts;
    INSERT INTO activation_counts (organization_id, status, vendor, n)
        SELECT organization_id, status, vendor, COUNT(*) FROM activations GROUP BY 1, 2, 3;";

/// Tables whose secondary indexes (and the counters' triggers) a full sync builds once at the end instead of row
/// by row: writing 100 000 activations through seven indexes costs several times more
/// than sorting them once.
const BULK_TABLES: [&str; 5] = [
    "activations",
    "activation_lines",
    "seats",
    "organization_devices",
    "audit",
];

/// Drops the secondary indexes of the bulk tables, keeping their SQL in the same
/// transaction (so a crash mid-sync still gets them back: see [`restore_indexes`]).
pub fn suspend_indexes(conn: &Connection) -> Result<(), StoreError> {
    for (name, sql) in super::bulk::drop_indexes_and_triggers(conn, &BULK_TABLES, &["count_"])? {
        conn.execute(
            "INSERT OR REPLACE INTO replica_suspended_indexes (name, sql) VALUES (?, ?)",
            params![name, sql],
        )?;
    }
    Ok(())
}

/// Builds the suspended indexes again (at the end of a full sync, or at open if a
/// sync was cut short).
pub fn restore_indexes(conn: &Connection) -> Result<bool, StoreError> {
    let indexes: Vec<String> = conn
        .prepare("SELECT sql FROM replica_suspended_indexes")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    if indexes.iter().any(|sql| sql.starts_with("CREATE TRIGGER")) {
        // The counters' triggers were off for the bulk write: count once instead.
        conn.execute_batch(RECOUNT_ACTIVATIONS)?;
    }
    for sql in &indexes {
        conn.execute_batch(sql)?;
    }
    conn.execute("DELETE FROM replica_suspended_indexes", [])?;
    Ok(!indexes.is_empty())
}

/// Empties every mirrored table (before a full sync that replaces the replica).
pub fn clear(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "DELETE FROM activation_lines; DELETE FROM activations; DELETE FROM seats;
         DELETE FROM emergency_licenses; DELETE FROM capacity; DELETE FROM models;
         DELETE FROM products; DELETE FROM organizations;
         DELETE FROM invoice_lines; DELETE FROM invoices;
         DELETE FROM organization_devices; DELETE FROM devices; DELETE FROM audit;",
    )?;
    Ok(())
}

/// Applies one change: the object's whole state replaces what the replica had.
pub fn apply(conn: &Connection, change: &Change) -> Result<(), StoreError> {
    match change {
        Change::Organization(org) => put_organization(conn, org),
        Change::Product(product) => put_product(conn, product),
        Change::Price(price) => put_price(conn, price),
        Change::Activation(activation) => put_activation(conn, activation),
        Change::Seat(seat) => put_seat(conn, seat),
        Change::Capacity(capacity) => put_capacity(conn, capacity),
        Change::Invoice(invoice) => put_invoice(conn, invoice),
        Change::Device(device) => put_device(conn, device),
        Change::Event(event) => put_event(conn, event),
        Change::Deleted(deleted) => delete(conn, deleted),
    }
}

fn put_organization(conn: &Connection, org: &Organization) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO organizations (id, name, inn, kpp, offer_accepted_at, activation_blocked)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        org.id,
        org.name,
        org.inn,
        org.kpp,
        org.offer_accepted_at.map(timestamp_to_sql),
        org.activation_blocked,
    ])?;
    Ok(())
}

fn put_product(conn: &Connection, product: &ProductRef) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO products (id, name) VALUES (?, ?)")?
        .execute(params![product.id, product.name])?;
    Ok(())
}

fn put_price(conn: &Connection, price: &PriceRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO models (id, vendor, name, price_kopecks, retail_kopecks)
         VALUES (?, ?, ?, ?, ?)",
    )?
    .execute(params![
        price.id,
        price.vendor.id(),
        price.model,
        price.price.0,
        price.retail_price.0
    ])?;
    Ok(())
}

fn put_activation(conn: &Connection, activation: &ActivationRecord) -> Result<(), StoreError> {
    let total: Kopecks = activation.lines.iter().map(|line| line.price).sum();
    conn.prepare_cached("DELETE FROM activation_lines WHERE activation_number = ?")?
        .execute([activation.number])?;
    // An upsert, not OR REPLACE: a REPLACE deletes without firing the delete trigger
    // and the list counters would count the activation twice.
    conn.prepare_cached(
        "INSERT INTO activations (number, organization_id, vendor, status, license_count,
                                  total_cost, created_at, completed_at, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (number) DO UPDATE SET organization_id = excluded.organization_id,
             vendor = excluded.vendor, status = excluded.status,
             license_count = excluded.license_count, total_cost = excluded.total_cost,
             created_at = excluded.created_at, completed_at = excluded.completed_at,
             error = excluded.error",
    )?
    .execute(params![
        activation.number,
        activation.organization,
        activation.vendor.id(),
        activation.status.as_api(),
        activation.lines.len() as i64,
        total.0,
        timestamp_to_sql(activation.created_at),
        activation.completed_at.map(timestamp_to_sql),
        activation.error,
    ])?;
    super::activations::insert_lines(conn, activation.number, &activation.lines)
}

fn put_seat(conn: &Connection, seat: &SeatRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO seats (id, organization_id, product_id, email, valid_from, valid_until)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        seat.id,
        seat.organization,
        seat.product,
        seat.email,
        date_to_sql(seat.valid_from),
        date_to_sql(seat.valid_until),
    ])?;
    Ok(())
}

fn put_capacity(conn: &Connection, capacity: &CapacityRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO capacity (organization_id, product_id, support_until, accounts_max,
                                          external_connections_max, max_raised_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        capacity.organization,
        capacity.product,
        capacity.support_until.map(date_to_sql),
        capacity.accounts_max,
        capacity.external_connections_max,
        capacity.max_raised_at.map(timestamp_to_sql),
    ])?;
    conn.prepare_cached(
        "DELETE FROM emergency_licenses WHERE organization_id = ? AND product_id = ?",
    )?
    .execute(params![capacity.organization, capacity.product])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO emergency_licenses (id, organization_id, product_id, requested_at, valid_from,
                                         valid_until, accounts)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?;
    for emergency in &capacity.emergency {
        stmt.execute(params![
            emergency.id,
            capacity.organization,
            capacity.product,
            timestamp_to_sql(emergency.requested_at),
            date_to_sql(emergency.valid_from),
            date_to_sql(emergency.valid_until),
            emergency.accounts,
        ])?;
    }
    Ok(())
}

/// An invoice and its lines, replacing what the replica had (issue 17).
fn put_invoice(conn: &Connection, invoice: &InvoiceRecord) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO invoices (number, organization_id, period, issued_on, due_on,
             status, total, license_count, activation_count, paid_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        invoice.number,
        invoice.organization,
        invoice.period.to_string(),
        date_to_sql(invoice.issued_on),
        date_to_sql(invoice.due_on),
        invoice.status.as_api(),
        invoice.total.0,
        invoice.license_count,
        invoice.activation_count,
        invoice.paid_at.map(timestamp_to_sql),
    ])?;
    conn.prepare_cached("DELETE FROM invoice_lines WHERE invoice_number = ?")?
        .execute([&invoice.number])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO invoice_lines (invoice_number, activation_number, vendor, license_count,
             amount, completed_at) VALUES (?, ?, ?, ?, ?, ?)",
    )?;
    for line in &invoice.lines {
        insert.execute(params![
            invoice.number,
            line.activation,
            line.vendor.id.id(),
            line.license_count,
            line.amount.0,
            timestamp_to_sql(line.completed_at),
        ])?;
    }
    Ok(())
}

/// An organization's device, and the registry row `:why` reads (model, current end).
fn put_device(conn: &Connection, device: &DeviceRecord) -> Result<(), StoreError> {
    let until = date_to_sql(device.subscription_until);
    conn.prepare_cached(
        "INSERT OR REPLACE INTO organization_devices
             (organization_id, serial, model_id, vendor, current_until)
         VALUES (?, ?, ?, ?, ?)",
    )?
    .execute(params![
        device.organization,
        device.serial,
        device.model,
        device.vendor.id(),
        until
    ])?;
    conn.prepare_cached(
        "INSERT INTO devices (serial, model_id, current_until) VALUES (?, ?, ?)
         ON CONFLICT (serial) DO UPDATE SET model_id = excluded.model_id,
             current_until = excluded.current_until",
    )?
    .execute(params![device.serial, device.model, until])?;
    Ok(())
}

/// An audit record, as the portal stored it (organization names are joined on read).
fn put_event(conn: &Connection, event: &Event) -> Result<(), StoreError> {
    let json = |value: &Option<serde_json::Value>| value.as_ref().map(|v| v.to_string());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO audit
             (id, at, actor, action, object, organization_id, request_id, before, after)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        event.id,
        timestamp_to_sql(event.at),
        event.actor,
        event.action,
        event.object,
        event.organization.as_ref().map(|o| o.id),
        event.request_id,
        json(&event.before),
        json(&event.after),
    ])?;
    Ok(())
}

/// The organization and serial of a device's key, `ORG:SERIAL`.
fn device_key(key: &str) -> Result<(i64, &str), StoreError> {
    key.split_once(':')
        .and_then(|(org, serial)| Some((org.parse::<i64>().ok()?, serial)))
        .ok_or_else(|| StoreError::BadValue {
            column: "changes.key",
            value: key.to_string(),
        })
}

fn delete(conn: &Connection, deleted: &DeletedRecord) -> Result<(), StoreError> {
    let id = || {
        deleted
            .key
            .parse::<i64>()
            .map_err(|_| StoreError::BadValue {
                column: "changes.key",
                value: deleted.key.clone(),
            })
    };
    match deleted.object {
        ObjectKind::Organization => {
            conn.execute("DELETE FROM organizations WHERE id = ?", [id()?])?;
        }
        ObjectKind::Product => {
            conn.execute("DELETE FROM products WHERE id = ?", [&deleted.key])?;
        }
        ObjectKind::Price => {
            conn.execute("DELETE FROM models WHERE id = ?", [id()?])?;
        }
        ObjectKind::Activation => {
            let number = id()?;
            conn.execute(
                "DELETE FROM activation_lines WHERE activation_number = ?",
                [number],
            )?;
            conn.execute("DELETE FROM activations WHERE number = ?", [number])?;
        }
        ObjectKind::Seat => {
            conn.execute("DELETE FROM seats WHERE id = ?", [id()?])?;
        }
        ObjectKind::Invoice => {
            conn.execute(
                "DELETE FROM invoice_lines WHERE invoice_number = ?",
                [&deleted.key],
            )?;
            conn.execute("DELETE FROM invoices WHERE number = ?", [&deleted.key])?;
        }
        ObjectKind::Device => {
            let (organization, serial) = device_key(&deleted.key)?;
            conn.execute(
                "DELETE FROM organization_devices WHERE organization_id = ? AND serial = ?",
                params![organization, serial],
            )?;
        }
        ObjectKind::Event => {
            conn.execute("DELETE FROM audit WHERE id = ?", [id()?])?;
        }
        ObjectKind::Capacity => {
            let Some((organization, product)) = deleted.key.split_once(':') else {
                return Err(StoreError::BadValue {
                    column: "changes.key",
                    value: deleted.key.clone(),
                });
            };
            let organization: i64 = organization.parse().map_err(|_| StoreError::BadValue {
                column: "changes.key",
                value: deleted.key.clone(),
            })?;
            conn.execute(
                "DELETE FROM emergency_licenses WHERE organization_id = ? AND product_id = ?",
                params![organization, product],
            )?;
            conn.execute(
                "DELETE FROM capacity WHERE organization_id = ? AND product_id = ?",
                params![organization, product],
            )?;
        }
    }
    Ok(())
}
