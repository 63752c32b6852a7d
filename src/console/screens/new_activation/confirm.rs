//! The confirmation: what will be sent, grouped by vendor (shown in a confirmation on
//! the app's stack), sending it with an idempotency key, and what a failed create
//! leaves behind.

use super::{NewActivation, Outcome, Pending};
use crate::client::ClientError;
use crate::console::app::{Cause, Command};
use crate::console::i18n::{self, dialogs};
use crate::console::screens::dialog::{ConfirmDialog, Confirmed, Dialog};
use crate::domain::{Kopecks, Lang, Vendor, format_rub};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorGroup {
    pub vendor: Vendor,
    pub count: usize,
    pub sum: Kopecks,
}

/// What a confirmation would send: exactly these serials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub serials: Vec<String>,
    pub groups: Vec<VendorGroup>,
    pub total: Kopecks,
}

/// From this many licenses on, the count has to be typed to confirm.
pub const LARGE_ORDER_LICENSES: usize = 100;
/// From this total on (over 1 000 000 ₽), likewise.
pub const LARGE_ORDER_TOTAL: Kopecks = Kopecks(1_000_000 * 100);

/// Why nothing can be confirmed (nothing is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotConfirmable {
    /// Rows with errors are among the rows to activate.
    RowsWithErrors,
    /// No rows to activate.
    Nothing,
}

impl Confirm {
    /// Over 100 licenses or over 1 000 000 ₽.
    pub fn is_large(&self) -> bool {
        self.serials.len() > LARGE_ORDER_LICENSES || self.total.0 > LARGE_ORDER_TOTAL.0
    }
}

impl NewActivation {
    /// What Enter (or `A`) would activate, grouped by vendor; refused (nothing sent)
    /// when rows with errors are among them.
    pub fn confirmation(&self) -> Result<Confirm, NotConfirmable> {
        let (rows, _) = self.target();
        if rows.iter().any(|l| !l.is_ok()) {
            return Err(NotConfirmable::RowsWithErrors);
        }
        if rows.is_empty() {
            return Err(NotConfirmable::Nothing);
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
        Ok(Confirm {
            serials: rows.iter().map(|l| l.row.serial.clone()).collect(),
            groups,
            total,
        })
    }

    /// The confirmation as a dialog on the app's stack: on Cancel; a large order
    /// asks for its license count too.
    pub(super) fn open_confirm(&mut self, lang: Lang) -> Outcome {
        let confirm = match self.confirmation() {
            Ok(confirm) => confirm,
            Err(NotConfirmable::RowsWithErrors) => {
                return Outcome::error_while(
                    i18n::ERRORS_IN_TARGET.get(lang),
                    Cause::PrecheckErrors,
                );
            }
            Err(NotConfirmable::Nothing) => {
                return Outcome::error(i18n::NOTHING_TO_ACTIVATE.get(lang));
            }
        };
        let dialog = ConfirmDialog::new(
            i18n::CONFIRM_TITLE.get(lang),
            confirm_lines(&confirm, lang),
            dialogs::ACTIVATE_BUTTON.get(lang),
            Confirmed::Activate {
                serials: confirm.serials.clone(),
            },
        );
        let dialog = if confirm.is_large() {
            dialog.with_typed_count(confirm.serials.len())
        } else {
            dialog
        };
        Outcome::open(Dialog::Confirm(dialog))
    }

    /// Confirmed: send, with the key of an earlier attempt at the same serials when
    /// there was one.
    pub fn send_create(&mut self, serials: Vec<String>) -> Vec<Command> {
        if self.pending.is_some() || serials.is_empty() {
            return Vec::new();
        }
        let key = match &self.idempotency {
            Some((earlier, key)) if *earlier == serials => key.clone(),
            _ if self.renewal => self.renewal_key(&serials),
            _ => crate::client::new_idempotency_key(),
        };
        self.idempotency = Some((serials.clone(), key.clone()));
        self.pending = Some(Pending::Create);
        vec![Command::CreateActivations {
            organization: self.organization_id(),
            serials,
            idempotency_key: key,
        }]
    }

    /// The create failed: nothing is lost; on a 422 the refused rows get the portal's
    /// outcome and message (their selection stays).
    pub fn create_failed(&mut self, error: &ClientError) {
        self.pending = None;
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
