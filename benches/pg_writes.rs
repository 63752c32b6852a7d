//! Writes per second with 1, 2 and 3 `licadm serve` processes on one PostgreSQL, and
//! with one on SQLite, and the change feed's lag under that load.
//!
//! `cargo bench --bench pg_writes`: a throwaway cluster (tests/support/pg.rs: the
//! machine's server binaries, fsync off), a fresh database per round filled with the
//! demo data. In each round `LICADM_BENCH_WRITERS` clients (default 16, spread over the
//! portals) write for `LICADM_BENCH_SECONDS` (default 5): half create one-serial
//! activations (each serial once), half bind and unbind their own seat. A feed reader
//! polls `GET /changes` meanwhile (what a mirror's sync does); the lag of an activation
//! is the time from the create's answer to the poll that first returned it (0 when the
//! poll returned it before the answer arrived). The workers are idle (delay 1 h).

#[path = "../tests/support/mod.rs"]
mod support;

use licadm::client::feed::Change;
use licadm::client::wire::Role;
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token, demo_serials};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::portal_process::PortalProcess;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

struct Round {
    creates: u64,
    binds: u64,
    elapsed: Duration,
    lags: Vec<Duration>,
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let writers = env_usize("LICADM_BENCH_WRITERS", 16).max(2);
    let seconds = env_usize("LICADM_BENCH_SECONDS", 5) as u64;
    let cluster = support::pg::Cluster::start().map_err(anyhow::Error::msg)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!(
        "| store | portals | writers | activations created/s | seat binds+unbinds/s | feed lag p50 ms | feed lag p95 ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut rounds: Vec<(&str, usize)> = vec![("SQLite", 1)];
    rounds.extend([("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 3)]);
    for (store, portals) in rounds {
        let dir = tempfile::tempdir()?;
        let source = dir.path().join("demo.sqlite");
        // The demo data set, kept as SQLite to read serials and seats from.
        drop(Portal::open(&source, Some(DemoOptions::default()))?);
        let (db, token) = if store == "SQLite" {
            let token = create_token(&source, Role::Admin, &[], "bench")?;
            (source.to_string_lossy().to_string(), token)
        } else {
            let url = cluster.create_database();
            let options = PortalOptions {
                run_worker: false,
                ..PortalOptions::default()
            };
            let token = rt.block_on(async {
                let portal = Portal::connect_postgres_from(&url, &source, options).await?;
                anyhow::Ok(portal.create_token(Role::Admin, &[], "bench").await?)
            })?;
            (url, token)
        };
        let processes: Vec<PortalProcess> = (0..portals)
            .map(|_| PortalProcess::start_on(&db, &["--worker-delay-ms", "3600000"]))
            .collect();
        let serials = demo_serials(&source, 10_000)?;
        let facts = licadm::portal::demo_facts(&source, chrono::Utc::now().date_naive())?;
        let round = rt.block_on(run_round(
            &processes,
            &token,
            writers,
            Duration::from_secs(seconds),
            serials.ok.values().flatten().cloned().collect(),
            &facts,
        ))?;
        let mut lags = round.lags;
        lags.sort();
        let per_s = |n: u64| n as f64 / round.elapsed.as_secs_f64();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {store} | {portals} | {writers} | {:.0} | {:.0} | {:.1} | {:.1} |",
            per_s(round.creates),
            per_s(round.binds),
            ms(percentile(&lags, 0.5)),
            ms(percentile(&lags, 0.95)),
        );
        drop(processes);
    }
    Ok(())
}

async fn run_round(
    processes: &[PortalProcess],
    token: &str,
    writers: usize,
    duration: Duration,
    mut serials: Vec<String>,
    facts: &licadm::portal::DemoFacts,
) -> anyhow::Result<Round> {
    serials.sort();
    let clients: Vec<ApiClient> = processes
        .iter()
        .map(|p| ApiClient::new(&p.url, token))
        .collect::<Result<_, _>>()?;
    let mut seats: Vec<(i64, String)> = Vec::new();
    for org in 1..=3 {
        for product in ["orangeuce", "sls"] {
            let free = facts.free(org, product);
            let users = facts.without_seat(org, product);
            seats.extend(free.iter().zip(users.iter()).map(|(s, u)| (*s, u.clone())));
        }
    }
    anyhow::ensure!(!seats.is_empty(), "no free seats in the demo data");
    let binders = writers / 2;
    let creators = writers - binders;
    let per_creator = serials.len() / creators;
    let stop = Arc::new(AtomicBool::new(false));
    let (creates, binds) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let answered: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let seen: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    // The feed reader: from the current cursor on, as a synced mirror would be.
    let feed_client = clients[0].clone();
    let mut cursor = feed_client.changes(0, 5000, None).await?.cursor;
    loop {
        let page = feed_client.changes(cursor, 5000, None).await?;
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let reader_stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (stop, seen) = (reader_stop.clone(), seen.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(page) = feed_client.changes(cursor, 1000, None).await else {
                    continue;
                };
                let now = Instant::now();
                cursor = page.cursor;
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                for change in page.changes {
                    if let Change::Activation(a) = change {
                        seen.entry(a.number).or_insert(now);
                    }
                }
            }
        })
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let client = clients[w % clients.len()].clone();
        let (stop, creates, binds) = (stop.clone(), creates.clone(), binds.clone());
        if w < binders {
            let (seat, email) = seats[w % seats.len()].clone();
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if client.bind_seat(seat, &email, None).await.is_ok() {
                        binds.fetch_add(1, Ordering::Relaxed);
                    }
                    if client.unbind_seat(seat, None).await.is_ok() {
                        binds.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        } else {
            let c = w - binders;
            let mine = serials[c * per_creator..(c + 1) * per_creator].to_vec();
            let answered = answered.clone();
            tasks.push(tokio::spawn(async move {
                for serial in mine {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let created = client
                        .create_activations(1, &[serial], &new_idempotency_key())
                        .await;
                    if let Ok(created) = created {
                        let now = Instant::now();
                        creates.fetch_add(1, Ordering::Relaxed);
                        let mut answered = answered.lock().unwrap_or_else(|p| p.into_inner());
                        for a in created.activations {
                            answered.insert(a.number, now);
                        }
                    }
                }
            }));
        }
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    // Let the reader catch up with the last writes before it stops.
    let wait_until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < wait_until {
        let done = {
            let (answered, seen) = (
                answered.lock().unwrap_or_else(|p| p.into_inner()),
                seen.lock().unwrap_or_else(|p| p.into_inner()),
            );
            answered.keys().all(|n| seen.contains_key(n))
        };
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    reader_stop.store(true, Ordering::Relaxed);
    let _ = reader.await;
    let answered = answered.lock().unwrap_or_else(|p| p.into_inner());
    let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
    let lags = answered
        .iter()
        .filter_map(|(n, at)| seen.get(n).map(|s| s.saturating_duration_since(*at)))
        .collect();
    anyhow::ensure!(
        answered.keys().all(|n| seen.contains_key(n)),
        "the feed never showed some created activations"
    );
    Ok(Round {
        creates: creates.load(Ordering::Relaxed),
        binds: binds.load(Ordering::Relaxed),
        elapsed,
        lags,
    })
}
