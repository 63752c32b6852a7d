//! Precheck and activation creation at scale, over HTTP on loopback.
//!
//! `cargo bench --bench new_activations`: a store with 100 000 devices (demo data with
//! 33 334 activations), the worker off so it cannot interfere. Precheck of 10 000 ok
//! serials (both vendors) is sent `LICADM_BENCH_REQUESTS` times (default 20); creating
//! activations from 10 000 ok serials is done 5 times, each with fresh serials (created
//! serials become pending). Typed-client times include request encoding, gzip and
//! response decoding; the raw scenario (no gzip, body not decoded) is the portal's time
//! plus loopback.

use licadm::client::wire::Role;
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::domain::PrecheckOutcome;
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token, demo_serials};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>) {
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

fn main() -> anyhow::Result<()> {
    // Run only under `cargo bench` so `cargo test` stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let requests: usize = std::env::var("LICADM_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let pg_url = std::env::var("LICADM_BENCH_DB")
        .ok()
        .filter(|u| !u.is_empty());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let demo = Some(DemoOptions {
        activations: 33_334,
    });
    let options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    const CREATES: usize = 5;
    const SMALL_CREATES: usize = 50;
    let wanted = 5_000 * (CREATES + 1) + SMALL_CREATES;
    let (portal, token, pk, pp) = match &pg_url {
        None => {
            let portal = Portal::open_with(&db, demo, options)?;
            let token = create_token(&db, Role::Admin, &[], "bench")?;
            let mut known = demo_serials(&db, wanted)?;
            let pk = known.ok.remove("pay-kiosk").unwrap_or_default();
            let pp = known.ok.remove("pp-electro").unwrap_or_default();
            (portal, token, pk, pp)
        }
        Some(url) => rt.block_on(async {
            let portal = Portal::connect(url, demo, options).await?;
            let token = portal.create_token(Role::Admin, &[], "bench").await?;
            let pk = pg_ok_serials(url, "pay-kiosk", wanted).await?;
            let pp = pg_ok_serials(url, "pp-electro", wanted).await?;
            anyhow::Ok((portal, token, pk, pp))
        })?,
    };
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    anyhow::ensure!(
        pk.len() >= wanted && pp.len() >= 5_000 * (CREATES + 1),
        "not enough ok serials: {} / {}",
        pk.len(),
        pp.len()
    );
    let batch = |i: usize| -> Vec<String> {
        let range = i * 5_000..(i + 1) * 5_000;
        pk[range.clone()]
            .iter()
            .chain(&pp[range])
            .cloned()
            .collect()
    };

    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let client = ApiClient::new(&format!("http://{addr}"), &token)?;
        println!("| scenario | runs | p50 ms | p95 ms | max ms |");
        println!("|---|---:|---:|---:|---:|");

        let serials = batch(0);
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let t = Instant::now();
            let rows = client.precheck(1, &serials).await?.rows;
            times.push(t.elapsed());
            anyhow::ensure!(rows.len() == 10_000);
            anyhow::ensure!(rows.iter().all(|r| r.outcome == PrecheckOutcome::Ok));
        }
        report("precheck 10 000 ok serials (typed client, gzip)", times);

        // The portal's part: raw HTTP without compression, body read but not decoded.
        let raw = reqwest::Client::builder().no_gzip().build()?;
        let body = serde_json::to_vec(&licadm::client::wire::SerialsRequest {
            organization: 1,
            serials: serials.clone(),
        })?;
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let t = Instant::now();
            let response = raw
                .post(format!("http://{addr}/api/v1/precheck"))
                .bearer_auth(&token)
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
                .await?;
            anyhow::ensure!(response.status() == 200);
            let bytes = response.bytes().await?;
            times.push(t.elapsed());
            anyhow::ensure!(bytes.len() > 1_000_000);
        }
        report("precheck 10 000 ok serials (raw HTTP, no gzip)", times);

        let mut times = Vec::with_capacity(CREATES);
        for i in 1..=CREATES {
            let serials = batch(i);
            let t = Instant::now();
            let created = client
                .create_activations(1, &serials, &new_idempotency_key())
                .await?;
            times.push(t.elapsed());
            anyhow::ensure!(created.activations.len() == 2);
            anyhow::ensure!(
                created
                    .activations
                    .iter()
                    .map(|a| a.license_count)
                    .sum::<i64>()
                    == 10_000
            );
        }
        report("create from 10 000 ok serials", times);

        // Small creates, where the commit's fsync (synchronous=FULL) is most of the cost.
        let single = &pk[5_000 * (CREATES + 1)..][..SMALL_CREATES];
        let mut times = Vec::with_capacity(SMALL_CREATES);
        for serial in single {
            let t = Instant::now();
            let created = client
                .create_activations(1, std::slice::from_ref(serial), &new_idempotency_key())
                .await?;
            times.push(t.elapsed());
            anyhow::ensure!(created.activations.len() == 1);
        }
        report("create from 1 ok serial", times);
        anyhow::Ok(())
    })?;
    match pg_url {
        None => commit_cost(&db),
        Some(_) => Ok(()),
    }
}

/// `count` serials of `vendor` that PostgreSQL's registry accepts and no open activation
/// holds, in serial order: what `demo_serials` picks from a SQLite store.
async fn pg_ok_serials(url: &str, vendor: &str, count: usize) -> anyhow::Result<Vec<String>> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let driver = tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT d.serial FROM devices d JOIN models m ON m.id = d.model_id
              WHERE m.vendor = $1 AND d.registry_refuses = 0
                AND NOT EXISTS (SELECT 1 FROM open_lines o WHERE o.serial = d.serial)
              ORDER BY d.serial LIMIT $2",
            &[&vendor, &(count as i64)],
        )
        .await?;
    let serials = rows
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    drop(client);
    driver.await??;
    Ok(serials)
}

/// What synchronous=FULL costs a commit on this disk, beside NORMAL, measured the same
/// way in the same minute: small IMMEDIATE transactions on the bench store's file
/// (a scratch table, dropped after), alternating the two settings.
fn commit_cost(db: &std::path::Path) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.execute_batch("CREATE TABLE IF NOT EXISTS bench_scratch (n INTEGER)")?;
    let mut full = Vec::new();
    let mut normal = Vec::new();
    for round in 0..200 {
        let mode = if round % 2 == 0 { "FULL" } else { "NORMAL" };
        conn.pragma_update(None, "synchronous", mode)?;
        let t = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO bench_scratch VALUES (1); COMMIT;")?;
        if mode == "FULL" {
            full.push(t.elapsed());
        } else {
            normal.push(t.elapsed());
        }
    }
    conn.execute_batch("DROP TABLE bench_scratch")?;
    report("one small commit, synchronous=FULL", full);
    report("one small commit, synchronous=NORMAL", normal);
    Ok(())
}
