//! Bearer tokens: only the SHA-256 hash of a token is stored. A token may belong to an
//! account (a login), expire, be revoked (never deleted) and remember its last use.

use super::{StoreError, catalog, timestamp_to_sql};
use crate::client::wire::{OrgRef, Role, TokenInfo};
use crate::portal::store::access_rows::{self, TOUCH_EVERY, TokenRow};
use crate::portal::store::text::{optional, timestamp_from_sql};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// A token as the store knows it.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: i64,
    pub role: Role,
    /// The account's e-mail for a login token, else the token's label.
    pub label: String,
    pub organizations: Vec<i64>,
    pub account_id: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
pub fn insert(
    conn: &mut Connection,
    hash: &str,
    role: Role,
    label: &str,
    organizations: &[i64],
    created_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let tx = conn.transaction()?;
    let token_id = insert_in(
        &tx,
        hash,
        role,
        label,
        organizations,
        created_at,
        None,
        None,
    )?;
    tx.commit()?;
    Ok(token_id)
}

/// Inserts a token and its organizations inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub fn insert_in(
    tx: &Connection,
    hash: &str,
    role: Role,
    label: &str,
    organizations: &[i64],
    created_at: DateTime<Utc>,
    account_id: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO tokens (hash, role, label, created_at, account_id, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        hash,
        role.as_str(),
        label,
        timestamp_to_sql(created_at),
        account_id,
        expires_at.map(timestamp_to_sql),
    ])?;
    let token_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO token_organizations (token_id, organization_id) VALUES (?, ?)",
    )?;
    for organization in organizations {
        stmt.execute(params![token_id, organization])?;
    }
    Ok(token_id)
}

pub fn find_by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    type Found = (
        i64,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let found: Option<Found> = conn
        .prepare_cached(
            "SELECT t.id, t.role, COALESCE(a.email, t.label), t.account_id, t.expires_at,
                    t.revoked_at, t.last_used_at
               FROM tokens t LEFT JOIN accounts a ON a.id = t.account_id
              WHERE t.hash = ?",
        )?
        .query_row([hash], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
            ))
        })
        .optional()?;
    let Some((id, role, label, account_id, expires_at, revoked_at, last_used_at)) = found else {
        return Ok(None);
    };
    let organizations = conn
        .prepare_cached("SELECT organization_id FROM token_organizations WHERE token_id = ? ORDER BY organization_id")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(Some(TokenRecord {
        id,
        role: access_rows::role(&role)?,
        label,
        organizations,
        account_id,
        expires_at: optional(expires_at, |v| timestamp_from_sql("tokens.expires_at", v))?,
        revoked_at: optional(revoked_at, |v| timestamp_from_sql("tokens.revoked_at", v))?,
        last_used_at: optional(last_used_at, |v| {
            timestamp_from_sql("tokens.last_used_at", v)
        })?,
    }))
}

/// Writes the last use unless the stored one is less than [`TOUCH_EVERY`] old.
pub fn touch(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE tokens SET last_used_at = ?1
          WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?3)",
    )?
    .execute(params![
        timestamp_to_sql(now),
        id,
        timestamp_to_sql(now - TOUCH_EVERY)
    ])?;
    Ok(())
}

/// Tokens, newest first: all of them, or the one `only` names.
pub fn list(conn: &Connection, only: Option<i64>) -> Result<Vec<TokenInfo>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.label, a.email, t.role, t.created_at, t.expires_at, t.last_used_at,
                t.revoked_at
           FROM tokens t LEFT JOIN accounts a ON a.id = t.account_id
          WHERE ?1 IS NULL OR t.id = ?1
          ORDER BY t.id DESC",
    )?;
    let mut rows: Vec<TokenRow> = stmt
        .query_map([only], |row| {
            Ok(TokenRow {
                id: row.get(0)?,
                label: row.get(1)?,
                account: row.get(2)?,
                role: row.get(3)?,
                created_at: row.get(4)?,
                expires_at: row.get(5)?,
                last_used_at: row.get(6)?,
                revoked_at: row.get(7)?,
                organizations: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut by_token = organizations_by_owner(
        conn,
        "SELECT token_id, organization_id FROM token_organizations
          WHERE ?1 IS NULL OR token_id = ?1",
        only,
    )?;
    for row in &mut rows {
        row.organizations = by_token.remove(&row.id).unwrap_or_default();
    }
    let known = known_organizations(conn, rows.iter().map(|r| &r.organizations))?;
    rows.into_iter()
        .map(|row| access_rows::token_info(row, &known))
        .collect()
}

/// The organizations of each owner (token or account) from `sql`, which selects
/// `(owner, organization)` pairs for one owner (`?1`) or, with NULL, every one.
pub(super) fn organizations_by_owner(
    conn: &Connection,
    sql: &str,
    only: Option<i64>,
) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let pairs = conn
        .prepare_cached(sql)?
        .query_map([only], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<Vec<(i64, i64)>, _>>()?;
    Ok(access_rows::group(pairs))
}

/// Every organization the lists name, by id, read once.
pub(super) fn known_organizations<'a>(
    conn: &Connection,
    lists: impl Iterator<Item = &'a Vec<i64>>,
) -> Result<HashMap<i64, OrgRef>, StoreError> {
    let ids = access_rows::organization_ids(lists);
    Ok(catalog::organization_refs(conn, &ids)?
        .into_iter()
        .map(|org| (org.id, org))
        .collect())
}

/// Revokes a token (a revoked one keeps its first time); None when there is none.
pub fn revoke(
    conn: &Connection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<TokenInfo>, StoreError> {
    conn.prepare_cached("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")?
        .execute(params![timestamp_to_sql(now), id])?;
    Ok(list(conn, Some(id))?.into_iter().next())
}
