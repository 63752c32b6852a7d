//! The one seam through which every console screen reads data. Today it is the live
//! API; the offline mirror (a later issue) becomes another variant answering the same
//! calls from local SQLite, and no screen changes.

use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, Me, Organization, Page,
};
use crate::client::{ApiClient, ClientError};

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
}
