//! Many rows at once on SQLite (issue 16 b; docs/DESIGN.md §4.9): the bulk retry,
//! each number as the single retry does it, in the caller's one transaction; and the
//! errored activations of a period for the triage.

use super::{StoreError, activations, new_activations};
use crate::client::bulk::{BulkRetryResponse, ErrorTriage};
use crate::portal::error::ApiError;
use crate::portal::store::Writer;
use crate::portal::store::activation_list::Dialect;
use crate::portal::store::{bulk_rows, error_groups};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

/// Runs inside `once::write_once`: a refused number is its row's answer (its retry
/// changed nothing before refusing), never the whole request's.
pub fn retry_many(
    tx: &Transaction<'_>,
    numbers: &[i64],
    writer: &Writer,
) -> Result<Result<BulkRetryResponse, ApiError>, StoreError> {
    let mut results = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let answer = new_activations::retry(tx, number, &writer.scope, writer.actor(), writer.now)?;
        results.push(bulk_rows::retry_row(number, answer));
    }
    Ok(Ok(BulkRetryResponse { results }))
}

/// The errored activations of `scope` ordered since `since`, grouped (one read).
pub fn triage(
    conn: &Connection,
    scope: &[i64],
    since: DateTime<Utc>,
) -> Result<ErrorTriage, StoreError> {
    if scope.is_empty() {
        return Ok(error_groups::group(Vec::new(), since));
    }
    let query = error_groups::errored_since(Dialect::Sqlite, scope, since);
    let rows = activations::summaries(conn, &query)?;
    Ok(error_groups::group(rows, since))
}
