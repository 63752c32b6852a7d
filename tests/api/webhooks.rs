//! Webhooks (issue 17) against a real HTTP receiver on loopback: signed deliveries,
//! retries with backoff until a 2xx, order per object, leases that survive a killed
//! portal, no redirects, https-only endpoints and organization scope.

use crate::postgres_support::three_portals;
use crate::support::portal::{Backend, TestPortal, fast_worker, no_worker, on_backend, wait_for};
use crate::support::receiver::{Receiver, Reply};
use licadm::client::webhooks::{CreatedWebhook, DeliveryStatus, NewWebhook, WebhookDelivery};
use licadm::client::wire::Role;
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::domain::webhook::verify;
use licadm::portal::{DemoOptions, PortalOptions, WebhookOptions};
use std::collections::HashMap;
use std::time::Duration;

const ORANGEUCE: &str = "orangeuce";
const WAIT: Duration = Duration::from_secs(20);

/// Quick retries, so a test of three failures takes a fraction of a second.
fn quick(max_attempts: u32) -> WebhookOptions {
    WebhookOptions {
        tick: Duration::from_millis(50),
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(80),
        max_attempts,
        ..WebhookOptions::default()
    }
}

fn options(webhooks: WebhookOptions) -> PortalOptions {
    PortalOptions {
        webhooks,
        ..no_worker()
    }
}

async fn register(
    client: &ApiClient,
    url: &str,
    events: &[&str],
    organization: Option<i64>,
) -> CreatedWebhook {
    client
        .add_webhook(
            &NewWebhook {
                url: url.to_string(),
                events: events.iter().map(|e| e.to_string()).collect(),
                organization,
            },
            &new_idempotency_key(),
        )
        .await
        .expect("endpoint registered")
}

/// Binds a free seat of organization 1 and answers its id.
async fn bind_a_seat(portal: &TestPortal, admin: &ApiClient, nth: usize) -> i64 {
    let facts = portal.facts();
    let seat = facts.free(1, ORANGEUCE)[nth];
    let email = facts.without_seat(1, ORANGEUCE)[nth].clone();
    admin
        .bind_seat(seat, &email, Some(&new_idempotency_key()))
        .await
        .expect("bound");
    seat
}

/// Waits until the endpoint's log has `n` deliveries in `status`; answers the log.
async fn wait_for_log(
    client: &ApiClient,
    endpoint: i64,
    n: usize,
    status: DeliveryStatus,
) -> Vec<WebhookDelivery> {
    wait_for(&format!("{n} deliveries {status:?}"), WAIT, || async {
        let page = client.webhook_deliveries(endpoint, 1, 100).await.ok()?;
        (page.items.iter().filter(|d| d.status == status).count() >= n).then_some(page.items)
    })
    .await
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_bound_seat_reaches_the_receiver_signed_with_the_endpoints_secret() {
    let portal = TestPortal::start_full(DemoOptions::default(), options(quick(5))).await;
    let receiver = Receiver::start(vec![]).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let created = register(&admin, &receiver.url, &["seat.bound"], None).await;
    assert_eq!(created.endpoint.organization, Some(1), "the token's only organization");
    assert!(created.secret.expose().starts_with("whsec_"));
    let seat = bind_a_seat(&portal, &admin, 0).await;

    let got = receiver.wait_for(1, WAIT).await;
    let request = &got[0];
    let body = request.json();
    assert_eq!(body["type"], "seat.bound");
    assert_eq!(body["object"], format!("seat:{seat}"));
    assert_eq!(body["organization"], 1);
    assert_eq!(body["data"]["id"], seat);
    assert!(body["data"]["email"].is_string(), "the seat as it is after the change");
    let header = request.signature.as_deref().expect("a signature header");
    let now = chrono::Utc::now().timestamp();
    assert!(verify(created.secret.expose(), header, &request.body, now, 300));
    assert!(!verify("whsec_other", header, &request.body, now, 300));
    assert_eq!(request.event_id.as_deref(), body["id"].as_str());

    let log = wait_for_log(&admin, created.endpoint.id, 1, DeliveryStatus::Delivered).await;
    assert_eq!(log.len(), 1, "an unbind was not subscribed, a bind once");
    assert_eq!((log[0].attempts, log[0].response_status), (1, Some(200)));
    assert_eq!(log[0].event_id, body["id"].as_str().unwrap());

    // A rotated secret signs what comes next; the old one no longer verifies.
    let rotated = admin
        .rotate_webhook_secret(created.endpoint.id, &new_idempotency_key())
        .await
        .expect("rotated");
    assert_ne!(rotated.secret, created.secret);
    bind_a_seat(&portal, &admin, 1).await;
    let got = receiver.wait_for(2, WAIT).await;
    let header = got[1].signature.as_deref().expect("signed");
    let now = chrono::Utc::now().timestamp();
    assert!(verify(rotated.secret.expose(), header, &got[1].body, now, 300));
    assert!(!verify(created.secret.expose(), header, &got[1].body, now, 300));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_completed_activation_is_an_activation_done_event() {
    let portal = TestPortal::start_full(
        DemoOptions::default(),
        PortalOptions { webhooks: quick(5), ..fast_worker(0) },
    )
    .await;
    let receiver = Receiver::start(vec![]).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    register(&admin, &receiver.url, &["activation.done", "activation.error"], None).await;
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("serials");
    let ok = serials.ok.get("pay-kiosk").expect("ok serials").clone();
    let created = admin
        .create_activations(1, &ok[..1], &new_idempotency_key())
        .await
        .expect("created");
    let number = created.activations[0].number;
    // The worker also completes the demo's in-progress activations: find this one's.
    let object = format!("activation:{number}");
    let body = wait_for("the activation's event", WAIT, || async {
        receiver
            .got()
            .iter()
            .map(|r| r.json())
            .find(|body| body["object"] == object.as_str())
    })
    .await;
    assert_eq!(body["type"], "activation.done");
    assert_eq!(body["data"]["status"], "done");
    assert_eq!(body["data"]["number"], number);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_failing_three_times_gets_the_event_after_each_failure_then_no_more() {
    let portal = TestPortal::start_full(DemoOptions::default(), options(quick(10))).await;
    let receiver = Receiver::start(vec![
        Reply::Status(500),
        Reply::Status(503),
        Reply::Status(404),
    ])
    .await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let created = register(&admin, &receiver.url, &["seat.bound", "seat.unbound"], None).await;
    let seat = bind_a_seat(&portal, &admin, 0).await;

    let got = receiver.wait_for(4, WAIT).await;
    let first = got[0].json()["id"].clone();
    assert!(got[..4].iter().all(|r| r.json()["id"] == first), "one event, sent four times");
    assert!(got[..4].iter().all(|r| r.body == got[0].body), "the same body every time");
    let log = wait_for_log(&admin, created.endpoint.id, 1, DeliveryStatus::Delivered).await;
    assert_eq!((log[0].attempts, log[0].response_status), (4, Some(200)));
    assert_eq!(log[0].last_error, None);

    // Stopped after the success: the next event (an unbind) arrives, and the bind was
    // not sent a fifth time before it.
    admin
        .unbind_seat(seat, Some(&new_idempotency_key()))
        .await
        .expect("unbound");
    let got = receiver.wait_for(5, WAIT).await;
    assert_eq!(got.len(), 5);
    assert_eq!(got[4].json()["type"], "seat.unbound");
    let bound = got.iter().filter(|r| r.json()["id"] == first).count();
    assert_eq!(bound, 4, "delivered once, then never again");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_later_event_of_an_object_waits_while_an_earlier_one_fails() {
    let portal = TestPortal::start_full(DemoOptions::default(), options(quick(10))).await;
    let receiver =
        Receiver::start(vec![Reply::Status(500), Reply::Status(500), Reply::Status(500)]).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let created = register(&admin, &receiver.url, &["seat.bound", "seat.unbound"], None).await;
    let seat = bind_a_seat(&portal, &admin, 0).await;
    admin
        .unbind_seat(seat, Some(&new_idempotency_key()))
        .await
        .expect("unbound");
    bind_a_seat(&portal, &admin, 0).await;
    wait_for_log(&admin, created.endpoint.id, 3, DeliveryStatus::Delivered).await;
    let types: Vec<String> = receiver
        .got()
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        types,
        ["seat.bound", "seat.bound", "seat.bound", "seat.bound", "seat.unbound", "seat.bound"],
        "the unbind waited until the bind was delivered"
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_a_failure_and_is_never_followed() {
    let portal = TestPortal::start_full(DemoOptions::default(), options(quick(1))).await;
    let receiver = Receiver::start(vec![Reply::Redirect("/elsewhere")]).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let created = register(&admin, &receiver.url, &["seat.bound"], None).await;
    bind_a_seat(&portal, &admin, 0).await;
    let log = wait_for_log(&admin, created.endpoint.id, 1, DeliveryStatus::Failed).await;
    assert_eq!((log[0].attempts, log[0].response_status), (1, Some(302)));
    assert!(
        log[0].last_error.as_deref().unwrap_or_default().contains("redirects are not followed"),
        "{:?}",
        log[0].last_error
    );
    assert!(receiver.got().iter().all(|r| r.path == "/hook"), "nothing went to the redirect's target");
    assert_eq!(admin.webhook(created.endpoint.id).await.expect("endpoint").failed, 1);

    // Redelivery: a new delivery of the same event, which now succeeds.
    let again = admin
        .redeliver(created.endpoint.id, log[0].id, &new_idempotency_key())
        .await
        .expect("redelivered");
    assert_eq!((again.status, again.redelivery_of), (DeliveryStatus::Pending, Some(log[0].id)));
    assert_eq!(again.event_id, log[0].event_id);
    let log = wait_for_log(&admin, created.endpoint.id, 1, DeliveryStatus::Delivered).await;
    assert_eq!(log[0].id, again.id);
    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got[0].body, got[1].body, "the same event, the same body");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn endpoints_must_be_https_or_loopback_and_name_known_events() {
    let portal = TestPortal::start_full(DemoOptions::default(), no_worker()).await;
    let token = portal.token(Role::Admin, &[1], "admin-1@test");
    let post = |body: serde_json::Value| {
        let token = token.clone();
        let portal = &portal;
        async move {
            let response = portal.raw_post(&token, "/webhooks", &body).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.expect("a JSON error body");
            (status, body["error"]["message"].as_str().unwrap_or_default().to_string())
        }
    };
    let (status, message) = post(serde_json::json!({"url": "http://hooks.example.com/x", "events": ["seat.bound"]})).await;
    assert_eq!(status, 422, "{message}");
    assert!(message.contains("https://"), "{message}");
    // In Russian when asked (the messages' catalog).
    let russian: serde_json::Value = reqwest::Client::new()
        .post(portal.url("/webhooks"))
        .bearer_auth(&token)
        .header("Accept-Language", "ru")
        .json(&serde_json::json!({"url": "http://hooks.example.com/x", "events": ["seat.bound"]}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let message = russian["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("адрес должен быть https://"), "{message}");
    for (body, why) in [
        (serde_json::json!({"url": "ftp://hooks.example.com/", "events": ["seat.bound"]}), "scheme"),
        (serde_json::json!({"url": "hooks.example.com/x", "events": ["seat.bound"]}), "relative"),
        (serde_json::json!({"url": "https://u:p@hooks.example.com/", "events": ["seat.bound"]}), "password"),
        (serde_json::json!({"url": "https://hooks.example.com/", "events": ["seat.*"]}), "event"),
        (serde_json::json!({"url": "https://hooks.example.com/", "events": []}), "no event"),
        (serde_json::json!({"url": "https://hooks.example.com/"}), "shape"),
    ] {
        let (status, message) = post(body).await;
        assert_eq!(status, 400, "{why}: {message}");
        assert!(!message.is_empty());
    }
    let (status, _) = post(serde_json::json!({"url": "https://hooks.example.com/x", "events": ["emergency_license.*"]})).await;
    assert_eq!(status, 201);
    let (status, _) = post(serde_json::json!({"url": "http://127.0.0.1:9/x", "events": ["seat.bound"]})).await;
    assert_eq!(status, 201, "loopback http is for testing");
    // The 201 names the new endpoint, and a GET of that address answers it.
    let created = portal
        .raw_post(&token, "/webhooks", &serde_json::json!({"url": "https://hooks.example.com/loc", "events": ["seat.bound"]}))
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().expect("ASCII").to_string();
    let body: serde_json::Value = created.json().await.expect("JSON");
    let id = body["endpoint"]["id"].as_i64().expect("an id");
    assert_eq!(location, format!("/api/v1/webhooks/{id}"));
    let fetched: serde_json::Value = reqwest::Client::new()
        .get(format!("{}{location}", portal.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(fetched["url"], "https://hooks.example.com/loc", "{fetched}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_admin_reaches_only_its_organizations_endpoints_and_deliveries() {
    let portal = TestPortal::start_full(DemoOptions::default(), options(quick(5))).await;
    let receiver = Receiver::start(vec![]).await;
    let first = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let second = portal.client(&portal.token(Role::Admin, &[2], "admin-2@test"));
    let operator = portal.client(&portal.operator_token());
    let viewer = portal.client(&portal.token(Role::Viewer, &[1], "viewer-1@test"));
    let mine = register(&first, &receiver.url, &["seat.bound"], None).await;
    let everyone = register(&operator, &receiver.url, &["seat.bound"], None).await;
    assert_eq!(everyone.endpoint.organization, None);
    bind_a_seat(&portal, &first, 0).await;
    let log = wait_for_log(&first, mine.endpoint.id, 1, DeliveryStatus::Delivered).await;
    wait_for_log(&operator, everyone.endpoint.id, 1, DeliveryStatus::Delivered).await;

    // Another organization's admin: not listed, and every door a 404.
    assert!(second.webhooks().await.expect("list").is_empty());
    let status = |r: Result<(), licadm::client::ClientError>| r.map(|_| 200).unwrap_or_else(|e| e.status().unwrap_or(0));
    assert_eq!(status(second.webhook(mine.endpoint.id).await.map(|_| ())), 404);
    assert_eq!(status(second.webhook_deliveries(mine.endpoint.id, 1, 25).await.map(|_| ())), 404);
    assert_eq!(status(second.redeliver(mine.endpoint.id, log[0].id, &new_idempotency_key()).await.map(|_| ())), 404);
    assert_eq!(status(second.rotate_webhook_secret(mine.endpoint.id, &new_idempotency_key()).await.map(|_| ())), 404);
    assert_eq!(status(second.remove_webhook(mine.endpoint.id, &new_idempotency_key()).await.map(|_| ())), 404);
    let refused = second
        .add_webhook(&NewWebhook { url: receiver.url.clone(), events: vec!["seat.bound".into()], organization: Some(1) }, &new_idempotency_key())
        .await;
    assert_eq!(status(refused.map(|_| ())), 404, "not for another organization");
    // An operator's all-organization endpoint is not a partner admin's to see.
    let listed: Vec<i64> = first.webhooks().await.expect("list").iter().map(|e| e.id).collect();
    assert_eq!(listed, vec![mine.endpoint.id]);
    assert_eq!(status(first.webhook(everyone.endpoint.id).await.map(|_| ())), 404);
    let all: Vec<i64> = operator.webhooks().await.expect("list").iter().map(|e| e.id).collect();
    assert_eq!(all, vec![mine.endpoint.id, everyone.endpoint.id]);
    assert_eq!(status(viewer.webhooks().await.map(|_| ())), 403);

    // Removed: gone from the list, and its deliveries with it.
    let key = new_idempotency_key();
    first.remove_webhook(mine.endpoint.id, &key).await.expect("removed");
    first.remove_webhook(mine.endpoint.id, &key).await.expect("a replay answers the same");
    assert!(first.webhooks().await.expect("list").is_empty());
    assert_eq!(status(operator.webhook_deliveries(mine.endpoint.id, 1, 25).await.map(|_| ())), 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_portal_killed_mid_delivery_loses_nothing_the_restarted_one_delivers() {
    let webhooks = WebhookOptions { lease: Duration::from_secs(2), timeout: Duration::from_secs(30), ..quick(5) };
    let mut portal = TestPortal::start_full(DemoOptions::default(), options(webhooks)).await;
    let receiver = Receiver::start(vec![Reply::Hang]).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let created = register(&admin, &receiver.url, &["seat.bound"], None).await;
    bind_a_seat(&portal, &admin, 0).await;
    // The first attempt is on the wire, unanswered: kill the portal now.
    receiver.wait_for(1, WAIT).await;
    portal.restart(options(webhooks)).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let got = receiver.wait_for(2, WAIT).await;
    assert_eq!(got[0].body, got[1].body, "the same event again");
    let log = wait_for_log(&admin, created.endpoint.id, 1, DeliveryStatus::Delivered).await;
    assert_eq!(log[0].response_status, Some(200));
    assert!(
        got[1].at.duration_since(got[0].at) >= Duration::from_millis(1_500),
        "sent again only once the dead portal's lease ran out"
    );
}
}

/// Three portals on one PostgreSQL, each with a sender: every event reaches the
/// receiver exactly once, whichever portal made the change.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_portals_deliver_each_event_exactly_once() {
    on_backend(Backend::Postgres, async {
        let (first, _extras, clients) = three_portals(options(quick(5))).await;
        let receiver = Receiver::start(vec![]).await;
        let operator = ApiClient::new(&first.base, &first.operator_token()).expect("client");
        let endpoint = register(
            &operator,
            &receiver.url,
            &["seat.bound", "seat.unbound"],
            None,
        )
        .await
        .endpoint
        .id;
        let facts = first.facts();
        let seats = facts.free(1, ORANGEUCE);
        let emails = facts.without_seat(1, ORANGEUCE);
        let count = 12.min(seats.len()).min(emails.len());
        for i in 0..count {
            clients[i % 3]
                .bind_seat(seats[i], &emails[i], Some(&new_idempotency_key()))
                .await
                .expect("bound");
        }
        let got = receiver.wait_for(count, WAIT).await;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for request in &got {
            *seen
                .entry(
                    request.json()["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
                .or_default() += 1;
        }
        assert_eq!(seen.len(), count);
        assert!(seen.values().all(|n| *n == 1), "{seen:?}");
        let log = wait_for_log(&operator, endpoint, count, DeliveryStatus::Delivered).await;
        assert!(log.iter().all(|d| d.attempts == 1));
        assert_eq!(receiver.got().len(), count, "no event twice");
    })
    .await
}
