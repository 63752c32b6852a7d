//! `GET /events` on PostgreSQL: the plan of `store::events`, exactly as on SQLite.

use super::reads::{Param, sql_args};
use super::{PgStore, StoreError};
use crate::client::events::EventPage;
use crate::portal::store::activation_list::Dialect;
use crate::portal::store::events::{self, EventFilter, RawEvent};
use tokio_postgres::GenericClient;

pub async fn page(db: &impl GenericClient, filter: &EventFilter) -> Result<EventPage, StoreError> {
    let Some(query) = events::page_query(filter, Dialect::Postgres) else {
        return events::finish(filter, Vec::new());
    };
    let args = sql_args(&query.args);
    let refs: Vec<Param<'_>> = args.iter().map(|a| a.as_ref() as Param<'_>).collect();
    let rows = db.query(&query.sql, &refs).await?;
    let raw = rows
        .iter()
        .map(|row| {
            Ok(RawEvent {
                id: row.try_get(0)?,
                at: row.try_get(1)?,
                actor: row.try_get(2)?,
                action: row.try_get(3)?,
                object: row.try_get(4)?,
                organization_id: row.try_get(5)?,
                organization_name: row.try_get(6)?,
                request_id: row.try_get(7)?,
                before: row.try_get(8)?,
                after: row.try_get(9)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    events::finish(filter, raw)
}

impl PgStore {
    /// One page of the activity log, retried like every read when the store is busy.
    pub(super) async fn events_page(&self, filter: EventFilter) -> Result<EventPage, StoreError> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                let db: &tokio_postgres::Client = client;
                page(db, &filter).await
            })
        })
        .await
    }
}
