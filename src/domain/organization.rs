//! Why an organization may not create activations now (docs/DESIGN.md §3.1), worded
//! once for the portal's refusal and the console's organization chooser.

use super::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationRefusal {
    /// The sublicense offer and the personal-data consent are not accepted yet.
    OfferNotAccepted,
    /// Activation is blocked for an unpaid invoice.
    InvoiceUnpaid,
}

impl ActivationRefusal {
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ActivationRefusal::OfferNotAccepted, Lang::Ru) => {
                "Необходимо принять оферту сублицензионного договора и согласие на обработку персональных данных"
            }
            (ActivationRefusal::OfferNotAccepted, Lang::En) => {
                "The sublicense offer and the personal-data consent must be accepted first"
            }
            (ActivationRefusal::InvoiceUnpaid, Lang::Ru) => {
                "Активация заблокирована: не оплачен счёт за лицензии; после оплаты счёта активация снова доступна"
            }
            (ActivationRefusal::InvoiceUnpaid, Lang::En) => {
                "Activation is blocked: the invoice for licenses is unpaid; once it is paid, activation is available again"
            }
        }
    }
}

/// The refusal when an overdue invoice blocks the organization (issue 17), with holes
/// for the invoice number, its amount (`2 900 ₽`) and its due date (`09.11.2026`).
pub fn invoice_block_template(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => {
            "Активация заблокирована: не оплачен счёт {0} на {1}, срок оплаты {2} истёк; после оплаты счёта активация снова доступна"
        }
        Lang::En => {
            "Activation is blocked: invoice {0} for {1}, due {2}, is unpaid; once it is paid, activation is available again"
        }
    }
}

/// [`invoice_block_template`] filled in.
pub fn invoice_block_text(
    lang: Lang,
    number: &str,
    total: super::Kopecks,
    due_on: chrono::NaiveDate,
) -> String {
    super::template::fill(
        invoice_block_template(lang),
        &[
            number.to_string(),
            super::format_rub(total, false),
            super::format_date(due_on),
        ],
    )
}
