//! Unbind of 1 000 marked seats (issue 16), over HTTP on loopback.
//!
//! `cargo bench --bench bulk_unbind` (or, without a release build, `cargo test --bench
//! bulk_unbind -- --bench`): the demo store (`LICADM_BENCH_ACTIVATIONS`, default 420)
//! with 2 000 more bound seats of organization 1 per run (`LICADM_BENCH_RUNS`, default 1),
//! the worker and the rate limits off, an admin token. Each run does what the console
//! does after `*` and `u` on the Seats list filtered to them: the marks (`GET /seats`,
//! 100 a page by page number), then `POST /seats/unbind` with 100 seats and a fresh
//! `Idempotency-Key` per request, one request after the other (each answer is one
//! progress step of the run window). The floor, in the same run on the other 1 000:
//! one `POST /seats/{id}/unbind` each, as before. Target (the bulk retry's): at most one
//! round trip per 100.

use licadm::client::wire::{Role, SeatQuery, SeatStatus};
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::portal::rate_limit::RateLimits;
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::{Duration, Instant};

const MARKED: usize = 1_000;
/// The seeded seats' ids start here (far above the demo's).
const FIRST_ID: i64 = 1_000_000;

/// Bound seats `from..from + count` of organization 1, e-mails `bench-run-N@…`.
fn seed_seats(db: &std::path::Path, run: usize, from: i64, count: usize) -> anyhow::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO seats (id, organization_id, product_id, email, valid_from, valid_until)
             VALUES (?1, 1, 'orangeuce', ?2, '2026-01-01', '2099-01-01')",
        )?;
        for n in 0..count {
            let id = from + n as i64;
            insert.execute(rusqlite::params![id, format!("bench-{run}-{n}@alster.ru")])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The console's `*` on Seats filtered to this run's seats: every page of 100 by
/// number; the ids and the round trips it took.
async fn mark(client: &ApiClient, run: usize) -> anyhow::Result<(Vec<i64>, usize)> {
    let mut query = SeatQuery {
        organization: Some(1),
        status: Some(SeatStatus::Bound),
        q: Some(format!("bench-{run}-")),
        per_page: 100,
        ..SeatQuery::default()
    };
    let mut ids = Vec::new();
    let mut trips = 0;
    loop {
        let page = client.seats(&query).await?;
        trips += 1;
        let empty = page.items.is_empty();
        ids.extend(page.items.iter().map(|s| s.id));
        if empty || ids.len() as u64 >= page.total {
            break;
        }
        query.page += 1;
    }
    Ok((ids, trips))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    // Run only under `cargo bench` so `cargo test` stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let activations: usize = std::env::var("LICADM_BENCH_ACTIVATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(420);
    let runs: usize = std::env::var("LICADM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let mut options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    // 1 000 single unbinds from one token would be throttled: the floor is the
    // portal's time, not the limiter's.
    options.limits.rate = RateLimits::off();
    let portal = Portal::open_with(&db, Some(DemoOptions { activations }), options)?;
    // Every run's seats before serving: the bulk half, then the one-by-one half.
    for run in 1..=runs {
        let from = FIRST_ID + (run as i64) * 10_000;
        seed_seats(&db, run, from, MARKED)?;
        seed_seats(&db, run + 1_000, from + 5_000, MARKED)?;
    }
    let token = create_token(&db, Role::Admin, &[], "bench")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let client = ApiClient::new(&format!("http://{addr}"), &token)?;
        println!("| run | marks: trips, ms | bulk unbind: trips, ms | unbound | one by one (floor): trips, ms | floor / bulk |");
        println!("|---|---|---|---:|---|---:|");
        for run in 1..=runs {
            let t = Instant::now();
            let (marked, mark_trips) = mark(&client, run).await?;
            let marking = t.elapsed();
            anyhow::ensure!(marked.len() == MARKED, "marked {}", marked.len());

            // `u` confirmed: 100 seats a request, one after the other.
            let t = Instant::now();
            let mut unbound = 0;
            let mut trips = 0;
            for chunk in marked.chunks(100) {
                let answer = client.unbind_many(chunk, &new_idempotency_key()).await?;
                trips += 1;
                unbound += answer.unbound();
            }
            let bulk = t.elapsed();
            anyhow::ensure!(unbound == MARKED, "unbound {unbound}");

            // The floor: the other 1 000, one request each.
            let (single, _) = mark(&client, run + 1_000).await?;
            let t = Instant::now();
            for id in &single {
                client.unbind_seat(*id, Some(&new_idempotency_key())).await?;
            }
            let floor = t.elapsed();
            println!(
                "| {run} | {mark_trips}, {:.0} | {trips}, {:.0} | {unbound} | {}, {:.0} | {:.1} |",
                ms(marking),
                ms(bulk),
                single.len(),
                ms(floor),
                floor.as_secs_f64() / bulk.as_secs_f64()
            );
        }
        anyhow::Ok(())
    })
}
