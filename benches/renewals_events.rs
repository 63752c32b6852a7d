//! Issue 16's read targets, over HTTP on loopback next to the same SQL run straight on
//! the store (the floor), and from a mirror's replica:
//!
//! - `GET /devices` (Renewals) at 300 000 organizations' devices: p95 < 20 ms over HTTP,
//!   < 30 ms from the mirror;
//! - `GET /events` first page at 1 000 000 audit records, any filter: p95 < 20 ms;
//! - `why SERIAL` from the mirror at 100 000 activations: < 50 ms.
//!
//! `cargo bench --bench renewals_events` (SQLite, or PostgreSQL with
//! `LICADM_BENCH_DB=postgres://…` on an empty database, e.g. from
//! `benches/pg_cluster.sh start`; env `LICADM_BENCH_ACTIVATIONS`, default 100 000; `LICADM_BENCH_DEVICES`, default 300 000; `LICADM_BENCH_EVENTS`,
//! default 1 000 000; `LICADM_BENCH_REQUESTS` per scenario, default 50). The demo data
//! set of that many activations is topped up with synthetic devices and audit records
//! by SQL (a rare actor and a rare action among them). The mirror figures read a
//! replica opened on a copy of the store (a replica has the portal's schema and reads
//! through `Replica`, the console's mirror code). Prints Markdown tables for
//! docs/BENCHMARKS.md.

use licadm::client::ApiClient;
use licadm::client::devices::DeviceQuery;
use licadm::client::events::EventQuery;
use licadm::client::wire::Role;
use licadm::portal::list_plan::{Dialect, Query};
use licadm::portal::read_plans;
use licadm::portal::replica::Replica;
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::{Duration, Instant};

#[path = "common/floor.rs"]
mod floor;
use floor::{env_usize, ms, percentile, pg_args, sqlite_args};

/// The store itself, for the floor: the portal's own plan, run on a connection of ours.
enum Floor {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl Floor {
    fn dialect(&self) -> Dialect {
        match self {
            Floor::Sqlite(_) => Dialect::Sqlite,
            Floor::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs a plan's query and counts its rows (the floor: the store's work alone).
    async fn rows(&self, query: &Query) -> anyhow::Result<usize> {
        match self {
            Floor::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(&query.sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(sqlite_args(&query.args)))?;
                let mut n = 0;
                while rows.next()?.is_some() {
                    n += 1;
                }
                Ok(n)
            }
            Floor::Postgres(client) => {
                let args = pg_args(&query.args);
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    args.iter().map(|a| a.as_ref() as _).collect();
                Ok(client.query(&query.sql, &refs).await?.len())
            }
        }
    }

    /// Serials on activation lines, newest first, for `why`.
    async fn serials(&self, n: i64) -> anyhow::Result<Vec<String>> {
        let sql = "SELECT serial FROM activation_lines ORDER BY activation_number DESC LIMIT ";
        Ok(match self {
            Floor::Sqlite(conn) => conn
                .prepare(&format!("{sql}{n}"))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
            Floor::Postgres(client) => client
                .query(&format!("{sql}{n}"), &[])
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// [`top_up`] on PostgreSQL, the same rows in its dialect.
async fn top_up_pg(
    client: &tokio_postgres::Client,
    devices: usize,
    events: usize,
) -> anyhow::Result<(usize, usize)> {
    let have: i64 = client
        .query_one("SELECT COUNT(*) FROM organization_devices", &[])
        .await?
        .try_get(0)?;
    let missing = (devices as i64 - have).max(0);
    client
        .execute(
            "INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
             SELECT 1 + floor(random() * 3)::bigint, d.serial, d.model_id, m.vendor,
                    to_char(current_date - 365 + floor(random() * 730)::int, 'YYYY-MM-DD')
               FROM devices d JOIN models m ON m.id = d.model_id
              WHERE NOT EXISTS (SELECT 1 FROM organization_devices o WHERE o.serial = d.serial)
              LIMIT $1",
            &[&missing],
        )
        .await?;
    let have_events: i64 = client
        .query_one("SELECT COUNT(*) FROM audit", &[])
        .await?
        .try_get(0)?;
    let missing_events = (events as i64 - have_events).max(0);
    client
        .execute(
            "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
             SELECT to_char((now() AT TIME ZONE 'UTC') - (($1 - i) * 31) * interval '1 second',
                            'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                    CASE WHEN i % 100000 = 7 THEN 'rare@bench' ELSE 'user' || (i % 200) || '@bench' END,
                    CASE WHEN i % 100000 = 13 THEN 'organization.unblocked'
                         ELSE (ARRAY['activation.created', 'activation.completed', 'activation.failed',
                                     'activation.retried', 'seat.bound', 'seat.unbound',
                                     'emergency.requested', 'purchase.recorded', 'key.activated',
                                     'offer.accepted'])[1 + i % 10] END,
                    CASE i % 4 WHEN 0 THEN 'activation:' || i WHEN 1 THEN 'seat:' || (i % 5000)
                         WHEN 2 THEN 'organization:' || (1 + i % 3) ELSE 'key:' || i END,
                    1 + (i % 3), '{\"status\":\"free\"}', '{\"status\":\"bound\"}', 'bench-' || i
               FROM generate_series(1::bigint, $1) AS i",
            &[&missing_events],
        )
        .await?;
    client.batch_execute("ANALYZE").await?;
    let devices: i64 = client
        .query_one("SELECT COUNT(*) FROM organization_devices", &[])
        .await?
        .try_get(0)?;
    let events: i64 = client
        .query_one("SELECT COUNT(*) FROM audit", &[])
        .await?
        .try_get(0)?;
    Ok((devices as usize, events as usize))
}

fn pairs(params: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    params
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

struct Timing {
    p50: Duration,
    p95: Duration,
}

fn timing(mut samples: Vec<Duration>) -> Timing {
    samples.sort();
    Timing {
        p50: percentile(&samples, 0.5),
        p95: percentile(&samples, 0.95),
    }
}

/// Tops the demo store up to `devices` organizations' devices and `events` audit
/// records, then refreshes the planner's statistics.
fn top_up(db: &std::path::Path, devices: usize, events: usize) -> anyhow::Result<(usize, usize)> {
    let conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let have: i64 = conn.query_row("SELECT COUNT(*) FROM organization_devices", [], |r| {
        r.get(0)
    })?;
    let missing = (devices as i64 - have).max(0);
    let tx = conn.unchecked_transaction()?;
    // Registry devices no organization holds yet, given to organizations 1–3, ends
    // spread over two years around today.
    tx.execute(
        "INSERT INTO organization_devices (organization_id, serial, model_id, vendor, current_until)
         SELECT 1 + (abs(random()) % 3), d.serial, d.model_id, m.vendor,
                date('now', '-365 days', '+' || (abs(random()) % 730) || ' days')
           FROM devices d JOIN models m ON m.id = d.model_id
          WHERE NOT EXISTS (SELECT 1 FROM organization_devices o WHERE o.serial = d.serial)
          LIMIT ?",
        [missing],
    )?;
    let have_events: i64 = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?;
    let missing_events = (events as i64 - have_events).max(0);
    // A year of records, 31 s apart, newest now: 200 actors, ten common actions; one
    // actor (`rare@bench`) and one action (`organization.unblocked`) every 100 000th.
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ((?1 - i) * 31) || ' seconds'),
                CASE WHEN i % 100000 = 7 THEN 'rare@bench' ELSE 'user' || (i % 200) || '@bench' END,
                CASE WHEN i % 100000 = 13 THEN 'organization.unblocked'
                     ELSE CASE i % 10 WHEN 0 THEN 'activation.created' WHEN 1 THEN 'activation.completed'
                          WHEN 2 THEN 'activation.failed' WHEN 3 THEN 'activation.retried'
                          WHEN 4 THEN 'seat.bound' WHEN 5 THEN 'seat.unbound'
                          WHEN 6 THEN 'emergency.requested' WHEN 7 THEN 'purchase.recorded'
                          WHEN 8 THEN 'key.activated' ELSE 'offer.accepted' END END,
                CASE i % 4 WHEN 0 THEN 'activation:' || i WHEN 1 THEN 'seat:' || (i % 5000)
                     WHEN 2 THEN 'organization:' || (1 + i % 3) ELSE 'key:' || i END,
                1 + (i % 3), '{\"status\":\"free\"}', '{\"status\":\"bound\"}', 'bench-' || i
           FROM n",
        [missing_events],
    )?;
    tx.commit()?;
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")?;
    let devices: i64 = conn.query_row("SELECT COUNT(*) FROM organization_devices", [], |r| {
        r.get(0)
    })?;
    let events: i64 = conn.query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?;
    Ok((devices as usize, events as usize))
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let activations = env_usize("LICADM_BENCH_ACTIVATIONS", 100_000);
    let devices = env_usize("LICADM_BENCH_DEVICES", 300_000);
    let events = env_usize("LICADM_BENCH_EVENTS", 1_000_000);
    let requests = env_usize("LICADM_BENCH_REQUESTS", 50);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let pg_url = std::env::var("LICADM_BENCH_DB")
        .ok()
        .filter(|u| !u.is_empty());
    let backend = if pg_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    // The demo first, then the top-up and fresh statistics, then the portal that serves:
    // its connections plan with statistics of the store as measured.
    let (portal, [admin, one, operator], floor, (devices, events)) = match &pg_url {
        None => {
            drop(Portal::open(&db, Some(DemoOptions { activations }))?);
            let counts = top_up(&db, devices, events)?;
            let portal = Portal::open(&db, None)?;
            let tokens = [
                create_token(&db, Role::Admin, &[], "bench")?,
                create_token(&db, Role::Admin, &[1], "bench-1")?,
                create_token(&db, Role::Operator, &[], "bench-operator")?,
            ];
            let floor = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            (portal, tokens, Floor::Sqlite(floor), counts)
        }
        Some(url) => rt.block_on(async {
            let options = PortalOptions {
                run_worker: false,
                ..PortalOptions::default()
            };
            let portal = Portal::connect(url, Some(DemoOptions { activations }), options).await?;
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            let counts = top_up_pg(&client, devices, events).await?;
            let tokens = [
                portal.create_token(Role::Admin, &[], "bench").await?,
                portal.create_token(Role::Admin, &[1], "bench-1").await?,
                portal
                    .create_token(Role::Operator, &[], "bench-operator")
                    .await?,
            ];
            anyhow::Ok((portal, tokens, Floor::Postgres(client), counts))
        })?,
    };
    eprintln!(
        "{backend}: seeded {activations} activations, {devices} organizations' devices, {events} audit records in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let dialect = floor.dialect();
    let (serials, device_cases) = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let base = format!("http://{addr}");
        let clients = [
            (
                "one organization",
                ApiClient::new(&base, &one)?,
                Some(vec![1]),
            ),
            (
                "three (merged)",
                ApiClient::new(&base, &admin)?,
                Some(vec![1, 2, 3]),
            ),
            ("operator (all)", ApiClient::new(&base, &operator)?, None),
        ];
        let models: Vec<String> = clients[0]
            .1
            .prices()
            .await?
            .into_iter()
            .map(|p| p.model)
            .collect();
        let today = chrono::Utc::now().date_naive();
        let sample = clients[2].1.devices(&DeviceQuery::default()).await?;
        let prefix: String = sample.items[0].serial.chars().take(5).collect();
        let model = sample.items[0].model.clone();
        let device_cases: Vec<(&str, DeviceQuery)> = vec![
            ("default (least time left)", DeviceQuery::default()),
            ("within 30 days", DeviceQuery::within(30, today)),
            (
                "vendor=pp-electro",
                DeviceQuery {
                    vendor: Some("pp-electro".into()),
                    ..Default::default()
                },
            ),
            (
                "model",
                DeviceQuery {
                    model: Some(model.clone()),
                    ..Default::default()
                },
            ),
            (
                "ending_after a year",
                DeviceQuery {
                    ending_after: today.checked_add_days(chrono::Days::new(300)),
                    ..Default::default()
                },
            ),
            (
                "q=5 digits",
                DeviceQuery {
                    q: Some(prefix.clone()),
                    ..Default::default()
                },
            ),
            (
                "sort=serial",
                DeviceQuery {
                    sort: Some("serial".into()),
                    ..Default::default()
                },
            ),
            (
                "sort=-subscription_until",
                DeviceQuery {
                    sort: Some("-subscription_until".into()),
                    ..Default::default()
                },
            ),
        ];
        println!(
            "\n#### `GET /devices` at {devices} organizations' devices ({backend}, 25 a page)\n"
        );
        println!("| scope | filter | page | HTTP p50 | HTTP p95 | floor p95 | ratio |");
        println!("|---|---|---|---:|---:|---:|---:|");
        for (scope_name, client, scope) in &clients {
            for (name, query) in &device_cases {
                // The first page, and a page 40 pages deep (by cursor).
                let mut deep = query.clone();
                for _ in 0..40 {
                    match client.devices(&deep).await?.next {
                        Some(next) => deep.cursor = Some(next),
                        None => break,
                    }
                }
                for (page, q) in [("first", query.clone()), ("41st", deep)] {
                    let mut http = Vec::new();
                    for _ in 0..requests {
                        let t = Instant::now();
                        client.devices(&q).await?;
                        http.push(t.elapsed());
                    }
                    let filter =
                        read_plans::parse_devices(&pairs(q.to_params()), scope.clone(), &models)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                    let plan = read_plans::devices_page_query(&filter, dialect)
                        .ok_or_else(|| anyhow::anyhow!("empty scope"))?;
                    let mut store = Vec::new();
                    for _ in 0..requests {
                        let t = Instant::now();
                        floor.rows(&plan).await?;
                        store.push(t.elapsed());
                    }
                    let (h, f) = (timing(http), timing(store));
                    println!(
                        "| {scope_name} | {name} | {page} | {:.2} | {:.2} | {:.2} | {:.1} |",
                        ms(h.p50),
                        ms(h.p95),
                        ms(f.p95),
                        ms(h.p95) / ms(f.p95).max(0.001)
                    );
                }
            }
        }

        let event_cases: Vec<(&str, EventQuery)> = vec![
            ("none", EventQuery::default()),
            (
                "actor (common)",
                EventQuery {
                    actor: Some("user7@bench".into()),
                    ..Default::default()
                },
            ),
            (
                "actor (rare)",
                EventQuery {
                    actor: Some("rare@bench".into()),
                    ..Default::default()
                },
            ),
            (
                "actor (absent)",
                EventQuery {
                    actor: Some("nobody@bench".into()),
                    ..Default::default()
                },
            ),
            (
                "action (common)",
                EventQuery {
                    action: Some("seat.bound".into()),
                    ..Default::default()
                },
            ),
            (
                "action (rare)",
                EventQuery {
                    action: Some("organization.unblocked".into()),
                    ..Default::default()
                },
            ),
            (
                "actor + action",
                EventQuery {
                    actor: Some("user7@bench".into()),
                    action: Some("activation.retried".into()),
                    ..Default::default()
                },
            ),
            (
                "object_kind=organization",
                EventQuery {
                    object_kind: Some("organization".into()),
                    ..Default::default()
                },
            ),
            (
                "last 7 days",
                EventQuery {
                    from: Some(
                        today
                            .checked_sub_days(chrono::Days::new(6))
                            .unwrap_or(today)
                            .to_string(),
                    ),
                    ..Default::default()
                },
            ),
            (
                "a day a year ago",
                EventQuery {
                    from: Some(
                        today
                            .checked_sub_days(chrono::Days::new(300))
                            .unwrap_or(today)
                            .to_string(),
                    ),
                    to: Some(
                        today
                            .checked_sub_days(chrono::Days::new(300))
                            .unwrap_or(today)
                            .to_string(),
                    ),
                    ..Default::default()
                },
            ),
        ];
        println!(
            "\n#### `GET /events` first page at {events} audit records ({backend}, 25 a page)\n"
        );
        println!("| scope | filter | HTTP p50 | HTTP p95 | floor p95 | ratio |");
        println!("|---|---|---:|---:|---:|---:|");
        for (scope_name, client, scope) in &clients {
            for (name, query) in &event_cases {
                let mut http = Vec::new();
                for _ in 0..requests {
                    let t = Instant::now();
                    client.events(query).await?;
                    http.push(t.elapsed());
                }
                let filter = read_plans::parse_events(&pairs(query.to_params()), scope.clone())
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let plan = read_plans::events_page_query(&filter, dialect)
                    .ok_or_else(|| anyhow::anyhow!("empty scope"))?;
                let mut store = Vec::new();
                for _ in 0..requests {
                    let t = Instant::now();
                    floor.rows(&plan).await?;
                    store.push(t.elapsed());
                }
                let (h, f) = (timing(http), timing(store));
                println!(
                    "| {scope_name} | {name} | {:.2} | {:.2} | {:.2} | {:.1} |",
                    ms(h.p50),
                    ms(h.p95),
                    ms(f.p95),
                    ms(h.p95) / ms(f.p95).max(0.001)
                );
            }
        }
        // Serials on activation lines, for `why`.
        let serials = floor.serials(200).await?;
        anyhow::Ok((serials, device_cases))
    })?;
    if pg_url.is_some() {
        // The mirror is SQLite whatever the portal's store: its figures are the SQLite
        // run's.
        return Ok(());
    }

    // The mirror: a replica on a copy of the store, read through the console's code.
    let copy = dir.path().join("mirror.sqlite");
    std::fs::copy(&db, &copy)?;
    let replica = Replica::open(&copy).map_err(|e| anyhow::anyhow!("{e}"))?;
    replica.analyze().map_err(|e| anyhow::anyhow!("{e}"))?;
    let scope = [1, 2, 3];
    println!("\n#### From the mirror (a replica of the same store, `Replica`, 25 a page)\n");
    println!("| read | p50 | p95 |");
    println!("|---|---:|---:|");
    for (name, query) in &device_cases {
        let mut samples = Vec::new();
        for _ in 0..requests {
            let t = Instant::now();
            replica
                .devices(&scope, query)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
        }
        let t = timing(samples);
        println!("| devices · {name} | {:.2} | {:.2} |", ms(t.p50), ms(t.p95));
    }
    for (name, query) in [
        ("events · none", EventQuery::default()),
        (
            "events · actor (rare)",
            EventQuery {
                actor: Some("rare@bench".into()),
                ..Default::default()
            },
        ),
        (
            "events · action (rare)",
            EventQuery {
                action: Some("organization.unblocked".into()),
                ..Default::default()
            },
        ),
    ] {
        let mut samples = Vec::new();
        for _ in 0..requests {
            let t = Instant::now();
            replica
                .events(&scope, &query)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            samples.push(t.elapsed());
        }
        let t = timing(samples);
        println!("| {name} | {:.2} | {:.2} |", ms(t.p50), ms(t.p95));
    }
    let mut samples = Vec::new();
    let mut lines = 0;
    for serial in serials
        .iter()
        .cycle()
        .take(requests.max(serials.len().min(200)))
    {
        let t = Instant::now();
        let story = replica
            .serial_story(serial)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        samples.push(t.elapsed());
        lines += story.lines.len();
    }
    let count = samples.len();
    let t = timing(samples);
    println!(
        "| why SERIAL ({count} serials, {lines} lines with their history; {activations} activations) | {:.2} | {:.2} |",
        ms(t.p50),
        ms(t.p95)
    );
    Ok(())
}
