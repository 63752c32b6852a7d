//! Business rules every store backend applies the same way: pure functions, no I/O
//! (docs/DESIGN.md §3). The backends read what a rule needs in their transaction, ask
//! the rule, and write what it decided.

use super::error::ApiError;
use crate::client::wire::Installation;
use crate::client::wire::{ActivationLine, PrecheckRow, VendorRef};
use crate::domain::ProductKey;
use crate::domain::license::{License, LicenseLine};
use crate::domain::offline::{ActivationRequest, InstallationId};
use crate::domain::{Checked, Lang, MAX_SERIALS, PrecheckOutcome};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

pub const OFFER_NOT_ACCEPTED: &str = "Необходимо принять оферту сублицензионного договора и согласие на обработку персональных данных (the sublicense offer and the personal-data consent must be accepted first)";
pub const BLOCKED: &str = "Активация заблокирована: не оплачен счёт за лицензии; после оплаты счёта активация снова доступна (activation blocked: unpaid invoice)";

/// `10 000` style grouping for messages.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// 413 when a request carries more serials than allowed.
pub fn check_count(count: usize) -> Result<(), ApiError> {
    if count > MAX_SERIALS {
        return Err(ApiError::PayloadTooLarge(format!(
            "at most {} serials per request (got {}); split the list",
            grouped(MAX_SERIALS),
            grouped(count)
        )));
    }
    Ok(())
}

pub fn row(checked: &Checked) -> PrecheckRow {
    let device = checked.device.as_ref();
    PrecheckRow {
        serial: checked.input.clone(),
        outcome: checked.outcome,
        message: (checked.outcome != PrecheckOutcome::Ok)
            .then(|| checked.outcome.message(Lang::Ru).to_string()),
        model: device.map(|d| d.model.clone()),
        vendor: device.map(|d| VendorRef::from(d.vendor)),
        current_until: device.and_then(|d| d.current_until),
        new_until: checked.new_until,
        // A refused row names its device but has nothing to pay for.
        price: device
            .filter(|_| checked.outcome == PrecheckOutcome::Ok)
            .map(|d| d.price),
        retail_price: device
            .filter(|_| checked.outcome == PrecheckOutcome::Ok)
            .map(|d| d.retail_price),
    }
}

/// What the license of these lines grants: each device until its `new_until`.
pub fn license_of(
    number: i64,
    inn: &str,
    issued_at: DateTime<Utc>,
    lines: &[ActivationLine],
) -> License {
    License {
        activation: number,
        organization_inn: inn.to_string(),
        issued_at,
        lines: lines
            .iter()
            .map(|line| LicenseLine {
                serial: line.serial.clone(),
                model: line.model.clone(),
                valid_until: line.new_until,
            })
            .collect(),
    }
}

/// E-mails compare trimmed and case-insensitively; stored lower case.
pub fn normalize_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// The online request as the canonical `ActivationRequest` (created now, whole seconds).
pub fn online_request(
    key: ProductKey,
    inn: &str,
    kpp: Option<&str>,
    installation: &Installation,
    now: DateTime<Utc>,
) -> ActivationRequest {
    ActivationRequest {
        key,
        inn: inn.trim().to_string(),
        kpp: kpp.map(str::trim).unwrap_or_default().to_string(),
        installation: InstallationId {
            serial: installation.serial.trim().to_string(),
            hash: installation.hash.trim().to_string(),
        },
        created_at: now.trunc_subsecs(0),
    }
}

/// Most extra accounts one emergency license gives.
pub const EMERGENCY_MAX_ACCOUNTS: u32 = 10;
/// Up to this many user accounts is the free Lite edition.
pub const LITE_MAX_ACCOUNTS: u32 = 8;
/// Most accounts one purchase may add (a typo guard).
pub const PURCHASE_MAX_ACCOUNTS: u32 = 10_000;
/// `POST /purchases` body: a permanent purchase of more user accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRequest {
    pub organization: i64,
    pub product: String,
    /// 1..=10 000 accounts (and as many new seats, valid 12 months from today).
    pub accounts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(10_000), "10 000");
        assert_eq!(grouped(1_234_567), "1 234 567");
        assert!(check_count(10_000).is_ok());
        let err = check_count(10_001).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("at most 10 000 serials per request (got 10 001); split the list")
        );
    }
}
