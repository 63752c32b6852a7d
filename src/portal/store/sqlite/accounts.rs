//! Accounts: an e-mail, a role, organizations and an argon2id password hash (or a
//! pending invitation). Writes run in IMMEDIATE transactions (SQLite's one writer).

use super::{StoreError, catalog, timestamp_to_sql, tokens};
use crate::client::access::PasswordChanged;
use crate::client::wire::{AccountInfo, Role, TokenInfo};
use crate::portal::access_rules as rules;
use crate::portal::error::ApiError;
use crate::portal::rules::organization_not_found;
use crate::portal::store::access_lists::audit_organization;
use crate::portal::store::access_rows::{self, AccountRow};
use crate::portal::store::{
    Actor, CodeUse, LoginAccount, NewAccount, NewToken, PasswordUpdate, Writer,
};
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

/// One audit record of an access change (organization as [`audit_organization`]).
pub fn audit(
    tx: &Connection,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    object: String,
    organization_id: Option<i64>,
    after: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
    )?
    .execute(params![
        timestamp_to_sql(at),
        actor.label,
        action,
        object,
        organization_id,
        after.as_ref().map(|v| v.to_string()),
        actor.request_id,
    ])?;
    Ok(())
}

fn org_ids(account: &AccountInfo) -> Vec<i64> {
    account.organizations.iter().map(|o| o.id).collect()
}

/// Records an account change, the account as it is after it.
fn audit_account(
    tx: &Connection,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    account: &AccountInfo,
) -> Result<(), StoreError> {
    audit(
        tx,
        at,
        actor,
        action,
        format!("account:{}", account.id),
        audit_organization(account.role, &org_ids(account)),
        serde_json::to_value(account).ok(),
    )
}

/// Records a token change, the token (never its secret) as it is after it.
pub fn audit_token(
    tx: &Connection,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    token: &TokenInfo,
) -> Result<(), StoreError> {
    let organizations: Vec<i64> = token.organizations.iter().map(|o| o.id).collect();
    audit(
        tx,
        at,
        actor,
        action,
        format!("token:{}", token.id),
        audit_organization(token.role, &organizations),
        serde_json::to_value(token).ok(),
    )
}

/// Revokes the account's live tokens but `keep`, each with its audit record; answers
/// how many.
fn revoke_all_of(
    tx: &Connection,
    account_id: i64,
    keep: Option<i64>,
    at: DateTime<Utc>,
    actor: Actor<'_>,
) -> Result<u32, StoreError> {
    let ids: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM tokens WHERE account_id = ?1 AND revoked_at IS NULL
               AND (?2 IS NULL OR id <> ?2) ORDER BY id",
        )?
        .query_map(params![account_id, keep], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        if let Some(token) = tokens::revoke(tx, *id, at)? {
            audit_token(tx, at, actor, "token.revoked", &token)?;
        }
    }
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// Creates an account inside `write_once`'s transaction, recording `account.created`
/// (with a password) or `account.invited`.
pub fn create(
    tx: &Connection,
    account: &NewAccount,
    writer: &Writer,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    let taken = tx
        .prepare_cached("SELECT 1 FROM accounts WHERE email = ?")?
        .query_row([&account.email], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Ok(Err(rules::account_exists(&account.email)));
    }
    for id in &account.organizations {
        if !catalog::organization_exists(tx, *id)? {
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
    let created = one(tx, id)?;
    let action = if account.password_hash.is_some() {
        "account.created"
    } else {
        "account.invited"
    };
    audit_account(tx, writer.now, writer.actor(), action, &created)?;
    Ok(Ok(created))
}

/// Sets the password of the account whose pending invitation or reset code has this
/// hash, once, and revokes every token of it; the actor is the account itself.
pub fn accept_invitation(
    conn: &mut Connection,
    invitation_hash: &str,
    password_hash: &str,
    replay_since: DateTime<Utc>,
    writer: &Writer,
) -> Result<Result<CodeUse, ApiError>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: Option<(i64, String, bool)> = tx
        .prepare_cached(
            "SELECT id, email, password_hash IS NOT NULL FROM accounts
              WHERE invitation_hash = ? AND invitation_expires_at > ? AND disabled_at IS NULL",
        )?
        .query_row(
            params![invitation_hash, timestamp_to_sql(writer.now)],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((id, email, had_password)) = found else {
        let used: Option<(i64, Option<String>)> = tx
            .prepare_cached(
                "SELECT id, password_hash FROM accounts
                  WHERE used_code_hash = ? AND used_code_at > ? AND disabled_at IS NULL",
            )?
            .query_row(
                params![invitation_hash, timestamp_to_sql(replay_since)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        return Ok(match used {
            Some((id, password_hash)) => Ok(CodeUse::Used {
                account: one(&tx, id)?,
                password_hash,
            }),
            None => Err(rules::invitation_not_found()),
        });
    };
    tx.prepare_cached(
        "UPDATE accounts SET password_hash = ?, invitation_hash = NULL,
                             invitation_expires_at = NULL,
                             used_code_hash = ?, used_code_at = ?
          WHERE id = ?",
    )?
    .execute(params![
        password_hash,
        invitation_hash,
        timestamp_to_sql(writer.now),
        id
    ])?;
    let actor = Actor {
        label: &email,
        request_id: writer.request_id.as_deref(),
    };
    revoke_all_of(&tx, id, None, writer.now, actor)?;
    let account = one(&tx, id)?;
    let action = if had_password {
        "account.password_changed"
    } else {
        "account.invitation_accepted"
    };
    audit_account(&tx, writer.now, actor, action, &account)?;
    tx.commit()?;
    Ok(Ok(CodeUse::Set(account)))
}

/// Sets the account's new password (inside `write_once`), revoking its tokens but the
/// one that asked; refused when the route found the current password wrong.
pub fn change_password(
    tx: &Connection,
    update: &PasswordUpdate,
    writer: &Writer,
) -> Result<Result<PasswordChanged, ApiError>, StoreError> {
    let Some(hash) = &update.password_hash else {
        return Ok(Err(rules::wrong_password()));
    };
    let changed = tx
        .prepare_cached(
            "UPDATE accounts SET password_hash = ? WHERE id = ? AND disabled_at IS NULL",
        )?
        .execute(params![hash, update.account_id])?;
    if changed == 0 {
        return Ok(Err(rules::account_not_found(update.account_id)));
    }
    let revoked = revoke_all_of(
        tx,
        update.account_id,
        Some(update.keep_token),
        writer.now,
        writer.actor(),
    )?;
    let account = one(tx, update.account_id)?;
    audit_account(
        tx,
        writer.now,
        writer.actor(),
        "account.password_changed",
        &account,
    )?;
    Ok(Ok(PasswordChanged {
        account,
        revoked_tokens: revoked,
    }))
}

/// Gives the account a one-time reset code (its hash), replacing any pending code;
/// the password stays until the code is used. Refused for a disabled account.
pub fn issue_reset(
    conn: &mut Connection,
    account_id: i64,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    writer: &Writer,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let disabled: Option<bool> = tx
        .prepare_cached("SELECT disabled_at IS NOT NULL FROM accounts WHERE id = ?")?
        .query_row([account_id], |row| row.get(0))
        .optional()?;
    match disabled {
        None => return Ok(Err(rules::account_not_found(account_id))),
        Some(true) => return Ok(Err(rules::account_disabled(account_id))),
        Some(false) => {}
    }
    tx.prepare_cached(
        "UPDATE accounts SET invitation_hash = ?, invitation_expires_at = ? WHERE id = ?",
    )?
    .execute(params![code_hash, timestamp_to_sql(expires_at), account_id])?;
    let account = one(&tx, account_id)?;
    audit_account(
        &tx,
        writer.now,
        writer.actor(),
        "account.password_reset",
        &account,
    )?;
    tx.commit()?;
    Ok(Ok(account))
}

pub fn issue_token(
    conn: &mut Connection,
    account_id: i64,
    token: &NewToken,
    writer: &Writer,
) -> Result<Option<TokenInfo>, StoreError> {
    let now = writer.now;
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
    if let Some(info) = &info {
        audit_token(&tx, now, writer.actor(), "token.created", info)?;
    }
    tx.commit()?;
    Ok(info)
}

/// Disables an account and revokes its tokens, each change recorded.
pub fn disable(
    conn: &mut Connection,
    account_id: i64,
    writer: &Writer,
) -> Result<Option<AccountInfo>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let at = timestamp_to_sql(writer.now);
    let was_enabled: Option<bool> = tx
        .prepare_cached("SELECT disabled_at IS NULL FROM accounts WHERE id = ?")?
        .query_row([account_id], |row| row.get(0))
        .optional()?;
    let Some(was_enabled) = was_enabled else {
        return Ok(None);
    };
    tx.prepare_cached(
        "UPDATE accounts SET disabled_at = COALESCE(disabled_at, ?1),
                             invitation_hash = NULL, invitation_expires_at = NULL
          WHERE id = ?2",
    )?
    .execute(params![at, account_id])?;
    revoke_all_of(&tx, account_id, None, writer.now, writer.actor())?;
    let account = one(&tx, account_id)?;
    if was_enabled {
        audit_account(
            &tx,
            writer.now,
            writer.actor(),
            "account.disabled",
            &account,
        )?;
    }
    tx.commit()?;
    Ok(Some(account))
}

/// One account by id.
pub fn by_id(conn: &Connection, id: i64) -> Result<Option<AccountInfo>, StoreError> {
    Ok(list(conn, Some(id))?.into_iter().next())
}

/// Revokes one token (a revoked one keeps its first time), recording `token.revoked`
/// when it was live; None when there is no such token.
pub fn revoke_token(
    conn: &mut Connection,
    token_id: i64,
    writer: &Writer,
) -> Result<Option<TokenInfo>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let live: Option<bool> = tx
        .prepare_cached("SELECT revoked_at IS NULL FROM tokens WHERE id = ?")?
        .query_row([token_id], |row| row.get(0))
        .optional()?;
    let Some(live) = live else {
        return Ok(None);
    };
    let revoked = tokens::revoke(&tx, token_id, writer.now)?;
    if let (true, Some(token)) = (live, &revoked) {
        audit_token(&tx, writer.now, writer.actor(), "token.revoked", token)?;
    }
    tx.commit()?;
    Ok(revoked)
}
