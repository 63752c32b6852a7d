//! `GET /devices` and its totals on SQLite: the plans of `store::devices`, each one
//! statement (one read).

use super::StoreError;
use super::activations::sql_args;
use crate::client::devices::{DevicePage, DeviceTotals};
use crate::portal::store::activation_list::Dialect;
use crate::portal::store::devices::{self, DeviceFilter, RawDevice, RawGroup};
use rusqlite::{Connection, params_from_iter};

pub fn page(conn: &Connection, filter: &DeviceFilter) -> Result<DevicePage, StoreError> {
    let Some(query) = devices::page_query(filter, Dialect::Sqlite) else {
        return devices::finish(filter, Vec::new());
    };
    let args = sql_args(&query.args);
    let mut stmt = conn.prepare_cached(&query.sql)?;
    let rows = stmt
        .query_map(params_from_iter(&args), |row| {
            Ok(RawDevice {
                organization_id: row.get(0)?,
                organization_name: row.get(1)?,
                serial: row.get(2)?,
                vendor: row.get(3)?,
                model: row.get(4)?,
                current_until: row.get(5)?,
                price: row.get(6)?,
                retail_price: row.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    devices::finish(filter, rows)
}

pub fn totals(conn: &Connection, filter: &DeviceFilter) -> Result<DeviceTotals, StoreError> {
    let Some(query) = devices::totals_query(filter, Dialect::Sqlite) else {
        return devices::totals(Vec::new());
    };
    let args = sql_args(&query.args);
    let mut stmt = conn.prepare_cached(&query.sql)?;
    let rows = stmt
        .query_map(params_from_iter(&args), |row| {
            Ok(RawGroup {
                organization_id: row.get(0)?,
                organization_name: row.get(1)?,
                vendor: row.get(2)?,
                count: row.get(3)?,
                total: row.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    devices::totals(rows)
}
