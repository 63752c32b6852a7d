//! The portal's one outbound HTTP client: a webhook delivery's POST (docs/DESIGN.md
//! §4.10). The only portal file that names reqwest (`layering.rs` allows it here).
//! Redirects are never followed: a 3xx is the receiver's answer, a failure.

use std::time::Duration;

/// The HTTP client deliveries go out on (cheap to clone).
pub type Http = reqwest::Client;

/// The answer of a receiver: its status and the start of its body.
pub struct Answered {
    pub status: u16,
    pub body: String,
}

/// What the receiver's answer may show of its body in the delivery log.
const BODY_EXCERPT: usize = 200;

/// A client for deliveries: no redirects, `timeout` per attempt.
pub fn client(timeout: Duration) -> Result<Http, String> {
    crate::client::install_tls_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("licadm-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

/// POSTs `body` as JSON with `headers`; Err is a text saying why no answer came.
pub async fn post(
    client: &Http,
    url: &str,
    headers: &[(&'static str, String)],
    body: String,
) -> Result<Answered, String> {
    let mut request = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.map_err(|e| describe(&e))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap_or_default();
    let text: String = String::from_utf8_lossy(&bytes)
        .chars()
        .take(BODY_EXCERPT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Ok(Answered {
        status,
        body: text.trim().to_string(),
    })
}

/// The root cause of a failed request, without reqwest's URL-heavy chain.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer within the timeout".into();
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
