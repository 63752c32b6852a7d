//! One module per screen, each with its own state, key declaration, update and view.

pub mod access;
pub mod activations;
pub mod activations_table;
pub mod activations_view;
pub mod activity;
pub mod activity_view;
pub mod audit;
pub mod bulk_run;
pub mod capacity;
pub mod column_chooser;
pub mod detail;
pub mod dialog;
pub mod export;
pub mod invoices;
pub mod keys;
pub mod keytables;
pub mod marks;
pub mod messages;
pub mod new_activation;
pub mod outbox;
pub mod paged;
pub mod palette;
pub mod renewals;
pub mod renewals_view;
pub mod seats;
pub mod tabs;
pub mod triage;
pub mod webhooks;
pub mod webhooks_view;

use crate::client::wire::{Organization, Role};
use crate::console::app::Command;
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Keymap;
use crate::console::theme::Theme;
use crate::domain::Lang;
use chrono::NaiveDate;
pub use tabs::Tab;

/// What a key or an answer asks of the app: one type for every screen, dialog and
/// prompt (the new-activation flow's `Outcome` is this too).
#[derive(Debug, Default, PartialEq)]
pub struct Reply {
    pub commands: Vec<Command>,
    /// For the status line.
    pub error: Option<String>,
    pub notice: Option<String>,
    pub help: bool,
    /// Open the `:` command palette.
    pub palette: bool,
    /// Switch to another screen (Esc: back to the activations).
    pub tab: Option<Tab>,
    /// Open the history of this audit object (`seat:17`).
    pub history: Option<String>,
    /// A mirror-mode key (`O` outbox, `S` sync now).
    pub mirror_key: Option<outbox::MirrorKey>,
    /// Open the column chooser for this screen's list.
    pub columns: bool,
    /// Open this dialog on top: it owns the keyboard until it closes.
    pub dialog: Option<dialog::Dialog>,
    /// The one that answered is done: a dialog closes, the flow is left (and kept).
    pub close: bool,
    /// Drop the new-activation flow.
    pub discard: bool,
    /// `q`: quit (the app asks first when something would be left behind).
    pub quit: bool,
    /// Open the app's picker for this filter.
    pub pick: Option<dialog::PickTarget>,
    /// Open the page prompt for this list.
    pub page_prompt: Option<dialog::PageTarget>,
    /// What a dialog's user chose (its Confirm button, a picked item, a page).
    pub answer: Option<dialog::Answer>,
    /// Open the message log.
    pub messages: bool,
    /// The error holds while this is so (the status line drops it once it is not).
    pub cause: Option<crate::console::app::Cause>,
    /// Open this activation's detail (the Invoices screen's lines, issue 17).
    pub activation: Option<i64>,
    /// Renew these devices: the new-activation flow with them filled in (issue 16).
    pub renew: Option<renewals::Renewal>,
}

impl Reply {
    /// The keys every tabbed screen answers alike before its own: the message log, the
    /// mirror's keys (outbox, sync) and the screen switch. `None`: the screen's own.
    pub fn shared_key(keymap: &Keymap, event: &crossterm::event::KeyEvent) -> Option<Reply> {
        if keymap.lookup(messages::OPEN_BINDINGS, event).is_some() {
            return Some(Reply {
                messages: true,
                ..Reply::default()
            });
        }
        if let Some(key) = keymap.lookup(outbox::MIRROR_BINDINGS, event) {
            return Some(Reply {
                mirror_key: Some(key),
                ..Reply::default()
            });
        }
        keymap.lookup(tabs::TAB_BINDINGS, event).map(Reply::tab)
    }

    /// Open the help overlay.
    pub fn help() -> Reply {
        Reply {
            help: true,
            ..Reply::default()
        }
    }

    /// Open the command palette.
    pub fn palette() -> Reply {
        Reply {
            palette: true,
            ..Reply::default()
        }
    }

    /// Leave the program (the app asks first when something is unsent).
    pub fn quit() -> Reply {
        Reply {
            quit: true,
            ..Reply::default()
        }
    }

    /// Switch to `tab`.
    pub fn tab(tab: Tab) -> Reply {
        Reply {
            tab: Some(tab),
            ..Reply::default()
        }
    }

    pub fn commands(commands: Vec<Command>) -> Reply {
        Reply {
            commands,
            ..Reply::default()
        }
    }

    pub fn command(command: Command) -> Reply {
        Reply::commands(vec![command])
    }

    pub fn error(text: impl Into<String>) -> Reply {
        Reply {
            error: Some(text.into()),
            ..Reply::default()
        }
    }

    pub fn notice(text: impl Into<String>) -> Reply {
        Reply {
            notice: Some(text.into()),
            ..Reply::default()
        }
    }

    /// An error that leaves the status line once `cause` no longer holds.
    pub fn error_while(text: impl Into<String>, cause: crate::console::app::Cause) -> Reply {
        Reply {
            error: Some(text.into()),
            cause: Some(cause),
            ..Reply::default()
        }
    }

    /// A key that opens a dialog was refused: the reason on the status line and in a
    /// notice that holds the keyboard until Enter or Esc, so what the user goes on
    /// typing (the e-mail meant for the dialog) cannot run as commands.
    pub fn refused(lang: Lang, text: impl Into<String>) -> Reply {
        let text = text.into();
        Reply {
            dialog: Some(dialog::Dialog::Notice(dialog::Notice::refusal(lang, &text))),
            error: Some(text),
            ..Reply::default()
        }
    }

    pub fn pick(target: dialog::PickTarget) -> Reply {
        Reply {
            pick: Some(target),
            ..Reply::default()
        }
    }

    pub fn open(dialog: dialog::Dialog) -> Reply {
        Reply {
            dialog: Some(dialog),
            ..Reply::default()
        }
    }
}

/// What the tabbed screens need to know about the rest of the console.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub lang: Lang,
    pub role: Option<Role>,
    pub organizations: &'a [Organization],
    pub today: NaiveDate,
    pub theme: &'a Theme,
    /// The keys in force: every screen looks its keys up through it.
    pub keymap: &'a Keymap,
}

impl Ctx<'_> {
    /// Changing things is for admins: the refusal for anyone else (unknown role: allowed,
    /// the portal decides).
    pub fn denied(&self, action: Tr) -> Option<String> {
        self.role
            .filter(|r| *r != Role::Admin)
            .map(|role| i18n::role_denied(self.lang, role, action))
    }
}

/// The portal's own words for a refused request (`message` of an API error), else the
/// usual request error.
pub fn error_text(lang: Lang, error: &DataError) -> String {
    match error {
        // The portal's words, and the request it was, for a ticket (issue 16).
        DataError::Api { message, .. } | DataError::Rejected { message, .. } => {
            match error.request_id() {
                Some(id) => i18n::with_request(lang, message, id),
                None => message.clone(),
            }
        }
        other => i18n::request_error(lang, other),
    }
}
