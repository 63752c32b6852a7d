//! The Activity screen («Журнал», `6`; issue 16) through `update` and `view`: entering
//! reads the newest changes; the list shows when, who, what, object and organization,
//! the detail pane the request and each field before → after; pages follow the cursor
//! and come back; filters come from the pickers and restart at the newest; an error
//! names its request; `y` copies the request id.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::ClientError;
use licadm::client::events::{Event, EventOrganization, EventPage, EventQuery};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::activity::{ActivityCommand, ActivityMsg};
use licadm::domain::Lang;

fn event(id: i64, actor: &str, action: &str, object: &str, request: Option<&str>) -> Event {
    Event {
        id,
        at: utc(2025, 12, 12, 9),
        actor: actor.into(),
        action: action.into(),
        object: object.into(),
        organization: Some(EventOrganization {
            id: 1,
            name: "АЛЬСТЕР ООО".into(),
        }),
        request_id: request.map(str::to_string),
        before: Some(serde_json::json!({"id": 17, "status": "free", "email": null})),
        after: Some(
            serde_json::json!({"id": 17, "status": "bound", "email": "petrov@alster.example"}),
        ),
    }
}

fn fetch(commands: &[Command]) -> (u64, EventQuery) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Activity(ActivityCommand::Fetch { request_id, query }) => {
                Some((*request_id, query.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("an events fetch in {commands:?}"))
}

fn answer(state: &mut State, request_id: u64, result: Result<EventPage, ClientError>) {
    update(
        state,
        Msg::Activity(ActivityMsg::Loaded { request_id, result }),
    );
}

fn first_page() -> EventPage {
    EventPage {
        items: vec![
            event(
                9,
                "ivanov@alster.example",
                "seat.bound",
                "seat:17",
                Some("ticket-42"),
            ),
            event(8, "worker", "activation.completed", "activation:421", None),
        ],
        per_page: 25,
        next: Some("older".into()),
    }
}

/// On the Activity screen with the first page loaded.
fn activity_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let (request_id, query) = fetch(&update(&mut state, ch('6')));
    assert_eq!(query.cursor, None, "the newest first");
    answer(&mut state, request_id, Ok(first_page()));
    state
}

#[test]
fn the_screen_lists_changes_and_shows_the_selected_one_before_and_after() {
    let state = activity_state(Lang::Ru);
    let (lines, _) = render(&state, 100, 30);
    let text = screen_text(&lines);
    for expected in [
        "6 Журнал",
        "Журнал изменений",
        "ivanov@alster.example",
        "место привязано",
        "seat:17",
        "АЛЬСТЕР ООО",
        "Стр. 1 · дальше ещё",
        "запрос ticket-42",
        "статус: свободна → привязана",
        "e-mail: — → petrov@alster.example",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let (lines, _) = render(&activity_state(Lang::En), 100, 30);
    let text = screen_text(&lines);
    for expected in [
        "Activity log",
        "seat bound",
        "request ticket-42",
        "Page 1 · more",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // The worker's change names no request.
    let mut state = state;
    update(&mut state, ch('j'));
    let (lines, _) = render(&state, 100, 30);
    assert!(screen_text(&lines).contains("без запроса"));
}

#[test]
fn pages_follow_the_cursor_and_come_back_to_the_newest() {
    let mut state = activity_state(Lang::Ru);
    let (request_id, older) = fetch(&update(&mut state, key(KeyCode::Right)));
    assert_eq!(older.cursor.as_deref(), Some("older"));
    answer(
        &mut state,
        request_id,
        Ok(EventPage {
            items: vec![event(
                3,
                "petrov@alster.example",
                "seat.unbound",
                "seat:5",
                Some("r-3"),
            )],
            per_page: 25,
            next: None,
        }),
    );
    let (lines, _) = render(&state, 100, 30);
    assert!(screen_text(&lines).contains("Стр. 2 · последняя"));
    // The last page: → asks for nothing.
    assert!(update(&mut state, key(KeyCode::Right)).is_empty());
    let (_, newer) = fetch(&update(&mut state, key(KeyCode::Left)));
    assert_eq!(newer.cursor, None);
}

#[test]
fn filters_come_from_pickers_and_restart_at_the_newest() {
    let mut state = activity_state(Lang::Ru);
    // `a`: the actions; the first after «все» is activation.created.
    assert!(update(&mut state, ch('a')).is_empty(), "a picker opens");
    update(&mut state, key(KeyCode::Down));
    let (_, query) = fetch(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.action.as_deref(), Some("activation.created"));
    assert_eq!(query.cursor, None);
    // `d`: today, from the console's date.
    update(&mut state, ch('d'));
    update(&mut state, key(KeyCode::Down));
    let (_, query) = fetch(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.from.as_deref(), Some("2025-12-13"));
    assert_eq!(query.action.as_deref(), Some("activation.created"));
    // `o`: an organization; `w`: a kind; `p`: someone on the page.
    update(&mut state, ch('o'));
    update(&mut state, key(KeyCode::Down));
    let (_, query) = fetch(&update(&mut state, key(KeyCode::Enter)));
    assert!(query.organization.is_some());
    update(&mut state, ch('w'));
    update(&mut state, key(KeyCode::Down));
    let (request_id, query) = fetch(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.object_kind.as_deref(), Some("activation"));
    answer(&mut state, request_id, Ok(first_page()));
    let (lines, _) = render(&state, 120, 30);
    let text = screen_text(&lines);
    assert!(text.contains("Действие: активация создана"), "{text}");
    assert!(text.contains("Период: сегодня"), "{text}");
    update(&mut state, ch('p'));
    update(&mut state, key(KeyCode::Down));
    let (_, query) = fetch(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.actor.as_deref(), Some("ivanov@alster.example"));
    // `x` lifts them all.
    let (_, query) = fetch(&update(&mut state, ch('x')));
    assert_eq!(query, EventQuery::default());
}

#[test]
fn an_error_names_its_request_and_y_copies_a_changes_request() {
    let mut state = activity_state(Lang::Ru);
    let commands = update(&mut state, ch('y'));
    assert!(
        commands.contains(&Command::CopyToClipboard("ticket-42".into())),
        "{commands:?}"
    );
    let (request_id, _) = fetch(&update(&mut state, ch('r')));
    answer(
        &mut state,
        request_id,
        Err(ClientError::Api {
            status: 400,
            code: "bad_request".into(),
            message: "действие должно быть одним из …".into(),
            request_id: Some("3f9a1c2b4d5e6f70".into()),
        }),
    );
    let (lines, _) = render(&state, 100, 30);
    let text = screen_text(&lines);
    assert!(
        text.contains("действие должно быть одним из … (запрос 3f9a1c2b4d5e6f70)"),
        "{text}"
    );
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

fn story() -> licadm::client::serials::Why {
    use licadm::client::serials::{Device, LicenseCheck, SerialLine, SerialStory, Why};
    use licadm::client::wire::VendorRef;
    use licadm::domain::{ActivationStatus, Vendor};
    let mut failed = event(5, "worker", "activation.failed", "activation:421", None);
    failed.before = None;
    let mut retried = event(
        6,
        "ivanov@alster.example",
        "activation.retried",
        "activation:421",
        Some("3f9a1c2b4d5e6f70"),
    );
    retried.before = None;
    Why {
        story: SerialStory {
            serial: "0239110138900130".into(),
            device: Some(Device {
                vendor: VendorRef::from(Vendor::PayKiosk),
                model: "NETPAY-FC".into(),
                subscription_until: Some(date(2026, 12, 9)),
            }),
            lines: vec![SerialLine {
                activation: 421,
                organization: EventOrganization {
                    id: 1,
                    name: "АЛЬСТЕР ООО".into(),
                },
                status: ActivationStatus::Error,
                created_at: utc(2025, 12, 12, 9),
                completed_at: None,
                error: Some("Реестр вендора не ответил".into()),
                new_until: date(2026, 12, 9),
                retries: 1,
                history: vec![failed, retried],
            }],
        },
        license: Some(LicenseCheck {
            activation: 400,
            file_name: "license-400.lic".into(),
            verified: true,
            problem: None,
            valid_until: Some(date(2026, 12, 9)),
        }),
        offline: false,
    }
}

#[test]
fn colon_why_shows_a_serials_story_over_the_screen_until_esc() {
    let mut state = activity_state(Lang::Ru);
    update(&mut state, ch(':'));
    type_text(&mut state, "why 0239110138900130");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        commands.contains(&Command::Why {
            serial: "0239110138900130".into()
        }),
        "{commands:?}"
    );
    let (lines, _) = render(&state, 100, 30);
    assert!(screen_text(&lines).contains("Загрузка…"));
    update(
        &mut state,
        Msg::WhyLoaded {
            serial: "0239110138900130".into(),
            result: Ok(story()),
        },
    );
    let (lines, _) = render(&state, 100, 30);
    let text = screen_text(&lines);
    for expected in [
        "История СН 0239110138900130",
        "Устройство: Пэй Киоск NETPAY-FC · подписка до 09.12.2026",
        "Активация № 421 · АЛЬСТЕР ООО · Ошибка · до 09.12.2026 · повторов: 1",
        "ошибка: Реестр вендора не ответил",
        "ivanov@alster.example · активация повторена · запрос 3f9a1c2b4d5e6f70",
        "Файл лицензии license-400.lic (активация № 400): подпись верна, действует до 09.12.2026",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // The dialog holds the keyboard: `6`, `q` do nothing under it; Esc closes it.
    assert!(update(&mut state, ch('q')).is_empty());
    update(&mut state, key(KeyCode::Esc));
    let (lines, _) = render(&state, 100, 30);
    assert!(!screen_text(&lines).contains("История СН"));
    // A malformed serial is refused in the palette, nothing is asked.
    update(&mut state, ch(':'));
    type_text(&mut state, "why 123");
    assert!(
        !update(&mut state, key(KeyCode::Enter))
            .iter()
            .any(|c| matches!(c, Command::Why { .. }))
    );
}
