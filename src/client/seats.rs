//! Seats (issue 4): the list, the summary per product, binding and unbinding, and the
//! users a seat can be bound to (the client's calls; the shapes are in `wire`).

use super::{ApiClient, ClientError, wire};
use wire::Page;

impl ApiClient {
    pub async fn seats(&self, query: &wire::SeatQuery) -> Result<Page<wire::Seat>, ClientError> {
        self.get("/seats", &query.to_params()).await
    }

    /// Free/bound/expired per product; `organization` None = every organization the
    /// token sees.
    pub async fn seat_summary(
        &self,
        organization: Option<i64>,
    ) -> Result<Vec<wire::SeatSummary>, ClientError> {
        let query: Vec<(&str, String)> = organization
            .map(|o| ("organization", o.to_string()))
            .into_iter()
            .collect();
        self.get("/seats/summary", &query).await
    }

    /// Binds a free seat to a registered user; `idempotency_key` as for [`Self::retry`].
    pub async fn bind_seat(
        &self,
        seat: i64,
        email: &str,
        idempotency_key: Option<&str>,
    ) -> Result<wire::Seat, ClientError> {
        let body = wire::BindRequest {
            email: email.to_string(),
        };
        self.post(&format!("/seats/{seat}/bind"), &body, idempotency_key)
            .await
    }

    /// Frees a bound seat; `idempotency_key` as for [`Self::retry`].
    pub async fn unbind_seat(
        &self,
        seat: i64,
        idempotency_key: Option<&str>,
    ) -> Result<wire::Seat, ClientError> {
        self.post(
            &format!("/seats/{seat}/unbind"),
            &serde_json::json!({}),
            idempotency_key,
        )
        .await
    }

    /// Registered users whose e-mail or name contains `q` (bind suggestions).
    pub async fn users(&self, organization: i64, q: &str) -> Result<Vec<wire::User>, ClientError> {
        self.get(
            "/users",
            &[("organization", organization.to_string())]
                .into_iter()
                .chain((!q.trim().is_empty()).then(|| ("q", q.trim().to_string())))
                .collect::<Vec<_>>(),
        )
        .await
    }
}
