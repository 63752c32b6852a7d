//! Keys and pasted text: routed to whatever owns the keyboard (`State::keyboard_owner`:
//! the top dialog, an overlay, or the screen in front), and the list's and detail's
//! actions that need the whole state.

use super::{Command, Front, State};
use crate::client::wire::Role;
use crate::console::i18n;
use crate::console::keymap;
use crate::console::screens::Reply;
use crate::console::screens::activations::{self, ListAction};
use crate::console::screens::column_chooser::ListKind;
use crate::console::screens::detail::{self, DetailAction, DetailScreen};
use crate::console::screens::dialog::{ConfirmDialog, Confirmed, Dialog, PageTarget, PickTarget};
use crate::console::screens::new_activation::{NewActivation, Outcome};
use crate::console::screens::outbox::MIRROR_BINDINGS;
use crate::console::screens::tabs::TAB_BINDINGS;
use crate::domain::{ActivationFailure, ActivationStatus};
use crossterm::event::KeyEvent;

/// Who gets the keyboard: decided here and only here, so a dialog, prompt or overlay
/// in front owns every key until it closes and nothing falls through to what is under
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The top of the dialog stack (confirmation, notice, picker, page prompt).
    Dialog,
    Help,
    /// An action on marked rows, running or showing its results (issue 16 b).
    Run,
    /// The triage of errors (issue 16 b).
    Triage,
    /// The message log.
    Messages,
    Palette,
    History,
    Columns,
    Outbox,
    /// Seats, Capacity, Keys (each routes to its own open dialog or input first).
    Tabbed,
    /// The new-activation flow.
    Flow,
    Detail,
    List,
}

impl State {
    pub fn keyboard_owner(&self) -> Owner {
        if !self.dialogs.is_empty() {
            Owner::Dialog
        } else if self.help_open {
            Owner::Help
        } else if self.bulk.run.is_some() {
            Owner::Run
        } else if self.palette.is_some() {
            // Before the triage: it opens the palette over itself (`:export FILE`).
            Owner::Palette
        } else if self.bulk.triage.is_some() {
            Owner::Triage
        } else if self.message_log.is_some() {
            Owner::Messages
        } else if self.audit.is_some() {
            Owner::History
        } else if self.column_chooser.is_some() {
            Owner::Columns
        } else if super::mirror::outbox_in_front(self) {
            Owner::Outbox
        } else {
            match self.front() {
                Front::Seats
                | Front::Capacity
                | Front::Keys
                | Front::Access
                | Front::Activity
                | Front::Invoices
                | Front::Webhooks
                | Front::Renewals => Owner::Tabbed,
                Front::NewActivation => Owner::Flow,
                Front::Detail => Owner::Detail,
                Front::List => Owner::List,
            }
        }
    }
}

pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    if !keymap::is_press(event) {
        return Vec::new();
    }
    if keymap::is_interrupt(event) {
        return vec![Command::Quit];
    }
    if keymap::is_suspend(event) {
        return vec![Command::Suspend];
    }
    match state.keyboard_owner() {
        Owner::Dialog => super::dialogs::on_key(state, event),
        // Its own keys; everything else is swallowed so the help is read in peace.
        Owner::Help => help_key(state, event),
        Owner::Run => super::bulk::on_run_key(state, event),
        Owner::Triage => super::bulk::on_triage_key(state, event),
        Owner::Messages => super::messages::on_key(state, event),
        Owner::Palette => super::palette::on_key(state, event),
        Owner::History => super::tabbed::on_audit_key(state, event),
        Owner::Columns => super::columns::on_key(state, event),
        Owner::Outbox => super::mirror::on_outbox_key(state, event),
        Owner::Tabbed => super::tabbed::on_key(state, event),
        Owner::Flow => {
            let Some(flow) = state.new_activation.as_mut() else {
                return Vec::new();
            };
            if flow.takes_global_keys() && super::messages::opens(state, event) {
                return super::messages::open(state);
            }
            let Some(flow) = state.new_activation.as_mut() else {
                return Vec::new();
            };
            flow.page_rows =
                crate::console::screens::new_activation::page_rows(state.viewport.height);
            let outcome = flow.on_key(event, &state.organizations, state.lang, &state.keymap);
            apply_outcome(state, outcome)
        }
        Owner::Detail => {
            if let Some(detail) = state.detail.as_mut().filter(|d| d.editing()) {
                detail.search_key(event);
                return Vec::new();
            }
            if super::messages::opens(state, event) {
                return super::messages::open(state);
            }
            match state.keymap.lookup(detail::BINDINGS, event) {
                Some(action) => detail_action(state, action),
                None => Vec::new(),
            }
        }
        Owner::List => {
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
        // Esc backs out one layer: the line filter first, then the detail.
        DetailAction::Back => {
            if detail.search.is_empty() {
                state.detail = None;
            } else {
                detail.search.clear();
            }
            Vec::new()
        }
        DetailAction::Quit => super::dialogs::request_quit(state),
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
    // The marks' keys, and the actions that work on the marks when there are some.
    if let Some(commands) = super::bulk::list_action(state, action) {
        return commands;
    }
    match action {
        ListAction::Help => {
            state.help_open = true;
            Vec::new()
        }
        ListAction::Palette => super::palette::open(state),
        ListAction::CopyNumber => super::clipboard::copy_number(state),
        ListAction::CopyRow => super::clipboard::copy_row(state),
        ListAction::Quit => super::dialogs::request_quit(state),
        // Esc never quits: it clears the search; with nothing to clear it says how to quit.
        ListAction::Back => match state.list.clear_search(&mut state.request_ids) {
            Some(commands) => commands,
            None => {
                let hint = i18n::dialogs::QUIT_HINT.get(state.lang);
                state.set_notice_while(hint, super::Cause::Front(Front::List));
                Vec::new()
            }
        },
        ListAction::NewActivation => open_new_activation(state),
        ListAction::GoToPage => super::pickers::open_page(state, PageTarget::Activations),
        ListAction::FilterOrganization => super::pickers::open(state, PickTarget::ListOrganization),
        ListAction::FilterStatus => super::pickers::open(state, PickTarget::ListStatus),
        ListAction::FilterVendor => super::pickers::open(state, PickTarget::ListVendor),
        ListAction::History => match state.list.selected_row() {
            Some(row) => {
                let object = format!("activation:{}", row.number);
                super::tabbed::open_history(state, object)
            }
            None => Vec::new(),
        },
        ListAction::Columns => super::columns::open(state, ListKind::Activations),
        ListAction::Retry => match state.list.selected_row() {
            Some(row) => {
                let (number, status, failure) = (row.number, row.status, row.failure.clone());
                retry(state, number, status, failure)
            }
            None => Vec::new(),
        },
        ListAction::Prices => vec![Command::FetchPrices],
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
        action => state.list.apply(action, &mut state.request_ids),
    }
}

/// Pasted text goes into the open input of what owns the keyboard (if it has one);
/// never into a list, where its letters would be commands.
pub(super) fn on_paste(state: &mut State, text: String) -> Vec<Command> {
    // One line only where inputs are single-line: line breaks become spaces.
    let one_line = |text: &str| -> String {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    match state.keyboard_owner() {
        Owner::Dialog => super::dialogs::on_paste(state, &text),
        Owner::Palette => super::palette::on_paste(state, &text),
        Owner::Tabbed => return super::tabbed::on_paste(state, &text),
        Owner::Flow => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.paste(&text, state.lang);
            }
        }
        Owner::Detail => {
            if let Some(detail) = state.detail.as_mut() {
                detail.paste(&one_line(&text));
            }
        }
        Owner::List => state.list.paste(&one_line(&text)),
        Owner::Help
        | Owner::Run
        | Owner::Triage
        | Owner::Messages
        | Owner::History
        | Owner::Columns
        | Owner::Outbox => {}
    }
    Vec::new()
}

/// Applies what the flow asked for (`close`: the flow is left and kept).
fn apply_outcome(state: &mut State, outcome: Outcome) -> Vec<Command> {
    if outcome.close {
        state.new_activation_open = false;
    }
    super::tabbed::apply(state, outcome)
}

/// `R`: only an errored activation, not for the viewer role, and not when the portal
/// says the registry refused a serial for good (it would fail the same way again);
/// asks first.
fn retry(
    state: &mut State,
    number: i64,
    status: ActivationStatus,
    failure: Option<ActivationFailure>,
) -> Vec<Command> {
    let lang = state.lang;
    let refusal = match state.role() {
        Some(role @ Role::Viewer) => Some(Reply::refused(
            lang,
            i18n::role_denied(lang, role, i18n::ACTION_RETRY),
        )),
        _ if status != ActivationStatus::Error => Some(Reply {
            cause: Some(super::Cause::Activation(number, status)),
            ..Reply::refused(lang, i18n::RETRY_ONLY_ERROR.get(lang))
        }),
        _ => failure
            .filter(|f| f.reason.is_final())
            .map(|f| Reply::refused(lang, i18n::activation::retry_refused(&f, lang))),
    };
    if let Some(reply) = refusal {
        return super::tabbed::apply(state, reply);
    }
    state.dialogs.push(Dialog::Confirm(ConfirmDialog::new(
        i18n::dialogs::RETRY_TITLE.get(lang),
        vec![i18n::dialogs::retry_question(lang, number)],
        i18n::dialogs::RETRY_BUTTON.get(lang),
        Confirmed::Retry { number },
    )));
    Vec::new()
}

/// `L` (list and detail): only a done activation has a license file.
fn save_license(state: &mut State, number: i64, status: ActivationStatus) -> Vec<Command> {
    if status != ActivationStatus::Done {
        let text = i18n::LICENSE_ONLY_DONE.get(state.lang);
        state.set_error_while(text, super::Cause::Activation(number, status));
        return Vec::new();
    }
    vec![Command::SaveLicenseFile { number }]
}

/// `a` on the Renewals screen: the new-activation flow for the marked devices, their
/// serials filled in and prechecked (issue 16). An open flow is never replaced behind
/// the user's back: they finish or discard it first.
pub(super) fn open_renewal(
    state: &mut State,
    renewal: crate::console::screens::renewals::Renewal,
) -> Vec<Command> {
    let lang = state.lang;
    let refuse =
        |state: &mut State, text: String| super::tabbed::apply(state, Reply::refused(lang, text));
    if let Some(role) = state.role().filter(|r| *r != Role::Admin) {
        let text = i18n::role_denied(lang, role, i18n::renewals::ACTION_RENEW);
        return refuse(state, text);
    }
    if state.new_activation.is_some() {
        return refuse(state, i18n::renewals::FLOW_IN_USE.get(lang).to_string());
    }
    let Some(organization) = state
        .organizations
        .iter()
        .find(|o| o.id == renewal.organization)
        .cloned()
    else {
        return refuse(
            state,
            i18n::renewals::UNKNOWN_ORGANIZATION.get(lang).to_string(),
        );
    };
    if organization.activation_blocked {
        return refuse(state, i18n::activation::blocked(lang).to_string());
    }
    let (flow, outcome) =
        NewActivation::renewal(organization, &renewal.serials, &state.theme, lang);
    state.new_activation = Some(flow);
    state.new_activation_open = true;
    super::tabbed::apply(state, outcome)
}

/// `a` on the list: open the flow (where it was left, if it was).
fn open_new_activation(state: &mut State) -> Vec<Command> {
    if let Some(role) = state.role().filter(|r| *r != Role::Admin) {
        let text = i18n::role_denied(state.lang, role, i18n::ACTION_CREATE);
        return super::tabbed::apply(state, Reply::refused(state.lang, text));
    }
    // Nothing to choose from: said now, not after the offer, the paste and the precheck.
    if !state.organizations.is_empty() && state.organizations.iter().all(|o| o.activation_blocked) {
        let text = match state.organizations.as_slice() {
            [only] => i18n::activation::blocked_for(state.lang, only),
            _ => i18n::activation::blocked(state.lang).to_string(),
        };
        state.set_error(text);
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
