//! Which keys are in force on the screen in front: the help overlay's entries, the
//! key-hint line, and what the `:` palette offers. All read through the keymap, so a
//! key override shows everywhere.

use super::{Front, State, mirror, palette};
use crate::console::roles;
use crate::console::screens::palette::{ActionEntry, Item};
use crate::console::screens::{activations, column_chooser, detail};

impl State {
    /// Help entries of the screen in front (the tab keys too where they work).
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        let (lang, keymap) = (self.lang, &*self.keymap);
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
            _ => roles::help_entries(keymap, activations::BINDINGS, lang, role),
        };
        if self.globals_active() {
            entries.extend(keymap.help_entries(crate::console::screens::tabs::TAB_BINDINGS, lang));
            if self.sync.is_some() {
                entries.extend(
                    keymap.help_entries(crate::console::screens::outbox::MIRROR_BINDINGS, lang),
                );
            }
        }
        if !refused.is_empty() {
            entries.push(roles::unavailable_header(lang));
            entries.extend(refused);
        }
        entries
    }

    /// The tab keys (and, with a mirror, `O`/`S`) work on the screen in front.
    pub(super) fn globals_active(&self) -> bool {
        matches!(self.front(), Front::List | Front::Seats | Front::Capacity)
    }

    /// What the `:` palette offers on the screen in front.
    pub fn palette_actions(&self) -> Vec<ActionEntry> {
        palette::actions(self)
    }

    /// The palette's matches for what is typed in it (none when it is closed).
    pub fn palette_items(&self) -> Vec<Item> {
        match &self.palette {
            Some(p) => crate::console::screens::palette::items(
                &p.input,
                &self.palette_actions(),
                self.lang,
            ),
            None => Vec::new(),
        }
    }

    pub fn hint_entries(&self) -> Vec<(String, &'static str)> {
        let (lang, keymap) = (self.lang, &*self.keymap);
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
            _ => roles::hint_entries(keymap, activations::BINDINGS, lang, role),
        }
    }
}
