//! Many rows at once on PostgreSQL (issue 16 b; docs/DESIGN.md §4.9): the bulk retry
//! in one transaction (each number locked and retried as the single retry does it) and
//! the errored activations of a period for the triage, planned as on SQLite.

use super::reads::{sql_args, summary_of};
use super::{PgStore, StoreError, writes};
use crate::client::bulk::{BulkRetryResponse, ErrorTriage};
use crate::portal::error::ApiError;
use crate::portal::store::Writer;
use crate::portal::store::activation_list::Dialect;
use crate::portal::store::{bulk_rows, error_groups};
use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use tokio_postgres::types::ToSql;

/// Runs inside `once::write_once`: a refused number is its row's answer (its retry
/// changed nothing before refusing), never the whole request's.
pub async fn retry_many(
    tx: &Transaction<'_>,
    numbers: &[i64],
    writer: &Writer,
) -> Result<Result<BulkRetryResponse, ApiError>, StoreError> {
    let mut results = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let answer = writes::retry(tx, number, &writer.scope, writer.actor(), writer.now).await?;
        results.push(bulk_rows::retry_row(number, answer));
    }
    Ok(Ok(BulkRetryResponse { results }))
}

impl PgStore {
    /// The errored activations of `scope` ordered since `since`, grouped (one read).
    pub(super) async fn triage(
        &self,
        scope: Vec<i64>,
        since: DateTime<Utc>,
    ) -> Result<ErrorTriage, StoreError> {
        if scope.is_empty() {
            return Ok(error_groups::group(Vec::new(), since));
        }
        let query = error_groups::errored_since(Dialect::Postgres, &scope, since);
        let rows = self
            .run(|client| {
                let query = query.clone();
                Box::pin(async move {
                    let db: &tokio_postgres::Client = client;
                    let args = sql_args(&query.args);
                    let refs: Vec<&(dyn ToSql + Sync)> = args
                        .iter()
                        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
                        .collect();
                    let rows = db.query(&query.sql, &refs).await?;
                    rows.iter().map(summary_of).collect::<Result<Vec<_>, _>>()
                })
            })
            .await?;
        Ok(error_groups::group(rows, since))
    }
}
