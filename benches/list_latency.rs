//! List query latency over HTTP on loopback at 100 000 activations.
//!
//! `cargo bench --bench list_latency` (env `LICADM_BENCH_ACTIVATIONS` to change the
//! scale, `LICADM_BENCH_REQUESTS` the requests per scenario). Prints p50/p95/max per
//! scenario; the figures go into docs/BENCHMARKS.md.
//!
//! `LICADM_BENCH_DB=postgres://user@host/db` runs the same scenarios on PostgreSQL (an
//! empty database, filled with the same demo data; `benches/pg_cluster.sh` starts a
//! throwaway cluster and prints such a URL). Without it: a temporary SQLite store.

use licadm::client::ApiClient;
use licadm::client::wire::{ActivationQuery, ActivationSort, ActivationSortKey, Role};
use licadm::domain::{ActivationStatus, Vendor};
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful — run only
    // when asked so `cargo test` stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let activations = env_usize("LICADM_BENCH_ACTIVATIONS", 100_000);
    let requests = env_usize("LICADM_BENCH_REQUESTS", 200);
    let dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let (portal, token) = match std::env::var("LICADM_BENCH_DB") {
        Ok(url) if !url.is_empty() => rt.block_on(async {
            let options = PortalOptions {
                run_worker: false,
                ..PortalOptions::default()
            };
            let portal = Portal::connect(&url, Some(DemoOptions { activations }), options).await?;
            let token = portal.create_token(Role::Admin, &[], "bench").await?;
            eprintln!("backend: PostgreSQL");
            anyhow::Ok((portal, token))
        })?,
        _ => {
            let db = dir.path().join("bench.sqlite");
            let portal = Portal::open(&db, Some(DemoOptions { activations }))?;
            eprintln!("backend: SQLite");
            (portal, create_token(&db, Role::Admin, &[], "bench")?)
        }
    };
    eprintln!(
        "seeded {activations} activations in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let client = ApiClient::new(&format!("http://{addr}"), &token)?;
        let first = client.activations(&ActivationQuery::default()).await?;
        let last_page = first.page_count();
        let sample_serial = client.activation(first.items[0].number).await?.lines[0]
            .serial
            .clone();

        let base = ActivationQuery {
            per_page: 25,
            ..ActivationQuery::default()
        };
        let sort = |key, descending| ActivationQuery {
            sort: ActivationSort { key, descending },
            ..base.clone()
        };
        let scenarios: Vec<(String, ActivationQuery)> = vec![
            ("first page".into(), base.clone()),
            (
                format!("deep page ({})", last_page / 2),
                ActivationQuery {
                    page: last_page / 2,
                    ..base.clone()
                },
            ),
            (
                format!("last page ({last_page})"),
                ActivationQuery {
                    page: last_page,
                    ..base.clone()
                },
            ),
            (
                "filter organization".into(),
                ActivationQuery {
                    organization: Some(first.items[0].organization.id),
                    ..base.clone()
                },
            ),
            (
                "filter status=error".into(),
                ActivationQuery {
                    status: Some(ActivationStatus::Error),
                    ..base.clone()
                },
            ),
            (
                "filter status=in_progress".into(),
                ActivationQuery {
                    status: Some(ActivationStatus::InProgress),
                    ..base.clone()
                },
            ),
            (
                "filter vendor=pp-electro".into(),
                ActivationQuery {
                    vendor: Some(Vendor::PpElectro),
                    ..base.clone()
                },
            ),
            (
                "q = activation number".into(),
                ActivationQuery {
                    q: Some((activations / 3).to_string()),
                    ..base.clone()
                },
            ),
            (
                "q = full serial".into(),
                ActivationQuery {
                    q: Some(sample_serial.clone()),
                    ..base.clone()
                },
            ),
            (
                "q = serial prefix (8)".into(),
                ActivationQuery {
                    q: Some(sample_serial[..8].to_string()),
                    ..base.clone()
                },
            ),
            ("sort number".into(), sort(ActivationSortKey::Number, false)),
            ("sort -number".into(), sort(ActivationSortKey::Number, true)),
            (
                "sort total_cost".into(),
                sort(ActivationSortKey::TotalCost, false),
            ),
            (
                "sort -total_cost".into(),
                sort(ActivationSortKey::TotalCost, true),
            ),
            (
                "sort created_at".into(),
                sort(ActivationSortKey::CreatedAt, false),
            ),
            (
                "sort -created_at".into(),
                sort(ActivationSortKey::CreatedAt, true),
            ),
            (
                "status=done + sort -total_cost, deep".into(),
                ActivationQuery {
                    status: Some(ActivationStatus::Done),
                    page: 100,
                    ..sort(ActivationSortKey::TotalCost, true)
                },
            ),
        ];
        println!("| scenario | p50 ms | p95 ms | max ms | total |");
        println!("|---|---:|---:|---:|---:|");
        for (name, query) in scenarios {
            let mut times = Vec::with_capacity(requests);
            let mut total = 0;
            for _ in 0..requests {
                let t = Instant::now();
                let page = client.activations(&query).await?;
                times.push(t.elapsed());
                total = page.total;
            }
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "| {name} | {:.2} | {:.2} | {:.2} | {total} |",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.95)),
                ms(*times.last().unwrap_or(&Duration::ZERO))
            );
        }
        anyhow::Ok(())
    })
}
