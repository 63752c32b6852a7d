//! Why the vendor registry refused an activation (docs/DESIGN.md §3.5): which serial,
//! and whether trying again can help. The worker writes the text in Russian, as the
//! vendor's portal words it; any text written from these templates, in either
//! language, is read back into the structured failure, so the portal can name the
//! failing serial in an activation's `failure` and clients can word it themselves.

use super::Lang;
use super::template;
use serde::{Deserialize, Serialize};

/// The registry's reason. Each is final (a retry will be refused again) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The device was deregistered («снято с учёта»).
    Deregistered,
    /// The device is registered to another owner.
    OtherOwner,
    /// The model does not support the subscription.
    UnsupportedModel,
    /// The vendor's service did not answer.
    NoAnswer,
    /// The vendor registry was temporarily unavailable.
    Unavailable,
}

impl FailureReason {
    pub const ALL: [FailureReason; 5] = [
        FailureReason::Deregistered,
        FailureReason::OtherOwner,
        FailureReason::UnsupportedModel,
        FailureReason::NoAnswer,
        FailureReason::Unavailable,
    ];

    /// True when trying the same serial again cannot succeed.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            FailureReason::Deregistered
                | FailureReason::OtherOwner
                | FailureReason::UnsupportedModel
        )
    }

    /// The whole sentence, with `{0}` for the serial.
    pub fn template(self, lang: Lang) -> &'static str {
        use FailureReason::*;
        match (self, lang) {
            (Deregistered, Lang::Ru) => {
                "Реестр вендора отклонил серийный номер {0}: устройство снято с учёта"
            }
            (Deregistered, Lang::En) => {
                "The vendor registry refused serial number {0}: the device is deregistered"
            }
            (OtherOwner, Lang::Ru) => {
                "Реестр вендора отклонил серийный номер {0}: устройство зарегистрировано за другим владельцем"
            }
            (OtherOwner, Lang::En) => {
                "The vendor registry refused serial number {0}: the device is registered to another owner"
            }
            (UnsupportedModel, Lang::Ru) => {
                "Реестр вендора отклонил серийный номер {0}: модель не поддерживает подписку «Кассовое ядро – МН»"
            }
            (UnsupportedModel, Lang::En) => {
                "The vendor registry refused serial number {0}: the model does not support the subscription"
            }
            (NoAnswer, Lang::Ru) => {
                "Сервис вендора не ответил при активации серийного номера {0}; повторите запрос"
            }
            (NoAnswer, Lang::En) => {
                "The vendor's service did not answer while activating serial number {0}; try again"
            }
            (Unavailable, Lang::Ru) => {
                "Реестр вендора временно недоступен, повторите запрос (серийный номер {0})"
            }
            (Unavailable, Lang::En) => {
                "The vendor registry is temporarily unavailable, try again (serial number {0})"
            }
        }
    }
}

/// The serial the registry refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActivationFailure {
    pub serial: String,
    pub reason: FailureReason,
}

impl ActivationFailure {
    pub fn text(&self, lang: Lang) -> String {
        template::fill(self.reason.template(lang), &[self.serial.as_str()])
    }

    /// The failure a text written from one of the templates (in either language)
    /// describes; None for any other text.
    pub fn recognize(text: &str) -> Option<ActivationFailure> {
        let text = text.trim();
        FailureReason::ALL.into_iter().find_map(|reason| {
            [Lang::Ru, Lang::En].into_iter().find_map(|lang| {
                let mut args = template::read(reason.template(lang), text)?;
                Some(ActivationFailure {
                    serial: args.pop()?,
                    reason,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_reads_back_in_both_languages() {
        for reason in FailureReason::ALL {
            let failure = ActivationFailure {
                serial: "0239342748906570".into(),
                reason,
            };
            for lang in [Lang::Ru, Lang::En] {
                assert_eq!(
                    ActivationFailure::recognize(&failure.text(lang)),
                    Some(failure.clone()),
                    "{reason:?} {lang:?}"
                );
            }
        }
        assert_eq!(ActivationFailure::recognize("something else"), None);
    }

    #[test]
    fn the_worker_text_of_a_deregistered_device_is_final() {
        let text =
            "Реестр вендора отклонил серийный номер 0239110138900130: устройство снято с учёта";
        let failure = ActivationFailure::recognize(text).expect("recognized");
        assert_eq!(failure.serial, "0239110138900130");
        assert!(failure.reason.is_final());
        assert!(!FailureReason::Unavailable.is_final());
        assert!(!FailureReason::NoAnswer.is_final());
    }
}
