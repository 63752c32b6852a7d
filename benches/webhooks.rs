//! Webhook delivery latency, commit → receiver, on loopback (issue 17's target: p95
//! under 1 s with no failures).
//!
//! `cargo bench --bench webhooks` (add `--profile dev` for a debug build: an upper
//! bound, without the release build's minutes of compiling): a demo store, a portal
//! served on loopback with its sender, the tests' receiver (an axum server on
//! 127.0.0.1:0, `tests/support/receiver.rs`) registered for `seat.bound` and
//! `seat.unbound`. `LICADM_BENCH_EVENTS` (default 200) binds and unbinds of one seat,
//! one at a time: each waits until its event arrived before the next is made.
//!
//! The write commits before its answer is sent, so the commit lies between the
//! request's start and its answer: the latency is reported from each end — from the
//! answer (a lower bound) and from the request's start (an upper bound). Floors in the
//! same run: the write's own round trip, and a bare POST of the same size to the
//! receiver. Runs on SQLite, then on a throwaway PostgreSQL cluster when the machine
//! has the server binaries (`LICADM_BENCH_PG=0` skips it).

#[path = "../tests/support/mod.rs"]
mod support;

use licadm::client::webhooks::NewWebhook;
use licadm::client::wire::Role;
use licadm::client::{ApiClient, install_tls_provider, new_idempotency_key};
use licadm::portal::{DemoOptions, Portal, PortalOptions};
use std::time::{Duration, Instant};
use support::receiver::Receiver;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn row(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} |",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
}

async fn run(
    backend: &str,
    portal: Portal,
    db: &std::path::Path,
    events: usize,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(portal.clone().serve(listener));
    let token = portal.create_token(Role::Admin, &[1], "bench@test").await?;
    let admin = ApiClient::new(&base, &token)?;
    let receiver = Receiver::start(vec![]).await;
    admin
        .add_webhook(
            &NewWebhook {
                url: receiver.url.clone(),
                events: vec!["seat.bound".into(), "seat.unbound".into()],
                organization: None,
            },
            &new_idempotency_key(),
        )
        .await?;
    let facts = licadm::portal::demo_facts(db, chrono::Utc::now().date_naive())?;
    let seat = facts.free(1, "orangeuce")[0];
    let email = facts.without_seat(1, "orangeuce")[0].clone();
    let (mut from_start, mut from_answer, mut writes) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..events {
        let started = Instant::now();
        if i % 2 == 0 {
            admin
                .bind_seat(seat, &email, Some(&new_idempotency_key()))
                .await?;
        } else {
            admin
                .unbind_seat(seat, Some(&new_idempotency_key()))
                .await?;
        }
        let answered = Instant::now();
        let got = receiver.wait_for(i + 1, Duration::from_secs(30)).await;
        let arrived = got[i].at;
        from_start.push(arrived.duration_since(started));
        from_answer.push(arrived.saturating_duration_since(answered));
        writes.push(answered.duration_since(started));
    }
    let failed = receiver.got().len() != events;
    // The floor of a delivery: the same body POSTed straight to the receiver.
    let body = receiver.got()[0].body.clone();
    let http = reqwest::Client::new();
    let mut bare = Vec::new();
    for _ in 0..events {
        let started = Instant::now();
        http.post(&receiver.url).body(body.clone()).send().await?;
        bare.push(started.elapsed());
    }
    println!(
        "\n{backend}: {events} events, one at a time{}",
        if failed {
            " — EXTRA REQUESTS ARRIVED"
        } else {
            ""
        }
    );
    println!("| | n | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|");
    row(
        "commit → receiver, from the write's answer (lower bound)",
        from_answer,
    );
    row(
        "commit → receiver, from the write's start (upper bound)",
        from_start,
    );
    row("floor: the write's round trip (bind/unbind)", writes);
    row("floor: a bare POST of the body to the receiver", bare);
    server.abort();
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // Run only under `cargo bench` so `cargo test` stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    install_tls_provider();
    let events: usize = std::env::var("LICADM_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let portal = Portal::open_with(&db, Some(DemoOptions::default()), options)?;
    runtime.block_on(run("SQLite", portal, &db, events))?;
    if std::env::var("LICADM_BENCH_PG").as_deref() != Ok("0")
        && let Some(cluster) = support::pg::cluster()
    {
        let url = cluster.create_database();
        runtime.block_on(async {
            let portal = Portal::connect_postgres_from(&url, &db, options).await?;
            run("PostgreSQL", portal, &db, events).await
        })?;
    }
    Ok(())
}
