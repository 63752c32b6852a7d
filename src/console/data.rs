//! The one seam through which every console screen reads data. Today it is the live
//! API; the offline mirror (a later issue) becomes another variant answering the same
//! calls from local SQLite, and no screen changes.

use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, LicenseFile, Me,
    Organization, Page, PrecheckResponse,
};
use crate::client::{ApiClient, ClientError, wire};

pub type DataError = ClientError;

#[derive(Clone, Debug)]
pub enum DataSource {
    Live(ApiClient),
}

impl DataSource {
    /// Where the data comes from, for the status line.
    pub fn label(&self) -> String {
        match self {
            DataSource::Live(client) => client.portal_url().trim_end_matches('/').to_string(),
        }
    }

    pub async fn me(&self) -> Result<Me, DataError> {
        match self {
            DataSource::Live(client) => client.me().await,
        }
    }

    pub async fn organizations(&self) -> Result<Vec<Organization>, DataError> {
        match self {
            DataSource::Live(client) => client.organizations().await,
        }
    }

    pub async fn activations(
        &self,
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, DataError> {
        match self {
            DataSource::Live(client) => client.activations(query).await,
        }
    }

    pub async fn activation(&self, number: i64) -> Result<ActivationDetail, DataError> {
        match self {
            DataSource::Live(client) => client.activation(number).await,
        }
    }

    pub async fn accept_offer(&self, organization: i64) -> Result<Organization, DataError> {
        match self {
            DataSource::Live(client) => client.accept_offer(organization).await,
        }
    }

    pub async fn precheck(
        &self,
        organization: i64,
        serials: &[String],
    ) -> Result<PrecheckResponse, DataError> {
        match self {
            DataSource::Live(client) => client.precheck(organization, serials).await,
        }
    }

    pub async fn create_activations(
        &self,
        organization: i64,
        serials: &[String],
        idempotency_key: &str,
    ) -> Result<CreatedActivations, DataError> {
        match self {
            DataSource::Live(client) => {
                client
                    .create_activations(organization, serials, idempotency_key)
                    .await
            }
        }
    }

    pub async fn retry(&self, number: i64) -> Result<ActivationSummary, DataError> {
        match self {
            DataSource::Live(client) => client.retry(number, None).await,
        }
    }

    pub async fn license_file(&self, number: i64) -> Result<LicenseFile, DataError> {
        match self {
            DataSource::Live(client) => client.license_file(number).await,
        }
    }

    /// The portal's public key (verifies offline activation responses).
    pub async fn signing_key(&self) -> Result<wire::SigningKeyInfo, DataError> {
        match self {
            DataSource::Live(client) => client.signing_key().await,
        }
    }

    pub async fn seats(&self, query: &wire::SeatQuery) -> Result<Page<wire::Seat>, DataError> {
        match self {
            DataSource::Live(client) => client.seats(query).await,
        }
    }

    pub async fn seat_summary(
        &self,
        organization: Option<i64>,
    ) -> Result<Vec<wire::SeatSummary>, DataError> {
        match self {
            DataSource::Live(client) => client.seat_summary(organization).await,
        }
    }

    pub async fn bind_seat(&self, seat: i64, email: &str) -> Result<wire::Seat, DataError> {
        match self {
            DataSource::Live(client) => client.bind_seat(seat, email, None).await,
        }
    }

    pub async fn unbind_seat(&self, seat: i64) -> Result<wire::Seat, DataError> {
        match self {
            DataSource::Live(client) => client.unbind_seat(seat, None).await,
        }
    }

    pub async fn users(&self, organization: i64, q: &str) -> Result<Vec<wire::User>, DataError> {
        match self {
            DataSource::Live(client) => client.users(organization, q).await,
        }
    }

    pub async fn license_info(&self, organization: i64) -> Result<wire::LicenseInfo, DataError> {
        match self {
            DataSource::Live(client) => client.license_info(organization).await,
        }
    }

    pub async fn request_emergency_license(
        &self,
        request: &wire::EmergencyRequest,
    ) -> Result<wire::ProductCapacity, DataError> {
        match self {
            DataSource::Live(client) => client.request_emergency_license(request, None).await,
        }
    }

    pub async fn activate_key(
        &self,
        request: &wire::KeyActivationRequest,
    ) -> Result<wire::ServerLicense, DataError> {
        match self {
            DataSource::Live(client) => client.activate_key(request).await,
        }
    }

    pub async fn offline_response(
        &self,
        request_text: &str,
    ) -> Result<wire::OfflineResponse, DataError> {
        match self {
            DataSource::Live(client) => client.offline_response(request_text).await,
        }
    }

    pub async fn audit(
        &self,
        object: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<wire::AuditEntry>, DataError> {
        match self {
            DataSource::Live(client) => client.audit(object, page, per_page).await,
        }
    }
}
