//! Rate limits per token and per address, and on failed authentication (issue 15,
//! item 6): 429 with Retry-After and RateLimit-* headers and the JSON error body; the
//! typed client waits as asked and sends again.

use crate::support::portal::{TestPortal, no_worker};
use licadm::client::wire::Role;
use licadm::portal::rate_limit::{Rate, RateLimits};
use licadm::portal::serve::Limits;
use licadm::portal::{DemoOptions, PortalOptions};
use serde_json::Value;

async fn portal(rate: RateLimits) -> TestPortal {
    let options = PortalOptions {
        limits: Limits {
            rate,
            ..Limits::default()
        },
        ..no_worker()
    };
    TestPortal::start_full(DemoOptions { activations: 20 }, options).await
}

async fn me(portal: &TestPortal, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(portal.url("/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

fn header(response: &reqwest::Response, name: &str) -> Option<u64> {
    response.headers().get(name)?.to_str().ok()?.parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_past_its_limit_gets_429_with_retry_after_and_the_client_waits() {
    let portal = portal(RateLimits {
        per_token: Some(Rate {
            burst: 5,
            per_minute: 60,
        }),
        ..RateLimits::off()
    })
    .await;
    let token = portal.token(Role::Viewer, &[], "busy script");
    for n in 0..5u64 {
        let response = me(&portal, &token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "ratelimit-limit"), Some(5));
        assert_eq!(header(&response, "ratelimit-remaining"), Some(4 - n));
    }
    let refused = me(&portal, &token).await;
    assert_eq!(refused.status(), 429);
    assert!(header(&refused, "retry-after").is_some_and(|s| (1..=2).contains(&s)));
    assert_eq!(header(&refused, "ratelimit-remaining"), Some(0));
    let body: Value = refused.json().await.expect("JSON error body");
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another token is not held up, nor is /health.
    assert_eq!(me(&portal, &portal.admin_token).await.status(), 200);
    assert_eq!(portal.raw_get("/health").await.status(), 200);
    // The typed client waits out Retry-After and sends again.
    let who = portal
        .client(&token)
        .me()
        .await
        .expect("answered after waiting");
    assert_eq!(who.account, "busy script");
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_authentication_is_throttled_per_address() {
    let portal = portal(RateLimits {
        failed_auth_per_address: Some(Rate {
            burst: 3,
            per_minute: 1,
        }),
        ..RateLimits::off()
    })
    .await;
    for n in 0..3 {
        let guess = format!("lca_guess{n}");
        assert_eq!(me(&portal, &guess).await.status(), 401);
    }
    let throttled = me(&portal, "lca_guess3").await;
    assert_eq!(throttled.status(), 429);
    assert!(header(&throttled, "retry-after").is_some_and(|s| s >= 1));
    // The address waits, whatever token it sends now.
    assert_eq!(me(&portal, &portal.admin_token).await.status(), 429);
}

/// `serve --rate-limit-failed-auth N` sets the failed-authentication limit per address;
/// 0 turns it off (a fuzzer sending requests without a token gets 401, not 429).
#[tokio::test(flavor = "multi_thread")]
async fn serve_sets_or_turns_off_the_failed_authentication_limit() {
    use crate::support::portal_process::PortalProcess;
    licadm::client::install_tls_provider();
    let bad_tokens = |url: String, n: usize| async move {
        let client = reqwest::Client::new();
        let mut statuses = Vec::new();
        for _ in 0..n {
            let response = client
                .get(format!("{url}/api/v1/me"))
                .bearer_auth("lca_not-a-token")
                .send()
                .await
                .expect("request");
            statuses.push(response.status().as_u16());
        }
        statuses
    };
    let three = tokio::task::block_in_place(|| {
        PortalProcess::start_demo(&["--scale", "20", "--rate-limit-failed-auth", "3"])
    });
    assert_eq!(bad_tokens(three.url.clone(), 4).await, [401, 401, 401, 429]);
    let off = tokio::task::block_in_place(|| {
        PortalProcess::start_demo(&["--scale", "20", "--rate-limit-failed-auth", "0"])
    });
    let statuses = bad_tokens(off.url.clone(), 30).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
}
