//! A URL to register as a webhook endpoint (issue 17): one line of text; Enter answers
//! it, Esc cancels. The portal checks it (https://, or loopback http for testing).

use super::{Answer, typed_char};
use crate::console::i18n::Tr;
use crate::console::keymap::Key::{Enter, Esc};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKey {
    Add,
    Close,
}

#[rustfmt::skip]
pub const URL_BINDINGS: &[Binding<UrlKey>] = &[
    bind("url.add", &[Enter], UrlKey::Add, Tr::new("добавить адрес", "add the endpoint"), Some(Tr::new("добавить", "add"))),
    bind("url.close", &[Esc], UrlKey::Close, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

/// Longest URL typed (the portal's own limit).
const MAX: usize = 2048;

#[derive(Debug, Clone, PartialEq)]
pub struct UrlPrompt {
    pub title: String,
    /// The endpoint's organization (None: an operator's, every organization).
    pub organization: Option<i64>,
    pub input: String,
}

impl UrlPrompt {
    pub fn new(title: &str, organization: Option<i64>) -> UrlPrompt {
        UrlPrompt {
            title: title.to_string(),
            organization,
            input: String::new(),
        }
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap) -> Reply {
        match keymap.lookup(URL_BINDINGS, event) {
            Some(UrlKey::Close) => Reply {
                close: true,
                ..Reply::default()
            },
            Some(UrlKey::Add) if !self.input.trim().is_empty() => Reply {
                answer: Some(Answer::WebhookUrl(
                    self.input.trim().to_string(),
                    self.organization,
                )),
                close: true,
                ..Reply::default()
            },
            Some(UrlKey::Add) => Reply::default(),
            None => {
                match (event.code, typed_char(event)) {
                    (KeyCode::Backspace, _) => {
                        self.input.pop();
                    }
                    (_, Some(c)) if self.input.len() < MAX => self.input.push(c),
                    _ => {}
                }
                Reply::default()
            }
        }
    }

    pub(super) fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.input.len() < MAX {
                self.input.push(c);
            }
        }
    }
}
