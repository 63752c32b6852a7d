//! The mirror's devices and events (issue 16 part A): `GET /devices`, its totals and
//! `GET /events` over a replica, through the portal's own parsers and plans, so a page
//! from the mirror is the page the portal would send.

use super::replica_reader::{Replica, ReplicaError};
use super::{catalog, devices, events};
use crate::client::devices::{DevicePage, DeviceQuery, DeviceTotals};
use crate::client::events::{EventPage, EventQuery};
use crate::portal::error::ApiError;
use crate::portal::store::devices::DeviceFilter;

fn owned_pairs(params: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    params
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// The organizations a request reads: the token's, or the one it names (404 outside).
fn narrow(scope: &[i64], organization: Option<i64>) -> Result<Vec<i64>, ApiError> {
    match organization {
        None => Ok(scope.to_vec()),
        Some(id) if scope.contains(&id) => Ok(vec![id]),
        Some(id) => Err(ApiError::NotFound(format!("organization {id} not found"))),
    }
}

impl Replica {
    fn device_filter(
        &self,
        scope: &[i64],
        query: &DeviceQuery,
    ) -> Result<DeviceFilter, ReplicaError> {
        let pairs = owned_pairs(query.to_params());
        let organizations = narrow(scope, query.organization)?;
        let models: Vec<String> = catalog::prices(self.reader())?
            .into_iter()
            .map(|p| p.model)
            .collect();
        Ok(crate::portal::routes_devices::parse(
            &pairs,
            Some(organizations),
            &models,
        )?)
    }

    /// `GET /devices` over the replica.
    pub fn devices(&self, scope: &[i64], query: &DeviceQuery) -> Result<DevicePage, ReplicaError> {
        let filter = self.device_filter(scope, query)?;
        Ok(devices::page(self.reader(), &filter)?)
    }

    /// `GET /devices/totals` over the replica.
    pub fn device_totals(
        &self,
        scope: &[i64],
        query: &DeviceQuery,
    ) -> Result<DeviceTotals, ReplicaError> {
        let filter = self.device_filter(scope, &query.first_page())?;
        Ok(devices::totals(self.reader(), &filter)?)
    }

    /// `GET /events` over the replica (what the feed brought: a windowed mirror's
    /// window).
    pub fn events(&self, scope: &[i64], query: &EventQuery) -> Result<EventPage, ReplicaError> {
        let pairs = owned_pairs(query.to_params());
        let organizations = narrow(scope, query.organization)?;
        let filter = crate::portal::routes_events::parse(&pairs, Some(organizations))?;
        Ok(events::page(self.reader(), &filter)?)
    }
}
