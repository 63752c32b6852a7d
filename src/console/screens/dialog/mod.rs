//! Dialogs on the app's stack. Each has the shape of a screen — its state, one key
//! handler `on_key(&mut self, key, …) -> Reply`, its view and its key table — and the
//! app gives the top one every key and every paste until it closes (`app/dialogs.rs`),
//! so nothing typed into a dialog can reach the screen under it.
//!
//! - `Confirm`: a destructive or paid action. It opens on Cancel; only moving to the
//!   Confirm button (Tab, ←/→) and pressing Enter confirms, and letters do nothing, so
//!   typed text can never confirm it. A very large order also asks for its count.
//! - `Notice`: a refusal that the user may not have seen coming (a key that opens a
//!   dialog was refused); it holds the keyboard until Enter or Esc.
//! - `Picker`: choose a filter value from a list, typing to narrow it.
//! - `PagePrompt`: go to page N.

mod confirm;
mod notice;
mod page;
mod picker;
mod prices;
mod story;
mod url;
mod view;

pub use confirm::{Button, CONFIRM_BINDINGS, ConfirmDialog, ConfirmKey, TypedCount};
pub use notice::{NOTICE_BINDINGS, Notice, NoticeKey};
pub use page::{PAGE_BINDINGS, PageKey, PagePrompt, PageTarget};
pub use picker::{PICKER_BINDINGS, PickTarget, PickValue, Picker, PickerKey};
pub use prices::{PRICES_BINDINGS, PricesDialog, PricesKey};
pub use story::{STORY_BINDINGS, StoryDialog, StoryKey};
pub use url::{URL_BINDINGS, UrlKey, UrlPrompt};
pub use view::render;

use super::Reply;
use crate::client::wire::EmergencyRequest;
use crate::console::keymap::Keymap;
use crate::domain::Lang;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Confirm(ConfirmDialog),
    Notice(Notice),
    Picker(Picker),
    Page(PagePrompt),
    /// `:why SERIAL`: a serial's story (issue 16).
    Story(StoryDialog),
    /// `P` on the Activations list: the price list (issue 17).
    Prices(PricesDialog),
    /// A webhook endpoint's URL (issue 17).
    Url(UrlPrompt),
}

/// What a confirmation does once confirmed (the app runs it: `app/dialogs.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    Unbind {
        seat: i64,
    },
    Retry {
        number: i64,
    },
    /// The new activation's confirmed serials.
    Activate {
        serials: Vec<String>,
    },
    Emergency(EmergencyRequest),
    /// An action on many marked rows (issue 16 b): the run shows its own progress.
    Bulk(super::bulk_run::BulkPlan),
    /// A token on the Access screen.
    RevokeToken {
        id: i64,
    },
    /// The precheck table's selected rows.
    DeleteSelected,
    /// The precheck table's rows with errors.
    DeleteErrors,
    /// The new-activation flow.
    Discard,
    /// A queued outbox item, before it is sent.
    CancelOutbox {
        id: i64,
    },
    /// A webhook endpoint, with its queued deliveries (issue 17).
    RemoveWebhook {
        id: i64,
    },
    /// A webhook delivery's event, sent again.
    Redeliver {
        endpoint: i64,
        delivery: i64,
    },
    Quit,
}

impl Confirmed {
    /// Sent to the portal: the confirmation stays open (as «sending…») until it answers.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            Confirmed::Unbind { .. }
                | Confirmed::Retry { .. }
                | Confirmed::Activate { .. }
                | Confirmed::Emergency(_)
                | Confirmed::RevokeToken { .. }
                | Confirmed::RemoveWebhook { .. }
                | Confirmed::Redeliver { .. }
        )
    }
}

/// What a dialog's user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Confirmed(Confirmed),
    Picked(PickTarget, PickValue),
    Page(PageTarget, u32),
    /// A webhook endpoint to register: its URL and organization.
    WebhookUrl(String, Option<i64>),
}

impl Dialog {
    /// A key while this dialog is on top. Every key ends here: what the dialog does
    /// not use is dropped.
    pub fn on_key(&mut self, event: &KeyEvent, keymap: &Keymap, lang: Lang) -> Reply {
        match self {
            Dialog::Confirm(d) => d.on_key(event, keymap, lang),
            Dialog::Notice(d) => d.on_key(event, keymap),
            Dialog::Picker(d) => d.on_key(event, keymap),
            Dialog::Page(d) => d.on_key(event, keymap, lang),
            Dialog::Story(d) => d.on_key(event, keymap),
            Dialog::Prices(d) => d.on_key(event, keymap),
            Dialog::Url(d) => d.on_key(event, keymap),
        }
    }

    /// Pasted text: only where the dialog has a text field.
    pub fn paste(&mut self, text: &str) {
        match self {
            Dialog::Confirm(d) => d.paste(text),
            Dialog::Picker(d) => d.paste(text),
            Dialog::Page(d) => d.paste(text),
            Dialog::Url(d) => d.paste(text),
            Dialog::Notice(_) | Dialog::Story(_) | Dialog::Prices(_) => {}
        }
    }

    /// Help entries of its keys.
    pub fn help_entries(&self, keymap: &Keymap, lang: Lang) -> Vec<(String, &'static str)> {
        match self {
            Dialog::Confirm(_) => keymap.help_entries(CONFIRM_BINDINGS, lang),
            Dialog::Notice(_) => keymap.help_entries(NOTICE_BINDINGS, lang),
            Dialog::Picker(_) => keymap.help_entries(PICKER_BINDINGS, lang),
            Dialog::Page(_) => keymap.help_entries(PAGE_BINDINGS, lang),
            Dialog::Story(_) => keymap.help_entries(STORY_BINDINGS, lang),
            Dialog::Prices(_) => keymap.help_entries(PRICES_BINDINGS, lang),
            Dialog::Url(_) => keymap.help_entries(URL_BINDINGS, lang),
        }
    }

    pub fn hint_entries(&self, keymap: &Keymap, lang: Lang) -> Vec<(String, &'static str)> {
        match self {
            Dialog::Confirm(_) => keymap.hint_entries(CONFIRM_BINDINGS, lang),
            Dialog::Notice(_) => keymap.hint_entries(NOTICE_BINDINGS, lang),
            Dialog::Picker(_) => keymap.hint_entries(PICKER_BINDINGS, lang),
            Dialog::Page(_) => keymap.hint_entries(PAGE_BINDINGS, lang),
            Dialog::Story(_) => keymap.hint_entries(STORY_BINDINGS, lang),
            Dialog::Prices(_) => keymap.hint_entries(PRICES_BINDINGS, lang),
            Dialog::Url(_) => keymap.hint_entries(URL_BINDINGS, lang),
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Dialog::Confirm(d) => &d.title,
            Dialog::Notice(d) => &d.title,
            Dialog::Picker(d) => &d.title,
            Dialog::Page(d) => &d.title,
            Dialog::Story(d) => &d.title,
            Dialog::Prices(d) => &d.title,
            Dialog::Url(d) => &d.title,
        }
    }

    /// The confirmation, if this is one.
    pub fn as_confirm(&self) -> Option<&ConfirmDialog> {
        match self {
            Dialog::Confirm(d) => Some(d),
            _ => None,
        }
    }

    pub fn as_confirm_mut(&mut self) -> Option<&mut ConfirmDialog> {
        match self {
            Dialog::Confirm(d) => Some(d),
            _ => None,
        }
    }
}

/// A key that is a printable character with no Ctrl/Alt: text for a field.
pub(crate) fn typed_char(event: &KeyEvent) -> Option<char> {
    use crossterm::event::{KeyCode, KeyModifiers};
    match event.code {
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}
