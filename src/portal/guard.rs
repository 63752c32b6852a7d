//! What every answer of the API carries and what every request must fit (issue 15):
//!
//! - `X-Content-Type-Options: nosniff` (a browser never reads a license file or a JSON
//!   answer as something else) and `Cache-Control: no-store` on everything but the
//!   health check and the OpenAPI document: answers hold personal data (e-mails, INNs)
//!   and license files, which no shared cache may keep;
//! - a URI over 8 KiB is a 414 and headers over 32 KiB a 431, both with the JSON error
//!   body. hyper's own limits (64 KiB URI, ~400 KiB headers) stay behind these as the
//!   last resort; their answers, and hyper's 400 for bytes it cannot parse, get the
//!   JSON body in `http_errors.rs`.

use super::error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const MAX_URI_BYTES: usize = 8 * 1024;
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Public, cacheable answers: they hold nothing personal.
const CACHEABLE: &[&str] = &["/api/v1/health", "/api/v1/openapi.json"];

pub async fn layer(request: Request, next: Next) -> Response {
    let uri_bytes = request.uri().to_string().len();
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let cacheable = CACHEABLE.contains(&request.uri().path());
    let mut response = if uri_bytes > MAX_URI_BYTES {
        ApiError::UriTooLong(format!(
            "the request URI is {uri_bytes} bytes, more than {MAX_URI_BYTES}"
        ))
        .into_response()
    } else if header_bytes > MAX_HEADER_BYTES {
        ApiError::HeadersTooLarge(format!(
            "the request headers are {header_bytes} bytes, more than {MAX_HEADER_BYTES}"
        ))
        .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
