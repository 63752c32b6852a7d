//! Rows of `tokens` and `accounts` as both backends read them (text times, role as
//! text, organization ids), turned into the wire types the same way for both.

use super::StoreError;
use super::text::{optional, timestamp_from_sql};
use crate::client::wire::{AccountInfo, OrgRef, Role, TokenInfo};
use std::collections::HashMap;

/// The `tokens` columns a list shows, with the account's e-mail.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub account: Option<String>,
    pub role: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub organizations: Vec<i64>,
}

/// The `accounts` columns a list shows.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub has_password: bool,
    pub invitation_expires_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub disabled_at: Option<String>,
    pub organizations: Vec<i64>,
}

pub fn role(value: &str) -> Result<Role, StoreError> {
    value.parse::<Role>().map_err(|_| StoreError::BadValue {
        column: "role",
        value: value.to_string(),
    })
}

/// Every organization id the rows name, once, for one lookup of their names.
pub fn organization_ids<'a>(lists: impl Iterator<Item = &'a Vec<i64>>) -> Vec<i64> {
    let mut ids: Vec<i64> = lists.flatten().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn refs(ids: &[i64], known: &HashMap<i64, OrgRef>) -> Vec<OrgRef> {
    ids.iter().filter_map(|id| known.get(id).cloned()).collect()
}

pub fn token_info(row: TokenRow, known: &HashMap<i64, OrgRef>) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: row.id,
        label: row.label,
        account: row.account,
        role: role(&row.role)?,
        organizations: refs(&row.organizations, known),
        created_at: timestamp_from_sql("tokens.created_at", &row.created_at)?,
        expires_at: optional(row.expires_at, |v| {
            timestamp_from_sql("tokens.expires_at", v)
        })?,
        last_used_at: optional(row.last_used_at, |v| {
            timestamp_from_sql("tokens.last_used_at", v)
        })?,
        revoked_at: optional(row.revoked_at, |v| {
            timestamp_from_sql("tokens.revoked_at", v)
        })?,
        current: false,
    })
}

pub fn account_info(
    row: AccountRow,
    known: &HashMap<i64, OrgRef>,
) -> Result<AccountInfo, StoreError> {
    Ok(AccountInfo {
        id: row.id,
        email: row.email,
        role: role(&row.role)?,
        organizations: refs(&row.organizations, known),
        created_at: timestamp_from_sql("accounts.created_at", &row.created_at)?,
        created_by: row.created_by,
        has_password: row.has_password,
        invitation_expires_at: optional(row.invitation_expires_at, |v| {
            timestamp_from_sql("accounts.invitation_expires_at", v)
        })?,
        disabled_at: optional(row.disabled_at, |v| {
            timestamp_from_sql("accounts.disabled_at", v)
        })?,
    })
}

/// Organization ids by owner id, from `(owner, organization)` pairs.
pub fn group(pairs: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut by_owner: HashMap<i64, Vec<i64>> = HashMap::new();
    for (owner, organization) in pairs {
        by_owner.entry(owner).or_default().push(organization);
    }
    for list in by_owner.values_mut() {
        list.sort_unstable();
    }
    by_owner
}

/// Whether a login token's stored last use is older than this (or absent): then the
/// use is written again. Tokens used all day cost one UPDATE a minute.
pub const TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
