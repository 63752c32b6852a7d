//! The demo fill's own checks.

use super::*;

/// The fill runs with foreign keys off and through a rollback journal: what it
/// wrote must still satisfy every reference, and the store must be back in WAL
/// mode with its checks on.
#[test]
fn a_filled_store_satisfies_every_reference_and_is_back_in_wal_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.sqlite")).expect("store");
    fill(&store, DemoOptions { activations: 3_000 }, Purpose::Serve).expect("fill");
    store
        .blocking(|conn| {
            let broken: Vec<String> = conn
                .prepare("PRAGMA foreign_key_check")?
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            assert!(
                broken.is_empty(),
                "rows with a broken reference in {broken:?}"
            );
            let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            let checks: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            assert_eq!(checks, 1);
            let lines: i64 =
                conn.query_row("SELECT count(*) FROM activation_lines", [], |r| r.get(0))?;
            assert!(lines >= 3_000);
            Ok(())
        })
        .expect("checks");
}

/// A copy source has the same rows as a store to serve, without the list indexes
/// the copy into PostgreSQL never reads.
#[test]
fn a_copy_source_holds_the_same_rows_without_the_list_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut seen = Vec::new();
    for (name, purpose) in [("serve", Purpose::Serve), ("copy", Purpose::CopySource)] {
        let store = Store::open(&dir.path().join(format!("{name}.sqlite"))).expect("store");
        fill(&store, DemoOptions { activations: 500 }, purpose).expect("fill");
        seen.push(
            store
                .blocking(|conn| {
                    let mut counts = Vec::new();
                    for table in ["activations", "activation_lines", "devices", "changes"] {
                        counts.push(conn.query_row(
                            &format!("SELECT count(*) FROM {table}"),
                            [],
                            |r| r.get::<_, i64>(0),
                        )?);
                    }
                    let indexes: i64 = conn.query_row(
                        "SELECT count(*) FROM sqlite_master
                          WHERE type = 'index' AND tbl_name = 'activations' AND sql IS NOT NULL",
                        [],
                        |r| r.get(0),
                    )?;
                    Ok((counts, indexes))
                })
                .expect("counts"),
        );
    }
    assert_eq!(seen[0].0, seen[1].0, "the same rows");
    assert!(seen[0].1 >= 18, "a store to serve has its list indexes");
    assert_eq!(seen[1].1, 0, "a copy source has none");
}
