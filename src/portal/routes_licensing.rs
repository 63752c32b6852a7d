//! Handlers of seats, users, capacity, purchases, product keys, the air gap and the
//! audit log. Like `routes`: parse, check role and scope, ask the store, answer.

use super::AppState;
use super::auth::{Action, Caller};
use super::error::ApiError;
use super::idempotency::{Idempotency, Once};
use super::params::{self, AuditParams};
use super::routes::{ApiJson, Pairs, pairs};
use super::rules;
use super::store::{Channel, PurchaseRequest, SeatFilter, Writer};
use crate::client::wire::{
    API_PREFIX, AuditEntry, BindRequest, EmergencyRequest, KeyActivationRequest, LicenseInfo,
    OfflineResponse, OfflineResponseRequest, Page, ProductCapacity, Seat, SeatSummary,
    ServerLicense, User,
};
use crate::domain::ProductKey;
use crate::domain::offline::ActivationRequest;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Bounds of the texts a client sends that are stored or signed (issue 15): generous
/// for any real value, small enough that no field can carry a payload.
const MAX_EMAIL: usize = 254;
const MAX_INSTALLATION_SERIAL: usize = 128;
const MAX_INSTALLATION_HASH: usize = 256;
const MAX_TAX_ID: usize = 32;

/// 400 naming `field` unless `value` is printable and at most `max` characters.
pub fn printable(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    crate::domain::text::check(field, value, max).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Most users `GET /users` answers (bind suggestions).
pub const MAX_USERS: u32 = 20;

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/seats"), get(list_seats))
        .route(&at("/seats/summary"), get(seat_summary))
        .route(&at("/seats/{id}/bind"), post(bind_seat))
        .route(&at("/seats/{id}/unbind"), post(unbind_seat))
        .route(&at("/users"), get(users))
        .route(&at("/license-info"), get(license_info))
        .route(&at("/emergency-license"), post(emergency_license))
        .route(&at("/purchases"), post(purchase))
        .route(&at("/keys/activate"), post(activate_key))
        .route(&at("/offline/response"), post(offline_response))
        .route(&at("/audit"), get(audit_log))
}

/// The `organization` parameter checked against the caller; when absent, the caller's
/// only organization, else 400.
fn one_organization(caller: &Caller, pairs: &[(String, String)]) -> Result<i64, ApiError> {
    match params::organization_param(pairs)? {
        Some(id) => caller.organization(id),
        None => match caller.organizations.as_slice() {
            [only] => Ok(only.id),
            _ => Err(ApiError::BadRequest(
                "organization is required: the token sees several organizations".into(),
            )),
        },
    }
}

fn seat_id(path: Result<Path<String>, PathRejection>) -> Result<i64, ApiError> {
    let Path(raw) = path.map_err(|e| ApiError::BadRequest(format!("unreadable seat id: {e}")))?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id >= 1)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "seat id must be a whole number from 1 (got {raw:?})"
            ))
        })
}

async fn list_seats(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Page<Seat>>, ApiError> {
    let params = params::parse_seat_query(&pairs(query)?)?;
    let organizations = caller.organization_scope(params.organization)?;
    let today = state.now().date_naive();
    let filter = SeatFilter {
        organizations,
        product: params.product,
        status: params.status,
        email_contains: params.q,
        sort: params.sort,
        descending: params.descending,
        page: params.page,
        per_page: params.per_page,
        today,
    };
    let page = state.store.list_seats(filter).await??;
    Ok(Json(page))
}

async fn seat_summary(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Vec<SeatSummary>>, ApiError> {
    let organizations = caller.organization_scope(params::organization_param(&pairs(query)?)?)?;
    let today = state.now().date_naive();
    Ok(Json(state.store.seat_summary(organizations, today).await?))
}

async fn bind_seat(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    ApiJson(request): ApiJson<BindRequest>,
) -> Result<(HeaderMap, Json<Seat>), ApiError> {
    caller.may(Action::BindSeats)?;
    let id = seat_id(path)?;
    // Surrounding whitespace is trimmed as always; inside, printable only.
    printable("email", request.email.trim(), MAX_EMAIL)?;
    let email = rules::normalize_email(&request.email);
    let same = json!({"op": "seat.bind", "seat": id, "email": email});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let seat = state
        .store
        .bind_seat(id, email, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(seat.marked())
}

async fn unbind_seat(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<(HeaderMap, Json<Seat>), ApiError> {
    caller.may(Action::BindSeats)?;
    let id = seat_id(path)?;
    let same = json!({"op": "seat.unbind", "seat": id});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let seat = state
        .store
        .unbind_seat(id, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(seat.marked())
}

async fn users(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Vec<User>>, ApiError> {
    let pairs = pairs(query)?;
    let organization = one_organization(&caller, &pairs)?;
    let text = params::last(&pairs, "q").unwrap_or_default().to_string();
    Ok(Json(
        state.store.users(organization, text, MAX_USERS).await?,
    ))
}

async fn license_info(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<LicenseInfo>, ApiError> {
    let organization = one_organization(&caller, &pairs(query)?)?;
    let now = state.now();
    let info = state.store.license_info(organization, now).await??;
    Ok(Json(info))
}

async fn emergency_license(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<EmergencyRequest>,
) -> Result<(HeaderMap, Json<ProductCapacity>), ApiError> {
    caller.may(Action::RequestEmergencyLicense)?;
    caller.organization(request.organization)?;
    let same = json!({"op": "emergency.request", "request": &request});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let writer = Writer::of(&state, caller);
    let capacity = state
        .store
        .request_emergency(
            request.organization,
            request.product,
            request.accounts,
            writer,
            idempotency,
        )
        .await??;
    Ok(capacity.marked())
}

async fn purchase(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PurchaseRequest>,
) -> Result<(HeaderMap, Json<ProductCapacity>), ApiError> {
    caller.may(Action::RecordPurchase)?;
    caller.organization(request.organization)?;
    // A resent purchase must not sell the accounts twice.
    let same = json!({"op": "purchase.record", "request": &request});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let capacity = state
        .store
        .purchase(request, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(capacity.marked())
}

async fn activate_key(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<KeyActivationRequest>,
) -> Result<(HeaderMap, Json<ServerLicense>), ApiError> {
    caller.may(Action::ActivateKeys)?;
    // Signed into the server license and stored in the audit log: printable only.
    printable(
        "installation.serial",
        request.installation.serial.trim(),
        MAX_INSTALLATION_SERIAL,
    )?;
    printable(
        "installation.hash",
        request.installation.hash.trim(),
        MAX_INSTALLATION_HASH,
    )?;
    printable("inn", request.inn.trim(), MAX_TAX_ID)?;
    printable(
        "kpp",
        request.kpp.as_deref().unwrap_or_default().trim(),
        MAX_TAX_ID,
    )?;
    let key = ProductKey::parse(&request.key).map_err(|e| {
        ApiError::unprocessable(format!("ключ {:?} записан неверно: {e}", request.key))
    })?;
    // The client's body names the request (the portal's own request adds its time).
    let same = json!({"op": "key.activate", "request": &request});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let now = state.now();
    let online = rules::online_request(
        key,
        &request.inn,
        request.kpp.as_deref(),
        &request.installation,
        now,
    );
    let license =
        activate_server_key(&state, caller, online, Channel::Online, now, idempotency).await?;
    Ok(license.marked())
}

async fn offline_response(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(body): ApiJson<OfflineResponseRequest>,
) -> Result<(HeaderMap, Json<OfflineResponse>), ApiError> {
    caller.may(Action::ActivateKeys)?;
    let request = ActivationRequest::parse(&body.request).map_err(|e| {
        ApiError::unprocessable(format!(
            "the activation request cannot be used: {e}; copy the whole request file again"
        ))
    })?;
    let installation = &request.installation;
    printable(
        "installation.serial",
        &installation.serial,
        MAX_INSTALLATION_SERIAL,
    )?;
    printable(
        "installation.hash",
        &installation.hash,
        MAX_INSTALLATION_HASH,
    )?;
    let same = json!({"op": "key.offline", "request": request.digest()});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let now = state.now();
    let license =
        activate_server_key(&state, caller, request, Channel::Offline, now, idempotency).await?;
    Ok(license
        .map(|license| OfflineResponse {
            response: license.license,
        })
        .marked())
}

/// Both channels of a server key's activation end here; `now` is the time the request
/// was built with.
async fn activate_server_key(
    state: &AppState,
    caller: Caller,
    request: ActivationRequest,
    channel: Channel,
    now: DateTime<Utc>,
    idempotency: Option<Idempotency>,
) -> Result<Once<ServerLicense>, ApiError> {
    let writer = Writer {
        now,
        ..Writer::of(state, caller)
    };
    state
        .store
        .activate_server_key(request, channel, writer, state.key.current(), idempotency)
        .await?
}

async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let params = AuditParams::parse(&pairs(query)?)?;
    let id = if params.kind == "key" {
        ProductKey::parse(&params.id)
            .map(|k| k.to_string())
            .map_err(|e| ApiError::BadRequest(format!("object key:{}: {e}", params.id)))?
    } else {
        params.id.clone()
    };
    let scope = caller.organization_ids();
    let page = state
        .store
        .audit(params.kind, id, scope, params.page, params.per_page)
        .await??;
    Ok(Json(page))
}
