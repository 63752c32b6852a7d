//! Many rows to one INSERT statement, for the demo load: a statement per row spent more
//! time starting and resetting the statement than writing the row (docs/BENCHMARKS.md,
//! issue 13, seeding).

use super::super::StoreError;
use rusqlite::Connection;
use rusqlite::types::Value;

/// Rows per statement: 64 rows of the widest table (10 columns) stay far below
/// SQLite's limit of 32 766 parameters.
const ROWS: usize = 64;

/// Buffers rows for `INSERT INTO table (columns…)` and writes them `ROWS` at a time.
/// [`RowBatch::finish`] writes the rest; rows not finished are not written.
pub struct RowBatch<'c> {
    conn: &'c Connection,
    head: &'static str,
    width: usize,
    full_sql: String,
    values: Vec<Value>,
}

impl<'c> RowBatch<'c> {
    /// `head` is `INSERT INTO table (a, b, c)`; `width` its number of columns.
    pub fn new(conn: &'c Connection, head: &'static str, width: usize) -> Self {
        RowBatch {
            conn,
            head,
            width,
            full_sql: statement(head, width, ROWS),
            values: Vec::with_capacity(width * ROWS),
        }
    }

    /// Adds one row: exactly `width` values, in the column order of `head`.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>) -> Result<(), StoreError> {
        let before = self.values.len();
        self.values.extend(row);
        let given = self.values.len() - before;
        if given != self.width {
            self.values.truncate(before);
            return Err(StoreError::Invalid(format!(
                "{}: a row of {given} values for {} columns",
                self.head, self.width
            )));
        }
        if self.values.len() == self.width * ROWS {
            self.conn
                .prepare_cached(&self.full_sql)?
                .execute(rusqlite::params_from_iter(self.values.drain(..)))?;
        }
        Ok(())
    }

    /// Writes the rows still buffered.
    pub fn finish(mut self) -> Result<(), StoreError> {
        let rows = self.values.len() / self.width;
        if rows > 0 {
            self.conn
                .prepare(&statement(self.head, self.width, rows))?
                .execute(rusqlite::params_from_iter(self.values.drain(..)))?;
        }
        Ok(())
    }
}

fn statement(head: &str, width: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    format!("{head} VALUES {}", vec![row; rows].join(", "))
}

pub fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

pub fn optional_text(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row pushed is written once, whether it filled a statement or was left
    /// for `finish`; a row of the wrong width is refused.
    #[test]
    fn every_row_is_written_once_full_statements_and_the_rest() {
        let conn = Connection::open_in_memory().expect("sqlite");
        conn.execute_batch("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
            .expect("table");
        let mut batch = RowBatch::new(&conn, "INSERT INTO t (a, b)", 2);
        for a in 0..(ROWS as i64 * 2 + 5) {
            batch
                .push([Value::Integer(a), text(format!("row {a}"))])
                .expect("push");
        }
        assert!(batch.push([Value::Integer(-1)]).is_err());
        batch.finish().expect("finish");
        let (count, sum): (i64, i64) = conn
            .query_row(
                "SELECT COUNT(*), SUM(a) FROM t WHERE b = 'row ' || a",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("count");
        let n = ROWS as i64 * 2 + 5;
        assert_eq!((count, sum), (n, n * (n - 1) / 2));
    }
}
