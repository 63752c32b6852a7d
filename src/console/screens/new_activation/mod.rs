//! New activation: organization → offer → serials → precheck → confirmation.
//!
//! The flow keeps everything the user typed, pasted or selected until the activation
//! is created or the user discards it (F8); a failed request never clears anything.
//!
//! This module holds the flow's state, its steps and the key dispatch; each step's
//! own handling lives in `serials`, `precheck` and `confirm`, the key tables in `keys`
//! and the drawing in `view`.

mod confirm;
mod find;
mod keys;
mod precheck;
mod renewal;
mod serials;
mod view;

pub use confirm::{Confirm, LARGE_ORDER_LICENSES, LARGE_ORDER_TOTAL, VendorGroup, confirm_lines};
pub use find::{ALL_FILE, ERRORS_FILE, SavePrompt, SearchPrompt, table_text};
pub use keys::{
    FlowAction, OFFER_BINDINGS, ORGANIZATION_BINDINGS, PRECHECK_BINDINGS, SAVE_BINDINGS,
    SEARCH_BINDINGS, SERIALS_BINDINGS,
};
pub use precheck::{PrecheckLine, summary_text};
pub use serials::{SAMPLE_FILE_NAME, SerialInput};
pub use view::{ViewContext, page_rows, view};

use crate::client::ClientError;
use crate::client::wire::Organization;
use crate::console::app::Command;
use crate::console::i18n::{self, Tr, dialogs};
use crate::console::keymap::{Binding, Keymap};
use crate::console::screens::dialog::{ConfirmDialog, Confirmed, Dialog};
use crate::console::theme::Theme;
use crate::domain::{Lang, SerialList};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Organization,
    Offer,
    Serials,
    Precheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    AcceptOffer,
    Precheck,
    Create,
    Import,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewActivation {
    pub step: Step,
    pub org_cursor: usize,
    pub organization: Option<Organization>,
    pub input: SerialInput,
    /// The live format check of the text area.
    pub check: SerialList,
    /// `Some(path)` while the import-path input is open.
    pub import_path: Option<String>,
    /// The working list after a precheck (deleting rows never edits the text area).
    pub rows: Vec<PrecheckLine>,
    pub cursor: usize,
    /// The open `/` prompt over the precheck table.
    pub search: Option<SearchPrompt>,
    /// The open "save rows to a file" prompt.
    pub save: Option<SavePrompt>,
    /// Rows in a page of the table (PgUp/PgDn), from the terminal's height.
    pub page_rows: usize,
    pub show_retail: bool,
    pub pending: Option<Pending>,
    /// The key of the last confirmed request and the serials it was for: confirming
    /// the same serials again (after a network failure) reuses it, so the portal never
    /// charges twice.
    pub idempotency: Option<(Vec<String>, String)>,
    /// Started from the Renewals screen: the order's key is the renewal's, derived
    /// from what is renewed, not random (`renewal.rs`).
    pub renewal: bool,
}

/// What a key or an answer asks of the app: the one `Reply` of every screen
/// (`close`: leave the flow, kept; `discard`: drop it).
pub use super::Reply as Outcome;

impl NewActivation {
    /// Starts the flow; with exactly one organization the chooser is skipped.
    pub fn start(organizations: &[Organization], theme: &Theme, lang: Lang) -> NewActivation {
        let mut flow = NewActivation {
            step: Step::Organization,
            org_cursor: 0,
            organization: None,
            input: SerialInput::new(theme, lang),
            check: SerialList::default(),
            import_path: None,
            rows: Vec::new(),
            cursor: 0,
            search: None,
            save: None,
            page_rows: 10,
            show_retail: false,
            pending: None,
            idempotency: None,
            renewal: false,
        };
        flow.organizations_arrived(organizations);
        flow
    }

    /// The organizations (re)arrived: a single one is chosen without asking.
    pub fn organizations_arrived(&mut self, organizations: &[Organization]) {
        // A blocked one stays in the chooser, which says why.
        if self.step == Step::Organization
            && let [only] = organizations
            && !only.activation_blocked
        {
            self.choose(only.clone());
        }
        self.org_cursor = self.org_cursor.min(organizations.len().saturating_sub(1));
    }

    fn choose(&mut self, organization: Organization) {
        self.step = if organization.offer_accepted_at.is_some() {
            Step::Serials
        } else {
            Step::Offer
        };
        self.organization = Some(organization);
    }

    /// The answer to `request` arrived: it is no longer pending (an answer to
    /// something else leaves the pending request as it is).
    fn answered(&mut self, request: Pending) {
        if self.pending == Some(request) {
            self.pending = None;
        }
    }

    fn organization_id(&self) -> i64 {
        self.organization.as_ref().map(|o| o.id).unwrap_or_default()
    }

    /// The bindings of the step in front.
    pub fn bindings(&self) -> &'static [Binding<FlowAction>] {
        if self.step == Step::Precheck && self.search.is_some() {
            return SEARCH_BINDINGS;
        }
        if self.step == Step::Precheck && self.save.is_some() {
            return SAVE_BINDINGS;
        }
        match self.step {
            Step::Organization => ORGANIZATION_BINDINGS,
            Step::Offer => OFFER_BINDINGS,
            Step::Serials => SERIALS_BINDINGS,
            Step::Precheck => PRECHECK_BINDINGS,
        }
    }

    /// No text is typed in front (no text area or prompt; a confirmation is a dialog
    /// on the app's stack, which has the keys then): the keys that work on every such
    /// screen (the message log) work here too.
    pub fn takes_global_keys(&self) -> bool {
        self.import_path.is_none()
            && self.search.is_none()
            && self.save.is_none()
            && self.step != Step::Serials
    }

    pub fn step_title(&self) -> Tr {
        match self.step {
            Step::Organization => i18n::STEP_ORGANIZATION,
            Step::Offer => i18n::STEP_OFFER,
            Step::Serials => i18n::STEP_SERIALS,
            Step::Precheck => i18n::STEP_PRECHECK,
        }
    }

    /// A key while the flow is in front.
    pub fn on_key(
        &mut self,
        event: &KeyEvent,
        organizations: &[Organization],
        lang: Lang,
        keymap: &Keymap,
    ) -> Outcome {
        if self.step == Step::Serials && self.import_path.is_some() {
            return self.import_key(event);
        }
        if self.step == Step::Precheck && self.search.is_some() {
            let action = keymap.lookup(SEARCH_BINDINGS, event);
            return self.search_key(action, event, lang);
        }
        if self.step == Step::Precheck && self.save.is_some() {
            let action = keymap.lookup(SAVE_BINDINGS, event);
            return self.save_key(action, event, lang);
        }
        let Some(action) = keymap.lookup(self.bindings(), event) else {
            if self.step == Step::Serials {
                self.input.0.input(*event);
                self.recheck();
            }
            return Outcome::default();
        };
        match action {
            FlowAction::Help => Outcome {
                help: true,
                ..Outcome::default()
            },
            FlowAction::Discard => self.discard(lang),
            FlowAction::Back => self.back(organizations),
            FlowAction::Quit => Outcome {
                quit: true,
                ..Outcome::default()
            },
            _ => match self.step {
                Step::Organization => self.organization_action(action, organizations, lang),
                Step::Offer => self.offer_action(action),
                Step::Serials => self.serials_action(action, lang),
                Step::Precheck => self.precheck_action(action, lang),
            },
        }
    }

    /// F8: asks first when anything typed or checked would be lost.
    fn discard(&self, lang: Lang) -> Outcome {
        if self.input.0.is_empty() && self.rows.is_empty() {
            return Outcome {
                discard: true,
                notice: Some(i18n::DISCARDED.get(lang).to_string()),
                ..Outcome::default()
            };
        }
        Outcome::open(Dialog::Confirm(ConfirmDialog::new(
            dialogs::DISCARD_TITLE.get(lang),
            vec![dialogs::DISCARD_QUESTION.get(lang).to_string()],
            dialogs::DISCARD_BUTTON.get(lang),
            Confirmed::Discard,
        )))
    }

    /// Esc: one step back; from the first step the flow is left (and kept).
    fn back(&mut self, organizations: &[Organization]) -> Outcome {
        let several = organizations.len() > 1;
        let previous = match self.step {
            Step::Precheck => Some(Step::Serials),
            Step::Serials | Step::Offer if several => Some(Step::Organization),
            _ => None,
        };
        match previous {
            Some(step) => {
                self.step = step;
                Outcome::default()
            }
            None => Outcome {
                close: true,
                ..Outcome::default()
            },
        }
    }

    fn organization_action(
        &mut self,
        action: FlowAction,
        organizations: &[Organization],
        lang: Lang,
    ) -> Outcome {
        let last = organizations.len().saturating_sub(1);
        match action {
            FlowAction::Down => self.org_cursor = (self.org_cursor + 1).min(last),
            FlowAction::Up => self.org_cursor = self.org_cursor.saturating_sub(1),
            FlowAction::Choose => {
                if let Some(org) = organizations.get(self.org_cursor) {
                    // Stopped here, before the offer and the serials, not at the end.
                    if org.activation_blocked {
                        return Outcome::error(i18n::activation::blocked_for(lang, org));
                    }
                    // Another organization: its precheck no longer applies.
                    if self.organization.as_ref().map(|o| o.id) != Some(org.id) {
                        self.rows.clear();
                        self.idempotency = None;
                    }
                    self.choose(org.clone());
                }
            }
            _ => {}
        }
        Outcome::default()
    }

    fn offer_action(&mut self, action: FlowAction) -> Outcome {
        if action != FlowAction::Accept || self.pending.is_some() {
            return Outcome::default();
        }
        self.pending = Some(Pending::AcceptOffer);
        Outcome::command(Command::AcceptOffer {
            organization: self.organization_id(),
        })
    }

    pub fn offer_accepted(&mut self, result: Result<Organization, ClientError>) {
        self.answered(Pending::AcceptOffer);
        if let Ok(org) = result
            && self.organization.as_ref().map(|o| o.id) == Some(org.id)
        {
            self.organization = Some(org);
            if self.step == Step::Offer {
                self.step = Step::Serials;
            }
        }
    }
}
