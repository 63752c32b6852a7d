//! The confirmation: a question, Cancel and Confirm buttons, focus on Cancel at first.

use super::{Answer, Confirmed, typed_char};
use crate::console::i18n::{Tr, dialogs as tr};
use crate::console::keymap::Key::{BackTab, Enter, Esc, Left, Right, Tab};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKey {
    Next,
    Previous,
    Press,
    Cancel,
}

/// No plain characters: nothing typed can move to the Confirm button or press it
/// (the key tables mark the confirmation as a text field, so the config file cannot
/// give these actions letters either).
#[rustfmt::skip]
pub const CONFIRM_BINDINGS: &[Binding<ConfirmKey>] = &[
    bind("confirm.next_button", &[Tab, Right], ConfirmKey::Next, Tr::new("следующая кнопка", "next button"), Some(Tr::new("кнопка", "button"))),
    bind("confirm.prev_button", &[BackTab, Left], ConfirmKey::Previous, Tr::new("предыдущая кнопка", "previous button"), None),
    bind("confirm.press", &[Enter], ConfirmKey::Press, Tr::new("нажать выбранную кнопку (сначала выбрана «Отмена»)", "press the chosen button (Cancel at first)"), Some(Tr::new("нажать", "press"))),
    bind("confirm.cancel", &[Esc], ConfirmKey::Cancel, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Cancel,
    Confirm,
}

/// A very large order: the count has to be typed before Confirm does anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedCount {
    pub expected: usize,
    pub input: String,
}

impl TypedCount {
    pub fn matches(&self) -> bool {
        self.input.trim() == self.expected.to_string()
    }
}

/// Digits of a count: more is not a count anyone types.
const MAX_DIGITS: usize = 9;

#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub title: String,
    /// The question and what it is about, each wrapped as a paragraph.
    pub lines: Vec<String>,
    pub confirm_label: String,
    /// The harmless button, focused at first («Отмена» unless said otherwise).
    pub cancel_label: Option<String>,
    pub confirmed: Confirmed,
    pub focus: Button,
    pub typed: Option<TypedCount>,
    /// Confirmed and sent: waits for the portal's answer (Esc hides it meanwhile).
    pub pending: bool,
    /// Why Confirm did nothing (the count typed does not match).
    pub problem: Option<String>,
}

impl ConfirmDialog {
    pub fn new(
        title: impl Into<String>,
        lines: Vec<String>,
        confirm_label: impl Into<String>,
        confirmed: Confirmed,
    ) -> ConfirmDialog {
        ConfirmDialog {
            title: title.into(),
            lines,
            confirm_label: confirm_label.into(),
            cancel_label: None,
            confirmed,
            focus: Button::Cancel,
            typed: None,
            pending: false,
            problem: None,
        }
    }

    /// The harmless button says what it keeps («Оставить в очереди»).
    pub fn with_cancel_label(mut self, label: impl Into<String>) -> ConfirmDialog {
        self.cancel_label = Some(label.into());
        self
    }

    /// Confirm only after `count` is typed.
    pub fn with_typed_count(mut self, count: usize) -> ConfirmDialog {
        self.typed = Some(TypedCount {
            expected: count,
            input: String::new(),
        });
        self
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap, lang: Lang) -> Reply {
        if self.pending {
            // Sent: nothing to choose any more; Esc only hides the dialog.
            return match keymap.lookup(CONFIRM_BINDINGS, event) {
                Some(ConfirmKey::Cancel) => Reply {
                    close: true,
                    ..Reply::default()
                },
                _ => Reply::default(),
            };
        }
        match keymap.lookup(CONFIRM_BINDINGS, event) {
            Some(ConfirmKey::Next | ConfirmKey::Previous) => {
                self.focus = match self.focus {
                    Button::Cancel => Button::Confirm,
                    Button::Confirm => Button::Cancel,
                };
                Reply::default()
            }
            Some(ConfirmKey::Cancel) => Reply {
                close: true,
                ..Reply::default()
            },
            Some(ConfirmKey::Press) => match self.focus {
                Button::Cancel => Reply {
                    close: true,
                    ..Reply::default()
                },
                Button::Confirm => match &self.typed {
                    Some(typed) if !typed.matches() => {
                        self.problem = Some(tr::typed_count_wrong(lang, typed.expected));
                        Reply::default()
                    }
                    _ => Reply {
                        answer: Some(Answer::Confirmed(self.confirmed.clone())),
                        ..Reply::default()
                    },
                },
            },
            None => {
                if let Some(typed) = self.typed.as_mut() {
                    match (event.code, typed_char(event)) {
                        (KeyCode::Backspace, _) => {
                            typed.input.pop();
                        }
                        (_, Some(c)) if c.is_ascii_digit() && typed.input.len() < MAX_DIGITS => {
                            typed.input.push(c);
                        }
                        _ => {}
                    }
                    self.problem = None;
                }
                // Anything else, letters above all, does nothing here.
                Reply::default()
            }
        }
    }

    /// A pasted count goes into the count field (digits only).
    pub(super) fn paste(&mut self, text: &str) {
        if self.pending {
            return;
        }
        if let Some(typed) = self.typed.as_mut() {
            for c in text.chars().filter(char::is_ascii_digit) {
                if typed.input.len() < MAX_DIGITS {
                    typed.input.push(c);
                }
            }
            self.problem = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn dialog() -> ConfirmDialog {
        ConfirmDialog::new("t", vec!["q?".into()], "Do", Confirmed::Unbind { seat: 9 })
    }

    fn press(d: &mut ConfirmDialog, keys: &[KeyEvent]) -> Vec<Reply> {
        let keymap = Keymap::default();
        keys.iter()
            .map(|k| d.on_key(k, &keymap, Lang::En))
            .collect()
    }

    #[test]
    fn enter_at_first_cancels_and_letters_do_nothing() {
        let mut d = dialog();
        let typed: Vec<KeyEvent> = "yes y Y\u{43d}u"
            .chars()
            .map(|c| key(KeyCode::Char(c)))
            .collect();
        for reply in press(&mut d, &typed) {
            assert_eq!(reply, Reply::default());
        }
        assert_eq!(d.focus, Button::Cancel);
        let reply = press(&mut d, &[key(KeyCode::Enter)]).remove(0);
        assert!(reply.close && reply.answer.is_none());
    }

    #[test]
    fn only_moving_to_confirm_then_enter_confirms() {
        for mover in [
            KeyCode::Tab,
            KeyCode::Right,
            KeyCode::Left,
            KeyCode::BackTab,
        ] {
            let mut d = dialog();
            let replies = press(&mut d, &[key(mover), key(KeyCode::Enter)]);
            assert_eq!(
                replies[1].answer,
                Some(Answer::Confirmed(Confirmed::Unbind { seat: 9 })),
                "{mover:?}"
            );
        }
        let mut d = dialog();
        let replies = press(&mut d, &[key(KeyCode::Tab), key(KeyCode::Esc)]);
        assert!(replies[1].close && replies[1].answer.is_none());
    }

    #[test]
    fn a_large_order_needs_its_count_typed() {
        let mut d = dialog().with_typed_count(150);
        let keys: Vec<KeyEvent> = [KeyCode::Tab, KeyCode::Enter]
            .into_iter()
            .map(key)
            .collect();
        let replies = press(&mut d, &keys);
        assert_eq!(replies[1].answer, None, "nothing typed yet");
        assert!(d.problem.is_some());
        let digits: Vec<KeyEvent> = "1a5x0".chars().map(|c| key(KeyCode::Char(c))).collect();
        press(&mut d, &digits);
        assert_eq!(d.typed.as_ref().map(|t| t.input.as_str()), Some("150"));
        assert!(d.problem.is_none());
        let replies = press(&mut d, &[key(KeyCode::Enter)]);
        assert!(matches!(replies[0].answer, Some(Answer::Confirmed(_))));
    }

    #[test]
    fn while_pending_only_esc_does_anything() {
        let mut d = dialog();
        d.focus = Button::Confirm;
        d.pending = true;
        let replies = press(&mut d, &[key(KeyCode::Enter), key(KeyCode::Tab)]);
        assert!(replies.iter().all(|r| *r == Reply::default()));
        assert!(press(&mut d, &[key(KeyCode::Esc)])[0].close);
    }
}
