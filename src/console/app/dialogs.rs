//! The dialog stack: the top dialog gets every key and every paste (see
//! `State::keyboard_owner`); what its user chose runs here; a confirmation that sent a
//! request waits, as «sending…», for the answer, which closes it.

use super::{Command, Msg, State};
use crate::console::i18n::{self, dialogs as tr};
use crate::console::screens::dialog::{
    Answer, ConfirmDialog, Confirmed, Dialog, PageTarget, PickTarget, PickValue,
};
use crate::mirror::{OutboxAction, OutboxState};
use crossterm::event::KeyEvent;

/// A key for the dialog on top.
pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let lang = state.lang;
    let Some(top) = state.dialogs.last_mut() else {
        return Vec::new();
    };
    let mut reply = top.on_key(event, &state.keymap, lang);
    let mut commands = Vec::new();
    if let Some(answer) = reply.answer.take() {
        let sent_request = matches!(&answer, Answer::Confirmed(c) if c.is_request());
        commands = run(state, answer);
        if sent_request && !commands.is_empty() {
            // Wait for the portal, showing that it was sent.
            if let Some(confirm) = state.dialogs.last_mut().and_then(Dialog::as_confirm_mut) {
                confirm.pending = true;
            }
        } else {
            reply.close = true;
        }
    }
    if reply.close {
        state.dialogs.pop();
    }
    commands.extend(super::tabbed::apply(state, reply));
    commands
}

/// Pasted text: into the top dialog's field, if it has one; never under it.
pub(super) fn on_paste(state: &mut State, text: &str) {
    if let Some(top) = state.dialogs.last_mut() {
        top.paste(text);
    }
}

/// Runs what the dialog's user chose.
fn run(state: &mut State, answer: Answer) -> Vec<Command> {
    match answer {
        Answer::Confirmed(confirmed) => run_confirmed(state, confirmed),
        Answer::Picked(target, value) => picked(state, target, value),
        Answer::Page(PageTarget::Activations, page) => {
            state.list.go_to_page(page, &mut state.request_ids)
        }
        Answer::Page(PageTarget::Seats, page) => {
            state.seats.go_to_page(page, &mut state.request_ids)
        }
        Answer::WebhookUrl(url, organization) => {
            crate::console::screens::webhooks::WebhooksScreen::add_confirmed(url, organization)
        }
    }
}

fn run_confirmed(state: &mut State, confirmed: Confirmed) -> Vec<Command> {
    match confirmed {
        Confirmed::Unbind { seat } => vec![Command::UnbindSeat { seat }],
        Confirmed::Retry { number } => vec![Command::Retry { number }],
        Confirmed::Activate { serials } => match state.new_activation.as_mut() {
            Some(flow) => flow.send_create(serials),
            None => Vec::new(),
        },
        Confirmed::Emergency(request) => state.capacity.emergency_confirmed(request),
        Confirmed::RevokeToken { id } => {
            crate::console::screens::access::AccessScreen::revoke_confirmed(id)
        }
        Confirmed::DeleteSelected => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.delete_selected();
            }
            Vec::new()
        }
        Confirmed::DeleteErrors => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.delete_errors();
            }
            Vec::new()
        }
        Confirmed::Discard => {
            state.new_activation = None;
            state.new_activation_open = false;
            state.set_notice(i18n::DISCARDED.get(state.lang));
            Vec::new()
        }
        Confirmed::CancelOutbox { id } => vec![Command::CancelOutbox(id)],
        Confirmed::Bulk(plan) => super::bulk::start(state, plan),
        Confirmed::RemoveWebhook { id } => {
            crate::console::screens::webhooks::WebhooksScreen::remove_confirmed(id)
        }
        Confirmed::Redeliver { endpoint, delivery } => {
            crate::console::screens::webhooks::WebhooksScreen::redeliver_confirmed(
                endpoint, delivery,
            )
        }
        Confirmed::Quit => vec![Command::Quit],
    }
}

/// A picker's choice becomes the filter it was opened for.
fn picked(state: &mut State, target: PickTarget, value: PickValue) -> Vec<Command> {
    let ids = &mut state.request_ids;
    match (target, value) {
        (PickTarget::ListOrganization, v) => state.list.set_filter(ids, |q| {
            q.organization = match v {
                PickValue::Organization(id) => Some(id),
                _ => None,
            }
        }),
        (PickTarget::ListStatus, v) => state.list.set_filter(ids, |q| {
            q.status = match v {
                PickValue::ActivationStatus(s) => Some(s),
                _ => None,
            }
        }),
        (PickTarget::ListVendor, v) => state.list.set_filter(ids, |q| {
            q.vendor = match v {
                PickValue::Vendor(vendor) => Some(vendor),
                _ => None,
            }
        }),
        (PickTarget::SeatsOrganization, v) => {
            let organization = match v {
                PickValue::Organization(id) => Some(id),
                _ => None,
            };
            let mut commands = state
                .seats
                .set_filter(ids, |q| q.organization = organization);
            commands.push(state.seats.summary_command());
            commands
        }
        (PickTarget::SeatsProduct, v) => state.seats.set_filter(ids, |q| {
            q.product = match v {
                PickValue::Product(id) => Some(id),
                _ => None,
            }
        }),
        (PickTarget::SeatsStatus, v) => state.seats.set_filter(ids, |q| {
            q.status = match v {
                PickValue::SeatStatus(s) => Some(s),
                _ => None,
            }
        }),
        (PickTarget::CapacityOrganization, PickValue::Organization(id)) => {
            state.capacity.choose_organization(id, ids)
        }
        (PickTarget::CapacityOrganization, _) => Vec::new(),
        (
            target @ (PickTarget::ActivityOrganization
            | PickTarget::ActivityAction
            | PickTarget::ActivityKind
            | PickTarget::ActivityPeriod
            | PickTarget::ActivityActor),
            value,
        ) => state.activity.set_filter(target, value, state.today, ids),
        (
            target @ (PickTarget::RenewalsOrganization
            | PickTarget::RenewalsVendor
            | PickTarget::RenewalsWindow),
            value,
        ) => state.renewals.set_filter(target, value, state.today, ids),
    }
}

/// An answer closes the confirmation that waits for it.
pub(super) fn settle(state: &mut State, msg: &Msg) {
    let answers = |confirmed: &Confirmed| match (msg, confirmed) {
        (Msg::SeatUnbound { seat, .. }, Confirmed::Unbind { seat: s }) => seat == s,
        (Msg::Retried { number, .. }, Confirmed::Retry { number: n }) => number == n,
        (Msg::ActivationsCreated(_), Confirmed::Activate { .. }) => true,
        (Msg::EmergencyRequested(_), Confirmed::Emergency(_)) => true,
        (
            Msg::Access(crate::console::screens::access::AccessMsg::Revoked { id, .. }),
            Confirmed::RevokeToken { id: i },
        ) => id == i,
        (
            Msg::Webhooks(crate::console::screens::webhooks::WebhooksMsg::Removed { id, .. }),
            Confirmed::RemoveWebhook { id: i },
        ) => id == i,
        (
            Msg::Webhooks(crate::console::screens::webhooks::WebhooksMsg::Redelivered {
                delivery,
                ..
            }),
            Confirmed::Redeliver { delivery: d, .. },
        ) => delivery == d,
        (Msg::WriteQueued(item), confirmed) => {
            matches!(
                (&item.action, confirmed),
                (OutboxAction::Unbind { seat }, Confirmed::Unbind { seat: s }) if seat == s
            ) || matches!(
                (&item.action, confirmed),
                (OutboxAction::Retry { number }, Confirmed::Retry { number: n }) if number == n
            ) || matches!(
                (&item.action, confirmed),
                (OutboxAction::Activate { .. }, Confirmed::Activate { .. })
                    | (OutboxAction::Emergency { .. }, Confirmed::Emergency(_))
            )
        }
        _ => false,
    };
    state.dialogs.retain(|d| {
        !d.as_confirm()
            .is_some_and(|c| c.pending && answers(&c.confirmed))
    });
}

/// `q` (and `:q`): quits at once, or asks first when something would be left behind.
pub(super) fn request_quit(state: &mut State) -> Vec<Command> {
    let lang = state.lang;
    let unsent = state
        .outbox
        .iter()
        .filter(|item| item.state == OutboxState::Pending)
        .count();
    let serials = state
        .new_activation
        .as_ref()
        .map(|flow| flow.check.tokens.len().max(flow.rows.len()))
        .unwrap_or(0);
    let mut lines = Vec::new();
    if unsent > 0 {
        lines.push(tr::quit_outbox(lang, unsent));
    }
    if serials > 0 {
        lines.push(tr::quit_new_activation(lang, serials));
    }
    if lines.is_empty() {
        return vec![Command::Quit];
    }
    lines.push(tr::QUIT_QUESTION.get(lang).to_string());
    state.dialogs.push(Dialog::Confirm(ConfirmDialog::new(
        tr::QUIT_TITLE.get(lang),
        lines,
        tr::QUIT_BUTTON.get(lang),
        Confirmed::Quit,
    )));
    Vec::new()
}
