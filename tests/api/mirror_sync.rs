//! The offline mirror against a real portal on loopback (docs/DESIGN.md §6): a synced mirror
//! answers lists exactly as the portal does; deltas carry only what changed; writes
//! made offline are queued durably and applied exactly once; a refused one becomes a
//! conflict; a link that drops mid-response leaves the mirror consistent.

use crate::support::portal::{TestPortal, wait_for};
use crate::support::proxy;
use licadm::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, Role, SeatQuery, SeatSortKey, SeatStatus,
};
use licadm::client::{ApiClient, ClientError};
use licadm::console::data::{DataSource, MirrorSource, Written};
use licadm::domain::{ActivationStatus, Vendor};
use licadm::mirror::sync::{sync_in_pages, sync_once};
use licadm::mirror::{Mirror, OutboxAction, OutboxState};
use std::time::Duration;

const ORANGEUCE: &str = "orangeuce";

fn quiet(_: licadm::mirror::sync::SyncProgress) {}

/// The portal's audit of `seat` holds exactly one bind.
async fn assert_bound_once(admin: &ApiClient, seat: i64) {
    let history = admin
        .audit(&format!("seat:{seat}"), 1, 50)
        .await
        .expect("audit");
    let binds = history
        .items
        .iter()
        .filter(|e| e.action == "seat.bound")
        .count();
    assert_eq!(binds, 1, "applied exactly once: {:?}", history.items);
}

/// The secondary indexes of the tables a full sync loads in bulk.
fn indexes(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('activations', 'activation_lines', 'seats') ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names")
}

fn new_mirror(dir: &tempfile::TempDir) -> Mirror {
    Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror opens")
}

/// A client whose portal is gone: nothing listens on the port.
fn dead_client(token: &str) -> ApiClient {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    ApiClient::new(&url, token).expect("client")
}

fn activation_queries() -> Vec<ActivationQuery> {
    let mut queries = Vec::new();
    for key in ActivationSortKey::ALL {
        for descending in [false, true] {
            for page in [1, 2, 7] {
                queries.push(ActivationQuery {
                    sort: ActivationSort { key, descending },
                    page,
                    per_page: 25,
                    ..ActivationQuery::default()
                });
            }
        }
    }
    queries.push(ActivationQuery {
        organization: Some(2),
        status: Some(ActivationStatus::Error),
        ..ActivationQuery::default()
    });
    queries.push(ActivationQuery {
        vendor: Some(Vendor::PpElectro),
        per_page: 100,
        ..ActivationQuery::default()
    });
    queries.push(ActivationQuery {
        q: Some("0".into()),
        per_page: 50,
        ..ActivationQuery::default()
    });
    queries.push(ActivationQuery {
        q: Some("12".into()),
        ..ActivationQuery::default()
    });
    queries
}

fn seat_queries() -> Vec<SeatQuery> {
    let mut queries = Vec::new();
    for sort in SeatSortKey::ALL {
        for descending in [false, true] {
            queries.push(SeatQuery {
                sort,
                descending,
                per_page: 50,
                page: 2,
                ..SeatQuery::default()
            });
        }
    }
    queries.push(SeatQuery {
        organization: Some(1),
        product: Some(ORANGEUCE.into()),
        status: Some(SeatStatus::Free),
        ..SeatQuery::default()
    });
    queries.push(SeatQuery {
        q: Some("a".into()),
        status: Some(SeatStatus::Bound),
        ..SeatQuery::default()
    });
    queries
}

/// The same answer, or the same refusal (a filter outside the token's scope is "not
/// found" from both).
fn assert_same<T: PartialEq + std::fmt::Debug>(
    local: Result<T, licadm::mirror::MirrorError>,
    live: Result<T, ClientError>,
    what: &str,
) {
    match (local, live) {
        (Ok(local), Ok(live)) => assert_eq!(local, live, "{what}"),
        (
            Err(licadm::mirror::MirrorError::Replica(
                licadm::portal::replica::ReplicaError::Refused { status, .. },
            )),
            Err(ClientError::Api { status: live, .. }),
        ) => assert_eq!(status, live, "{what}"),
        (local, live) => panic!("{what}: mirror {local:?}, portal {live:?}"),
    }
}

/// Every list, detail, summary and capacity the console reads is answered from the
/// mirror exactly as the portal answers it.
async fn assert_mirror_matches(client: &ApiClient, mirror: &Mirror) {
    let now = chrono::Utc::now();
    for query in activation_queries() {
        let live = client.activations(&query).await;
        let rows = live.as_ref().map(|p| p.items.clone()).unwrap_or_default();
        assert_same(mirror.activations(&query), live, &format!("{query:?}"));
        for row in rows.iter().take(3) {
            let live = client.activation(row.number).await.expect("live detail");
            assert_eq!(mirror.activation(row.number).expect("detail"), live);
        }
    }
    for query in seat_queries() {
        let live = client.seats(&query).await;
        assert_same(mirror.seats(&query, now), live, &format!("{query:?}"));
    }
    assert_eq!(
        mirror.seat_summary(None, now).expect("summary"),
        client.seat_summary(None).await.expect("live summary")
    );
    let organizations = client.organizations().await.expect("organizations");
    assert_eq!(mirror.organizations().expect("mirror orgs"), organizations);
    for org in &organizations {
        assert_eq!(
            mirror.license_info(org.id, now).expect("mirror capacity"),
            client.license_info(org.id).await.expect("live capacity"),
            "organization {}",
            org.id
        );
    }
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_synced_mirror_answers_every_list_as_the_portal_does() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    // Small pages: the full sync crosses many page boundaries.
    let report = sync_in_pages(&admin, &mirror, 97, &quiet)
        .await
        .expect("full sync");
    assert!(report.full);
    assert!(report.counts.activations >= 420, "{:?}", report.counts);
    assert!(mirror.state().expect("state").complete);
    assert_mirror_matches(&admin, &mirror).await;
    // The full sync loaded without secondary indexes and built them all at the end.
    assert_eq!(
        indexes(&dir.path().join("mirror.sqlite")),
        indexes(&portal.db),
        "the mirror has every index of the portal's list tables"
    );

    // A scoped token's mirror holds its organization only.
    let token = portal.token(Role::Viewer, &[2], "viewer@2");
    let scoped = portal.client(&token);
    let dir2 = tempfile::tempdir().expect("dir");
    let scoped_mirror = new_mirror(&dir2);
    sync_once(&scoped, &scoped_mirror, &quiet)
        .await
        .expect("scoped sync");
    assert_mirror_matches(&scoped, &scoped_mirror).await;
    let everything = scoped_mirror
        .activations(&ActivationQuery {
            per_page: 100,
            ..ActivationQuery::default()
        })
        .expect("list");
    assert!(everything.total > 0);
    assert!(everything.items.iter().all(|a| a.organization.id == 2));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_delta_carries_what_changed_and_nothing_else() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&admin, &mirror, &quiet).await.expect("full sync");

    let idle = sync_once(&admin, &mirror, &quiet).await.expect("idle sync");
    assert!(!idle.full);
    assert_eq!(idle.counts.total(), 0, "nothing changed: {:?}", idle.counts);

    let seat = facts.free(1, ORANGEUCE)[0];
    let email = facts.without_seat(1, ORANGEUCE)[0].clone();
    admin.bind_seat(seat, &email, None).await.expect("bind");
    let delta = sync_once(&admin, &mirror, &quiet).await.expect("delta");
    assert!(!delta.full);
    assert_eq!(delta.counts.seats, 1, "{:?}", delta.counts);
    // And the binding's audit record (issue 16: the activity log offline).
    assert_eq!(delta.counts.events, 1, "{:?}", delta.counts);
    assert_eq!(delta.counts.total(), 2, "{:?}", delta.counts);
    let bound = mirror
        .seats(
            &SeatQuery {
                q: Some(email.clone()),
                ..SeatQuery::default()
            },
            chrono::Utc::now(),
        )
        .expect("seats");
    assert_eq!(bound.items.iter().map(|s| s.id).collect::<Vec<_>>(), [seat]);
    assert_mirror_matches(&admin, &mirror).await;
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_offline_bind_is_queued_durably_and_applied_exactly_once() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("mirror.sqlite");
    let seat = facts.free(1, ORANGEUCE)[0];
    let email = facts.without_seat(1, ORANGEUCE)[0].clone();
    {
        let mirror = Mirror::open(&path).expect("mirror");
        sync_once(&admin, &mirror, &quiet).await.expect("full sync");
        // Offline: the portal cannot be reached; reads still come from the mirror.
        let offline = DataSource::Mirror(MirrorSource {
            client: dead_client(&portal.admin_token),
            mirror: mirror.clone(),
        });
        let page = offline
            .activations(&ActivationQuery {
                status: Some(ActivationStatus::Done),
                sort: ActivationSort {
                    key: ActivationSortKey::TotalCost,
                    descending: true,
                },
                ..ActivationQuery::default()
            })
            .await
            .expect("offline list from the mirror");
        assert!(page.total > 0);
        assert!(
            page.items
                .windows(2)
                .all(|w| w[0].total_cost >= w[1].total_cost)
        );
        match offline.bind_seat(seat, &email).await.expect("queued") {
            Written::Queued(item) => {
                assert_eq!(
                    item.action,
                    OutboxAction::Bind {
                        seat,
                        email: email.clone()
                    }
                );
            }
            Written::Done(seat) => panic!("bound while offline? {seat:?}"),
        }
        // The console is "killed" here: the mirror is dropped with the item queued.
    }
    let mirror = Mirror::open(&path).expect("mirror reopens");
    let pending = mirror.pending().expect("pending");
    assert_eq!(pending.len(), 1, "the queued bind survived: {pending:?}");
    let sent_as = licadm::mirror::sync::outbox_request_id(&pending[0]);

    // The link returns: the first sync sends it; a second sends nothing again.
    let report = sync_once(&admin, &mirror, &quiet).await.expect("sync");
    assert_eq!(report.flush.sent, 1);
    // The resend named itself (issue 16): the item and the attempt, in the audit log.
    let events = admin
        .events(&licadm::client::events::EventQuery {
            action: Some("seat.bound".into()),
            ..Default::default()
        })
        .await
        .expect("events");
    let bound = events
        .items
        .iter()
        .find(|e| e.object == format!("seat:{seat}"))
        .expect("the bind's record");
    assert_eq!(bound.request_id.as_deref(), Some(sent_as.as_str()));
    assert!(sent_as.starts_with("outbox-"), "{sent_as}");
    assert!(report.flush.conflicts.is_empty());
    let again = sync_once(&admin, &mirror, &quiet)
        .await
        .expect("sync again");
    assert_eq!(again.flush.sent, 0);
    assert!(mirror.outbox().expect("outbox").is_empty());

    assert_bound_once(&admin, seat).await;
    let local = mirror
        .seats(
            &SeatQuery {
                q: Some(email.clone()),
                ..SeatQuery::default()
            },
            chrono::Utc::now(),
        )
        .expect("seats");
    assert_eq!(local.items[0].email.as_deref(), Some(email.as_str()));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_seat_taken_meanwhile_becomes_a_conflict_that_is_kept_until_dismissed() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&admin, &mirror, &quiet).await.expect("full sync");
    let seat = facts.free(1, ORANGEUCE)[0];
    let users = facts.without_seat(1, ORANGEUCE);
    let (mine, theirs) = (users[0].clone(), users[1].clone());

    let offline = DataSource::Mirror(MirrorSource {
        client: dead_client(&portal.admin_token),
        mirror: mirror.clone(),
    });
    assert!(matches!(
        offline.bind_seat(seat, &mine).await,
        Ok(Written::Queued(_))
    ));
    // Someone else binds the same seat while we are offline.
    admin
        .bind_seat(seat, &theirs, None)
        .await
        .expect("their bind");

    let report = sync_once(&admin, &mirror, &quiet).await.expect("sync");
    assert_eq!(report.flush.sent, 0);
    assert_eq!(report.flush.conflicts.len(), 1);
    let conflict = &report.flush.conflicts[0];
    let message = conflict.message.clone().unwrap_or_default();
    assert!(message.contains("409"), "{message}");
    let outbox = mirror.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].state, OutboxState::Conflict);
    // Later syncs do not resend it, and it stays listed until dismissed.
    sync_once(&admin, &mirror, &quiet).await.expect("sync");
    assert_eq!(mirror.outbox().expect("outbox").len(), 1);
    assert!(
        mirror
            .dismiss(outbox[0].id, chrono::Utc::now())
            .expect("dismiss")
    );
    assert!(mirror.outbox().expect("outbox").is_empty());
    // Their bind stands.
    let seats = admin
        .seats(&SeatQuery {
            q: Some(theirs.clone()),
            status: Some(SeatStatus::Bound),
            ..SeatQuery::default()
        })
        .await
        .expect("seats");
    assert!(
        seats
            .items
            .iter()
            .any(|s| s.id == seat && s.email.as_deref() == Some(theirs.as_str())),
        "{:?}",
        seats.items
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn online_writes_through_the_mirror_answer_like_the_portal() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&admin, &mirror, &quiet).await.expect("full sync");
    let source = DataSource::Mirror(MirrorSource {
        client: admin.clone(),
        mirror: mirror.clone(),
    });
    let seat = facts.free(1, ORANGEUCE)[0];
    let email = facts.without_seat(1, ORANGEUCE)[0].clone();
    match source.bind_seat(seat, &email).await.expect("bind") {
        Written::Done(bound) => assert_eq!(bound.email.as_deref(), Some(email.as_str())),
        Written::Queued(item) => panic!("queued while online: {item:?}"),
    }
    // A refusal is answered at once, as without a mirror, and not kept as a conflict.
    let refused = source.bind_seat(seat, &email).await;
    assert!(
        matches!(refused, Err(ClientError::Api { status: 409, .. })),
        "{refused:?}"
    );
    assert!(mirror.outbox().expect("outbox").is_empty());
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_link_that_drops_mid_response_leaves_the_mirror_consistent() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let upstream = portal.base.trim_start_matches("http://").to_string();
    // How many bytes a whole sync takes through the proxy...
    let whole = {
        let proxy = proxy::CuttingProxy::start(upstream.clone(), i64::MAX).await;
        let client = ApiClient::new(&proxy.url, &portal.admin_token).expect("client");
        let dir = tempfile::tempdir().expect("dir");
        sync_in_pages(&client, &new_mirror(&dir), 50, &quiet)
            .await
            .expect("uncut sync");
        proxy.delivered.load(std::sync::atomic::Ordering::SeqCst)
    };
    // ...then cut it at many points: in the headers, inside a page, near the end.
    for budget in [150, whole / 20, whole / 4, whole / 2, whole * 9 / 10] {
        let proxy = proxy::CuttingProxy::start(upstream.clone(), budget).await;
        let through_proxy = ApiClient::new(&proxy.url, &portal.admin_token).expect("client");
        let dir = tempfile::tempdir().expect("dir");
        let mirror = new_mirror(&dir);
        let cut = sync_in_pages(&through_proxy, &mirror, 50, &quiet).await;
        assert!(cut.is_err(), "budget {budget}: the cut must fail the sync");
        let state = mirror.state().expect("state");
        assert!(
            !state.complete,
            "budget {budget}: a cut sync is not complete"
        );
        // Whatever was applied is whole: every activation in the mirror has all its
        // lines (its license count), and the cursor only moved past applied pages.
        let applied = mirror
            .run(|m| {
                m.activations(&ActivationQuery {
                    per_page: 100,
                    ..ActivationQuery::default()
                })
            })
            .await;
        if let Ok(page) = applied
            && !page.items.is_empty()
        {
            for row in &page.items {
                let detail = mirror.activation(row.number).expect("detail");
                assert_eq!(detail.lines.len() as i64, row.license_count);
            }
        }
        // The link heals: the next sync resumes from the cursor and the mirror equals
        // the portal.
        proxy.heal();
        sync_in_pages(&through_proxy, &mirror, 50, &quiet)
            .await
            .expect("sync after the link heals");
        assert_mirror_matches(&admin, &mirror).await;
        assert_eq!(
            indexes(&dir.path().join("mirror.sqlite")),
            indexes(&portal.db),
            "budget {budget}: indexes rebuilt after the resumed full sync"
        );
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_mirror_follows_the_worker_to_done() {
    let portal = TestPortal::start_worker(crate::support::portal::fast_worker(50)).await;
    let admin = portal.admin();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&admin, &mirror, &quiet).await.expect("full sync");
    wait_for(
        "the mirror sees no activation in progress",
        Duration::from_secs(20),
        || {
            let admin = admin.clone();
            let mirror = mirror.clone();
            async move {
                sync_once(&admin, &mirror, &quiet).await.ok()?;
                let in_progress = mirror
                    .activations(&ActivationQuery {
                        status: Some(ActivationStatus::InProgress),
                        ..ActivationQuery::default()
                    })
                    .ok()?;
                (in_progress.total == 0).then_some(())
            }
        },
    )
    .await;
    assert_mirror_matches(&admin, &mirror).await;
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_queued_bind_whose_answer_was_lost_is_sent_again_and_applied_once() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&admin, &mirror, &quiet).await.expect("full sync");
    let seat = facts.free(1, ORANGEUCE)[0];
    let email = facts.without_seat(1, ORANGEUCE)[0].clone();
    let offline = DataSource::Mirror(MirrorSource {
        client: dead_client(&portal.admin_token),
        mirror: mirror.clone(),
    });
    assert!(matches!(
        offline.bind_seat(seat, &email).await,
        Ok(Written::Queued(_))
    ));

    // The request reaches the portal, but the link drops before any answer arrives.
    let upstream = portal.base.trim_start_matches("http://").to_string();
    let proxy = proxy::CuttingProxy::start(upstream, 0).await;
    let lossy = ApiClient::new(&proxy.url, &portal.admin_token).expect("client");
    let lost = licadm::mirror::sync::flush_outbox(&lossy, &mirror).await;
    assert!(lost.is_err(), "the answer was lost: {lost:?}");
    assert_eq!(mirror.pending().expect("pending").len(), 1, "still queued");

    // Sent again with the same Idempotency-Key: the portal answers as the first time.
    let report = sync_once(&admin, &mirror, &quiet).await.expect("sync");
    assert_eq!(report.flush.sent, 1, "{report:?}");
    assert!(report.flush.conflicts.is_empty(), "{report:?}");
    assert_bound_once(&admin, seat).await;
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_sees_another_organization_gets_a_full_sync() {
    let portal = TestPortal::start().await;
    let token = portal.token(Role::Viewer, &[2], "scope-change@test");
    let client = portal.client(&token);
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&client, &mirror, &quiet)
        .await
        .expect("full sync");
    let only_two = ActivationQuery {
        organization: Some(1),
        ..ActivationQuery::default()
    };
    assert!(
        mirror.activations(&only_two).is_err(),
        "org 1 is not in scope"
    );

    // The operator lets the token see organization 1 too.
    portal
        .execute_behind(
            "INSERT INTO token_organizations (token_id, organization_id)
             SELECT id, ? FROM tokens WHERE label = 'scope-change@test'",
            "INSERT INTO token_organizations (token_id, organization_id)
             SELECT id, $1::bigint FROM tokens WHERE label = 'scope-change@test'",
            1,
        )
        .await;
    // The portal trusts a looked-up token for up to a second (docs/DESIGN.md §4.2):
    // the new scope shows within it, and the first sync that sees it starts over.
    crate::support::portal::wait_for(
        "a sync that sees the wider scope",
        std::time::Duration::from_secs(5),
        || async {
            let report = sync_once(&client, &mirror, &quiet).await.expect("sync");
            report.full.then_some(())
        },
    )
    .await;
    assert_mirror_matches(&client, &mirror).await;
    assert!(mirror.activations(&only_two).expect("org 1 now").total > 0);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_replaced_portal_store_is_mirrored_afresh() {
    let first = TestPortal::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let mirror = new_mirror(&dir);
    sync_once(&first.admin(), &mirror, &quiet)
        .await
        .expect("full sync");

    // The same address now serves another store (restored, re-created): its history
    // reaches past our cursor, so no 410 — only its epoch tells.
    let second = TestPortal::start().await;
    let facts = second.facts();
    let admin = second.admin();
    for (seat, email) in facts
        .free(1, ORANGEUCE)
        .iter()
        .zip(facts.without_seat(1, ORANGEUCE))
        .take(3)
    {
        admin.bind_seat(*seat, email, None).await.expect("bind");
    }
    let report = sync_once(&admin, &mirror, &quiet).await.expect("sync");
    assert!(report.full, "another store means a full sync: {report:?}");
    assert!(report.counts.activations >= 420, "{:?}", report.counts);
    assert_mirror_matches(&admin, &mirror).await;
}
}
