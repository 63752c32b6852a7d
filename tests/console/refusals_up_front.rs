//! Said up front, not at the last step (issue 12): a blocked organization is stopped at
//! the chooser with the portal's reason in full; the offer names the key that accepts
//! it; an errored activation marks the line that failed and `R` says when a retry
//! cannot succeed; a queued outbox item can be cancelled, after a question that starts
//! on "keep".

use crate::support::console::issue4::*;
use crate::support::console::*;
use chrono::Utc;
use crossterm::event::KeyCode;
use licadm::client::wire::ActivationSummary;
use licadm::console::app::{Command, Front, Msg, State, SyncView, update};
use licadm::console::screens::detail::DetailScreen;
use licadm::console::screens::new_activation::Step;
use licadm::domain::{ActivationFailure, ActivationRefusal, ActivationStatus, FailureReason, Lang};
use licadm::mirror::{OutboxAction, OutboxItem, OutboxState};

/// The list loaded, with TECHBUSINESS blocked for an unpaid invoice (offer accepted).
fn with_blocked_first(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let mut organizations = organizations();
    organizations[0].activation_blocked = true;
    organizations[0].offer_accepted_at = Some(utc(2025, 12, 1, 9));
    update(&mut state, Msg::OrganizationsLoaded(Ok(organizations)));
    state
}

#[test]
fn a_blocked_organization_is_stopped_at_the_chooser_with_the_reason_in_full() {
    for lang in [Lang::Ru, Lang::En] {
        let mut state = with_blocked_first(lang);
        update(&mut state, ch('a'));
        assert_eq!(state.front(), Front::NewActivation);
        let reason = ActivationRefusal::InvoiceUnpaid.text(lang);
        // On the blocked one: the reason, whole, under the list (80 columns wrap it).
        let (lines, _) = render(&state, 80, 24);
        let screen = lines
            .iter()
            .map(|l| l.trim_end())
            .collect::<Vec<_>>()
            .join(" ");
        let words: Vec<&str> = reason.split_whitespace().collect();
        assert!(
            screen.contains(&words[words.len() - 4..].join(" ")),
            "{lang:?}: the end of the reason is shown:\n{}",
            screen_text(&lines)
        );
        // Enter does not take it to the offer: it is refused here, in full.
        let commands = update(&mut state, key(KeyCode::Enter));
        assert!(commands.is_empty(), "{commands:?}");
        let flow = state.new_activation.as_ref().expect("flow");
        assert_eq!(flow.step, Step::Organization);
        assert!(flow.organization.is_none());
        assert_eq!(state.last_error.as_deref(), Some(reason));
        // The next one is fine.
        update(&mut state, key(KeyCode::Down));
        update(&mut state, key(KeyCode::Enter));
        let flow = state.new_activation.as_ref().expect("flow");
        assert_eq!(flow.step, Step::Offer);
    }
}

#[test]
fn with_only_a_blocked_organization_the_flow_does_not_open() {
    let mut state = loaded_state(Lang::Ru);
    let mut only = organizations().remove(0);
    only.activation_blocked = true;
    update(&mut state, Msg::OrganizationsLoaded(Ok(vec![only])));
    update(&mut state, ch('a'));
    assert_eq!(state.front(), Front::List);
    assert_eq!(
        state.last_error.as_deref(),
        Some(ActivationRefusal::InvoiceUnpaid.text(Lang::Ru))
    );
}

#[test]
fn the_offer_names_the_key_that_accepts_it() {
    for (lang, expected) in [(Lang::Ru, "Нажимая Enter"), (Lang::En, "By pressing Enter")] {
        let mut state = loaded_state(lang);
        update(&mut state, ch('a'));
        update(&mut state, key(KeyCode::Enter));
        assert_eq!(
            state.new_activation.as_ref().map(|f| f.step),
            Some(Step::Offer)
        );
        let (lines, _) = render(&state, 80, 24);
        let screen = screen_text(&lines);
        assert!(screen.contains(expected), "{lang:?}:\n{screen}");
        assert!(
            !screen.contains("Continue") && !screen.contains("Продолжить"),
            "{screen}"
        );
    }
}

/// Opens `summary`'s detail and lets its lines arrive.
fn open_detail(state: &mut State, summary: ActivationSummary) {
    let (screen, command) = DetailScreen::open(summary.clone(), &mut state.request_ids);
    state.detail = Some(screen);
    let Command::FetchDetail { request_id, number } = command else {
        panic!("a detail fetch, got {command:?}");
    };
    let mut loaded = detail(number, ActivationStatus::Error);
    loaded.summary = summary;
    update(
        state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(loaded),
        },
    );
}

fn failed(reason: FailureReason) -> ActivationSummary {
    let failure = ActivationFailure {
        serial: "0408420138900124".into(),
        reason,
    };
    let mut summary = activation(
        27,
        ActivationStatus::Error,
        licadm::domain::Vendor::PayKiosk,
        3,
        11700,
    );
    // As a mirror stores it: the vendor's Russian words; the failure says the rest.
    summary.error = Some(failure.text(Lang::Ru));
    summary.failure = Some(failure);
    summary
}

#[test]
fn an_errored_activation_marks_its_failing_line_and_retry_says_when_it_cannot_succeed() {
    let mut state = loaded_state(Lang::En);
    open_detail(&mut state, failed(FailureReason::Deregistered));
    let detail = state.detail.as_ref().expect("detail");
    assert_eq!(detail.selected, 1, "opened on the failing line");
    let (lines, _) = render(&state, 80, 24);
    let screen = screen_text(&lines);
    // The error in the UI's language (not the mirror's Russian), and the outlook.
    assert!(
        screen.contains("The vendor registry refused serial number 0408420138900124"),
        "{screen}"
    );
    assert!(screen.contains("A retry cannot succeed"), "{screen}");
    let marked: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("0408420138900124"))
        .collect();
    assert!(
        marked
            .iter()
            .any(|l| l.trim_start().starts_with("✕ 0408420138900124")),
        "the failing line is marked:\n{screen}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start().starts_with("0239110138900130")),
        "other lines are not:\n{screen}"
    );
    // R: said, not sent.
    let commands = update(&mut state, ch('R'));
    assert!(
        !commands.iter().any(|c| matches!(c, Command::Retry { .. })),
        "{commands:?}"
    );
    let said = state.last_error.clone().unwrap_or_default();
    assert!(
        said.starts_with("A retry cannot succeed") && said.contains("0408420138900124"),
        "{said}"
    );

    // A passing outage: the retry goes out.
    let mut state = loaded_state(Lang::Ru);
    open_detail(&mut state, failed(FailureReason::Unavailable));
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("Повтор может помочь"),
        "{}",
        screen_text(&lines)
    );
    let commands = update(&mut state, ch('R'));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Retry { number: 27 })),
        "{commands:?}"
    );
}

fn queued(id: i64, state: OutboxState) -> OutboxItem {
    OutboxItem {
        id,
        created_at: utc(2026, 11, 24, 9),
        action: OutboxAction::Unbind { seat: 17 },
        idempotency_key: format!("key-{id}"),
        state,
        attempts: 0,
        message: None,
    }
}

#[test]
fn a_queued_item_is_cancelled_only_from_the_cancel_button() {
    let mut state = seats_state(Lang::En);
    state.sync = Some(SyncView::new(None, Utc::now()));
    update(
        &mut state,
        Msg::OutboxLoaded(Ok(vec![
            queued(4, OutboxState::Pending),
            queued(5, OutboxState::Conflict),
        ])),
    );
    update(&mut state, ch('O'));
    assert!(state.outbox_overlay.is_some());
    update(&mut state, ch('c'));
    let (lines, _) = render(&state, 80, 24);
    let screen = screen_text(&lines);
    assert!(
        screen.contains("Cancel sending?") && screen.contains("will not be sent"),
        "{screen}"
    );
    // Typed letters and Enter on the first button ("keep") cancel nothing.
    for c in "yes".chars() {
        assert!(update(&mut state, ch(c)).is_empty());
    }
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .outbox_overlay
            .as_ref()
            .is_some_and(|o| o.cancel.is_none())
    );
    // Over to "cancel sending", then Enter.
    update(&mut state, ch('c'));
    update(&mut state, key(KeyCode::Tab));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(commands, vec![Command::CancelOutbox(4)]);
    let commands = update(&mut state, Msg::OutboxCancelled(Ok(true)));
    assert_eq!(commands, vec![Command::FetchOutbox]);
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Cancelled"))
    );
    // A refused item is dismissed, not cancelled.
    update(&mut state, key(KeyCode::Down));
    assert!(update(&mut state, ch('c')).is_empty());
    assert_eq!(
        state.last_error.as_deref(),
        Some("Only an item not sent yet can be cancelled")
    );
}
