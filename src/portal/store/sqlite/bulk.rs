//! Taking secondary indexes and triggers off a store around a bulk write, keeping their
//! SQL to create them again after: sorting a million keys once costs a fraction of a
//! million random inserts into a dozen B-trees, and a trigger per row costs more than
//! the row. Used by the demo load, the change feed's untracked load and the mirror's
//! full sync.

use super::StoreError;
use rusqlite::Connection;

/// Drops the secondary indexes of `tables` and the triggers whose names start with one
/// of `trigger_prefixes` (constants such as `"track_"`), in the caller's transaction.
/// Returns each dropped object's `(name, sql)`; running the SQL creates it again.
pub fn drop_indexes_and_triggers(
    conn: &Connection,
    tables: &[&str],
    trigger_prefixes: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut kinds = Vec::new();
    if !tables.is_empty() {
        let names = tables.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>();
        kinds.push(format!(
            "(type = 'index' AND sql IS NOT NULL AND tbl_name IN ({}))",
            names.join(", ")
        ));
    }
    for prefix in trigger_prefixes {
        // `_` is a LIKE wildcard: escaped, so `track_` means exactly that prefix.
        let pattern = prefix.replace('_', "\\_");
        kinds.push(format!(
            "(type = 'trigger' AND name LIKE '{pattern}%' ESCAPE '\\')"
        ));
    }
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let objects: Vec<(String, String, String)> = conn
        .prepare(&format!(
            "SELECT type, name, sql FROM sqlite_master WHERE {}",
            kinds.join(" OR ")
        ))?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut dropped = Vec::with_capacity(objects.len());
    for (kind, name, sql) in objects {
        let kind = if kind == "trigger" {
            "TRIGGER"
        } else {
            "INDEX"
        };
        // Names come from sqlite_master, not from input; quoted all the same.
        conn.execute_batch(&format!(
            "DROP {kind} IF EXISTS \"{}\"",
            name.replace('"', "")
        ))?;
        dropped.push((name, sql));
    }
    Ok(dropped)
}
