//! Issuing a month's invoices (issue 17; target: 10 000 organizations × 10
//! activations under 10 s): the monthly job's issue run on a store holding exactly
//! that month, on SQLite and (when its binaries are here) PostgreSQL. The floor is
//! the bare SQL the run cannot avoid, timed on the same store in the same run: the
//! month's totals per organization and its lines copied into scratch tables.
//!
//! `cargo bench --bench invoices` (env `LICADM_BENCH_ORGANIZATIONS`, default 10 000;
//! `LICADM_BENCH_PER_ORGANIZATION`, default 10).

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::{TimeZone, Utc};
use licadm::portal::{Portal, PortalOptions};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const FLOOR_SQL: &str = "
    CREATE TEMP TABLE floor_invoices AS
        SELECT organization_id, SUM(total_cost) AS total, SUM(license_count) AS licenses,
               COUNT(*) AS n
          FROM activations
         WHERE status = 'done' AND completed_at >= '2026-11-01T00:00:00Z'
           AND completed_at < '2026-12-01T00:00:00Z'
         GROUP BY organization_id;
    CREATE TEMP TABLE floor_lines AS
        SELECT organization_id, number, vendor, license_count, total_cost, completed_at
          FROM activations
         WHERE status = 'done' AND completed_at >= '2026-11-01T00:00:00Z'
           AND completed_at < '2026-12-01T00:00:00Z';";

/// Organizations 1..=n, each with `per` activations done in November 2026.
fn fill_sql(organizations: usize, per: usize) -> Vec<String> {
    let mut statements = Vec::new();
    let mut orgs = Vec::new();
    for id in 1..=organizations {
        orgs.push(format!(
            "({id}, 'Организация {id}', '{:010}')",
            7_700_000_000u64 + id as u64
        ));
        if orgs.len() == 1000 {
            statements.push(format!(
                "INSERT INTO organizations (id, name, inn) VALUES {}",
                orgs.join(",")
            ));
            orgs.clear();
        }
    }
    if !orgs.is_empty() {
        statements.push(format!(
            "INSERT INTO organizations (id, name, inn) VALUES {}",
            orgs.join(",")
        ));
    }
    let mut rows = Vec::new();
    let mut number = 0usize;
    for id in 1..=organizations {
        for k in 0..per {
            number += 1;
            let day = 1 + (number % 28);
            let at = format!("2026-11-{day:02}T{:02}:{:02}:00Z", 5 + k % 12, number % 60);
            rows.push(format!(
                "({number}, {id}, 'pay-kiosk', 'done', 2, 580000, '{at}', '{at}')"
            ));
            if rows.len() == 2000 {
                statements.push(format!(
                    "INSERT INTO activations (number, organization_id, vendor, status, license_count, total_cost, created_at, completed_at) VALUES {}",
                    rows.join(",")
                ));
                rows.clear();
            }
        }
    }
    if !rows.is_empty() {
        statements.push(format!(
            "INSERT INTO activations (number, organization_id, vendor, status, license_count, total_cost, created_at, completed_at) VALUES {}",
            rows.join(",")
        ));
    }
    statements
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let organizations = env_usize("LICADM_BENCH_ORGANIZATIONS", 10_000);
    let per = env_usize("LICADM_BENCH_PER_ORGANIZATION", 10);
    let statements = fill_sql(organizations, per);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let options = PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    };
    let now = Utc
        .with_ymd_and_hms(2026, 12, 1, 0, 5, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("bad time"))?;
    println!(
        "| store | organizations × activations | invoices | issue run ms | floor ms | ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|");

    // SQLite.
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("invoices.sqlite");
    let portal = Portal::open_with(&db, None, options)?;
    {
        let mut conn = rusqlite::Connection::open(&db)?;
        let tx = conn.transaction()?;
        for sql in &statements {
            tx.execute_batch(sql)?;
        }
        tx.execute_batch("ANALYZE")?;
        tx.commit()?;
        let started = Instant::now();
        conn.execute_batch(FLOOR_SQL)?;
        let floor = started.elapsed();
        let started = Instant::now();
        let report = rt.block_on(portal.run_invoice_job(now))?;
        let run = started.elapsed();
        let issued: usize = report.issued.iter().map(|(_, n)| n).sum();
        assert_eq!(issued, organizations, "one invoice per organization");
        println!(
            "| SQLite | {organizations} × {per} | {issued} | {:.0} | {:.0} | {:.1} |",
            ms(run),
            ms(floor),
            run.as_secs_f64() / floor.as_secs_f64().max(1e-9)
        );
    }

    // PostgreSQL, when its binaries are here.
    if support::pg::find_bin_dir().is_some() {
        let cluster = support::pg::Cluster::start().map_err(anyhow::Error::msg)?;
        let url = cluster.create_database();
        rt.block_on(async {
            let portal = Portal::connect(&url, None, options).await?;
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
            let driver = tokio::spawn(connection);
            for sql in &statements {
                client.batch_execute(sql).await?;
            }
            client.batch_execute("ANALYZE").await?;
            let started = Instant::now();
            client.batch_execute(FLOOR_SQL).await?;
            let floor = started.elapsed();
            let started = Instant::now();
            let report = portal.run_invoice_job(now).await?;
            let run = started.elapsed();
            let issued: usize = report.issued.iter().map(|(_, n)| n).sum();
            assert_eq!(issued, organizations, "one invoice per organization");
            println!(
                "| PostgreSQL | {organizations} × {per} | {issued} | {:.0} | {:.0} | {:.1} |",
                ms(run),
                ms(floor),
                run.as_secs_f64() / floor.as_secs_f64().max(1e-9)
            );
            drop(client);
            let _ = driver.await;
            Ok::<_, anyhow::Error>(())
        })?;
    } else {
        println!("(no PostgreSQL binaries here: SQLite only)");
    }
    Ok(())
}
