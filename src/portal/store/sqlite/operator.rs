//! What the operator's commands and the portal's start-up do on a SQLite store file,
//! before (or without) an async runtime: fill the demo data, create a token, read the
//! signing secret, prune the feed, and the demo facts tests and benchmarks read.

use super::demo::{self, facts::DemoFacts};
use super::{SqliteStore, StoreError, accounts, catalog, changes, keys, registry, tokens};
use crate::client::wire::Role;
use crate::portal::DemoOptions;
use crate::portal::store::{Actor, shell_actor_label};
use chrono::{NaiveDate, Utc};

pub use registry::SerialsByKind;

impl SqliteStore {
    /// Fills the demo data set when the store has no organizations; true if it did.
    pub fn fill_demo_if_empty(&self, options: DemoOptions) -> Result<bool, StoreError> {
        if self.blocking(|conn| catalog::organization_count(conn))? > 0 {
            return Ok(false);
        }
        demo::fill(self, options)?;
        Ok(true)
    }

    pub fn signing_secret_blocking(&self) -> Result<Option<[u8; 32]>, StoreError> {
        self.blocking(|conn| keys::signing_secret(conn))
    }

    /// Stores a token's hash for `organizations` (empty: every organization now).
    pub fn create_token_blocking(
        &self,
        token_hash: &str,
        role: Role,
        organizations: &[i64],
        label: &str,
    ) -> Result<i64, StoreError> {
        let requested = organizations.to_vec();
        self.blocking(move |conn| {
            let mut scope = if requested.is_empty() {
                catalog::all_organization_ids(conn)?
            } else {
                requested
            };
            scope.sort_unstable();
            scope.dedup();
            for id in &scope {
                if !catalog::organization_exists(conn, *id)? {
                    return Err(StoreError::Invalid(format!(
                        "organization {id} does not exist in this store"
                    )));
                }
            }
            // Recorded like a login's token (`token.created`), so the activity log
            // shows every token that can act, however it was made.
            let now = Utc::now();
            let tx = conn.transaction()?;
            let id = tokens::insert_in(&tx, token_hash, role, label, &scope, now, None, None)?;
            if let Some(info) = tokens::list(&tx, Some(id))?.into_iter().next() {
                let actor_label = shell_actor_label();
                let actor = Actor {
                    label: &actor_label,
                    request_id: None,
                };
                accounts::audit_token(&tx, now, actor, "token.created", &info)?;
            }
            tx.commit()?;
            Ok(id)
        })
    }

    pub fn prune_deleted_blocking(&self) -> Result<usize, StoreError> {
        self.blocking(changes::prune_deleted)
    }

    pub fn serials_by_kind_blocking(&self, per_kind: usize) -> Result<SerialsByKind, StoreError> {
        self.blocking(move |conn| registry::serials_by_kind(conn, per_kind))
    }

    /// Every row of `table` as JSON objects (column name → value), `batch` rows at a
    /// time, in rowid/key order: how the PostgreSQL store copies the demo data set this
    /// generator made. `table` must be one of the store's own table names.
    pub fn export_table(
        &self,
        table: &'static str,
        batch: usize,
        mut each: impl FnMut(Vec<serde_json::Value>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use rusqlite::types::ValueRef;
        self.blocking(move |conn| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
            let mut rows = stmt.query([])?;
            let mut out = Vec::with_capacity(batch);
            while let Some(row) = rows.next()? {
                let mut object = serde_json::Map::with_capacity(names.len());
                for (i, name) in names.iter().enumerate() {
                    let value = match row.get_ref(i)? {
                        ValueRef::Null => serde_json::Value::Null,
                        ValueRef::Integer(n) => serde_json::Value::from(n),
                        ValueRef::Real(x) => serde_json::Value::from(x),
                        ValueRef::Text(bytes) => {
                            serde_json::Value::from(String::from_utf8_lossy(bytes).into_owned())
                        }
                        ValueRef::Blob(bytes) => serde_json::Value::from(format!(
                            "\\x{}",
                            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
                        )),
                    };
                    object.insert(name.clone(), value);
                }
                out.push(serde_json::Value::Object(object));
                if out.len() >= batch {
                    each(std::mem::take(&mut out))?;
                }
            }
            if !out.is_empty() {
                each(out)?;
            }
            Ok(())
        })
    }

    pub fn demo_facts_blocking(&self, today: NaiveDate) -> Result<DemoFacts, StoreError> {
        demo::facts::read(self, today)
    }
}
