//! The tabbed screens (seats, capacity, keys) and the history overlay: their keys, what
//! their replies ask of the app, and the answers to their commands.

use super::{Command, Connection, Front, Msg, State};
use crate::console::data::DataError;
use crate::console::screens::audit::AuditOverlay;
use crate::console::screens::capacity::CapacityAction;
use crate::console::screens::column_chooser::ListKind;
use crate::console::screens::seats::SeatsAction;
use crate::console::screens::{Ctx, Reply, Tab};
use crossterm::event::KeyEvent;

/// The screens' context, borrowed field by field so a screen can be changed meanwhile.
macro_rules! ctx {
    ($state:expr) => {
        Ctx {
            lang: $state.lang,
            role: $state.me.as_ref().map(|m| m.role),
            organizations: &$state.organizations,
            today: $state.today,
            theme: &$state.theme,
            keymap: &$state.keymap,
        }
    };
}

/// Switches the screen; the one left keeps its state, the one entered loads what it
/// has not loaded yet.
pub(super) fn switch_tab(state: &mut State, tab: Tab) -> Vec<Command> {
    state.tab = tab;
    state.detail = None;
    let ctx = ctx!(state);
    match tab {
        Tab::Seats => state.seats.enter(&mut state.request_ids),
        Tab::Capacity => state.capacity.enter(&ctx, &mut state.request_ids),
        Tab::Access => state.access.enter(&ctx, &mut state.request_ids),
        Tab::Activity => state.activity.enter(&ctx, &mut state.request_ids),
        Tab::Invoices => state.invoices.enter(&mut state.request_ids),
        Tab::Webhooks => state.webhooks.enter(&ctx, &mut state.request_ids),
        Tab::Renewals => state.renewals.enter(&ctx, &mut state.request_ids),
        Tab::Activations | Tab::Keys => Vec::new(),
    }
}

pub(super) fn open_history(state: &mut State, object: String) -> Vec<Command> {
    let (overlay, command) = AuditOverlay::open(object, &mut state.request_ids);
    state.audit = Some(overlay);
    vec![command]
}

/// What any screen, dialog or the flow asked for (a dialog's or the flow's `close`
/// is for its caller to act on).
pub(super) fn apply(state: &mut State, reply: Reply) -> Vec<Command> {
    let mut commands = reply.commands;
    match (reply.error.clone(), reply.cause) {
        (Some(error), Some(cause)) => state.set_error_while(error, cause),
        (Some(error), None) => state.set_error(error),
        (None, _) => {}
    }
    match (reply.notice, reply.cause) {
        (Some(notice), Some(cause)) if reply.error.is_none() => {
            state.set_notice_while(notice, cause)
        }
        (Some(notice), _) => state.set_notice(notice),
        (None, _) => {}
    }
    if reply.help {
        state.help_open = true;
    }
    if reply.palette {
        commands.extend(super::palette::open(state));
    }
    if let Some(tab) = reply.tab {
        commands.extend(switch_tab(state, tab));
    }
    if let Some(object) = reply.history {
        commands.extend(open_history(state, object));
    }
    if let Some(key) = reply.mirror_key {
        commands.extend(super::mirror::on_mirror_key(state, key));
    }
    if reply.columns {
        commands.extend(super::columns::open(state, ListKind::Seats));
    }
    if reply.discard {
        state.new_activation = None;
        state.new_activation_open = false;
    }
    if let Some(target) = reply.pick {
        commands.extend(super::pickers::open(state, target));
    }
    if let Some(target) = reply.page_prompt {
        commands.extend(super::pickers::open_page(state, target));
    }
    if let Some(dialog) = reply.dialog {
        state.dialogs.push(dialog);
    }
    if reply.quit {
        commands.extend(super::dialogs::request_quit(state));
    }
    if reply.messages {
        commands.extend(super::messages::open(state));
    }
    if let Some(number) = reply.activation {
        commands.extend(super::palette::open_activation(state, number, None));
    }
    if let Some(renewal) = reply.renew {
        commands.extend(super::input::open_renewal(state, renewal));
    }
    commands
}

/// A key for the history overlay.
pub(super) fn on_audit_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(overlay) = state.audit.as_mut() else {
        return Vec::new();
    };
    let (close, commands) = overlay.on_key(event, &state.keymap, &mut state.request_ids);
    if close {
        state.audit = None;
    }
    commands
}

/// A key for the tabbed screen in front.
pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    // The seats' marks (issue 16 b), before the screen's own keys.
    if state.front() == Front::Seats
        && let Some(action) = state
            .keymap
            .lookup(crate::console::screens::seats::BINDINGS, event)
        && let Some(commands) = super::bulk::seats_action(state, action)
    {
        return commands;
    }
    let ctx = ctx!(state);
    let reply = match state.front() {
        Front::Seats => state.seats.on_key(event, &ctx, &mut state.request_ids),
        Front::Capacity => state.capacity.on_key(event, &ctx, &mut state.request_ids),
        Front::Keys => state.keys.on_key(event, &ctx),
        Front::Access => state.access.on_key(event, &ctx, &mut state.request_ids),
        Front::Activity => state.activity.on_key(event, &ctx, &mut state.request_ids),
        Front::Invoices => state.invoices.on_key(event, &ctx, &mut state.request_ids),
        Front::Webhooks => state.webhooks.on_key(event, &ctx, &mut state.request_ids),
        Front::Renewals => state.renewals.on_key(event, &ctx, &mut state.request_ids),
        _ => Reply::default(),
    };
    apply(state, reply)
}

/// Runs a seats-list action chosen in the `:` palette, as its key would.
pub(super) fn seats_action(state: &mut State, action: SeatsAction) -> Vec<Command> {
    if let Some(commands) = super::bulk::seats_action(state, action) {
        return commands;
    }
    let ctx = ctx!(state);
    let reply = state.seats.apply(action, &ctx, &mut state.request_ids);
    apply(state, reply)
}

/// Runs a capacity action chosen in the `:` palette, as its key would.
pub(super) fn capacity_action(state: &mut State, action: CapacityAction) -> Vec<Command> {
    let ctx = ctx!(state);
    let reply = state.capacity.apply(action, &ctx, &mut state.request_ids);
    apply(state, reply)
}

pub(super) fn on_paste(state: &mut State, text: &str) -> Vec<Command> {
    let reply = match state.front() {
        Front::Seats => state.seats.paste(text, &mut state.request_ids),
        Front::Keys => {
            state.keys.paste(text);
            Reply::default()
        }
        _ => Reply::default(),
    };
    apply(state, reply)
}

/// Only the connection state: the refusal itself is shown where it belongs.
fn note_connection<T>(state: &mut State, result: &Result<T, DataError>) {
    match result {
        Err(e) if e.is_connection() => state.note_unreachable(),
        _ => state.connection = Connection::Online,
    }
}

pub(super) fn on_result(state: &mut State, msg: Msg) -> Vec<Command> {
    let lang = state.lang;
    let reply = match msg {
        Msg::SeatsLoaded { request_id, result } => {
            if let Some(reply) = state.seats.on_free_seats(request_id, result.clone(), lang) {
                note_connection(state, &result);
                reply
            } else {
                if state.seats.pending == Some(request_id) {
                    state.note_result(&result);
                }
                state.seats.on_loaded(request_id, result);
                Reply::default()
            }
        }
        Msg::SeatSummaryLoaded(result) => {
            note_connection(state, &result);
            state.seats.on_summary(result);
            Reply::default()
        }
        Msg::UsersLoaded { request_id, result } => {
            note_connection(state, &result);
            state.seats.on_users(request_id, result);
            Reply::default()
        }
        Msg::SeatBound {
            seat,
            email,
            result,
        } => {
            note_connection(state, &result);
            state
                .seats
                .on_bound(seat, &email, result, lang, &mut state.request_ids)
        }
        Msg::SeatUnbound { seat, result } => {
            note_connection(state, &result);
            state.seats.on_unbound(seat, result, lang)
        }
        Msg::LicenseInfoLoaded { request_id, result } => {
            if state.capacity.pending == Some(request_id) {
                state.note_result(&result);
            }
            state.capacity.on_loaded(request_id, result);
            Reply::default()
        }
        Msg::EmergencyRequested(result) => {
            note_connection(state, &result);
            state.capacity.on_emergency(result, lang)
        }
        Msg::KeyActivated(result) => {
            note_connection(state, &result);
            state.keys.on_activated(result, lang)
        }
        Msg::RequestWritten { text, result } => state.keys.on_request_written(text, result, lang),
        Msg::TextFileRead {
            purpose,
            path,
            result,
        } => state.keys.on_file_read(purpose, path, result, lang),
        Msg::SigningKeyLoaded(result) => {
            note_connection(state, &result);
            state.keys.on_signing_key(result, lang)
        }
        Msg::WhyLoaded { serial, result } => {
            note_connection(state, &result);
            // The dialog may have been closed meanwhile: then the answer is dropped.
            if let Some(crate::console::screens::dialog::Dialog::Story(d)) = state
                .dialogs
                .iter_mut()
                .rev()
                .find(|d| matches!(d, crate::console::screens::dialog::Dialog::Story(s) if s.serial == serial))
            {
                d.loaded(result, lang);
            }
            Reply::default()
        }
        Msg::Activity(msg) => {
            let crate::console::screens::activity::ActivityMsg::Loaded { request_id, result } =
                &msg;
            if state.activity.pending == Some(*request_id) {
                state.note_result(result);
            }
            state.activity.on_msg(msg, lang)
        }
        Msg::Renewals(msg) => {
            if let crate::console::screens::renewals::RenewalsMsg::Loaded { request_id, result } =
                &msg
                && state.renewals.pending == Some(*request_id)
            {
                state.note_result(result);
            }
            state.renewals.on_msg(msg, lang)
        }
        Msg::Access(msg) => {
            if let crate::console::screens::access::AccessMsg::Loaded {
                request_id, result, ..
            } = &msg
                && state.access.pending == Some(*request_id)
            {
                state.note_result(result);
            }
            state.access.on_msg(msg, lang)
        }
        Msg::PricesLoaded(result) => {
            note_connection(state, &result);
            match result {
                Ok(prices) => Reply::open(crate::console::screens::dialog::Dialog::Prices(
                    crate::console::screens::dialog::PricesDialog::new(lang, prices),
                )),
                Err(e) => Reply::error(crate::console::screens::error_text(lang, &e)),
            }
        }
        Msg::Invoices(msg) => {
            if let crate::console::screens::invoices::InvoicesMsg::Loaded { request_id, result } =
                &msg
                && state.invoices.pending == Some(*request_id)
            {
                state.note_result(result);
            }
            state.invoices.on_msg(msg, lang)
        }
        Msg::Webhooks(msg) => {
            if let crate::console::screens::webhooks::WebhooksMsg::Loaded { request_id, result } =
                &msg
                && state.webhooks.pending == Some(*request_id)
            {
                state.note_result(result);
            }
            state.webhooks.on_msg(msg, lang, &mut state.request_ids)
        }
        Msg::AuditLoaded { request_id, result } => {
            note_connection(state, &result);
            if let Some(overlay) = state.audit.as_mut() {
                overlay.on_loaded(request_id, result, lang);
            }
            Reply::default()
        }
        _ => Reply::default(),
    };
    apply(state, reply)
}
