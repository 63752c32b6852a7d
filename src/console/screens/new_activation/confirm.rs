//! The confirmation: what will be sent, grouped by vendor, sending it with an
//! idempotency key, and what a failed create leaves behind.

use super::{NewActivation, Outcome, Pending};
use crate::client::ClientError;
use crate::console::app::{Cause, Command};
use crate::console::i18n;
use crate::domain::{Kopecks, Lang, Vendor, format_rub};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorGroup {
    pub vendor: Vendor,
    pub count: usize,
    pub sum: Kopecks,
}

/// The open confirmation: exactly what will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub serials: Vec<String>,
    pub groups: Vec<VendorGroup>,
    pub total: Kopecks,
}

impl NewActivation {
    /// Rows with errors cannot be activated: refused here, nothing is sent.
    pub(super) fn open_confirm(&mut self, lang: Lang) -> Outcome {
        let (rows, _) = self.target();
        if rows.iter().any(|l| !l.is_ok()) {
            return Outcome::error_while(i18n::ERRORS_IN_TARGET.get(lang), Cause::PrecheckErrors);
        }
        if rows.is_empty() {
            return Outcome::error(i18n::NOTHING_TO_ACTIVATE.get(lang));
        }
        let mut groups: BTreeMap<Vendor, (usize, i64)> = BTreeMap::new();
        for line in &rows {
            if let Some(vendor) = &line.row.vendor {
                let entry = groups.entry(vendor.id).or_default();
                entry.0 += 1;
                entry.1 += line.row.price.map(|p| p.0).unwrap_or(0);
            }
        }
        let groups: Vec<VendorGroup> = groups
            .into_iter()
            .map(|(vendor, (count, sum))| VendorGroup {
                vendor,
                count,
                sum: Kopecks(sum),
            })
            .collect();
        let total = Kopecks(groups.iter().map(|g| g.sum.0).sum());
        self.confirm = Some(Confirm {
            serials: rows.iter().map(|l| l.row.serial.clone()).collect(),
            groups,
            total,
        });
        Outcome::default()
    }

    /// Enter in the confirmation: send, with the key of an earlier attempt at the same
    /// serials when there was one.
    pub(super) fn send_create(&mut self) -> Outcome {
        let Some(confirm) = &self.confirm else {
            return Outcome::default();
        };
        if self.pending.is_some() {
            return Outcome::default();
        }
        let key = match &self.idempotency {
            Some((serials, key)) if *serials == confirm.serials => key.clone(),
            _ => crate::client::new_idempotency_key(),
        };
        self.idempotency = Some((confirm.serials.clone(), key.clone()));
        self.pending = Some(Pending::Create);
        Outcome::command(Command::CreateActivations {
            organization: self.organization_id(),
            serials: confirm.serials.clone(),
            idempotency_key: key,
        })
    }
    /// The create failed: nothing is lost; on a 422 the refused rows get the portal's
    /// outcome and message (their selection stays).
    pub fn create_failed(&mut self, error: &ClientError) {
        self.pending = None;
        self.confirm = None;
        if let ClientError::Rejected { rejected, .. } = error {
            for refused in rejected {
                for line in self
                    .rows
                    .iter_mut()
                    .filter(|l| l.row.serial == refused.serial)
                {
                    line.row = refused.clone();
                }
            }
        }
    }
}

/// The confirmation's lines, as drawn (tests read them too).
pub fn confirm_lines(confirm: &Confirm, lang: Lang) -> Vec<String> {
    let mut lines = vec![i18n::confirm_question(
        lang,
        confirm.serials.len(),
        confirm.groups.len(),
    )];
    for group in &confirm.groups {
        lines.push(format!(
            "  {}",
            i18n::confirm_vendor_line(
                lang,
                group.vendor.name(lang),
                group.count,
                &format_rub(group.sum, false)
            )
        ));
    }
    lines.push(i18n::confirm_total(lang, &format_rub(confirm.total, false)));
    lines
}
