//! The demo data set copied into PostgreSQL (`store/postgres/demo_copy.rs`): every row
//! arrives as it was, text with COPY's separators included; the indexes, keys, foreign
//! keys and triggers the copy sets aside are all back afterwards; and a copy that fails
//! leaves the database as it was, ready for the next start to fill.

use super::postgres_support::connect;
use crate::support::pg;
use crate::support::portal::{Backend, no_worker, on_backend};
use licadm::portal::{DEMO_TABLES, DemoOptions, Portal};
use std::path::Path;

/// A name with each of the bytes COPY's text format escapes, and a quote and Cyrillic.
const HOSTILE_NAME: &str = "ООО «Тест»\tвкладка\\обратная\nстрока\r\"кавычки\" \\N";

/// Every index, constraint and trigger of the schema, with its definition and state.
const SCHEMA: &str = "
    SELECT 'index ' || indexrelid::regclass::text || ': ' || pg_get_indexdef(indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': '
           || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname || ': ' || tgenabled::text
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT 'foreign key checks ' || tgrelid::regclass::text || ': ' || COUNT(*)
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'public'::regnamespace AND t.tgisinternal
     GROUP BY tgrelid
    ORDER BY 1";

/// What `schema` lacks of `expected`, and what it has that `expected` does not.
fn assert_same_schema(schema: &[String], expected: &[String]) {
    let missing: Vec<_> = expected.iter().filter(|s| !schema.contains(s)).collect();
    let extra: Vec<_> = schema.iter().filter(|s| !expected.contains(s)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
}

async fn schema(url: &str) -> Vec<String> {
    let (client, driver) = connect(url).await;
    let rows = client.query(SCHEMA, &[]).await.expect("schema");
    drop(client);
    let _ = driver.await;
    rows.iter().map(|row| row.get(0)).collect()
}

/// A database with the store's schema and no data: what the copy must leave behind
/// (its schema) when it fails.
async fn migrated_only(cluster: &pg::Cluster) -> Vec<String> {
    let url = cluster.create_database();
    let portal = Portal::connect(&url, None, no_worker())
        .await
        .expect("portal migrates an empty database");
    assert!(!portal.demo_filled());
    drop(portal);
    let schema = schema(&url).await;
    assert!(
        schema.iter().filter(|s| s.starts_with("index ")).count() > 40
            && schema
                .iter()
                .any(|s| s.starts_with("trigger activations.track_"))
            && schema.iter().any(|s| s.contains("FOREIGN KEY")),
        "the schema has what the copy sets aside: {schema:#?}"
    );
    schema
}

/// A SQLite store with the demo data set, the source of a copy.
async fn demo_source(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("source.sqlite");
    let open = db.clone();
    tokio::task::spawn_blocking(move || {
        Portal::open_with(&open, Some(DemoOptions::default()), no_worker())
    })
    .await
    .expect("task")
    .expect("the demo source fills");
    db
}

fn sqlite_count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("source");
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_copy_brings_every_row_as_it_was_and_puts_the_schema_back() {
    on_backend(Backend::Postgres, async {
        let Some(cluster) = pg::cluster() else { return };
        let expected_schema = migrated_only(cluster).await;
        let dir = tempfile::tempdir().expect("dir");
        let source = demo_source(dir.path()).await;
        let first_org: i64 = {
            let conn = rusqlite::Connection::open(&source).expect("source");
            conn.execute(
                "UPDATE organizations SET name = ?1 WHERE id = (SELECT MIN(id) FROM organizations)",
                [HOSTILE_NAME],
            )
            .expect("hostile name");
            conn.query_row("SELECT MIN(id) FROM organizations", [], |row| row.get(0))
                .expect("id")
        };
        let url = cluster.create_database();
        let portal = Portal::connect_postgres_from(&url, &source, no_worker())
            .await
            .expect("the copy");
        assert!(portal.demo_filled());
        drop(portal);
        let (client, driver) = connect(&url).await;
        for table in DEMO_TABLES {
            let copied: i64 = client
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .await
                .expect("count")
                .get(0);
            assert_eq!(copied, sqlite_count(&source, table), "rows of {table}");
        }
        let name: String = client
            .query_one(
                "SELECT name FROM organizations WHERE id = $1",
                &[&first_org],
            )
            .await
            .expect("name")
            .get(0);
        assert_eq!(name, HOSTILE_NAME);
        // The counters the copy's statement trigger keeps, as the rows say.
        let miscounted: i64 = client
            .query_one(
                "SELECT COUNT(*) FROM (
                     SELECT organization_id, status, vendor, COUNT(*) AS n FROM activations
                      GROUP BY 1, 2, 3) a
                 FULL JOIN activation_counts c USING (organization_id, status, vendor)
                 WHERE a.n IS DISTINCT FROM NULLIF(c.n, 0)",
                &[],
            )
            .await
            .expect("counters")
            .get(0);
        assert_eq!(miscounted, 0, "activation_counts match the copied rows");
        drop(client);
        let _ = driver.await;
        assert_same_schema(&schema(&url).await, &expected_schema);
    })
    .await
}

/// Every demo table empty and the schema as `expected` says.
async fn assert_untouched(url: &str, expected_schema: &[String]) {
    let (client, driver) = connect(url).await;
    for table in DEMO_TABLES {
        let rows: i64 = client
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .expect("count")
            .get(0);
        assert_eq!(rows, 0, "{table} after the failed copy");
    }
    drop(client);
    let _ = driver.await;
    assert_same_schema(&schema(url).await, expected_schema);
}

/// The source's own foreign-key checks off, to break it on purpose.
fn unchecked(source: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(source).expect("source");
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("the source's own check off");
    conn
}

async fn copy_error(url: &str, source: &Path) -> String {
    match Portal::connect_postgres_from(url, source, no_worker()).await {
        Ok(_) => panic!("a broken source must not be copied"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_that_fails_leaves_the_database_as_it_was_and_the_next_start_fills_it() {
    on_backend(Backend::Postgres, async {
        let Some(cluster) = pg::cluster() else { return };
        let expected_schema = migrated_only(cluster).await;
        let dir = tempfile::tempdir().expect("dir");
        let source = demo_source(dir.path()).await;
        let url = cluster.create_database();

        // An activation whose cost is not a number: the COPY itself refuses it, after
        // the schema was set aside and the tables before it were copied.
        let (number, cost): (i64, i64) = unchecked(&source)
            .query_row(
                "SELECT number, total_cost FROM activations ORDER BY number DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("an activation");
        unchecked(&source)
            .execute(
                "UPDATE activations SET total_cost = 'not a number' WHERE number = ?1",
                [number],
            )
            .expect("bad cost");
        let message = copy_error(&url, &source).await;
        assert!(message.contains("not a number"), "{message}");
        assert_untouched(&url, &expected_schema).await;
        unchecked(&source)
            .execute(
                "UPDATE activations SET total_cost = ?1 WHERE number = ?2",
                [cost, number],
            )
            .expect("cost back");

        // A line of an activation that does not exist: only the foreign key, added
        // back after every row and index is in, refuses it.
        let (owner, serial): (i64, String) = unchecked(&source)
            .query_row(
                "SELECT activation_number, serial FROM activation_lines
                  ORDER BY activation_number, serial LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("a line");
        unchecked(&source)
            .execute(
                "UPDATE activation_lines SET activation_number = 999999999
                  WHERE activation_number = ?1 AND serial = ?2",
                rusqlite::params![owner, serial],
            )
            .expect("orphan line");
        let message = copy_error(&url, &source).await;
        assert!(message.contains("activation"), "{message}");
        assert_untouched(&url, &expected_schema).await;
        unchecked(&source)
            .execute(
                "UPDATE activation_lines SET activation_number = ?1
                  WHERE activation_number = 999999999",
                [owner],
            )
            .expect("line back");

        let portal = Portal::connect_postgres_from(&url, &source, no_worker())
            .await
            .expect("the next start fills");
        assert!(portal.demo_filled());
        drop(portal);
        assert_same_schema(&schema(&url).await, &expected_schema);
    })
    .await
}
