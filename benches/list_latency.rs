//! List query latency over HTTP on loopback, next to the same SQL run straight on the
//! store (the floor), for every filter × sort pair at the first, middle and last page,
//! the deep pages and the serial searches of issue 13.
//!
//! `cargo bench --bench list_latency` (env `LICADM_BENCH_ACTIVATIONS`, default 100 000;
//! `LICADM_BENCH_REQUESTS` per scenario, default 50; `LICADM_BENCH_ONLY` a substring of
//! the scenario names to run). `LICADM_BENCH_DB=postgres://…` runs it on PostgreSQL (an
//! empty database; `benches/pg_cluster.sh` starts a throwaway cluster). Prints a
//! Markdown table for docs/BENCHMARKS.md.

use licadm::client::ApiClient;
use licadm::client::wire::{ActivationQuery, ActivationSort, ActivationSortKey, Role};
use licadm::domain::{ActivationStatus, Vendor};
use licadm::portal::list_plan::{
    ActivationFilter, Arg, Dialect, ListPlan, PageCursor, Query, SortValue, TextSearch,
};
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token};
use std::time::Instant;

#[path = "common/floor.rs"]
mod floor;
use floor::{env_usize, ms, percentile, pg_args, sqlite_args};

/// A filter scenario: its name and the organization, status and vendor it sets.
type FilterCase = (
    &'static str,
    Option<i64>,
    Option<ActivationStatus>,
    Option<Vendor>,
);

/// The store itself, for the floor: the portal's own plan, run on a connection of ours.
enum Floor {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl Floor {
    async fn one(&mut self, query: &Query) -> anyhow::Result<i64> {
        Ok(match self {
            Floor::Sqlite(conn) => conn
                .prepare_cached(&query.sql)?
                .query_row(rusqlite::params_from_iter(sqlite_args(&query.args)), |r| {
                    r.get(0)
                })?,
            Floor::Postgres(client) => {
                let args = pg_args(&query.args);
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    args.iter().map(|a| a.as_ref() as _).collect();
                let row = client.query_one(&query.sql, &refs).await?;
                match row.try_get::<_, i64>(0) {
                    Ok(v) => v,
                    Err(_) => i64::from(row.try_get::<_, bool>(0)?),
                }
            }
        })
    }

    async fn one_bool(&mut self, query: &Query) -> anyhow::Result<bool> {
        Ok(match self {
            Floor::Sqlite(conn) => conn
                .prepare_cached(&query.sql)?
                .query_row(rusqlite::params_from_iter(sqlite_args(&query.args)), |r| {
                    r.get(0)
                })?,
            Floor::Postgres(_) => self.one(query).await? != 0,
        })
    }

    /// The rows as (number, total_cost, created_at), the sort values a cursor needs.
    async fn rows(&mut self, query: &Query) -> anyhow::Result<Vec<(i64, i64, String)>> {
        Ok(match self {
            Floor::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(&query.sql)?;
                stmt.query_map(rusqlite::params_from_iter(sqlite_args(&query.args)), |r| {
                    Ok((r.get(0)?, r.get(7)?, r.get(8)?))
                })?
                .collect::<Result<Vec<_>, _>>()?
            }
            Floor::Postgres(client) => {
                let args = pg_args(&query.args);
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    args.iter().map(|a| a.as_ref() as _).collect();
                client
                    .query(&query.sql, &refs)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(7)?, r.try_get(8)?)))
                    .collect::<Result<Vec<_>, tokio_postgres::Error>>()?
            }
        })
    }

    async fn begin(&mut self) -> anyhow::Result<()> {
        match self {
            Floor::Sqlite(conn) => conn.execute_batch("BEGIN")?,
            Floor::Postgres(client) => {
                client
                    .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        }
        Ok(())
    }

    async fn commit(&mut self) -> anyhow::Result<()> {
        match self {
            Floor::Sqlite(conn) => conn.execute_batch("COMMIT")?,
            Floor::Postgres(client) => client.batch_execute("COMMIT").await?,
        }
        Ok(())
    }

    /// Every step the portal runs for one list request, in one snapshot.
    async fn list(&mut self, filter: &ActivationFilter, dialect: Dialect) -> anyhow::Result<usize> {
        self.begin().await?;
        let mut plan = ListPlan::new(filter.clone(), dialect);
        let every = self.one_bool(&plan.scope_query()).await?;
        plan.set_every_organization(every);
        if let Some(lines) = plan.lines_query() {
            let lines = self.one(&lines).await?;
            plan.set_matching_lines(lines);
        }
        let total = self.one(&plan.total_query()).await?;
        let rows = match plan.page_query(total) {
            Ok(Some(page)) => self.rows(&page.query).await?.len(),
            _ => 0,
        };
        self.commit().await?;
        Ok(rows)
    }
}

struct Scenario {
    name: String,
    query: ActivationQuery,
    filter: ActivationFilter,
}

#[derive(Clone, Copy)]
enum Position {
    First,
    /// A cursor at this fraction of the list (row offset), as a client paging there got it.
    At(f64),
    Last,
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful — run only
    // when asked so `cargo test` stays fast.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let activations = env_usize("LICADM_BENCH_ACTIVATIONS", 100_000);
    let requests = env_usize("LICADM_BENCH_REQUESTS", 50);
    let only = std::env::var("LICADM_BENCH_ONLY").unwrap_or_default();
    let dir = tempfile::tempdir()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let pg_url = std::env::var("LICADM_BENCH_DB")
        .ok()
        .filter(|u| !u.is_empty());
    let db = dir.path().join("bench.sqlite");
    let (portal, token) = match &pg_url {
        Some(url) => rt.block_on(async {
            let options = PortalOptions {
                run_worker: false,
                ..PortalOptions::default()
            };
            let portal = Portal::connect(url, Some(DemoOptions { activations }), options).await?;
            let token = portal.create_token(Role::Admin, &[], "bench").await?;
            anyhow::Ok((portal, token))
        })?,
        None => {
            let portal = Portal::open(&db, Some(DemoOptions { activations }))?;
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

    rt.block_on(async move {
        let (mut floor, dialect) = match &pg_url {
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                (Floor::Postgres(client), Dialect::Postgres)
            }
            None => (
                Floor::Sqlite(rusqlite::Connection::open_with_flags(
                    &db,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )?),
                Dialect::Sqlite,
            ),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(portal.serve(listener));
        let client = ApiClient::new(&format!("http://{addr}"), &token)?;
        let first = client.activations(&ActivationQuery::default()).await?;
        let organization = first.items[0].organization.id;
        let sample_serial = client.activation(first.items[0].number).await?.lines[0]
            .serial
            .clone();
        let organizations: Vec<i64> = {
            let mut ids = Vec::new();
            for org in client.organizations().await? {
                ids.push(org.id);
            }
            ids
        };

        let mut scenarios = Vec::new();
        let filters: Vec<FilterCase> = vec![
            ("all", None, None, None),
            ("organization", Some(organization), None, None),
            ("status=error", None, Some(ActivationStatus::Error), None),
            ("status=in_progress", None, Some(ActivationStatus::InProgress), None),
            ("status=done", None, Some(ActivationStatus::Done), None),
            ("vendor=pp-electro", None, None, Some(Vendor::PpElectro)),
            ("organization+status=done", Some(organization), Some(ActivationStatus::Done), None),
            ("organization+vendor", Some(organization), None, Some(Vendor::PpElectro)),
            ("status=done+vendor", None, Some(ActivationStatus::Done), Some(Vendor::PpElectro)),
            (
                "organization+status=error+vendor",
                Some(organization),
                Some(ActivationStatus::Error),
                Some(Vendor::PayKiosk),
            ),
        ];
        let positions = [
            ("first", Position::First),
            ("middle", Position::At(0.5)),
            ("last", Position::Last),
        ];
        for (fname, org, status, vendor) in &filters {
            for key in ActivationSortKey::ALL {
                for descending in [false, true] {
                    let sort = ActivationSort { key, descending };
                    for (pname, position) in positions {
                        scenarios.push((
                            format!("{fname} · {} · {pname}", sort.to_param()),
                            (*org, *status, *vendor, None::<String>, sort, position),
                        ));
                    }
                }
            }
        }
        let created = ActivationSort {
            key: ActivationSortKey::CreatedAt,
            descending: false,
        };
        let by_number = ActivationSort::default();
        scenarios.push((
            "organization+vendor · created_at · row 50 000 (page 2000)".into(),
            (Some(organization), None, Some(Vendor::PpElectro), None, created, Position::At(-50_000.0)),
        ));
        for q in [
            (activations / 3).to_string(),
            sample_serial.clone(),
            sample_serial[..8].to_string(),
            "0239".to_string(),
            "0".to_string(),
        ] {
            scenarios.push((
                format!("q={q} · first"),
                (None, None, None, Some(q.clone()), by_number, Position::First),
            ));
            scenarios.push((
                format!("q={q} · middle"),
                (None, None, None, Some(q), by_number, Position::At(0.5)),
            ));
        }

        println!("{backend}, {activations} activations, {requests} requests per scenario, per_page 25 (ms):");
        println!();
        println!("| scenario | total | HTTP p50 | HTTP p95 | floor p50 | floor p95 | p95 ratio |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        let mut worst: (f64, String) = (0.0, String::new());
        for (name, (org, status, vendor, q, sort, position)) in scenarios {
            if !name.contains(&only) {
                continue;
            }
            let mut query = ActivationQuery {
                organization: org,
                status,
                vendor,
                q: q.clone(),
                sort,
                page: 1,
                per_page: 25,
                cursor: None,
            };
            let head = client.activations(&query).await?;
            let total = head.total;
            match position {
                Position::First => {}
                Position::Last => {
                    query.page = head.page_count();
                }
                Position::At(fraction) => {
                    let offset = if fraction < 0.0 {
                        (-fraction) as u64
                    } else {
                        (total as f64 * fraction) as u64
                    };
                    if offset >= total || head.total_capped && offset > 0 && fraction >= 0.0 {
                        // A capped search: its middle is where page 20 lies.
                        query.page = if head.total_capped { 20 } else { 1 };
                    } else if let Some(cursor) =
                        cursor_at(&mut floor, dialect, &query, &organizations, offset).await?
                    {
                        query.cursor = Some(cursor.encode());
                    }
                }
            }
            let filter = ActivationFilter {
                organizations: org.map_or_else(|| organizations.clone(), |id| vec![id]),
                status,
                vendor,
                search: q.map(TextSearch::NumberOrSerialPrefix),
                sort,
                page: query.page,
                per_page: 25,
                cursor: query.cursor.as_deref().and_then(PageCursor::decode),
            };
            let scenario = Scenario { name, query, filter };
            let mut http = Vec::with_capacity(requests);
            let mut store = Vec::with_capacity(requests);
            for _ in 0..requests {
                let t = Instant::now();
                let page = client.activations(&scenario.query).await?;
                http.push(t.elapsed());
                std::hint::black_box(page);
                let t = Instant::now();
                std::hint::black_box(floor.list(&scenario.filter, dialect).await?);
                store.push(t.elapsed());
            }
            http.sort();
            store.sort();
            let (h50, h95) = (ms(percentile(&http, 0.5)), ms(percentile(&http, 0.95)));
            let (f50, f95) = (ms(percentile(&store, 0.5)), ms(percentile(&store, 0.95)));
            if h95 > worst.0 {
                worst = (h95, scenario.name.clone());
            }
            let shown_total = if head.total_capped {
                format!("{}+", total)
            } else {
                total.to_string()
            };
            println!(
                "| {} | {shown_total} | {h50:.2} | {h95:.2} | {f50:.2} | {f95:.2} | {:.2} |",
                scenario.name,
                h95 / f95.max(0.001)
            );
        }
        println!();
        println!("worst HTTP p95: {:.2} ms ({})", worst.0, worst.1);
        anyhow::Ok(())
    })
}

/// The cursor a client paging forward would hold just before row `offset` of the list,
/// found once with an OFFSET query straight on the store.
async fn cursor_at(
    floor: &mut Floor,
    dialect: Dialect,
    query: &ActivationQuery,
    organizations: &[i64],
    offset: u64,
) -> anyhow::Result<Option<PageCursor>> {
    if offset == 0 {
        return Ok(None);
    }
    let mut sql = String::from(
        "SELECT a.number, 0, 0, 0, 0, 0, 0, a.total_cost, a.created_at FROM activations a WHERE 1 = 1",
    );
    let mut args = Vec::new();
    let mark = |args: &Vec<Arg>| match dialect {
        Dialect::Sqlite => "?".to_string(),
        Dialect::Postgres => format!("${}", args.len()),
    };
    let scope = query
        .organization
        .map_or_else(|| organizations.to_vec(), |id| vec![id]);
    for id in scope.iter().take(1) {
        if scope.len() == 1 {
            args.push(Arg::Int(*id));
            sql += &format!(" AND a.organization_id = {}", mark(&args));
        }
    }
    if let Some(status) = query.status {
        args.push(Arg::Text(status.as_api().into()));
        sql += &format!(" AND a.status = {}", mark(&args));
    }
    if let Some(vendor) = query.vendor {
        args.push(Arg::Text(vendor.id().into()));
        sql += &format!(" AND a.vendor = {}", mark(&args));
    }
    if let Some(q) = &query.q {
        args.push(Arg::Text(q.clone()));
        let from = mark(&args);
        args.push(Arg::Text(format!("{q}:")));
        let to = mark(&args);
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM activation_lines l WHERE l.activation_number = a.number
               AND l.serial >= {from} AND l.serial < {to})"
        );
    }
    let direction = if query.sort.descending { "DESC" } else { "ASC" };
    let column = match query.sort.key {
        ActivationSortKey::Number => "a.number",
        ActivationSortKey::TotalCost => "a.total_cost",
        ActivationSortKey::CreatedAt => "a.created_at",
    };
    args.push(Arg::Int(offset as i64 - 1));
    sql += &format!(
        " ORDER BY {column} {direction}, a.number {direction} LIMIT 1 OFFSET {}",
        mark(&args)
    );
    let rows = floor.rows(&Query { sql, args }).await?;
    Ok(rows.first().map(|(number, cost, created)| PageCursor {
        page: u32::try_from(offset / 25 + 1).unwrap_or(u32::MAX),
        forward: true,
        sort: query.sort,
        value: match query.sort.key {
            ActivationSortKey::Number => SortValue::Int(*number),
            ActivationSortKey::TotalCost => SortValue::Int(*cost),
            ActivationSortKey::CreatedAt => SortValue::Text(created.clone()),
        },
        number: *number,
    }))
}
