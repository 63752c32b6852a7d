//! The license information screen through `update` and `view`: panel values, update,
//! the emergency license request (bounds, confirmation, refusal), roles.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::wire::EmergencyRequest;
use licadm::console::app::{Command, Msg, update};
use licadm::console::screens::capacity::panel_lines;
use licadm::domain::Lang;

fn emergency_request(commands: &[Command]) -> Option<EmergencyRequest> {
    commands.iter().find_map(|c| match c {
        Command::RequestEmergency(r) => Some(r.clone()),
        _ => None,
    })
}

#[test]
fn entering_reads_the_first_organization_and_u_reads_it_again() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, ch('3'));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::FetchLicenseInfo {
                organization: 1,
                ..
            }]
        ),
        "{commands:?}"
    );
    let mut state = capacity_state(Lang::Ru);
    let commands = update(&mut state, ch('u'));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::FetchLicenseInfo {
                organization: 1,
                ..
            }]
        ),
        "{commands:?}"
    );
    let commands = update(&mut state, ch('o'));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::FetchLicenseInfo {
                organization: 2,
                ..
            }]
        ),
        "{commands:?}"
    );
}

#[test]
fn panel_values_in_words() {
    let today = date(2025, 12, 13);
    let lines = panel_lines(&capacity(today), Lang::Ru, today);
    assert_eq!(
        lines,
        vec![
            "Техническая поддержка до 31.10.2026 (осталось 322 дн.)",
            "Учётные записи пользователей 19/20",
            "Внешние подключения (1С): 2",
            "Срок действия: 13.11.2025 – 13.12.2025 (действует)",
            "Экстренные учётные записи 3/10",
            "e — запросить экстренную лицензию",
        ]
    );
    let lines = panel_lines(&lite_capacity(), Lang::En, today);
    assert_eq!(lines[0], "No support license");
    assert_eq!(lines[3], "Lite edition (up to 8 users)");
    assert_eq!(lines[4], "No emergency license was requested");
    assert_eq!(lines[5], "Blocked accounts: 2");
}

#[test]
fn emergency_modal_bounds_confirmation_and_request() {
    let mut state = capacity_state(Lang::Ru);
    assert!(update(&mut state, ch('e')).is_empty());
    let modal = state.capacity.emergency.as_ref().expect("open");
    assert_eq!(modal.accounts, 10, "10 at first");
    update(&mut state, key(KeyCode::Right));
    assert_eq!(
        state.capacity.emergency.as_ref().unwrap().accounts,
        10,
        "at most 10"
    );
    for _ in 0..15 {
        update(&mut state, key(KeyCode::Left));
    }
    assert_eq!(
        state.capacity.emergency.as_ref().unwrap().accounts,
        1,
        "at least 1"
    );
    update(&mut state, ch('+'));
    update(&mut state, ch('+'));
    // The first Enter asks, the second sends.
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Запросить экстренную лицензию на 3 учётные записи на 1 месяц?"),
        "{text}"
    );
    assert!(text.contains("Enter — запросить, Esc — назад"), "{text}");
    // Esc goes back one step, not out.
    update(&mut state, key(KeyCode::Esc));
    assert!(state.capacity.emergency.is_some());
    update(&mut state, key(KeyCode::Enter));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        emergency_request(&commands),
        Some(EmergencyRequest {
            organization: 1,
            product: "orangeuce".into(),
            accounts: 3
        })
    );
    let mut granted = capacity(date(2025, 12, 13));
    granted.accounts_used = 20;
    update(&mut state, Msg::EmergencyRequested(Ok(granted)));
    assert!(state.capacity.emergency.is_none());
    assert_eq!(state.capacity.products()[0].accounts_used, 20);
    assert_eq!(
        state.notice.as_deref(),
        Some("Экстренная лицензия получена: +3 учётные записи на 1 месяц")
    );
}

#[test]
fn a_refusal_is_kept_in_the_modal() {
    let mut state = capacity_state(Lang::Ru);
    update(&mut state, ch('e'));
    update(&mut state, key(KeyCode::Enter));
    assert!(emergency_request(&update(&mut state, key(KeyCode::Enter))).is_some());
    let rule = "Экстренная лицензия уже действует: одновременно может быть только одна";
    update(
        &mut state,
        Msg::EmergencyRequested(Err(api_error(422, "emergency_refused", rule))),
    );
    let modal = state.capacity.emergency.as_ref().expect("stays open");
    assert_eq!(modal.error.as_deref(), Some(rule));
    assert_eq!(modal.accounts, 10);
    assert!(!modal.pending);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines).replace('\n', " ");
    assert!(text.contains("уже действует"), "{text}");
    assert!(text.contains("Правила:"), "{text}");
}

#[test]
fn an_unavailable_emergency_license_explains_and_sends_nothing() {
    let mut state = capacity_state(Lang::Ru);
    update(&mut state, ch('j'));
    update(&mut state, ch('e'));
    let modal = state.capacity.emergency.as_ref().expect("open to explain");
    assert!(
        modal
            .error
            .as_deref()
            .unwrap_or("")
            .contains("после покупки")
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    update(&mut state, key(KeyCode::Esc));
    assert!(state.capacity.emergency.is_none());
}

#[test]
fn support_and_viewer_roles_cannot_request() {
    let mut state = capacity_state(Lang::En);
    update(&mut state, Msg::MeLoaded(Ok(viewer())));
    assert!(update(&mut state, ch('e')).is_empty());
    assert!(state.capacity.emergency.is_none());
    assert_eq!(
        state.last_error.as_deref(),
        Some("The viewer role may not request emergency licenses")
    );
}

#[test]
fn capacity_view_at_80x24_in_russian_and_english() {
    let state = capacity_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(lines[0].contains("[3 Лицензии]"), "{}", lines[0]);
    for needle in [
        "Организация: ТЕХБИЗНЕС+ ООО",
        "Orange[uc]e · Orange Lite",
        "Техническая поддержка до 31.10.2026 (осталось 322 дн.)",
        "Учётные записи пользователей 19/20",
        "19/20",
        "Внешние подключения (1С): 2",
        "Экстренная лицензия",
        "Срок действия: 13.11.2025 – 13.12.2025 (действует)",
        "Экстренные учётные записи 3/10",
        "e экстренная лицензия",
    ] {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
    let mut state = capacity_state(Lang::En);
    update(&mut state, ch('j'));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    for needle in [
        "No support license",
        "User accounts 5/8",
        "Lite edition (up to 8 users)",
        "Blocked accounts: 2",
        "An emergency license cannot be requested",
    ] {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
}
