//! Mirror mode: the sync state on the status line, queued writes, the outbox and its
//! conflicts, and quiet re-reads after a sync brought changes; and, in either mode, the
//! liveness probe's answers.

use super::{Command, Connection, Front, State};
use crate::console::data::DataError;
use crate::console::i18n::sync as tr;
use crate::console::screens::outbox::{MirrorKey, OutboxOverlay};
use crate::mirror::sync::{SyncProgress, SyncReport};
use crate::mirror::{OutboxAction, OutboxItem};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// What the status line says about the mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncView {
    /// None until the first sync attempt ends.
    pub online: Option<bool>,
    pub synced_at: Option<DateTime<Utc>>,
    /// The clock as of the last sync event or clock tick: the line's "12 s ago" is
    /// `now - synced_at`, and a tick comes each time that text would change.
    pub now: DateTime<Utc>,
    /// Objects received so far while the first (full) sync runs.
    pub first_sync: Option<u64>,
    /// The mirror holds a window of activations from this time (docs/DESIGN.md §6.5):
    /// older ones are read from the portal, and are missing offline.
    pub window_from: Option<DateTime<Utc>>,
}

impl SyncView {
    pub fn new(synced_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> SyncView {
        SyncView {
            online: None,
            synced_at,
            now,
            first_sync: None,
            window_from: None,
        }
    }
}

impl SyncView {
    /// Milliseconds until the shown age («12 с», «3 мин», «2 ч») reads differently;
    /// `None` when no age is shown (never synced, or the first sync is running).
    pub fn next_change_ms(&self) -> Option<u64> {
        let synced_at = self.synced_at?;
        if self.first_sync.is_some() {
            return None;
        }
        let age_ms = (self.now - synced_at).num_milliseconds().max(0);
        let unit: i64 = match age_ms / 1000 {
            s if s < 60 => 1_000,
            s if s < 3_600 => 60_000,
            s if s < 86_400 => 3_600_000,
            _ => 86_400_000,
        };
        u64::try_from(unit - age_ms % unit).ok()
    }
}

/// A sync that did not finish, as the loop reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFailure {
    pub at: DateTime<Utc>,
    /// The portal could not be reached (not an error worth a message).
    pub offline: bool,
    pub message: String,
}

pub(super) fn on_write_queued(state: &mut State, item: OutboxItem) -> Vec<Command> {
    let lang = state.lang;
    if let Some(sync) = state.sync.as_mut() {
        sync.online = Some(false);
    }
    let mut commands = vec![Command::FetchOutbox];
    match &item.action {
        OutboxAction::Bind { seat, email } => {
            let reply = state.seats.on_bind_queued(*seat, email, lang);
            commands.extend(super::tabbed::apply(state, reply));
        }
        // The confirmation that sent it is closed by `dialogs::settle`.
        OutboxAction::Unbind { .. } => {}
        OutboxAction::Emergency { .. } => state.capacity.on_emergency_queued(),
        OutboxAction::Activate { .. } => {
            // The list was prechecked online and confirmed: it is safe in the outbox.
            state.new_activation = None;
            state.new_activation_open = false;
        }
        OutboxAction::Retry { .. } => {}
    }
    state.set_notice(tr::queued(lang, &tr::action(lang, &item.action)));
    commands
}

pub(super) fn on_outbox_loaded(
    state: &mut State,
    result: Result<Vec<OutboxItem>, DataError>,
) -> Vec<Command> {
    match result {
        Ok(items) => {
            if let Some(overlay) = state.outbox_overlay.as_mut() {
                overlay.selected = overlay.selected.min(items.len().saturating_sub(1));
            }
            state.outbox = items;
        }
        Err(error) => state.set_error(crate::console::i18n::request_error(state.lang, &error)),
    }
    Vec::new()
}

pub(super) fn on_outbox_cancelled(
    state: &mut State,
    result: Result<bool, DataError>,
) -> Vec<Command> {
    match result {
        Ok(true) => state.set_notice(tr::CANCELLED.get(state.lang)),
        Ok(false) => state.set_error(tr::NOT_CANCELLED.get(state.lang)),
        Err(error) => state.set_error(crate::console::i18n::request_error(state.lang, &error)),
    }
    vec![Command::FetchOutbox]
}

pub(super) fn on_sync_progress(state: &mut State, progress: SyncProgress) -> Vec<Command> {
    if let Some(sync) = state.sync.as_mut()
        && progress.full
        && sync.synced_at.is_none()
    {
        sync.first_sync = Some(progress.received);
    }
    Vec::new()
}

pub(super) fn on_synced(
    state: &mut State,
    result: Result<SyncReport, SyncFailure>,
) -> Vec<Command> {
    let lang = state.lang;
    let Some(sync) = state.sync.as_mut() else {
        return Vec::new();
    };
    sync.first_sync = None;
    match result {
        Ok(report) => {
            let first = sync.synced_at.is_none();
            sync.online = Some(true);
            sync.synced_at = Some(report.at);
            sync.now = report.at;
            sync.window_from = report.window_from;
            let mut commands = Vec::new();
            if let Some(conflict) = report.flush.conflicts.first() {
                let message = conflict.message.as_deref().unwrap_or_default();
                state.set_error(tr::conflict(
                    lang,
                    &tr::action(lang, &conflict.action),
                    message,
                ));
            } else if report.flush.sent > 0 {
                state.set_notice(tr::sent(lang, report.flush.sent));
            }
            let outbox_changed = report.flush.sent > 0 || !report.flush.conflicts.is_empty();
            if outbox_changed || !state.outbox.is_empty() {
                commands.push(Command::FetchOutbox);
            }
            if first || outbox_changed || report.counts.total() > 0 {
                commands.extend(refresh_views(state));
            }
            commands
        }
        Err(failure) => {
            sync.online = Some(!failure.offline);
            sync.now = failure.at;
            if !failure.offline {
                state.set_error(failure.message);
            }
            Vec::new()
        }
    }
}

/// The liveness probe answered (`console::liveness`). Only a change of the answer
/// changes the state (an unchanged one draws nothing). A portal that is back is synced
/// at once: the outbox goes out and the age is fresh, not up to a sync interval later.
pub(super) fn on_reachable(state: &mut State, reachable: bool) -> Vec<Command> {
    let Some(sync) = state.sync.as_mut() else {
        state.connection = match (reachable, state.connection) {
            (false, _) => Connection::Offline,
            (true, Connection::Offline) => Connection::Online,
            // Connecting: the first answer says whether the token is good, too.
            (true, other) => other,
        };
        return Vec::new();
    };
    match (reachable, sync.online) {
        (false, Some(false)) | (true, Some(true)) => Vec::new(),
        (false, _) => {
            sync.online = Some(false);
            Vec::new()
        }
        // Before the first sync has ended the line says "connecting…": that sync
        // tells whether the portal also takes the token.
        (true, None) => Vec::new(),
        (true, Some(false)) => {
            sync.online = Some(true);
            vec![Command::SyncNow]
        }
    }
}

/// The clock tick: the sync age moves on.
pub(super) fn on_clock(state: &mut State, now: DateTime<Utc>) -> Vec<Command> {
    state.polling.clock_scheduled = false;
    if let Some(sync) = state.sync.as_mut()
        && now > sync.now
    {
        sync.now = now;
    }
    Vec::new()
}

/// Re-reads what is on screen from the (now newer) mirror, quietly: no loading marker,
/// and the user's own requests win over these.
fn refresh_views(state: &mut State) -> Vec<Command> {
    let mut commands: Vec<Command> = super::results::quiet_list_fetch(state)
        .into_iter()
        .chain(super::results::quiet_detail_fetch(state))
        .collect();
    if state.seats.visited && state.seats.bind.is_none() && state.seats.bulk.is_none() {
        commands.push(state.seats.fetch(&mut state.request_ids));
        commands.push(state.seats.summary_command());
    }
    if let Some(organization) = state.capacity.organization
        && state.capacity.emergency.is_none()
    {
        commands.push(state.capacity.fetch(organization, &mut state.request_ids));
    }
    // An organization blocked or unblocked (an invoice overdue or paid, issue 17): the
    // chooser and the blocked message say so after the sync, not after a restart.
    commands.push(Command::FetchOrganizations);
    commands.extend(state.invoices.refresh(&mut state.request_ids));
    commands
}

/// `O` and `S` on a tabbed screen.
pub(super) fn on_mirror_key(state: &mut State, key: MirrorKey) -> Vec<Command> {
    if state.sync.is_none() {
        return Vec::new();
    }
    match key {
        MirrorKey::Outbox => {
            state.outbox_overlay = Some(OutboxOverlay::default());
            vec![Command::FetchOutbox]
        }
        MirrorKey::SyncNow => vec![Command::SyncNow],
    }
}

/// A key while the outbox is open.
pub(super) fn on_outbox_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(overlay) = state.outbox_overlay.as_mut() else {
        return Vec::new();
    };
    let reply = overlay.on_key(event, &state.outbox, &state.keymap, state.lang);
    if reply.close {
        state.outbox_overlay = None;
    }
    super::tabbed::apply(state, reply)
}

/// Whether the outbox is what the keys go to.
pub(super) fn outbox_in_front(state: &State) -> bool {
    state.outbox_overlay.is_some() && state.front() != Front::NewActivation
}
