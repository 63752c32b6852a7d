//! Every message of the session: the status line shows the newest, the message log
//! (`M`, `:messages`) keeps them all with their time, and a refusal whose cause is gone
//! (the error rows were deleted, another row was chosen, the screen it was about was
//! left) leaves the status line.

use super::{Command, Front, State};
use crate::console::keymap;
use crate::console::screens::messages::{LOG_BINDINGS, LogAction, MessageLog};
use crate::domain::ActivationStatus;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// The log keeps this many messages; older ones are dropped.
pub const LOG_LIMIT: usize = 1000;

/// One message as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub text: String,
    pub error: bool,
    /// Said this many times in a row (1 the first time).
    pub repeated: u32,
}

/// Where the time of a message comes from: the system clock, a fixed one in tests.
/// Not part of what is shown, so it compares equal.
#[derive(Clone, Copy)]
pub struct Clock(pub fn() -> DateTime<Utc>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock(Utc::now)
    }
}

impl PartialEq for Clock {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Why a message on the status line is still true; when it no longer is, the message
/// leaves the status line (it stays in the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The rows to activate include rows with errors.
    PrecheckErrors,
    /// Nothing is selected in the precheck table.
    NothingSelected,
    /// The serial list in the text area has no serial.
    NoSerials,
    /// The selected activation (list or detail) is this one, in this status.
    Activation(i64, ActivationStatus),
    /// This screen is in front: a hint about the screen (Esc on the top list says how
    /// to quit) means nothing once the user has left it.
    Front(Front),
}

impl State {
    /// Adds a message to the log (a repeat of the last one is counted, not added).
    pub(super) fn log_message(&mut self, text: &str, error: bool) {
        let at = self.clock.now();
        if let Some(last) = self.messages.last_mut()
            && last.text == text
            && last.error == error
        {
            last.repeated += 1;
            last.at = at;
            return;
        }
        if self.messages.len() >= LOG_LIMIT {
            self.messages.remove(0);
        }
        self.messages.push(LogEntry {
            at,
            text: text.to_string(),
            error,
            repeated: 1,
        });
    }

    /// An error that stays on the status line only while `cause` holds.
    pub(super) fn set_error_while(&mut self, text: impl Into<String>, cause: Cause) {
        let text = text.into();
        self.set_error(text.clone());
        self.message_cause = Some((cause, text));
    }

    /// A notice that stays on the status line only while `cause` holds.
    pub(super) fn set_notice_while(&mut self, text: impl Into<String>, cause: Cause) {
        let text = text.into();
        self.set_notice(text.clone());
        self.message_cause = Some((cause, text));
    }

    /// Whether `cause` still holds.
    fn holds(&self, cause: Cause) -> bool {
        let precheck = self
            .new_activation
            .as_ref()
            .filter(|_| self.front() == Front::NewActivation)
            .filter(|flow| flow.step == crate::console::screens::new_activation::Step::Precheck);
        match cause {
            Cause::PrecheckErrors => {
                precheck.is_some_and(|flow| flow.target().0.iter().any(|l| !l.is_ok()))
            }
            Cause::NothingSelected => precheck.is_some_and(|flow| flow.selected_count() == 0),
            Cause::NoSerials => self
                .new_activation
                .as_ref()
                .filter(|_| self.front() == Front::NewActivation)
                .is_some_and(|flow| {
                    flow.step == crate::console::screens::new_activation::Step::Serials
                        && flow.check.serials.is_empty()
                }),
            Cause::Activation(number, status) => {
                let shown = match self.front() {
                    Front::Detail => self.detail.as_ref().and_then(|d| d.summary()),
                    Front::List => self.list.selected_row(),
                    _ => None,
                };
                shown.is_some_and(|a| a.number == number && a.status == status)
            }
            Cause::Front(front) => self.front() == front,
        }
    }
}

/// After each message: what changed on the status line goes into the log (once), and
/// a message whose cause is gone leaves the status line.
pub(super) fn after_update(state: &mut State, before: (Option<String>, Option<String>)) {
    let (error_before, notice_before) = before;
    if state.last_error != error_before
        && let Some(text) = state.last_error.clone()
        && !logged_last(state, &text, true)
    {
        state.log_message(&text, true);
    }
    if state.notice != notice_before
        && let Some(text) = state.notice.clone()
        && !logged_last(state, &text, false)
    {
        state.log_message(&text, false);
    }
    if let Some((cause, text)) = state.message_cause.clone() {
        let shown = state.last_error.as_ref().or(state.notice.as_ref());
        if shown != Some(&text) {
            // Another message took its place: the cause is not that one's.
            state.message_cause = None;
        } else if !state.holds(cause) {
            state.message_cause = None;
            state.last_error = None;
            state.notice = None;
        }
    }
}

fn logged_last(state: &State, text: &str, error: bool) -> bool {
    state
        .messages
        .last()
        .is_some_and(|m| m.text == text && m.error == error)
}

/// `M` (or `:messages`): the log, scrolled to the newest message.
pub(super) fn open(state: &mut State) -> Vec<Command> {
    state.message_log = Some(MessageLog::default());
    Vec::new()
}

/// A key while the log is open.
pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(action) = state.keymap.lookup(LOG_BINDINGS, event) else {
        return Vec::new();
    };
    let (width, height) = (state.viewport.width, state.viewport.height);
    let max = crate::console::screens::messages::max_scroll(&state.messages, width, height);
    let page = crate::console::screens::messages::page_height(height);
    let Some(log) = state.message_log.as_mut() else {
        return Vec::new();
    };
    // `back`: lines scrolled up from the newest.
    let back = log.back.min(max);
    log.back = match action {
        LogAction::Close => {
            state.message_log = None;
            return Vec::new();
        }
        LogAction::Up => (back + 1).min(max),
        LogAction::Down => back.saturating_sub(1),
        LogAction::PageUp => (back + page).min(max),
        LogAction::PageDown => back.saturating_sub(page),
        LogAction::First => max,
        LogAction::Last => 0,
    };
    Vec::new()
}

/// Whether `event` opens the log on the screen in front.
pub(super) fn opens(state: &State, event: &KeyEvent) -> bool {
    keymap::is_press(event)
        && state
            .keymap
            .lookup(crate::console::screens::messages::OPEN_BINDINGS, event)
            .is_some()
}
