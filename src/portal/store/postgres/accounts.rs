//! Accounts and the token lifecycle on PostgreSQL (SQLite's `sqlite/accounts.rs` and
//! `sqlite/tokens.rs` say what each does). Concurrency: the e-mail's UNIQUE constraint
//! decides between two creations of one account (the loser is told it exists); an
//! invitation is taken with `FOR UPDATE`, so two acceptances cannot both set the
//! password; revoking is one UPDATE that keeps the first `revoked_at`.

use super::StoreError;
use super::reads::organization_refs;
use crate::client::wire::{AccountInfo, Role, TokenInfo};
use crate::portal::access_rules;
use crate::portal::error::ApiError;
use crate::portal::rules::organization_not_found;
use crate::portal::store::access_lists::audit_organization;
use crate::portal::store::access_rows::{self, AccountRow, TOUCH_EVERY, TokenRow};
use crate::portal::store::text::{optional, timestamp_from_sql, timestamp_to_sql};
use crate::portal::store::{
    Actor, CodeUse, LoginAccount, NewAccount, NewToken, TokenGrant, Writer,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use tokio_postgres::{GenericClient, Transaction};

pub async fn token_grant(
    db: &impl GenericClient,
    hash: &str,
) -> Result<Option<TokenGrant>, StoreError> {
    let Some(row) = db
        .query_opt(
            "SELECT t.id, t.role, COALESCE(a.email, t.label), t.account_id, t.expires_at,
                    t.revoked_at, t.last_used_at
               FROM tokens t LEFT JOIN accounts a ON a.id = t.account_id
              WHERE t.hash = $1",
            &[&hash],
        )
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get(0)?;
    let role: String = row.try_get(1)?;
    let organizations: Vec<i64> = db
        .query(
            "SELECT organization_id FROM token_organizations WHERE token_id = $1
             ORDER BY organization_id",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(Some(TokenGrant {
        token_id: id,
        role: access_rows::role(&role)?,
        label: row.try_get(2)?,
        organizations: organization_refs(db, &organizations).await?,
        account_id: row.try_get(3)?,
        expires_at: optional(row.try_get(4)?, |v| {
            timestamp_from_sql("tokens.expires_at", v)
        })?,
        revoked_at: optional(row.try_get(5)?, |v| {
            timestamp_from_sql("tokens.revoked_at", v)
        })?,
        last_used_at: optional(row.try_get(6)?, |v| {
            timestamp_from_sql("tokens.last_used_at", v)
        })?,
    }))
}

pub async fn touch(db: &impl GenericClient, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    db.execute(
        "UPDATE tokens SET last_used_at = $1
          WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
        &[
            &timestamp_to_sql(now),
            &id,
            &timestamp_to_sql(now - TOUCH_EVERY),
        ],
    )
    .await?;
    Ok(())
}

async fn known_organizations(
    db: &impl GenericClient,
    lists: impl Iterator<Item = &Vec<i64>>,
) -> Result<HashMap<i64, crate::client::wire::OrgRef>, StoreError> {
    let ids = access_rows::organization_ids(lists);
    Ok(organization_refs(db, &ids)
        .await?
        .into_iter()
        .map(|org| (org.id, org))
        .collect())
}

/// Tokens, newest first: all, or the one `only` names.
pub async fn tokens(
    db: &impl GenericClient,
    only: Option<i64>,
) -> Result<Vec<TokenInfo>, StoreError> {
    let mut rows: Vec<TokenRow> = db
        .query(
            "SELECT t.id, t.label, a.email, t.role, t.created_at, t.expires_at, t.last_used_at,
                    t.revoked_at
               FROM tokens t LEFT JOIN accounts a ON a.id = t.account_id
              WHERE $1::bigint IS NULL OR t.id = $1
              ORDER BY t.id DESC",
            &[&only],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(TokenRow {
                id: row.try_get(0)?,
                label: row.try_get(1)?,
                account: row.try_get(2)?,
                role: row.try_get(3)?,
                created_at: row.try_get(4)?,
                expires_at: row.try_get(5)?,
                last_used_at: row.try_get(6)?,
                revoked_at: row.try_get(7)?,
                organizations: Vec::new(),
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()?;
    let pairs = db
        .query(
            "SELECT token_id, organization_id FROM token_organizations
              WHERE $1::bigint IS NULL OR token_id = $1",
            &[&only],
        )
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<(i64, i64)>, tokio_postgres::Error>>()?;
    let mut by_token = access_rows::group(pairs);
    for row in &mut rows {
        row.organizations = by_token.remove(&row.id).unwrap_or_default();
    }
    let known = known_organizations(db, rows.iter().map(|r| &r.organizations)).await?;
    rows.into_iter()
        .map(|row| access_rows::token_info(row, &known))
        .collect()
}

pub async fn login_account(
    db: &impl GenericClient,
    email: &str,
) -> Result<Option<LoginAccount>, StoreError> {
    let row = db
        .query_opt(
            "SELECT id, password_hash, disabled_at IS NOT NULL FROM accounts WHERE email = $1",
            &[&email],
        )
        .await?;
    row.map(|row| {
        Ok(LoginAccount {
            id: row.try_get(0)?,
            password_hash: row.try_get(1)?,
            disabled: row.try_get(2)?,
        })
    })
    .transpose()
}

/// Accounts (all with None), by e-mail.
pub async fn accounts(
    db: &impl GenericClient,
    only: Option<i64>,
) -> Result<Vec<AccountInfo>, StoreError> {
    let mut rows: Vec<AccountRow> = db
        .query(
            "SELECT id, email, role, password_hash IS NOT NULL, invitation_expires_at,
                    created_at, created_by, disabled_at
               FROM accounts WHERE $1::bigint IS NULL OR id = $1 ORDER BY email",
            &[&only],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(AccountRow {
                id: row.try_get(0)?,
                email: row.try_get(1)?,
                role: row.try_get(2)?,
                has_password: row.try_get(3)?,
                invitation_expires_at: row.try_get(4)?,
                created_at: row.try_get(5)?,
                created_by: row.try_get(6)?,
                disabled_at: row.try_get(7)?,
                organizations: Vec::new(),
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()?;
    let pairs = db
        .query(
            "SELECT account_id, organization_id FROM account_organizations
              WHERE $1::bigint IS NULL OR account_id = $1",
            &[&only],
        )
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<(i64, i64)>, tokio_postgres::Error>>()?;
    let mut by_account = access_rows::group(pairs);
    for row in &mut rows {
        row.organizations = by_account.remove(&row.id).unwrap_or_default();
    }
    let known = known_organizations(db, rows.iter().map(|r| &r.organizations)).await?;
    rows.into_iter()
        .map(|row| access_rows::account_info(row, &known))
        .collect()
}

pub(super) async fn one(db: &impl GenericClient, id: i64) -> Result<AccountInfo, StoreError> {
    accounts(db, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Invalid(format!("account {id} vanished")))
}

pub async fn create(
    tx: &Transaction<'_>,
    account: &NewAccount,
    writer: &Writer,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    for id in &account.organizations {
        let exists = tx
            .query_opt("SELECT 1 FROM organizations WHERE id = $1", &[id])
            .await?
            .is_some();
        if !exists {
            return Ok(Err(organization_not_found(*id)));
        }
    }
    let inserted = tx
        .query_opt(
            "INSERT INTO accounts (email, role, password_hash, invitation_hash,
                                   invitation_expires_at, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (email) DO NOTHING
             RETURNING id",
            &[
                &account.email,
                &account.role.as_str(),
                &account.password_hash,
                &account.invitation_hash,
                &account.invitation_expires_at.map(timestamp_to_sql),
                &timestamp_to_sql(writer.now),
                &writer.label,
            ],
        )
        .await?;
    let Some(row) = inserted else {
        return Ok(Err(access_rules::account_exists(&account.email)));
    };
    let id: i64 = row.try_get(0)?;
    tx.execute(
        "INSERT INTO account_organizations (account_id, organization_id)
         SELECT $1::bigint, unnest($2::bigint[])",
        &[&id, &account.organizations],
    )
    .await?;
    let created = one(tx, id).await?;
    let action = if account.password_hash.is_some() {
        "account.created"
    } else {
        "account.invited"
    };
    audit_account(tx, writer.now, writer.actor(), action, &created).await?;
    Ok(Ok(created))
}

/// One audit record of an access change (organization as [`audit_organization`]).
async fn audit(
    tx: &impl GenericClient,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    object: String,
    organization_id: Option<i64>,
    after: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)",
        &[
            &timestamp_to_sql(at),
            &actor.label,
            &action,
            &object,
            &organization_id,
            &after.as_ref().map(|v| v.to_string()),
            &actor.request_id,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn audit_account(
    tx: &impl GenericClient,
    at: DateTime<Utc>,
    actor: Actor<'_>,
    action: &str,
    account: &AccountInfo,
) -> Result<(), StoreError> {
    let organizations: Vec<i64> = account.organizations.iter().map(|o| o.id).collect();
    audit(
        tx,
        at,
        actor,
        action,
        format!("account:{}", account.id),
        audit_organization(account.role, &organizations),
        serde_json::to_value(account).ok(),
    )
    .await
}

pub(super) async fn audit_token(
    tx: &impl GenericClient,
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
    .await
}

/// Revokes the account's live tokens but `keep`, each recorded; answers how many.
pub(super) async fn revoke_all_of(
    tx: &Transaction<'_>,
    account_id: i64,
    keep: Option<i64>,
    at: DateTime<Utc>,
    actor: Actor<'_>,
) -> Result<u32, StoreError> {
    let ids: Vec<i64> = tx
        .query(
            "UPDATE tokens SET revoked_at = $1
              WHERE account_id = $2 AND revoked_at IS NULL
                AND ($3::bigint IS NULL OR id <> $3)
             RETURNING id",
            &[&timestamp_to_sql(at), &account_id, &keep],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    for id in &ids {
        if let Some(token) = tokens(tx, Some(*id)).await?.into_iter().next() {
            audit_token(tx, at, actor, "token.revoked", &token).await?;
        }
    }
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// Sets the password of the account whose pending invitation or reset code has this
/// hash, once, revoking its tokens; the actor is the account itself.
pub async fn accept_invitation(
    tx: &Transaction<'_>,
    invitation_hash: &str,
    password_hash: &str,
    replay_since: DateTime<Utc>,
    writer: &Writer,
) -> Result<Result<CodeUse, ApiError>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT id, email, password_hash IS NOT NULL FROM accounts
              WHERE invitation_hash = $1 AND invitation_expires_at > $2 AND disabled_at IS NULL
              FOR UPDATE",
            &[&invitation_hash, &timestamp_to_sql(writer.now)],
        )
        .await?;
    let Some(row) = row else {
        let used = tx
            .query_opt(
                "SELECT id, password_hash FROM accounts
                  WHERE used_code_hash = $1 AND used_code_at > $2 AND disabled_at IS NULL",
                &[&invitation_hash, &timestamp_to_sql(replay_since)],
            )
            .await?;
        return Ok(match used {
            Some(row) => Ok(CodeUse::Used {
                account: one(tx, row.try_get(0)?).await?,
                password_hash: row.try_get(1)?,
            }),
            None => Err(access_rules::invitation_not_found()),
        });
    };
    let id: i64 = row.try_get(0)?;
    let email: String = row.try_get(1)?;
    let had_password: bool = row.try_get(2)?;
    let now = timestamp_to_sql(writer.now);
    tx.execute(
        "UPDATE accounts SET password_hash = $1, invitation_hash = NULL,
                             invitation_expires_at = NULL,
                             used_code_hash = $2, used_code_at = $3
          WHERE id = $4",
        &[&password_hash, &invitation_hash, &now, &id],
    )
    .await?;
    let actor = Actor {
        label: &email,
        request_id: writer.request_id.as_deref(),
    };
    revoke_all_of(tx, id, None, writer.now, actor).await?;
    let account = one(tx, id).await?;
    let action = if had_password {
        "account.password_changed"
    } else {
        "account.invitation_accepted"
    };
    audit_account(tx, writer.now, actor, action, &account).await?;
    Ok(Ok(CodeUse::Set(account)))
}

/// Revokes one token, recording `token.revoked` when it was live.
pub async fn revoke_token(
    tx: &Transaction<'_>,
    token_id: i64,
    writer: &Writer,
) -> Result<Option<TokenInfo>, StoreError> {
    let changed = tx
        .execute(
            "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            &[&timestamp_to_sql(writer.now), &token_id],
        )
        .await?;
    let token = tokens(tx, Some(token_id)).await?.into_iter().next();
    if let (1, Some(token)) = (changed, &token) {
        audit_token(tx, writer.now, writer.actor(), "token.revoked", token).await?;
    }
    Ok(token)
}

/// One account by id.
pub async fn by_id(db: &impl GenericClient, id: i64) -> Result<Option<AccountInfo>, StoreError> {
    Ok(accounts(db, Some(id)).await?.into_iter().next())
}

pub async fn issue_token(
    tx: &Transaction<'_>,
    account_id: i64,
    token: &NewToken,
    writer: &Writer,
) -> Result<Option<TokenInfo>, StoreError> {
    let now = writer.now;
    // FOR SHARE: a disable committing meanwhile waits, and revokes this token too.
    let row = tx
        .query_opt(
            "SELECT role, disabled_at IS NOT NULL FROM accounts WHERE id = $1 FOR SHARE",
            &[&account_id],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.try_get::<_, bool>(1)? {
        return Ok(None);
    }
    let role = access_rows::role(&row.try_get::<_, String>(0)?)?;
    let organizations: Vec<i64> = if role == Role::Operator {
        tx.query("SELECT id FROM organizations ORDER BY id", &[])
            .await?
    } else {
        tx.query(
            "SELECT organization_id FROM account_organizations WHERE account_id = $1
             ORDER BY organization_id",
            &[&account_id],
        )
        .await?
    }
    .iter()
    .map(|row| row.try_get(0))
    .collect::<Result<_, _>>()?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO tokens (hash, role, label, created_at, account_id, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &token.hash,
                &role.as_str(),
                &token.label,
                &timestamp_to_sql(now),
                &account_id,
                &timestamp_to_sql(token.expires_at),
            ],
        )
        .await?
        .try_get(0)?;
    tx.execute(
        "INSERT INTO token_organizations (token_id, organization_id)
         SELECT $1::bigint, unnest($2::bigint[])",
        &[&id, &organizations],
    )
    .await?;
    let info = tokens(tx, Some(id)).await?.into_iter().next();
    if let Some(info) = &info {
        audit_token(tx, now, writer.actor(), "token.created", info).await?;
    }
    Ok(info)
}

/// Disables an account and revokes its tokens, each change recorded.
pub async fn disable(
    tx: &Transaction<'_>,
    account_id: i64,
    writer: &Writer,
) -> Result<Option<AccountInfo>, StoreError> {
    let at = timestamp_to_sql(writer.now);
    let row = tx
        .query_opt(
            "SELECT disabled_at IS NULL FROM accounts WHERE id = $1 FOR UPDATE",
            &[&account_id],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let was_enabled: bool = row.try_get(0)?;
    tx.execute(
        "UPDATE accounts SET disabled_at = COALESCE(disabled_at, $1),
                             invitation_hash = NULL, invitation_expires_at = NULL
          WHERE id = $2",
        &[&at, &account_id],
    )
    .await?;
    revoke_all_of(tx, account_id, None, writer.now, writer.actor()).await?;
    let account = one(tx, account_id).await?;
    if was_enabled {
        audit_account(tx, writer.now, writer.actor(), "account.disabled", &account).await?;
    }
    Ok(Some(account))
}
