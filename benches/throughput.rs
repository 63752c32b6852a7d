//! Requests per second as clients are added: 1, 8 and 64 concurrent clients, each its
//! own connection, for `GET /me` and the first page of `GET /activations`, then 16
//! concurrent prechecks of 10 000 serials. The portal runs in this process (release
//! build); the RSS printed is this process's (portal and load generator together) at
//! the end of each step.
//!
//! `cargo bench --bench throughput` (env `LICADM_BENCH_ACTIVATIONS`, default 100 000;
//! `LICADM_BENCH_STORE=FILE` keeps the seeded SQLite store there and reuses it;
//! `LICADM_BENCH_SECONDS` per step, default 5; `LICADM_BENCH_DB=postgres://…` for
//! PostgreSQL, see `benches/pg_cluster.sh`). The portal's rate limits are off (this
//! measures what it can serve, from one address and one token);
//! `LICADM_BENCH_RATE_LIMITS=on` keeps its defaults, to see what they cost;
//! `LICADM_BENCH_ONLY=precheck` runs only the prechecks and their floor;
//! `LICADM_BENCH_SERIALS=scattered` prechecks serials spread over the whole registry
//! instead of a run of neighbours (a shipment), which costs each lookup its own
//! B-tree descent through pages no other serial touches.

use licadm::client::ApiClient;
use licadm::client::wire::{ActivationQuery, Role};
use licadm::portal::rate_limit::RateLimits;
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token, demo_serials};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// This process's resident memory and, in brackets, the part of it that is its own
/// (`RssAnon`): the rest is the store file mapped by SQLite (`mmap_size`), pages of the
/// kernel's cache that every process reading the file shares.
fn rss_mib() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    format!("{:.0} ({:.0})", field("VmRSS:"), field("RssAnon:"))
}

#[derive(Clone, Copy)]
enum Work {
    Me,
    FirstPage,
}

/// `clients` tasks hammering for `seconds`; returns every request's latency.
async fn hammer(
    url: &str,
    token: &str,
    work: Work,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Vec<Duration>> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = ApiClient::new(url, token)?;
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let query = ActivationQuery::default();
            while Instant::now() < deadline {
                let t = Instant::now();
                match work {
                    Work::Me => drop(client.me().await?),
                    Work::FirstPage => drop(client.activations(&query).await?),
                }
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    all.sort();
    Ok(all)
}

/// The order serials are picked in when they should be scattered: by their last four
/// digits first, so the 5 000 of a vendor come from all over its range.
const SCATTERED: &str = "substr(d.serial, 13, 4), d.serial";

/// The SQL that picks 5 000 serials of a vendor that the registry accepts and no open
/// activation holds, in `order`; `$1`/`?1` is the vendor.
fn ok_serials_sql(order: &str, vendor_param: &str) -> String {
    format!(
        "SELECT d.serial FROM devices d JOIN models m ON m.id = d.model_id
          WHERE m.vendor = {vendor_param} AND d.registry_refuses = 0 AND NOT EXISTS (
                SELECT 1 FROM activation_lines l JOIN activations a
                    ON a.number = l.activation_number
                 WHERE l.serial = d.serial AND a.status IN ('in_progress', 'error'))
          ORDER BY {order} LIMIT 5000"
    )
}

/// Scattered serials from a SQLite store (see [`SCATTERED`]).
fn sqlite_scattered_serials(db: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let conn = rusqlite::Connection::open(db)?;
    let mut stmt = conn.prepare(&ok_serials_sql(SCATTERED, "?1"))?;
    let mut serials = Vec::new();
    for vendor in ["pay-kiosk", "pp-electro"] {
        let rows = stmt.query_map([vendor], |row| row.get::<_, String>(0))?;
        for serial in rows {
            serials.push(serial?);
        }
    }
    Ok(serials)
}

/// 5 000 serials of each vendor, in serial order (what `demo_serials` picks from a
/// SQLite store) or scattered.
async fn pg_serials(url: &str, scattered: bool) -> anyhow::Result<Vec<String>> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let driver = tokio::spawn(connection);
    let mut serials = Vec::new();
    for vendor in ["pay-kiosk", "pp-electro"] {
        let order = if scattered { SCATTERED } else { "d.serial" };
        let rows = client
            .query(&ok_serials_sql(order, "$1"), &[&vendor])
            .await?;
        for row in rows {
            serials.push(row.try_get(0)?);
        }
    }
    drop(client);
    driver.await??;
    Ok(serials)
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let activations = env_usize("LICADM_BENCH_ACTIVATIONS", 100_000);
    let seconds = env_usize("LICADM_BENCH_SECONDS", 5) as u64;
    let dir = tempfile::tempdir()?;
    // LICADM_BENCH_STORE: a store seeded before (by this bench or `serve --demo --scale`)
    // is reused as it is, which saves the seeding at 1 000 000.
    let kept = std::env::var_os("LICADM_BENCH_STORE").map(std::path::PathBuf::from);
    let reuse = kept.as_ref().is_some_and(|path| path.exists());
    let db = kept.unwrap_or_else(|| dir.path().join("bench.sqlite"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let pg_url = std::env::var("LICADM_BENCH_DB")
        .ok()
        .filter(|u| !u.is_empty());
    let limits_on = std::env::var("LICADM_BENCH_RATE_LIMITS").is_ok_and(|v| v == "on");
    let precheck_only = std::env::var("LICADM_BENCH_ONLY").is_ok_and(|v| v == "precheck");
    let mut options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    if !limits_on {
        options.limits.rate = RateLimits::off();
    }
    let (portal, token) = match &pg_url {
        Some(url) => rt.block_on(async {
            let portal = Portal::connect(url, Some(DemoOptions { activations }), options).await?;
            let token = portal.create_token(Role::Admin, &[], "bench").await?;
            anyhow::Ok((portal, token))
        })?,
        None => {
            let demo = (!reuse).then_some(DemoOptions { activations });
            let portal = Portal::open_with(&db, demo, options)?;
            (portal, create_token(&db, Role::Admin, &[], "bench")?)
        }
    };
    let backend = if pg_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    eprintln!(
        "{backend}: seeded {activations} activations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Serials for the precheck: the demo's own registry (the SQLite store, or the SQLite
    // twin the PostgreSQL demo was generated in).
    let scattered = std::env::var("LICADM_BENCH_SERIALS").is_ok_and(|v| v == "scattered");
    let serials: Arc<Vec<String>> = Arc::new(match &pg_url {
        None if scattered => sqlite_scattered_serials(&db)?,
        None => {
            let found = demo_serials(&db, 5_000)?;
            found.ok.values().flatten().take(10_000).cloned().collect()
        }
        Some(url) => rt.block_on(pg_serials(url, scattered))?,
    });

    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(portal.clone().serve(listener));
        let limits = if limits_on { "on" } else { "off" };
        let size = if reuse {
            format!("the store {}", db.display())
        } else {
            format!("{activations} activations")
        };
        println!("{backend}, {size}, {seconds} s per step, rate limits {limits}:");
        println!();
        println!("| request | clients | requests/s | p50 ms | p99 ms | RSS MiB (own) |");
        println!("|---|---:|---:|---:|---:|---:|");
        let steps: &[(&str, Work)] = if precheck_only {
            &[]
        } else {
            &[
                ("GET /me", Work::Me),
                ("GET /activations (first page)", Work::FirstPage),
            ]
        };
        for &(name, work) in steps {
            for clients in [1, 8, 64] {
                let times = hammer(&url, &token, work, clients, seconds).await?;
                println!(
                    "| {name} | {clients} | {:.0} | {:.2} | {:.2} | {} |",
                    times.len() as f64 / seconds as f64,
                    percentile(&times, 0.5).as_secs_f64() * 1000.0,
                    percentile(&times, 0.99).as_secs_f64() * 1000.0,
                    rss_mib()
                );
            }
        }
        if serials.len() == 10_000 {
            // The floor: the store's half of one precheck, straight on the store file.
            let today = chrono::Utc::now().date_naive();
            let mut floor = Vec::new();
            for _ in 0..20 {
                let t = Instant::now();
                portal.precheck_in_store(&serials, today).await?;
                floor.push(t.elapsed());
            }
            floor.sort();
            // 16 clients at once, 4 prechecks each. Like wrk, a client sends the bytes
            // and reads the (zstd) answer whole without decoding it: the load generator
            // shares the portal's 2 cores, and decoding 16 answers of ~2.5 MB of JSON
            // would be its work, not the portal's.
            let body = Arc::new(serde_json::to_vec(&serde_json::json!({
                "organization": 1,
                "serials": serials.as_slice(),
            }))?);
            let mut tasks = Vec::new();
            let started = Instant::now();
            for _ in 0..16 {
                let http = reqwest::Client::builder().no_zstd().no_gzip().build()?;
                let (url, token, body) = (url.clone(), token.clone(), Arc::clone(&body));
                tasks.push(tokio::spawn(async move {
                    let mut times = Vec::new();
                    for _ in 0..4 {
                        let t = Instant::now();
                        let answer = http
                            .post(format!("{url}/api/v1/precheck"))
                            .bearer_auth(&token)
                            .header("content-type", "application/json")
                            .header("accept-encoding", "zstd")
                            .body(body.as_ref().clone())
                            .send()
                            .await?
                            .error_for_status()?
                            .bytes()
                            .await?;
                        std::hint::black_box(answer);
                        times.push(t.elapsed());
                    }
                    anyhow::Ok(times)
                }));
            }
            let mut times = Vec::new();
            for task in tasks {
                times.extend(task.await??);
            }
            times.sort();
            let picked = if scattered { "scattered" } else { "a run" };
            println!(
                "| POST /precheck, 10 000 serials ({picked}) | 16 | {:.1} | {:.2} | {:.2} | {} |",
                times.len() as f64 / started.elapsed().as_secs_f64(),
                percentile(&times, 0.5).as_secs_f64() * 1000.0,
                percentile(&times, 0.99).as_secs_f64() * 1000.0,
                rss_mib()
            );
            println!(
                "| precheck floor: the store's half, 10 000 serials ({picked}, one at a time) | 1 | {:.1} | {:.2} | {:.2} | |",
                floor.len() as f64 / floor.iter().sum::<Duration>().as_secs_f64(),
                percentile(&floor, 0.5).as_secs_f64() * 1000.0,
                percentile(&floor, 0.99).as_secs_f64() * 1000.0,
            );
        }
        anyhow::Ok(())
    })
}
