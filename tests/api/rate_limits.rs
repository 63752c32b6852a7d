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
