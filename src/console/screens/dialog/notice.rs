//! A notice: a message that holds the keyboard until it is closed.

use crate::console::i18n::{Tr, dialogs as tr};
use crate::console::keymap::Key::{Enter, Esc};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::Lang;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKey {
    Close,
}

#[rustfmt::skip]
pub const NOTICE_BINDINGS: &[Binding<NoticeKey>] = &[
    bind("notice.close", &[Enter, Esc], NoticeKey::Close, Tr::new("закрыть", "close"), Some(Tr::new("закрыть", "close"))),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub text: String,
}

impl Notice {
    /// A refused action, explained.
    pub fn refusal(lang: Lang, text: &str) -> Notice {
        Notice {
            title: tr::REFUSED_TITLE.get(lang).to_string(),
            text: text.to_string(),
        }
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap) -> Reply {
        match keymap.lookup(NOTICE_BINDINGS, event) {
            Some(NoticeKey::Close) => Reply {
                close: true,
                ..Reply::default()
            },
            // Whatever else is typed was meant for a dialog that did not open.
            None => Reply::default(),
        }
    }
}
