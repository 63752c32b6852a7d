//! `licadm accounts create --db`: an account made on the server, without a token —
//! how the first operator account comes to be (issue 15, docs/DESIGN.md §4.2). The
//! same checks and store call as `POST /accounts` by an operator, recorded in the
//! audit log as made by `server`.

use super::auth::Caller;
use super::store::{NewAccount, Store, StoreError, Writer};
use super::{
    PortalError, PortalOptions, access_rules, connect_postgres, is_postgres_url, password,
};
use crate::client::wire::{AccountInfo, NewAccountRequest, Role};
use std::path::PathBuf;
use std::sync::Arc;

/// Who the audit log names for accounts made on the server.
pub const SERVER_ACTOR: &str = "server";

/// Why an account could not be made on the server.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error("{0}")]
    Refused(String),
}

impl From<StoreError> for BootstrapError {
    fn from(e: StoreError) -> BootstrapError {
        BootstrapError::Portal(PortalError::Store(e))
    }
}

/// Creates an account with a password in the store `db` names (a SQLite file or a
/// PostgreSQL URL), as an operator would through the API.
pub async fn create_account_in(
    db: &str,
    request: NewAccountRequest,
) -> Result<AccountInfo, BootstrapError> {
    let store: Store = if is_postgres_url(db) {
        Arc::new(connect_postgres(db, PortalOptions::default()).await?)
    } else {
        let path = PathBuf::from(db);
        if !path.is_file() {
            return Err(PortalError::NoStore(path).into());
        }
        let opened = super::blocking(move || super::open_store(&path)).await?;
        Arc::new(opened)
    };
    let refused = |e: super::error::ApiError| BootstrapError::Refused(e.to_string());
    let server = Caller {
        token_id: 0,
        role: Role::Operator,
        label: SERVER_ACTOR.into(),
        organizations: Vec::new(),
        account_id: None,
        request_id: None,
    };
    let email = access_rules::email("--email", &request.email).map_err(refused)?;
    let Some(secret) = request.password else {
        return Err(BootstrapError::Refused(
            "an account made on the server needs a password".into(),
        ));
    };
    access_rules::password("password", secret.expose()).map_err(refused)?;
    let organizations =
        access_rules::new_account(&server, request.role, &request.organizations, true)
            .map_err(refused)?;
    let hash = password::hash(secret)
        .await
        .map_err(|e| BootstrapError::Refused(e.to_string()))?;
    let account = NewAccount {
        email,
        role: request.role,
        organizations,
        password_hash: Some(hash),
        invitation_hash: None,
        invitation_expires_at: None,
    };
    let writer = Writer {
        scope: Vec::new(),
        label: SERVER_ACTOR.into(),
        now: chrono::Utc::now(),
        request_id: None,
    };
    let created = store
        .create_account(account, writer, None)
        .await?
        .map_err(refused)?;
    Ok(created.into_inner())
}
