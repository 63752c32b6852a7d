//! Activations: the list, one activation, precheck, creating and retrying them, and
//! the license file of a done one (the client's calls; the shapes are in `wire`).

use super::{ApiClient, ClientError, decode, map_transport, send, wire};
use wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, LicenseFile, Page,
    PrecheckResponse, SerialsRequest,
};

impl ApiClient {
    pub async fn activations(
        &self,
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, ClientError> {
        self.get("/activations", &query.to_params()).await
    }

    pub async fn activation(&self, number: i64) -> Result<ActivationDetail, ClientError> {
        self.get(&format!("/activations/{number}"), &[]).await
    }

    /// One row per input serial, in input order. Changes nothing.
    pub async fn precheck(
        &self,
        organization: i64,
        serials: &[String],
    ) -> Result<PrecheckResponse, ClientError> {
        let body = SerialsRequest {
            organization,
            serials: serials.to_vec(),
        };
        self.post("/precheck", &body, None).await
    }

    /// Creates one activation per vendor. Repeating the call with the same
    /// `idempotency_key` returns the same activations instead of creating new ones.
    pub async fn create_activations(
        &self,
        organization: i64,
        serials: &[String],
        idempotency_key: &str,
    ) -> Result<CreatedActivations, ClientError> {
        let body = SerialsRequest {
            organization,
            serials: serials.to_vec(),
        };
        self.post("/activations", &body, Some(idempotency_key))
            .await
    }

    /// Queues an errored activation again. With an `idempotency_key` a resend (say, from
    /// an offline outbox) answers what the first request did without retrying twice.
    pub async fn retry(
        &self,
        number: i64,
        idempotency_key: Option<&str>,
    ) -> Result<ActivationSummary, ClientError> {
        self.post(
            &format!("/activations/{number}/retry"),
            &serde_json::json!({}),
            idempotency_key,
        )
        .await
    }

    /// The signed `license-<number>.lic` of a done activation.
    pub async fn license_file(&self, number: i64) -> Result<LicenseFile, ClientError> {
        let url = self.url(&format!("/activations/{number}/license-file"))?;
        let response = send(self.request(reqwest::Method::GET, url)).await?;
        if !response.status().is_success() {
            return Err(decode::<serde_json::Value>(response)
                .await
                .err()
                .unwrap_or_else(|| {
                    ClientError::Decode("an error status with a success body".into())
                }));
        }
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split("filename=").nth(1))
            .map(|name| name.trim_matches('"').to_string())
            .filter(|name| {
                !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.')
            })
            .unwrap_or_else(|| format!("license-{number}.lic"));
        let contents = response.text().await.map_err(map_transport)?;
        Ok(LicenseFile {
            file_name,
            contents,
        })
    }
}
