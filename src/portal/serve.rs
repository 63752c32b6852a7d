//! The portal's accept loop (issue 15, item 3): `axum::serve` has no header or body read
//! timeout and no connection cap, so 1 100 clients that each send half a request held
//! every file descriptor and `/health` stopped answering. Here:
//!
//! - a request head must arrive within `header_timeout`, which also bounds how long an
//!   idle keep-alive connection waits for its next request (hyper starts the timer
//!   whenever it waits for a head);
//! - a request body must arrive within `body_timeout` (tower-http's body timeout);
//! - at most `max_connections` are open. At the cap, the oldest connection that is not
//!   in the middle of a request (idle, or still sending its head) is closed to admit the
//!   new one, so a flood of half-open connections cannot lock out a real client; only
//!   when every connection is busy with a request is the new one refused.
//!
//! HTTP/1.1 only: every client of the API (reqwest, curl, the console) speaks it, and
//! the head timeout is an HTTP/1 notion.

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// How the accept loop protects the portal from slow and numerous clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    /// Requests per address and per token, failed authentications (`rate_limit.rs`).
    pub rate: super::rate_limit::RateLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            // Under the common 1 024 open-file limit, with room for the store's files.
            max_connections: 1_000,
            rate: super::rate_limit::RateLimits::default(),
        }
    }
}

/// One open connection as the cap sees it.
#[derive(Default)]
struct Connection {
    /// Requests being answered now; a connection with none may be closed at the cap.
    in_flight: AtomicUsize,
    /// Told to close when the cap needs its place.
    evict: Notify,
}

#[derive(Default)]
struct Connections {
    /// By admission order, so the first idle one found is the oldest.
    open: BTreeMap<u64, Arc<Connection>>,
    next_id: u64,
}

/// The open connections, shared by the accept loop and the connection tasks.
#[derive(Clone, Default)]
struct Tracker(Arc<Mutex<Connections>>);

impl Tracker {
    fn lock(&self) -> std::sync::MutexGuard<'_, Connections> {
        // Nothing is left half-updated by a panic while holding it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for a new connection, closing the oldest idle one at the cap; None when
    /// every open connection is busy with a request.
    fn admit(&self, max: usize) -> Option<(u64, Arc<Connection>)> {
        let mut connections = self.lock();
        if connections.open.len() >= max {
            let idle = connections
                .open
                .iter()
                .find(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0)
                .map(|(id, _)| *id)?;
            if let Some(evicted) = connections.open.remove(&idle) {
                evicted.evict.notify_one();
            }
        }
        let id = connections.next_id;
        connections.next_id += 1;
        let connection = Arc::new(Connection::default());
        connections.open.insert(id, connection.clone());
        Some((id, connection))
    }

    fn close(&self, id: u64) {
        self.lock().open.remove(&id);
    }
}

/// Serves `router` on `listener` until the future is dropped; over TLS when `tls` is
/// given (the handshake must finish within the head timeout too).
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<()> {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let router = router.layer(RequestBodyTimeoutLayer::new(limits.body_timeout));
    let tracker = Tracker::default();
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: the connections already open
                // finish and free some; wait a moment rather than spin.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some((id, connection)) = tracker.admit(limits.max_connections) else {
            tracing::warn!(%peer, "connection refused: every connection is busy with a request");
            continue;
        };
        let (router, tracker, acceptor) = (router.clone(), tracker.clone(), acceptor.clone());
        tokio::spawn(async move {
            if let Err(e) = tune(&stream) {
                tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
            }
            match acceptor {
                None => serve_connection(stream, peer, router, limits, &connection).await,
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(limits.header_timeout, acceptor.accept(stream));
                    match handshake.await {
                        Ok(Ok(stream)) => {
                            serve_connection(stream, peer, router, limits, &connection).await
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
            tracker.close(id);
        });
    }
}

/// What every accepted connection is set to before it is served. TCP_NODELAY: a
/// compressed answer goes out in chunks, and Nagle's algorithm held the last one back
/// until the client's delayed ACK (40 ms per answer; docs/BENCHMARKS.md, issue 13).
fn tune(stream: &tokio::net::TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)
}

async fn serve_connection<Io>(
    stream: Io,
    peer: std::net::SocketAddr,
    router: axum::Router,
    limits: Limits,
    connection: &Arc<Connection>,
) where
    Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let counted = connection.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        let (router, counted) = (router.clone(), counted.clone());
        // The client's address, for the per-address rate limits.
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        async move {
            counted.in_flight.fetch_add(1, Ordering::AcqRel);
            let response = router.oneshot(request.map(axum::body::Body::new)).await;
            counted.in_flight.fetch_sub(1, Ordering::AcqRel);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // hyper's own bare 400/414/431 answers get the JSON error body (`http_errors.rs`).
    let stream = super::http_errors::JsonErrorIo::new(stream);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = served => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        () = connection.evict.notified() => {
            tracing::debug!("idle connection closed to admit a new one at the cap");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nagle's delay only shows as time (a timed test is not allowed here), so the
    /// option itself is checked on a real accepted loopback connection.
    #[tokio::test]
    async fn an_accepted_connection_sends_without_nagles_delay() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let client = tokio::net::TcpStream::connect(address);
        let (accepted, _client) = tokio::join!(listener.accept(), client);
        let (stream, _) = accepted.expect("accept");
        assert!(
            !stream.nodelay().expect("read the option"),
            "off by default"
        );
        tune(&stream).expect("tune");
        assert!(stream.nodelay().expect("read the option"));
    }
}
