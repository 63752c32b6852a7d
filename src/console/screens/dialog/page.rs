//! Go to page N of a list.

use super::{Answer, typed_char};
use crate::console::i18n::{Tr, dialogs as tr};
use crate::console::keymap::Key::{Enter, Esc};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKey {
    Go,
    Close,
}

#[rustfmt::skip]
pub const PAGE_BINDINGS: &[Binding<PageKey>] = &[
    bind("page.go", &[Enter], PageKey::Go, Tr::new("перейти на страницу", "go to the page"), Some(Tr::new("перейти", "go"))),
    bind("page.close", &[Esc], PageKey::Close, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

/// Which list pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageTarget {
    Activations,
    Seats,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PagePrompt {
    pub title: String,
    pub target: PageTarget,
    pub pages: u32,
    pub input: String,
    pub problem: Option<String>,
}

impl PagePrompt {
    pub fn new(lang: Lang, target: PageTarget, pages: u32) -> PagePrompt {
        PagePrompt {
            title: tr::PAGE_TITLE.get(lang).to_string(),
            target,
            pages: pages.max(1),
            input: String::new(),
            problem: None,
        }
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap, lang: Lang) -> Reply {
        match keymap.lookup(PAGE_BINDINGS, event) {
            Some(PageKey::Close) => Reply {
                close: true,
                ..Reply::default()
            },
            Some(PageKey::Go) => match self.input.parse::<u32>() {
                Ok(page) if (1..=self.pages).contains(&page) => Reply {
                    answer: Some(Answer::Page(self.target, page)),
                    close: true,
                    ..Reply::default()
                },
                _ => {
                    self.problem = Some(tr::page_range(lang, self.pages));
                    Reply::default()
                }
            },
            None => {
                match (event.code, typed_char(event)) {
                    (KeyCode::Backspace, _) => {
                        self.input.pop();
                    }
                    (_, Some(c)) if c.is_ascii_digit() && self.input.len() < 9 => {
                        self.input.push(c)
                    }
                    _ => {}
                }
                self.problem = None;
                Reply::default()
            }
        }
    }

    pub(super) fn paste(&mut self, text: &str) {
        for c in text.chars().filter(char::is_ascii_digit) {
            if self.input.len() < 9 {
                self.input.push(c);
            }
        }
    }
}
