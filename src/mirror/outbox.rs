//! The outbox: writes accepted while the portal could not be reached, kept in the
//! mirror file until the portal has answered them. Each item carries the
//! `Idempotency-Key` it is sent with, so an item sent again after a lost answer (or a
//! killed console) is applied once. An item the portal refuses becomes a conflict and
//! stays until the user dismisses it: nothing is dropped silently.

use super::{Mirror, MirrorError};
use crate::client::wire::EmergencyRequest;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// A write the console can queue (docs/DESIGN.md §6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OutboxAction {
    Bind {
        seat: i64,
        email: String,
    },
    Unbind {
        seat: i64,
    },
    Retry {
        number: i64,
    },
    Emergency {
        request: EmergencyRequest,
    },
    /// Activation of a list that was prechecked online.
    Activate {
        organization: i64,
        serials: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Waiting for the portal.
    Pending,
    /// The portal refused it; `message` says why. Kept until dismissed.
    Conflict,
    /// The portal applied it.
    Done,
}

impl OutboxState {
    fn as_sql(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Conflict => "conflict",
            OutboxState::Done => "done",
        }
    }

    fn from_sql(value: &str) -> OutboxState {
        match value {
            "conflict" => OutboxState::Conflict,
            "done" => OutboxState::Done,
            _ => OutboxState::Pending,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub action: OutboxAction,
    pub idempotency_key: String,
    pub state: OutboxState,
    pub attempts: u32,
    /// The last failure (pending) or the portal's refusal (conflict).
    pub message: Option<String>,
}

pub(super) fn create_table(conn: &Connection) -> Result<(), MirrorError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at      TEXT NOT NULL,
            action          TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            state           TEXT NOT NULL CHECK (state IN ('pending', 'conflict', 'done')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            message         TEXT,
            updated_at      TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, id);",
    )?;
    Ok(())
}

fn now_sql(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

const COLUMNS: &str = "id, created_at, action, idempotency_key, state, attempts, message";

fn item_from_row(row: &Row<'_>) -> rusqlite::Result<Option<OutboxItem>> {
    let action: String = row.get(2)?;
    let created_at: String = row.get(1)?;
    let state: String = row.get(4)?;
    // A row this version cannot read (written by a newer one) is left alone.
    let Ok(action) = serde_json::from_str(&action) else {
        return Ok(None);
    };
    let Ok(created_at) = DateTime::parse_from_rfc3339(&created_at) else {
        return Ok(None);
    };
    Ok(Some(OutboxItem {
        id: row.get(0)?,
        created_at: created_at.with_timezone(&Utc),
        action,
        idempotency_key: row.get(3)?,
        state: OutboxState::from_sql(&state),
        attempts: u32::try_from(row.get::<_, i64>(5)?).unwrap_or(0),
        message: row.get(6)?,
    }))
}

impl Mirror {
    /// Queues `action` durably (the row is committed before this returns). The same
    /// key queued twice (a confirmation pressed again) answers the existing item.
    pub fn enqueue(
        &self,
        action: &OutboxAction,
        idempotency_key: &str,
        now: DateTime<Utc>,
    ) -> Result<OutboxItem, MirrorError> {
        let text = serde_json::to_string(action).map_err(|e| MirrorError::Task(e.to_string()))?;
        self.with_conn(|conn| {
            conn.execute(
                "INSERT INTO outbox (created_at, action, idempotency_key, state, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?1)
                 ON CONFLICT (idempotency_key) DO NOTHING",
                params![now_sql(now), text, idempotency_key],
            )?;
            let item = conn
                .query_row(
                    &format!("SELECT {COLUMNS} FROM outbox WHERE idempotency_key = ?"),
                    [idempotency_key],
                    item_from_row,
                )
                .optional()?
                .flatten();
            item.ok_or_else(|| MirrorError::Task("the queued item could not be read back".into()))
        })
    }

    /// Items still waiting, oldest first (the order they are sent in).
    pub fn pending(&self) -> Result<Vec<OutboxItem>, MirrorError> {
        self.items("state = 'pending'")
    }

    /// What the user should see: everything pending or refused, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>, MirrorError> {
        self.items("state IN ('pending', 'conflict')")
    }

    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>, MirrorError> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?"),
                    [id],
                    item_from_row,
                )
                .optional()?
                .flatten())
        })
    }

    fn items(&self, condition: &'static str) -> Result<Vec<OutboxItem>, MirrorError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE {condition} ORDER BY id"
            ))?;
            let rows = stmt.query_map([], item_from_row)?;
            let mut items = Vec::new();
            for row in rows {
                items.extend(row?);
            }
            Ok(items)
        })
    }

    /// Records the outcome of one send.
    pub fn settle(
        &self,
        id: i64,
        state: OutboxState,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), MirrorError> {
        self.with_conn(|conn| {
            conn.execute(
                "UPDATE outbox SET state = ?, message = ?, attempts = attempts + 1, updated_at = ?
                 WHERE id = ?",
                params![state.as_sql(), message, now_sql(now), id],
            )?;
            Ok(())
        })
    }

    /// Takes a queued item out before it is sent; false when it is not pending (sent,
    /// refused, or gone). Call it through [`super::sync::cancel_queued`], which waits
    /// for a send in progress, so an item is never cancelled while it is on the wire.
    pub fn cancel(&self, id: i64) -> Result<bool, MirrorError> {
        self.with_conn(|conn| {
            let removed = conn.execute(
                "DELETE FROM outbox WHERE id = ? AND state = 'pending'",
                [id],
            )?;
            Ok(removed == 1)
        })
    }

    /// The user has seen a conflict: it leaves the list (the row is kept as done).
    pub fn dismiss(&self, id: i64, now: DateTime<Utc>) -> Result<bool, MirrorError> {
        self.with_conn(|conn| {
            let changed = conn.execute(
                "UPDATE outbox SET state = 'done', updated_at = ? WHERE id = ? AND state = 'conflict'",
                params![now_sql(now), id],
            )?;
            Ok(changed == 1)
        })
    }
}
