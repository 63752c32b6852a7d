//! N portals on one PostgreSQL (issue 11), as operators run them: real `licadm serve
//! --db postgres://…` child processes on free loopback ports, not portals in the test's
//! own process. Races over three processes, an idempotent resend to another process,
//! `kill -9` of a process holding claimed work, and the change feed under 3 × 16
//! writers while the real mirror syncs.
//!
//! The database is filled (demo data) by an in-process portal without a worker, which
//! also keeps the SQLite demo source the tests read serials and seats from; no request
//! of these tests reaches it.

use super::postgres_support::{ORANGEUCE, connect, status};
use crate::support::portal::{Backend, TestPortal, no_worker, on_backend, wait_for};
use crate::support::portal_process::PortalProcess;
use licadm::client::ApiClient;
use licadm::domain::ActivationStatus;
use licadm::mirror::Mirror;
use licadm::mirror::sync::sync_once;
use licadm::portal::{DemoOptions, demo_serials};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A filled database and `n` `licadm serve` processes on it, with admin clients.
struct Deployment {
    seed: TestPortal,
    url: String,
    /// Kept so the processes live as long as the test (killed on drop).
    _processes: Vec<PortalProcess>,
    clients: Vec<ApiClient>,
}

async fn deployment(n: usize, args: &[&str]) -> Deployment {
    let seed = TestPortal::start_full(DemoOptions::default(), no_worker()).await;
    let url = seed.pg_url.clone().expect("a PostgreSQL portal");
    let mut processes = Vec::new();
    let mut clients = Vec::new();
    for _ in 0..n {
        let process = start_process(&url, args).await;
        clients.push(ApiClient::new(&process.url, &seed.admin_token).expect("client"));
        processes.push(process);
    }
    Deployment {
        seed,
        url,
        _processes: processes,
        clients,
    }
}

async fn start_process(url: &str, args: &[&str]) -> PortalProcess {
    let (url, args): (String, Vec<String>) = (
        url.to_string(),
        args.iter().map(|a| a.to_string()).collect(),
    );
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        PortalProcess::start_on(&url, &args)
    })
    .await
    .expect("start licadm serve")
}

/// No worker does anything within a test's time.
const IDLE_WORKER: [&str; 2] = ["--worker-delay-ms", "3600000"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_binds_of_one_seat_over_three_processes_have_one_winner() {
    on_backend(Backend::Postgres, async {
        let deployment = deployment(3, &IDLE_WORKER).await;
        let facts = deployment.seed.facts();
        let users: Vec<String> = facts.without_seat(1, ORANGEUCE).to_vec();
        assert!(users.len() >= 2, "demo users without a seat: {users:?}");
        // Several rounds: one lucky interleaving must not hide a race.
        for (round, seat) in facts.free(1, ORANGEUCE).iter().take(3).enumerate() {
            let seat = *seat;
            let tasks: Vec<_> = (0..16)
                .map(|i| {
                    let client = deployment.clients[i % 3].clone();
                    let email = users[(i + round) % users.len()].clone();
                    tokio::spawn(async move { client.bind_seat(seat, &email, None).await })
                })
                .collect();
            let mut statuses = Vec::new();
            for task in tasks {
                statuses.push(status(&task.await.expect("task")));
            }
            assert_eq!(
                statuses.iter().filter(|s| **s == 200).count(),
                1,
                "seat {seat}: {statuses:?}"
            );
            assert!(
                statuses.iter().all(|s| *s == 200 || *s == 409),
                "seat {seat}: {statuses:?}"
            );
            let history = deployment.clients[round % 3]
                .audit(&format!("seat:{seat}"), 1, 50)
                .await
                .expect("audit");
            let binds = history
                .items
                .iter()
                .filter(|e| e.action == "seat.bound")
                .count();
            assert_eq!(binds, 1, "seat {seat}: {:?}", history.items);
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idempotent_create_resent_to_another_process_is_one_result() {
    on_backend(Backend::Postgres, async {
        let deployment = deployment(3, &IDLE_WORKER).await;
        let clients = &deployment.clients;
        let serials = demo_serials(&deployment.seed.db, 8).expect("serials");
        let ok = serials.ok.get("pay-kiosk").expect("serials").clone();
        let serials: Vec<String> = ok[..5].to_vec();
        let (db, driver) = connect(&deployment.url).await;
        let before: i64 = db
            .query_one("SELECT COALESCE(MAX(number), 0) FROM activations", &[])
            .await
            .expect("max")
            .get(0);
        // Resent to another process: the same answer, nothing created twice.
        let key = licadm::client::new_idempotency_key();
        let first = clients[0]
            .create_activations(1, &ok[..2], &key)
            .await
            .expect("created");
        let again = clients[1]
            .create_activations(1, &ok[..2], &key)
            .await
            .expect("replayed");
        assert_eq!(first, again);
        let clash = clients[2].create_activations(1, &ok[2..3], &key).await;
        assert_eq!(status(&clash), 422, "another request under a used key");
        // Sent to all three at the same time: one creation, one answer.
        let key = licadm::client::new_idempotency_key();
        let batch = ok[3..5].to_vec();
        let tasks: Vec<_> = clients
            .iter()
            .map(|client| {
                let (client, key, batch) = (client.clone(), key.clone(), batch.clone());
                tokio::spawn(async move { client.create_activations(1, &batch, &key).await })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.expect("task").expect("created or replayed"));
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
        // Two new activations name these serials (the history may name them too).
        let count: i64 = db
            .query_one(
                "SELECT COUNT(DISTINCT activation_number) FROM activation_lines
                 WHERE serial = ANY($1) AND activation_number > $2",
                &[&serials, &before],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(count, 2, "one activation per idempotency key");
        drop(db);
        let _ = driver.await;
    })
    .await
}

/// A portal process killed with `kill -9` while it holds claims: another process
/// completes every claimed activation once the lease ran out — none lost, none
/// completed twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_portal_killed_holding_claims_has_its_work_completed_by_another_once() {
    on_backend(Backend::Postgres, async {
        const LEASE_MS: u64 = 3_000;
        let lease = LEASE_MS.to_string();
        let worker_args = ["--worker-delay-ms", "0", "--worker-lease-ms", &lease];
        let deployment = deployment(0, &[]).await;
        let url = deployment.url.clone();
        let serials = demo_serials(&deployment.seed.db, 6).expect("serials");
        let ok = serials.ok.get("pay-kiosk").expect("serials").clone();
        let admin = deployment.seed.admin();
        let mut numbers = Vec::new();
        for serial in ok.iter().take(5) {
            let key = licadm::client::new_idempotency_key();
            let created = admin
                .create_activations(1, std::slice::from_ref(serial), &key)
                .await
                .expect("created");
            numbers.extend(created.activations.iter().map(|a| a.number));
        }
        // Hold the first activation's device: the worker that claims the batch is
        // stuck mid-work on it, its claims committed — the moment to kill it.
        let (mut db, driver) = connect(&url).await;
        let hold = db.transaction().await.expect("begin");
        hold.execute(
            "SELECT 1 FROM devices WHERE serial = $1 FOR UPDATE",
            &[&ok[0]],
        )
        .await
        .expect("lock the device");
        let (watch, watch_driver) = connect(&url).await;
        let mut doomed = start_process(&url, &worker_args).await;
        let claimed_by = wait_for("the doomed portal's claims", Duration::from_secs(20), || {
            let (watch, numbers) = (&watch, numbers.clone());
            async move {
                let rows = watch
                    .query(
                        "SELECT DISTINCT claimed_by FROM activation_claims
                         WHERE number = ANY($1) AND lease_until > now()",
                        &[&numbers],
                    )
                    .await
                    .ok()?;
                let claimed: i64 = watch
                    .query_one(
                        "SELECT COUNT(*) FROM activation_claims WHERE number = ANY($1)",
                        &[&numbers],
                    )
                    .await
                    .ok()?
                    .get(0);
                (claimed == numbers.len() as i64 && rows.len() == 1)
                    .then(|| rows[0].get::<_, String>(0))
            }
        })
        .await;
        let in_progress: i64 = watch
            .query_one(
                "SELECT COUNT(*) FROM activations WHERE number = ANY($1) AND status = 'in_progress'",
                &[&numbers],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(in_progress, numbers.len() as i64, "killed mid-work");
        let lease_left: f64 = watch
            .query_one(
                "SELECT EXTRACT(EPOCH FROM (MIN(lease_until) - now()))::float8
                 FROM activation_claims WHERE number = ANY($1)",
                &[&numbers],
            )
            .await
            .expect("lease")
            .get(0);
        doomed.kill_9();
        let killed_at = Instant::now();
        // The takeover portal runs from now; the device is free again.
        let heir = start_process(&url, &worker_args).await;
        hold.rollback().await.expect("release the device");
        let heir_admin = ApiClient::new(&heir.url, &deployment.seed.admin_token).expect("client");
        for number in &numbers {
            let heir_admin = heir_admin.clone();
            let number = *number;
            wait_for("the takeover", Duration::from_secs(30), || {
                let heir_admin = heir_admin.clone();
                async move {
                    let detail = heir_admin.activation(number).await.ok()?;
                    (detail.summary.status == ActivationStatus::Done).then_some(())
                }
            })
            .await;
        }
        let took = killed_at.elapsed();
        assert!(
            took.as_secs_f64() >= lease_left - 0.2,
            "completed {took:?} after the kill, but the dead portal's lease had {lease_left} s left"
        );
        for number in &numbers {
            let history = heir_admin
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
        let left: i64 = watch
            .query_one(
                "SELECT COUNT(*) FROM activation_claims WHERE claimed_by = $1",
                &[&claimed_by],
            )
            .await
            .expect("count")
            .get(0);
        assert_eq!(left, 0, "no claim of the dead portal is left behind");
        drop((db, watch));
        let _ = (driver.await, watch_driver.await);
    })
    .await
}

/// How many writers each of the three processes gets in the feed test.
const WRITERS_PER_PORTAL: usize = 16;
/// How long they write while the mirror syncs.
const FEED_WRITE_TIME: Duration = Duration::from_secs(20);

/// 3 processes × 16 writers for 20 s while the real mirror syncs continuously from
/// one of them: at the end the mirror holds every object exactly as a fresh full sync
/// and as the database itself — no committed change was skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_mirror_misses_nothing_under_three_processes_of_sixteen_writers() {
    on_backend(Backend::Postgres, async {
        let deployment = deployment(3, &IDLE_WORKER).await;
        let facts = deployment.seed.facts();
        let mut seats: Vec<(i64, String)> = Vec::new();
        for org in 1..=3 {
            for product in [ORANGEUCE, "sls"] {
                let free = facts.free(org, product);
                let users = facts.without_seat(org, product);
                seats.extend(
                    free.iter()
                        .zip(users.iter().cycle())
                        .map(|(s, u)| (*s, u.clone())),
                );
            }
        }
        assert!(seats.len() >= 8, "demo seats to bind: {seats:?}");
        let serials = demo_serials(&deployment.seed.db, 5_000).expect("serials");
        let mut ok: Vec<(String, String)> = serials
            .ok
            .iter()
            .flat_map(|(vendor, list)| list.iter().map(move |s| (vendor.clone(), s.clone())))
            .collect();
        ok.sort();
        let stop = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(AtomicU64::new(0));
        let total = 3 * WRITERS_PER_PORTAL;
        let binders = total / 3;
        let creators = total - binders;
        let per_creator = ok.len() / creators;
        assert!(
            per_creator >= 20,
            "{} serials for {creators} writers",
            ok.len()
        );
        let mut writers = Vec::new();
        for w in 0..total {
            let client = deployment.clients[w % 3].clone();
            let (stop, writes) = (stop.clone(), writes.clone());
            if w < binders {
                let (seat, email) = seats[w % seats.len()].clone();
                writers.push(tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        if client.bind_seat(seat, &email, None).await.is_ok() {
                            writes.fetch_add(1, Ordering::Relaxed);
                        }
                        if client.unbind_seat(seat, None).await.is_ok() {
                            writes.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }));
            } else {
                let c = w - binders;
                let mine = ok[c * per_creator..(c + 1) * per_creator].to_vec();
                writers.push(tokio::spawn(async move {
                    // Each serial once: a skipped creation is never repaired by a
                    // later change of the same object.
                    for (_vendor, serial) in mine {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let key = licadm::client::new_idempotency_key();
                        if client.create_activations(1, &[serial], &key).await.is_ok() {
                            writes.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }));
            }
        }
        let dir = tempfile::tempdir().expect("dir");
        let mirror = Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror");
        let mirror_client = deployment.clients[1].clone();
        let deadline = Instant::now() + FEED_WRITE_TIME;
        let mut syncs = 0;
        while Instant::now() < deadline {
            sync_once(&mirror_client, &mirror, &quiet)
                .await
                .expect("a sync under load");
            syncs += 1;
        }
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.await.expect("writer");
        }
        sync_once(&mirror_client, &mirror, &quiet)
            .await
            .expect("the last sync");
        let writes = writes.load(Ordering::Relaxed);
        eprintln!(
            "feed test: {total} writers, {writes} writes in {FEED_WRITE_TIME:?}, {syncs} syncs"
        );
        assert!(writes >= 200, "the writers wrote: {writes}");
        assert!(syncs >= 5, "the mirror synced while they wrote: {syncs}");

        let fresh_dir = tempfile::tempdir().expect("dir");
        let fresh = Mirror::open(&fresh_dir.path().join("mirror.sqlite")).expect("mirror");
        sync_once(&deployment.clients[2], &fresh, &quiet)
            .await
            .expect("a fresh full sync");
        let synced = tables(mirror.path());
        let full = tables(fresh.path());
        assert!(synced.contains_key("activations") && synced.contains_key("seats"));
        for (table, rows) in &full {
            let mine = synced.get(table).expect("the same tables");
            let missing: Vec<&String> = rows.difference(mine).take(5).collect();
            let extra: Vec<&String> = mine.difference(rows).take(5).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{table}: the synced mirror lacks {missing:?} and has stale {extra:?}"
            );
        }
        // And the database itself, object by object.
        let (db, driver) = connect(&deployment.url).await;
        let in_db: BTreeSet<String> = db
            .query(
                "SELECT number::bigint, status::text, license_count::bigint, total_cost::bigint
                 FROM activations",
                &[],
            )
            .await
            .expect("activations")
            .iter()
            .map(|r| {
                format!(
                    "{}|{}|{}|{}",
                    r.get::<_, i64>(0),
                    r.get::<_, String>(1),
                    r.get::<_, i64>(2),
                    r.get::<_, i64>(3)
                )
            })
            .collect();
        let seats_in_db: BTreeSet<String> = db
            .query("SELECT id::bigint, email, valid_until FROM seats", &[])
            .await
            .expect("seats")
            .iter()
            .map(|r| {
                format!(
                    "{}|{:?}|{}",
                    r.get::<_, i64>(0),
                    r.get::<_, Option<String>>(1),
                    r.get::<_, String>(2)
                )
            })
            .collect();
        let conn = rusqlite::Connection::open(mirror.path()).expect("open the mirror");
        let in_mirror: BTreeSet<String> = conn
            .prepare("SELECT number, status, license_count, total_cost FROM activations")
            .expect("prepare")
            .query_map([], |r| {
                Ok(format!(
                    "{}|{}|{}|{}",
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let seats_in_mirror: BTreeSet<String> = conn
            .prepare("SELECT id, email, valid_until FROM seats")
            .expect("prepare")
            .query_map([], |r| {
                Ok(format!(
                    "{}|{:?}|{}",
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?
                ))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let lacking: Vec<&String> = in_db.difference(&in_mirror).take(5).collect();
        assert!(
            lacking.is_empty(),
            "activations the mirror missed: {lacking:?}"
        );
        assert_eq!(in_db.len(), in_mirror.len(), "activations");
        let lacking: Vec<&String> = seats_in_db
            .symmetric_difference(&seats_in_mirror)
            .take(5)
            .collect();
        assert!(lacking.is_empty(), "seats differing: {lacking:?}");
        drop(db);
        let _ = driver.await;
    })
    .await
}

fn quiet(_: licadm::mirror::sync::SyncProgress) {}

/// Every row of the mirror's object tables, rendered, by table.
fn tables(path: &std::path::Path) -> BTreeMap<String, BTreeSet<String>> {
    const OBJECT_TABLES: [&str; 7] = [
        "organizations",
        "products",
        "models",
        "activations",
        "activation_lines",
        "seats",
        "capacity",
    ];
    let conn = rusqlite::Connection::open(path).expect("open the mirror");
    let existing: HashSet<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut out = BTreeMap::new();
    for table in OBJECT_TABLES.iter().filter(|t| existing.contains(**t)) {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table}"))
            .expect("prepare");
        let columns = stmt.column_count();
        let rows: BTreeSet<String> = stmt
            .query_map([], |row| {
                let mut line = Vec::with_capacity(columns);
                for i in 0..columns {
                    line.push(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Text(text) => {
                            format!("{:?}", String::from_utf8_lossy(text))
                        }
                        other => format!("{other:?}"),
                    });
                }
                Ok(line.join("|"))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        out.insert(table.to_string(), rows);
    }
    out
}

/// `licadm serve` with `args`, expected to refuse to start; its stderr.
fn refused_serve(args: &[&str]) -> String {
    let out = std::process::Command::new(crate::support::licadm_bin())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("LICADM_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run licadm serve");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "licadm serve {args:?} started: {}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

/// Two portals started together on an empty database, both with `--signing-key FILE`:
/// both publish the file's public key and every license file either signs verifies
/// with it. A malformed or world-readable file, or another key on that database, is
/// refused with a message saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn portals_given_one_signing_key_file_sign_with_that_one_key() {
    use base64::Engine;
    use std::os::unix::fs::PermissionsExt;
    on_backend(Backend::Postgres, async {
        let Some(cluster) = crate::support::pg::cluster() else {
            return;
        };
        let url = cluster.create_database();
        let dir = tempfile::tempdir().expect("dir");
        let secret: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11));
        let expected = licadm::domain::license::encode_public_key(
            &ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key(),
        );
        let write_key = |name: &str, contents: &[u8], mode: u32| {
            let path = dir.path().join(name);
            std::fs::write(&path, contents).expect("write the key file");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
            path.to_string_lossy().to_string()
        };
        let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let file = write_key("deployment.key", format!("{base64}\n").as_bytes(), 0o600);
        let raw_file = write_key("deployment.raw", &secret, 0o600);
        let args = |key: &str| -> Vec<String> {
            ["--demo", "--signing-key", key]
                .iter()
                .map(|a| a.to_string())
                .collect()
        };
        let (a, b) = {
            let (ua, ub) = (url.clone(), url.clone());
            let (aa, ab) = (args(&file), args(&raw_file));
            tokio::join!(
                tokio::task::spawn_blocking(move || {
                    let args: Vec<&str> = aa.iter().map(String::as_str).collect();
                    PortalProcess::start_on(&ua, &args)
                }),
                tokio::task::spawn_blocking(move || {
                    let args: Vec<&str> = ab.iter().map(String::as_str).collect();
                    PortalProcess::start_on(&ub, &args)
                })
            )
        };
        let (a, b) = (a.expect("portal a"), b.expect("portal b"));
        let token = tokio::task::block_in_place(|| a.token("admin", &[]));
        let key = licadm::domain::license::decode_public_key(&expected).expect("key");
        let done = ApiClient::new(&a.url, &token)
            .expect("client")
            .activations(&licadm::client::wire::ActivationQuery {
                status: Some(ActivationStatus::Done),
                per_page: 10,
                ..Default::default()
            })
            .await
            .expect("done activations")
            .items;
        assert!(!done.is_empty(), "the demo has done activations");
        for portal in [&a, &b] {
            let client = ApiClient::new(&portal.url, &token).expect("client");
            assert_eq!(
                client.signing_key().await.expect("signing key").public_key,
                expected,
                "{} publishes the file's key",
                portal.url
            );
            for activation in &done {
                let file = client
                    .license_file(activation.number)
                    .await
                    .expect("license file");
                licadm::domain::license::verify(&file.contents, &key)
                    .unwrap_or_else(|e| panic!("{} of {}: {e}", file.file_name, portal.url));
            }
        }
        // Refusals, each naming its cause.
        let exposed = write_key("exposed.key", base64.as_bytes(), 0o644);
        let stderr = tokio::task::block_in_place(|| {
            refused_serve(&["--db", &url, "--signing-key", &exposed])
        });
        assert!(
            stderr.contains("readable or writable by others"),
            "{stderr}"
        );
        let malformed = write_key("short.key", b"c2hvcnQ=\n", 0o600);
        let stderr = tokio::task::block_in_place(|| {
            refused_serve(&["--db", &url, "--signing-key", &malformed])
        });
        assert!(
            stderr.contains("not a 32-byte ed25519 secret key"),
            "{stderr}"
        );
        let other = write_key("other.key", &[9u8; 32], 0o600);
        let stderr =
            tokio::task::block_in_place(|| refused_serve(&["--db", &url, "--signing-key", &other]));
        assert!(
            stderr.contains("already signs licenses with another key")
                && stderr.contains(&expected),
            "{stderr}"
        );
    })
    .await
}
