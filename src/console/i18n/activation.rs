//! An activation that failed (which serial, whether a retry can help) and the new
//! activation's organization chooser and offer.

use super::Tr;
use crate::client::wire::ActivationSummary;
use crate::domain::{ActivationFailure, ActivationRefusal, Lang};

/// The error text of an activation in the UI's language: from the portal's structured
/// failure when there is one (a mirror stores the portal's own words), else as sent.
pub fn error_text(summary: &ActivationSummary, lang: Lang) -> Option<String> {
    match &summary.failure {
        Some(failure) => Some(failure.text(lang)),
        None => summary
            .error
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string),
    }
}

/// After the error text in the detail: whether a retry can help.
pub fn retry_outlook(failure: &ActivationFailure, lang: Lang) -> &'static str {
    if failure.reason.is_final() {
        Tr::new(
            "Повтор не поможет: уберите этот номер и активируйте остальные заново.",
            "A retry cannot succeed: remove this serial and activate the rest anew.",
        )
    } else {
        Tr::new("Повтор может помочь (R).", "A retry may succeed (R).")
    }
    .get(lang)
}

/// `R` on an activation whose failure is final: said instead of retrying.
pub fn retry_refused(failure: &ActivationFailure, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!(
            "Повтор не поможет — {}. Уберите номер {} и активируйте остальные заново.",
            failure.text(lang),
            failure.serial
        ),
        Lang::En => format!(
            "A retry cannot succeed — {}. Remove serial {} and activate the rest anew.",
            failure.text(lang),
            failure.serial
        ),
    }
}

/// The detail's note on the failing line's row.
pub const FAILED_LINE: Tr = Tr::new("на этой строке", "this line");

/// Enter on a blocked organization in the chooser: the portal's reason, in full.
pub fn blocked(lang: Lang) -> &'static str {
    ActivationRefusal::InvoiceUnpaid.text(lang)
}

/// Why this organization is blocked: the overdue invoice by number, amount and due
/// date when one blocks it (issue 17), else the portal's general reason.
pub fn blocked_for(lang: Lang, organization: &crate::client::wire::Organization) -> String {
    match &organization.blocked_by {
        Some(invoice) => crate::domain::organization::invoice_block_text(
            lang,
            &invoice.number,
            invoice.total,
            invoice.due_on,
        ),
        None => blocked(lang).to_string(),
    }
}

/// Below the chooser's list when the selected organization is blocked.
pub const BLOCKED_HINT: Tr = Tr::new(
    "Для этой организации новая активация недоступна.",
    "No new activation for this organization.",
);
