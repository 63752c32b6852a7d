//! The device registry as the new-activation flow reads and changes it: device lookups
//! for precheck, the serials held by in-progress activations, and the simulated vendor
//! registry's refusals.

use super::catalog::parse_vendor;
use super::{StoreError, date_from_sql, date_to_sql, optional};
use crate::domain::{DeviceInfo, Kopecks, Serial};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// How the (simulated) vendor registry answers when the worker activates a device.
/// Stored in `devices.registry_refuses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The registry accepts the serial.
    None,
    /// Refused every time: the device is deregistered.
    Permanent,
    /// Refused on the next attempt only (a registry outage); accepted after that.
    Transient,
}

impl Refusal {
    pub fn to_sql(self) -> i64 {
        match self {
            Refusal::None => 0,
            Refusal::Permanent => 1,
            Refusal::Transient => 2,
        }
    }

    fn from_sql(value: i64) -> Result<Refusal, StoreError> {
        match value {
            0 => Ok(Refusal::None),
            1 => Ok(Refusal::Permanent),
            2 => Ok(Refusal::Transient),
            other => Err(StoreError::BadValue {
                column: "registry_refuses",
                value: other.to_string(),
            }),
        }
    }
}

/// Registry entries of every well-formed serial among `inputs` that exists, in one
/// statement: the serials go in as one JSON array and are probed on the devices key in
/// serial order (neighbouring lookups share the key's pages). One statement for 10 000
/// serials is 5 ms at 3 000 000 devices where a statement a serial cost 12 ms, the
/// difference being the statements' own overhead. The few models are read once.
pub fn devices(
    conn: &Connection,
    inputs: &[String],
) -> Result<HashMap<Serial, DeviceInfo>, StoreError> {
    let mut models = HashMap::new();
    {
        let mut stmt = conn
            .prepare_cached("SELECT id, name, vendor, price_kopecks, retail_kopecks FROM models")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (id, name, vendor, price, retail) = row?;
            models.insert(id, (name, parse_vendor(&vendor)?, price, retail));
        }
    }
    let mut serials: Vec<Serial> = inputs
        .iter()
        .filter_map(|input| Serial::parse(input).ok())
        .collect();
    serials.sort_unstable();
    serials.dedup();
    let mut found = HashMap::with_capacity(serials.len());
    if serials.is_empty() {
        return Ok(found);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT x.key, d.model_id, d.current_until
           FROM json_each(?1) AS x CROSS JOIN devices d ON d.serial = x.value",
    )?;
    let rows = stmt.query_map([json_array(serials.iter().map(Serial::as_str))?], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })?;
    for row in rows {
        let (index, model_id, current) = row?;
        let serial = usize::try_from(index)
            .ok()
            .and_then(|index| serials.get(index))
            .ok_or_else(|| StoreError::BadValue {
                column: "json_each.key",
                value: index.to_string(),
            })?;
        let (model, vendor, price, retail) =
            models.get(&model_id).ok_or_else(|| StoreError::BadValue {
                column: "devices.model_id",
                value: model_id.to_string(),
            })?;
        let info = DeviceInfo {
            model: model.clone(),
            vendor: *vendor,
            current_until: optional(current, |v| date_from_sql("current_until", v))?,
            price: Kopecks(*price),
            retail_price: Kopecks(*retail),
        };
        found.insert(serial.clone(), info);
    }
    Ok(found)
}

/// The lines of in-progress and errored activations carrying `serials`, as
/// `(serial, status, error)` for `rules::pending_and_refused`: one statement in the
/// caller's read transaction, a probe of `open_lines` per serial.
pub fn open_lines(
    conn: &Connection,
    serials: &[&str],
) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    if serials.is_empty() {
        return Ok(Vec::new());
    }
    // The lines of open activations are a table of their own (migration 17), ~90 000
    // keys at 1 000 000 activations: probing every line's serial index (2.3 M keys)
    // cost a page read per serial when the serials are scattered (13 → 3 ms for 10 000).
    // The status is asked again: the rows are the activation's own.
    let mut stmt = conn.prepare_cached(
        "SELECT x.value, a.status, a.error
           FROM json_each(?1) AS x
           CROSS JOIN open_lines o ON o.serial = x.value
           CROSS JOIN activations a ON a.number = o.activation_number
          WHERE a.status IN ('in_progress', 'error')",
    )?;
    let rows = stmt.query_map([json_array(serials.iter().copied())?], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The serials as one JSON array, for `json_each`.
fn json_array<'a>(serials: impl Iterator<Item = &'a str>) -> Result<String, StoreError> {
    serde_json::to_string(&serials.collect::<Vec<_>>())
        .map_err(|e| StoreError::Invalid(format!("serials as JSON: {e}")))
}

pub fn refusal(conn: &Connection, serial: &str) -> Result<Refusal, StoreError> {
    let value: Option<i64> = conn
        .prepare_cached("SELECT registry_refuses FROM devices WHERE serial = ?")?
        .query_row([serial], |row| row.get(0))
        .optional()?;
    // A serial gone from the registry is refused like a deregistered one.
    value.map_or(Ok(Refusal::Permanent), Refusal::from_sql)
}

pub fn set_refusal(conn: &Connection, serial: &str, refusal: Refusal) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE devices SET registry_refuses = ? WHERE serial = ?")?
        .execute(params![refusal.to_sql(), serial])?;
    Ok(())
}

pub fn set_current_until(
    conn: &Connection,
    serial: &str,
    until: NaiveDate,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE devices SET current_until = ? WHERE serial = ?")?
        .execute(params![date_to_sql(until), serial])?;
    Ok(())
}

/// Known demo serials by kind, for tests and benchmarks (see `portal::demo_serials`).
pub struct SerialsByKind {
    /// Accepted by the registry and in no in-progress activation, per vendor id.
    pub ok: HashMap<String, Vec<String>>,
    pub refused_permanently: HashMap<String, Vec<String>>,
    pub refused_once: HashMap<String, Vec<String>>,
    /// On a line of an in-progress activation.
    pub pending: Vec<String>,
    /// Refused for good by an activation still in error: precheck says `refused`.
    pub refused: Vec<String>,
}

/// Up to `per_kind` serials of each kind and vendor, in serial order.
pub fn serials_by_kind(conn: &Connection, per_kind: usize) -> Result<SerialsByKind, StoreError> {
    let limit = i64::try_from(per_kind).unwrap_or(i64::MAX);
    // The whole store's open lines: demo facts for tests, not a request path.
    let lines: Vec<(String, String, Option<String>)> = conn
        .prepare(
            "SELECT l.serial, a.status, a.error FROM activation_lines l
             JOIN activations a ON a.number = l.activation_number
             WHERE a.status IN ('in_progress', 'error')",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let (pending, refused) = crate::portal::rules::pending_and_refused(
        lines
            .iter()
            .map(|(serial, status, error)| (serial.as_str(), status.as_str(), error.as_deref())),
    );
    let mut stmt = conn.prepare_cached(
        "SELECT d.serial FROM devices d JOIN models m ON m.id = d.model_id
         WHERE m.vendor = ? AND d.registry_refuses = ? ORDER BY d.serial",
    )?;
    let mut kind = |vendor: &str, refusal: Refusal| -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let rows = stmt.query_map(params![vendor, refusal.to_sql()], |row| {
            row.get::<_, String>(0)
        })?;
        for serial in rows {
            let serial = serial?;
            // Precheck says `pending` or `refused` of these, whatever the registry does.
            if pending.contains(&serial) || refused.contains(&serial) {
                continue;
            }
            out.push(serial);
            if out.len() as i64 >= limit {
                break;
            }
        }
        Ok(out)
    };
    let mut result = SerialsByKind {
        ok: HashMap::new(),
        refused_permanently: HashMap::new(),
        refused_once: HashMap::new(),
        pending: Vec::new(),
        refused: Vec::new(),
    };
    for vendor in crate::domain::Vendor::ALL {
        let id = vendor.id().to_string();
        result.ok.insert(id.clone(), kind(&id, Refusal::None)?);
        result
            .refused_permanently
            .insert(id.clone(), kind(&id, Refusal::Permanent)?);
        result
            .refused_once
            .insert(id.clone(), kind(&id, Refusal::Transient)?);
    }
    let mut pending: Vec<String> = pending.into_iter().collect();
    pending.sort();
    pending.truncate(per_kind);
    result.pending = pending;
    let mut refused: Vec<String> = refused.into_iter().collect();
    refused.sort();
    refused.truncate(per_kind);
    result.refused = refused;
    Ok(result)
}
