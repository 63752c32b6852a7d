//! Every 4xx carries the JSON error body (issue 15, docs/DESIGN.md §4.3), whichever
//! layer refuses the request:
//!
//! - [`json_errors`]: an error answer made inside the router without the body (an
//!   extractor's plain-text rejection, a body limit's 413, a body timeout's 408) gets
//!   `{"error":{"code","message"}}`, its text kept in the message;
//! - [`JsonErrorIo`]: hyper answers bytes it cannot parse as HTTP (a control character
//!   in the request line or a header: 400) and heads beyond its own limits (414, 431)
//!   itself, before any service sees a request, with an empty body. Its answer is
//!   recognised on the way out (`HTTP/1.1 <status> <reason>\r\nconnection:
//!   close\r\ncontent-length: 0\r\n`, a head no answer of the router has: those carry a
//!   content type) and replaced with the same status and the JSON body.

use crate::client::wire::{ErrorBody, ErrorInfo};
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The most of a plain-text rejection kept in the message.
const MAX_TEXT: usize = 512;

/// Turns an error answer without a JSON body into one with it.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = to_bytes(body, MAX_TEXT * 4)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let detail = if text.is_empty() {
        status.canonical_reason().unwrap_or("refused").to_string()
    } else {
        crate::domain::text::inert(&text)
            .chars()
            .take(MAX_TEXT)
            .collect()
    };
    let mut rewritten = (
        status,
        axum::Json(body_of(
            status,
            &format!("the request was refused: {detail}"),
        )),
    )
        .into_response();
    // Retry-After, Allow, WWW-Authenticate and the like stay.
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

/// The error code of a status no `ApiError` chose (`error.rs` has the others).
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        s if s.is_server_error() => "internal",
        _ => "refused",
    }
}

fn body_of(status: StatusCode, message: &str) -> ErrorBody {
    ErrorBody {
        error: ErrorInfo {
            code: code_of(status).to_string(),
            message: message.to_string(),
            rejected: Vec::new(),
            // Set inside the router (its request-id layer); hyper's own answers have none.
            request_id: super::request_id::current(),
        },
    }
}

/// hyper's own answers: its status lines and the head it writes after them.
const HYPER_ANSWERS: [(&[u8], StatusCode, &str); 3] = [
    (
        b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n",
        StatusCode::BAD_REQUEST,
        "the request is not valid HTTP: a control character or a byte not allowed in the \
         request line or a header, or a malformed line",
    ),
    (
        b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n",
        StatusCode::URI_TOO_LONG,
        "the request URI is longer than the portal reads",
    ),
    (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "the request headers are larger than the portal reads",
    ),
];

/// The whole answer written instead of hyper's: the status, the JSON body, the headers
/// every answer has (`guard.rs`), and `connection: close` (hyper closes it).
fn raw_answer(status: StatusCode, message: &str) -> Vec<u8> {
    let body = serde_json::to_vec(&body_of(status, message)).unwrap_or_default();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nconnection: close\r\ncontent-type: application/json\r\n\
         x-content-type-options: nosniff\r\ncache-control: no-store\r\n\
         content-length: {}\r\n\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or_default(),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Where in `buf` one of hyper's answers starts, which, and where its head ends.
fn find_hyper_answer(buf: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    HYPER_ANSWERS.iter().find_map(|(start, status, message)| {
        let at = buf.windows(start.len()).position(|w| w == *start)?;
        let end = buf[at..].windows(4).position(|w| w == b"\r\n\r\n")? + at + 4;
        Some((at, end, raw_answer(*status, message)))
    })
}

/// The connection's stream, with hyper's bare error answers replaced (module comment).
/// Not vectored, so hyper writes each answer's head as one buffer.
pub struct JsonErrorIo<Io> {
    inner: Io,
    /// Replacement bytes accepted from hyper but not yet written.
    pending: Vec<u8>,
}

impl<Io> JsonErrorIo<Io> {
    pub fn new(inner: Io) -> Self {
        JsonErrorIo {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<Io: AsyncWrite + Unpin> JsonErrorIo<Io> {
    /// Writes what is pending; Ready(Ok) when nothing is left.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while !self.pending.is_empty() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
                }
                Poll::Ready(Ok(n)) => {
                    self.pending.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<Io: AsyncRead + Unpin> AsyncRead for JsonErrorIo<Io> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for JsonErrorIo<Io> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        match this.drain(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        match find_hyper_answer(buf) {
            // Up to hyper's answer first, so the next write starts with it whole.
            Some((at, _, _)) if at > 0 => Pin::new(&mut this.inner).poll_write(cx, &buf[..at]),
            Some((_, end, answer)) => {
                this.pending = answer;
                // Accepted; written by this drain, the next write, flush or shutdown.
                if let Poll::Ready(Err(e)) = this.drain(cx) {
                    return Poll::Ready(Err(e));
                }
                Poll::Ready(Ok(end))
            }
            None => Pin::new(&mut this.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.inner).poll_shutdown(cx),
            other => other,
        }
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_answers_are_found_whole_and_replaced_with_json() {
        let ours =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        assert!(find_hyper_answer(ours).is_none());
        let bare = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 30 Nov 2026 14:04:38 GMT\r\n\r\n";
        let mut both = ours.to_vec();
        both.extend_from_slice(bare);
        let (at, end, answer) = find_hyper_answer(&both).expect("found");
        assert_eq!((at, end), (ours.len(), both.len()));
        let text = String::from_utf8(answer).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{text}");
        let body = text.split("\r\n\r\n").nth(1).expect("body");
        let parsed: ErrorBody = serde_json::from_str(body).expect("JSON body");
        assert_eq!(parsed.error.code, "bad_request");
        assert!(text.contains(&format!("content-length: {}\r\n", body.len())));
    }
}

#[cfg(test)]
mod layer_tests {
    use super::*;
    use axum::routing::post;
    use tower::ServiceExt;

    /// A route that reads its body as bytes: axum's own 413 (and its text) becomes the
    /// JSON error body; a JSON answer is left alone.
    #[tokio::test]
    async fn plain_error_answers_of_the_router_get_the_json_body() {
        let router = axum::Router::new()
            .route(
                "/bytes",
                post(|body: axum::body::Bytes| async move { body.len().to_string() }),
            )
            .route(
                "/json",
                post(|| async { crate::portal::error::ApiError::NotFound("gone".into()) }),
            )
            .layer(axum::extract::DefaultBodyLimit::max(16))
            .layer(axum::middleware::from_fn(json_errors));
        let big = Request::post("/bytes")
            .body(axum::body::Body::from(vec![b'x'; 64]))
            .expect("request");
        let response = router.clone().oneshot(big).await.expect("answer");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body = to_bytes(response.into_body(), 4096).await.expect("body");
        let parsed: ErrorBody = serde_json::from_slice(&body).expect("JSON error body");
        assert_eq!(parsed.error.code, "payload_too_large");
        assert!(
            parsed
                .error
                .message
                .starts_with("the request was refused: ")
        );
        let json = Request::post("/json")
            .body(axum::body::Body::empty())
            .expect("request");
        let response = router.oneshot(json).await.expect("answer");
        let body = to_bytes(response.into_body(), 4096).await.expect("body");
        let parsed: ErrorBody = serde_json::from_slice(&body).expect("JSON error body");
        assert_eq!(
            (parsed.error.code.as_str(), parsed.error.message.as_str()),
            ("not_found", "gone")
        );
    }
}
