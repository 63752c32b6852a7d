//! The answer of one number in a bulk write (issue 16 b), shared by both backends: the
//! single write's answer or refusal, as one row.

use crate::client::bulk::{BulkOutcome, BulkRetryResult};
use crate::client::wire::ActivationSummary;
use crate::portal::error::ApiError;

/// A retried number carries the activation as it is now; a refused one the error the
/// single retry would have answered (its code and message).
pub fn retry_row(number: i64, answer: Result<ActivationSummary, ApiError>) -> BulkRetryResult {
    match answer {
        Ok(activation) => BulkRetryResult {
            number,
            outcome: BulkOutcome::Retried,
            activation: Some(activation),
            error: None,
        },
        Err(refusal) => BulkRetryResult {
            number,
            outcome: BulkOutcome::Refused,
            activation: None,
            error: refusal.to_stored().map(|(_, info)| info),
        },
    }
}
