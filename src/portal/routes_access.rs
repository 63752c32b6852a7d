//! Accounts, login and the token lifecycle (issue 15). Like `routes`: parse, check
//! who may, ask the store, answer. Who may see and manage what is `access_rules`.
//!
//! Passwords are hashed and checked on the blocking pool (`password.rs`); a login
//! answers the same 401 `login_failed` for an unknown e-mail and a wrong password, in
//! the same time, and is throttled per account (`rate_limit::Limiter::login_allowed`)
//! and per address (a failed login is a failed authentication).

use super::AppState;
use super::access_rules::{self, may_manage_account, may_manage_token};
use super::auth::{self, Action, Caller};
use super::error::ApiError;
use super::password;
use super::routes::ApiJson;
use super::store::{NewAccount, NewToken, StoreError, Writer};
use crate::client::wire::{
    API_PREFIX, AcceptInvitation, AccountInfo, CreatedAccount, LoginRequest, LoginResponse,
    NewAccountRequest, TokenInfo,
};
use crate::secret::Secret;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};

/// Prefix of invitation codes, as `lca_` is of tokens.
pub const INVITATION_PREFIX: &str = "lci_";

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/login"), post(login))
        .route(&at("/logout"), post(logout))
        .route(&at("/tokens"), get(list_tokens))
        .route(&at("/tokens/{id}"), delete(revoke_token))
        .route(&at("/accounts"), get(list_accounts).post(create_account))
        .route(&at("/accounts/{id}"), delete(disable_account))
        .route(&at("/invitations/accept"), post(accept_invitation))
}

fn id_from(what: &str, path: Result<Path<String>, PathRejection>) -> Result<i64, ApiError> {
    let Path(raw) = path.map_err(|e| ApiError::BadRequest(format!("unreadable {what} id: {e}")))?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{what} id must be a whole number from 1 (got {raw:?})"
            ))
        })
}

fn hashing(e: password::PasswordError) -> ApiError {
    ApiError::Internal(StoreError::Task(e.to_string()))
}

fn randomness(e: getrandom::Error) -> ApiError {
    ApiError::Internal(StoreError::Task(format!("no randomness: {e}")))
}

async fn login(State(state): State<AppState>, body: ApiJson<LoginRequest>) -> Response {
    match login_answer(&state, body.0).await {
        Ok(answer) => (StatusCode::CREATED, Json(answer)).into_response(),
        Err(response) => response,
    }
}

async fn login_answer(state: &AppState, body: LoginRequest) -> Result<LoginResponse, Response> {
    let refuse = |e: ApiError| e.into_response();
    let email = access_rules::email("email", &body.email).map_err(refuse)?;
    let label = access_rules::label("label", body.label.as_deref()).map_err(refuse)?;
    if body.password.expose().chars().count() > password::MAX_CHARS {
        return Err(refuse(ApiError::BadRequest(format!(
            "password is longer than {} characters",
            password::MAX_CHARS
        ))));
    }
    state.limiter.login_allowed(&email).map_err(|r| *r)?;
    let account = state
        .store
        .login_account(email.clone())
        .await
        .map_err(|e| refuse(e.into()))?;
    let stored = account
        .as_ref()
        .filter(|a| !a.disabled)
        .and_then(|a| a.password_hash.clone());
    let matches = password::verify(body.password, stored)
        .await
        .map_err(|e| refuse(hashing(e)))?;
    let failed = || {
        state.limiter.login_failed(&email);
        tracing::info!(email = %email, "login failed");
        refuse(access_rules::login_failed())
    };
    let (true, Some(account)) = (matches, account) else {
        return Err(failed());
    };
    let token = auth::generate_token().map_err(|e| refuse(randomness(e)))?;
    let now = state.now();
    let issued = state
        .store
        .issue_token(
            account.id,
            NewToken {
                hash: auth::hash_token(&token),
                label: label.unwrap_or_else(|| "login".into()),
                expires_at: now + state.access.token_lifetime,
            },
            now,
        )
        .await
        .map_err(|e| refuse(e.into()))?;
    let Some(info) = issued else {
        return Err(failed());
    };
    tracing::info!(email = %email, token = info.id, "login");
    Ok(LoginResponse {
        token: Secret::from(token),
        info,
    })
}

/// Revokes the token that asks.
async fn logout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TokenInfo>, ApiError> {
    revoke(&state, &caller, caller.token_id).await
}

async fn revoke(state: &AppState, caller: &Caller, id: i64) -> Result<Json<TokenInfo>, ApiError> {
    let mut revoked = state
        .store
        .revoke_token(id, state.now())
        .await?
        .ok_or_else(|| access_rules::token_not_found(id))?;
    state.tokens.forget(id);
    revoked.current = id == caller.token_id;
    tracing::info!(token = id, by = %caller.label, "token revoked");
    Ok(Json(revoked))
}

async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    let mut tokens: Vec<TokenInfo> = state
        .store
        .tokens()
        .await?
        .into_iter()
        .filter(|token| may_manage_token(&caller, token))
        .collect();
    for token in &mut tokens {
        token.current = token.id == caller.token_id;
    }
    Ok(Json(tokens))
}

/// A token the caller may not manage answers 404, exactly like one that does not exist.
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<TokenInfo>, ApiError> {
    let id = id_from("token", path)?;
    let visible = state
        .store
        .tokens()
        .await?
        .iter()
        .any(|token| token.id == id && may_manage_token(&caller, token));
    if !visible {
        return Err(access_rules::token_not_found(id));
    }
    revoke(&state, &caller, id).await
}

async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AccountInfo>>, ApiError> {
    Ok(Json(
        state
            .store
            .accounts()
            .await?
            .into_iter()
            .filter(|account| may_manage_account(&caller, account))
            .collect(),
    ))
}

async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    body: ApiJson<NewAccountRequest>,
) -> Result<(StatusCode, Json<CreatedAccount>), ApiError> {
    caller.may(Action::ManageAccounts)?;
    let body = body.0;
    let email = access_rules::email("email", &body.email)?;
    let organizations = access_rules::new_account(
        &caller,
        body.role,
        &body.organizations,
        body.password.is_some(),
    )?;
    let now = state.now();
    let (password_hash, invitation) = match body.password {
        Some(password) => {
            access_rules::password("password", password.expose())?;
            (Some(password::hash(password).await.map_err(hashing)?), None)
        }
        None => {
            let code = auth::generate_token().map_err(randomness)?.replacen(
                auth::TOKEN_PREFIX,
                INVITATION_PREFIX,
                1,
            );
            (None, Some(code))
        }
    };
    let account = NewAccount {
        email,
        role: body.role,
        organizations,
        password_hash,
        invitation_hash: invitation.as_deref().map(auth::hash_token),
        invitation_expires_at: invitation
            .as_ref()
            .map(|_| now + state.access.invitation_lifetime),
    };
    let created = state
        .store
        .create_account(account, Writer::of(&state, caller.clone()))
        .await??;
    tracing::info!(account = created.id, by = %caller.label, "account created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccount {
            account: created,
            invitation: invitation.map(Secret::from),
        }),
    ))
}

/// Disables an account and revokes its tokens (an employee who left).
async fn disable_account(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<AccountInfo>, ApiError> {
    caller.may(Action::ManageAccounts)?;
    let id = id_from("account", path)?;
    let visible = state
        .store
        .accounts()
        .await?
        .iter()
        .any(|account| account.id == id && may_manage_account(&caller, account));
    if !visible {
        return Err(access_rules::account_not_found(id));
    }
    let account = state
        .store
        .disable_account(id, state.now())
        .await?
        .ok_or_else(|| access_rules::account_not_found(id))?;
    state.tokens.forget_account(id);
    tracing::info!(account = id, by = %caller.label, "account disabled");
    Ok(Json(account))
}

/// The invitee sets the password with the code (no token: the invitee has none yet).
async fn accept_invitation(
    State(state): State<AppState>,
    body: ApiJson<AcceptInvitation>,
) -> Result<Json<AccountInfo>, ApiError> {
    let body = body.0;
    access_rules::password("password", body.password.expose())?;
    let code = body.code.expose().trim();
    if !code.starts_with(INVITATION_PREFIX) || code.len() > 100 {
        return Err(access_rules::invitation_not_found());
    }
    let invitation_hash = auth::hash_token(code);
    let password_hash = password::hash(body.password).await.map_err(hashing)?;
    let account = state
        .store
        .accept_invitation(invitation_hash, password_hash, state.now())
        .await??;
    tracing::info!(account = account.id, "invitation accepted");
    Ok(Json(account))
}
