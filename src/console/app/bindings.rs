//! Which keys are in force on the screen in front: the help overlay's entries, the
//! key-hint line, and what the `:` palette offers. All read through the keymap, so a
//! key override shows everywhere.

use super::{Front, State, mirror, palette};
use crate::console::i18n::{self, Tr};
use crate::console::roles;
use crate::console::screens::palette::{ActionEntry, Item, ViewEntry};
use crate::console::screens::{
    activations, bulk_run, column_chooser, detail, messages, tabs, triage,
};

impl State {
    /// Help entries of the screen in front (the tab keys too where they work).
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        let (lang, keymap) = (self.lang, &*self.keymap);
        if let Some(dialog) = self.dialogs.last() {
            return dialog.help_entries(keymap, lang);
        }
        if self.bulk.run.is_some() {
            return keymap.help_entries(bulk_run::RUN_BINDINGS, lang);
        }
        if self.bulk.triage.is_some() {
            return keymap.help_entries(triage::TRIAGE_BINDINGS, lang);
        }
        if let Some(audit) = &self.audit {
            return keymap.help_entries(audit.bindings(), lang);
        }
        if self.column_chooser.is_some() {
            return keymap.help_entries(column_chooser::BINDINGS, lang);
        }
        if mirror::outbox_in_front(self) {
            return keymap.help_entries(crate::console::screens::outbox::BINDINGS, lang);
        }
        // What the role cannot do is listed too, under a line that says so.
        let role = self.role();
        let (mut entries, refused) = match (self.front(), &self.new_activation) {
            (Front::NewActivation, Some(flow)) => {
                roles::help_entries(keymap, flow.bindings(), lang, role)
            }
            (Front::Detail, _) => roles::help_entries(keymap, detail::BINDINGS, lang, role),
            (Front::Seats, _) => roles::help_entries(keymap, self.seats.bindings(), lang, role),
            (Front::Capacity, _) => {
                roles::help_entries(keymap, self.capacity.bindings(), lang, role)
            }
            (Front::Keys, _) => roles::help_entries(keymap, self.keys.bindings(), lang, role),
            (Front::Access, _) => roles::help_entries(keymap, self.access.bindings(), lang, role),
            (Front::Invoices, _) => {
                roles::help_entries(keymap, self.invoices.bindings(), lang, role)
            }
            (Front::Activity, _) => {
                roles::help_entries(keymap, self.activity.bindings(), lang, role)
            }
            (Front::Webhooks, _) => {
                roles::help_entries(keymap, self.webhooks.bindings(), lang, role)
            }
            (Front::Renewals, _) => {
                roles::help_entries(keymap, self.renewals.bindings(), lang, role)
            }
            _ => roles::help_entries(keymap, activations::BINDINGS, lang, role),
        };
        let mut globals = Vec::new();
        if self.globals_active() {
            globals.extend(keymap.help_entries(crate::console::screens::tabs::TAB_BINDINGS, lang));
            if self.sync.is_some() {
                globals.extend(
                    keymap.help_entries(crate::console::screens::outbox::MIRROR_BINDINGS, lang),
                );
            }
        }
        if self.log_key_active() {
            globals.extend(keymap.help_entries(messages::OPEN_BINDINGS, lang));
        }
        // Every role may switch screens and read its messages: those come before what
        // the role may not do, which comes last under a line that says so.
        entries.extend(globals);
        if !refused.is_empty() {
            entries.push(roles::unavailable_header(lang));
            entries.extend(refused);
        }
        entries
    }

    /// The message log's key works on the screen in front (no text is typed there).
    pub fn log_key_active(&self) -> bool {
        if !self.dialogs.is_empty() || self.bulk.run.is_some() || self.bulk.triage.is_some() {
            return false;
        }
        match self.front() {
            Front::List => self.list.search_input.is_none(),
            Front::Detail => self.detail.as_ref().is_some_and(|d| !d.editing()),
            Front::Seats => {
                self.seats.bind.is_none()
                    && self.seats.bulk.is_none()
                    && self.seats.search_input.is_none()
            }
            Front::Capacity => self.capacity.emergency.is_none(),
            Front::NewActivation => self
                .new_activation
                .as_ref()
                .is_some_and(|f| f.takes_global_keys()),
            Front::Keys => false,
            Front::Access
            | Front::Activity
            | Front::Invoices
            | Front::Webhooks
            | Front::Renewals => true,
        }
    }

    /// The help's title: «Справка — Активации».
    pub fn help_title(&self) -> String {
        let front = self.front();
        let screen: Tr = if self.bulk.run.is_some() {
            i18n::bulk::IN_RUN
        } else if self.bulk.triage.is_some() {
            i18n::bulk::TRIAGE_TITLE
        } else if self.audit.is_some() {
            i18n::tabs::HISTORY_TITLE
        } else if self.outbox_overlay.is_some() && front != Front::NewActivation {
            i18n::sync::OUTBOX_TITLE
        } else if self.column_chooser.is_some() {
            i18n::columns::TITLE
        } else {
            match front {
                Front::NewActivation => i18n::SCREEN_NEW_ACTIVATION,
                Front::Detail => i18n::SCREEN_DETAIL,
                Front::List => i18n::SCREEN_ACTIVATIONS,
                Front::Seats => tabs::Tab::Seats.title(),
                Front::Capacity => tabs::Tab::Capacity.title(),
                Front::Keys => tabs::Tab::Keys.title(),
                Front::Access => tabs::Tab::Access.title(),
                Front::Activity => tabs::Tab::Activity.title(),
                Front::Invoices => tabs::Tab::Invoices.title(),
                Front::Webhooks => tabs::Tab::Webhooks.title(),
                Front::Renewals => tabs::Tab::Renewals.title(),
            }
        };
        i18n::help_title(self.lang, screen)
    }

    /// The tab keys (and, with a mirror, `O`/`S`) work on the screen in front.
    pub(super) fn globals_active(&self) -> bool {
        matches!(
            self.front(),
            Front::List
                | Front::Seats
                | Front::Capacity
                | Front::Access
                | Front::Activity
                | Front::Invoices
                | Front::Webhooks
                | Front::Renewals
        )
    }

    /// What the `:` palette offers on the screen in front.
    pub fn palette_actions(&self) -> Vec<ActionEntry> {
        palette::actions(self)
    }

    /// The saved views the palette offers (the config's `[views]`, by name).
    pub fn palette_views(&self) -> Vec<ViewEntry> {
        self.bulk
            .views
            .iter()
            .map(|(name, view)| ViewEntry {
                name: name.clone(),
                kind: view.kind().ok(),
            })
            .collect()
    }

    /// The palette's matches for what is typed in it (none when it is closed).
    pub fn palette_items(&self) -> Vec<Item> {
        match &self.palette {
            Some(p) => crate::console::screens::palette::items(
                &p.input,
                &self.palette_actions(),
                &self.palette_views(),
                self.lang,
            ),
            None => Vec::new(),
        }
    }

    pub fn hint_entries(&self) -> Vec<(String, &'static str)> {
        let (lang, keymap) = (self.lang, &*self.keymap);
        if let Some(dialog) = self.dialogs.last() {
            return dialog.hint_entries(keymap, lang);
        }
        if self.bulk.run.is_some() {
            return keymap.hint_entries(bulk_run::RUN_BINDINGS, lang);
        }
        if self.palette.is_some() && self.bulk.triage.is_some() {
            // The palette opened over the triage has the keys (input.rs `Owner`).
            return keymap.hint_entries(crate::console::screens::palette::BINDINGS, lang);
        }
        if self.bulk.triage.is_some() {
            return keymap.hint_entries(triage::TRIAGE_BINDINGS, lang);
        }
        if self.message_log.is_some() {
            return keymap.hint_entries(messages::LOG_BINDINGS, lang);
        }
        if self.palette.is_some() {
            return keymap.hint_entries(crate::console::screens::palette::BINDINGS, lang);
        }
        if let Some(audit) = &self.audit {
            return keymap.hint_entries(audit.bindings(), lang);
        }
        if self.column_chooser.is_some() {
            return keymap.hint_entries(column_chooser::BINDINGS, lang);
        }
        if mirror::outbox_in_front(self) {
            return keymap.hint_entries(crate::console::screens::outbox::BINDINGS, lang);
        }
        // Only what the role can do.
        let role = self.role();
        match (self.front(), &self.new_activation) {
            (Front::NewActivation, Some(flow)) => {
                roles::hint_entries(keymap, flow.bindings(), lang, role)
            }
            (Front::Detail, _) => roles::hint_entries(keymap, detail::BINDINGS, lang, role),
            (Front::Seats, _) => roles::hint_entries(keymap, self.seats.bindings(), lang, role),
            (Front::Capacity, _) => {
                roles::hint_entries(keymap, self.capacity.bindings(), lang, role)
            }
            (Front::Keys, _) => roles::hint_entries(keymap, self.keys.bindings(), lang, role),
            (Front::Access, _) => roles::hint_entries(keymap, self.access.bindings(), lang, role),
            (Front::Invoices, _) => {
                roles::hint_entries(keymap, self.invoices.bindings(), lang, role)
            }
            (Front::Activity, _) => {
                roles::hint_entries(keymap, self.activity.bindings(), lang, role)
            }
            (Front::Webhooks, _) => {
                roles::hint_entries(keymap, self.webhooks.bindings(), lang, role)
            }
            (Front::Renewals, _) => {
                roles::hint_entries(keymap, self.renewals.bindings(), lang, role)
            }
            _ => roles::hint_entries(keymap, activations::BINDINGS, lang, role),
        }
    }
}
