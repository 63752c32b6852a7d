//! A webhook receiver for tests: a real HTTP server (axum) on 127.0.0.1:0 that keeps
//! every request it gets and answers from a script (fail, redirect, hang), then 200.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What the receiver answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    /// A 302 to this path of the receiver itself.
    Redirect(&'static str),
    /// Never answers (the sender's timeout or death ends it).
    Hang,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub path: String,
    pub signature: Option<String>,
    pub event_id: Option<String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Clone, Default)]
struct Shared {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`
    pub url: String,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    shared.got.lock().expect("receiver lock").push(Received {
        at: Instant::now(),
        path: uri.path().to_string(),
        signature: header("x-licadm-signature"),
        event_id: header("x-licadm-event-id"),
        body: body.to_vec(),
    });
    let reply = shared.script.lock().expect("receiver lock").pop_front();
    match reply {
        None => StatusCode::OK.into_response(),
        Some(Reply::Status(status)) => StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Some(Reply::Redirect(to)) => {
            (StatusCode::FOUND, [(axum::http::header::LOCATION, to)]).into_response()
        }
        Some(Reply::Hang) => std::future::pending().await,
    }
}

impl Receiver {
    /// A receiver answering `script` in order, then 200 to everything.
    pub async fn start(script: Vec<Reply>) -> Receiver {
        let shared = Shared::default();
        shared.script.lock().expect("receiver lock").extend(script);
        let app = Router::new().fallback(receive).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url,
            shared,
            server,
        }
    }

    /// Every request so far, in arrival order.
    pub fn got(&self) -> Vec<Received> {
        self.shared.got.lock().expect("receiver lock").clone()
    }

    /// Waits (polling, never a fixed sleep) until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize, timeout: std::time::Duration) -> Vec<Received> {
        super::portal::wait_for(&format!("{n} webhook requests"), timeout, || async {
            let got = self.got();
            (got.len() >= n).then_some(got)
        })
        .await
    }
}
