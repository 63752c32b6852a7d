//! The audit log: who did what to which object, with the object before and after.
//! Written in the same transaction as the change it records.

use super::{StoreError, timestamp_from_sql, timestamp_to_sql};
use crate::client::wire::{AuditEntry, Page};
use crate::portal::store::Actor;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// One change to record.
pub struct Record<'a> {
    pub at: DateTime<Utc>,
    /// Who, and the request that made the change (None for the worker).
    pub actor: Actor<'a>,
    /// `seat.bound`, … (see `AuditEntry::action`).
    pub action: &'a str,
    /// `seat:17`, `activation:421`, `organization:1`, `key:DB49-…`.
    pub object: String,
    pub organization_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// JSON of a value for `before`/`after` (wire types always serialize).
pub fn json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub fn record(conn: &Connection, record: &Record<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        timestamp_to_sql(record.at),
        record.actor.label,
        record.action,
        record.object,
        record.organization_id,
        record.before.as_ref().map(|v| v.to_string()),
        record.after.as_ref().map(|v| v.to_string()),
        record.actor.request_id,
    ])?;
    // The change's webhook deliveries, in its transaction (docs/DESIGN.md §4.10).
    super::webhooks::enqueue(conn, record)
}

/// The organization an object belongs to, None when there is no such object.
pub fn object_organization(
    conn: &Connection,
    kind: &str,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    let sql = match kind {
        "activation" => "SELECT organization_id FROM activations WHERE number = ?",
        "seat" => "SELECT organization_id FROM seats WHERE id = ?",
        "organization" => "SELECT id FROM organizations WHERE id = ?",
        "key" => "SELECT organization_id FROM product_keys WHERE key = ?",
        "invoice" => "SELECT organization_id FROM invoices WHERE number = ?",
        _ => return Ok(None),
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

/// One object's history, newest first.
pub fn list(
    conn: &Connection,
    object: &str,
    page: u32,
    per_page: u32,
) -> Result<Page<AuditEntry>, StoreError> {
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM audit WHERE object = ?")?
        .query_row([object], |row| row.get(0))?;
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, object, before, after FROM audit WHERE object = ?
         ORDER BY id DESC LIMIT ? OFFSET ?",
    )?;
    let raw = stmt
        .query_map(params![object, i64::from(per_page), offset], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Option<String>>(5)?,
                row.get::<_, Option<String>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let parse_json = |column: &'static str, text: Option<String>| {
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| StoreError::BadValue { column, value: t })
        })
        .transpose()
    };
    let items = raw
        .into_iter()
        .map(|(id, at, actor, action, object, before, after)| {
            Ok(AuditEntry {
                id,
                at: timestamp_from_sql("audit.at", &at)?,
                actor,
                action,
                object,
                before: parse_json("audit.before", before)?,
                after: parse_json("audit.after", after)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::new(
        items,
        page,
        per_page,
        u64::try_from(total).unwrap_or(0),
    ))
}
