//! The console's state machine: `State`, the `Msg`s that change it, the `Command`s it
//! asks the runtime to run, the pure `update`, and `view`, which only draws.
//!
//! This module holds `update`'s dispatch; the types are in `command`, `msg` and
//! `state`, keys and paste are handled in `input`, the answers to commands in
//! `results`, and drawing in `view`.

mod bindings;
mod bulk;
mod clipboard;
mod columns;
mod command;
mod dialogs;
mod input;
mod messages;
mod mirror;
mod mouse;
mod msg;
mod palette;
mod pickers;
mod results;
mod state;
mod tabbed;
mod view;
// Exports and saved views of every list (issue 16 b).
mod views;

pub use bulk::BulkState;
pub use clipboard::{Clipboard, ClipboardCaveat, row_text};
pub use command::{AUDIT_PER_PAGE, Command, POLL_INTERVAL_MS, ReadPurpose};
pub use messages::{Cause, Clock, LOG_LIMIT, LogEntry};
pub use mirror::{SyncFailure, SyncView};
pub use mouse::{MouseInput, MouseKind};
pub use msg::{Msg, SaveError};
pub use results::SLOW_TERMINAL;
pub use state::{Connection, Front, Polling, RequestIds, State, Viewport};
pub use view::{MIN_HEIGHT, MIN_WIDTH, view};

/// All logic lives here: no I/O, no terminal.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    // What the status line said before: a message set by any path reaches the log.
    // At start, the messages found before the loop (theme, keys) are new too.
    let before = match msg {
        Msg::Start => (None, None),
        _ => (state.last_error.clone(), state.notice.clone()),
    };
    let mut commands = update_inner(state, msg);
    messages::after_update(state, before);
    clipboard::note_first_copy(state, &commands);
    // Polling: one timer at a time, and none at all when nothing is in progress.
    if state.polling_wanted() && !state.polling.tick_scheduled {
        state.polling.tick_scheduled = true;
        commands.push(Command::ScheduleTick);
    }
    // The sync age keeps counting while it is shown: the next tick comes when its text
    // changes (every second under a minute, every minute under an hour, …).
    if !state.polling.clock_scheduled
        && let Some(delay) = state.sync.as_ref().and_then(SyncView::next_change_ms)
    {
        state.polling.clock_scheduled = true;
        commands.push(Command::ScheduleClock(delay));
    }
    commands
}
fn update_inner(state: &mut State, msg: Msg) -> Vec<Command> {
    dialogs::settle(state, &msg);
    match msg {
        Msg::Start => {
            let fetch = state.list.fetch(&mut state.request_ids);
            let mut commands = vec![Command::FetchMe, Command::FetchOrganizations, fetch];
            if state.sync.is_some() {
                commands.push(Command::FetchOutbox);
            }
            commands
        }
        Msg::WriteQueued(item) => mirror::on_write_queued(state, item),
        Msg::OutboxLoaded(result) => mirror::on_outbox_loaded(state, result),
        Msg::OutboxCancelled(result) => mirror::on_outbox_cancelled(state, result),
        Msg::SyncProgress(progress) => mirror::on_sync_progress(state, progress),
        Msg::Synced(result) => mirror::on_synced(state, result),
        Msg::PortalReachable(reachable) => mirror::on_reachable(state, reachable),
        Msg::UiStateSaved(result) => columns::on_saved(state, result),
        Msg::Resize { width, height } => {
            state.viewport = Viewport { width, height };
            Vec::new()
        }
        Msg::Mouse(input) => mouse::on_mouse(state, input),
        Msg::Key(event) => input::on_key(state, &event),
        Msg::Paste(text) => input::on_paste(state, text),
        Msg::MeLoaded(result) => results::on_me_loaded(state, result),
        Msg::OrganizationsLoaded(result) => results::on_organizations_loaded(state, result),
        Msg::ActivationsLoaded { request_id, result } => {
            results::on_activations_loaded(state, request_id, result)
        }
        Msg::DetailLoaded { request_id, result } => {
            results::on_detail_loaded(state, request_id, result)
        }
        Msg::Tick => results::on_tick(state),
        Msg::Clock(now) => mirror::on_clock(state, now),
        Msg::TerminalRoundTrip(took) => results::on_terminal_round_trip(state, took),
        Msg::OfferAccepted(result) => results::on_offer_accepted(state, result),
        Msg::Prechecked(result) => results::on_prechecked(state, result),
        Msg::ActivationsCreated(result) => results::on_created(state, result),
        Msg::Retried { number, result } => results::on_retried(state, number, result),
        Msg::FileSaved(result) => results::on_file_saved(state, result),
        Msg::BulkStep { .. }
        | Msg::MatchingCollected { .. }
        | Msg::TriageLoaded { .. }
        | Msg::ExportProgress { .. }
        | Msg::Exported { .. }
        | Msg::ViewSaved { .. } => bulk::on_result(state, msg),
        Msg::SerialsImported { path, result } => results::on_serials_imported(state, path, result),
        Msg::PathCompleted { typed, completed } => {
            // Whichever path field asked (the one still holding `typed`) takes it.
            let completed = completed.as_deref();
            let taken = state
                .new_activation
                .as_mut()
                .is_some_and(|flow| flow.path_completed(&typed, completed));
            if !taken {
                state.keys.path_completed(&typed, completed);
            }
            Vec::new()
        }
        other => tabbed::on_result(state, other),
    }
}
