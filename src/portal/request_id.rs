//! `X-Request-Id` on every answer (docs/DESIGN.md §4.3, issue 16): the client's own
//! when it sent a usable one, else a fresh random one. The id is what a user quotes in
//! a ticket: the answer's header says it, every error body repeats it, and every audit
//! record the request wrote stores it (`GET /events` shows it), so support can go from
//! «… (запрос 3f9a…)» on a screen to the change it made.
//!
//! The layer is the router's outermost, so the rate limiter's and the guard's refusals
//! carry it too. Handlers get the id through the `Caller` (the request's extensions);
//! error bodies, built far from the request by `ApiError::into_response`, read it from
//! a task-local set around the whole request.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-request-id";

/// A client's id longer than this is replaced: it is stored with every audit record
/// the request writes, and shown in error lines.
pub const MAX_LEN: usize = 64;

/// The request's id, in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being answered, when called inside one.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// A client's id is kept when it is 1–64 visible ASCII characters: printable in a log
/// line, a terminal and a header, and bounded in the audit table.
pub fn usable(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// 64 random bits as 16 hex digits: short enough to read out, unique enough for a
/// ticket. Should the system's random source fail, the time still tells requests apart.
fn generate() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn layer(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|id| usable(id))
        .map_or_else(generate, str::to_string);
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = CURRENT.scope(id.clone(), next.run(request)).await;
    // Visible ASCII only (checked or generated above), so this cannot fail.
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_ids_are_bounded_and_printable() {
        assert!(usable("3f9a-ticket_42"));
        assert!(!usable(""));
        assert!(!usable("has space"));
        assert!(!usable("ru-запрос"));
        assert!(!usable("bell\u{7}"));
        assert!(!usable(&"a".repeat(MAX_LEN + 1)));
        assert!(usable(&"a".repeat(MAX_LEN)));
    }

    #[test]
    fn generated_ids_are_usable_and_differ() {
        let (a, b) = (generate(), generate());
        assert!(usable(&a) && a.len() == 16);
        assert_ne!(a, b);
    }
}
