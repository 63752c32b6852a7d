//! Accounts, login and tokens (issue 15): the client's calls (the shapes are in
//! `wire`; the paged lists and passwords are in `access`).

use super::{ApiClient, ClientError, decode, map_transport, new_idempotency_key, send, wire};

/// Accounts, login and tokens (issue 15).
impl ApiClient {
    /// A client without a token, for [`Self::login`] and [`Self::accept_invitation`].
    pub fn anonymous(portal: &str) -> Result<ApiClient, ClientError> {
        ApiClient::new(portal, "")
    }

    /// A new token for the account. Sent once: a throttled login (429) is reported
    /// with its wait, not waited out here, so the person at the prompt is told.
    pub async fn login(
        &self,
        email: &str,
        password: &crate::secret::Secret,
        label: Option<&str>,
    ) -> Result<wire::LoginResponse, ClientError> {
        let body = wire::LoginRequest {
            email: email.to_string(),
            password: password.clone(),
            label: label.map(str::to_string),
        };
        let request = self
            .request(reqwest::Method::POST, self.url("/login")?)
            .json(&body);
        decode(request.send().await.map_err(map_transport)?).await
    }

    /// Revokes this client's own token.
    pub async fn logout(&self) -> Result<wire::TokenInfo, ClientError> {
        self.post("/logout", &serde_json::json!({}), None).await
    }

    pub async fn revoke_token(&self, id: i64) -> Result<wire::TokenInfo, ClientError> {
        let url = self.url(&format!("/tokens/{id}"))?;
        decode(send(self.request(reqwest::Method::DELETE, url)).await?).await
    }

    /// Creates an account; without a password the answer carries an invitation code.
    pub async fn create_account(
        &self,
        request: &wire::NewAccountRequest,
    ) -> Result<wire::CreatedAccount, ClientError> {
        // Under a key of its own: a resend after a lost answer is one account.
        self.post("/accounts", request, Some(&new_idempotency_key()))
            .await
    }

    /// Disables an account and revokes its tokens.
    pub async fn disable_account(&self, id: i64) -> Result<wire::AccountInfo, ClientError> {
        let url = self.url(&format!("/accounts/{id}"))?;
        decode(send(self.request(reqwest::Method::DELETE, url)).await?).await
    }

    /// Sets the password of an invited account (no token needed).
    pub async fn accept_invitation(
        &self,
        code: &crate::secret::Secret,
        password: &crate::secret::Secret,
    ) -> Result<wire::AccountInfo, ClientError> {
        let body = wire::AcceptInvitation {
            code: code.clone(),
            password: password.clone(),
        };
        self.post("/invitations/accept", &body, None).await
    }
}
