//! Many rows at once (issue 16 b; docs/DESIGN.md §4.9): the bulk retry
//! (`POST /activations/retry`, up to [`BULK_MAX`] numbers, one answer per number), the
//! bulk unbind (`POST /seats/unbind`, up to [`BULK_MAX`] seats, one answer per seat) and
//! the triage of errors (`GET /activations/errors`: errored activations grouped by
//! their error text with the serial taken out).

use super::wire::{ActivationSummary, ErrorInfo, OrgRef, Seat};
use super::{ApiClient, ClientError};
use crate::domain::FailureReason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Numbers per bulk request: a page of the list at its largest.
pub const BULK_MAX: usize = 100;

/// `POST /activations/retry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRetryRequest {
    pub numbers: Vec<i64>,
}

/// What happened to one number of a bulk request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Done now (the activation is queued again).
    Retried,
    /// Refused by a rule (not in error, not found); nothing changed for it.
    Refused,
}

/// One number's answer, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRetryResult {
    pub number: i64,
    pub outcome: BulkOutcome,
    /// The activation as it is now (retried only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<ActivationSummary>,
    /// Why it was refused: the error the single retry would have answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRetryResponse {
    pub results: Vec<BulkRetryResult>,
}

impl BulkRetryResponse {
    pub fn retried(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == BulkOutcome::Retried)
            .count()
    }
}

/// `POST /seats/unbind`: seat ids, each unbound as `POST /seats/{id}/unbind` would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUnbindRequest {
    pub seats: Vec<i64>,
}

/// What happened to one seat of a bulk unbind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnbindOutcome {
    /// Free now.
    Unbound,
    /// Refused by a rule (not found, not bound); nothing changed for it.
    Refused,
}

/// One seat's answer, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUnbindResult {
    pub seat_id: i64,
    pub outcome: UnbindOutcome,
    /// The seat as it is now (unbound only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat: Option<Seat>,
    /// Why it was refused: the error the single unbind would have answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUnbindResponse {
    pub results: Vec<BulkUnbindResult>,
}

impl BulkUnbindResponse {
    pub fn unbound(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == UnbindOutcome::Unbound)
            .count()
    }
}

/// The periods the triage is usually asked for (`since=24h`, `since=7d`).
pub const TRIAGE_PERIODS: [&str; 2] = ["24h", "7d"];

/// Numbers listed per group at most; `count` is always the whole group.
pub const GROUP_NUMBERS_MAX: usize = 1_000;

/// `GET /activations/errors`: the errored activations ordered since `since`, grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorTriage {
    pub since: DateTime<Utc>,
    /// Errored activations in the period, all groups together.
    pub total: u64,
    /// Largest group first.
    pub groups: Vec<ErrorGroup>,
}

/// Errored activations whose error reads the same but for the serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorGroup {
    /// The error text with the serial shown as `…` (the whole text when it is not
    /// one of the registry's known refusals).
    pub error: String,
    /// The registry's reason, when the text is a known refusal.
    pub reason: Option<FailureReason>,
    /// A retry can succeed (the reason is not final, or unknown).
    pub retryable: bool,
    pub count: u64,
    /// Organizations in the group, most errors first.
    pub organizations: Vec<GroupOrganization>,
    /// The group's activation numbers, newest first, at most [`GROUP_NUMBERS_MAX`].
    pub numbers: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOrganization {
    #[serde(flatten)]
    pub organization: OrgRef,
    pub count: u64,
}

impl ApiClient {
    /// Retries up to [`BULK_MAX`] errored activations in one request; the key makes
    /// a resend answer what the first did.
    pub async fn retry_many(
        &self,
        numbers: &[i64],
        idempotency_key: &str,
    ) -> Result<BulkRetryResponse, ClientError> {
        let body = BulkRetryRequest {
            numbers: numbers.to_vec(),
        };
        self.post("/activations/retry", &body, Some(idempotency_key))
            .await
    }

    /// Unbinds up to [`BULK_MAX`] seats in one request; the key makes a resend answer
    /// what the first did.
    pub async fn unbind_many(
        &self,
        seats: &[i64],
        idempotency_key: &str,
    ) -> Result<BulkUnbindResponse, ClientError> {
        let body = BulkUnbindRequest {
            seats: seats.to_vec(),
        };
        self.post("/seats/unbind", &body, Some(idempotency_key))
            .await
    }

    /// The errored activations since `since` (`24h`, `7d`, a date or an RFC 3339
    /// moment), grouped by error; `organization` narrows to one.
    pub async fn error_triage(
        &self,
        since: &str,
        organization: Option<i64>,
    ) -> Result<ErrorTriage, ClientError> {
        let mut query = vec![("since", since.to_string())];
        if let Some(id) = organization {
            query.push(("organization", id.to_string()));
        }
        self.get("/activations/errors", &query).await
    }
}
