//! Accounts: an e-mail, a role, organizations and an argon2id password hash (or a
//! pending invitation). Writes run in IMMEDIATE transactions (SQLite's one writer).

use super::{StoreError, catalog, timestamp_to_sql, tokens};
use crate::client::wire::{AccountInfo, Role, TokenInfo};
use crate::portal::access_rules as rules;
use crate::portal::error::ApiError;
use crate::portal::rules::organization_not_found;
use crate::portal::store::access_rows::{self, AccountRow};
use crate::portal::store::{LoginAccount, NewAccount, NewToken, Writer};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub fn login_account(conn: &Connection, email: &str) -> Result<Option<LoginAccount>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, password_hash, disabled_at IS NOT NULL FROM accounts WHERE email = ?",
        )?
        .query_row([email], |row| {
            Ok(LoginAccount {
                id: row.get(0)?,
                password_hash: row.get(1)?,
                disabled: row.get(2)?,
            })
        })
        .optional()?)
}

/// Accounts by id (all of them with None), ordered by e-mail.
pub fn list(conn: &Connection, only: Option<i64>) -> Result<Vec<AccountInfo>, StoreError> {
    let mut rows: Vec<AccountRow> = conn
        .prepare_cached(
            "SELECT id, email, role, password_hash IS NOT NULL, invitation_expires_at,
                    created_at, created_by, disabled_at
               FROM accounts WHERE ?1 IS NULL OR id = ?1 ORDER BY email",
        )?
        .query_map([only], |row| {
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
        })?
        .collect::<Result<_, _>>()?;
    let mut by_account = tokens::organizations_by_owner(
        conn,
        "SELECT account_id, organization_id FROM account_organizations
          WHERE ?1 IS NULL OR account_id = ?1",
        only,
    )?;
    for row in &mut rows {
        row.organizations = by_account.remove(&row.id).unwrap_or_default();
    }
    let known = tokens::known_organizations(conn, rows.iter().map(|r| &r.organizations))?;
    rows.into_iter()
        .map(|row| access_rows::account_info(row, &known))
        .collect()
}

fn one(conn: &Connection, id: i64) -> Result<AccountInfo, StoreError> {
    list(conn, Some(id))?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Invalid(format!("account {id} vanished")))
}

pub fn create(
    conn: &mut Connection,
    account: &NewAccount,
    writer: &Writer,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let taken = tx
        .prepare_cached("SELECT 1 FROM accounts WHERE email = ?")?
        .query_row([&account.email], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Ok(Err(rules::account_exists(&account.email)));
    }
    for id in &account.organizations {
        if !catalog::organization_exists(&tx, *id)? {
            return Ok(Err(organization_not_found(*id)));
        }
    }
    tx.prepare_cached(
        "INSERT INTO accounts (email, role, password_hash, invitation_hash,
                               invitation_expires_at, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        account.email,
        account.role.as_str(),
        account.password_hash,
        account.invitation_hash,
        account.invitation_expires_at.map(timestamp_to_sql),
        timestamp_to_sql(writer.now),
        writer.label,
    ])?;
    let id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO account_organizations (account_id, organization_id) VALUES (?, ?)",
        )?;
        for organization in &account.organizations {
            stmt.execute(params![id, organization])?;
        }
    }
    let created = one(&tx, id)?;
    tx.commit()?;
    Ok(Ok(created))
}

pub fn accept_invitation(
    conn: &mut Connection,
    invitation_hash: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM accounts
              WHERE invitation_hash = ? AND invitation_expires_at > ? AND disabled_at IS NULL",
        )?
        .query_row(params![invitation_hash, timestamp_to_sql(now)], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(id) = id else {
        return Ok(Err(rules::invitation_not_found()));
    };
    tx.prepare_cached(
        "UPDATE accounts SET password_hash = ?, invitation_hash = NULL,
                             invitation_expires_at = NULL
          WHERE id = ?",
    )?
    .execute(params![password_hash, id])?;
    let account = one(&tx, id)?;
    tx.commit()?;
    Ok(Ok(account))
}

pub fn issue_token(
    conn: &mut Connection,
    account_id: i64,
    token: &NewToken,
    now: DateTime<Utc>,
) -> Result<Option<TokenInfo>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: Option<(String, bool)> = tx
        .prepare_cached("SELECT role, disabled_at IS NOT NULL FROM accounts WHERE id = ?")?
        .query_row([account_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((role, false)) = found else {
        return Ok(None);
    };
    let role = access_rows::role(&role)?;
    let organizations: Vec<i64> = if role == Role::Operator {
        catalog::all_organization_ids(&tx)?
    } else {
        tx.prepare_cached(
            "SELECT organization_id FROM account_organizations WHERE account_id = ?
              ORDER BY organization_id",
        )?
        .query_map([account_id], |row| row.get(0))?
        .collect::<Result<_, _>>()?
    };
    let id = tokens::insert_in(
        &tx,
        &token.hash,
        role,
        &token.label,
        &organizations,
        now,
        Some(account_id),
        Some(token.expires_at),
    )?;
    let info = tokens::list(&tx, Some(id))?.into_iter().next();
    tx.commit()?;
    Ok(info)
}

pub fn disable(
    conn: &mut Connection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<AccountInfo>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let at = timestamp_to_sql(now);
    let changed = tx
        .prepare_cached(
            "UPDATE accounts SET disabled_at = COALESCE(disabled_at, ?1),
                                 invitation_hash = NULL, invitation_expires_at = NULL
              WHERE id = ?2",
        )?
        .execute(params![at, account_id])?;
    if changed == 0 {
        return Ok(None);
    }
    tx.prepare_cached(
        "UPDATE tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
    )?
    .execute(params![at, account_id])?;
    let account = one(&tx, account_id)?;
    tx.commit()?;
    Ok(Some(account))
}
