//! `Idempotency-Key` on the writes a client may send again: creating activations,
//! retry, seat bind and unbind, emergency licenses. The console's offline outbox
//! (docs/DESIGN.md §6.3) resends a queued action until an answer arrives, so a resend must
//! answer what the first attempt answered without doing it twice.
//!
//! Every such write runs in the store's `write_once` transaction: a key already used
//! by the token replays the stored answer (same request) or is a 422 (another request);
//! a fresh success is stored under the key in the same transaction as the write, so a
//! crash leaves both or neither. A refusal (a 4xx the write's rules answered) is stored
//! too, its changes rolled back, and replayed with its status and body — as payment
//! APIs do, so a resend never turns a refusal into a success behind the client's back.
//! A failure of the portal itself (503 busy, 500) is not stored: a resend runs again.
//! Every replay says `Idempotent-Replayed: true` (docs/DESIGN.md §4.5).

use super::error::ApiError;
use crate::client::wire::{IDEMPOTENCY_HEADER, REPLAYED_HEADER};
use axum::http::{HeaderMap, HeaderValue};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long a key is remembered by default (`serve --idempotency-hours`): a resend within
/// a day replays, a key used again later is a new request (the table does not grow
/// without end, and a client that reuses keys across days is not refused forever).
/// Keys older than their lifetime are overwritten.
pub const KEY_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The message of a key sent again with another request (422: the key is fine, the
/// request does not match what it names).
pub fn reused(key: &str) -> ApiError {
    ApiError::unprocessable(format!(
        "{IDEMPOTENCY_HEADER} {key:?} was already used with a different request; use a new key for a new request"
    ))
}

/// A request's `Idempotency-Key`, scoped to the token that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub token_id: i64,
    pub key: String,
    /// SHA-256 (hex) of the request re-serialized canonically, so whitespace and key
    /// order of the client's JSON do not make the same request look different.
    pub request_hash: String,
    /// How long the key is remembered (`serve --idempotency-hours`).
    pub lifetime: chrono::TimeDelta,
}

impl Idempotency {
    /// None without the header; 400 for a key that is empty, too long or not visible
    /// ASCII. `request` is what makes two requests "the same": the body and the path's
    /// object, with the operation's name so one key cannot mean two kinds of write.
    pub fn from_headers(
        headers: &HeaderMap,
        token_id: i64,
        lifetime: chrono::TimeDelta,
        request: &impl Serialize,
    ) -> Result<Option<Idempotency>, ApiError> {
        let Some(key) = key_in(headers)? else {
            return Ok(None);
        };
        let canonical = serde_json::to_vec(request)
            .map_err(|e| ApiError::BadRequest(format!("unserializable request: {e}")))?;
        Ok(Some(Idempotency {
            token_id,
            key: key.to_string(),
            request_hash: Sha256::digest(&canonical)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
            lifetime,
        }))
    }
}

/// The request's `Idempotency-Key`, checked: None without the header, 400 for a key
/// that is empty, too long or not visible ASCII.
pub fn key_in(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .map(Some)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters"
            ))
        })
}

/// The answer of a write under [`write_once`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Once<T> {
    /// The write ran now.
    Fresh(T),
    /// The stored answer of an earlier request with the same key; nothing ran.
    Replayed(T),
}

impl<T> Once<T> {
    pub fn into_inner(self) -> T {
        match self {
            Once::Fresh(value) | Once::Replayed(value) => value,
        }
    }

    /// The same kind of answer, of `f(value)`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Once<U> {
        match self {
            Once::Fresh(value) => Once::Fresh(f(value)),
            Once::Replayed(value) => Once::Replayed(f(value)),
        }
    }

    /// The answer, with `Idempotent-Replayed: true` when it is a replay.
    pub fn marked(self) -> (HeaderMap, axum::Json<T>) {
        let mut headers = HeaderMap::new();
        if let Once::Replayed(_) = &self {
            headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        }
        (headers, axum::Json(self.into_inner()))
    }
}

/// What the store keeps of a refusal: its status and the error body, as JSON.
pub fn stored_refusal(refusal: &ApiError) -> Option<(i32, String)> {
    let (status, body) = refusal.to_stored()?;
    let text = serde_json::to_string(&body).ok()?;
    Some((i32::from(status), text))
}

/// A stored refusal answered again (`stored_refusal`'s inverse).
pub fn replayed_refusal(status: i64, text: &str) -> Result<ApiError, serde_json::Error> {
    let body = serde_json::from_str(text)?;
    Ok(ApiError::Replayed {
        status: u16::try_from(status).unwrap_or(422),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn malformed_keys_are_a_400_and_the_hash_ignores_json_layout() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            Idempotency::from_headers(&headers, 1, KEY_LIFETIME, &1).ok(),
            Some(None)
        );
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static("  "));
        assert!(Idempotency::from_headers(&headers, 1, KEY_LIFETIME, &1).is_err());
        let long = "k".repeat(256);
        headers.insert(
            IDEMPOTENCY_HEADER,
            HeaderValue::from_str(&long).expect("header"),
        );
        assert!(Idempotency::from_headers(&headers, 1, KEY_LIFETIME, &1).is_err());
        headers.insert(IDEMPOTENCY_HEADER, HeaderValue::from_static(" a-1 "));
        let a: serde_json::Value = serde_json::from_str(r#"{"b": 1, "a": [1, 2]}"#).expect("json");
        let b: serde_json::Value = serde_json::from_str(r#"{"a":[1,2],"b":1}"#).expect("json");
        let (a, b) = (
            Idempotency::from_headers(&headers, 1, KEY_LIFETIME, &a).expect("a"),
            Idempotency::from_headers(&headers, 1, KEY_LIFETIME, &b).expect("b"),
        );
        assert_eq!(a, b);
        assert_eq!(a.map(|once| once.key), Some("a-1".to_string()));
    }
}
