//! A replica of the portal's store for one token: the file an offline mirror keeps.
//!
//! It has the portal's own schema and answers through the portal's own queries and
//! parameter parsers, so a list filtered, sorted and paged from the mirror comes out
//! exactly as the portal would answer it — one implementation, not two to keep equal.

use super::activations;
use super::{StoreError, catalog, migrations, seats};
use super::{capacity_writes as capacity, replica as apply};
use crate::client::feed::Change;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, LicenseInfo, Organization, Page, Price,
    Seat, SeatQuery, SeatSummary,
};
use crate::portal::error::ApiError;
use crate::portal::params::{self, ActivationListParams};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};
use std::path::Path;

/// Why the replica could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// What the portal would have answered with a 4xx.
    #[error("{message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ReplicaError {
    fn from(e: rusqlite::Error) -> ReplicaError {
        ReplicaError::Store(StoreError::from(e))
    }
}

impl From<ApiError> for ReplicaError {
    fn from(error: ApiError) -> ReplicaError {
        match error {
            ApiError::Internal(e) => ReplicaError::Store(e),
            other => {
                let (status, code) = other.status_and_code();
                ReplicaError::Refused {
                    status: status.as_u16(),
                    code: code.to_string(),
                    message: other.to_string(),
                }
            }
        }
    }
}

pub struct Replica {
    conn: Connection,
}

impl Replica {
    /// Opens (creating if needed) a replica file: the portal's schema, migrated, without
    /// change tracking and with foreign keys off (objects arrive in feed order).
    pub fn open(path: &Path) -> Result<Replica, ReplicaError> {
        let mut conn = super::connect(path)?;
        migrations::apply(&mut conn)?;
        apply::prepare(&conn)?;
        Ok(Replica { conn })
    }

    /// For the mirror's own tables (sync state, outbox) in the same file.
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn reader(&self) -> &Connection {
        &self.conn
    }

    /// Applies a page of the feed inside the caller's transaction, so the page and the
    /// cursor that follows it are written together or not at all.
    pub fn apply(tx: &Transaction<'_>, changes: &[Change]) -> Result<(), ReplicaError> {
        for change in changes {
            apply::apply(tx, change)?;
        }
        Ok(())
    }

    /// Before a full sync into an empty replica: drop the bulk tables' secondary
    /// indexes (kept in the file, so they come back even after a crash).
    pub fn suspend_indexes(tx: &Transaction<'_>) -> Result<(), ReplicaError> {
        apply::suspend_indexes(tx)?;
        Ok(())
    }

    /// After the last page of a full sync: build the suspended indexes again.
    pub fn restore_indexes(tx: &Transaction<'_>) -> Result<bool, ReplicaError> {
        Ok(apply::restore_indexes(tx)?)
    }

    /// Empties every mirrored table, inside the caller's transaction.
    pub fn clear(tx: &Transaction<'_>) -> Result<(), ReplicaError> {
        apply::clear(tx)?;
        Ok(())
    }

    /// Fresh planner statistics (after a full sync) so each filter and sort gets the
    /// index the portal's queries were written for.
    pub fn analyze(&self) -> Result<(), ReplicaError> {
        super::refresh_statistics(&self.conn)?;
        Ok(())
    }

    pub fn organizations(&self, scope: &[i64]) -> Result<Vec<Organization>, ReplicaError> {
        Ok(catalog::organizations(&self.conn, scope)?)
    }

    pub fn prices(&self) -> Result<Vec<Price>, ReplicaError> {
        Ok(catalog::prices(&self.conn)?)
    }

    /// `GET /activations` over the replica: the same parameter rules, scope and order.
    pub fn activations(
        &self,
        scope: &[i64],
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, ReplicaError> {
        let pairs = owned_pairs(query.to_params());
        let params = ActivationListParams::parse(&pairs)?;
        let organizations = narrow(scope, params.organization)?;
        let filter = params.into_filter(organizations);
        Ok(activations::list(&self.conn, &filter)??)
    }

    pub fn activation(&self, scope: &[i64], number: i64) -> Result<ActivationDetail, ReplicaError> {
        activations::get(&self.conn, number, scope)?
            .ok_or_else(|| ApiError::NotFound(format!("activation {number} not found")).into())
    }

    /// `GET /invoices` over the replica (issue 17): the same filter, order and pages.
    pub fn invoices(
        &self,
        scope: &[i64],
        query: &crate::client::invoices::InvoiceQuery,
    ) -> Result<Page<crate::client::invoices::Invoice>, ReplicaError> {
        let organizations = narrow(scope, query.organization)?;
        let filter = crate::portal::store::InvoiceFilter {
            scope: Some(organizations),
            status: query.status,
            page: query.page.max(1),
            per_page: if query.per_page == 0 {
                crate::client::wire::DEFAULT_PER_PAGE
            } else {
                query.per_page
            },
        };
        Ok(super::invoices::list(&self.conn, &filter)?)
    }

    /// `GET /invoices/{number}` over the replica.
    pub fn invoice(
        &self,
        scope: &[i64],
        number: &str,
    ) -> Result<crate::client::invoices::InvoiceDetail, ReplicaError> {
        super::invoices::detail(&self.conn, number, Some(scope))?
            .ok_or_else(|| crate::portal::store::invoice_rows::invoice_not_found(number).into())
    }

    /// `GET /seats` over the replica.
    /// A serial's activation lines as the mirror holds them (its data is the token's
    /// own, so no scope); the mirror keeps no registry and no audit, so the device and
    /// the histories are empty (issue 16).
    pub fn serial_story(
        &self,
        serial: &str,
    ) -> Result<crate::client::serials::SerialStory, ReplicaError> {
        Ok(super::serials::story(&self.conn, serial, None)?)
    }

    pub fn seats(
        &self,
        scope: &[i64],
        query: &SeatQuery,
        now: DateTime<Utc>,
    ) -> Result<Page<Seat>, ReplicaError> {
        let pairs = owned_pairs(query.to_params());
        let query = params::parse_seat_query(&pairs)?;
        let filter = seats::SeatFilter {
            organizations: narrow(scope, query.organization)?,
            product: query.product,
            status: query.status,
            email_contains: query.q,
            sort: query.sort,
            descending: query.descending,
            page: query.page,
            per_page: query.per_page,
            today: now.date_naive(),
        };
        Ok(seats::list(&self.conn, &filter)?)
    }

    pub fn seat_summary(
        &self,
        scope: &[i64],
        organization: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SeatSummary>, ReplicaError> {
        let organizations = narrow(scope, organization)?;
        Ok(seats::summary(
            &self.conn,
            &organizations,
            now.date_naive(),
        )?)
    }

    pub fn license_info(
        &self,
        scope: &[i64],
        organization: i64,
        now: DateTime<Utc>,
    ) -> Result<LicenseInfo, ReplicaError> {
        let organization = narrow(scope, Some(organization))?[0];
        Ok(capacity::license_info(&self.conn, organization, now)??)
    }
}

fn owned_pairs(params: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    params
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// The organization filter within the token's scope, answered as the portal does: an
/// organization outside it is "not found".
fn narrow(scope: &[i64], organization: Option<i64>) -> Result<Vec<i64>, ApiError> {
    match organization {
        None => Ok(scope.to_vec()),
        Some(id) if scope.contains(&id) => Ok(vec![id]),
        Some(id) => Err(ApiError::NotFound(format!("organization {id} not found"))),
    }
}
