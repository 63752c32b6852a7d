//! The one error type of the HTTP layer, mapped once to status + `{"error":{...}}`.

use super::store::StoreError;
use crate::client::wire::{ErrorBody, ErrorInfo};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A bad parameter or path segment; the message names it and what is allowed.
    #[error("{0}")]
    BadRequest(String),
    /// Missing, malformed or unknown token; the message says which.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// Never caused by input: logged in full, answered vaguely.
    #[error("internal error: {0}")]
    Internal(#[from] StoreError),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
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
                rejected: Vec::new(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
