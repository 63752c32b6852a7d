//! Many rows at once (issue 16 b; docs/DESIGN.md §4.9): `POST /activations/retry`
//! (up to `BULK_MAX` numbers in one request and one transaction, one answer per number),
//! `POST /seats/unbind` (the same for seats) and `GET /activations/errors` (the triage: errored activations of a period grouped
//! by error). Like `routes`: parse, scope, ask the store, answer.

use super::AppState;
use super::auth::{Action, Caller};
use super::error::ApiError;
use super::idempotency::Idempotency;
use super::params::{last, organization_param, shown};
use super::routes::{ApiJson, Pairs, pairs};
use super::store::Writer;
use crate::client::bulk::{
    BULK_MAX, BulkRetryRequest, BulkRetryResponse, BulkUnbindRequest, BulkUnbindResponse,
    ErrorTriage,
};
use crate::client::wire::API_PREFIX;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// The longest period a triage reaches back.
const MAX_DAYS: i64 = 92;

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/activations/retry"), post(retry_many))
        .route(&at("/activations/errors"), get(error_triage))
        .route(&at("/seats/unbind"), post(unbind_many))
}

/// Retries every number given (1 to `BULK_MAX`, each a whole number from 1): one
/// transaction, one `Idempotency-Key` for the whole request, one answer per number in
/// the order given — `retried` with the activation, or `refused` with the error the
/// single retry would have answered. Only a bad request as a whole is a 4xx.
async fn retry_many(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<BulkRetryRequest>,
) -> Result<(HeaderMap, Json<BulkRetryResponse>), ApiError> {
    caller.may(Action::Retry)?;
    if request.numbers.is_empty() || request.numbers.len() > BULK_MAX {
        return Err(ApiError::BadRequest(format!(
            "numbers must list 1 to {BULK_MAX} activation numbers (got {}); send more in several requests",
            request.numbers.len()
        )));
    }
    if let Some(bad) = request.numbers.iter().find(|n| **n < 1) {
        return Err(ApiError::BadRequest(format!(
            "numbers must be activation numbers from 1 (got {bad})"
        )));
    }
    let same = serde_json::json!({"op": "activation.retry-many", "numbers": request.numbers});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let answer = state
        .store
        .retry_activations(request.numbers, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(answer.marked())
}

/// Unbinds every seat given (1 to `BULK_MAX` ids, each from 1), admin only as the
/// single unbind: one transaction, one `Idempotency-Key` for the whole request, one
/// answer per seat in the order given — `unbound` with the seat, or `refused` with the
/// error the single unbind would have answered (another organization's seat is
/// `not_found`, as an unknown one). Only a bad request as a whole is a 4xx.
async fn unbind_many(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(request): ApiJson<BulkUnbindRequest>,
) -> Result<(HeaderMap, Json<BulkUnbindResponse>), ApiError> {
    caller.may(Action::BindSeats)?;
    if request.seats.is_empty() || request.seats.len() > BULK_MAX {
        return Err(ApiError::BadRequest(format!(
            "seats must list 1 to {BULK_MAX} seat ids (got {}); send more in several requests",
            request.seats.len()
        )));
    }
    if let Some(bad) = request.seats.iter().find(|id| **id < 1) {
        return Err(ApiError::BadRequest(format!(
            "seats must be seat ids from 1 (got {bad})"
        )));
    }
    let same = serde_json::json!({"op": "seat.unbind-many", "seats": request.seats});
    let idempotency =
        Idempotency::from_headers(&headers, caller.token_id, state.idempotency_lifetime, &same)?;
    let answer = state
        .store
        .unbind_seats(request.seats, Writer::of(&state, caller), idempotency)
        .await??;
    Ok(answer.marked())
}

/// The errored activations ordered since `since` in the token's organizations (or
/// the one `organization` names; 404 outside them), grouped by error text.
async fn error_triage(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<ErrorTriage>, ApiError> {
    let pairs = pairs(query)?;
    let scope = caller.organization_scope(organization_param(&pairs)?)?;
    let now = state.now();
    let since = parse_since(last(&pairs, "since"), now)?;
    Ok(Json(state.store.error_triage(scope, since).await?))
}

/// `since`: `24h`, `7d` (hours or days back from now, at most `MAX_DAYS`), a date (its
/// first second, UTC) or an RFC 3339 moment, which is brought forward to `MAX_DAYS`
/// back when older (the answer's `since` says where the period starts: a date is a
/// well-formed request whatever its age, so it is answered, not refused). Default: 24
/// hours.
pub fn parse_since(raw: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let bad = |raw: &str| {
        ApiError::BadRequest(format!(
            "since must be hours or days back (24h, 7d), a date (2026-11-30) or an RFC 3339 moment, at most {MAX_DAYS} days back (got {})",
            shown(raw)
        ))
    };
    let Some(raw) = raw else {
        return Ok(now - TimeDelta::hours(24));
    };
    let back = |count: &str, unit: fn(i64) -> Option<TimeDelta>| {
        count
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .and_then(unit)
            .filter(|d| *d <= TimeDelta::days(MAX_DAYS))
    };
    if let Some(hours) = raw.strip_suffix('h') {
        return back(hours, TimeDelta::try_hours)
            .map(|d| now - d)
            .ok_or_else(|| bad(raw));
    }
    if let Some(days) = raw.strip_suffix('d') {
        return back(days, TimeDelta::try_days)
            .map(|d| now - d)
            .ok_or_else(|| bad(raw));
    }
    let moment = if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
    } else {
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    moment
        .map(|s| s.max(now - TimeDelta::days(MAX_DAYS)))
        .ok_or_else(|| bad(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_hours_days_dates_and_moments_and_refuses_the_rest() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .expect("now")
            .with_timezone(&Utc);
        let at = |raw| parse_since(Some(raw), now).map(|t| t.to_rfc3339()).ok();
        assert_eq!(at("24h").as_deref(), Some("2026-11-29T12:00:00+00:00"));
        assert_eq!(at("7d").as_deref(), Some("2026-11-23T12:00:00+00:00"));
        assert_eq!(
            at("2026-11-01").as_deref(),
            Some("2026-11-01T00:00:00+00:00")
        );
        assert!(at("2026-11-30T10:00:00+03:00").is_some());
        for raw in ["0h", "-1d", "100d", "yesterday", "2026-13-01", "h"] {
            assert_eq!(at(raw), None, "{raw}");
        }
        // An older date is answered from the limit on.
        assert_eq!(
            at("2020-01-01").as_deref(),
            Some("2026-08-30T12:00:00+00:00")
        );
        assert_eq!(
            parse_since(None, now).ok(),
            Some(now - TimeDelta::hours(24))
        );
    }
}
