//! Strong ETags on successful GET JSON answers, and `304 Not Modified` when the request's
//! `If-None-Match` names the current one (RFC 9110 §8.8.3, §13.1.2). A console polling a
//! list or the feed over a thin link then gets an empty answer when nothing changed.
//!
//! The tag is a SHA-256 of the uncompressed JSON: the layer sits inside compression, so
//! gzip, zstd and identity answers carry the same tag for the same content.

use super::error::ApiError;
use super::store::StoreError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Bytes of the digest in the tag: 128 bits tell versions apart as well as 256 and
/// keep the header short on every answer.
const TAG_BYTES: usize = 16;

/// The middleware (`axum::middleware::from_fn(etag::layer)`). Anything but a successful
/// GET with a JSON body passes through untouched.
pub async fn layer(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !response.status().is_success() || !is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Handlers answer with a body already in memory, so reading it costs no waiting.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return ApiError::Internal(StoreError::Task(format!(
                "reading an answer to tag it: {e}"
            )))
            .into_response();
        }
    };
    let opaque = opaque_tag(&bytes);
    if let Ok(value) = HeaderValue::from_str(&format!("\"{opaque}\"")) {
        parts.headers.insert(ETAG, value);
    }
    let fresh = if_none_match
        .as_ref()
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| none_match_fails(value, &opaque));
    if fresh {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(CONTENT_TYPE);
        parts.headers.remove(CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

/// The tag's inside (without quotes): hex of the first [`TAG_BYTES`] of a SHA-256.
pub fn opaque_tag(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .take(TAG_BYTES)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// True when `If-None-Match: value` is false for a representation tagged `opaque`, i.e.
/// the client's copy is current: `*`, or a listed tag equal to ours by the weak
/// comparison (`W/` ignored on both sides, as RFC 9110 asks for If-None-Match). A
/// malformed list matches nothing, so the client gets the full answer.
pub fn none_match_fails(value: &str, opaque: &str) -> bool {
    let value = value.trim();
    if value == "*" {
        return true;
    }
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return false;
        }
        let unweak = rest.strip_prefix("W/").unwrap_or(rest);
        // An entity tag is a quoted string without inner quotes; commas may be inside.
        let Some(quoted) = unweak.strip_prefix('"') else {
            return false;
        };
        let Some(end) = quoted.find('"') else {
            return false;
        };
        if &quoted[..end] == opaque {
            return true;
        }
        // Only whitespace, then a comma or the end, may follow a tag.
        rest = quoted[end + 1..].trim_start_matches([' ', '\t']);
        if !rest.starts_with(',') {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_short_stable_hex_digests() {
        let tag = opaque_tag(b"{\"items\":[]}");
        assert_eq!(tag.len(), 32);
        assert!(tag.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(tag, opaque_tag(b"{\"items\":[]}"));
        assert_ne!(tag, opaque_tag(b"{\"items\":[1]}"));
    }

    #[test]
    fn if_none_match_uses_the_weak_comparison_over_lists_and_star() {
        let ours = "abc";
        for matching in [
            "\"abc\"",
            "W/\"abc\"",
            "*",
            " * ",
            "\"x\", \"abc\"",
            "\"x\",W/\"abc\"",
            "W/\"x\" ,\t\"abc\" , \"y\"",
            "\"a,b\", \"abc\"",
        ] {
            assert!(none_match_fails(matching, ours), "{matching}");
        }
        for other in [
            "",
            "\"abd\"",
            "abc",
            "\"ab\"c\"",
            "W/abc",
            "\"abc",
            "\"x\" \"abc\"x",
            "\"abcd\", \"ab\"",
            "*, \"x\"",
        ] {
            assert!(!none_match_fails(other, ours), "{other}");
        }
    }
}
