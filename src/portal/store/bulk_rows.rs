//! The answer of one number (or seat) in a bulk write (issue 16 b), shared by both backends: the
//! single write's answer or refusal, as one row.

use crate::client::bulk::{BulkOutcome, BulkRetryResult, BulkUnbindResult, UnbindOutcome};
use crate::client::wire::{ActivationSummary, Seat};
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

/// An unbound seat carries the seat as it is now (free); a refused one the error the
/// single unbind would have answered.
pub fn unbind_row(seat_id: i64, answer: Result<Seat, ApiError>) -> BulkUnbindResult {
    match answer {
        Ok(seat) => BulkUnbindResult {
            seat_id,
            outcome: UnbindOutcome::Unbound,
            seat: Some(seat),
            error: None,
        },
        Err(refusal) => BulkUnbindResult {
            seat_id,
            outcome: UnbindOutcome::Refused,
            seat: None,
            error: refusal.to_stored().map(|(_, info)| info),
        },
    }
}
