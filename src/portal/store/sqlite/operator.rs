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
        demo::fill(self, options, demo::Purpose::Serve)?;
        Ok(true)
    }

    /// Fills the demo data set into this new store only for a copy into PostgreSQL,
    /// which builds its own indexes: without the secondary indexes and statistics
    /// (half of the time at 1 000 000 activations). Not a store to serve.
    pub fn fill_demo_copy_source(&self, options: DemoOptions) -> Result<(), StoreError> {
        demo::fill(self, options, demo::Purpose::CopySource)
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

    /// The names of `table`'s columns, in their order.
    pub fn table_columns(&self, table: &'static str) -> Result<Vec<String>, StoreError> {
        self.blocking(move |conn| {
            let stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
            Ok(stmt.column_names().map(str::to_string).collect())
        })
    }

    /// Every row of `table` in PostgreSQL's `COPY … FROM STDIN` text format, `columns`
    /// in that order, handed to `each` in chunks of about `chunk` bytes, in rowid/key
    /// order: how the PostgreSQL store copies the demo data set this generator made
    /// (docs/BENCHMARKS.md, seeding). `table` must be one of the store's own tables and
    /// `columns` some of its columns.
    pub fn export_copy_text(
        &self,
        table: &'static str,
        columns: Vec<String>,
        chunk: usize,
        mut each: impl FnMut(Vec<u8>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.blocking(move |conn| {
            let list = columns
                .iter()
                .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = conn.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::with_capacity(chunk + 4096);
            while let Some(row) = rows.next()? {
                for i in 0..columns.len() {
                    if i > 0 {
                        out.push(b'\t');
                    }
                    copy_text_value(&mut out, row.get_ref(i)?);
                }
                out.push(b'\n');
                if out.len() >= chunk {
                    each(std::mem::replace(
                        &mut out,
                        Vec::with_capacity(chunk + 4096),
                    ))?;
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

/// One value in COPY's text format: `\N` for NULL, text with its backslash, tab,
/// newline and carriage return escaped, a blob as `bytea` hex (`\\x…`, the backslash
/// itself escaped).
fn copy_text_value(out: &mut Vec<u8>, value: rusqlite::types::ValueRef<'_>) {
    use rusqlite::types::ValueRef;
    use std::io::Write;
    match value {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(n) => {
            let _ = write!(out, "{n}");
        }
        ValueRef::Real(x) => {
            let _ = write!(out, "{x}");
        }
        ValueRef::Text(bytes) => {
            for &b in bytes {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::copy_text_value;
    use rusqlite::types::ValueRef;

    fn text(value: ValueRef<'_>) -> String {
        let mut out = Vec::new();
        copy_text_value(&mut out, value);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn copy_text_escapes_what_copy_would_read_as_a_separator_or_an_escape() {
        assert_eq!(text(ValueRef::Null), "\\N");
        assert_eq!(text(ValueRef::Integer(-42)), "-42");
        assert_eq!(text(ValueRef::Real(2900.5)), "2900.5");
        assert_eq!(
            text(ValueRef::Text("a\tb\nc\\d\re «ООО»".as_bytes())),
            "a\\tb\\nc\\\\d\\re «ООО»"
        );
        assert_eq!(text(ValueRef::Blob(&[0, 0xab, 0x10])), "\\\\x00ab10");
    }
}
