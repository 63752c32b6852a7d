//! Retry of 1 000 marked activations (issue 16 b), over HTTP on loopback.
//!
//! `cargo bench --bench bulk_retry`: a store with `LICADM_BENCH_ACTIVATIONS` demo
//! activations (default 80 000; about 2 % end in error, so one run; 80 000 more per
//! further run, `LICADM_BENCH_RUNS`), the worker off. Each run takes
//! 1 000 errored activations nobody retried yet and retries them as the console does
//! after `*` and `R`: first the marks (`GET /activations?status=error`, 100 a page,
//! following the cursors), then `POST /activations/retry` with 100 numbers and a fresh
//! `Idempotency-Key` per request, one request after the other (each answer is the
//! console's progress step). The floor, in the same run: the same number retried one
//! `POST /activations/{n}/retry` at a time (the only way before). Target: at most one
//! round trip per 100 and under 3 s. `LICADM_BENCH_DB=postgres://…` runs it on
//! PostgreSQL.

use licadm::client::wire::{ActivationQuery, ActivationSort, ActivationSortKey, Role};
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::domain::ActivationStatus;
use licadm::portal::rate_limit::RateLimits;
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::{Duration, Instant};

const MARKED: usize = 1_000;

/// The first `MARKED` errored activations in number order, read as the console's `*`
/// does (pages of 100 by cursor); the round trips it took. Retried ones are in
/// progress (the worker is off), so each call finds the next ones.
async fn mark(client: &ApiClient) -> anyhow::Result<(Vec<i64>, usize)> {
    let mut query = ActivationQuery {
        status: Some(ActivationStatus::Error),
        sort: ActivationSort {
            key: ActivationSortKey::Number,
            descending: false,
        },
        per_page: 100,
        ..ActivationQuery::default()
    };
    let mut numbers = Vec::new();
    let mut trips = 0;
    while numbers.len() < MARKED {
        let page = client.activations(&query).await?;
        trips += 1;
        numbers.extend(page.items.iter().map(|a| a.number));
        match page.next {
            Some(next) => {
                query.cursor = Some(next);
                query.page += 1;
            }
            None => break,
        }
    }
    numbers.truncate(MARKED);
    anyhow::ensure!(numbers.len() == MARKED, "only {} errored", numbers.len());
    Ok((numbers, trips))
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
        .unwrap_or(80_000);
    // Each run retries 2 000 errored activations (1 000 in bulk, 1 000 one by one).
    let runs: usize = std::env::var("LICADM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let started = Instant::now();
    let mut options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    // 1 000 single retries from one token would be throttled (429, the client waits
    // out Retry-After): the floor is the portal's time, not the limiter's.
    options.limits.rate = RateLimits::off();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // `LICADM_BENCH_DB=postgres://…` (an empty database, e.g. `benches/pg_cluster.sh
    // start`): the same on PostgreSQL.
    let (portal, token) = match std::env::var("LICADM_BENCH_DB")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => rt.block_on(async {
            let portal = Portal::connect(&url, Some(DemoOptions { activations }), options).await?;
            let token = portal.create_token(Role::Support, &[], "bench").await?;
            anyhow::Ok((portal, token))
        })?,
        None => {
            let portal = Portal::open_with(&db, Some(DemoOptions { activations }), options)?;
            (portal, create_token(&db, Role::Support, &[], "bench")?)
        }
    };
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let client = ApiClient::new(&format!("http://{addr}"), &token)?;
        println!("| run | marks: trips, ms | bulk retry: trips, ms | retried | one by one (floor): trips, ms | floor / bulk |");
        println!("|---|---|---|---:|---|---:|");
        for run in 1..=runs {
            // The console's `*`: every errored activation, 100 a request.
            let t = Instant::now();
            let (marked, mark_trips) = mark(&client).await?;
            let marking = t.elapsed();

            // `R` confirmed: 100 numbers a request, one after the other.
            let t = Instant::now();
            let mut retried = 0;
            let mut trips = 0;
            for chunk in marked.chunks(100) {
                let answer = client.retry_many(chunk, &new_idempotency_key()).await?;
                trips += 1;
                retried += answer.retried();
            }
            let bulk = t.elapsed();
            anyhow::ensure!(retried == MARKED, "retried {retried}");

            // The floor: the next 1 000, one request each.
            let (single, _) = mark(&client).await?;
            let t = Instant::now();
            for number in &single {
                client.retry(*number, Some(&new_idempotency_key())).await?;
            }
            let floor = t.elapsed();
            println!(
                "| {run} | {mark_trips}, {:.0} | {trips}, {:.0} | {retried} | {}, {:.0} | {:.1} |",
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
