//! `GET /serials/{serial}` on SQLite: the shared reads of `store::serials`, in the
//! caller's one read transaction.

use super::StoreError;
use crate::client::serials::SerialStory;
use crate::portal::store::events::RawEvent;
use crate::portal::store::serials::{self, DEVICE_SQL, LINES_SQL, RawDevice, RawLine};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

pub fn story(
    conn: &Connection,
    serial: &str,
    scope: Option<&[i64]>,
) -> Result<SerialStory, StoreError> {
    let device = conn
        .prepare_cached(DEVICE_SQL)?
        .query_row([serial], |row| {
            Ok(RawDevice {
                vendor: row.get(0)?,
                model: row.get(1)?,
                current_until: row.get(2)?,
            })
        })
        .optional()?;
    let mut sql = LINES_SQL.to_string();
    let mut args = vec![Value::Text(serial.to_string())];
    if let Some(scope) = scope {
        let marks = vec!["?"; scope.len()].join(", ");
        sql.push_str(&format!(" AND a.organization_id IN ({marks})"));
        args.extend(scope.iter().map(|id| Value::Integer(*id)));
    }
    sql.push_str(" ORDER BY a.number DESC");
    let lines = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(&args), |row| {
            Ok(RawLine {
                number: row.get(0)?,
                organization_id: row.get(1)?,
                organization_name: row.get(2)?,
                status: row.get(3)?,
                created_at: row.get(4)?,
                completed_at: row.get(5)?,
                error: row.get(6)?,
                new_until: row.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let history_sql = serials::history_sql();
    let mut history = conn.prepare_cached(&history_sql)?;
    let mut with_history = Vec::with_capacity(lines.len());
    for line in lines {
        let events = history
            .query_map([format!("activation:{}", line.number)], |row| {
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
        with_history.push((line, events));
    }
    serials::story(serial.to_string(), device, with_history)
}
