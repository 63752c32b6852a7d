//! Loading the objects a page of the feed names, in their current state: one query
//! per kind (two for activations and capacity), never one per object, so a page of
//! 5 000 activations costs two statements, not 5 001.

use super::super::catalog::{organizations, parse_vendor};
use super::super::{StoreError, date_from_sql, optional, placeholders, timestamp_from_sql};
use super::Position;
use crate::client::feed::{
    ActivationRecord, CapacityRecord, Change, DeletedRecord, EmergencyRecord, ObjectKind,
    PriceRecord, SeatRecord,
};
use crate::client::wire::{ActivationLine, ProductRef};
use crate::domain::{ActivationStatus, Kopecks};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use std::collections::{HashMap, HashSet};

/// Most parameters one `IN (...)` list gets; SQLite allows 32 766 per statement.
const IN_CHUNK: usize = 5_000;

/// The current state of every position, in order; an object that no longer exists is
/// `Deleted`.
pub(super) fn current(
    conn: &Connection,
    positions: &[Position],
) -> Result<Vec<Change>, StoreError> {
    let keys_of = |kind: ObjectKind| -> Vec<&str> {
        positions
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.key.as_str())
            .collect()
    };
    use ObjectKind as K;
    let mut found: HashMap<(ObjectKind, String), Change> = HashMap::new();
    for org in organizations(conn, &numbers(&keys_of(K::Organization)))? {
        found.insert(
            (K::Organization, org.id.to_string()),
            Change::Organization(org),
        );
    }
    for product in products(conn, &keys_of(K::Product))? {
        found.insert((K::Product, product.id.clone()), Change::Product(product));
    }
    for price in prices(conn, &numbers(&keys_of(K::Price)))? {
        found.insert((K::Price, price.id.to_string()), Change::Price(price));
    }
    for activation in activations(conn, &numbers(&keys_of(K::Activation)))? {
        let key = activation.number.to_string();
        found.insert((K::Activation, key), Change::Activation(activation));
    }
    for seat in seats(conn, &numbers(&keys_of(K::Seat)))? {
        found.insert((K::Seat, seat.id.to_string()), Change::Seat(seat));
    }
    for (key, capacity) in capacities(conn, &keys_of(K::Capacity))? {
        found.insert((K::Capacity, key), Change::Capacity(capacity));
    }
    let invoice_keys: Vec<String> = keys_of(K::Invoice)
        .into_iter()
        .map(str::to_string)
        .collect();
    for invoice in super::super::invoices::details(conn, &invoice_keys)? {
        let key = invoice.invoice.number.clone();
        found.insert((K::Invoice, key), Change::Invoice(invoice.into()));
    }
    for (key, device) in super::load_devices_events::devices(conn, &keys_of(K::Device))? {
        found.insert((K::Device, key), Change::Device(device));
    }
    for event in super::load_devices_events::events(conn, &numbers(&keys_of(K::Event)))? {
        found.insert((K::Event, event.id.to_string()), Change::Event(event));
    }
    Ok(positions
        .iter()
        .map(|p| {
            found.remove(&(p.kind, p.key.clone())).unwrap_or_else(|| {
                Change::Deleted(DeletedRecord {
                    object: p.kind,
                    key: p.key.clone(),
                })
            })
        })
        .collect())
}

/// Integer keys; one that does not parse names nothing (it is reported deleted).
fn numbers(keys: &[&str]) -> Vec<i64> {
    keys.iter().filter_map(|key| key.parse().ok()).collect()
}

/// Runs `read` over `values` in chunks that fit one statement.
fn chunked<V: Clone + Into<Value>, T>(
    values: &[V],
    mut read: impl FnMut(&[Value], &str) -> Result<Vec<T>, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for chunk in values.chunks(IN_CHUNK) {
        let args: Vec<Value> = chunk.iter().cloned().map(Into::into).collect();
        out.extend(read(&args, &placeholders(args.len()))?);
    }
    Ok(out)
}

fn products(conn: &Connection, ids: &[&str]) -> Result<Vec<ProductRef>, StoreError> {
    let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
    chunked(&ids, |args, list| {
        let sql = format!("SELECT id, name FROM products WHERE id IN ({list})");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| {
            Ok(ProductRef {
                id: row.get(0)?,
                name: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })
}

fn prices(conn: &Connection, ids: &[i64]) -> Result<Vec<PriceRecord>, StoreError> {
    chunked(ids, |args, list| {
        let sql = format!(
            "SELECT id, vendor, name, price_kopecks, retail_kopecks FROM models WHERE id IN ({list})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let raw = stmt
            .query_map(params_from_iter(args), |row| {
                <(i64, String, String, i64, i64)>::try_from(row)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, vendor, model, price, retail)| {
                Ok(PriceRecord {
                    id,
                    vendor: parse_vendor(&vendor)?,
                    model,
                    price: Kopecks(price),
                    retail_price: Kopecks(retail),
                })
            })
            .collect()
    })
}

type RawActivation = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);
type RawLine = (i64, String, String, Option<String>, String, i64);

/// Activations with their lines (by serial): one query for the activations and one for
/// all their lines.
fn activations(conn: &Connection, numbers: &[i64]) -> Result<Vec<ActivationRecord>, StoreError> {
    let mut lines: HashMap<i64, Vec<ActivationLine>> = HashMap::new();
    let raw_lines: Vec<RawLine> = chunked(numbers, |args, list| {
        let sql = format!(
            "SELECT activation_number, serial, model, current_until, new_until, price
             FROM activation_lines WHERE activation_number IN ({list})
             ORDER BY activation_number, serial"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| RawLine::try_from(row))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    for (number, serial, model, current, new, price) in raw_lines {
        lines.entry(number).or_default().push(ActivationLine {
            serial,
            model,
            current_until: optional(current, |v| date_from_sql("current_until", v))?,
            new_until: date_from_sql("new_until", &new)?,
            price: Kopecks(price),
        });
    }
    let raw: Vec<RawActivation> = chunked(numbers, |args, list| {
        let sql = format!(
            "SELECT number, organization_id, status, vendor, created_at, completed_at, error
             FROM activations WHERE number IN ({list})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| RawActivation::try_from(row))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    raw.into_iter()
        .map(
            |(number, organization, status, vendor, created, completed, error)| {
                Ok(ActivationRecord {
                    number,
                    organization,
                    status: status.parse::<ActivationStatus>().map_err(|_| {
                        StoreError::BadValue {
                            column: "status",
                            value: status.clone(),
                        }
                    })?,
                    vendor: parse_vendor(&vendor)?,
                    created_at: timestamp_from_sql("created_at", &created)?,
                    completed_at: optional(completed, |v| timestamp_from_sql("completed_at", v))?,
                    error,
                    lines: lines.remove(&number).unwrap_or_default(),
                })
            },
        )
        .collect()
}

fn seats(conn: &Connection, ids: &[i64]) -> Result<Vec<SeatRecord>, StoreError> {
    chunked(ids, |args, list| {
        let sql = format!(
            "SELECT id, organization_id, product_id, email, valid_from, valid_until
             FROM seats WHERE id IN ({list})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let raw = stmt
            .query_map(params_from_iter(args), |row| {
                <(i64, i64, String, Option<String>, String, String)>::try_from(row)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter()
            .map(|(id, organization, product, email, from, until)| {
                Ok(SeatRecord {
                    id,
                    organization,
                    product,
                    email,
                    valid_from: date_from_sql("seats.valid_from", &from)?,
                    valid_until: date_from_sql("seats.valid_until", &until)?,
                })
            })
            .collect()
    })
}

type RawCapacity = (i64, String, Option<String>, i64, i64, Option<String>);
type RawEmergency = (i64, i64, String, String, String, String, i64);

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Capacity records by key (`"ORG:PRODUCT"`), each with its emergency licenses by id.
/// Read by organization (a handful of rows each) and kept when the key was asked for.
fn capacities(
    conn: &Connection,
    keys: &[&str],
) -> Result<Vec<(String, CapacityRecord)>, StoreError> {
    let wanted: HashSet<&str> = keys.iter().copied().collect();
    let mut orgs: Vec<i64> = keys
        .iter()
        .filter_map(|key| key.split_once(':')?.0.parse().ok())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut emergency: HashMap<String, Vec<EmergencyRecord>> = HashMap::new();
    let raw: Vec<RawEmergency> = chunked(&orgs, |args, list| {
        let sql = format!(
            "SELECT id, organization_id, product_id, requested_at, valid_from, valid_until, accounts
             FROM emergency_licenses WHERE organization_id IN ({list}) ORDER BY id"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| RawEmergency::try_from(row))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    for (id, org, product, requested, from, until, accounts) in raw {
        emergency
            .entry(format!("{org}:{product}"))
            .or_default()
            .push(EmergencyRecord {
                id,
                requested_at: timestamp_from_sql("emergency_licenses.requested_at", &requested)?,
                valid_from: date_from_sql("emergency_licenses.valid_from", &from)?,
                valid_until: date_from_sql("emergency_licenses.valid_until", &until)?,
                accounts: count(accounts),
            });
    }
    let raw: Vec<RawCapacity> = chunked(&orgs, |args, list| {
        let sql = format!(
            "SELECT organization_id, product_id, support_until, accounts_max,
                    external_connections_max, max_raised_at
             FROM capacity WHERE organization_id IN ({list})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |row| RawCapacity::try_from(row))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    let mut out = Vec::new();
    for (organization, product, support, max, external, raised) in raw {
        let key = format!("{organization}:{product}");
        if !wanted.contains(key.as_str()) {
            continue;
        }
        let record = CapacityRecord {
            organization,
            support_until: optional(support, |v| date_from_sql("capacity.support_until", v))?,
            accounts_max: count(max),
            external_connections_max: count(external),
            max_raised_at: optional(raised, |v| timestamp_from_sql("capacity.max_raised_at", v))?,
            emergency: emergency.remove(&key).unwrap_or_default(),
            product,
        };
        out.push((key, record));
    }
    Ok(out)
}
