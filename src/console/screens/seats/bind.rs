//! Binding one seat (an e-mail checked as typed, suggestions from the registered users)
//! and unbinding one (asked first, in a confirmation on the app's stack).

use super::{Reply, SeatsAction, SeatsScreen};
use crate::client::wire::{Seat, SeatStatus, User};
use crate::console::app::{Command, RequestIds};
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{BackTab, Down, Enter, Esc, Tab, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::screens::dialog::{ConfirmDialog, Confirmed, Dialog};
use crate::console::screens::{Ctx, error_text};
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// In the e-mail input letters type text: only these keys act.
#[rustfmt::skip]
pub const BIND_BINDINGS: &[Binding<SeatsAction>] = &[
    bind("bind.confirm", &[Enter], SeatsAction::Confirm, Tr::new("привязать место к этому e-mail", "bind the seat to this e-mail"), Some(Tr::new("привязать", "bind"))),
    bind("bind.next_suggestion", &[Tab, Down], SeatsAction::NextSuggestion, Tr::new("следующая подсказка", "next suggestion"), Some(Tr::new("подсказка", "suggestion"))),
    bind("bind.prev_suggestion", &[BackTab, Up], SeatsAction::PrevSuggestion, Tr::new("предыдущая подсказка", "previous suggestion"), None),
    bind("bind.cancel", &[Esc], SeatsAction::Close, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

/// Suggestions shown under the e-mail input.
pub const MAX_SUGGESTIONS: usize = 5;
/// Suggestions are asked for from this many typed characters on.
pub const SUGGEST_FROM: usize = 2;

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    Spaces,
    NoAt,
    NoLocalPart,
    BadDomain,
}

/// The syntax check done as the user types (the portal checks registration).
pub fn email_problem(text: &str) -> Option<EmailProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Some(EmailProblem::Empty);
    }
    if text.chars().any(char::is_whitespace) {
        return Some(EmailProblem::Spaces);
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Some(EmailProblem::NoAt);
    };
    if local.is_empty() || local.contains('@') {
        return Some(EmailProblem::NoLocalPart);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Some(EmailProblem::BadDomain);
    }
    None
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindDialog {
    pub seat: Seat,
    pub input: String,
    pub suggestions: Vec<User>,
    /// The suggestion chosen with Tab/↓ (its e-mail is in the input).
    pub picked: Option<usize>,
    /// The suggestions request whose answer counts; older answers are dropped.
    pub suggest_request: Option<u64>,
    /// The bind was sent and has not answered yet.
    pub pending: bool,
    /// The syntax problem on Enter, or the portal's refusal; the input is kept.
    pub error: Option<String>,
}

impl BindDialog {
    /// The text changed: a new suggestions request (the older one becomes stale).
    pub(super) fn changed(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.picked = None;
        self.error = None;
        let q = self.input.trim();
        if q.chars().count() < SUGGEST_FROM {
            self.suggestions.clear();
            self.suggest_request = None;
            return Vec::new();
        }
        let request_id = ids.next_id();
        self.suggest_request = Some(request_id);
        vec![Command::FetchUsers {
            request_id,
            organization: self.seat.organization.id,
            q: q.to_string(),
        }]
    }
}

impl SeatsScreen {
    pub(super) fn open_bind(&mut self, ctx: &Ctx) -> Reply {
        if let Some(text) = ctx.denied(i18n::seats::ACTION_BIND) {
            return Reply::refused(ctx.lang, text);
        }
        let Some(seat) = self.selected_row() else {
            return Reply::default();
        };
        if seat.status != SeatStatus::Free {
            return Reply::refused(ctx.lang, i18n::seats::BIND_ONLY_FREE.get(ctx.lang));
        }
        self.bind = Some(BindDialog {
            seat: seat.clone(),
            input: String::new(),
            suggestions: Vec::new(),
            picked: None,
            suggest_request: None,
            pending: false,
            error: None,
        });
        Reply::default()
    }

    /// `u`: a confirmation on the app's stack, on Cancel; only its Confirm button sends.
    pub(super) fn open_unbind(&mut self, ctx: &Ctx) -> Reply {
        let lang = ctx.lang;
        if let Some(text) = ctx.denied(i18n::seats::ACTION_UNBIND) {
            return Reply::refused(lang, text);
        }
        let Some(seat) = self.selected_row() else {
            return Reply::default();
        };
        if seat.status != SeatStatus::Bound {
            return Reply::refused(lang, i18n::seats::UNBIND_ONLY_BOUND.get(lang));
        }
        let email = seat.email.clone().unwrap_or_default();
        Reply::open(Dialog::Confirm(ConfirmDialog::new(
            i18n::seats::UNBIND_TITLE.get(lang),
            vec![i18n::seats::unbind_question(lang, seat.id, &email)],
            i18n::dialogs::UNBIND_BUTTON.get(lang),
            Confirmed::Unbind { seat: seat.id },
        )))
    }

    pub(super) fn bind_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let lang = ctx.lang;
        let Some(dialog) = self.bind.as_mut() else {
            return Reply::default();
        };
        if dialog.pending {
            return Reply::default();
        }
        let plain = !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let action = ctx.keymap.lookup(BIND_BINDINGS, event);
        let has_suggestions = !dialog.suggestions.is_empty();
        match (action, event.code) {
            (Some(SeatsAction::Close), _) => self.bind = None,
            (Some(SeatsAction::Confirm), _) => {
                let email = dialog.input.trim().to_string();
                if let Some(problem) = email_problem(&email) {
                    dialog.error = Some(i18n::seats::email_problem(lang, problem).to_string());
                    return Reply::default();
                }
                dialog.pending = true;
                dialog.error = None;
                return Reply::command(Command::BindSeat {
                    seat: dialog.seat.id,
                    email,
                });
            }
            (Some(SeatsAction::NextSuggestion), _) if has_suggestions => {
                let next = dialog
                    .picked
                    .map(|i| (i + 1) % dialog.suggestions.len())
                    .unwrap_or(0);
                dialog.picked = Some(next);
                dialog.input = dialog.suggestions[next].email.clone();
                dialog.error = None;
            }
            (Some(SeatsAction::PrevSuggestion), _) if has_suggestions => {
                let len = dialog.suggestions.len();
                let prev = dialog
                    .picked
                    .map(|i| (i + len - 1) % len)
                    .unwrap_or(len - 1);
                dialog.picked = Some(prev);
                dialog.input = dialog.suggestions[prev].email.clone();
                dialog.error = None;
            }
            (_, KeyCode::Backspace) => {
                dialog.input.pop();
                return Reply::commands(dialog.changed(ids));
            }
            (_, KeyCode::Char(c)) if plain => {
                dialog.input.push(c);
                return Reply::commands(dialog.changed(ids));
            }
            _ => {}
        }
        Reply::default()
    }

    /// A bind answered: the bulk run's, or the dialog's.
    pub fn on_bound(
        &mut self,
        seat: i64,
        email: &str,
        result: Result<Seat, DataError>,
        lang: Lang,
        ids: &mut RequestIds,
    ) -> Reply {
        if let Ok(updated) = &result {
            self.replace_row(updated);
            self.count_bind(updated, true);
        }
        if self
            .bulk
            .as_ref()
            .is_some_and(|b| b.is_in_flight(seat, email))
        {
            return self.bulk_bound(seat, result, lang, ids);
        }
        let Some(dialog) = self
            .bind
            .as_mut()
            .filter(|d| d.pending && d.seat.id == seat)
        else {
            return Reply::default();
        };
        match result {
            Ok(updated) => {
                self.bind = None;
                let email = updated.email.unwrap_or_else(|| email.to_string());
                Reply {
                    commands: vec![self.summary_command()],
                    notice: Some(i18n::seats::bound(lang, seat, &email)),
                    ..Reply::default()
                }
            }
            Err(error) => {
                dialog.pending = false;
                dialog.error = Some(error_text(lang, &error));
                Reply::default()
            }
        }
    }

    /// Offline: the bind was queued. The dialog closes as after a bind; the row shows
    /// the pending e-mail from the outbox until the portal has it.
    pub fn on_bind_queued(&mut self, seat: i64, email: &str, lang: Lang) -> Reply {
        if self
            .bulk
            .as_ref()
            .is_some_and(|b| b.is_in_flight(seat, email))
        {
            return self.bulk_queued(seat, lang);
        }
        if self.bind.as_ref().is_some_and(|d| d.seat.id == seat) {
            self.bind = None;
        }
        Reply::default()
    }
}
