//! Idempotency like the payment APIs' on every write a client may resend (issue 15,
//! item 8; docs/DESIGN.md §4.5): each replay says `Idempotent-Replayed: true`, a
//! refusal is remembered and replayed with its status and body, accept-offer takes a
//! key, and the keys' lifetime is configurable.

use crate::support::portal::{MovableClock, TestPortal, no_worker};
use licadm::client::wire::{ActivationQuery, Role};
use licadm::domain::ActivationStatus;
use licadm::portal::{DemoOptions, PortalOptions, demo_serials};
use serde_json::{Value, json};

const ORANGEUCE: &str = "orangeuce";

/// One POST with `key`: status, whether it says it is replayed, the body.
async fn post(
    portal: &TestPortal,
    token: &str,
    path: &str,
    key: &str,
    body: &Value,
) -> (u16, bool, Value) {
    let response = reqwest::Client::new()
        .post(portal.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let replayed = match response.headers().get("idempotent-replayed") {
        None => false,
        Some(v) if v == "true" => true,
        Some(other) => panic!("Idempotent-Replayed: {other:?}"),
    };
    (
        status,
        replayed,
        response.json().await.unwrap_or(Value::Null),
    )
}

/// The same request twice under one key: the first runs, the second is the first's
/// answer, marked.
async fn twice(portal: &TestPortal, token: &str, path: &str, key: &str, body: &Value) -> Value {
    let (status, replayed, first) = post(portal, token, path, key, body).await;
    assert!(!replayed, "{path}: a first answer is not a replay");
    assert!(status < 300, "{path}: {status} {first}");
    let (again_status, replayed, again) = post(portal, token, path, key, body).await;
    assert!(replayed, "{path}: the resend is marked");
    assert_eq!((again_status, &again), (status, &first), "{path}");
    first
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn every_replayed_write_says_so() {
    let portal = TestPortal::start().await;
    let admin = portal.admin_token.clone();
    let operator = portal.operator_token();
    let facts = portal.facts();
    let seat = facts.free(1, ORANGEUCE)[0];
    let user = facts.without_seat(1, ORANGEUCE)[0].clone();
    twice(&portal, &admin, &format!("/seats/{seat}/bind"), "bind-1", &json!({"email": user})).await;
    twice(&portal, &admin, &format!("/seats/{seat}/unbind"), "unbind-1", &json!({})).await;
    twice(
        &portal,
        &admin,
        "/emergency-license",
        "emergency-1",
        &json!({"organization": 1, "product": ORANGEUCE, "accounts": 2}),
    )
    .await;
    twice(
        &portal,
        &operator,
        "/purchases",
        "purchase-1",
        &json!({"organization": 1, "product": ORANGEUCE, "accounts": 3}),
    )
    .await;
    twice(&portal, &admin, "/organizations/1/accept-offer", "offer-1", &json!({})).await;
    twice(&portal, &operator, "/organizations/2/block", "block-1", &json!({})).await;
    let errored = portal
        .admin()
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Error),
            ..Default::default()
        })
        .await
        .expect("errored")
        .items[0]
        .number;
    twice(&portal, &admin, &format!("/activations/{errored}/retry"), "retry-1", &json!({})).await;
    let key = facts.unbound_key(1, ORANGEUCE).expect("demo key").key.clone();
    let org = portal.admin().organizations().await.expect("orgs")[0].clone();
    let server = json!({"key": key, "inn": org.inn, "kpp": org.kpp,
                        "installation": {"serial": "SRV-IDEM", "hash": "h-1"}});
    twice(&portal, &admin, "/keys/activate", "activate-1", &server).await;
    let request = licadm::domain::offline::ActivationRequest {
        key: licadm::domain::ProductKey::parse(&key).expect("key"),
        inn: org.inn.clone(),
        kpp: org.kpp.clone().unwrap_or_default(),
        installation: licadm::domain::offline::InstallationId {
            serial: "SRV-IDEM".into(),
            hash: "h-1".into(),
        },
        created_at: chrono::Utc::now(),
    };
    twice(
        &portal,
        &admin,
        "/offline/response",
        "offline-1",
        &json!({"request": request.to_text()}),
    )
    .await;
}
}

/// An error body without its `request_id`: each answer names its own request.
fn without_request_id(mut body: serde_json::Value) -> serde_json::Value {
    if let Some(error) = body["error"].as_object_mut() {
        error.remove("request_id");
    }
    body
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_replays_with_its_status_and_body_even_when_it_would_now_succeed() {
    let portal = TestPortal::start().await;
    let admin = portal.admin_token.clone();
    let facts = portal.facts();
    let free = facts.free(1, ORANGEUCE);
    let (seat, other) = (free[0], free[1]);
    let users = facts.without_seat(1, ORANGEUCE);
    portal.admin().bind_seat(seat, &users[0], None).await.expect("bind");
    // The seat is taken: 409 seat_not_free, remembered under the key.
    let body = json!({"email": users[1]});
    let path = format!("/seats/{seat}/bind");
    let (status, replayed, refused) = post(&portal, &admin, &path, "bind-taken", &body).await;
    assert_eq!((status, replayed), (409, false), "{refused}");
    assert_eq!(refused["error"]["code"], "seat_not_free");
    // Freed since: the resend still answers what the first attempt answered.
    portal.admin().unbind_seat(seat, None).await.expect("unbind");
    let (status, replayed, mut again) = post(&portal, &admin, &path, "bind-taken", &body).await;
    // Each answer names its own request; the rest is the first answer, replayed.
    let first_id = refused["error"]["request_id"].as_str().map(str::to_string);
    let again_id = again["error"]["request_id"].as_str().map(str::to_string);
    assert!(first_id.is_some() && again_id.is_some() && first_id != again_id);
    again = without_request_id(again);
    let refused = without_request_id(refused);
    assert_eq!((status, replayed, &again), (409, true, &refused));
    // In another language the same refusal is told in it.
    let response = reqwest::Client::new()
        .post(portal.url(&path))
        .bearer_auth(&admin)
        .header("Idempotency-Key", "bind-taken")
        .header("Accept-Language", "ru")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 409);
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    // A refused activation replays its 422 with the refused rows.
    let serials = demo_serials(&portal.db, 2).expect("serials");
    let refused_serial = serials.refused[0].clone();
    let request = json!({"organization": 1, "serials": [refused_serial]});
    let (status, replayed, first) = post(&portal, &admin, "/activations", "create-refused", &request).await;
    assert_eq!((status, replayed), (422, false), "{first}");
    assert!(first["error"]["rejected"].as_array().is_some_and(|r| !r.is_empty()), "{first}");
    let (status, replayed, again) = post(&portal, &admin, "/activations", "create-refused", &request).await;
    assert!(again["error"]["request_id"].is_string(), "{again}");
    assert_eq!(
        (status, replayed, without_request_id(again)),
        (422, true, without_request_id(first))
    );
    // Nothing ran on the replays: a new key binds the seat now.
    let (status, replayed, bound) = post(&portal, &admin, &path, "bind-new", &body).await;
    assert_eq!((status, replayed), (200, false), "{bound}");
    let (status, _, _) = post(&portal, &admin, &format!("/seats/{other}/unbind"), "u-1", &json!({})).await;
    assert_eq!(status, 409, "a free seat cannot be unbound");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_lifetime_of_keys_is_configurable() {
    let clock = MovableClock::default();
    let options = PortalOptions {
        idempotency_lifetime: chrono::TimeDelta::hours(72),
        ..no_worker()
    };
    let portal = TestPortal::start_clocked(DemoOptions::default(), options, clock.clock()).await;
    let token = portal.token(Role::Operator, &[], "operator@vendor");
    let body = json!({"organization": 1, "product": ORANGEUCE, "accounts": 1});
    let (_, _, first) = post(&portal, &token, "/purchases", "p-1", &body).await;
    let (_, replayed, _) = post(&portal, &token, "/purchases", "p-1", &body).await;
    assert!(replayed, "at once");
    clock.advance_days(2);
    let (_, replayed, _) = post(&portal, &token, "/purchases", "p-1", &body).await;
    assert!(replayed, "two days later: remembered 72 hours, not the default 24");
    clock.advance_days(2);
    let (status, replayed, later) = post(&portal, &token, "/purchases", "p-1", &body).await;
    assert_eq!((status, replayed), (200, false), "forgotten after 72 hours: {later}");
    assert_ne!(later, first, "a second purchase ran");
}
}
