//! Sending requests and reading answers: resends while the portal is busy, and
//! transport failures and error bodies turned into `ClientError`s.

use super::{ClientError, wire};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use wire::ErrorBody;

/// How many times a request answered 503 with `Retry-After` is sent again, waiting as
/// asked (capped at [`MAX_RETRY_AFTER`]), before the caller hears [`ClientError::Busy`].
pub const BUSY_RESENDS: u32 = 3;
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// The `Retry-After` of a 503 in whole seconds (the delta form; an HTTP date is rare
/// enough from a portal to be read as "1 s").
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    // 429 too: a rate limit that ran out refills by Retry-After, nothing was done.
    if response.status() != StatusCode::SERVICE_UNAVAILABLE
        && response.status() != StatusCode::TOO_MANY_REQUESTS
    {
        return None;
    }
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds = value.to_str().ok()?.trim().parse::<u64>().unwrap_or(1);
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// Sends `request`, and sends it again while the portal answers 503 with `Retry-After`
/// (it changed nothing then, so a write is safe to resend).
pub(super) async fn send(
    request: reqwest::RequestBuilder,
) -> Result<reqwest::Response, ClientError> {
    let mut resends = 0;
    loop {
        let Some(attempt) = request.try_clone() else {
            // A streamed body cannot be sent twice; none of ours is.
            return request.send().await.map_err(map_transport);
        };
        let response = attempt.send().await.map_err(map_transport)?;
        match retry_after(&response) {
            Some(wait) if resends < BUSY_RESENDS => {
                resends += 1;
                tokio::time::sleep(wait).await;
            }
            _ => return Ok(response),
        }
    }
}

pub(super) fn map_transport(e: reqwest::Error) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout
    } else if e.is_connect() || e.is_request() {
        // Strip reqwest's URL-heavy chain down to the root cause for the status line.
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        ClientError::Unreachable(cause.to_string())
    } else if e.is_body() {
        // The link dropped mid-answer: as unreachable as a refused connection.
        ClientError::Unreachable(format!("the connection dropped mid-answer: {e}"))
    } else if e.is_decode() {
        ClientError::Decode(e.to_string())
    } else {
        ClientError::Unreachable(e.to_string())
    }
}

pub(super) async fn decode<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, ClientError> {
    let status = response.status();
    let busy_for = retry_after(&response);
    let header_id = response
        .headers()
        .get(wire::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = response.bytes().await.map_err(map_transport)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body)
            if status == StatusCode::UNPROCESSABLE_ENTITY && !body.error.rejected.is_empty() =>
        {
            Err(ClientError::Rejected {
                message: body.error.message,
                rejected: body.error.rejected,
                request_id: body.error.request_id.or(header_id),
            })
        }
        Ok(body) if busy_for.is_some() => Err(ClientError::Busy {
            message: body.error.message,
            retry_after_secs: busy_for.map_or(1, |d| d.as_secs()),
            request_id: body.error.request_id.or(header_id),
        }),
        Ok(body) => Err(ClientError::Api {
            status: status.as_u16(),
            code: body.error.code,
            message: body.error.message,
            request_id: body.error.request_id.or(header_id),
        }),
        Err(_) => Err(ClientError::Api {
            status: status.as_u16(),
            code: status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "_"),
            message: fallback_message(status),
            request_id: header_id,
        }),
    }
}

fn fallback_message(status: StatusCode) -> String {
    match status {
        StatusCode::UNAUTHORIZED => "the token was not accepted".into(),
        StatusCode::NOT_FOUND => "not found".into(),
        s => format!("the portal answered {s}"),
    }
}
