//! Capacity and emergency licenses, product keys, offline activation (issue 4), and the
//! key licenses are signed with (the client's calls; the shapes are in `wire`).

use super::{ApiClient, ClientError, wire};
use wire::SigningKeyInfo;

impl ApiClient {
    pub async fn license_info(&self, organization: i64) -> Result<wire::LicenseInfo, ClientError> {
        self.get(
            "/license-info",
            &[("organization", organization.to_string())],
        )
        .await
    }

    /// Requests an emergency license; `idempotency_key` as for [`Self::retry`].
    pub async fn request_emergency_license(
        &self,
        request: &wire::EmergencyRequest,
        idempotency_key: Option<&str>,
    ) -> Result<wire::ProductCapacity, ClientError> {
        self.post("/emergency-license", request, idempotency_key)
            .await
    }

    pub async fn activate_key(
        &self,
        request: &wire::KeyActivationRequest,
    ) -> Result<wire::ServerLicense, ClientError> {
        self.post("/keys/activate", request, None).await
    }

    /// Turns an offline request text into the signed response text.
    pub async fn offline_response(
        &self,
        request_text: &str,
    ) -> Result<wire::OfflineResponse, ClientError> {
        let body = wire::OfflineResponseRequest {
            request: request_text.to_string(),
        };
        self.post("/offline/response", &body, None).await
    }

    pub async fn signing_key(&self) -> Result<SigningKeyInfo, ClientError> {
        self.get("/signing-key", &[]).await
    }
}
