//! N portals on one PostgreSQL (issue 11), part 2: the worker's claims and leases, the
//! change feed under concurrent writers, contention answered 503, N portals starting
//! at once, and health when the database goes away. Part 1 is `postgres.rs`.

use super::postgres_support::{ORANGEUCE, another_portal, status, three_portals};
use crate::support::pg;
use crate::support::portal::{Backend, TestPortal, fast_worker, no_worker, on_backend, wait_for};
use licadm::client::ApiClient;
use licadm::client::feed::Change;
use licadm::client::wire::Role;
use licadm::domain::ActivationStatus;
use licadm::portal::{DemoOptions, Portal, PortalOptions, demo_serials};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// Three portals' workers on one queue: every activation is completed exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_of_three_portals_complete_each_activation_once() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(fast_worker(0)).await;
        let serials = demo_serials(&portal.db, 10).expect("serials");
        let ok = serials.ok.get("pay-kiosk").expect("serials").clone();
        let mut created = Vec::new();
        for (i, serial) in ok.iter().take(10).enumerate() {
            let key = licadm::client::new_idempotency_key();
            let answer = clients[i % 3]
                .create_activations(1, std::slice::from_ref(serial), &key)
                .await
                .expect("created");
            created.extend(answer.activations.iter().map(|s| s.number));
        }
        let admin = clients[0].clone();
        for number in &created {
            let admin = admin.clone();
            let number = *number;
            wait_for("the activation done", Duration::from_secs(30), || {
                let admin = admin.clone();
                async move {
                    let detail = admin.activation(number).await.ok()?;
                    (detail.summary.status == ActivationStatus::Done).then_some(())
                }
            })
            .await;
            let history = admin
                .audit(&format!("activation:{number}"), 1, 50)
                .await
                .expect("audit");
            let completions = history
                .items
                .iter()
                .filter(|e| e.action == "activation.completed")
                .count();
            assert_eq!(completions, 1, "activation {number}: {:?}", history.items);
        }
    })
    .await
}

/// A portal killed while holding claims: its claims pass to another portal's worker
/// once the lease ran out — not before.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_portals_claim_is_taken_over_after_its_lease() {
    on_backend(Backend::Postgres, async {
        let portal = TestPortal::start_full(DemoOptions::default(), no_worker()).await;
        let url = portal.pg_url.clone().expect("PostgreSQL");
        let serials = demo_serials(&portal.db, 2).expect("serials");
        let ok = serials.ok.get("pay-kiosk").expect("serials").clone();
        let key = licadm::client::new_idempotency_key();
        let created = portal
            .admin()
            .create_activations(1, &ok[..1], &key)
            .await
            .expect("created");
        let number = created.activations[0].number;
        // What a portal killed with `kill -9` right after claiming leaves behind.
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        let driver = tokio::spawn(connection);
        client
            .execute(
                "INSERT INTO activation_claims (number, claimed_by, lease_until)
                 VALUES ($1, 'killed-portal', now() + interval '3 seconds')",
                &[&number],
            )
            .await
            .expect("a dead portal's claim");
        let started = std::time::Instant::now();
        let worker = another_portal(
            &url,
            PortalOptions {
                worker_lease: Duration::from_secs(1),
                ..fast_worker(0)
            },
        )
        .await;
        let admin = ApiClient::new(&worker.base, &portal.admin_token).expect("client");
        let done_after = wait_for("the takeover", Duration::from_secs(20), || {
            let admin = admin.clone();
            async move {
                let detail = admin.activation(number).await.ok()?;
                (detail.summary.status == ActivationStatus::Done).then(|| started.elapsed())
            }
        })
        .await;
        assert!(
            done_after >= Duration::from_millis(2_500),
            "completed after {done_after:?}, before the dead portal's lease ran out"
        );
        drop(client);
        let _ = driver.await;
    })
    .await
}

/// Writers on three portals while a mirror syncs continuously: at the end the mirror's
/// objects equal a fresh full sync, object by object — no committed change was skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_feed_never_skips_a_change_under_concurrent_writers_on_three_portals() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(no_worker()).await;
        let facts = portal.facts();
        let free: Vec<i64> = facts.free(1, ORANGEUCE).to_vec();
        let users: Vec<String> = facts.without_seat(1, ORANGEUCE).to_vec();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut writers = Vec::new();
        // Seats bound and unbound over and over, and new activations, each created
        // once: a skipped creation can never be repaired by a later change.
        for w in 0..4usize {
            let client = clients[w % 3].clone();
            let (seat, email) = (free[w % free.len()], users[w % users.len()].clone());
            let stop = stop.clone();
            writers.push(tokio::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = client.bind_seat(seat, &email, None).await;
                    let _ = client.unbind_seat(seat, None).await;
                }
            }));
        }
        let serials = demo_serials(&portal.db, 3_000).expect("serials");
        let mut ok: Vec<String> = serials.ok.values().flatten().cloned().collect();
        ok.sort();
        let per_writer = ok.len() / 8;
        for w in 0..8usize {
            let client = clients[w % 3].clone();
            let mine: Vec<String> = ok[w * per_writer..(w + 1) * per_writer].to_vec();
            let stop = stop.clone();
            writers.push(tokio::spawn(async move {
                for serial in mine {
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let key = licadm::client::new_idempotency_key();
                    let _ = client.create_activations(1, &[serial], &key).await;
                }
            }));
        }
        let mirror_client = clients[1].clone();
        let mut mirror: BTreeMap<String, String> = BTreeMap::new();
        let mut cursor = 0;
        let deadline = std::time::Instant::now() + Duration::from_secs(8);
        let apply = |mirror: &mut BTreeMap<String, String>, changes: Vec<Change>| {
            for change in changes {
                let (key, value) = object_of(&change);
                match value {
                    Some(value) => mirror.insert(key, value),
                    None => mirror.remove(&key),
                };
            }
        };
        while std::time::Instant::now() < deadline {
            let page = mirror_client
                .changes(cursor, 500, None)
                .await
                .expect("page");
            cursor = page.cursor;
            apply(&mut mirror, page.changes);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for writer in writers {
            writer.await.expect("writer");
        }
        loop {
            let page = mirror_client
                .changes(cursor, 500, None)
                .await
                .expect("page");
            cursor = page.cursor;
            let more = page.more;
            apply(&mut mirror, page.changes);
            if !more {
                break;
            }
        }
        let mut fresh = BTreeMap::new();
        let mut since = 0;
        loop {
            let page = clients[2]
                .changes(since, 5000, None)
                .await
                .expect("full sync");
            since = page.cursor;
            let more = page.more;
            apply(&mut fresh, page.changes);
            if !more {
                break;
            }
        }
        let differing: Vec<&String> = fresh
            .keys()
            .chain(mirror.keys())
            .filter(|k| fresh.get(*k) != mirror.get(*k))
            .collect();
        assert!(
            differing.is_empty(),
            "the mirror missed changes of {differing:?}"
        );
    })
    .await
}

/// (kind:key, JSON of the object or None when deleted).
fn object_of(change: &Change) -> (String, Option<String>) {
    let json = |v: &dyn erased::Json| Some(v.json());
    match change {
        Change::Organization(o) => (format!("organization:{}", o.id), json(o)),
        Change::Product(p) => (format!("product:{}", p.id), json(p)),
        Change::Price(p) => (format!("price:{}", p.id), json(p)),
        Change::Activation(a) => (format!("activation:{}", a.number), json(a)),
        Change::Seat(s) => (format!("seat:{}", s.id), json(s)),
        Change::Capacity(c) => (
            format!("capacity:{}:{}", c.organization, c.product),
            json(c),
        ),
        Change::Invoice(i) => (format!("invoice:{}", i.number), json(i)),
        Change::Device(d) => (format!("device:{}:{}", d.organization, d.serial), json(d)),
        Change::Event(e) => (format!("event:{}", e.id), json(e)),
        Change::Deleted(d) => (format!("{}:{}", d.object.as_str(), d.key), None),
    }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("JSON")
        }
    }
}

/// A write that cannot get its lock within the busy timeout is a 503 with Retry-After,
/// never a 500; once the lock is free the same write succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_held_up_by_a_lock_is_503_busy_with_retry_after() {
    on_backend(Backend::Postgres, async {
        let portal = TestPortal::start_full(
            DemoOptions::default(),
            PortalOptions {
                busy_timeout: Duration::from_millis(200),
                ..no_worker()
            },
        )
        .await;
        let url = portal.pg_url.clone().expect("PostgreSQL");
        let facts = portal.facts();
        let seat = facts.free(1, ORANGEUCE)[0];
        let email = facts.without_seat(1, ORANGEUCE)[0].clone();
        let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        let driver = tokio::spawn(connection);
        let tx = client.transaction().await.expect("begin");
        tx.execute("SELECT id FROM seats WHERE id = $1 FOR UPDATE", &[&seat])
            .await
            .expect("hold the seat's row lock");
        let held = portal
            .raw_post(
                &portal.admin_token,
                &format!("/seats/{seat}/bind"),
                &serde_json::json!({"email": email}),
            )
            .await;
        assert_eq!(held.status(), 503);
        assert!(held.headers().get("retry-after").is_some());
        let body: serde_json::Value = held.json().await.expect("JSON");
        assert_eq!(body["error"]["code"], "busy");
        tx.rollback().await.expect("release");
        let bound = portal.admin().bind_seat(seat, &email, None).await;
        assert_eq!(status(&bound), 200);
        drop(client);
        let _ = driver.await;
    })
    .await
}

/// N portals starting together on an empty database: each migration applied once, the
/// demo data filled once, one signing key for all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn portals_starting_together_migrate_fill_and_key_once() {
    on_backend(Backend::Postgres, async {
        let Some(cluster) = pg::cluster() else { return };
        let url = cluster.create_database();
        let starts: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move {
                    Portal::connect(&url, Some(DemoOptions::default()), no_worker()).await
                })
            })
            .collect();
        let mut keys = HashSet::new();
        let mut filled = 0;
        for start in starts {
            let portal = start.await.expect("task").expect("portal starts");
            filled += usize::from(portal.demo_filled());
            keys.insert(portal.public_key());
        }
        assert_eq!(filled, 1, "one portal fills the demo data");
        assert_eq!(keys.len(), 1, "one signing key: {keys:?}");
        let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        let driver = tokio::spawn(connection);
        let row = client
            .query_one(
                "SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM schema_migrations",
                &[],
            )
            .await
            .expect("count");
        let (applied, distinct, newest): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        assert_eq!(
            (applied, distinct),
            (newest, newest),
            "each migration applied once"
        );
        let organizations: i64 = client
            .query_one("SELECT COUNT(*) FROM organizations", &[])
            .await
            .expect("count")
            .get(0);
        assert_eq!(organizations, 3, "the demo data once");
        drop(client);
        let _ = driver.await;
    })
    .await
}

/// `GET /health` tells whether the store answers: 503 while the database is down, 200
/// again by itself when it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn health_says_when_the_database_is_gone_and_recovers_by_itself() {
    on_backend(Backend::Postgres, async {
        // A cluster of its own: this test stops it.
        let cluster = tokio::task::spawn_blocking(pg::Cluster::start)
            .await
            .expect("task")
            .expect("a cluster of its own");
        let url = cluster.create_database();
        let portal = Portal::connect(&url, Some(DemoOptions::default()), no_worker())
            .await
            .expect("portal");
        let token = portal
            .create_token(Role::Admin, &[], "health")
            .await
            .expect("token");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(portal.serve(listener));
        let http = reqwest::Client::new();
        let health = |http: reqwest::Client, base: String| async move {
            let response = http
                .get(format!("{base}/api/v1/health"))
                .send()
                .await
                .expect("health answers");
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.expect("JSON body");
            (
                status,
                body["status"].as_str().unwrap_or_default().to_string(),
            )
        };
        assert_eq!(health(http.clone(), base.clone()).await, (200, "ok".into()));
        let stopping = &cluster;
        tokio::task::block_in_place(|| stopping.stop());
        assert_eq!(
            health(http.clone(), base.clone()).await,
            (503, "store_unavailable".into())
        );
        let api = ApiClient::new(&base, &token).expect("client");
        assert!(
            api.organizations().await.is_err(),
            "no data while it is down"
        );
        tokio::task::block_in_place(|| stopping.restart());
        wait_for("health back to ok", Duration::from_secs(20), || {
            let (http, base) = (http.clone(), base.clone());
            async move { (health(http, base).await.0 == 200).then_some(()) }
        })
        .await;
        assert_eq!(api.organizations().await.expect("back").len(), 3);
        server.abort();
    })
    .await
}
