//! `GET /devices` and its totals on PostgreSQL: the plans of `store::devices`,
//! exactly as on SQLite.

use super::reads::{Param, sql_args};
use super::{PgStore, StoreError};
use crate::client::devices::{DevicePage, DeviceTotals};
use crate::portal::store::activation_list::{Dialect, Query};
use crate::portal::store::devices::{self, DeviceFilter, RawDevice, RawGroup};
use tokio_postgres::{GenericClient, Row};

async fn rows(db: &impl GenericClient, query: &Query) -> Result<Vec<Row>, StoreError> {
    let args = sql_args(&query.args);
    let refs: Vec<Param<'_>> = args.iter().map(|a| a.as_ref() as Param<'_>).collect();
    Ok(db.query(&query.sql, &refs).await?)
}

pub async fn page(
    db: &impl GenericClient,
    filter: &DeviceFilter,
) -> Result<DevicePage, StoreError> {
    let Some(query) = devices::page_query(filter, Dialect::Postgres) else {
        return devices::finish(filter, Vec::new());
    };
    let raw = rows(db, &query)
        .await?
        .iter()
        .map(|row| {
            Ok(RawDevice {
                organization_id: row.try_get(0)?,
                organization_name: row.try_get(1)?,
                serial: row.try_get(2)?,
                vendor: row.try_get(3)?,
                model: row.try_get(4)?,
                current_until: row.try_get(5)?,
                price: row.try_get(6)?,
                retail_price: row.try_get(7)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    devices::finish(filter, raw)
}

pub async fn totals(
    db: &impl GenericClient,
    filter: &DeviceFilter,
) -> Result<DeviceTotals, StoreError> {
    let Some(query) = devices::totals_query(filter, Dialect::Postgres) else {
        return devices::totals(Vec::new());
    };
    let raw = rows(db, &query)
        .await?
        .iter()
        .map(|row| {
            Ok(RawGroup {
                organization_id: row.try_get(0)?,
                organization_name: row.try_get(1)?,
                vendor: row.try_get(2)?,
                count: row.try_get(3)?,
                total: row.try_get(4)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    devices::totals(raw)
}

impl PgStore {
    /// One page of the device list, retried like every read when the store is busy.
    pub(super) async fn devices_page(
        &self,
        filter: DeviceFilter,
    ) -> Result<DevicePage, StoreError> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                let db: &tokio_postgres::Client = client;
                page(db, &filter).await
            })
        })
        .await
    }

    pub(super) async fn devices_totals(
        &self,
        filter: DeviceFilter,
    ) -> Result<DeviceTotals, StoreError> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                let db: &tokio_postgres::Client = client;
                totals(db, &filter).await
            })
        })
        .await
    }
}
