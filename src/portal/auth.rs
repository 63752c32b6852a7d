//! The bearer-token extractor: every authenticated handler takes a [`Caller`].

use super::AppState;
use super::error::ApiError;
use crate::client::wire::{OrgRef, Role};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Prefix of every token, so a leaked one is recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "lca_";
const TOKEN_BYTES: usize = 32;

/// Who is asking: the token's role, label and the organizations it may see.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's row, which scopes idempotency keys.
    pub token_id: i64,
    pub role: Role,
    pub label: String,
    /// Ordered by id.
    pub organizations: Vec<OrgRef>,
    /// The account of a login token (its e-mail is `label`).
    pub account_id: Option<i64>,
    /// The request's `X-Request-Id` (`request_id.rs`), for the audit records it writes.
    pub request_id: Option<String>,
}

impl Caller {
    pub fn organization_ids(&self) -> Vec<i64> {
        self.organizations.iter().map(|org| org.id).collect()
    }

    pub fn sees(&self, organization: i64) -> bool {
        self.organizations.iter().any(|org| org.id == organization)
    }

    /// 403 unless the role may do `action` (docs/DESIGN.md §3.9). Two sides with
    /// separate powers: what sells capacity or cuts a partner off is the vendor's
    /// operator's alone (a partner admin could otherwise mint paid seats for itself);
    /// the partner's own work is admin's (support: retry), never the operator's.
    pub fn may(&self, action: Action) -> Result<(), ApiError> {
        let allowed = match (self.role, action.operators_only()) {
            // Access is managed on both sides, each within its own reach (`access_rules`).
            (role, _) if matches!(action, Action::ManageAccounts | Action::ManageWebhooks) => {
                matches!(role, Role::Admin | Role::Operator)
            }
            (Role::Operator, operators_only) => operators_only,
            (_, true) => false,
            (Role::Admin, false) => true,
            (Role::Support, false) => action == Action::Retry,
            (Role::Viewer, false) => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "role {} may not {}",
                self.role.as_str(),
                action.describe()
            )))
        }
    }

    /// The organizations a list answers for: the `organization` filter when given (404
    /// outside the token, so "not yours" and "does not exist" look the same), else all
    /// of the token's.
    pub fn organization_scope(&self, filter: Option<i64>) -> Result<Vec<i64>, ApiError> {
        match filter {
            Some(id) => Ok(vec![self.organization(id)?]),
            None => Ok(self.organization_ids()),
        }
    }

    /// 404 for an organization outside the token, exactly as reads answer.
    pub fn organization(&self, organization: i64) -> Result<i64, ApiError> {
        if self.sees(organization) {
            Ok(organization)
        } else {
            Err(ApiError::NotFound(format!(
                "organization {organization} not found"
            )))
        }
    }
}

/// The writes a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    AcceptOffer,
    CreateActivations,
    Retry,
    BindSeats,
    RequestEmergencyLicense,
    RecordPurchase,
    ActivateKeys,
    BlockOrganizations,
    /// Create, invite and disable accounts (an admin for its organizations).
    ManageAccounts,
    /// Mark an invoice paid (issue 17): the vendor's side.
    PayInvoices,
    /// Register, see and remove webhook endpoints (an admin for its organizations).
    ManageWebhooks,
}

impl Action {
    /// The vendor's side: only an operator token may.
    fn operators_only(self) -> bool {
        matches!(
            self,
            Action::RecordPurchase | Action::BlockOrganizations | Action::PayInvoices
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Action::AcceptOffer => "accept the offer",
            Action::CreateActivations => "create activations",
            Action::Retry => "retry activations",
            Action::BindSeats => "bind or unbind seats",
            Action::RequestEmergencyLicense => "request emergency licenses",
            Action::RecordPurchase => "record purchases",
            Action::ActivateKeys => "activate product keys",
            Action::BlockOrganizations => "block or unblock organizations",
            Action::ManageAccounts => "manage accounts",
            Action::PayInvoices => "mark invoices paid",
            Action::ManageWebhooks => "manage webhooks",
        }
    }
}

/// A fresh random token (`lca_` + 32 random bytes, base64url without padding).
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Hex SHA-256 of the token: what the store keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized(
                "missing Authorization header: send `Authorization: Bearer <token>`".into(),
            )
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "malformed Authorization header: expected `Bearer <token>`".into(),
                )
            })?;
        let hash = hash_token(token);
        let grant = state
            .tokens
            .grant(hash, |hash| state.store.token(hash))
            .await?
            .ok_or_else(|| {
                ApiError::Unauthorized("unknown token: it was never issued by this portal".into())
            })?;
        let now = state.now();
        if let Some(at) = grant.revoked_at {
            return Err(ApiError::TokenRevoked(format!(
                "the token was revoked at {}: log in again (licadm login)",
                moment(at)
            )));
        }
        if let Some(at) = grant.expires_at
            && at <= now
        {
            return Err(ApiError::TokenExpired(format!(
                "the token expired at {}: log in again (licadm login)",
                moment(at)
            )));
        }
        if state
            .tokens
            .touch_due(grant.token_id, grant.last_used_at, now)
        {
            // Off the request's path: "last used" is a hint, not worth a wait or a 5xx.
            let (store, id) = (state.store.clone(), grant.token_id);
            tokio::spawn(async move {
                if let Err(e) = store.touch_token(id, now).await {
                    tracing::debug!(error = %e, token = id, "last use not recorded");
                }
            });
        }
        Ok(Caller {
            token_id: grant.token_id,
            role: grant.role,
            label: grant.label,
            organizations: grant.organizations,
            account_id: grant.account_id,
            request_id: parts
                .extensions
                .get::<super::request_id::RequestId>()
                .map(|id| id.0.clone()),
        })
    }
}

/// A moment as messages write it: RFC 3339 UTC, whole seconds.
pub fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed_to_hex() {
        let a = generate_token().expect("random token");
        let b = generate_token().expect("random token");
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 43);
        assert_ne!(a, b);
        let hash = hash_token(&a);
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(hash, hash_token(&a));
    }
}
