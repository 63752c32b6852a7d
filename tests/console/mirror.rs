//! Mirror mode through `update` and `view`: the status line says online/offline and how
//! old the data is (from syncs and from the liveness probe); a queued bind closes its dialog and marks the row; a conflict
//! reported by a sync is shown to the user and kept in the outbox overlay.

use crate::support::console::issue4::*;
use crate::support::console::*;
use chrono::{Duration, Utc};
use crossterm::event::KeyCode;
use licadm::console::app::{Command, Msg, SyncFailure, SyncView, update};
use licadm::domain::Lang;
use licadm::mirror::sync::{FlushReport, SyncReport};
use licadm::mirror::{ChangeCounts, OutboxAction, OutboxItem, OutboxState};

fn queued_bind(id: i64, seat: i64, email: &str, state: OutboxState) -> OutboxItem {
    OutboxItem {
        id,
        created_at: utc(2026, 11, 24, 9),
        action: OutboxAction::Bind {
            seat,
            email: email.into(),
        },
        idempotency_key: format!("key-{id}"),
        state,
        attempts: 1,
        message: (state == OutboxState::Conflict)
            .then(|| "Место 17 уже привязано к ivanov@techbiz.ru (HTTP 409)".to_string()),
    }
}

fn mirrored(mut state: licadm::console::app::State) -> licadm::console::app::State {
    state.sync = Some(SyncView::new(None, Utc::now()));
    state
}

fn status(state: &licadm::console::app::State) -> String {
    let (lines, _) = render(state, 100, 30);
    lines.last().cloned().unwrap_or_default()
}

fn report(at: chrono::DateTime<Utc>, flush: FlushReport, seats: u64) -> SyncReport {
    SyncReport {
        at,
        counts: ChangeCounts {
            seats,
            ..ChangeCounts::default()
        },
        full: false,
        cursor: 1234,
        flush,
        window_from: None,
    }
}

#[test]
fn the_status_line_says_online_or_offline_and_how_old_the_data_is() {
    let mut state = mirrored(seats_state(Lang::Ru));
    let synced = Utc::now() - Duration::seconds(40);
    update(
        &mut state,
        Msg::Synced(Ok(report(synced, FlushReport::default(), 0))),
    );
    let line = status(&state);
    assert!(line.contains("в сети · синхр. 0 с назад"), "{line}");

    // The portal goes away: the next sync fails as a connection failure.
    update(
        &mut state,
        Msg::Synced(Err(SyncFailure {
            at: synced + Duration::hours(3),
            offline: true,
            message: "portal unreachable".into(),
        })),
    );
    let line = status(&state);
    assert!(line.contains("нет связи · синхр. 3 ч назад"), "{line}");
    assert!(
        state.last_error.is_none(),
        "offline is a state, not an error"
    );

    let mut english = mirrored(seats_state(Lang::En));
    update(
        &mut english,
        Msg::Synced(Err(SyncFailure {
            at: Utc::now(),
            offline: true,
            message: String::new(),
        })),
    );
    assert!(
        status(&english).contains("offline · not synced yet"),
        "{}",
        status(&english)
    );
}

/// Issue 14: the liveness probe's answers flip the line between online and offline
/// at once (not at the next sync); an answer that changes nothing changes no state (an
/// idle console draws nothing), and a portal that is back is synced at once.
#[test]
fn the_liveness_probe_flips_online_and_offline_and_syncs_a_portal_that_is_back() {
    let mut state = mirrored(seats_state(Lang::Ru));
    let synced = Utc::now();
    update(
        &mut state,
        Msg::Synced(Ok(report(synced, FlushReport::default(), 0))),
    );
    assert!(status(&state).contains("в сети"), "{}", status(&state));
    let still = state.clone();
    let commands = update(&mut state, Msg::PortalReachable(true));
    assert!(commands.is_empty(), "{commands:?}");
    assert!(state == still, "an unchanged answer changes nothing");

    update(&mut state, Msg::PortalReachable(false));
    let line = status(&state);
    assert!(line.contains("нет связи · синхр. 0 с назад"), "{line}");
    assert!(
        state.last_error.is_none(),
        "offline is a state, not an error"
    );
    let still = state.clone();
    update(&mut state, Msg::PortalReachable(false));
    assert!(state == still, "an unchanged answer changes nothing");

    let commands = update(&mut state, Msg::PortalReachable(true));
    assert!(status(&state).contains("в сети"), "{}", status(&state));
    assert!(
        commands.iter().any(|c| matches!(c, Command::SyncNow)),
        "{commands:?}"
    );

    // Live (no mirror): the connection word flips the same way.
    let mut live = seats_state(Lang::Ru);
    update(&mut live, Msg::PortalReachable(false));
    assert!(status(&live).contains("✕ нет связи"), "{}", status(&live));
    update(&mut live, Msg::PortalReachable(true));
    assert!(status(&live).contains("● подключено"), "{}", status(&live));
}

#[test]
fn a_mirror_that_holds_a_window_says_so_on_the_status_line() {
    for (lang, said) in [
        (Lang::Ru, "в сети · синхр. 0 с назад · окно с 30.09.2026"),
        (Lang::En, "online · synced 0 s ago · window from 30.09.2026"),
    ] {
        let mut state = mirrored(seats_state(lang));
        let mut windowed = report(Utc::now(), FlushReport::default(), 0);
        windowed.window_from = Some(utc(2026, 9, 30, 0));
        update(&mut state, Msg::Synced(Ok(windowed)));
        let line = status(&state);
        assert!(line.contains(said), "{line}");
        // A mirror that holds everything says nothing of a window.
        update(
            &mut state,
            Msg::Synced(Ok(report(Utc::now(), FlushReport::default(), 0))),
        );
        assert!(!status(&state).contains("30.09.2026"), "{}", status(&state));
    }
}

#[test]
fn a_queued_bind_closes_the_dialog_and_marks_the_row_pending() {
    let mut state = mirrored(seats_state(Lang::Ru));
    update(&mut state, ch('b'));
    typed(&mut state, "petrov@techbiz.ru");
    update(&mut state, key(KeyCode::Enter));
    let item = queued_bind(1, 17, "petrov@techbiz.ru", OutboxState::Pending);
    let commands = update(&mut state, Msg::WriteQueued(item.clone()));
    assert!(commands.contains(&Command::FetchOutbox), "{commands:?}");
    assert!(state.seats.bind.is_none(), "the dialog closed");
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("нет связи") && notice.contains("привязка места 17 к petrov@techbiz.ru"),
        "{notice}"
    );
    update(&mut state, Msg::OutboxLoaded(Ok(vec![item])));
    let (lines, _) = render(&state, 100, 30);
    let screen = screen_text(&lines);
    assert!(screen.contains("→ petrov@techbiz.ru"), "{screen}");
    assert!(screen.contains("в очереди"), "{screen}");
    assert!(
        status(&state).contains("в очереди: 1"),
        "{}",
        status(&state)
    );
}

#[test]
fn a_conflict_from_a_sync_is_shown_and_kept_until_dismissed() {
    let mut state = mirrored(seats_state(Lang::Ru));
    let conflict = queued_bind(4, 17, "petrov@techbiz.ru", OutboxState::Conflict);
    let flush = FlushReport {
        sent: 0,
        conflicts: vec![conflict.clone()],
        pending: 0,
    };
    let commands = update(&mut state, Msg::Synced(Ok(report(Utc::now(), flush, 1))));
    assert!(commands.contains(&Command::FetchOutbox), "{commands:?}");
    let error = state.last_error.clone().unwrap_or_default();
    assert!(
        error.contains("конфликт") && error.contains("уже привязано к ivanov@techbiz.ru"),
        "{error}"
    );
    update(&mut state, Msg::OutboxLoaded(Ok(vec![conflict.clone()])));
    assert!(
        status(&state).contains("конфликтов: 1"),
        "{}",
        status(&state)
    );

    // `O` opens the outbox with the portal's reason; `d` dismisses the conflict.
    let commands = update(&mut state, ch('O'));
    assert_eq!(commands, vec![Command::FetchOutbox]);
    let (lines, _) = render(&state, 100, 30);
    let screen = screen_text(&lines);
    assert!(screen.contains("Очередь отправки"), "{screen}");
    assert!(screen.contains("конфликт"), "{screen}");
    assert!(
        screen.contains("уже привязано к ivanov@techbiz.ru"),
        "{screen}"
    );
    let commands = update(&mut state, ch('d'));
    assert_eq!(commands, vec![Command::DismissOutbox(4)]);
    update(&mut state, Msg::OutboxLoaded(Ok(Vec::new())));
    let (lines, _) = render(&state, 100, 30);
    assert!(screen_text(&lines).contains("Очередь пуста"));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.outbox_overlay.is_none());
}

#[test]
fn without_a_mirror_the_outbox_keys_do_nothing() {
    let mut state = seats_state(Lang::Ru);
    assert!(update(&mut state, ch('O')).is_empty());
    assert!(state.outbox_overlay.is_none());
    assert!(update(&mut state, ch('S')).is_empty());
}

#[test]
fn the_first_sync_shows_its_progress() {
    let mut state = mirrored(seats_state(Lang::Ru));
    update(
        &mut state,
        Msg::SyncProgress(licadm::mirror::sync::SyncProgress {
            full: true,
            received: 5000,
        }),
    );
    let line = status(&state);
    assert!(
        line.contains("первая синхронизация… 5000 объектов"),
        "{line}"
    );
    update(
        &mut state,
        Msg::Synced(Ok(report(Utc::now(), FlushReport::default(), 0))),
    );
    let line = status(&state);
    assert!(!line.contains("первая синхронизация"), "{line}");
    assert!(line.contains("в сети"), "{line}");
}

#[test]
fn a_queued_activation_closes_the_flow_and_is_counted_under_the_list() {
    let mut state = mirrored(loaded_state(Lang::Ru));
    update(&mut state, ch('a'));
    assert!(state.new_activation.is_some(), "the flow is open");
    let item = OutboxItem {
        id: 7,
        created_at: utc(2026, 11, 24, 9),
        action: OutboxAction::Activate {
            organization: 2,
            serials: vec!["0239110138900130".into(), "0239110138900131".into()],
        },
        idempotency_key: "key-7".into(),
        state: OutboxState::Pending,
        attempts: 1,
        message: None,
    };
    let commands = update(&mut state, Msg::WriteQueued(item.clone()));
    assert!(commands.contains(&Command::FetchOutbox), "{commands:?}");
    assert!(
        state.new_activation.is_none(),
        "the flow is done: the list is queued"
    );
    let notice = state.notice.clone().unwrap_or_default();
    assert!(notice.contains("активация 2 серийных номеров"), "{notice}");
    update(&mut state, Msg::OutboxLoaded(Ok(vec![item])));
    let (lines, _) = render(&state, 100, 30);
    let screen = screen_text(&lines);
    assert!(
        screen.contains("в очереди на отправку: активаций 1 (серийных номеров 2)"),
        "{screen}"
    );
}

#[test]
fn a_queued_emergency_request_closes_the_modal_and_shows_on_the_product() {
    let mut state = mirrored(capacity_state(Lang::Ru));
    update(&mut state, ch('e'));
    update(&mut state, key(KeyCode::Enter));
    let commands = confirm(&mut state);
    let request = commands
        .iter()
        .find_map(|c| match c {
            Command::RequestEmergency(request) => Some(request.clone()),
            _ => None,
        })
        .expect("the request is sent");
    let item = OutboxItem {
        id: 9,
        created_at: utc(2026, 11, 24, 9),
        action: OutboxAction::Emergency { request },
        idempotency_key: "key-9".into(),
        state: OutboxState::Pending,
        attempts: 1,
        message: None,
    };
    update(&mut state, Msg::WriteQueued(item.clone()));
    assert!(state.capacity.emergency.is_none(), "the modal closed");
    assert!(state.dialogs.is_empty(), "and its confirmation");
    update(&mut state, Msg::OutboxLoaded(Ok(vec![item])));
    let (lines, _) = render(&state, 100, 30);
    let screen = screen_text(&lines);
    assert!(
        screen.contains("запрос экстренной лицензии в очереди"),
        "{screen}"
    );
}
