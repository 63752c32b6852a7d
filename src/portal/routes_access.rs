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
use super::idempotency::{Idempotency, Once};
use super::password;
use super::routes::{ApiJson, Pairs, pairs};
use super::store::{AccessCursor, AccessQuery, NewAccount, NewToken, StoreError, Writer};
use crate::client::access::{ACCESS_DEFAULT_PER_PAGE, ACCESS_MAX_PER_PAGE, CursorPage};
use crate::client::wire::{
    API_PREFIX, AcceptInvitation, AccountInfo, CreatedAccount, LoginRequest, LoginResponse,
    NewAccountRequest, Role, TokenInfo,
};
use crate::secret::Secret;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
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
        .route(&at("/password"), post(super::routes_passwords::change))
        .route(
            &at("/password/reset"),
            post(super::routes_passwords::reset_with_code),
        )
        .route(
            &at("/accounts/{id}/reset"),
            post(super::routes_passwords::issue_reset),
        )
}

pub(super) fn id_from(
    what: &str,
    path: Result<Path<String>, PathRejection>,
) -> Result<i64, ApiError> {
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

pub(super) fn hashing(e: password::PasswordError) -> ApiError {
    ApiError::Internal(StoreError::Task(e.to_string()))
}

pub(super) fn randomness(e: getrandom::Error) -> ApiError {
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
            self_writer(state, &email),
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

/// The writer of a change an account makes to itself without a token of its own (a
/// login, a code): the account's e-mail acts, in this request.
pub(super) fn self_writer(state: &AppState, email: &str) -> Writer {
    Writer {
        scope: Vec::new(),
        label: email.to_string(),
        now: state.now(),
        request_id: super::request_id::current(),
    }
}

/// Revokes the token that asks. Revoking is idempotent by nature (a revoked token
/// keeps its first time), so an `Idempotency-Key` is accepted and needs no record.
async fn logout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TokenInfo>, ApiError> {
    revoke(&state, &caller, caller.token_id).await
}

async fn revoke(state: &AppState, caller: &Caller, id: i64) -> Result<Json<TokenInfo>, ApiError> {
    let mut revoked = state
        .store
        .revoke_token(id, Writer::of(state, caller.clone()))
        .await?
        .ok_or_else(|| access_rules::token_not_found(id))?;
    state.tokens.forget(id);
    revoked.current = id == caller.token_id;
    tracing::info!(token = id, by = %caller.label, "token revoked");
    Ok(Json(revoked))
}

/// `per_page` and `cursor` of `GET /tokens` and `GET /accounts`; `email` of the latter.
fn access_query(
    caller: &Caller,
    pairs: &[(String, String)],
    accounts: bool,
) -> Result<AccessQuery, ApiError> {
    let get = |name: &str| super::params::last(pairs, name);
    let per_page = match get("per_page") {
        None => ACCESS_DEFAULT_PER_PAGE,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=ACCESS_MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "per_page must be a whole number from 1 to {ACCESS_MAX_PER_PAGE} (got {raw})"
                ))
            })?,
    };
    let cursor = get("cursor")
        .map(|raw| {
            AccessCursor::decode(raw)
                .filter(|c| matches!(c, AccessCursor::Account(_)) == accounts)
                .ok_or_else(|| {
                    ApiError::BadRequest("cursor is not one this portal handed out".into())
                })
        })
        .transpose()?;
    let email = match get("email") {
        Some(raw) if accounts => Some(access_rules::email("email", raw)?),
        _ => None,
    };
    Ok(AccessQuery {
        visible: access_rules::visibility(caller),
        per_page,
        cursor,
        email,
    })
}

async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<CursorPage<TokenInfo>>, ApiError> {
    let query = access_query(&caller, &pairs(query)?, false)?;
    let mut page = state.store.tokens(query).await?;
    for token in &mut page.items {
        token.current = token.id == caller.token_id;
    }
    Ok(Json(page))
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
        .token_by_id(id)
        .await?
        .is_some_and(|token| may_manage_token(&caller, &token));
    if !visible {
        return Err(access_rules::token_not_found(id));
    }
    revoke(&state, &caller, id).await
}

async fn list_accounts(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<CursorPage<AccountInfo>>, ApiError> {
    let query = access_query(&caller, &pairs(query)?, true)?;
    Ok(Json(state.store.accounts(query).await?))
}

/// The account `id` if `caller` may manage it, else the 404 of one that does not exist.
pub(super) async fn managed_account(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<AccountInfo, ApiError> {
    state
        .store
        .account_by_id(id)
        .await?
        .filter(|account| may_manage_account(caller, account))
        .ok_or_else(|| access_rules::account_not_found(id))
}

/// What makes two account creations "the same" for an `Idempotency-Key`: never the
/// password (the key's record would hold a fast hash of it), only whether one was set.
#[derive(serde::Serialize)]
struct CreationFingerprint<'a> {
    op: &'static str,
    email: &'a str,
    role: Role,
    organizations: &'a [i64],
    with_password: bool,
}

async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: ApiJson<NewAccountRequest>,
) -> Result<Response, ApiError> {
    caller.may(Action::ManageAccounts)?;
    let body = body.0;
    let email = access_rules::email("email", &body.email)?;
    let organizations = access_rules::new_account(
        &caller,
        body.role,
        &body.organizations,
        body.password.is_some(),
    )?;
    let idempotency = Idempotency::from_headers(
        &headers,
        caller.token_id,
        state.idempotency_lifetime,
        &CreationFingerprint {
            op: "account.create",
            email: &email,
            role: body.role,
            organizations: &organizations,
            with_password: body.password.is_some(),
        },
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
        .create_account(account, Writer::of(&state, caller.clone()), idempotency)
        .await??;
    // A replay answers the account without the code: only its hash was kept, and a
    // code made now would not be the one stored (`licadm accounts reset` makes another).
    let (status, invitation) = match &created {
        Once::Fresh(account) => {
            tracing::info!(account = account.id, by = %caller.label, "account created");
            (StatusCode::CREATED, invitation.map(Secret::from))
        }
        Once::Replayed(_) => (StatusCode::OK, None),
    };
    let (headers, Json(account)) = created.marked();
    Ok((
        status,
        headers,
        Json(CreatedAccount {
            account,
            invitation,
        }),
    )
        .into_response())
}

/// Disables an account and revokes its tokens (an employee who left).
async fn disable_account(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<AccountInfo>, ApiError> {
    caller.may(Action::ManageAccounts)?;
    let id = id_from("account", path)?;
    managed_account(&state, &caller, id).await?;
    let account = state
        .store
        .disable_account(id, Writer::of(&state, caller.clone()))
        .await?
        .ok_or_else(|| access_rules::account_not_found(id))?;
    state.tokens.forget_account(id);
    tracing::info!(account = id, by = %caller.label, "account disabled");
    Ok(Json(account))
}

/// The invitee sets the password with the code (no token: the invitee has none yet).
async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<AcceptInvitation>,
) -> Result<(HeaderMap, Json<AccountInfo>), ApiError> {
    let body = body.0;
    let account = super::routes_passwords::set_with_code(
        &state,
        &headers,
        body.code,
        body.password,
        INVITATION_PREFIX,
    )
    .await?;
    if let super::idempotency::Once::Fresh(account) = &account {
        tracing::info!(account = account.id, "invitation accepted");
    }
    Ok(account.marked())
}
