//! `GET /tokens` and `GET /accounts` on PostgreSQL: the plans of `store::access_lists`,
//! exactly as on SQLite.

use super::StoreError;
use super::reads::{Param, organization_refs, sql_args};
use crate::client::access::CursorPage;
use crate::client::wire::{AccountInfo, OrgRef, TokenInfo};
use crate::portal::store::access_lists::{self, AccessCursor, AccessQuery};
use crate::portal::store::access_rows::{self, AccountRow, TokenRow};
use crate::portal::store::activation_list::{Dialect, Query};
use std::collections::HashMap;
use tokio_postgres::{GenericClient, Row};

async fn rows(db: &impl GenericClient, query: &Query) -> Result<Vec<Row>, StoreError> {
    let args = sql_args(&query.args);
    let refs: Vec<Param<'_>> = args.iter().map(|a| a.as_ref() as Param<'_>).collect();
    Ok(db.query(&query.sql, &refs).await?)
}

/// The organizations of each owner, and every organization they name by id.
async fn organizations(
    db: &impl GenericClient,
    table: &str,
    owner: &str,
    ids: &[i64],
) -> Result<(HashMap<i64, Vec<i64>>, HashMap<i64, OrgRef>), StoreError> {
    let query = access_lists::organizations_query(table, owner, ids, Dialect::Postgres);
    let pairs = rows(db, &query)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<Vec<(i64, i64)>, tokio_postgres::Error>>()?;
    let by_owner = access_rows::group(pairs);
    let named = access_rows::organization_ids(by_owner.values());
    let known = organization_refs(db, &named)
        .await?
        .into_iter()
        .map(|org| (org.id, org))
        .collect();
    Ok((by_owner, known))
}

pub async fn tokens(
    db: &impl GenericClient,
    query: &AccessQuery,
) -> Result<CursorPage<TokenInfo>, StoreError> {
    let plan = access_lists::tokens_query(query, Dialect::Postgres);
    let mut found: Vec<TokenRow> = rows(db, &plan)
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
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let (mut by_token, known) = organizations(db, "token_organizations", "token_id", &ids).await?;
    for row in &mut found {
        row.organizations = by_token.remove(&row.id).unwrap_or_default();
    }
    let items = found
        .into_iter()
        .map(|row| access_rows::token_info(row, &known))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(access_lists::finish(query.per_page, items, |t| {
        AccessCursor::Token(t.id)
    }))
}

pub async fn accounts(
    db: &impl GenericClient,
    query: &AccessQuery,
) -> Result<CursorPage<AccountInfo>, StoreError> {
    let plan = access_lists::accounts_query(query, Dialect::Postgres);
    let mut found: Vec<AccountRow> = rows(db, &plan)
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
    let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
    let (mut by_account, known) =
        organizations(db, "account_organizations", "account_id", &ids).await?;
    for row in &mut found {
        row.organizations = by_account.remove(&row.id).unwrap_or_default();
    }
    let items = found
        .into_iter()
        .map(|row| access_rows::account_info(row, &known))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(access_lists::finish(query.per_page, items, |a| {
        AccessCursor::Account(a.email.clone())
    }))
}
