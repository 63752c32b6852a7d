//! `GET /events` on SQLite: the plan of `store::events`, run in one read.

use super::StoreError;
use super::activations::sql_args;
use crate::client::events::EventPage;
use crate::portal::store::activation_list::Dialect;
use crate::portal::store::events::{self, EventFilter, RawEvent};
use rusqlite::{Connection, params_from_iter};

pub fn page(conn: &Connection, filter: &EventFilter) -> Result<EventPage, StoreError> {
    let Some(query) = events::page_query(filter, Dialect::Sqlite) else {
        return events::finish(filter, Vec::new());
    };
    let args = sql_args(&query.args);
    let mut stmt = conn.prepare_cached(&query.sql)?;
    let rows = stmt
        .query_map(params_from_iter(&args), |row| {
            Ok(RawEvent {
                id: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                action: row.get(3)?,
                object: row.get(4)?,
                organization_id: row.get(5)?,
                organization_name: row.get(6)?,
                request_id: row.get(7)?,
                before: row.get(8)?,
                after: row.get(9)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    events::finish(filter, rows)
}
