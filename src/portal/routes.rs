//! The axum router and its handlers. Handlers parse, ask the store, and answer with
//! the wire types; no SQL and no business rules beyond scoping live here.

use super::AppState;
use super::auth::{Action, Caller};
use super::error::ApiError;
use super::idempotency::{Idempotency, Once};
use super::openapi;
use super::params::{self, ActivationListParams, FeedParams};
use super::rules;
use super::store::{CreateRequest, Writer};
use crate::client::feed::ChangeFeed;
use crate::client::wire::{
    API_PREFIX, ActivationDetail, ActivationSummary, CreatedActivations, Health, Me, Organization,
    Page, PrecheckResponse, Price, PublicKeyInfo, SerialsRequest, SigningKeyInfo,
};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Requests carry at most a serial list: 10 000 serials is ~200 KiB of JSON, so 2 MiB
/// admits them with room for padding and whitespace. Beyond it: a JSON 413.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    super::routes_devices::add(super::routes_webhooks::add(super::routes_invoices::add(
        super::routes_bulk::add(super::routes_events::add(super::routes_access::add(
            super::routes_licensing::add(Router::new()),
        ))),
    )))
    .route(&at("/health"), get(health))
    .route(&at("/openapi.json"), get(openapi_document))
    .route(&at("/me"), get(me))
    .route(&at("/organizations"), get(organizations))
    .route(&at("/prices"), get(prices))
    .route(&at("/organizations/{id}/accept-offer"), post(accept_offer))
    .route(&at("/organizations/{id}/block"), post(block_organization))
    .route(
        &at("/organizations/{id}/unblock"),
        post(unblock_organization),
    )
    .route(&at("/precheck"), post(precheck))
    .route(
        &at("/activations"),
        get(list_activations).post(create_activations),
    )
    .route(&at("/activations/{number}"), get(activation))
    .route(&at("/activations/{number}/retry"), post(retry))
    .route(&at("/activations/{number}/license-file"), get(license_file))
    .route(&at("/signing-key"), get(signing_key))
    .route(&at("/changes"), get(changes))
    .fallback(unknown_route)
    .method_not_allowed_fallback(method_not_allowed)
    // Rate limits, then size limits with JSON errors, nosniff and no-store (issue 15).
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        super::rate_limit::layer,
    ))
    .layer(axum::middleware::from_fn(super::guard::layer))
    // Any error answer without the JSON body gets it (inside the language layer,
    // which translates its message).
    .layer(axum::middleware::from_fn(super::http_errors::json_errors))
    // Answers in the client's language (Accept-Language), before the tag is taken.
    .layer(axum::middleware::from_fn(super::messages::layer))
    // Inside compression, so the tag is of the identity body whatever the encoding.
    .layer(axum::middleware::from_fn(super::etag::layer))
    // Fastest gzip or zstd (zstd when both are accepted): a 10 000-row precheck is
    // ~2.5 MB of JSON; level 1 still shrinks it ~8x at a fraction of the default
    // level's CPU time. zstd is for the feed on thin links: a full sync of the
    // 100 000-activation demo is 44.2 MB as JSON, 8.1 MB gzip, 5.2 MB zstd.
    .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
    .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
    .layer(TraceLayer::new_for_http())
    // Outermost: every answer, refusals of the layers above included, names its
    // request (docs/DESIGN.md §4.3).
    .layer(axum::middleware::from_fn(super::request_id::layer))
    .with_state(state)
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}

/// 200 `ok` while the store answers; 503 `store_unavailable` (with Retry-After) while it
/// does not — a portal that lost its database says so, and recovers with it.
async fn health(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.ping().await {
        Ok(()) => Json(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health: the store does not answer");
            let mut response = (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "store_unavailable".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                }),
            )
                .into_response();
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
            response
        }
    }
}

async fn openapi_document() -> Json<serde_json::Value> {
    Json(openapi::document())
}

async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        account: caller.label,
        role: caller.role,
        organizations: caller.organizations,
    })
}

async fn organizations(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Organization>>, ApiError> {
    let ids = caller.organization_ids();
    let organizations = state.store.organizations(ids).await?;
    Ok(Json(organizations))
}

async fn prices(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<Price>>, ApiError> {
    Ok(Json(state.store.prices().await?))
}

async fn list_activations(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Page<ActivationSummary>>, ApiError> {
    let params = ActivationListParams::parse(&pairs(query)?)?;
    let organizations = caller.organization_scope(params.organization)?;
    let filter = params.into_filter(organizations);
    Ok(Json(state.store.list_activations(filter).await??))
}

async fn activation(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<ActivationDetail>, ApiError> {
    let Path(raw_number) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable activation number: {e}")))?;
    let number = params::activation_number(&raw_number)?;
    let organizations = caller.organization_ids();
    state
        .store
        .activation(number, organizations)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("activation {number} not found")))
}

/// A query string as its pairs, in order, so the parsers in `params` can name every bad
/// value themselves.
pub type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

pub fn pairs(query: Pairs) -> Result<Vec<(String, String)>, ApiError> {
    let Query(pairs) =
        query.map_err(|e| ApiError::BadRequest(format!("unreadable query string: {e}")))?;
    params::single_values(&pairs)?;
    Ok(pairs)
}

impl Writer {
    /// The writer of a request: the caller's organizations and label, the portal's now.
    pub fn of(state: &AppState, caller: Caller) -> Writer {
        Writer {
            scope: caller.organization_ids(),
            label: caller.label,
            now: state.now(),
            request_id: caller.request_id,
        }
    }
}

/// `Json<T>` whose rejections (bad JSON, wrong types, missing fields, wrong content type,
/// body too large) are the API's JSON errors instead of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest(
            "the body must be JSON: send `Content-Type: application/json`".into(),
        ),
        JsonRejection::JsonSyntaxError(e) => {
            ApiError::BadRequest(format!("the body is not valid JSON: {}", e.body_text()))
        }
        JsonRejection::JsonDataError(e) => ApiError::BadRequest(format!(
            "the body does not match the request shape: {}",
            e.body_text()
        )),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge(format!(
                "the request body is larger than {} MiB",
                MAX_BODY_BYTES / (1024 * 1024)
            ))
        }
        other => ApiError::BadRequest(format!("unreadable request body: {}", other.body_text())),
    }
}

fn organization_id(path: Result<Path<String>, PathRejection>) -> Result<i64, ApiError> {
    let Path(raw) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable organization id: {e}")))?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "organization id must be a whole number from 1 (got {raw:?})"
            ))
        })
}

fn number_from(path: Result<Path<String>, PathRejection>) -> Result<i64, ApiError> {
    let Path(raw_number) =
        path.map_err(|e| ApiError::BadRequest(format!("unreadable activation number: {e}")))?;
    params::activation_number(&raw_number)
}

async fn accept_offer(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<Organization>), ApiError> {
    caller.may(Action::AcceptOffer)?;
    let id = caller.organization(organization_id(path)?)?;
    let same = serde_json::json!({"op": "organization.accept-offer", "id": id});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let org = state
        .store
        .accept_offer(id, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(org.marked())
}

async fn block_organization(
    state: State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<Organization>), ApiError> {
    set_blocked(state, caller, headers, path, true).await
}

async fn unblock_organization(
    state: State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<Organization>), ApiError> {
    set_blocked(state, caller, headers, path, false).await
}

/// The operator's block or unblock of an organization's new activations.
async fn set_blocked(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    blocked: bool,
) -> Result<(HeaderMap, Json<Organization>), ApiError> {
    caller.may(Action::BlockOrganizations)?;
    let id = caller.organization(organization_id(path)?)?;
    let same = serde_json::json!({"op": "organization.block", "id": id, "blocked": blocked});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let org = state
        .store
        .set_activation_blocked(id, blocked, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(org.marked())
}

async fn precheck(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<SerialsRequest>,
) -> Result<Response, ApiError> {
    caller.organization(request.organization)?;
    rules::check_count(request.serials.len())?;
    let checked = state
        .store
        .precheck(request.serials, Utc::now().date_naive())
        .await?;
    let rows: Vec<_> = checked.into_iter().map(rules::row).collect();
    // ~250 bytes a row: a 10 000-row answer is written into one buffer of about its
    // size instead of one doubling from 128 bytes (2.5 MB copied again on the way).
    let mut body = Vec::with_capacity(rows.len() * 256 + 16);
    serde_json::to_writer(&mut body, &PrecheckResponse { rows }).map_err(|e| {
        ApiError::Internal(super::store::StoreError::Task(format!(
            "writing the precheck: {e}"
        )))
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn create_activations(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SerialsRequest>,
) -> Result<(StatusCode, HeaderMap, Json<CreatedActivations>), ApiError> {
    caller.may(Action::CreateActivations)?;
    caller.organization(request.organization)?;
    rules::check_count(request.serials.len())?;
    // The body alone, as before other writes had keys: keys stored then still replay.
    let idempotency = Idempotency::from_headers(
        &headers,
        caller.token_id,
        state.idempotency_lifetime,
        &request,
    )?;
    let create = CreateRequest {
        actor: caller.label.clone(),
        organization: request.organization,
        serials: request.serials,
        idempotency,
        request_id: caller.request_id.clone(),
    };
    let now = state.now();
    let created = state.store.create_activations(create, now).await??;
    Ok(match created {
        Once::Fresh(body) => {
            let mut headers = HeaderMap::new();
            // The first created (the lowest number): the body lists them all.
            if let Some(first) = body.activations.first() {
                let location = format!("{API_PREFIX}/activations/{}", first.number);
                if let Ok(value) = HeaderValue::from_str(&location) {
                    headers.insert(header::LOCATION, value);
                }
            }
            (StatusCode::CREATED, headers, Json(body))
        }
        // Marked, so a client can tell the answer it missed from a new one.
        Once::Replayed(body) => {
            let (headers, body) = Once::Replayed(body).marked();
            (StatusCode::OK, headers, body)
        }
    })
}

async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<ActivationSummary>), ApiError> {
    caller.may(Action::Retry)?;
    let number = number_from(path)?;
    let request = serde_json::json!({"op": "activation.retry", "number": number});
    let idempotency = Idempotency::from_headers(
        &headers,
        caller.token_id,
        state.idempotency_lifetime,
        &request,
    )?;
    let summary = state
        .store
        .retry_activation(number, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(summary.marked())
}

async fn license_file(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let number = number_from(path)?;
    let scope = caller.organization_ids();
    let key = state.key.current();
    let text = state.store.license_file(number, scope, key).await??;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"license-{number}.lic\""))
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(response)
}

/// The key this portal signs with and every key the store lists (a portal whose key
/// file lacks a rotated key still signs with the key before it, listed too).
async fn signing_key(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<SigningKeyInfo>, ApiError> {
    let keys = state.store.signing_keys().await?;
    let key = state.key.current();
    Ok(Json(SigningKeyInfo {
        algorithm: "ed25519".into(),
        public_key: key.public_key(),
        key_id: Some(key.id().to_string()),
        keys: keys
            .into_iter()
            .map(|k| PublicKeyInfo {
                key_id: k.key_id,
                public_key: k.public_key,
                created_at: k.created_at,
            })
            .collect(),
    }))
}

/// The change feed of what the token sees (docs/DESIGN.md §4.7): objects changed after
/// `since`, in the order of their latest change. A cursor the store cannot continue is 410.
async fn changes(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<ChangeFeed>, ApiError> {
    let FeedParams {
        since,
        limit,
        window,
    } = FeedParams::parse(&pairs(query)?)?;
    let scope = caller.organization_ids();
    let page = state.store.feed_page(since, limit, scope, window).await?;
    page.map(Json).map_err(|gone| {
        ApiError::CursorGone(format!(
            "{gone}; start over with a full sync (since=0) and replace the local copy"
        ))
    })
}
