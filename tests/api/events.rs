//! The activity log across the account (`GET /events`, issue 16): scoped to the
//! token's organizations (an operator's: all), filtered, newest first, paged by cursor;
//! and `X-Request-Id` on every answer, in error bodies, stored with each change.

use crate::support::portal::TestPortal;
use licadm::client::events::{Event, EventQuery};
use licadm::client::wire::Role;
use licadm::client::{ApiClient, ClientError};
use std::collections::BTreeSet;

const ORANGEUCE: &str = "orangeuce";

/// Every event a query reaches, following `next` to the end.
async fn walk(client: &ApiClient, query: &EventQuery) -> Vec<Event> {
    let mut query = query.clone();
    let mut all = Vec::new();
    for _ in 0..10_000 {
        let page = client.events(&query).await.expect("events");
        assert!(page.items.len() <= page.per_page as usize);
        all.extend(page.items);
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return all,
        }
    }
    panic!("the cursor never ended");
}

fn newest_first(events: &[Event]) -> bool {
    events
        .windows(2)
        .all(|w| (w[0].at, w[0].id) > (w[1].at, w[1].id))
}

fn organizations(events: &[Event]) -> BTreeSet<i64> {
    events
        .iter()
        .filter_map(|e| e.organization.as_ref().map(|o| o.id))
        .collect()
}

/// Binds a free seat of `organization` with a raw request, optionally sending our own
/// request id; answers the seat's object name and the request id the portal answered.
async fn bind_one(
    portal: &TestPortal,
    organization: i64,
    sent_id: Option<&str>,
) -> (String, String) {
    let facts = portal.facts();
    let seat = facts.free(organization, ORANGEUCE)[0];
    let email = facts.without_seat(organization, ORANGEUCE)[0].clone();
    let token = portal.token(Role::Admin, &[organization], "binder@test");
    let mut request = reqwest::Client::new()
        .post(portal.url(&format!("/seats/{seat}/bind")))
        .bearer_auth(token)
        .json(&serde_json::json!({ "email": email }));
    if let Some(id) = sent_id {
        request = request.header("X-Request-Id", id);
    }
    let response = request.send().await.expect("bind");
    assert_eq!(response.status(), 200);
    let answered = response
        .headers()
        .get("x-request-id")
        .expect("X-Request-Id on a success")
        .to_str()
        .expect("visible ASCII")
        .to_string();
    (format!("seat:{seat}"), answered)
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_partner_sees_only_its_organizations_events_and_an_operator_sees_all() {
    let portal = TestPortal::start().await;
    let second = portal.client(&portal.token(Role::Viewer, &[2], "viewer-2@test"));
    let first = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let operator = portal.client(&portal.operator_token());

    let mine = walk(&second, &EventQuery::default()).await;
    assert!(!mine.is_empty(), "the demo has history in organization 2");
    assert_eq!(organizations(&mine), BTreeSet::from([2]));
    let theirs = walk(&first, &EventQuery::default()).await;
    assert_eq!(organizations(&theirs), BTreeSet::from([1]));

    // Naming another organization is a 404, as for every read outside the token.
    let refused = first
        .events(&EventQuery {
            organization: Some(2),
            ..Default::default()
        })
        .await
        .expect_err("organization 2 is not the token's");
    assert_eq!(refused.status(), Some(404));

    let all = walk(&operator, &EventQuery::default()).await;
    assert!(organizations(&all).is_superset(&BTreeSet::from([1, 2])));
    // The vendor's own changes (here: the operator's token being made) belong to no
    // organization, and only an operator sees them.
    let vendors: Vec<&Event> = all.iter().filter(|e| e.organization.is_none()).collect();
    assert!(vendors.iter().all(|e| e.object.starts_with("token:") || e.object.starts_with("account:")), "{vendors:?}");
    assert_eq!(
        all.len(),
        mine.len() + theirs.len() + vendors.len() + walk(&operator, &EventQuery { organization: Some(3), ..Default::default() }).await.len()
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn filters_narrow_and_pages_follow_the_cursor_newest_first() {
    let portal = TestPortal::start().await;
    let operator = portal.client(&portal.operator_token());
    let all = walk(&operator, &EventQuery { per_page: Some(100), ..Default::default() }).await;
    assert!(newest_first(&all), "newest first");

    // Small pages by cursor: the same events, in the same order, none twice.
    let paged = walk(&operator, &EventQuery { per_page: Some(7), ..Default::default() }).await;
    assert_eq!(
        paged.iter().map(|e| e.id).collect::<Vec<_>>(),
        all.iter().map(|e| e.id).collect::<Vec<_>>()
    );

    let bound = walk(&operator, &EventQuery { action: Some("seat.bound".into()), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter().filter(|e| e.action == "seat.bound").map(|e| e.id).collect();
    assert!(!expected.is_empty());
    assert_eq!(bound.iter().map(|e| e.id).collect::<Vec<_>>(), expected);

    let on_organizations = walk(&operator, &EventQuery { object_kind: Some("organization".into()), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter().filter(|e| e.object.starts_with("organization:")).map(|e| e.id).collect();
    assert!(!expected.is_empty());
    assert_eq!(on_organizations.iter().map(|e| e.id).collect::<Vec<_>>(), expected);

    let actor = all[0].actor.clone();
    let by_actor = walk(&operator, &EventQuery { actor: Some(actor.clone()), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter().filter(|e| e.actor == actor).map(|e| e.id).collect();
    assert_eq!(by_actor.iter().map(|e| e.id).collect::<Vec<_>>(), expected);

    // A time range: `from` inclusive, `to` exclusive, a date covering its whole day.
    let middle = all[all.len() / 2].at;
    let from = middle.to_rfc3339();
    let since = walk(&operator, &EventQuery { from: Some(from.clone()), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter().filter(|e| e.at >= middle).map(|e| e.id).collect();
    assert_eq!(since.iter().map(|e| e.id).collect::<Vec<_>>(), expected);
    let day = middle.date_naive();
    let that_day = walk(&operator, &EventQuery { from: Some(day.to_string()), to: Some(day.to_string()), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter().filter(|e| e.at.date_naive() == day).map(|e| e.id).collect();
    assert!(!expected.is_empty());
    assert_eq!(that_day.iter().map(|e| e.id).collect::<Vec<_>>(), expected);

    // Filters combine, and the organization filter narrows an operator.
    let combined = walk(&operator, &EventQuery { action: Some("seat.bound".into()), organization: Some(2), ..Default::default() }).await;
    let expected: Vec<i64> = all.iter()
        .filter(|e| e.action == "seat.bound" && e.organization.as_ref().map(|o| o.id) == Some(2))
        .map(|e| e.id).collect();
    assert_eq!(combined.iter().map(|e| e.id).collect::<Vec<_>>(), expected);

    for (query, named) in [
        (EventQuery { action: Some("seat.stolen".into()), ..Default::default() }, "action"),
        (EventQuery { object_kind: Some("device".into()), ..Default::default() }, "object_kind"),
        (EventQuery { per_page: Some(101), ..Default::default() }, "per_page"),
        (EventQuery { cursor: Some("bm90LWEtY3Vyc29y".into()), ..Default::default() }, "cursor"),
        (EventQuery { from: Some("last tuesday".into()), ..Default::default() }, "from"),
    ] {
        match operator.events(&query).await {
            Err(ClientError::Api { status: 400, message, .. }) => {
                assert!(message.contains(named), "{named}: {message}")
            }
            other => panic!("{named}: expected a 400, got {other:?}"),
        }
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn every_change_names_its_request_and_every_error_says_which_it_was() {
    let portal = TestPortal::start().await;
    let viewer = portal.client(&portal.token(Role::Viewer, &[1], "viewer-1@test"));

    // The client's own id is kept and stored with the change it made.
    let (object, answered) = bind_one(&portal, 1, Some("ticket-4711")).await;
    assert_eq!(answered, "ticket-4711");
    let events = walk(&viewer, &EventQuery { object_kind: Some("seat".into()), ..Default::default() }).await;
    let event = events.iter().find(|e| e.object == object).expect("the bind is in the log");
    assert_eq!((event.action.as_str(), event.actor.as_str()), ("seat.bound", "binder@test"));
    assert_eq!(event.request_id.as_deref(), Some("ticket-4711"));
    assert_eq!(event.after.as_ref().map(|a| &a["status"]), Some(&"bound".into()));

    // Without one (or with one that is not printable and bounded) the portal makes one.
    let (object, answered) = bind_one(&portal, 2, Some(&"x".repeat(65))).await;
    assert_eq!(answered.len(), 16, "a generated id: {answered}");
    assert!(answered.bytes().all(|b| b.is_ascii_hexdigit()));
    let operator = portal.client(&portal.operator_token());
    let events = walk(&operator, &EventQuery { organization: Some(2), action: Some("seat.bound".into()), ..Default::default() }).await;
    assert_eq!(events[0].object, object, "the newest bind comes first");
    assert_eq!(events[0].request_id.as_deref(), Some(answered.as_str()));

    // Errors: the header and the body name the same request, and the client's error
    // line shows it.
    let response = portal.raw_get("/events?action=nope").await;
    assert_eq!(response.status(), 400);
    let header = response.headers().get("x-request-id").expect("header on an error").to_str().expect("ascii").to_string();
    let body: serde_json::Value = response.json().await.expect("error body");
    assert_eq!(body["error"]["request_id"], serde_json::json!(header));
    let unauthorized = reqwest::Client::new().get(portal.url("/me")).send().await.expect("me");
    assert_eq!(unauthorized.status(), 401);
    assert!(unauthorized.headers().contains_key("x-request-id"));
    let error = viewer
        .events(&EventQuery { organization: Some(3), ..Default::default() })
        .await
        .expect_err("not the viewer's organization");
    let id = error.request_id().expect("the error names its request").to_string();
    assert!(error.to_string().contains(&format!("request {id}")), "{error}");
    assert_eq!(
        licadm::console::i18n::request_error(licadm::domain::Lang::Ru, &error),
        format!("organization 3 not found (HTTP 404, запрос {id})")
    );
}
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_describes_events_and_the_request_id_on_every_answer() {
    let portal = TestPortal::start().await;
    let doc: serde_json::Value = reqwest::Client::new()
        .get(portal.url("/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("JSON");
    let events = &doc["paths"]["/api/v1/events"]["get"];
    let names: Vec<&str> = events["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in [
        "actor",
        "action",
        "object_kind",
        "organization",
        "from",
        "to",
        "per_page",
        "cursor",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                assert!(
                    response["headers"]["X-Request-Id"].is_object(),
                    "{method} {path} {status} documents X-Request-Id"
                );
            }
        }
    }
    assert!(doc["components"]["schemas"]["ErrorBody"]["properties"]["error"]["properties"]["request_id"].is_object());
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_token_made_on_the_portals_machine_is_in_the_log_with_who_made_it() {
    let portal = TestPortal::start().await;
    let operator = portal.client(&portal.operator_token());
    portal.token(Role::Support, &[2], "night shift");
    let made = walk(&operator, &EventQuery { action: Some("token.created".into()), ..Default::default() }).await;
    let night = made
        .iter()
        .find(|e| e.after.as_ref().is_some_and(|a| a["label"] == "night shift"))
        .unwrap_or_else(|| panic!("no token.created for the new token in {made:?}"));
    assert!(night.actor.starts_with("shell"), "{night:?}");
    assert_eq!(night.organization.as_ref().map(|o| o.id), Some(2));
    assert_eq!(night.after.as_ref().map(|a| a["role"].clone()), Some(serde_json::json!("support")));
    // Its organization's partner sees it too; another organization's does not.
    let second = walk(&portal.client(&portal.token(Role::Admin, &[2], "admin-2")), &EventQuery::default()).await;
    assert!(second.iter().any(|e| e.id == night.id));
    let first = walk(&portal.client(&portal.token(Role::Admin, &[1], "admin-1")), &EventQuery::default()).await;
    assert!(first.iter().all(|e| e.id != night.id));
}
}
