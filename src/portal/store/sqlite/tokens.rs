//! Bearer tokens: only the SHA-256 hash of a token is stored.

use super::{StoreError, timestamp_to_sql};
use crate::client::wire::Role;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// A token as the store knows it.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: i64,
    pub role: Role,
    pub label: String,
    pub organizations: Vec<i64>,
}

pub fn insert(
    conn: &mut Connection,
    hash: &str,
    role: Role,
    label: &str,
    organizations: &[i64],
    created_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let tx = conn.transaction()?;
    tx.prepare_cached("INSERT INTO tokens (hash, role, label, created_at) VALUES (?, ?, ?, ?)")?
        .execute(params![
            hash,
            role.as_str(),
            label,
            timestamp_to_sql(created_at)
        ])?;
    let token_id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO token_organizations (token_id, organization_id) VALUES (?, ?)",
        )?;
        for organization in organizations {
            stmt.execute(params![token_id, organization])?;
        }
    }
    tx.commit()?;
    Ok(token_id)
}

pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    let found = conn
        .prepare_cached("SELECT id, role, label FROM tokens WHERE hash = ?")?
        .query_row([hash], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    let Some((id, role, label)) = found else {
        return Ok(None);
    };
    let role = role.parse::<Role>().map_err(|_| StoreError::BadValue {
        column: "role",
        value: role.clone(),
    })?;
    let organizations = conn
        .prepare_cached("SELECT organization_id FROM token_organizations WHERE token_id = ? ORDER BY organization_id")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(Some(TokenRecord {
        id,
        role,
        label,
        organizations,
    }))
}
