//! Webhook endpoints and their delivery log (issue 17; docs/DESIGN.md §4.10). Like
//! `routes`: parse, check who may, ask the store, answer. Admins manage the endpoints
//! of their organizations, operators every endpoint; anything out of reach is a 404,
//! like something that does not exist.

use super::AppState;
use super::auth::{Action, Caller};
use super::error::ApiError;
use super::idempotency::{Idempotency, Once};
use super::params::page_params;
use super::routes::{ApiJson, Pairs, pairs};
use super::store::Writer;
use super::store::webhooks::{NewEndpoint, WebhookScope};
use crate::client::webhooks::{CreatedWebhook, NewWebhook, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::{API_PREFIX, Page, Role};
use crate::domain::webhook::{SECRET_PREFIX, check_events};
use crate::secret::Secret;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;

/// Longest endpoint URL accepted.
const MAX_URL: usize = 2048;

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/webhooks"), get(list).post(create))
        .route(&at("/webhooks/{id}"), get(one).delete(remove))
        .route(&at("/webhooks/{id}/rotate-secret"), post(rotate))
        .route(&at("/webhooks/{id}/deliveries"), get(deliveries))
        .route(
            &at("/webhooks/{id}/deliveries/{delivery}/redeliver"),
            post(redeliver),
        )
}

/// Whose endpoints the caller reaches (after `may`): an operator's every one.
fn scope_of(caller: &Caller) -> WebhookScope {
    match caller.role {
        Role::Operator => WebhookScope::All,
        _ => WebhookScope::Organizations(caller.organization_ids()),
    }
}

fn id_of(what: &str, raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{what} id must be a whole number from 1 (got {raw:?})"
            ))
        })
}

fn endpoint_id(path: Result<Path<String>, PathRejection>) -> Result<i64, ApiError> {
    let Path(raw) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable webhook id: {e}")))?;
    id_of("webhook", &raw)
}

/// A URL deliveries may go to: `https://`, or `http://` to the loopback address only
/// (for testing), with a host and no user name or password in it.
pub fn check_url(raw: &str) -> Result<String, ApiError> {
    let url = raw.trim();
    if url.is_empty() || url.len() > MAX_URL || url.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "url must be an absolute https:// URL of at most {MAX_URL} characters"
        )));
    }
    let uri: Uri = url
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("url is not a URL ({e}): {url:?}")))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(ApiError::BadRequest(format!(
            "url must be an absolute https:// URL (got {url:?})"
        )));
    };
    if authority.as_str().contains('@') {
        return Err(ApiError::BadRequest(
            "url must not carry a user name or password: the signature proves the sender".into(),
        ));
    }
    let host = authority.host();
    let loopback = matches!(host, "127.0.0.1" | "[::1]" | "localhost");
    match scheme {
        "https" => Ok(url.to_string()),
        "http" if loopback => Ok(url.to_string()),
        "http" => Err(ApiError::unprocessable(format!(
            "url must be https:// (http:// only to 127.0.0.1, ::1 or localhost, for testing); got {url:?}"
        ))),
        other => Err(ApiError::BadRequest(format!(
            "url must be https:// (got the scheme {other:?})"
        ))),
    }
}

/// A fresh endpoint secret: `whsec_` and 32 random bytes, base64url.
fn new_secret() -> Result<Secret, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        ApiError::Internal(super::store::StoreError::Task(format!(
            "no randomness: {e}"
        )))
    })?;
    Ok(Secret::new(format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )))
}

/// The endpoint's organization: given and the caller's, or the caller's only one; an
/// operator's endpoint may have none (every organization).
fn organization_of(caller: &Caller, given: Option<i64>) -> Result<Option<i64>, ApiError> {
    if caller.role == Role::Operator {
        return Ok(given);
    }
    match (given, caller.organizations.as_slice()) {
        (Some(id), _) => caller.organization(id).map(Some),
        (None, [only]) => Ok(Some(only.id)),
        (None, _) => Err(ApiError::BadRequest(
            "organization is required: this token has several organizations".into(),
        )),
    }
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WebhookEndpoint>>, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    Ok(Json(state.store.webhooks(scope_of(&caller)).await?))
}

async fn one(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<WebhookEndpoint>, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let id = endpoint_id(path)?;
    state
        .store
        .webhook(id, scope_of(&caller))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("webhook endpoint {id} not found")))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<NewWebhook>,
) -> Result<Response, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let url = check_url(&request.url)?;
    let events = check_events(&request.events).map_err(ApiError::BadRequest)?;
    let organization = organization_of(&caller, request.organization)?;
    let same = serde_json::json!({"op": "webhook.create", "body": request});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let endpoint = NewEndpoint {
        url,
        events,
        organization,
        secret: new_secret()?,
    };
    let created = state
        .store
        .create_webhook(endpoint, Writer::of(&state, caller.clone()), idempotency)
        .await??;
    if let Once::Fresh(created) = &created {
        tracing::info!(endpoint = created.endpoint.id, by = %caller.label, "webhook endpoint registered");
    }
    Ok(answer_created(created))
}

fn answer_created(created: Once<CreatedWebhook>) -> Response {
    match created {
        Once::Fresh(body) => {
            let location = format!("{API_PREFIX}/webhooks/{}", body.endpoint.id);
            (
                StatusCode::CREATED,
                [(axum::http::header::LOCATION, location)],
                Json(body),
            )
                .into_response()
        }
        replayed => replayed.marked().into_response(),
    }
}

async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<WebhookEndpoint>), ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let id = endpoint_id(path)?;
    let same = serde_json::json!({"op": "webhook.delete", "id": id});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let scope = scope_of(&caller);
    let removed = state
        .store
        .delete_webhook(id, scope, Writer::of(&state, caller.clone()), idempotency)
        .await??;
    tracing::info!(endpoint = id, by = %caller.label, "webhook endpoint removed");
    Ok(removed.marked())
}

async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<CreatedWebhook>), ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let id = endpoint_id(path)?;
    let same = serde_json::json!({"op": "webhook.rotate", "id": id});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let scope = scope_of(&caller);
    let rotated = state
        .store
        .rotate_webhook_secret(
            id,
            new_secret()?,
            scope,
            Writer::of(&state, caller.clone()),
            idempotency,
        )
        .await??;
    tracing::info!(endpoint = id, by = %caller.label, "webhook secret rotated");
    Ok(rotated.marked())
}

async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
    query: Pairs,
) -> Result<Json<Page<WebhookDelivery>>, ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let id = endpoint_id(path)?;
    let (page, per_page) = page_params(&pairs(query)?)?;
    let page = state
        .store
        .webhook_deliveries(id, scope_of(&caller), page, per_page)
        .await??;
    Ok(Json(page))
}

async fn redeliver(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(HeaderMap, Json<WebhookDelivery>), ApiError> {
    caller.may(Action::ManageWebhooks)?;
    let Path((endpoint, delivery)) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable webhook path: {e}")))?;
    let (endpoint, delivery) = (id_of("webhook", &endpoint)?, id_of("delivery", &delivery)?);
    let same = serde_json::json!({"op": "webhook.redeliver", "id": endpoint, "delivery": delivery});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let scope = scope_of(&caller);
    let queued = state
        .store
        .redeliver_webhook(
            endpoint,
            delivery,
            scope,
            Writer::of(&state, caller),
            idempotency,
        )
        .await??;
    Ok(queued.marked())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn only_https_or_loopback_http_is_an_endpoint() {
        assert!(check_url("https://hooks.example.com/licadm").is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_url("http://[::1]:8080/hook").is_ok());
        assert!(check_url("http://localhost/hook").is_ok());
        assert!(check_url("http://hooks.example.com/hook").is_err());
        assert!(check_url("http://127.0.0.1.example.com/hook").is_err());
        assert!(check_url("ftp://hooks.example.com/").is_err());
        assert!(check_url("https://user:pw@hooks.example.com/").is_err());
        assert!(check_url("hooks.example.com/hook").is_err());
        assert!(check_url("").is_err());
    }
}
