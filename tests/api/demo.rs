//! The demo data set and token creation.

use crate::support::portal::{TestPortal, walk_all};
use licadm::client::wire::{ActivationQuery, Role};
use licadm::domain::{ActivationStatus, Inn, Kopecks, Serial, new_until};
use licadm::portal::{DemoOptions, Portal, create_token};

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn demo_data_is_deterministic_and_realistic() {
    let first = TestPortal::start().await;
    let second = TestPortal::start().await;
    let a = walk_all(&first.admin(), &ActivationQuery::default()).await;
    let b = walk_all(&second.admin(), &ActivationQuery::default()).await;
    assert_eq!(a, b, "two fresh demo stores are identical");
    assert!(a.len() >= 400, "{} activations", a.len());
    assert_eq!(a.len(), DemoOptions::default().activations);

    for status in ActivationStatus::ALL {
        assert!(a.iter().any(|x| x.status == status), "demo has {status}");
    }
    let orgs: std::collections::BTreeSet<i64> = a.iter().map(|x| x.organization.id).collect();
    assert!(orgs.len() >= 3);
    for org in first.admin().organizations().await.expect("organizations") {
        assert!(Inn::parse(&org.inn).is_ok(), "valid INN {}", org.inn);
    }
    // Numbers are sequential from 1 in created_at order.
    let mut by_number = a.clone();
    by_number.sort_by_key(|x| x.number);
    for (i, pair) in by_number.windows(2).enumerate() {
        assert_eq!(pair[0].number, i as i64 + 1);
        assert!(pair[0].created_at <= pair[1].created_at);
    }
    let admin = first.admin();
    for x in &a {
        match x.status {
            ActivationStatus::Error => {
                let text = x.error.as_deref().unwrap_or("");
                assert!(
                    !text.trim().is_empty(),
                    "error activation {} has an error text",
                    x.number
                );
            }
            ActivationStatus::Done => {
                assert!(x.error.is_none());
                assert!(x.completed_at.is_some_and(|c| c >= x.created_at));
            }
            ActivationStatus::InProgress => assert!(x.error.is_none() && x.completed_at.is_none()),
        }
    }
    // Lines agree with the summary and follow the subscription rule (sampled).
    for x in a.iter().step_by(7) {
        let detail = admin.activation(x.number).await.expect("detail");
        assert_eq!(detail.lines.len() as i64, x.license_count);
        assert_eq!(
            detail.lines.iter().map(|l| l.price).sum::<Kopecks>(),
            x.total_cost
        );
        let mut serials: Vec<&str> = detail.lines.iter().map(|l| l.serial.as_str()).collect();
        assert!(
            serials.windows(2).all(|w| w[0] < w[1]),
            "lines ordered by serial, no duplicates"
        );
        serials.dedup();
        for line in &detail.lines {
            assert!(Serial::parse(&line.serial).is_ok());
            assert_eq!(
                line.new_until,
                new_until(line.current_until, x.created_at.date_naive())
            );
        }
        if x.status == ActivationStatus::Error {
            let text = x.error.as_deref().unwrap_or("");
            assert!(
                detail.lines.iter().any(|l| text.contains(&l.serial)),
                "error names a serial: {text}"
            );
        }
    }
    // The seed's refused device appears in an error activation with the readable text.
    let seed = walk_all(
        &admin,
        &ActivationQuery {
            q: Some("0408420138900124".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(seed.iter().any(|x| {
        x.status == ActivationStatus::Error
            && x.error
                .as_deref()
                .is_some_and(|e| e.contains("0408420138900124") && e.contains("снято с учёта"))
    }));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn reopening_keeps_data_and_tokens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("portal.sqlite");
    let portal = Portal::open(&db, Some(DemoOptions { activations: 30 })).expect("open");
    assert!(portal.demo_filled());
    drop(portal);
    let again = Portal::open(&db, Some(DemoOptions::default())).expect("reopen");
    assert!(
        !again.demo_filled(),
        "demo data is filled only into an empty store"
    );
    let token = create_token(&db, Role::Support, &[2, 3, 2], "support").expect("token");
    assert!(token.starts_with(licadm::portal::TOKEN_PREFIX));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(again.serve(listener));
    let client = licadm::client::ApiClient::new(&base, &token).expect("client");
    let me = client.me().await.expect("me");
    assert_eq!(
        me.organizations.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![2, 3]
    );
    let page = client
        .activations(&ActivationQuery {
            per_page: 100,
            ..Default::default()
        })
        .await
        .expect("page");
    assert!(page.total <= 30);
    assert!(page.items.iter().all(|x| x.organization.id != 1));
    server.abort();
}
}

#[test]
fn create_token_rejects_unknown_organizations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("portal.sqlite");
    Portal::open(&db, Some(DemoOptions { activations: 10 })).expect("open");
    let err =
        create_token(&db, Role::Admin, &[1, 42], "x").expect_err("organization 42 does not exist");
    assert!(format!("{err:#}").contains("organization 42"), "{err:#}");
    assert!(create_token(&db, Role::Admin, &[1], "x").is_ok());
    assert_ne!(
        create_token(&db, Role::Viewer, &[], "a").expect("token a"),
        create_token(&db, Role::Viewer, &[], "b").expect("token b")
    );
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn demo_fills_seats_users_capacity_keys_and_audit() {
    use licadm::client::wire::SeatQuery;
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    assert_eq!(facts.products, ["orangeuce", "sls"]);
    for org in 1..=3 {
        let users = admin.users(org, "").await.expect("users");
        assert!(!users.is_empty(), "organization {org} has registered users");
        for user in &users {
            assert_eq!(user.email, user.email.trim().to_lowercase());
            assert!(user.name.split(' ').count() >= 2, "{}", user.name);
        }
        assert!(
            facts
                .seatless_users
                .get(&org)
                .is_some_and(|u| !u.is_empty()),
            "organization {org} has users without any seat"
        );
        let info = admin.license_info(org).await.expect("license info");
        assert!(!info.products.is_empty());
        let seats = admin
            .seats(&SeatQuery {
                organization: Some(org),
                ..Default::default()
            })
            .await
            .expect("seats");
        assert!(
            seats.total >= 8,
            "organization {org}: {} seats",
            seats.total
        );
    }
    // Expired, bound and free seats for the main organization's main product.
    assert!(!facts.free(1, "orangeuce").is_empty());
    assert!(!facts.bound(1, "orangeuce").is_empty());
    assert!(!facts.expired(1, "orangeuce").is_empty());
    for seat in &admin
        .seats(&SeatQuery {
            per_page: 100,
            ..Default::default()
        })
        .await
        .expect("seats")
        .items
    {
        assert!(seat.valid_from < seat.valid_until);
    }
    // One org without support, one in Lite, one emergency license of each kind.
    let mut support_none = 0;
    let mut lite = 0;
    let mut refusals = 0;
    for org in 1..=3 {
        for p in admin.license_info(org).await.expect("info").products {
            support_none += usize::from(p.support_until.is_none());
            lite += usize::from(p.lite);
            refusals += usize::from(p.emergency_refusal.is_some());
        }
    }
    assert!(support_none >= 1 && lite >= 1 && refusals >= 1);
    // Keys: the seed's key belongs to АЛЬСТЕР and is not activated; another one is.
    let seed = facts
        .keys
        .iter()
        .find(|k| k.key == "DB49-A88A-D2D6-50D4-81F1-7B67")
        .expect("the seed's key");
    assert_eq!((seed.organization, seed.installation.is_none()), (1, true));
    assert!(facts.bound_key().is_some());
    // The audit trail of a bound seat is not empty.
    let (seat, email) = &facts.bound(1, "orangeuce")[0];
    let history = admin
        .audit(&format!("seat:{seat}"), 1, 10)
        .await
        .expect("audit");
    assert_eq!(history.items[0].action, "seat.bound");
    assert_eq!(
        history.items[0].after.as_ref().map(|a| &a["email"]),
        Some(&serde_json::json!(email))
    );
}
}
