//! Typed client of API v1 (reqwest). The console and the scripting CLI talk to the
//! portal only through this.

pub mod wire;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::Duration;
use wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, ErrorBody, Health, Me, Organization,
    Page, Price,
};

/// Why a request failed, worded for the status line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("invalid portal address {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("portal unreachable: {0}")]
    Unreachable(String),
    #[error("request timed out")]
    Timeout,
    /// The portal answered with an error body (4xx, or an unexpected 5xx).
    #[error("{message} (HTTP {status})")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    #[error("unexpected answer from the portal: {0}")]
    Decode(String),
}

impl ClientError {
    /// True when the portal could not be reached at all (as opposed to answering no).
    pub fn is_connection(&self) -> bool {
        matches!(self, ClientError::Unreachable(_) | ClientError::Timeout)
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
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
    token: String,
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
            token: token.to_string(),
        })
    }

    /// The portal's root URL, for the status line.
    pub fn portal_url(&self) -> &str {
        self.base.as_str()
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
            .http
            .get(self.url(path)?)
            .bearer_auth(&self.token)
            .query(query);
        let response = request.send().await.map_err(map_transport)?;
        decode(response).await
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get("/health", &[]).await
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
    } else if e.is_decode() || e.is_body() {
        ClientError::Decode(e.to_string())
    } else {
        ClientError::Unreachable(e.to_string())
    }
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(map_transport)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(ClientError::Api {
            status: status.as_u16(),
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(ClientError::Api {
            status: status.as_u16(),
            code: status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "_"),
            message: fallback_message(status),
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
