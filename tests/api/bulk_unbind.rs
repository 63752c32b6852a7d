//! The bulk unbind (issue 16; docs/DESIGN.md §4.9): `POST /seats/unbind` answers every
//! seat in one request — unbound, or refused as the single unbind would refuse it (never
//! revealing another organization's seat) — with one `seat.unbound` record and one feed
//! row per seat, idempotently, admin only. On SQLite and PostgreSQL.

use crate::support::feed::sync;
use crate::support::portal::{TestPortal, status_message};
use licadm::client::ApiClient;
use licadm::client::bulk::{BULK_MAX, UnbindOutcome};
use licadm::client::events::EventQuery;
use licadm::client::feed::Change;
use licadm::client::wire::{Role, Seat, SeatQuery, SeatStatus};
use std::collections::BTreeMap;

const ALSTER: i64 = 1;
const TECHBUSINESS: i64 = 2;
const ORANGEUCE: &str = "orangeuce";

/// How many `seat.unbound` records each seat has in the log the client sees.
async fn unbound_records(client: &ApiClient) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut query = EventQuery {
        action: Some("seat.unbound".into()),
        per_page: Some(100),
        ..Default::default()
    };
    loop {
        let page = client.events(&query).await.expect("events");
        for event in &page.items {
            *counts.entry(event.object.clone()).or_default() += 1;
        }
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return counts,
        }
    }
}

/// Every seat of one organization, page by page.
async fn all_seats(client: &ApiClient, organization: i64) -> Vec<Seat> {
    let mut all = Vec::new();
    for page in 1.. {
        let got = client
            .seats(&SeatQuery {
                organization: Some(organization),
                page,
                per_page: 100,
                ..Default::default()
            })
            .await
            .expect("seats");
        let last = got.items.is_empty() || all.len() + got.items.len() >= got.total as usize;
        all.extend(got.items);
        if last {
            break;
        }
    }
    all
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_unbind_answers_every_seat_and_never_touches_another_organizations() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let mine: Vec<i64> = facts.bound(ALSTER, ORANGEUCE).iter().map(|(id, _)| *id).collect();
    let (theirs, their_email) = facts.bound(TECHBUSINESS, ORANGEUCE)[0].clone();
    let free = facts.free(ALSTER, ORANGEUCE)[0];
    assert!(mine.len() >= 3, "the demo binds seats");
    let admin = portal.client(&portal.token(Role::Admin, &[ALSTER], "admin-1@test"));
    let (_, cursor) = sync(&admin, 0, 1000).await;
    let before = unbound_records(&admin).await;

    let asked = vec![mine[0], theirs, free, mine[1], 999_999, mine[2]];
    let answer = admin.unbind_many(&asked, "unbind-1").await.expect("bulk unbind");
    let got: Vec<(i64, UnbindOutcome, Option<String>)> = answer
        .results
        .iter()
        .map(|r| (r.seat_id, r.outcome, r.error.as_ref().map(|e| e.code.clone())))
        .collect();
    assert_eq!(
        got,
        vec![
            (mine[0], UnbindOutcome::Unbound, None),
            // Another organization's seat is refused as if it did not exist.
            (theirs, UnbindOutcome::Refused, Some("not_found".into())),
            (free, UnbindOutcome::Refused, Some("conflict".into())),
            (mine[1], UnbindOutcome::Unbound, None),
            (999_999, UnbindOutcome::Refused, Some("not_found".into())),
            (mine[2], UnbindOutcome::Unbound, None),
        ]
    );
    assert_eq!(answer.unbound(), 3);
    let message = |i: usize| answer.results[i].error.as_ref().map(|e| e.message.clone());
    assert_eq!(
        message(1).map(|m| m.replace(&theirs.to_string(), "N")),
        message(4).map(|m| m.replace("999999", "N")),
        "another organization's seat reads as an unknown one"
    );
    let freed = answer.results[0].seat.as_ref().expect("the seat");
    assert_eq!((freed.status, freed.email.as_deref()), (SeatStatus::Free, None));

    // Their seat is still bound to the same user.
    let operator = portal.client(&portal.operator_token());
    let seat = |organization: i64, id: i64| {
        let operator = operator.clone();
        async move {
            all_seats(&operator, organization)
                .await
                .into_iter()
                .find(|s| s.id == id)
                .expect("the seat")
        }
    };
    let untouched = seat(TECHBUSINESS, theirs).await;
    assert_eq!(untouched.status, SeatStatus::Bound);
    assert_eq!(untouched.email.as_deref(), Some(their_email.as_str()));
    for id in &mine[..3] {
        assert_eq!(seat(ALSTER, *id).await.status, SeatStatus::Free);
    }

    // One `seat.unbound` record per unbound seat (the single unbind's writer: the
    // webhooks' source too), and one feed row each with its record.
    let after = unbound_records(&admin).await;
    let new: BTreeMap<String, usize> = after
        .iter()
        .map(|(object, n)| (object.clone(), n - before.get(object).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let expected: BTreeMap<String, usize> =
        mine[..3].iter().map(|id| (format!("seat:{id}"), 1)).collect();
    assert_eq!(new, expected);
    let (delta, _) = sync(&admin, cursor, 1000).await;
    let mut seats_in_feed: Vec<(i64, Option<String>)> = delta
        .iter()
        .filter_map(|c| match c {
            Change::Seat(s) => Some((s.id, s.email.clone())),
            _ => None,
        })
        .collect();
    seats_in_feed.sort_unstable();
    let mut expected_feed: Vec<(i64, Option<String>)> =
        mine[..3].iter().map(|id| (*id, None)).collect();
    expected_feed.sort_unstable();
    assert_eq!(seats_in_feed, expected_feed);
    let events_in_feed = delta
        .iter()
        .filter(|c| matches!(c, Change::Event(e) if e.action == "seat.unbound"))
        .count();
    assert_eq!(events_in_feed, 3);

    // The same key again: the first answer, nothing done twice.
    let again = admin.unbind_many(&asked, "unbind-1").await.expect("replay");
    assert_eq!(again, answer);
    assert_eq!(unbound_records(&admin).await, after, "no second record");
    let fresh = admin.unbind_many(&asked[..1], "unbind-2").await.expect("new key");
    assert_eq!(fresh.results[0].outcome, UnbindOutcome::Refused, "free now");
    // One key, another request: 422.
    let (status, _) = status_message(admin.unbind_many(&asked[..2], "unbind-1").await);
    assert_eq!(status, 422);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_unbind_is_admin_only_and_takes_1_to_100_seats() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let (bound, _) = facts.bound(ALSTER, ORANGEUCE)[0].clone();
    for role in [Role::Support, Role::Viewer] {
        let client = portal.client(&portal.token(role, &[ALSTER], "not-admin@test"));
        let (status, message) = status_message(client.unbind_many(&[bound], "r").await);
        assert_eq!(status, 403, "{role:?}");
        assert!(message.contains("bind or unbind seats"), "{message}");
    }
    let admin = portal.client(&portal.token(Role::Admin, &[ALSTER], "admin-1@test"));
    let (status, message) = status_message(admin.unbind_many(&[], "e").await);
    assert_eq!(status, 400);
    assert!(message.contains("1 to 100"), "{message}");
    let many: Vec<i64> = (1..=BULK_MAX as i64 + 1).collect();
    let (status, message) = status_message(admin.unbind_many(&many, "m").await);
    assert_eq!(status, 400);
    assert!(message.contains("got 101"), "{message}");
    assert_eq!(status_message(admin.unbind_many(&[bound, 0], "z").await).0, 400);
    // Nothing refused as a whole changed anything: the seat is still bound.
    let answer = admin.unbind_many(&[bound], "ok").await.expect("unbind");
    assert_eq!(answer.results[0].outcome, UnbindOutcome::Unbound);
    // A hundred is allowed (every other one refused as unknown: one answer each).
    let hundred: Vec<i64> = (0..BULK_MAX as i64).map(|n| 900_000 + n).collect();
    let answer = admin.unbind_many(&hundred, "h").await.expect("a hundred");
    assert_eq!(answer.results.len(), BULK_MAX);
    assert!(answer.results.iter().all(|r| r.outcome == UnbindOutcome::Refused));
}
}

/// The console's run of marked unbinds (`console::runtime::unbind_marked`): with the
/// portal, one answer per seat from one request; with a mirror whose portal is out of
/// reach, each seat queued in the outbox as its own unbind, which the next flush sends.
#[tokio::test(flavor = "multi_thread")]
async fn the_consoles_marked_unbind_answers_per_seat_and_queues_each_seat_offline() {
    use licadm::console::data::{DataSource, MirrorSource};
    use licadm::console::runtime::unbind_marked;
    use licadm::console::screens::bulk_run::StepOutcome;
    use licadm::mirror::{Mirror, OutboxAction};
    use std::sync::Mutex;

    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let bound: Vec<i64> = facts
        .bound(ALSTER, ORANGEUCE)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let free = facts.free(ALSTER, ORANGEUCE)[0];
    let token = portal.token(Role::Admin, &[ALSTER], "admin-1@test");
    let admin = portal.client(&token);

    let live = DataSource::Live(admin.clone());
    let outcomes = unbind_marked(&live, &[bound[0], free], |_| panic!("nothing queued")).await;
    assert_eq!(outcomes[0], (bound[0], StepOutcome::Done(String::new())));
    assert!(
        matches!(&outcomes[1], (id, StepOutcome::Failed(m)) if *id == free && m.contains("only a bound seat")),
        "{outcomes:?}"
    );

    // A mirror whose portal is gone (nothing listens on the port).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let dir = tempfile::tempdir().expect("dir");
    let mirror = Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror");
    let offline = DataSource::Mirror(MirrorSource {
        client: licadm::client::ApiClient::new(&dead, &token).expect("client"),
        mirror: mirror.clone(),
    });
    let shown = Mutex::new(Vec::new());
    let outcomes = unbind_marked(&offline, &bound[1..3], |item| {
        shown.lock().unwrap().push(item)
    })
    .await;
    assert_eq!(
        outcomes,
        vec![
            (bound[1], StepOutcome::Queued),
            (bound[2], StepOutcome::Queued)
        ]
    );
    let queued: Vec<OutboxAction> = mirror
        .outbox()
        .expect("outbox")
        .into_iter()
        .map(|i| i.action)
        .collect();
    assert_eq!(
        queued,
        vec![
            OutboxAction::Unbind { seat: bound[1] },
            OutboxAction::Unbind { seat: bound[2] }
        ]
    );
    assert_eq!(
        shown.lock().unwrap().len(),
        2,
        "each queued seat is shown in the outbox"
    );
    // Back online: the flush unbinds them, each once.
    licadm::mirror::sync::flush_outbox(&admin, &mirror)
        .await
        .expect("flush");
    assert!(mirror.outbox().expect("outbox").is_empty());
    for id in &bound[1..3] {
        let seat = all_seats(&admin, ALSTER)
            .await
            .into_iter()
            .find(|s| s.id == *id)
            .expect("seat");
        assert_eq!(seat.status, SeatStatus::Free);
    }
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn each_seat_a_bulk_unbind_frees_is_one_seat_unbound_webhook() {
    use licadm::client::webhooks::NewWebhook;
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let bound: Vec<i64> = facts.bound(ALSTER, ORANGEUCE).iter().map(|(id, _)| *id).collect();
    let free = facts.free(ALSTER, ORANGEUCE)[0];
    let admin = portal.client(&portal.token(Role::Admin, &[ALSTER], "admin-1@test"));
    // Loopback is allowed; nothing listens on port 9, so the deliveries stay listed.
    let hook = admin
        .add_webhook(
            &NewWebhook {
                url: "http://127.0.0.1:9/hook".into(),
                events: vec!["seat.unbound".into()],
                organization: Some(ALSTER),
            },
            "hook-1",
        )
        .await
        .expect("endpoint");
    admin.unbind_many(&[bound[0], free, bound[1]], "unbind-hooks").await.expect("bulk unbind");
    admin.unbind_many(&[bound[0], free, bound[1]], "unbind-hooks").await.expect("replay");
    let deliveries = admin.webhook_deliveries(hook.endpoint.id, 1, 100).await.expect("deliveries");
    let mut got: Vec<(String, String)> = deliveries
        .items
        .iter()
        .map(|d| (d.event_type.clone(), d.object.clone()))
        .collect();
    got.sort();
    let mut expected = vec![
        ("seat.unbound".to_string(), format!("seat:{}", bound[0])),
        ("seat.unbound".to_string(), format!("seat:{}", bound[1])),
    ];
    expected.sort();
    assert_eq!(got, expected, "one per unbound seat, none for the refused one or the replay");
}
}
