//! The offline mirror at scale (docs/DESIGN.md §6, issue 5 targets):
//! - bytes on the wire and time of a first (full) sync of N activations (target for
//!   100 000: under 10 MB and 5 s on loopback), next to the bytes of paging the plain
//!   list endpoint over the same data;
//! - bytes and time of a delta of 100 changed activations (target under 20 KB);
//! - filter + sort + page over the mirrored activations (target under 30 ms);
//! - console start to the first drawn page from the mirror with the portal
//!   unreachable (target under 200 ms), in a real pseudo-terminal.
//!
//! - the console's own first sync, in a pty: time to "online" and its peak RSS
//!   (issue 13: at 1 000 000 activations under 20 s, 50 MB on the wire and 150 MB RSS;
//!   over the window threshold the mirror holds a window, docs/DESIGN.md §6.5).
//!
//! `cargo bench --bench mirror` (env `LICADM_BENCH_SCALE`, default 100000;
//! `LICADM_BENCH_RUNS`, default 10; `LICADM_BENCH_WINDOW_THRESHOLD`, default the
//! console's 200 000). Bytes are counted by a TCP proxy in front of the portal:
//! requests and responses as they cross the socket (headers included).

// Shared with the mirror tests, which cut the link; the bench only counts bytes.
#[allow(dead_code)]
#[path = "../tests/support/proxy.rs"]
mod proxy;
#[path = "../tests/support/mod.rs"]
mod support;

use licadm::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, Role, SeatQuery, SeatStatus,
};
use licadm::client::{ApiClient, install_tls_provider};
use licadm::domain::{ActivationStatus, Vendor};
use licadm::mirror::sync::sync_once;
use licadm::mirror::{Mirror, WindowPolicy};
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn kb(bytes: i64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn median(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let p95 = times[((times.len() as f64 - 1.0) * 0.95).round() as usize];
    (ms(times[times.len() / 2]), ms(p95))
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let scale = env_number("LICADM_BENCH_SCALE", 100_000);
    let runs = env_number("LICADM_BENCH_RUNS", 10);
    let threshold = env_number(
        "LICADM_BENCH_WINDOW_THRESHOLD",
        WindowPolicy::DEFAULT_THRESHOLD as usize,
    );
    let policy = WindowPolicy {
        threshold: threshold as u64,
        ..WindowPolicy::default()
    };
    install_tls_provider();
    let runtime = tokio::runtime::Runtime::new()?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("portal.sqlite");

    let started = Instant::now();
    let portal = Portal::open_with(
        &db,
        Some(DemoOptions { activations: scale }),
        PortalOptions {
            run_worker: false,
            ..PortalOptions::default()
        },
    )?;
    println!(
        "demo store of {scale} activations: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let token = create_token(&db, Role::Admin, &[], "bench")?;

    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let upstream = listener.local_addr()?.to_string();
        tokio::spawn(portal.serve(listener));
        let cache = tempfile::tempdir()?;

        // First sync, through a counting proxy.
        let proxy = proxy::CuttingProxy::start(upstream.clone(), i64::MAX).await;
        let client = ApiClient::new(&proxy.url, &token)?;
        let mirror =
            Mirror::open(&Mirror::path_for(cache.path(), &client))?.with_window_policy(policy);
        let t = Instant::now();
        let report = sync_once(&client, &mirror, &|_| {}).await?;
        let full_time = t.elapsed();
        let (up, down) = proxy.bytes();
        let window = match report.window_from {
            Some(from) => format!("a window from {}", from.format("%d.%m.%Y")),
            None => "everything".to_string(),
        };
        println!(
            "first sync ({window}; threshold {threshold}): {} objects ({} activations) in {:.2} s; on the wire {} down + {} up = {:.2} MB",
            report.counts.total(),
            report.counts.activations,
            full_time.as_secs_f64(),
            kb(down),
            kb(up),
            (up + down) as f64 / 1_048_576.0
        );
        let mirror_file = std::fs::metadata(mirror.path()).map_or(0, |m| m.len());
        println!("  mirror file: {:.1} MB", mirror_file as f64 / 1_048_576.0);

        // Where the time goes: the feed alone (portal + wire + JSON decoding), then
        // writing the same pages into an empty mirror.
        let t = Instant::now();
        let mut pages = Vec::new();
        let mut since = 0;
        loop {
            let page = client
                .changes(since, licadm::client::feed::FEED_MAX_LIMIT, None)
                .await?;
            since = page.cursor;
            let more = page.more;
            pages.push(page);
            if !more {
                break;
            }
        }
        let fetching = t.elapsed();
        let scratch = tempfile::tempdir()?;
        let empty = Mirror::open(&scratch.path().join("m.sqlite"))?;
        let t = Instant::now();
        for page in &pages {
            empty.apply_page(page, chrono::Utc::now())?;
        }
        let writing = t.elapsed();
        println!(
            "  the whole feed without a window: fetching the {} pages {:.2} s, writing them {:.2} s (they overlap in a sync)",
            pages.len(),
            fetching.as_secs_f64(),
            writing.as_secs_f64()
        );
        drop(pages);

        // The plain list endpoint over the same activations (pages of 100, no lines).
        let list_proxy = proxy::CuttingProxy::start(upstream.clone(), i64::MAX).await;
        let list_client = ApiClient::new(&list_proxy.url, &token)?;
        let t = Instant::now();
        let mut page = 1;
        let mut cursor = None;
        loop {
            let got = list_client
                .activations(&ActivationQuery {
                    per_page: 100,
                    cursor: cursor.take(),
                    ..ActivationQuery::default()
                })
                .await?;
            match got.next {
                Some(next) if !got.items.is_empty() => cursor = Some(next),
                _ => break,
            }
            page += 1;
        }
        let (up, down) = list_proxy.bytes();
        println!(
            "paging GET /activations (100 per page, {page} pages, summaries only): {:.2} s; {} down + {} up = {:.2} MB",
            t.elapsed().as_secs_f64(),
            kb(down),
            kb(up),
            (up + down) as f64 / 1_048_576.0
        );

        // A delta of 100 changed activations (the error text changes, as a retry would).
        {
            let conn = rusqlite::Connection::open(&db)?;
            conn.execute(
                "UPDATE activations SET error = 'bench: changed' WHERE number IN
                   (SELECT number FROM activations ORDER BY number DESC LIMIT 100)",
                [],
            )?;
        }
        let (up0, down0) = proxy.bytes();
        let t = Instant::now();
        let delta = sync_once(&client, &mirror, &|_| {}).await?;
        let (up, down) = proxy.bytes();
        println!(
            "delta sync: {} activations changed in {:.1} ms; on the wire {} down + {} up = {}",
            delta.counts.activations,
            ms(t.elapsed()),
            kb(down - down0),
            kb(up - up0),
            kb(down - down0 + up - up0)
        );
        let (up0, down0) = proxy.bytes();
        let t = Instant::now();
        sync_once(&client, &mirror, &|_| {}).await?;
        let (up, down) = proxy.bytes();
        println!(
            "idle sync (nothing changed): {:.1} ms; {}",
            ms(t.elapsed()),
            kb(down - down0 + up - up0)
        );

        // Filter + sort + page over the mirror.
        let queries: Vec<(&str, ActivationQuery)> = vec![
            ("first page, newest first", ActivationQuery::default()),
            (
                "status=done, cost descending, page 3",
                ActivationQuery {
                    status: Some(ActivationStatus::Done),
                    sort: ActivationSort {
                        key: ActivationSortKey::TotalCost,
                        descending: true,
                    },
                    page: 3,
                    ..ActivationQuery::default()
                },
            ),
            (
                "organization 2 + vendor, date ascending, middle page",
                ActivationQuery {
                    organization: Some(2),
                    vendor: Some(Vendor::PpElectro),
                    sort: ActivationSort {
                        key: ActivationSortKey::CreatedAt,
                        descending: false,
                    },
                    page: 40,
                    ..ActivationQuery::default()
                },
            ),
            (
                // NETPAY-FC serials start 0239: about a sixth of all lines match.
                "serial prefix search (q=0239, matches)",
                ActivationQuery {
                    q: Some("0239".into()),
                    ..ActivationQuery::default()
                },
            ),
            (
                "serial prefix search (q=023911, few match)",
                ActivationQuery {
                    q: Some("023911".into()),
                    ..ActivationQuery::default()
                },
            ),
            (
                "last page, cost ascending",
                ActivationQuery {
                    sort: ActivationSort {
                        key: ActivationSortKey::TotalCost,
                        descending: false,
                    },
                    page: (scale / 25) as u32,
                    ..ActivationQuery::default()
                },
            ),
        ];
        for (name, query) in &queries {
            let mut times = Vec::new();
            for _ in 0..50 {
                let t = Instant::now();
                let page = mirror.activations(query)?;
                times.push(t.elapsed());
                std::hint::black_box(page);
            }
            let (median, p95) = median(times);
            println!("mirror query «{name}»: median {median:.2} ms, p95 {p95:.2} ms");
        }
        let mut times = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            let page = mirror.seats(
                &SeatQuery {
                    status: Some(SeatStatus::Free),
                    ..SeatQuery::default()
                },
                chrono::Utc::now(),
            )?;
            times.push(t.elapsed());
            std::hint::black_box(page);
        }
        // Not `median`: that would hide the function from the measurement below.
        let (mid, p95) = median(times);
        println!("mirror seats «free»: median {mid:.2} ms, p95 {p95:.2} ms");

        // The console's own first sync into an empty cache: time to "online" and the
        // process's peak RSS (VmHWM), with the same window policy from a config file.
        {
            let fresh = tempfile::tempdir()?;
            let config = fresh.path().join("config.toml");
            std::fs::write(&config, format!("mirror_window_threshold = {threshold}\n"))?;
            let fresh_cache = fresh.path().join("cache");
            let fresh_cache = fresh_cache.to_string_lossy().to_string();
            let config = config.to_string_lossy().to_string();
            let env = [
                ("LANG", "ru_RU.UTF-8"),
                ("LICADM_CACHE_DIR", fresh_cache.as_str()),
                ("LICADM_CONFIG", config.as_str()),
            ];
            let url = format!("http://{upstream}");
            let args = ["--portal", url.as_str(), "--token", token.as_str()];
            let t = Instant::now();
            let mut console = support::pty::PtyConsole::spawn(&args, &env, 80, 24);
            console.wait_for("the first sync", Duration::from_secs(300), |s| {
                s.contains("в сети ·") && s.contains("синхр.")
            });
            let took = t.elapsed();
            let peak = console
                .pid()
                .and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
                .and_then(|status| {
                    status
                        .lines()
                        .find(|l| l.starts_with("VmHWM:"))
                        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
                })
                .unwrap_or_else(|| "unknown".into());
            println!(
                "console first sync (pty, 80×24): online with data in {:.2} s; peak RSS {peak}",
                took.as_secs_f64()
            );
            console.send("q");
            console.wait_exit(Duration::from_secs(10));
        }

        // Console start from the mirror with the portal unreachable: the proxy the
        // mirror was synced through is gone, so nothing answers on its address.
        let url = proxy.url.clone();
        drop(proxy);
        let cache_dir = cache.path().to_string_lossy().to_string();
        let env = [
            ("LANG", "ru_RU.UTF-8"),
            ("LICADM_CACHE_DIR", cache_dir.as_str()),
        ];
        let args = ["--portal", url.as_str(), "--token", token.as_str()];
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let mut console = support::pty::PtyConsole::spawn(&args, &env, 80, 24);
            console.wait_for("first page from the mirror", Duration::from_secs(20), |s| {
                s.contains("Стр. 1 из") && s.contains('₽')
            });
            times.push(t.elapsed());
            console.send("q");
            console.wait_exit(Duration::from_secs(10));
        }
        let (median, p95) = median(times);
        println!(
            "console start → first page from the mirror, portal unreachable ({runs} runs): median {median:.1} ms, p95 {p95:.1} ms"
        );
        anyhow::Ok(())
    })?;
    Ok(())
}
