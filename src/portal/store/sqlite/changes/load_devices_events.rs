//! Loading the devices and audit records a page of the feed names (issue 16): devices
//! by organization (a page of a full sync holds few), events by id.

use super::super::{StoreError, date_from_sql, placeholders};
use crate::client::events::Event;
use crate::client::feed::DeviceRecord;
use crate::portal::store::events::{EVENT_COLUMNS, RawEvent};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use std::collections::BTreeMap;

/// Most parameters one `IN (...)` list gets.
const IN_CHUNK: usize = 5_000;

/// Device rows by key (`"ORG:SERIAL"`); a key that does not parse names nothing.
pub(super) fn devices(
    conn: &Connection,
    keys: &[&str],
) -> Result<Vec<(String, DeviceRecord)>, StoreError> {
    let mut by_organization: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for key in keys {
        if let Some((org, serial)) = key.split_once(':')
            && let Ok(org) = org.parse::<i64>()
        {
            by_organization
                .entry(org)
                .or_default()
                .push(serial.to_string());
        }
    }
    let mut out = Vec::new();
    for (organization, serials) in by_organization {
        for chunk in serials.chunks(IN_CHUNK) {
            let sql = format!(
                "SELECT serial, model_id, vendor, current_until FROM organization_devices
                 WHERE organization_id = ? AND serial IN ({})",
                placeholders(chunk.len())
            );
            let mut args = vec![Value::Integer(organization)];
            args.extend(chunk.iter().map(|s| Value::Text(s.clone())));
            let mut stmt = conn.prepare(&sql)?;
            let raw = stmt
                .query_map(params_from_iter(&args), |row| {
                    <(String, i64, String, String)>::try_from(row)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (serial, model, vendor, until) in raw {
                let record = DeviceRecord {
                    organization,
                    vendor: super::super::catalog::parse_vendor(&vendor)?,
                    model,
                    subscription_until: date_from_sql(
                        "organization_devices.current_until",
                        &until,
                    )?,
                    serial,
                };
                out.push((format!("{organization}:{}", record.serial), record));
            }
        }
    }
    Ok(out)
}

/// Audit records by id.
pub(super) fn events(conn: &Connection, ids: &[i64]) -> Result<Vec<Event>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM audit a LEFT JOIN organizations o ON o.id = a.organization_id
             WHERE a.id IN ({})",
            placeholders(chunk.len())
        );
        let args: Vec<Value> = chunk.iter().map(|id| Value::Integer(*id)).collect();
        let mut stmt = conn.prepare(&sql)?;
        let raw = stmt
            .query_map(params_from_iter(&args), |row| {
                Ok(RawEvent {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    actor: row.get(2)?,
                    action: row.get(3)?,
                    object: row.get(4)?,
                    organization_id: row.get(5)?,
                    organization_name: row.get(6)?,
                    request_id: row.get(7)?,
                    before: row.get(8)?,
                    after: row.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for event in raw {
            out.push(event.into_event()?);
        }
    }
    Ok(out)
}
