//! The change feed (`GET /changes`, docs/DESIGN.md §4.7, §6.4): which objects changed after
//! a cursor, in their current state. Migration 4's `track_…` triggers keep one `changes`
//! row per object at the seq of its latest change; this module pages through those rows and
//! loads the objects they name, a whole page per kind in one query.
//!
//! Why a cursor never skips a change: SQLite has one writer at a time, and a reader
//! sees a committed snapshot. A write transaction takes its seqs from AUTOINCREMENT
//! while it holds the write lock, so a transaction that commits later always gets
//! higher seqs than every one committed before it, and seqs become visible in order.
//! A page read in one snapshot therefore can never miss a seq that commits afterwards
//! with a lower number: there is none. The cursor of a page that is not full is the
//! store's largest seq in that same snapshot, so a token whose scope skips many rows
//! still moves forward, and everything up to the cursor was either returned or is
//! outside the token's scope.

mod load;
mod load_devices_events;
#[cfg(test)]
mod tests;

use super::{StoreError, placeholders, timestamp_to_sql};
use crate::client::feed::{ChangeFeed, FeedWindow, ObjectKind};
pub use crate::portal::store::stage::Stage;
use rusqlite::types::Value;
use rusqlite::{
    Connection, OptionalExtension, Transaction, TransactionBehavior, params, params_from_iter,
};
use std::fmt;

/// Every kind the triggers record, to read `changes.kind` back.
const KINDS: [ObjectKind; 9] = [
    ObjectKind::Organization,
    ObjectKind::Product,
    ObjectKind::Price,
    ObjectKind::Activation,
    ObjectKind::Seat,
    ObjectKind::Capacity,
    ObjectKind::Invoice,
    ObjectKind::Device,
    ObjectKind::Event,
];

/// Why a cursor cannot be continued: the client must start over with `since=0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gone {
    /// Beyond every seq this store ever assigned: the cursor is from another store, or
    /// this one was restored from an older copy.
    Beyond { since: i64, last: i64 },
    /// Deleted objects up to `floor` were pruned from the feed; a cursor below it may
    /// have missed one of those deletions.
    Pruned { since: i64, floor: i64 },
}

impl fmt::Display for Gone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gone::Beyond { since, last } => write!(
                f,
                "cursor {since} is beyond this store's history (its latest change is {last}): it is from another store or a restored copy"
            ),
            Gone::Pruned { since, floor } => write!(
                f,
                "cursor {since} is older than the kept history (deletions up to {floor} were pruned)"
            ),
        }
    }
}

/// One row of `changes` on a page.
struct Position {
    kind: ObjectKind,
    key: String,
}

/// The changes after `since` that `scope` may see, at most `limit`, in seq order, each
/// object in its current state. All reads share one snapshot (see the module comment).
pub fn feed(
    conn: &mut Connection,
    since: i64,
    limit: u32,
    scope: &[i64],
    window: Option<FeedWindow>,
) -> Result<Result<ChangeFeed, Gone>, StoreError> {
    // DEFERRED: the snapshot starts with the first read below and holds for the rest.
    let tx = conn.transaction()?;
    let last = last_seq(&tx)?;
    let floor = changes_floor(&tx)?;
    if since > last {
        return Ok(Err(Gone::Beyond { since, last }));
    }
    if since > 0 && since < floor {
        return Ok(Err(Gone::Pruned { since, floor }));
    }
    let epoch = meta(&tx, "epoch")?;
    let wanted = limit as usize;
    // The window ends at the seq it was opened at: what changed after it always comes.
    let window = window.map(|w| (timestamp_to_sql(w.from), w.head.unwrap_or(last)));
    // One row beyond the page tells whether more are waiting without a second query.
    let mut rows = page(&tx, since, wanted + 1, scope, window.as_ref())?;
    let more = rows.len() > wanted;
    rows.truncate(wanted);
    let cursor = if more {
        rows.last().map_or(since, |(seq, _)| *seq)
    } else {
        last
    };
    let positions: Vec<Position> = rows.into_iter().map(|(_, position)| position).collect();
    let changes = load::current(&tx, &positions)?;
    tx.commit()?;
    Ok(Ok(ChangeFeed {
        epoch,
        changes,
        cursor,
        more,
        window_head: window.map(|(_, head)| head),
    }))
}

/// The largest seq ever assigned (0 before the first change): AUTOINCREMENT keeps it
/// even when the row holding it was pruned.
fn last_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")?
        .query_row([], |row| row.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0))
}

fn meta(conn: &Connection, key: &'static str) -> Result<String, StoreError> {
    conn.prepare_cached("SELECT value FROM store_meta WHERE key = ?")?
        .query_row([key], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::BadValue {
            column: "store_meta.value",
            value: format!("{key} is missing"),
        })
}

fn changes_floor(conn: &Connection) -> Result<i64, StoreError> {
    let text = meta(conn, "changes_floor")?;
    text.parse().map_err(|_| StoreError::BadValue {
        column: "store_meta.changes_floor",
        value: text,
    })
}

fn kind_of(text: &str) -> Result<ObjectKind, StoreError> {
    KINDS
        .into_iter()
        .find(|kind| kind.as_str() == text)
        .ok_or_else(|| StoreError::BadValue {
            column: "changes.kind",
            value: text.to_string(),
        })
}

/// Up to `limit` rows after `since` that `scope` may see, by seq. A range scan of the
/// primary key: rows outside the scope (or the window) are read and skipped, never
/// sorted.
fn page(
    conn: &Connection,
    since: i64,
    limit: usize,
    scope: &[i64],
    window: Option<&(String, i64)>,
) -> Result<Vec<(i64, Position)>, StoreError> {
    let visible = if scope.is_empty() {
        "organization_id IS NULL".to_string()
    } else {
        format!(
            "(organization_id IS NULL OR organization_id IN ({}))",
            placeholders(scope.len())
        )
    };
    let windowed = if window.is_some() { OUTSIDE_WINDOW } else { "" };
    let sql = format!(
        "SELECT seq, kind, key FROM changes WHERE seq > ? AND {visible} {windowed}
         ORDER BY seq LIMIT ?"
    );
    let mut args = vec![Value::Integer(since)];
    args.extend(scope.iter().map(|id| Value::Integer(*id)));
    if let Some((from, head)) = window {
        args.push(Value::Integer(*head));
        args.push(Value::Text(from.clone()));
        args.push(Value::Integer(*head));
        args.push(Value::Text(from.clone()));
        args.push(Value::Integer(*head));
    }
    args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let raw = stmt
        .query_map(params_from_iter(&args), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter()
        .map(|(seq, kind, key)| {
            Ok((
                seq,
                Position {
                    kind: kind_of(&kind)?,
                    key,
                },
            ))
        })
        .collect()
}

/// Leaves out a done activation created before the window (`?` = its head, then its
/// start), unless it changed after the head; an audit record made before the window
/// (the same months: the log offline reaches as far back as the activations); and
/// every device list's row and invoice up to the head (a windowed mirror asks the
/// portal for those: at 1 000 000 activations 1.8 M device rows, and invoices of
/// up to 43 520 lines, 145 MB of JSON a page; docs/DESIGN.md §6.5). One primary-key probe per
/// activation or event row.
const OUTSIDE_WINDOW: &str = "AND (kind <> 'activation' OR seq > ? OR NOT EXISTS (
        SELECT 1 FROM activations a WHERE a.number = CAST(changes.key AS INTEGER)
           AND a.status = 'done' AND a.created_at < ?))
    AND (kind <> 'event' OR seq > ? OR NOT EXISTS (
        SELECT 1 FROM audit e WHERE e.id = CAST(changes.key AS INTEGER) AND e.at < ?))
    AND (kind NOT IN ('device', 'invoice') OR seq > ?)";

/// Records every object of the store at a fresh seq, referenced objects
/// (organizations, products, prices) before the objects that refer to them, as
/// migration 4's backfill does. OR REPLACE moves an object that already has a row;
/// this is one statement per kind, not a trigger, so no outer conflict clause can
/// override it.
const RECORD_EVERY_OBJECT: &str = "
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'organization', CAST(id AS TEXT), id FROM organizations ORDER BY id;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'product', id, NULL FROM products ORDER BY id;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'price', CAST(id AS TEXT), NULL FROM models ORDER BY id;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'capacity', organization_id || ':' || product_id, organization_id
          FROM capacity ORDER BY organization_id, product_id;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'seat', CAST(id AS TEXT), organization_id FROM seats ORDER BY id;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'activation', CAST(number AS TEXT), organization_id
          FROM activations ORDER BY number;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'invoice', number, organization_id FROM invoices ORDER BY number;";

/// The devices each organization's completed activations hold (what the `owned_…`
/// triggers keep row by row; migration 11), from the rows themselves. Grouped by
/// serial first, so the registry is then read once per device in key order rather than
/// once per line at random (10.7 → 4.8 s at 1 000 000 activations); a serial's lines
/// all name its one model.
/// The lines of open activations (migration 17) from the rows themselves, after a load
/// without the `owned_` triggers that keep them.
pub const REBUILD_OPEN_LINES: &str = "
    DELETE FROM open_lines;
    INSERT INTO open_lines (serial, activation_number)
        SELECT l.serial, l.activation_number FROM activation_lines l
          JOIN activations a ON a.number = l.activation_number
         WHERE a.status IN ('in_progress', 'error');
";

pub const REBUILD_ORGANIZATION_DEVICES: &str = "
    DELETE FROM organization_devices;
    INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
        SELECT g.organization_id, g.serial, m.id, m.vendor, COALESCE(d.current_until, g.until)
          FROM (SELECT l.serial AS serial, a.organization_id AS organization_id,
                       MAX(l.model) AS model, MAX(l.new_until) AS until
                  FROM activation_lines l
                  JOIN activations a ON a.number = l.activation_number AND a.status = 'done'
                 GROUP BY l.serial, a.organization_id) g
          JOIN models m ON m.name = g.model
          LEFT JOIN devices d ON d.serial = g.serial;";

/// Records every organization's device row and audit record at a fresh seq (the
/// kinds migration 11 added; after [`RECORD_EVERY_OBJECT`], whose order migration 4's
/// backfill fixes).
const RECORD_DEVICES_AND_EVENTS: &str = "
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'device', organization_id || ':' || serial, organization_id
          FROM organization_devices ORDER BY organization_id, serial;
    INSERT OR REPLACE INTO changes (kind, key, organization_id)
        SELECT 'event', CAST(id AS TEXT), organization_id
          FROM audit WHERE organization_id IS NOT NULL ORDER BY id;";

/// Runs a bulk load with the `track_…` and `count_…` triggers dropped, puts them back,
/// recounts the list counters, and
/// records every object of the store as changed, all inside the caller's transaction:
/// no other connection ever sees the store without its triggers or the load without
/// its changes. Per row, the triggers cost more than the rows themselves (a statement
/// that fires a trigger keeps a statement journal of every page it touches; the
/// 100 000-activation demo took 11 s with them instead of 4.6 s). Recording every
/// object also moves objects the load did not touch, which costs their readers a
/// resend, not a miss; meant for loading an empty store (the demo data set).
pub fn load_untracked<T>(
    tx: &Transaction<'_>,
    load: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let triggers =
        super::bulk::drop_indexes_and_triggers(tx, &[], &["track_", "count_", "owned_"])?;
    let mut stage = Stage::start();
    let loaded = load()?;
    stage.done("rows");
    tx.execute_batch(REBUILD_ORGANIZATION_DEVICES)?;
    tx.execute_batch(REBUILD_OPEN_LINES)?;
    stage.done("organizations' devices");
    for (_, sql) in &triggers {
        tx.execute_batch(sql)?;
    }
    tx.execute_batch(RECORD_EVERY_OBJECT)?;
    stage.done("change feed: objects");
    tx.execute_batch(RECORD_DEVICES_AND_EVENTS)?;
    stage.done("change feed: devices and events");
    tx.execute_batch(super::replica::RECOUNT_ACTIVATIONS)?;
    stage.done("counters");
    Ok(loaded)
}

/// Whether the object a `changes` row names still exists, per kind, as SQL over the
/// row's `kind` and `key`.
const EXISTS: &str = "CASE kind
    WHEN 'organization' THEN EXISTS (SELECT 1 FROM organizations WHERE id = CAST(key AS INTEGER))
    WHEN 'product' THEN EXISTS (SELECT 1 FROM products WHERE id = key)
    WHEN 'price' THEN EXISTS (SELECT 1 FROM models WHERE id = CAST(key AS INTEGER))
    WHEN 'activation' THEN EXISTS (SELECT 1 FROM activations WHERE number = CAST(key AS INTEGER))
    WHEN 'seat' THEN EXISTS (SELECT 1 FROM seats WHERE id = CAST(key AS INTEGER))
    WHEN 'invoice' THEN EXISTS (SELECT 1 FROM invoices WHERE number = key)
    WHEN 'capacity' THEN EXISTS (SELECT 1 FROM capacity
        WHERE organization_id = CAST(substr(key, 1, instr(key, ':') - 1) AS INTEGER)
          AND product_id = substr(key, instr(key, ':') + 1))
    WHEN 'device' THEN EXISTS (SELECT 1 FROM organization_devices
        WHERE organization_id = CAST(substr(key, 1, instr(key, ':') - 1) AS INTEGER)
          AND serial = substr(key, instr(key, ':') + 1))
    WHEN 'event' THEN EXISTS (SELECT 1 FROM audit WHERE id = CAST(key AS INTEGER))
    ELSE 1 END";

/// Forgets deleted objects: removes the change rows of objects that no longer exist and
/// raises `changes_floor` to the highest removed seq, so a cursor below it (which may
/// not have seen one of those deletions) is answered 410 and starts over. Returns how
/// many rows went.
pub fn prune_deleted(conn: &mut Connection) -> Result<usize, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let highest: Option<i64> = tx.query_row(
        &format!("SELECT MAX(seq) FROM changes WHERE NOT ({EXISTS})"),
        [],
        |row| row.get(0),
    )?;
    let Some(highest) = highest else {
        return Ok(0);
    };
    let removed = tx.execute(&format!("DELETE FROM changes WHERE NOT ({EXISTS})"), [])?;
    let floor = changes_floor(&tx)?.max(highest);
    tx.execute(
        "UPDATE store_meta SET value = ? WHERE key = 'changes_floor'",
        params![floor.to_string()],
    )?;
    tx.commit()?;
    Ok(removed)
}
