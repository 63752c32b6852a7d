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
