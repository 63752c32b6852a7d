//! The one error type of the HTTP layer, mapped once to status + `{"error":{...}}`.

use super::store::StoreError;
use crate::client::feed::CURSOR_GONE_CODE;
use crate::client::wire::{ErrorBody, ErrorInfo, PrecheckRow};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What a busy store asks the client to wait: long enough for the writer that held
/// the lock (a 10 000-line activation takes well under a second) to finish.
const RETRY_AFTER_SECONDS: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A bad parameter or path segment; the message names it and what is allowed.
    #[error("{0}")]
    BadRequest(String),
    /// Missing, malformed or unknown token; the message says which.
    #[error("{0}")]
    Unauthorized(String),
    /// A revoked token: its own code, so a client can say "log in again".
    #[error("{0}")]
    TokenRevoked(String),
    /// A token past its expiry.
    #[error("{0}")]
    TokenExpired(String),
    /// `POST /login` refused: the same answer whatever was wrong.
    #[error("{0}")]
    LoginFailed(String),
    /// The token's role may not do this; the message names the role and the action.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The object is not in a state that allows this (or an idempotency key clash).
    #[error("{0}")]
    Conflict(String),
    /// A bind on a seat that is bound or expired: its own code (`seat_not_free`) so a
    /// client binding a list can move on to the next free seat.
    #[error("{0}")]
    SeatNotFree(String),
    /// Well-formed but refused by a business rule; `rejected` lists refused serials.
    #[error("{message}")]
    Unprocessable {
        message: String,
        rejected: Vec<PrecheckRow>,
    },
    /// A feed cursor the store cannot continue (from another store, or older than the
    /// kept history): 410 `cursor_gone`, the client starts over with a full sync.
    #[error("{0}")]
    CursorGone(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A rate limit ran out (`rate_limit.rs`); the answer says when to send again.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request URI is longer than the portal reads (`guard.rs`).
    #[error("{0}")]
    UriTooLong(String),
    /// The request headers are larger than the portal reads (`guard.rs`).
    #[error("{0}")]
    HeadersTooLarge(String),
    /// A refusal remembered under an `Idempotency-Key` (docs/DESIGN.md §4.5), answered
    /// again as it was first: its status and body, marked `Idempotent-Replayed`.
    #[error("{}", .body.message)]
    Replayed { status: u16, body: ErrorInfo },
    /// Never caused by input: logged in full, answered vaguely.
    #[error("internal error: {0}")]
    Internal(#[from] StoreError),
}

impl ApiError {
    pub(super) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::TokenRevoked(_) => (StatusCode::UNAUTHORIZED, "token_revoked"),
            ApiError::TokenExpired(_) => (StatusCode::UNAUTHORIZED, "token_expired"),
            ApiError::LoginFailed(_) => (StatusCode::UNAUTHORIZED, "login_failed"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::SeatNotFree(_) => (StatusCode::CONFLICT, "seat_not_free"),
            ApiError::Unprocessable { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            ApiError::CursorGone(_) => (StatusCode::GONE, CURSOR_GONE_CODE),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::UriTooLong(_) => (StatusCode::URI_TOO_LONG, "uri_too_long"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::HeadersTooLarge(_) => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            ApiError::Replayed { status, .. } => (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                "replayed",
            ),
            ApiError::Internal(StoreError::Busy(_)) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl ApiError {
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::Unprocessable {
            message: message.into(),
            rejected: Vec::new(),
        }
    }
}

impl ApiError {
    /// What an `Idempotency-Key` keeps of this refusal: its status and error body. None
    /// for a failure of the portal itself (503 busy, 500), which a resend should retry.
    pub fn to_stored(&self) -> Option<(u16, ErrorInfo)> {
        if let ApiError::Replayed { status, body } = self {
            return Some((*status, body.clone()));
        }
        let (status, code) = self.status_and_code();
        if !status.is_client_error() {
            return None;
        }
        let rejected = match self {
            ApiError::Unprocessable { rejected, .. } => rejected.clone(),
            _ => Vec::new(),
        };
        Some((
            status.as_u16(),
            ErrorInfo {
                code: code.to_string(),
                message: self.to_string(),
                rejected,
                // A replay answers the stored body: the id of the request it answered
                // first would only mislead.
                request_id: None,
            },
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if let ApiError::Replayed { status, body } = self {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            // The stored refusal, named by this request's id (the one in its header).
            let body = ErrorInfo {
                request_id: super::request_id::current(),
                ..body
            };
            let mut response = (status, Json(ErrorBody { error: body })).into_response();
            response.headers_mut().insert(
                crate::client::wire::REPLAYED_HEADER,
                HeaderValue::from_static("true"),
            );
            return response;
        }
        let (status, code) = self.status_and_code();
        let rejected = match &mut self {
            ApiError::Unprocessable { rejected, .. } => std::mem::take(rejected),
            _ => Vec::new(),
        };
        let message = match &self {
            ApiError::Internal(StoreError::Busy(cause)) => {
                tracing::warn!(error = %cause, "store busy; answered 503");
                "the portal is busy; nothing was changed: send the request again after Retry-After seconds".to_string()
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed inside the portal");
                "internal error; the portal log has the details".to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: ErrorInfo {
                code: code.to_string(),
                message,
                rejected,
                request_id: super::request_id::current(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
