//! Password changes and reset codes on PostgreSQL (issue 15; what each does is said
//! in `sqlite/accounts.rs`): the account row is locked for the change, so a disable
//! committing meanwhile waits.

use super::StoreError;
use super::accounts::{audit_account, one, revoke_all_of};
use crate::client::access::PasswordChanged;
use crate::client::wire::AccountInfo;
use crate::portal::access_rules;
use crate::portal::error::ApiError;
use crate::portal::store::text::timestamp_to_sql;
use crate::portal::store::{PasswordUpdate, Writer};
use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

/// Sets the account's new password (inside `write_once`), revoking its tokens but the
/// one that asked; refused when the route found the current password wrong. The
/// account row is locked, so a disable committing meanwhile waits.
pub async fn change_password(
    tx: &Transaction<'_>,
    update: &PasswordUpdate,
    writer: &Writer,
) -> Result<Result<PasswordChanged, ApiError>, StoreError> {
    let Some(hash) = &update.password_hash else {
        return Ok(Err(access_rules::wrong_password()));
    };
    let changed = tx
        .execute(
            "UPDATE accounts SET password_hash = $1 WHERE id = $2 AND disabled_at IS NULL",
            &[hash, &update.account_id],
        )
        .await?;
    if changed == 0 {
        return Ok(Err(access_rules::account_not_found(update.account_id)));
    }
    let revoked = revoke_all_of(
        tx,
        update.account_id,
        Some(update.keep_token),
        writer.now,
        writer.actor(),
    )
    .await?;
    let account = one(tx, update.account_id).await?;
    audit_account(
        tx,
        writer.now,
        writer.actor(),
        "account.password_changed",
        &account,
    )
    .await?;
    Ok(Ok(PasswordChanged {
        account,
        revoked_tokens: revoked,
    }))
}

/// Gives the account a one-time reset code (its hash), replacing a pending one.
pub async fn issue_reset(
    tx: &Transaction<'_>,
    account_id: i64,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    writer: &Writer,
) -> Result<Result<AccountInfo, ApiError>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT disabled_at IS NOT NULL FROM accounts WHERE id = $1 FOR UPDATE",
            &[&account_id],
        )
        .await?;
    match row.map(|row| row.try_get::<_, bool>(0)).transpose()? {
        None => return Ok(Err(access_rules::account_not_found(account_id))),
        Some(true) => return Ok(Err(access_rules::account_disabled(account_id))),
        Some(false) => {}
    }
    tx.execute(
        "UPDATE accounts SET invitation_hash = $1, invitation_expires_at = $2 WHERE id = $3",
        &[&code_hash, &timestamp_to_sql(expires_at), &account_id],
    )
    .await?;
    let account = one(tx, account_id).await?;
    audit_account(
        tx,
        writer.now,
        writer.actor(),
        "account.password_reset",
        &account,
    )
    .await?;
    Ok(Ok(account))
}
