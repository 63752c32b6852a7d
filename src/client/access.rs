//! Paged token and account lists, password change and reset (issue 15,
//! docs/DESIGN.md §4.2): wire types shared by the portal and the client, and the
//! client's calls.

use super::wire::{AccountInfo, TokenInfo};
use super::{ClientError, new_idempotency_key};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// `per_page` of `GET /tokens` and `GET /accounts`: 1 to this many (default
/// [`ACCESS_DEFAULT_PER_PAGE`]).
pub const ACCESS_MAX_PER_PAGE: u32 = 100;
pub const ACCESS_DEFAULT_PER_PAGE: u32 = 50;

/// Prefix of a password-reset code, as `lci_` is of an invitation code.
pub const RESET_PREFIX: &str = "lcr_";

/// A page of a list read by cursor (tokens newest first, accounts by e-mail). No
/// total; `next` says there is more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    pub items: Vec<T>,
    pub per_page: u32,
    /// Pass as `cursor=` for the next page; None on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `POST /password`: the logged-in account's current password and its new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current_password: Secret,
    pub new_password: Secret,
}

/// `POST /password` answer: the account, and how many of its other tokens were revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    pub account: AccountInfo,
    pub revoked_tokens: u32,
}

/// `POST /accounts/{id}/reset` answer: the one-time code (shown this once; the portal
/// keeps only its hash) with which the account's owner sets a new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub account: AccountInfo,
    pub code: Secret,
}

/// `POST /password/reset`: a reset code and the new password (no token needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetWithCode {
    pub code: Secret,
    pub password: Secret,
}

fn page_params(
    cursor: Option<&str>,
    extra: &[(&'static str, String)],
) -> Vec<(&'static str, String)> {
    let mut params: Vec<(&'static str, String)> = extra.to_vec();
    if let Some(cursor) = cursor {
        params.push(("cursor", cursor.to_string()));
    }
    params
}

impl super::ApiClient {
    /// One page of the tokens this token may manage: its account's; a partner admin's
    /// organizations'; an operator all. Newest first.
    pub async fn tokens_page(
        &self,
        cursor: Option<&str>,
    ) -> Result<CursorPage<TokenInfo>, ClientError> {
        self.get("/tokens", &page_params(cursor, &[])).await
    }

    /// Every token this token may manage, following the pages.
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, ClientError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.tokens_page(cursor.as_deref()).await?;
            all.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// One page of the accounts this token may manage, by e-mail; `email` narrows it to
    /// that one account.
    pub async fn accounts_page(
        &self,
        cursor: Option<&str>,
        email: Option<&str>,
    ) -> Result<CursorPage<AccountInfo>, ClientError> {
        let extra: Vec<(&'static str, String)> = email
            .map(|e| vec![("email", e.trim().to_string())])
            .unwrap_or_default();
        self.get("/accounts", &page_params(cursor, &extra)).await
    }

    /// Every account this token may manage, following the pages.
    pub async fn accounts(&self) -> Result<Vec<AccountInfo>, ClientError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.accounts_page(cursor.as_deref(), None).await?;
            all.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    /// Changes the logged-in account's password; its other tokens are revoked. Under a
    /// key of its own, so a resend after a lost answer replays it.
    pub async fn change_password(
        &self,
        current: &Secret,
        new: &Secret,
    ) -> Result<PasswordChanged, ClientError> {
        let body = PasswordChange {
            current_password: current.clone(),
            new_password: new.clone(),
        };
        self.post("/password", &body, Some(&new_idempotency_key()))
            .await
    }

    /// A one-time reset code for an account (an operator; a partner admin for its
    /// organizations' accounts).
    pub async fn reset_password(&self, account: i64) -> Result<PasswordReset, ClientError> {
        self.post(
            &format!("/accounts/{account}/reset"),
            &serde_json::json!({}),
            None,
        )
        .await
    }

    /// Sets a new password with a reset code (no token needed); every token of the
    /// account is revoked.
    pub async fn reset_with_code(
        &self,
        code: &Secret,
        password: &Secret,
    ) -> Result<AccountInfo, ClientError> {
        let body = ResetWithCode {
            code: code.clone(),
            password: password.clone(),
        };
        self.post("/password/reset", &body, None).await
    }
}
