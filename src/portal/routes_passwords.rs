//! Password change and reset (issue 15, docs/DESIGN.md §4.2): the logged-in account
//! changes its own password with the current one; an operator, or a partner admin for
//! its organizations' accounts, issues a one-time reset code (`lcr_…`, valid a day),
//! with which the account's owner sets a new password. Either way the account's other
//! tokens are revoked: whoever held a session under the old password loses it.

use super::AppState;
use super::access_rules;
use super::auth::{self, Action, Caller};
use super::error::ApiError;
use super::idempotency::{self, Idempotency, Once};
use super::password;
use super::routes::ApiJson;
use super::routes_access::{hashing, id_from, managed_account, randomness, self_writer};
use super::store::{CodeUse, PasswordUpdate, Writer};
use crate::client::access::{PasswordChange, PasswordReset, RESET_PREFIX, ResetWithCode};
use crate::client::wire::AccountInfo;
use crate::secret::Secret;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// A current password longer than any the portal hashes cannot match: refused before
/// hashing, so the check cannot be made to hash megabytes.
fn bounded(field: &str, secret: &Secret) -> Result<(), ApiError> {
    if secret.expose().chars().count() > password::MAX_CHARS {
        return Err(ApiError::BadRequest(format!(
            "{field} is longer than {} characters",
            password::MAX_CHARS
        )));
    }
    Ok(())
}

/// `POST /password`: the current password and a new one. Failed checks are throttled
/// like failed logins of the account. Under an `Idempotency-Key` (whose fingerprint
/// holds no password) a resend after a lost answer replays it, although the current
/// password it carries no longer matches.
pub(super) async fn change(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: ApiJson<PasswordChange>,
) -> Response {
    match change_answer(&state, &caller, &headers, body.0).await {
        Ok(response) | Err(response) => response,
    }
}

async fn change_answer(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    body: PasswordChange,
) -> Result<Response, Response> {
    let refuse = |e: ApiError| e.into_response();
    let Some(account_id) = caller.account_id else {
        // The request is well formed; this token may not make it (403, as for a role).
        return Err(refuse(ApiError::Forbidden(
            "this token belongs to no account (it was made on the server): only an account \
             that logs in has a password"
                .into(),
        )));
    };
    bounded("current_password", &body.current_password).map_err(refuse)?;
    access_rules::password("new_password", body.new_password.expose()).map_err(refuse)?;
    let idempotency = Idempotency::from_headers(
        headers,
        caller.token_id,
        state.idempotency_lifetime,
        &serde_json::json!({"op": "password.change", "account": account_id}),
    )
    .map_err(refuse)?;
    let email = caller.label.clone();
    state.limiter.login_allowed(&email).map_err(|r| *r)?;
    let stored = state
        .store
        .login_account(email.clone())
        .await
        .map_err(|e| refuse(e.into()))?
        .and_then(|account| account.password_hash);
    let matches = password::verify(body.current_password, stored)
        .await
        .map_err(|e| refuse(hashing(e)))?;
    let password_hash = if matches {
        Some(
            password::hash(body.new_password)
                .await
                .map_err(|e| refuse(hashing(e)))?,
        )
    } else {
        None
    };
    let update = PasswordUpdate {
        account_id,
        password_hash,
        keep_token: caller.token_id,
    };
    let answer = state
        .store
        .change_password(update, Writer::of(state, caller.clone()), idempotency)
        .await
        .map_err(|e| refuse(e.into()))?;
    let changed = match answer {
        Ok(changed) => changed,
        Err(refusal) => {
            if !matches {
                state.limiter.login_failed(&email);
                tracing::info!(account = account_id, "password change refused");
            }
            return Err(refuse(refusal));
        }
    };
    state.tokens.forget_account(account_id);
    tracing::info!(account = account_id, "password changed");
    Ok(changed.marked().into_response())
}

/// `POST /accounts/{id}/reset`: a one-time reset code for an account the caller
/// manages. A new code replaces a pending one, so sending it again is harmless: the
/// last code answered is the one that works.
pub(super) async fn issue_reset(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<(StatusCode, Json<PasswordReset>), ApiError> {
    caller.may(Action::ManageAccounts)?;
    let id = id_from("account", path)?;
    managed_account(&state, &caller, id).await?;
    let code =
        auth::generate_token()
            .map_err(randomness)?
            .replacen(auth::TOKEN_PREFIX, RESET_PREFIX, 1);
    let writer = Writer::of(&state, caller.clone());
    let expires_at = writer.now + state.access.reset_lifetime;
    let account = state
        .store
        .issue_reset(id, auth::hash_token(&code), expires_at, writer)
        .await??;
    tracing::info!(account = id, by = %caller.label, "password reset code issued");
    Ok((
        StatusCode::CREATED,
        Json(PasswordReset {
            account,
            code: Secret::from(code),
        }),
    ))
}

/// `POST /password/reset`: a reset code and the new password (no token needed).
pub(super) async fn reset_with_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: ApiJson<ResetWithCode>,
) -> Result<(HeaderMap, Json<AccountInfo>), ApiError> {
    let body = body.0;
    let account = set_with_code(&state, &headers, body.code, body.password, RESET_PREFIX).await?;
    if let Once::Fresh(account) = &account {
        tracing::info!(account = account.id, "password reset");
    }
    Ok(account.marked())
}

/// Sets the password of the account a one-time code with `prefix` names (an
/// invitation's or a reset's), and forgets its tokens, which the store revoked.
///
/// The code is the request's idempotency key (there is no token to scope an
/// `Idempotency-Key` to, and the code is already a secret unique to one write): a
/// resend of the same code with the same password within the keys' lifetime answers
/// the account again, marked replayed; another password gets the code's 404.
pub(super) async fn set_with_code(
    state: &AppState,
    headers: &HeaderMap,
    code: Secret,
    new_password: Secret,
    prefix: &str,
) -> Result<Once<AccountInfo>, ApiError> {
    idempotency::key_in(headers)?;
    access_rules::password("password", new_password.expose())?;
    let code = code.expose().trim();
    let unknown = || {
        if prefix == RESET_PREFIX {
            access_rules::reset_code_not_found()
        } else {
            access_rules::invitation_not_found()
        }
    };
    if !code.starts_with(prefix) || code.len() > 100 {
        return Err(unknown());
    }
    let code_hash = auth::hash_token(code);
    let password_hash = password::hash(new_password.clone())
        .await
        .map_err(hashing)?;
    let writer = self_writer(state, "");
    let replay_since = writer.now - state.idempotency_lifetime;
    let used = state
        .store
        .accept_invitation(code_hash, password_hash, replay_since, writer)
        .await?
        .map_err(|refusal| match refusal {
            ApiError::NotFound(_) => unknown(),
            other => other,
        })?;
    match used {
        CodeUse::Set(account) => {
            state.tokens.forget_account(account.id);
            Ok(Once::Fresh(account))
        }
        CodeUse::Used {
            account,
            password_hash,
        } => {
            if password::verify(new_password, password_hash)
                .await
                .map_err(hashing)?
            {
                Ok(Once::Replayed(account))
            } else {
                Err(unknown())
            }
        }
    }
}
