//! A picker: a short list to choose a filter value from; typing narrows the list.

use super::{Answer, typed_char};
use crate::client::wire::SeatStatus;
use crate::console::i18n::Tr;
use crate::console::keymap::Key::{Ctrl, Down, Enter, Esc, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::{ActivationStatus, Vendor};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKey {
    Down,
    Up,
    Choose,
    Close,
}

/// Letters filter the list, so the actions are arrows, Ctrl chords, Enter and Esc.
#[rustfmt::skip]
pub const PICKER_BINDINGS: &[Binding<PickerKey>] = &[
    bind("picker.down", &[Down, Ctrl('n')], PickerKey::Down, Tr::new("следующий вариант", "next item"), None),
    bind("picker.up", &[Up, Ctrl('p')], PickerKey::Up, Tr::new("предыдущий вариант", "previous item"), None),
    bind("picker.choose", &[Enter], PickerKey::Choose, Tr::new("применить выбранное", "apply the chosen item"), Some(Tr::new("применить", "apply"))),
    bind("picker.close", &[Esc], PickerKey::Close, Tr::new("закрыть, ничего не меняя", "close, changing nothing"), Some(Tr::new("отмена", "cancel"))),
];

/// Which filter the choice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickTarget {
    ListOrganization,
    ListStatus,
    ListVendor,
    SeatsOrganization,
    SeatsProduct,
    SeatsStatus,
    CapacityOrganization,
    /// The Activity screen's filters (issue 16).
    ActivityOrganization,
    ActivityAction,
    ActivityKind,
    ActivityPeriod,
    ActivityActor,
    /// The Renewals screen's filters (issue 16).
    RenewalsOrganization,
    RenewalsVendor,
    RenewalsWindow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickValue {
    /// No filter.
    All,
    Organization(i64),
    ActivationStatus(ActivationStatus),
    Vendor(Vendor),
    Product(String),
    SeatStatus(SeatStatus),
    /// A text value: an action, an object kind, an actor.
    Text(String),
    /// The last N days (1: today).
    Days(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub title: String,
    pub target: PickTarget,
    /// (label, value) in the order shown.
    pub items: Vec<(String, PickValue)>,
    pub filter: String,
    /// Index into `visible()`.
    pub selected: usize,
}

impl Picker {
    /// The list with `current` chosen.
    pub fn new(
        title: impl Into<String>,
        target: PickTarget,
        items: Vec<(String, PickValue)>,
        current: &PickValue,
    ) -> Picker {
        let selected = items.iter().position(|(_, v)| v == current).unwrap_or(0);
        Picker {
            title: title.into(),
            target,
            items,
            filter: String::new(),
            selected,
        }
    }

    /// The items whose label contains the typed text (any case), in order.
    pub fn visible(&self) -> Vec<&(String, PickValue)> {
        let needle = self.filter.trim().to_lowercase();
        self.items
            .iter()
            .filter(|(label, _)| needle.is_empty() || label.to_lowercase().contains(&needle))
            .collect()
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap) -> Reply {
        let count = self.visible().len();
        match keymap.lookup(PICKER_BINDINGS, event) {
            Some(PickerKey::Down) => {
                self.selected = (self.selected + 1).min(count.saturating_sub(1))
            }
            Some(PickerKey::Up) => self.selected = self.selected.saturating_sub(1),
            Some(PickerKey::Close) => {
                return Reply {
                    close: true,
                    ..Reply::default()
                };
            }
            Some(PickerKey::Choose) => {
                return match self.visible().get(self.selected) {
                    Some((_, value)) => Reply {
                        answer: Some(Answer::Picked(self.target, value.clone())),
                        close: true,
                        ..Reply::default()
                    },
                    None => Reply::default(),
                };
            }
            None => match (event.code, typed_char(event)) {
                (KeyCode::Backspace, _) => {
                    self.filter.pop();
                    self.selected = 0;
                }
                (_, Some(c)) => {
                    self.filter.push(c);
                    self.selected = 0;
                }
                _ => {}
            },
        }
        Reply::default()
    }

    pub(super) fn paste(&mut self, text: &str) {
        self.filter.extend(text.chars().filter(|c| !c.is_control()));
        self.selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_filters_and_enter_picks_the_first_match() {
        let items = vec![
            ("все".to_string(), PickValue::All),
            ("ТЕХБИЗНЕС+ ООО".to_string(), PickValue::Organization(1)),
            ("АЛЬСТЕР ООО".to_string(), PickValue::Organization(2)),
        ];
        let mut picker = Picker::new(
            "Организация",
            PickTarget::ListOrganization,
            items,
            &PickValue::Organization(1),
        );
        assert_eq!(picker.selected, 1, "the current value is chosen");
        let keymap = Keymap::default();
        for c in "альс".chars() {
            picker.on_key(&key(KeyCode::Char(c)), &keymap);
        }
        assert_eq!(picker.visible().len(), 1);
        let reply = picker.on_key(&key(KeyCode::Enter), &keymap);
        assert_eq!(
            reply.answer,
            Some(Answer::Picked(
                PickTarget::ListOrganization,
                PickValue::Organization(2)
            ))
        );
        assert!(reply.close);
    }
}
