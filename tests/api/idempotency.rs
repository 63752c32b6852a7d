//! Idempotency keys like the payment APIs' (issue 15, item 7): a replay is marked, the
//! same key with another request is 422, and a key is remembered for 24 hours only.

use crate::support::portal::{MovableClock, TestPortal};
use licadm::portal::demo_serials;
use serde_json::{Value, json};

async fn create(portal: &TestPortal, key: &str, serial: &str) -> (u16, Option<String>, Value) {
    let response = reqwest::Client::new()
        .post(portal.url("/activations"))
        .bearer_auth(&portal.admin_token)
        .header("Idempotency-Key", key)
        .json(&json!({"organization": 1, "serials": [serial]}))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    (
        status,
        replayed,
        response.json().await.unwrap_or(Value::Null),
    )
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn replays_are_marked_other_requests_are_422_and_keys_expire_after_a_day() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let serials = demo_serials(&portal.db, 3).expect("serials");
    let ok: Vec<String> = serials.ok["pay-kiosk"].iter().take(3).cloned().collect();

    let (status, replayed, first) = create(&portal, "day-1", &ok[0]).await;
    assert_eq!((status, replayed), (201, None), "{first}");
    let (status, replayed, again) = create(&portal, "day-1", &ok[0]).await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")));
    assert_eq!(again, first);
    let (status, _, refused) = create(&portal, "day-1", &ok[1]).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "unprocessable");

    // Two days later the key is forgotten: the same key is a new request.
    clock.advance_days(2);
    let (status, replayed, later) = create(&portal, "day-1", &ok[2]).await;
    assert_eq!((status, replayed), (201, None), "{later}");
    assert_ne!(later, first);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_resent_key_activation_replays_the_license_first_issued() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let key = facts.unbound_key(1, "orangeuce").expect("demo key").key.clone();
    let orgs = portal.admin().organizations().await.expect("organizations");
    let body = |serial: &str| {
        json!({"key": key, "inn": orgs[0].inn, "kpp": orgs[0].kpp,
               "installation": {"serial": serial, "hash": "abc"}})
    };
    let send = |body: Value| {
        reqwest::Client::new()
            .post(portal.url("/keys/activate"))
            .bearer_auth(&portal.admin_token)
            .header("Idempotency-Key", "activate-1")
            .json(&body)
            .send()
    };
    let first = send(body("SRV-1")).await.expect("first");
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.expect("license");
    let again = send(body("SRV-1")).await.expect("again");
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("license");
    assert_eq!(again["license"], first["license"], "the same signed text, not a new one");
    let other = send(body("SRV-2")).await.expect("other");
    assert_eq!(other.status(), 422);
    let history = portal
        .admin()
        .audit(&format!("key:{key}"), 1, 100)
        .await
        .expect("audit");
    let activations = history
        .items
        .iter()
        .filter(|e| e.action == "key.activated")
        .count();
    assert_eq!(activations, 1, "activated once");
}
}
