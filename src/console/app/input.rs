//! Keys and pasted text: routed to the help, the new-activation flow, the detail or
//! the list, whichever is in front, and the actions that need the whole state.

use super::{Command, Front, State};
use crate::client::wire::Role;
use crate::console::i18n;
use crate::console::keymap;
use crate::console::screens::activations::{self, ListAction};
use crate::console::screens::column_chooser::ListKind;
use crate::console::screens::detail::{self, DetailAction, DetailScreen};
use crate::console::screens::new_activation::{NewActivation, Outcome};
use crate::console::screens::outbox::MIRROR_BINDINGS;
use crate::console::screens::tabs::TAB_BINDINGS;
use crate::domain::{ActivationFailure, ActivationStatus};
use crossterm::event::KeyEvent;

pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    if !keymap::is_press(event) {
        return Vec::new();
    }
    if keymap::is_interrupt(event) {
        return vec![Command::Quit];
    }
    if state.help_open {
        // Its own keys; everything else is swallowed so the help is read in peace.
        return help_key(state, event);
    }
    if state.message_log.is_some() {
        return super::messages::on_key(state, event);
    }
    if state.palette.is_some() {
        return super::palette::on_key(state, event);
    }
    if state.audit.is_some() {
        return super::tabbed::on_audit_key(state, event);
    }
    if state.column_chooser.is_some() {
        return super::columns::on_key(state, event);
    }
    if super::mirror::outbox_in_front(state) {
        return super::mirror::on_outbox_key(state, event);
    }
    if matches!(state.front(), Front::Seats | Front::Capacity | Front::Keys) {
        return super::tabbed::on_key(state, event);
    }
    if state.front() == Front::NewActivation
        && let Some(flow) = state.new_activation.as_mut()
    {
        if flow.takes_global_keys() && super::messages::opens(state, event) {
            return super::messages::open(state);
        }
        let Some(flow) = state.new_activation.as_mut() else {
            return Vec::new();
        };
        flow.page_rows = crate::console::screens::new_activation::page_rows(state.viewport.height);
        let outcome = flow.on_key(event, &state.organizations, state.lang, &state.keymap);
        return apply_outcome(state, outcome);
    }
    if let Some(detail) = state.detail.as_mut() {
        if detail.editing() {
            detail.search_key(event);
            return Vec::new();
        }
        if super::messages::opens(state, event) {
            return super::messages::open(state);
        }
        return match state.keymap.lookup(detail::BINDINGS, event) {
            Some(action) => detail_action(state, action),
            None => Vec::new(),
        };
    }
    if state.list.search_input.is_some() {
        return state.list.search_key(event, &mut state.request_ids);
    }
    if let Some(key) = state.keymap.lookup(MIRROR_BINDINGS, event) {
        return super::mirror::on_mirror_key(state, key);
    }
    if super::messages::opens(state, event) {
        return super::messages::open(state);
    }
    if let Some(tab) = state.keymap.lookup(TAB_BINDINGS, event) {
        return super::tabbed::switch_tab(state, tab);
    }
    match state.keymap.lookup(activations::BINDINGS, event) {
        Some(action) => list_action(state, action),
        None => Vec::new(),
    }
}

/// A key while the help is open: scrolling, or closing it.
fn help_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    use crate::console::widgets::help::{self, HelpAction};
    let Some(action) = state.keymap.lookup(help::BINDINGS, event) else {
        return Vec::new();
    };
    let g = state.theme.glyphs;
    let entries = help::drawn_entries(&state.help_entries(), &state.theme);
    let (width, height) = (state.viewport.width, state.viewport.height);
    let max = help::max_scroll(
        &g.text(&state.help_title()),
        &g.text(i18n::HELP_CLOSE.get(state.lang)),
        &entries,
        width,
        height,
    );
    let page = help::page_height(height);
    let scroll = state.help_scroll.min(max);
    state.help_scroll = match action {
        HelpAction::Close => {
            state.help_open = false;
            0
        }
        HelpAction::Down => (scroll + 1).min(max),
        HelpAction::Up => scroll.saturating_sub(1),
        HelpAction::PageDown => (scroll + page).min(max),
        HelpAction::PageUp => scroll.saturating_sub(page),
        HelpAction::First => 0,
        HelpAction::Last => max,
    };
    Vec::new()
}

/// Runs one of the detail's actions (from its key or the `:` palette).
pub(super) fn detail_action(state: &mut State, action: DetailAction) -> Vec<Command> {
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    // Nothing to retry or save before the activation is known.
    let known = detail.summary().map(|s| (s.number, s.status));
    match action {
        DetailAction::Help => {
            state.help_open = true;
            Vec::new()
        }
        DetailAction::Palette => super::palette::open(state),
        DetailAction::CopySerial => super::clipboard::copy_serial(state),
        DetailAction::Back => {
            state.detail = None;
            Vec::new()
        }
        DetailAction::History => {
            let object = format!("activation:{}", detail.number);
            super::tabbed::open_history(state, object)
        }
        DetailAction::Retry => match known {
            Some((number, status)) => {
                let failure = detail.summary().and_then(|s| s.failure.clone());
                retry(state, number, status, failure)
            }
            None => Vec::new(),
        },
        DetailAction::SaveLicense => match known {
            Some((number, status)) => save_license(state, number, status),
            None => Vec::new(),
        },
        action => detail.apply(action, &mut state.request_ids),
    }
}

/// Runs one of the list's actions (from its key or the `:` palette).
pub(super) fn list_action(state: &mut State, action: ListAction) -> Vec<Command> {
    match action {
        ListAction::Help => {
            state.help_open = true;
            Vec::new()
        }
        ListAction::Palette => super::palette::open(state),
        ListAction::CopyNumber => super::clipboard::copy_number(state),
        ListAction::CopyRow => super::clipboard::copy_row(state),
        ListAction::Quit => vec![Command::Quit],
        ListAction::NewActivation => open_new_activation(state),
        ListAction::Columns => super::columns::open(state, ListKind::Activations),
        ListAction::Retry => match state.list.selected_row() {
            Some(row) => {
                let (number, status, failure) = (row.number, row.status, row.failure.clone());
                retry(state, number, status, failure)
            }
            None => Vec::new(),
        },
        ListAction::SaveLicense => match state.list.selected_row() {
            Some(row) => {
                let (number, status) = (row.number, row.status);
                save_license(state, number, status)
            }
            None => Vec::new(),
        },
        ListAction::Open => match state.list.selected_row().cloned() {
            Some(row) => {
                let (screen, command) = DetailScreen::open(row, &mut state.request_ids);
                state.detail = Some(screen);
                vec![command]
            }
            None => Vec::new(),
        },
        action => state
            .list
            .apply(action, &state.organizations, &mut state.request_ids),
    }
}

/// Pasted text goes into the open input of the screen in front (none under the help).
pub(super) fn on_paste(state: &mut State, text: String) -> Vec<Command> {
    if state.help_open || state.audit.is_some() {
        return Vec::new();
    }
    if state.palette.is_some() {
        super::palette::on_paste(state, &text);
        return Vec::new();
    }
    if matches!(state.front(), Front::Seats | Front::Capacity | Front::Keys) {
        return super::tabbed::on_paste(state, &text);
    }
    if state.front() == Front::NewActivation {
        if !state.help_open
            && let Some(flow) = state.new_activation.as_mut()
        {
            flow.paste(&text, state.lang);
        }
        Vec::new()
    } else {
        // One line only: inputs are single-line, so line breaks become spaces.
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        match state.detail.as_mut() {
            Some(detail) if !state.help_open => detail.paste(&text),
            Some(_) => {}
            None if !state.help_open => state.list.paste(&text),
            None => {}
        }
        Vec::new()
    }
}

/// Applies what the flow asked for.
fn apply_outcome(state: &mut State, outcome: Outcome) -> Vec<Command> {
    match (outcome.error, outcome.cause) {
        (Some(error), Some(cause)) => state.set_error_while(error, cause),
        (Some(error), None) => state.set_error(error),
        (None, _) => {}
    }
    if let Some(notice) = outcome.notice {
        state.set_notice(notice);
    }
    if outcome.help {
        state.help_open = true;
    }
    if outcome.close {
        state.new_activation_open = false;
    }
    if outcome.discard {
        state.new_activation = None;
        state.new_activation_open = false;
    }
    outcome.commands
}

/// `R`: only an errored activation, not for the viewer role, and not when the portal
/// says the registry refused a serial for good (it would fail the same way again).
fn retry(
    state: &mut State,
    number: i64,
    status: ActivationStatus,
    failure: Option<ActivationFailure>,
) -> Vec<Command> {
    if let Some(role) = state.role().filter(|r| *r == Role::Viewer) {
        state.set_error(i18n::role_denied(state.lang, role, i18n::ACTION_RETRY));
        return Vec::new();
    }
    if status != ActivationStatus::Error {
        let text = i18n::RETRY_ONLY_ERROR.get(state.lang);
        state.set_error_while(text, super::Cause::Activation(number, status));
        return Vec::new();
    }
    if let Some(failure) = failure.filter(|f| f.reason.is_final()) {
        state.set_error(i18n::activation::retry_refused(&failure, state.lang));
        return Vec::new();
    }
    vec![Command::Retry { number }]
}

/// `s` (detail) / `L` (list): only a done activation has a license file.
fn save_license(state: &mut State, number: i64, status: ActivationStatus) -> Vec<Command> {
    if status != ActivationStatus::Done {
        let text = i18n::LICENSE_ONLY_DONE.get(state.lang);
        state.set_error_while(text, super::Cause::Activation(number, status));
        return Vec::new();
    }
    vec![Command::SaveLicenseFile { number }]
}

/// `a` on the list: open the flow (where it was left, if it was).
fn open_new_activation(state: &mut State) -> Vec<Command> {
    if let Some(role) = state.role().filter(|r| *r != Role::Admin) {
        let text = i18n::role_denied(state.lang, role, i18n::ACTION_CREATE);
        state.set_error(text);
        return Vec::new();
    }
    // Nothing to choose from: said now, not after the offer, the paste and the precheck.
    if !state.organizations.is_empty() && state.organizations.iter().all(|o| o.activation_blocked) {
        state.set_error(i18n::activation::blocked(state.lang));
        return Vec::new();
    }
    state.new_activation_open = true;
    if state.new_activation.is_none() {
        state.new_activation = Some(NewActivation::start(
            &state.organizations,
            &state.theme,
            state.lang,
        ));
        if state.organizations.is_empty() {
            return vec![Command::FetchOrganizations];
        }
    }
    Vec::new()
}
