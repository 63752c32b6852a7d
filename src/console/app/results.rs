//! The answers to `Command`s (and the poll timer's tick), applied to the state.

use super::{Command, Connection, SaveError, State};
use crate::client::ClientError;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, Me, Organization,
    Page, PrecheckResponse,
};
use crate::console::data::DataError;
use crate::console::i18n;
use crate::console::screens::activations::same_view_but_page;
use crate::domain::ActivationStatus;
use std::path::PathBuf;

pub(super) fn on_me_loaded(state: &mut State, result: Result<Me, DataError>) -> Vec<Command> {
    state.note_result(&result);
    if let Ok(me) = result {
        state.me = Some(me);
    }
    Vec::new()
}

pub(super) fn on_organizations_loaded(
    state: &mut State,
    result: Result<Vec<Organization>, DataError>,
) -> Vec<Command> {
    state.note_result(&result);
    if let Ok(organizations) = result {
        state.organizations = organizations;
        if let Some(flow) = state.new_activation.as_mut() {
            flow.organizations_arrived(&state.organizations);
        }
        if state.tab == crate::console::screens::Tab::Capacity {
            return super::tabbed::switch_tab(state, state.tab);
        }
    }
    Vec::new()
}

pub(super) fn on_activations_loaded(
    state: &mut State,
    request_id: u64,
    result: Result<Page<ActivationSummary>, DataError>,
) -> Vec<Command> {
    // A stale answer (the user has asked for something newer) changes nothing.
    if state.list.is_current(request_id) {
        // A jump by page number into the middle of a long list: the portal refuses
        // (400, page numbers reach 10 000 rows from either end); say it in the
        // console's words, which name the keys that do get there.
        let jump = state
            .list
            .pending
            .as_ref()
            .map(|(_, asked)| asked)
            .filter(|asked| {
                asked.cursor.is_none()
                    && asked.page != state.list.applied.page
                    && state.list.page.is_some()
                    && same_view_but_page(asked, &state.list.applied)
            })
            .map(|asked| asked.page);
        state.note_result(&result);
        if let (Some(page), Err(ClientError::Api { status: 400, .. })) = (jump, &result) {
            state.last_error = Some(i18n::page_beyond_reach(state.lang, page));
        }
        // `:sn`: exactly one activation has the serial: open it on that serial.
        let found = state
            .serial_jump
            .take_if(|(id, _)| *id == request_id)
            .and_then(|(_, serial)| {
                let page = result.as_ref().ok().filter(|p| p.total == 1)?;
                Some((page.items.first()?.number, serial))
            });
        state.list.on_loaded(request_id, result.ok());
        if let Some((number, serial)) = found {
            return super::palette::open_activation(
                state,
                number,
                Some(serial.as_str().to_string()),
            );
        }
        return state.list.take_queued_step(&mut state.request_ids);
    } else if let Some((_, query)) = state
        .polling
        .list_request
        .take_if(|(id, _)| *id == request_id)
    {
        // A background poll: only applied when the user asked for nothing
        // else meanwhile; a failure is not worth a message (the next tick asks
        // again) beyond the connection state.
        match result {
            Ok(page) if !state.list.loading() && state.list.applied == query => {
                state.connection = Connection::Online;
                state.list.on_polled(page);
            }
            Ok(_) => {}
            Err(e) => {
                if e.is_connection() {
                    state.note_unreachable();
                }
            }
        }
    }
    Vec::new()
}

pub(super) fn on_detail_loaded(
    state: &mut State,
    request_id: u64,
    result: Result<ActivationDetail, DataError>,
) -> Vec<Command> {
    if let Some(detail) = state
        .detail
        .as_mut()
        .filter(|d| d.pending == Some(request_id))
    {
        detail.on_loaded(request_id, result.as_ref().ok().cloned());
        // Opened by number and not there (or unreadable): nothing to show, so back to
        // the list, with the reason on the status line.
        let nothing_shown = detail.summary().is_none();
        state.note_result(&result);
        if nothing_shown {
            state.detail = None;
        }
    } else if state.polling.detail_request == Some(request_id) {
        state.polling.detail_request = None;
        if let (Some(detail), Ok(loaded)) = (state.detail.as_mut(), result)
            && detail.pending.is_none()
            && detail.number == loaded.summary.number
        {
            detail.summary = Some(loaded.summary.clone());
            detail.detail = Some(loaded);
            detail.selected = detail
                .selected
                .min(detail.visible_lines().len().saturating_sub(1));
        }
    }
    Vec::new()
}

/// Re-reads the list's current page in the background (no loading marker; a request
/// of the user's own wins over it), unless one is already under way.
pub(super) fn quiet_list_fetch(state: &mut State) -> Option<Command> {
    if state.list.loading() || state.polling.list_request.is_some() {
        return None;
    }
    let request_id = state.request_ids.next_id();
    let query = state.list.applied.clone();
    state.polling.list_request = Some((request_id, query.clone()));
    Some(Command::FetchActivations { request_id, query })
}

/// Re-reads the open detail in the background, the same way.
pub(super) fn quiet_detail_fetch(state: &mut State) -> Option<Command> {
    let detail = state.detail.as_ref()?;
    if detail.pending.is_some() || state.polling.detail_request.is_some() {
        return None;
    }
    let number = detail.number;
    let request_id = state.request_ids.next_id();
    state.polling.detail_request = Some(request_id);
    Some(Command::FetchDetail { request_id, number })
}

/// The poll timer: re-read what is in progress (quietly, without a loading marker).
pub(super) fn on_tick(state: &mut State) -> Vec<Command> {
    state.polling.tick_scheduled = false;
    let mut commands = Vec::new();
    if state.sync.is_some() {
        // With a mirror the screens read local data: pull the portal's progress into
        // it now (an empty delta costs one small request); its changes re-read them.
        commands.push(Command::SyncNow);
    }
    if state.list_in_progress() {
        commands.extend(quiet_list_fetch(state));
    }
    let detail_in_progress = state.detail.as_ref().is_some_and(|d| {
        d.summary()
            .is_some_and(|s| s.status == ActivationStatus::InProgress)
    });
    if detail_in_progress {
        commands.extend(quiet_detail_fetch(state));
    }
    commands
}

pub(super) fn on_offer_accepted(
    state: &mut State,
    result: Result<Organization, DataError>,
) -> Vec<Command> {
    state.note_result(&result);
    if let Ok(org) = &result
        && let Some(known) = state.organizations.iter_mut().find(|o| o.id == org.id)
    {
        *known = org.clone();
    }
    if let Some(flow) = state.new_activation.as_mut() {
        flow.offer_accepted(result);
    }
    Vec::new()
}

pub(super) fn on_prechecked(
    state: &mut State,
    result: Result<PrecheckResponse, DataError>,
) -> Vec<Command> {
    state.note_result(&result);
    if matches!(&result, Err(e) if e.is_connection()) {
        // Offline (or the mirror's portal is away): say plainly that this step needs
        // the portal; the list stays in the text area.
        state.set_error(i18n::sync::PRECHECK_OFFLINE.get(state.lang));
    }
    if let Some(flow) = state.new_activation.as_mut() {
        flow.prechecked(result.map(|r| r.rows));
    }
    Vec::new()
}

/// The activations were created: land on the list, newest first, with them marked.
/// A failure keeps the flow as it was (rows, selection, key).
pub(super) fn on_created(
    state: &mut State,
    result: Result<CreatedActivations, DataError>,
) -> Vec<Command> {
    state.note_result(&result);
    match result {
        Ok(created) => {
            let numbers: Vec<i64> = created.activations.iter().map(|a| a.number).collect();
            // A renewal (issue 16) lands on the list too; its devices are no longer marked.
            if state.new_activation.as_ref().is_some_and(|f| f.renewal) {
                state.renewals.marks.clear();
                state.tab = crate::console::screens::Tab::Activations;
            }
            state.new_activation = None;
            state.new_activation_open = false;
            state.detail = None;
            state.list.query = ActivationQuery {
                per_page: state.list.query.per_page,
                ..ActivationQuery::default()
            };
            state.list.highlighted = numbers.clone();
            state.set_notice(i18n::created(state.lang, &numbers));
            vec![state.list.fetch(&mut state.request_ids)]
        }
        Err(error) => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.create_failed(&error);
            }
            Vec::new()
        }
    }
}

pub(super) fn on_retried(
    state: &mut State,
    number: i64,
    result: Result<ActivationSummary, DataError>,
) -> Vec<Command> {
    state.note_result(&result);
    if let Ok(summary) = result {
        state.set_notice(i18n::RETRY_SENT.get(state.lang));
        if let Some(detail) = state.detail.as_mut().filter(|d| d.number == number) {
            detail.summary = Some(summary.clone());
            if let Some(loaded) = detail.detail.as_mut() {
                loaded.summary = summary.clone();
            }
        }
        state.list.replace_row(summary);
    }
    Vec::new()
}

pub(super) fn on_file_saved(state: &mut State, result: Result<PathBuf, SaveError>) -> Vec<Command> {
    match result {
        Ok(path) => state.set_notice(i18n::saved_to(state.lang, &path)),
        Err(SaveError::Request(error)) => {
            let result: Result<(), _> = Err(error);
            state.note_result(&result);
        }
        Err(SaveError::Write { path, error }) => {
            state.set_error(i18n::save_failed(state.lang, &path, &error))
        }
    }
    Vec::new()
}

pub(super) fn on_serials_imported(
    state: &mut State,
    path: PathBuf,
    result: Result<String, String>,
) -> Vec<Command> {
    let lang = state.lang;
    match result {
        Ok(text) => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.imported(&text);
            }
            state.set_notice(i18n::imported(lang, &path, text.lines().count()));
        }
        Err(error) => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.import_failed();
            }
            state.set_error(i18n::import_failed(lang, &path, &error));
        }
    }
    Vec::new()
}

/// A terminal round trip above this is a slow link (typing feels it): the status line
/// suggests compression once. Local terminals and a LAN answer in a few ms.
pub const SLOW_TERMINAL: std::time::Duration = std::time::Duration::from_millis(150);

/// The round trip measured at start; it comes once per run, so a slow link is said
/// once, with what makes it faster.
pub(super) fn on_terminal_round_trip(state: &mut State, took: std::time::Duration) -> Vec<Command> {
    if took > SLOW_TERMINAL {
        let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
        state.set_notice(i18n::slow_terminal(state.lang, ms));
    }
    Vec::new()
}
