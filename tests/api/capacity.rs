//! Capacity and emergency licenses over real HTTP (docs/DESIGN.md §3.7), with a clock the test
//! moves forward to see an emergency license lapse.

use crate::support::portal::{MovableClock, TestPortal, status_message};
use chrono::Months;
use licadm::client::wire::{EmergencyRequest, ProductCapacity, Role};
use serde_json::json;

const ORANGEUCE: &str = "orangeuce";

fn product<'a>(info: &'a licadm::client::wire::LicenseInfo, id: &str) -> &'a ProductCapacity {
    info.products
        .iter()
        .find(|p| p.product.id == id)
        .unwrap_or_else(|| panic!("product {id} in {info:?}"))
}

fn emergency(organization: i64, accounts: u32) -> EmergencyRequest {
    EmergencyRequest {
        organization,
        product: ORANGEUCE.into(),
        accounts,
    }
}

async fn purchase(portal: &TestPortal, organization: i64, accounts: u32) -> ProductCapacity {
    let response = portal
        .raw_post(
            &portal.operator_token(),
            "/purchases",
            &json!({"organization": organization, "product": ORANGEUCE, "accounts": accounts}),
        )
        .await;
    assert_eq!(response.status(), 200, "purchase");
    response.json().await.expect("capacity JSON")
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn license_info_reports_support_accounts_connections_lite_and_emergency() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let today = chrono::Utc::now().date_naive();

    let alster = admin.license_info(1).await.expect("info");
    assert_eq!(alster.organization.id, 1);
    assert_eq!(alster.products.len(), 2);
    let o = product(&alster, ORANGEUCE);
    assert_eq!(o.product.name, "Orange[uc]e");
    assert!(o.support_until.is_some());
    assert_eq!(o.accounts_used as usize, facts.bound(1, ORANGEUCE).len());
    assert_eq!((o.accounts_max, o.external_connections_max), (30, 2));
    assert!(!o.lite && o.emergency.is_none() && o.emergency_available);
    assert_eq!(
        (o.emergency_refusal.as_deref(), o.accounts_blocked),
        (None, 0)
    );

    // ТЕХБИЗНЕС+ runs on an emergency license requested 9 days before the demo's today.
    let techbiz = admin.license_info(2).await.expect("info");
    let t = product(&techbiz, ORANGEUCE);
    let e = t.emergency.as_ref().expect("emergency license");
    assert_eq!(e.active, today <= e.valid_until);
    assert_eq!(e.accounts_max, 6);
    assert!(t.accounts_used > t.accounts_max, "{t:?}");
    assert_eq!(e.accounts_used, (t.accounts_used - t.accounts_max).min(6));

    // The ИП: Lite, no support license, a lapsed emergency license and no purchase
    // since, so a new one is refused and the account beyond capacity is blocked.
    let ip = admin.license_info(3).await.expect("info");
    let i = product(&ip, ORANGEUCE);
    assert!(i.lite && i.accounts_max <= 8);
    assert_eq!(i.support_until, None);
    assert!(!i.emergency.as_ref().expect("lapsed").active);
    assert!(!i.emergency_available);
    assert!(
        i.emergency_refusal
            .as_deref()
            .is_some_and(|r| r.contains("purchase")),
        "{i:?}"
    );
    assert_eq!(i.accounts_blocked, i.accounts_used - i.accounts_max);
    assert!(i.accounts_blocked > 0);

    // The organization parameter: required with several organizations, implied with one.
    assert_eq!(portal.raw_get("/license-info").await.status(), 400);
    let single = portal.client(&portal.token(Role::Viewer, &[3], "viewer@ip"));
    let response = reqwest::Client::new()
        .get(portal.url("/license-info"))
        .bearer_auth(portal.token(Role::Viewer, &[3], "viewer@ip"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let (status, _) = status_message(single.license_info(1).await);
    assert_eq!(status, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn emergency_license_one_at_a_time_one_month_at_most_ten() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let admin = portal.admin();
    for accounts in [0, 11] {
        let (status, message) = status_message(
            admin
                .request_emergency_license(&emergency(1, accounts), None)
                .await,
        );
        assert_eq!(status, 422);
        assert!(message.contains("1 to 10"), "{message}");
    }
    for role in [Role::Support, Role::Viewer] {
        let client = portal.client(&portal.token(role, &[], "not-admin"));
        let (status, _) = status_message(
            client
                .request_emergency_license(&emergency(1, 5), None)
                .await,
        );
        assert_eq!(status, 403);
    }
    let got = admin
        .request_emergency_license(&emergency(1, 10), None)
        .await
        .expect("emergency");
    let e = got.emergency.expect("emergency license");
    assert!(e.active);
    assert_eq!(e.accounts_max, 10);
    assert_eq!(e.valid_from, clock.today());
    assert_eq!(
        Some(e.valid_until),
        clock.today().checked_add_months(Months::new(1))
    );
    assert!(!got.emergency_available);
    let (status, message) = status_message(
        admin
            .request_emergency_license(&emergency(1, 1), None)
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("already active"), "{message}");

    let (status, _) = status_message(
        admin
            .request_emergency_license(
                &EmergencyRequest {
                    product: "nope".into(),
                    ..emergency(1, 1)
                },
                None,
            )
            .await,
    );
    assert_eq!(status, 404);
    let scoped = portal.client(&portal.token(Role::Admin, &[2], "admin@techbiz"));
    let (status, _) = status_message(
        scoped
            .request_emergency_license(&emergency(1, 1), None)
            .await,
    );
    assert_eq!(status, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn after_a_lapse_extra_accounts_are_blocked_until_a_purchase() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let admin = portal.admin();
    let facts = portal.facts();

    // The ИП's last emergency license lapsed without a purchase since: refused.
    let (status, message) = status_message(
        admin
            .request_emergency_license(&emergency(3, 2), None)
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("permanent purchase"), "{message}");

    // A purchase raises max (and adds a seat): now one may be requested.
    let before = product(&admin.license_info(3).await.expect("info"), ORANGEUCE).clone();
    let after = purchase(&portal, 3, 1).await;
    assert_eq!(after.accounts_max, before.accounts_max + 1);
    assert!(after.emergency_available, "{after:?}");
    let granted = admin
        .request_emergency_license(&emergency(3, 3), None)
        .await
        .expect("emergency after a purchase");
    assert!(granted.emergency.as_ref().is_some_and(|e| e.active));

    // Use the extra accounts: bind every free seat to users without one.
    let free = admin
        .seats(&licadm::client::wire::SeatQuery {
            organization: Some(3),
            status: Some(licadm::client::wire::SeatStatus::Free),
            per_page: 100,
            ..Default::default()
        })
        .await
        .expect("free seats")
        .items;
    let users = facts.without_seat(3, ORANGEUCE);
    assert!(free.len() >= 2 && users.len() >= free.len());
    for (seat, user) in free.iter().zip(users) {
        admin.bind_seat(seat.id, user, None).await.expect("bind");
    }
    let during = product(&admin.license_info(3).await.expect("info"), ORANGEUCE).clone();
    let beyond = during.accounts_used - during.accounts_max;
    assert!(beyond >= 1, "{during:?}");
    assert_eq!(during.accounts_blocked, beyond.saturating_sub(3));
    assert_eq!(
        during.emergency.as_ref().map(|e| e.accounts_used),
        Some(beyond.min(3))
    );

    // A month and a day later it has lapsed: the accounts beyond max are blocked, and
    // no new one until another purchase.
    clock.advance_days(32);
    let lapsed = product(&admin.license_info(3).await.expect("info"), ORANGEUCE).clone();
    assert!(!lapsed.emergency.as_ref().expect("last one").active);
    assert_eq!(lapsed.accounts_blocked, beyond);
    assert!(!lapsed.emergency_available);
    let (status, _) = status_message(
        admin
            .request_emergency_license(&emergency(3, 1), None)
            .await,
    );
    assert_eq!(status, 422);
    let bought = purchase(&portal, 3, beyond).await;
    assert_eq!(bought.accounts_blocked, 0);
    assert!(bought.emergency_available);
    admin
        .request_emergency_license(&emergency(3, 1), None)
        .await
        .expect("allowed again after the purchase");

    // Lite is up to 8 accounts.
    let now = product(&admin.license_info(3).await.expect("info"), ORANGEUCE).clone();
    let to_nine = 9 - now.accounts_max;
    assert!(now.lite && now.accounts_max <= 8);
    assert!(!purchase(&portal, 3, to_nine).await.lite);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn purchases_are_operator_only_and_bounded() {
    let portal = TestPortal::start().await;
    let viewer = portal.token(Role::Viewer, &[], "viewer");
    let body = json!({"organization": 1, "product": ORANGEUCE, "accounts": 2});
    for partner in [&viewer, &portal.admin_token] {
        assert_eq!(
            portal.raw_post(partner, "/purchases", &body).await.status(),
            403
        );
    }
    let zero = json!({"organization": 1, "product": ORANGEUCE, "accounts": 0});
    assert_eq!(
        portal
            .raw_post(&portal.operator_token(), "/purchases", &zero)
            .await
            .status(),
        422
    );
    let unknown = json!({"organization": 1, "product": "nope", "accounts": 1});
    assert_eq!(
        portal
            .raw_post(&portal.operator_token(), "/purchases", &unknown)
            .await
            .status(),
        404
    );
}
}
