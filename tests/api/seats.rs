//! Seats over real HTTP (docs/DESIGN.md §3.6): filters, sorts, bind/unbind rules, roles, and
//! the race of many binds of one seat.

use crate::support::portal::{MovableClock, TestPortal, status_message};
use licadm::client::ApiClient;
use licadm::client::wire::{Role, Seat, SeatQuery, SeatSortKey, SeatStatus};
use std::collections::BTreeSet;

const ORANGEUCE: &str = "orangeuce";

async fn walk(client: &ApiClient, query: &SeatQuery) -> Vec<Seat> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let got = client
            .seats(&SeatQuery {
                page,
                per_page: 100,
                ..query.clone()
            })
            .await
            .expect("seat page");
        let done = got.items.is_empty() || all.len() + got.items.len() >= got.total as usize;
        all.extend(got.items);
        if done {
            assert_eq!(all.len() as u64, got.total, "pages add up to total");
            return all;
        }
        page += 1;
    }
}

fn ids(seats: &[Seat]) -> BTreeSet<i64> {
    seats.iter().map(|s| s.id).collect()
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn each_filter_narrows_independently_and_bad_values_are_400() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let all = walk(&admin, &SeatQuery::default()).await;
    assert!(all.len() > 50, "the demo has seats: {}", all.len());

    for status in SeatStatus::ALL {
        let got = walk(
            &admin,
            &SeatQuery {
                status: Some(status),
                ..Default::default()
            },
        )
        .await;
        let expected: BTreeSet<i64> = all
            .iter()
            .filter(|s| s.status == status)
            .map(|s| s.id)
            .collect();
        assert!(!expected.is_empty(), "the demo has {status:?} seats");
        assert_eq!(ids(&got), expected, "{status:?}");
    }
    let free = walk(
        &admin,
        &SeatQuery {
            organization: Some(1),
            product: Some(ORANGEUCE.into()),
            status: Some(SeatStatus::Free),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        ids(&free),
        facts
            .free(1, ORANGEUCE)
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
    );
    let product = walk(
        &admin,
        &SeatQuery {
            product: Some("sls".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(!product.is_empty() && product.len() < all.len());
    assert!(product.iter().all(|s| s.product.id == "sls"));
    let organization = walk(
        &admin,
        &SeatQuery {
            organization: Some(2),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        ids(&organization),
        all.iter()
            .filter(|s| s.organization.id == 2)
            .map(|s| s.id)
            .collect()
    );

    // `q`: e-mail text, case-insensitive and trimmed.
    let (_, email) = &facts.bound(1, ORANGEUCE)[0];
    let local = email.split('@').next().expect("local part");
    let found = walk(
        &admin,
        &SeatQuery {
            q: Some(format!("  {}  ", local.to_uppercase())),
            ..Default::default()
        },
    )
    .await;
    let expected: BTreeSet<i64> = all
        .iter()
        .filter(|s| s.email.as_deref().is_some_and(|e| e.contains(local)))
        .map(|s| s.id)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&found), expected);
    let none = walk(
        &admin,
        &SeatQuery {
            q: Some("%".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty(), "LIKE wildcards are taken literally");

    for query in [
        "/seats?status=gone",
        "/seats?sort=name",
        "/seats?product=nope",
        "/seats?per_page=7",
        "/seats?organization=x",
    ] {
        assert_eq!(portal.raw_get(query).await.status(), 400, "{query}");
    }
    // Scope: a token of organization 2 sees its seats only; organization 1 is 404.
    let viewer = portal.client(&portal.token(Role::Viewer, &[2], "viewer@techbiz"));
    let seen = walk(&viewer, &SeatQuery::default()).await;
    assert_eq!(ids(&seen), ids(&organization));
    let (status, _) = status_message(
        viewer
            .seats(&SeatQuery {
                organization: Some(1),
                ..Default::default()
            })
            .await,
    );
    assert_eq!(status, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn sorts_both_ways_with_ties_by_id() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    for sort in SeatSortKey::ALL {
        for descending in [false, true] {
            let got = walk(
                &admin,
                &SeatQuery {
                    organization: Some(1),
                    sort,
                    descending,
                    ..Default::default()
                },
            )
            .await;
            let mut expected = got.clone();
            expected.sort_by(|a, b| {
                let order = match sort {
                    SeatSortKey::Id => a.id.cmp(&b.id),
                    SeatSortKey::ValidUntil => (a.valid_until, a.id).cmp(&(b.valid_until, b.id)),
                    SeatSortKey::Email => (&a.email, a.id).cmp(&(&b.email, b.id)),
                };
                if descending { order.reverse() } else { order }
            });
            assert_eq!(
                got.iter().map(|s| s.id).collect::<Vec<_>>(),
                expected.iter().map(|s| s.id).collect::<Vec<_>>(),
                "{sort:?} descending={descending}"
            );
        }
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn bind_and_unbind_rules_each_refuse_with_their_status() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let free = facts.free(1, ORANGEUCE);
    let (seat, other_seat) = (free[0], free[1]);
    let user = facts.without_seat(1, ORANGEUCE)[0].clone();

    // Case-insensitive and trimmed; stored lower case.
    let bound = admin
        .bind_seat(seat, &format!("  {}\t", user.to_uppercase()), None)
        .await
        .expect("bind");
    assert_eq!(
        (bound.status, bound.email.as_deref()),
        (SeatStatus::Bound, Some(user.as_str()))
    );

    // One seat per user per product: 409 naming the seat held.
    let (status, message) = status_message(admin.bind_seat(other_seat, &user, None).await);
    assert_eq!(status, 409);
    assert!(
        message.contains(&format!("already holds seat {seat}")) && message.contains("Orange[uc]e"),
        "{message}"
    );
    // The same user may hold a seat of another product.
    let sls_free = facts.free(1, "sls")[0];
    admin
        .bind_seat(sls_free, &user, None)
        .await
        .expect("another product");

    // Only a free seat can be bound.
    let another = facts.without_seat(1, ORANGEUCE)[1].clone();
    let (status, message) = status_message(admin.bind_seat(seat, &another, None).await);
    assert_eq!(status, 409);
    assert!(
        message.contains(&format!("seat {seat} is not free")) && message.contains(&user),
        "{message}"
    );
    // Its own code, so a client binding a list moves on to the next free seat; a user
    // already holding a seat is a plain conflict.
    let code = |e: Option<licadm::client::ClientError>| match e {
        Some(licadm::client::ClientError::Api { code, .. }) => code,
        other => format!("{other:?}"),
    };
    assert_eq!(
        code(admin.bind_seat(seat, &another, None).await.err()),
        "seat_not_free"
    );
    assert_eq!(
        code(admin.bind_seat(other_seat, &user, None).await.err()),
        "conflict"
    );

    // Not registered: 422 naming the address; a user of another organization is not
    // registered with this one.
    let (status, message) = status_message(
        admin
            .bind_seat(other_seat, &facts.unregistered_email, None)
            .await,
    );
    assert_eq!(status, 422);
    assert!(
        message.contains(&facts.unregistered_email) && message.contains("not registered"),
        "{message}"
    );
    let stranger = facts.without_seat(2, ORANGEUCE)[0].clone();
    let (status, message) = status_message(admin.bind_seat(other_seat, &stranger, None).await);
    assert_eq!((status, message.contains("not registered")), (422, true));
    let (status, _) = status_message(admin.bind_seat(other_seat, "   ", None).await);
    assert_eq!(status, 422);

    // Expired: never bound, never unbound, stays expired.
    let expired = facts.expired(1, ORANGEUCE)[0];
    let (status, message) = status_message(admin.bind_seat(expired, &another, None).await);
    assert_eq!(status, 409);
    assert!(message.contains("expired"), "{message}");
    let (status, _) = status_message(admin.unbind_seat(expired, None).await);
    assert_eq!(status, 409);

    // Unbind: bound → free, then 409.
    let freed = admin.unbind_seat(seat, None).await.expect("unbind");
    assert_eq!((freed.status, freed.email), (SeatStatus::Free, None));
    let (status, message) = status_message(admin.unbind_seat(seat, None).await);
    assert_eq!(status, 409);
    assert!(message.contains("only a bound seat"), "{message}");
    // Freed, it can be bound to someone else.
    admin.bind_seat(seat, &another, None).await.expect("rebind");

    // Unknown seat, or a seat of an organization outside the token: 404 both.
    let (status, _) = status_message(admin.bind_seat(999_999, &user, None).await);
    assert_eq!(status, 404);
    let scoped = portal.client(&portal.token(Role::Admin, &[2], "admin@techbiz"));
    let (status, _) = status_message(scoped.bind_seat(other_seat, &stranger, None).await);
    assert_eq!(status, 404);
    let response = portal
        .raw_post(
            &portal.admin_token,
            "/seats/abc/bind",
            &serde_json::json!({"email": user}),
        )
        .await;
    assert_eq!(response.status(), 400);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn only_admin_binds_and_unbinds() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let free = facts.free(1, ORANGEUCE)[0];
    let (bound, _) = facts.bound(1, ORANGEUCE)[0].clone();
    let user = facts.without_seat(1, ORANGEUCE)[0].clone();
    for role in [Role::Support, Role::Viewer] {
        let client = portal.client(&portal.token(role, &[], "not-admin"));
        let (status, message) = status_message(client.bind_seat(free, &user, None).await);
        assert_eq!(status, 403, "{role:?} bind");
        assert!(message.contains("bind or unbind seats"), "{message}");
        let (status, _) = status_message(client.unbind_seat(bound, None).await);
        assert_eq!(status, 403, "{role:?} unbind");
    }
    let seats = walk(&portal.admin(), &SeatQuery::default()).await;
    let status_of = |id: i64| seats.iter().find(|s| s.id == id).map(|s| s.status);
    assert_eq!(status_of(free), Some(SeatStatus::Free));
    assert_eq!(status_of(bound), Some(SeatStatus::Bound));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn many_concurrent_binds_of_one_seat_exactly_one_wins() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let seat = facts.free(1, ORANGEUCE)[0];
    let users: Vec<String> = facts.without_seat(1, ORANGEUCE)[..16].to_vec();
    // One warmed-up client per contender (connection open), released together.
    let mut clients = Vec::new();
    for _ in &users {
        let client = portal.admin();
        client.me().await.expect("warm-up");
        clients.push(client);
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(users.len()));
    let mut tasks = Vec::new();
    for (user, client) in users.clone().into_iter().zip(clients) {
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            (user.clone(), client.bind_seat(seat, &user, None).await)
        }));
    }
    let mut winners = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (user, result) = task.await.expect("bind task");
        match result {
            Ok(seat) => {
                assert_eq!(seat.email.as_deref(), Some(user.as_str()));
                winners.push(user);
            }
            Err(e) => {
                let (status, message) = status_message(Err::<(), _>(e));
                assert_eq!(status, 409, "{message}");
                assert!(message.contains("is not free"), "{message}");
                conflicts += 1;
            }
        }
    }
    assert_eq!((winners.len(), conflicts), (1, 15));
    let now = walk(
        &portal.admin(),
        &SeatQuery {
            organization: Some(1),
            ..Default::default()
        },
    )
    .await;
    let seat_now = now.iter().find(|s| s.id == seat).expect("the seat");
    assert_eq!(seat_now.email.as_deref(), Some(winners[0].as_str()));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_expired_seat_is_never_renewed_by_itself() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let admin = portal.admin();
    let facts = portal.facts();
    let seat = facts.free(1, ORANGEUCE)[0];
    let user = facts.without_seat(1, ORANGEUCE)[0].clone();
    let bound = admin.bind_seat(seat, &user, None).await.expect("bind");
    let days = (bound.valid_until - clock.today()).num_days() + 1;
    clock.advance_days(days);
    let seats = walk(
        &admin,
        &SeatQuery {
            status: Some(SeatStatus::Expired),
            ..Default::default()
        },
    )
    .await;
    let now = seats.iter().find(|s| s.id == seat).expect("expired now");
    assert_eq!(now.valid_until, bound.valid_until, "not extended");
    assert_eq!(now.email.as_deref(), Some(user.as_str()), "history kept");
    let (status, _) = status_message(admin.unbind_seat(seat, None).await);
    assert_eq!(status, 409);
    let other = facts.without_seat(1, ORANGEUCE)[1].clone();
    let (status, _) = status_message(admin.bind_seat(seat, &other, None).await);
    assert_eq!(status, 409);
    // The user's expired seat no longer counts: a fresh seat can be bound to them,
    // if any seat is still valid (demo seats bought later than this one).
    let fresh = walk(
        &admin,
        &SeatQuery {
            organization: Some(1),
            product: Some(ORANGEUCE.into()),
            status: Some(SeatStatus::Free),
            ..Default::default()
        },
    )
    .await;
    if let Some(fresh) = fresh.first() {
        admin
            .bind_seat(fresh.id, &user, None)
            .await
            .expect("a new seat for the user");
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn summary_counts_and_user_suggestions() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let summary = admin.seat_summary(Some(1)).await.expect("summary");
    assert_eq!(summary.len(), 2, "two products for organization 1");
    for row in &summary {
        assert_eq!(row.organization.id, 1);
        let p = row.product.id.as_str();
        assert_eq!(
            (row.free, row.bound, row.expired),
            (
                facts.free(1, p).len() as u32,
                facts.bound(1, p).len() as u32,
                facts.expired(1, p).len() as u32
            ),
            "{p}"
        );
    }
    let everything = admin.seat_summary(None).await.expect("summary");
    assert!(everything.iter().any(|r| r.organization.id == 3));

    let users = admin.users(1, "").await.expect("users");
    assert_eq!(users.len(), 20, "at most 20 suggestions");
    let user = &facts.without_seat(1, ORANGEUCE)[0];
    let local = user.split('@').next().expect("local");
    let found = admin.users(1, &local.to_uppercase()).await.expect("users");
    assert!(found.iter().any(|u| &u.email == user), "{found:?}");
    assert!(found.iter().all(|u| u.email.contains(local)));
    let by_name = admin.users(1, "Ирина").await.expect("users by name");
    assert!(!by_name.is_empty() && by_name.iter().all(|u| u.name.contains("Ирина")));
    let (status, _) = status_message(
        portal
            .client(&portal.token(Role::Viewer, &[2], "v"))
            .users(1, "")
            .await,
    );
    assert_eq!(status, 404);
}
}
