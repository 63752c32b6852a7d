//! `GET /tokens` and `GET /accounts` on SQLite: the plans of `store::access_lists`, each
//! page in one read.

use super::StoreError;
use super::activations::sql_args;
use super::tokens::known_organizations;
use crate::client::access::CursorPage;
use crate::client::wire::{AccountInfo, TokenInfo};
use crate::portal::store::access_lists::{self, AccessCursor, AccessQuery};
use crate::portal::store::access_rows::{self, AccountRow, TokenRow};
use crate::portal::store::activation_list::{Dialect, Query};
use rusqlite::{Connection, Row, params_from_iter};
use std::collections::HashMap;

fn rows<T>(
    conn: &Connection,
    query: &Query,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let args = sql_args(&query.args);
    let mut stmt = conn.prepare_cached(&query.sql)?;
    let found = stmt
        .query_map(params_from_iter(&args), read)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(found)
}

fn organizations(
    conn: &Connection,
    table: &str,
    owner: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let query = access_lists::organizations_query(table, owner, ids, Dialect::Sqlite);
    let pairs = rows(conn, &query, |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(access_rows::group(pairs))
}

pub fn tokens(conn: &Connection, query: &AccessQuery) -> Result<CursorPage<TokenInfo>, StoreError> {
    let plan = access_lists::tokens_query(query, Dialect::Sqlite);
    let mut found: Vec<TokenRow> = rows(conn, &plan, |row| {
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
    })?;
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let mut by_token = organizations(conn, "token_organizations", "token_id", &ids)?;
    for row in &mut found {
        row.organizations = by_token.remove(&row.id).unwrap_or_default();
    }
    let known = known_organizations(conn, found.iter().map(|r| &r.organizations))?;
    let items = found
        .into_iter()
        .map(|row| access_rows::token_info(row, &known))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(access_lists::finish(query.per_page, items, |t| {
        AccessCursor::Token(t.id)
    }))
}

pub fn accounts(
    conn: &Connection,
    query: &AccessQuery,
) -> Result<CursorPage<AccountInfo>, StoreError> {
    let plan = access_lists::accounts_query(query, Dialect::Sqlite);
    let mut found: Vec<AccountRow> = rows(conn, &plan, |row| {
        Ok(AccountRow {
            id: row.get(0)?,
            email: row.get(1)?,
            role: row.get(2)?,
            has_password: row.get(3)?,
            invitation_expires_at: row.get(4)?,
            created_at: row.get(5)?,
            created_by: row.get(6)?,
            disabled_at: row.get(7)?,
            organizations: Vec::new(),
        })
    })?;
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let mut by_account = organizations(conn, "account_organizations", "account_id", &ids)?;
    for row in &mut found {
        row.organizations = by_account.remove(&row.id).unwrap_or_default();
    }
    let known = known_organizations(conn, found.iter().map(|r| &r.organizations))?;
    let items = found
        .into_iter()
        .map(|row| access_rows::account_info(row, &known))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(access_lists::finish(query.per_page, items, |a| {
        AccessCursor::Account(a.email.clone())
    }))
}
