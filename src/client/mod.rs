//! Typed client of API v1 (reqwest). The console and the scripting CLI talk to the
//! portal only through this.

pub mod access;
pub mod bulk;
pub mod devices;
pub mod events;
pub mod feed;
pub mod invoices;
pub mod serials;
pub mod webhooks;
pub mod wire;

use crate::domain::Lang;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, ErrorBody, Health,
    IDEMPOTENCY_HEADER, LicenseFile, Me, Organization, Page, PrecheckResponse, Price,
    SerialsRequest, SigningKeyInfo,
};

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
async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, ClientError> {
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

    pub async fn activations(
        &self,
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, ClientError> {
        self.get("/activations", &query.to_params()).await
    }

    pub async fn activation(&self, number: i64) -> Result<ActivationDetail, ClientError> {
        self.get(&format!("/activations/{number}"), &[]).await
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

    /// One row per input serial, in input order. Changes nothing.
    pub async fn precheck(
        &self,
        organization: i64,
        serials: &[String],
    ) -> Result<PrecheckResponse, ClientError> {
        let body = SerialsRequest {
            organization,
            serials: serials.to_vec(),
        };
        self.post("/precheck", &body, None).await
    }

    /// Creates one activation per vendor. Repeating the call with the same
    /// `idempotency_key` returns the same activations instead of creating new ones.
    pub async fn create_activations(
        &self,
        organization: i64,
        serials: &[String],
        idempotency_key: &str,
    ) -> Result<CreatedActivations, ClientError> {
        let body = SerialsRequest {
            organization,
            serials: serials.to_vec(),
        };
        self.post("/activations", &body, Some(idempotency_key))
            .await
    }

    /// Queues an errored activation again. With an `idempotency_key` a resend (say, from
    /// an offline outbox) answers what the first request did without retrying twice.
    pub async fn retry(
        &self,
        number: i64,
        idempotency_key: Option<&str>,
    ) -> Result<ActivationSummary, ClientError> {
        self.post(
            &format!("/activations/{number}/retry"),
            &serde_json::json!({}),
            idempotency_key,
        )
        .await
    }

    /// The signed `license-<number>.lic` of a done activation.
    pub async fn license_file(&self, number: i64) -> Result<LicenseFile, ClientError> {
        let url = self.url(&format!("/activations/{number}/license-file"))?;
        let response = send(self.request(reqwest::Method::GET, url)).await?;
        if !response.status().is_success() {
            return Err(decode::<serde_json::Value>(response)
                .await
                .err()
                .unwrap_or_else(|| {
                    ClientError::Decode("an error status with a success body".into())
                }));
        }
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=").nth(1))
            .map(|name| name.trim_matches('"').to_string())
            .filter(|name| {
                !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.')
            })
            .unwrap_or_else(|| format!("license-{number}.lic"));
        let contents = response.text().await.map_err(map_transport)?;
        Ok(LicenseFile {
            file_name,
            contents,
        })
    }

    pub async fn signing_key(&self) -> Result<SigningKeyInfo, ClientError> {
        self.get("/signing-key", &[]).await
    }

    pub async fn seats(&self, query: &wire::SeatQuery) -> Result<Page<wire::Seat>, ClientError> {
        self.get("/seats", &query.to_params()).await
    }

    /// Free/bound/expired per product; `organization` None = every organization the
    /// token sees.
    pub async fn seat_summary(
        &self,
        organization: Option<i64>,
    ) -> Result<Vec<wire::SeatSummary>, ClientError> {
        let query: Vec<(&str, String)> = organization
            .map(|o| ("organization", o.to_string()))
            .into_iter()
            .collect();
        self.get("/seats/summary", &query).await
    }

    /// Binds a free seat to a registered user; `idempotency_key` as for [`Self::retry`].
    pub async fn bind_seat(
        &self,
        seat: i64,
        email: &str,
        idempotency_key: Option<&str>,
    ) -> Result<wire::Seat, ClientError> {
        let body = wire::BindRequest {
            email: email.to_string(),
        };
        self.post(&format!("/seats/{seat}/bind"), &body, idempotency_key)
            .await
    }

    /// Frees a bound seat; `idempotency_key` as for [`Self::retry`].
    pub async fn unbind_seat(
        &self,
        seat: i64,
        idempotency_key: Option<&str>,
    ) -> Result<wire::Seat, ClientError> {
        self.post(
            &format!("/seats/{seat}/unbind"),
            &serde_json::json!({}),
            idempotency_key,
        )
        .await
    }

    /// Registered users whose e-mail or name contains `q` (bind suggestions).
    pub async fn users(&self, organization: i64, q: &str) -> Result<Vec<wire::User>, ClientError> {
        self.get(
            "/users",
            &[("organization", organization.to_string())]
                .into_iter()
                .chain((!q.trim().is_empty()).then(|| ("q", q.trim().to_string())))
                .collect::<Vec<_>>(),
        )
        .await
    }

    pub async fn license_info(&self, organization: i64) -> Result<wire::LicenseInfo, ClientError> {
        self.get(
            "/license-info",
            &[("organization", organization.to_string())],
        )
        .await
    }

    /// Requests an emergency license; `idempotency_key` as for [`Self::retry`].
    pub async fn request_emergency_license(
        &self,
        request: &wire::EmergencyRequest,
        idempotency_key: Option<&str>,
    ) -> Result<wire::ProductCapacity, ClientError> {
        self.post("/emergency-license", request, idempotency_key)
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

    pub async fn activate_key(
        &self,
        request: &wire::KeyActivationRequest,
    ) -> Result<wire::ServerLicense, ClientError> {
        self.post("/keys/activate", request, None).await
    }

    /// Turns an offline request text into the signed response text.
    pub async fn offline_response(
        &self,
        request_text: &str,
    ) -> Result<wire::OfflineResponse, ClientError> {
        let body = wire::OfflineResponseRequest {
            request: request_text.to_string(),
        };
        self.post("/offline/response", &body, None).await
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

/// Accounts, login and tokens (issue 15).
impl ApiClient {
    /// A client without a token, for [`Self::login`] and [`Self::accept_invitation`].
    pub fn anonymous(portal: &str) -> Result<ApiClient, ClientError> {
        ApiClient::new(portal, "")
    }

    /// A new token for the account. Sent once: a throttled login (429) is reported
    /// with its wait, not waited out here, so the person at the prompt is told.
    pub async fn login(
        &self,
        email: &str,
        password: &crate::secret::Secret,
        label: Option<&str>,
    ) -> Result<wire::LoginResponse, ClientError> {
        let body = wire::LoginRequest {
            email: email.to_string(),
            password: password.clone(),
            label: label.map(str::to_string),
        };
        let request = self
            .request(reqwest::Method::POST, self.url("/login")?)
            .json(&body);
        decode(request.send().await.map_err(map_transport)?).await
    }

    /// Revokes this client's own token.
    pub async fn logout(&self) -> Result<wire::TokenInfo, ClientError> {
        self.post("/logout", &serde_json::json!({}), None).await
    }

    pub async fn revoke_token(&self, id: i64) -> Result<wire::TokenInfo, ClientError> {
        let url = self.url(&format!("/tokens/{id}"))?;
        decode(send(self.request(reqwest::Method::DELETE, url)).await?).await
    }

    /// Creates an account; without a password the answer carries an invitation code.
    pub async fn create_account(
        &self,
        request: &wire::NewAccountRequest,
    ) -> Result<wire::CreatedAccount, ClientError> {
        // Under a key of its own: a resend after a lost answer is one account.
        self.post("/accounts", request, Some(&new_idempotency_key()))
            .await
    }

    /// Disables an account and revokes its tokens.
    pub async fn disable_account(&self, id: i64) -> Result<wire::AccountInfo, ClientError> {
        let url = self.url(&format!("/accounts/{id}"))?;
        decode(send(self.request(reqwest::Method::DELETE, url)).await?).await
    }

    /// Sets the password of an invited account (no token needed).
    pub async fn accept_invitation(
        &self,
        code: &crate::secret::Secret,
        password: &crate::secret::Secret,
    ) -> Result<wire::AccountInfo, ClientError> {
        let body = wire::AcceptInvitation {
            code: code.clone(),
            password: password.clone(),
        };
        self.post("/invitations/accept", &body, None).await
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

fn map_transport(e: reqwest::Error) -> ClientError {
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

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
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
