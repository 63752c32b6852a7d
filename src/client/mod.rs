//! Typed client of API v1 (reqwest). The console and the scripting CLI talk to the
//! portal only through this.

pub mod access;
mod accounts;
mod activations;
pub mod bulk;
pub mod devices;
pub mod events;
pub mod feed;
pub mod invoices;
mod licenses;
mod seats;
pub mod serials;
mod transport;
pub mod webhooks;
pub mod wire;

pub use transport::BUSY_RESENDS;
use transport::{decode, map_transport, send};

use crate::domain::Lang;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use wire::{Health, IDEMPOTENCY_HEADER, Me, Organization, Page, Price};

/// Why a request failed, worded for the status line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("invalid portal address {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("portal unreachable: {0}")]
    Unreachable(String),
    /// The console's own store (the offline mirror) failed; not the portal's fault.
    #[error("local mirror: {0}")]
    Local(String),
    #[error("request timed out")]
    Timeout,
    /// The portal answered with an error body (4xx, or an unexpected 5xx).
    /// `request_id` is the answer's `X-Request-Id` (None from the mirror), shown with
    /// the error so a user can quote it (docs/DESIGN.md §4.3).
    #[error("{message} (HTTP {status}{})", request_suffix(.request_id.as_deref()))]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// `POST /activations` refused the whole request: these serials are not `ok`.
    #[error("{message} (HTTP 422{})", request_suffix(.request_id.as_deref()))]
    Rejected {
        message: String,
        rejected: Vec<wire::PrecheckRow>,
        request_id: Option<String>,
    },
    #[error("unexpected answer from the portal: {0}")]
    Decode(String),
    /// 503 (or 429, a rate limit): the portal could not take the request now and
    /// changed nothing; sending it
    /// again after `retry_after_secs` may succeed. Returned once the client's own
    /// resends ([`BUSY_RESENDS`]) were also answered busy.
    #[error("{message} (HTTP 503{})", request_suffix(.request_id.as_deref()))]
    Busy {
        message: String,
        retry_after_secs: u64,
        request_id: Option<String>,
    },
}

/// `, request 3f9a…` after the status in an error line, when the portal named the
/// request.
fn request_suffix(request_id: Option<&str>) -> String {
    request_id.map_or_else(String::new, |id| format!(", request {id}"))
}

impl ClientError {
    /// True when the portal could not be reached at all (as opposed to answering no).
    pub fn is_connection(&self) -> bool {
        matches!(self, ClientError::Unreachable(_) | ClientError::Timeout)
    }

    /// True when the same request may succeed later unchanged: the portal was not
    /// reached, or it was busy and changed nothing. A queued write stays queued.
    pub fn is_transient(&self) -> bool {
        self.is_connection() || matches!(self, ClientError::Busy { .. })
    }

    /// The `X-Request-Id` of the answer that carried this error, if a portal sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Api { request_id, .. }
            | ClientError::Rejected { request_id, .. }
            | ClientError::Busy { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            ClientError::Busy { .. } => Some(503),
            ClientError::Rejected { .. } => Some(422),
            _ => None,
        }
    }
}

/// reqwest is built without a bundled TLS provider (ring compiles far faster than
/// aws-lc-rs); install ring once per process before the first client is built.
pub fn install_tls_provider() {
    // An error only means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A cheap-to-clone handle on one portal with one token.
#[derive(Clone, Debug)]
pub struct ApiClient {
    http: reqwest::Client,
    base: reqwest::Url,
    token: crate::secret::Secret,
    /// Sent as `Accept-Language`, so the portal's texts come in the UI's language.
    lang: Option<Lang>,
    /// Sent as `X-Request-Id` (issue 16): the outbox names each send of a queued write,
    /// so a resend is traceable in the portal's log and `GET /events`.
    request_id: Option<String>,
}

impl ApiClient {
    /// `portal` is the portal's root URL (`http://127.0.0.1:8080`); the `/api/v1`
    /// prefix is added here.
    pub fn new(portal: &str, token: &str) -> Result<ApiClient, ClientError> {
        install_tls_provider();
        let bad = |reason: String| ClientError::BadUrl {
            url: portal.to_string(),
            reason,
        };
        let mut base = reqwest::Url::parse(portal.trim()).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https".into()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("licadm/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(ApiClient {
            http,
            base,
            token: crate::secret::Secret::from(token),
            lang: None,
            request_id: None,
        })
    }

    /// Asks the portal to word its messages (errors, precheck outcomes, activation
    /// failures) in `lang`; without it the portal words them as it stores them.
    pub fn with_lang(mut self, lang: Lang) -> ApiClient {
        self.lang = Some(lang);
        self
    }

    /// The same client sending `id` as the `X-Request-Id` of its requests (1–64 visible
    /// ASCII characters; the portal makes its own for anything else).
    pub fn with_request_id(&self, id: String) -> ApiClient {
        ApiClient {
            request_id: Some(id),
            ..self.clone()
        }
    }

    /// The language the portal is asked to answer in (the mirror words its own answers
    /// the same way).
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// A request with the token and the language.
    fn request(&self, method: reqwest::Method, url: reqwest::Url) -> reqwest::RequestBuilder {
        let request = self.http.request(method, url);
        // No token: a login or an invitation, which need none.
        let request = if self.token.is_empty() {
            request
        } else {
            request.bearer_auth(self.token.expose())
        };
        let request = match &self.request_id {
            Some(id) => request.header(wire::REQUEST_ID_HEADER, id.as_str()),
            None => request,
        };
        match self.lang {
            Some(lang) => request.header(reqwest::header::ACCEPT_LANGUAGE, lang.code()),
            None => request,
        }
    }

    /// The portal's root URL, for the status line.
    pub fn portal_url(&self) -> &str {
        self.base.as_str()
    }

    /// A short fingerprint of this portal and token (a hash: the token cannot be read
    /// back from it), so local state such as the offline mirror can be kept per
    /// portal and token without ever writing the token down.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!(
            "{}\n{}",
            self.portal_url().trim_end_matches('/'),
            self.token.expose()
        ));
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, ClientError> {
        let rel = format!("{}{}", wire::API_PREFIX.trim_start_matches('/'), path);
        self.base.join(&rel).map_err(|e| ClientError::BadUrl {
            url: rel,
            reason: e.to_string(),
        })
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let request = self
            .request(reqwest::Method::GET, self.url(path)?)
            .query(query);
        let response = send(request).await?;
        decode(response).await
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get("/health", &[]).await
    }

    /// Whether the portal answers at all, within `timeout`: one `GET /health`, never
    /// resent. Any answer of the portal's own counts (its store may be down or it may
    /// be busy: it is there); no answer, or a proxy's 502/504 for a portal behind it
    /// that is gone, does not. The console's liveness probe (issue 14).
    pub async fn reachable(&self, timeout: Duration) -> bool {
        let Ok(url) = self.url("/health") else {
            return false;
        };
        let request = self.request(reqwest::Method::GET, url).timeout(timeout);
        match request.send().await {
            Ok(response) => !matches!(
                response.status(),
                StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
            ),
            Err(_) => false,
        }
    }

    pub async fn me(&self) -> Result<Me, ClientError> {
        self.get("/me", &[]).await
    }

    pub async fn organizations(&self) -> Result<Vec<Organization>, ClientError> {
        self.get("/organizations", &[]).await
    }

    pub async fn prices(&self) -> Result<Vec<Price>, ClientError> {
        self.get("/prices", &[]).await
    }

    async fn post<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Option<&str>,
    ) -> Result<T, ClientError> {
        let mut request = self
            .request(reqwest::Method::POST, self.url(path)?)
            .json(body);
        if let Some(key) = idempotency_key {
            request = request.header(IDEMPOTENCY_HEADER, key);
        }
        let response = send(request).await?;
        decode(response).await
    }

    /// Records that the caller accepted the sublicense offer and the personal-data
    /// consent for `organization`; answers the updated organization.
    /// Accepts the offer, under a key of its own, so a resend after a lost answer (the
    /// client's retry after 429/503) is one acceptance.
    pub async fn accept_offer(&self, organization: i64) -> Result<Organization, ClientError> {
        let key = new_idempotency_key();
        self.post(
            &format!("/organizations/{organization}/accept-offer"),
            &serde_json::json!({}),
            Some(&key),
        )
        .await
    }

    /// One page of the change feed after `since` (0: everything).
    /// A page of the change feed; with a window, only the activations in it
    /// (docs/DESIGN.md §6.5).
    pub async fn changes(
        &self,
        since: i64,
        limit: u32,
        window: Option<feed::FeedWindow>,
    ) -> Result<feed::ChangeFeed, ClientError> {
        let mut query = vec![("since", since.to_string()), ("limit", limit.to_string())];
        if let Some(window) = window {
            query.push((
                "window_from",
                window
                    .from
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ));
            if let Some(head) = window.head {
                query.push(("window_head", head.to_string()));
            }
        }
        self.get("/changes", &query).await
    }

    /// The history of one object (`activation:421`, `seat:17`, …), newest first.
    pub async fn audit(
        &self,
        object: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<wire::AuditEntry>, ClientError> {
        self.get(
            "/audit",
            &[
                ("object", object.to_string()),
                ("page", page.to_string()),
                ("per_page", per_page.to_string()),
            ],
        )
        .await
    }
}

/// A fresh random idempotency key (128 bits, hex).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    // getrandom only fails when the OS has no entropy source at all; a time-based key
    // is still unique enough to stop a double submit.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
