//! The flow started from the Renewals screen (issue 16): the organization chosen, the
//! marked serials filled in and prechecked at once; its order's idempotency key is
//! derived from the organization, the serials and the ends they renew (the precheck's
//! `current_until`), so another console renewing the same devices — or a resend after
//! a lost answer — sends the same key and the portal creates the activation once
//! (`client::devices::renewal_key`, docs/DESIGN.md §4.5).

use super::{NewActivation, Outcome, Step};
use crate::client::wire::Organization;
use crate::console::theme::Theme;
use crate::domain::Lang;

impl NewActivation {
    /// The flow for renewing `serials` of `organization`; the outcome asks for the
    /// precheck (or, before the offer is accepted, nothing yet).
    pub fn renewal(
        organization: Organization,
        serials: &[String],
        theme: &Theme,
        lang: Lang,
    ) -> (NewActivation, Outcome) {
        let mut flow = NewActivation::start(&[], theme, lang);
        flow.choose(organization);
        flow.set_text(&serials.join("\n"));
        flow.renewal = true;
        let outcome = if flow.step == Step::Serials {
            flow.request_precheck(lang)
        } else {
            Outcome::default()
        };
        (flow, outcome)
    }

    /// The renewal's key for sending `serials`: what each renews is the end the
    /// precheck showed.
    pub(super) fn renewal_key(&self, serials: &[String]) -> String {
        let devices: Vec<(String, Option<chrono::NaiveDate>)> = serials
            .iter()
            .map(|serial| {
                let until = self
                    .rows
                    .iter()
                    .find(|line| &line.row.serial == serial)
                    .and_then(|line| line.row.current_until);
                (serial.clone(), until)
            })
            .collect();
        crate::client::devices::renewal_key(self.organization_id(), &devices)
    }
}
