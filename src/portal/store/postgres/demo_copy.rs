//! The demo data set on PostgreSQL: made by the one demo generator (SQLite's, into a
//! temporary file) and copied table by table with `COPY … FROM STDIN`, in one
//! transaction. The copy sets aside what a bulk load should not pay for row by row —
//! the secondary indexes, the foreign keys and the feed's `track_` triggers (the copied
//! `changes` rows are the feed) — and puts them back before it commits, so a failure
//! leaves the store as it was (docs/BENCHMARKS.md, seeding).

use super::{PgStore, StoreError};
use crate::portal::store::stage::Stage;
use futures_util::SinkExt;
use tokio_postgres::Transaction;

/// Serializes demo fills of N portals started together with `--demo`.
const DEMO_LOCK: i64 = 0x6c69_6361_646d_0003;

/// The tables of the demo data set, referenced ones first (the order the copy fills them).
pub const DEMO_TABLES: [&str; 17] = [
    "organizations",
    "models",
    "devices",
    "products",
    "users",
    "activations",
    "activation_lines",
    "organization_devices",
    "seats",
    "capacity",
    "emergency_licenses",
    "product_keys",
    "invoices",
    "invoice_lines",
    "invoice_runs",
    "audit",
    "changes",
];

/// The table the fill derives from the copied ones (the precheck's open lines): with
/// [`DEMO_TABLES`], the tables whose indexes, keys and triggers the fill sets aside.
const DERIVED_TABLE: &str = "open_lines";

/// The sequences that must continue after the copied ids.
const SEQUENCES: [(&str, &str, &str); 5] = [
    ("activation_numbers", "activations", "number"),
    ("seats_id_seq", "seats", "id"),
    ("emergency_licenses_id_seq", "emergency_licenses", "id"),
    ("audit_id_seq", "audit", "id"),
    ("changes_seq", "changes", "seq"),
];

/// Bytes of COPY text sent at a time.
const COPY_CHUNK: usize = 256 * 1024;

impl PgStore {
    /// Whether the store has any organization (a demo fill is due when not).
    pub async fn has_organizations(&self) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_one("SELECT EXISTS (SELECT 1 FROM organizations)", &[])
            .await?
            .try_get(0)?)
    }

    /// Fills the demo data set when the store has no organizations; true if it did.
    /// `source` holds the demo data set (a SQLite store the generator filled). Portals
    /// starting together take turns (an advisory lock): only the first one fills.
    pub async fn fill_demo_from(
        &self,
        source: &crate::portal::store::SqliteStore,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&DEMO_LOCK])
            .await?;
        let filled = fill_locked(&mut client, source).await;
        let unlocked = client
            .execute("SELECT pg_advisory_unlock($1)", &[&DEMO_LOCK])
            .await;
        let filled = filled?;
        unlocked?;
        Ok(filled)
    }
}

async fn fill_locked(
    client: &mut super::Client,
    source: &crate::portal::store::SqliteStore,
) -> Result<bool, StoreError> {
    let client: &mut tokio_postgres::Client = client;
    let organizations: i64 = client
        .query_one("SELECT COUNT(*) FROM organizations", &[])
        .await?
        .try_get(0)?;
    if organizations > 0 {
        return Ok(false);
    }
    let tx = client.transaction().await?;
    // Index builds sort in memory with this budget, and with parallel workers.
    tx.batch_execute(
        "SET LOCAL licadm.untracked = 'on';
         SET LOCAL maintenance_work_mem = '512MB'",
    )
    .await?;
    let mut stage = Stage::start();
    let aside = SetAside::take(&tx).await?;
    for table in DEMO_TABLES {
        copy_table(&tx, source, table).await?;
        stage.done(table);
    }
    // The precheck's open lines (migration 14) from the copied rows: the create adds
    // them as it writes lines, and this copy is not a create.
    tx.batch_execute(
        "INSERT INTO open_lines (serial, activation_number)
             SELECT l.serial, l.activation_number FROM activation_lines l
               JOIN activations a ON a.number = l.activation_number
              WHERE a.status IN ('in_progress', 'error')",
    )
    .await?;
    stage.done("open lines");
    aside.put_back(&tx, &mut stage).await?;
    for (sequence, table, column) in SEQUENCES {
        tx.execute(
            &format!(
                "SELECT setval('{sequence}', COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL)
                 FROM {table}"
            ),
            &[],
        )
        .await?;
    }
    tx.commit().await?;
    stage.done("commit");
    // Planner statistics and the visibility map (index-only scans) after a bulk load.
    client.batch_execute("VACUUM ANALYZE").await?;
    stage.done("vacuum, statistics");
    Ok(true)
}

/// Copies `table` from the generator's store: the columns both stores have, in
/// PostgreSQL's order (a column only PostgreSQL has takes its default).
async fn copy_table(
    tx: &Transaction<'_>,
    source: &crate::portal::store::SqliteStore,
    table: &'static str,
) -> Result<(), StoreError> {
    let theirs = {
        let reader = source.clone();
        tokio::task::spawn_blocking(move || reader.table_columns(table))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))??
    };
    let ours: Vec<String> = tx
        .query(
            "SELECT attname::text FROM pg_attribute
              WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
              ORDER BY attnum",
            &[&table],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let columns: Vec<String> = ours.into_iter().filter(|c| theirs.contains(c)).collect();
    let list = columns
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(", ");
    let sink = tx
        .copy_in(&format!("COPY {table} ({list}) FROM STDIN"))
        .await?;
    let mut sink = std::pin::pin!(sink);
    let (chunks, mut received) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let reader = source.clone();
    let export = tokio::task::spawn_blocking(move || {
        reader.export_copy_text(table, columns, COPY_CHUNK, |chunk| {
            chunks
                .blocking_send(chunk)
                .map_err(|_| StoreError::Task("the copy stopped".into()))
        })
    });
    while let Some(chunk) = received.recv().await {
        sink.send(bytes::Bytes::from(chunk)).await?;
    }
    export
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
    sink.as_mut().finish().await?;
    Ok(())
}

/// What a bulk load sets aside on the filled tables, as the statements that put it back.
struct SetAside {
    /// Primary keys and unique constraints: their indexes, built once from the rows.
    keys: Vec<String>,
    indexes: Vec<String>,
    foreign_keys: Vec<String>,
    triggers: Vec<String>,
}

impl SetAside {
    /// Drops the filled tables' foreign keys (and those that refer to them), their
    /// primary keys, unique constraints and other indexes, and disables their feed
    /// triggers (`track_…`); all within `tx`.
    async fn take(tx: &Transaction<'_>) -> Result<SetAside, StoreError> {
        let tables: Vec<&str> = DEMO_TABLES.iter().copied().chain([DERIVED_TABLE]).collect();
        const FILLED: &str = "(SELECT to_regclass(t) FROM unnest($1::text[]) t)";
        // Foreign keys first: they depend on the keys' indexes.
        let constraints = tx
            .query(
                &format!(
                    "SELECT contype = 'f', conrelid::regclass::text, quote_ident(conname),
                            pg_get_constraintdef(oid)
                       FROM pg_constraint
                      WHERE (contype = 'f' AND (conrelid IN {FILLED} OR confrelid IN {FILLED}))
                         OR (contype IN ('p', 'u') AND conrelid IN {FILLED})
                      ORDER BY 1 DESC, 2, 3"
                ),
                &[&tables],
            )
            .await?;
        let indexes = tx
            .query(
                &format!(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                       FROM pg_index i
                      WHERE i.indrelid IN {FILLED}
                        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                      ORDER BY 1"
                ),
                &[&tables],
            )
            .await?;
        let triggers = tx
            .query(
                &format!(
                    "SELECT tgrelid::regclass::text, quote_ident(tgname)
                       FROM pg_trigger
                      WHERE NOT tgisinternal AND tgenabled = 'O' AND tgname LIKE 'track\\_%'
                        AND tgrelid IN {FILLED}
                      ORDER BY 1, 2"
                ),
                &[&tables],
            )
            .await?;
        let mut drop = String::new();
        let mut aside = SetAside {
            keys: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            triggers: Vec::new(),
        };
        for row in &constraints {
            let (foreign, table, name, definition): (bool, String, String, String) = (
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            );
            drop.push_str(&format!("ALTER TABLE {table} DROP CONSTRAINT {name};\n"));
            let put_back = if foreign {
                &mut aside.foreign_keys
            } else {
                &mut aside.keys
            };
            put_back.push(format!(
                "ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            ));
        }
        for row in &indexes {
            let (name, definition): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            drop.push_str(&format!("DROP INDEX {name};\n"));
            aside.indexes.push(definition);
        }
        for row in &triggers {
            let (table, name): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            drop.push_str(&format!("ALTER TABLE {table} DISABLE TRIGGER {name};\n"));
            aside
                .triggers
                .push(format!("ALTER TABLE {table} ENABLE TRIGGER {name}"));
        }
        tx.batch_execute(&drop).await?;
        Ok(aside)
    }

    /// Builds the keys and indexes again (each a sort of the copied rows), adds the
    /// foreign keys (each checked by one join) and enables the triggers.
    async fn put_back(self, tx: &Transaction<'_>, stage: &mut Stage) -> Result<(), StoreError> {
        for statement in self.keys.iter().chain(&self.indexes) {
            tx.batch_execute(statement).await?;
        }
        stage.done("keys and indexes");
        for statement in self.foreign_keys.iter().chain(&self.triggers) {
            tx.batch_execute(statement).await?;
        }
        stage.done("foreign keys");
        Ok(())
    }
}
