//! `:why SERIAL` (issue 16): one serial's story in a box over the screen — the
//! device, every activation line with its history, the license file verified — the
//! same lines `licadm why` prints (`i18n::why`). It holds the keyboard (a dialog);
//! `j`/`k` scroll, `Esc`/`Enter` close.

use crate::client::serials::Why;
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, PageDown, PageUp, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::screens::Reply;
use crate::domain::Lang;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryKey {
    Down,
    Up,
    PageDown,
    PageUp,
    Close,
}

#[rustfmt::skip]
pub const STORY_BINDINGS: &[Binding<StoryKey>] = &[
    bind("story.down", &[Char('j'), Down], StoryKey::Down, Tr::new("ниже", "scroll down"), None),
    bind("story.up", &[Char('k'), Up], StoryKey::Up, Tr::new("выше", "scroll up"), None),
    bind("story.page_down", &[PageDown], StoryKey::PageDown, Tr::new("страница ниже", "a page down"), None),
    bind("story.page_up", &[PageUp], StoryKey::PageUp, Tr::new("страница выше", "a page up"), None),
    bind("story.close", &[Esc, Enter], StoryKey::Close, Tr::new("закрыть", "close"), Some(Tr::new("закрыть", "close"))),
];

/// Lines a page key moves.
const PAGE: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct StoryDialog {
    pub serial: String,
    pub title: String,
    /// None while the story loads.
    pub lines: Option<Vec<String>>,
    /// Why it could not be read (the portal's words, with the request id).
    pub error: Option<String>,
    pub scroll: usize,
}

impl StoryDialog {
    pub fn loading(lang: Lang, serial: &str) -> StoryDialog {
        StoryDialog {
            serial: serial.to_string(),
            title: i18n::why::title(lang, serial),
            lines: None,
            error: None,
            scroll: 0,
        }
    }

    /// The answer for this serial arrived.
    pub fn loaded(&mut self, result: Result<Why, DataError>, lang: Lang) {
        match result {
            Ok(why) => self.lines = Some(i18n::why::lines(lang, &why)),
            Err(e) => self.error = Some(crate::console::screens::error_text(lang, &e)),
        }
    }

    /// What the box shows: the story, the error, or that it loads.
    pub fn text(&self, lang: Lang) -> Vec<String> {
        match (&self.lines, &self.error) {
            (_, Some(error)) => vec![error.clone()],
            (Some(lines), None) => lines.clone(),
            (None, None) => vec![i18n::why::loading(lang).to_string()],
        }
    }

    pub(super) fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap) -> Reply {
        let last = self.lines.as_ref().map_or(0, |l| l.len().saturating_sub(1));
        match keymap.lookup(STORY_BINDINGS, event) {
            Some(StoryKey::Down) => self.scroll = (self.scroll + 1).min(last),
            Some(StoryKey::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(StoryKey::PageDown) => self.scroll = (self.scroll + PAGE).min(last),
            Some(StoryKey::PageUp) => self.scroll = self.scroll.saturating_sub(PAGE),
            Some(StoryKey::Close) => {
                return Reply {
                    close: true,
                    ..Reply::default()
                };
            }
            None => {}
        }
        Reply::default()
    }
}
