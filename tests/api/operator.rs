//! The vendor's operator and the partner's roles: separate powers (issue 15, item 1).
//! Purchases and blocking organizations are the operator's alone; the operator does
//! none of a partner's work; a resent purchase sells nothing twice.

use crate::support::portal::{TestPortal, api_error};
use licadm::client::wire::Role;
use licadm::portal::demo_serials;
use serde_json::{Value, json};

const ALSTER: i64 = 1;

async fn post(
    portal: &TestPortal,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(portal.url(path))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn accounts_max(portal: &TestPortal) -> u64 {
    let info = portal.admin().license_info(ALSTER).await.expect("info");
    info.products
        .iter()
        .find(|p| p.product.id == "orangeuce")
        .map(|p| u64::from(p.accounts_max))
        .expect("orangeuce")
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn only_the_operator_buys_and_blocks_and_partners_get_a_json_403() {
    let portal = TestPortal::start().await;
    let purchase = json!({"organization": ALSTER, "product": "orangeuce", "accounts": 3});
    let partners = [
        ("admin", portal.admin_token.clone()),
        ("support", portal.token(Role::Support, &[], "support@partner")),
        ("viewer", portal.token(Role::Viewer, &[], "viewer@partner")),
    ];
    let before = accounts_max(&portal).await;
    for (role, token) in &partners {
        for path in ["/purchases", "/organizations/1/block", "/organizations/1/unblock"] {
            let (status, body) = post(&portal, token, path, None, &purchase).await;
            assert_eq!(status, 403, "{role} on {path}: {body}");
            assert_eq!(body["error"]["code"], "forbidden", "{body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(role), "{message}");
        }
    }
    assert_eq!(accounts_max(&portal).await, before, "no partner bought anything");

    // The operator buys; the same Idempotency-Key again replays, selling nothing more.
    let operator = portal.operator_token();
    let (status, first) = post(&portal, &operator, "/purchases", Some("p-1"), &purchase).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = post(&portal, &operator, "/purchases", Some("p-1"), &purchase).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(accounts_max(&portal).await, before + 3);
    let other = json!({"organization": ALSTER, "product": "orangeuce", "accounts": 4});
    let (status, body) = post(&portal, &operator, "/purchases", Some("p-1"), &other).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(accounts_max(&portal).await, before + 3);

    // The operator does no partner work.
    let serials = demo_serials(&portal.db, 1).expect("serials");
    let serial = serials.ok.values().flatten().next().expect("an ok serial").clone();
    let (code, _, _) = api_error(
        portal
            .client(&operator)
            .create_activations(ALSTER, std::slice::from_ref(&serial), "op-1")
            .await,
    );
    assert_eq!(code, 403);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_organization_cannot_activate_until_the_operator_unblocks_it() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    let admin = portal.admin();
    let serials = demo_serials(&portal.db, 1).expect("serials");
    let serial = serials.ok.values().flatten().next().expect("an ok serial").clone();

    let (status, org) = post(&portal, &operator, "/organizations/1/block", Some("b-1"), &json!({})).await;
    assert_eq!((status, &org["activation_blocked"]), (200, &json!(true)), "{org}");
    let (status, _, message) =
        api_error(admin.create_activations(ALSTER, std::slice::from_ref(&serial), "a-1").await);
    assert_eq!(status, 422, "{message}");

    let (status, org) = post(&portal, &operator, "/organizations/1/unblock", None, &json!({})).await;
    assert_eq!((status, &org["activation_blocked"]), (200, &json!(false)), "{org}");
    admin
        .create_activations(ALSTER, std::slice::from_ref(&serial), "a-2")
        .await
        .expect("activations once unblocked");

    let audit = admin.audit("organization:1", 1, 100).await.expect("audit");
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"organization.blocked"), "{actions:?}");
    assert!(actions.contains(&"organization.unblocked"), "{actions:?}");
}
}
