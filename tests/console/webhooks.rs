//! The Webhooks screen («Вебхуки», `9`; issue 17) through `update` and `view`:
//! entering reads the endpoints and the selected one's delivery log; `R` on a delivery
//! and `d` on an endpoint ask in a confirmation that opens on Cancel and only its
//! button sends; `a` opens a URL prompt that owns the keyboard and shows the secret
//! once; roles that may not manage webhooks fetch nothing.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::webhooks::{CreatedWebhook, DeliveryStatus, WebhookDelivery, WebhookEndpoint};
use licadm::client::wire::{Me, Page, Role};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::webhooks::{WebhooksCommand, WebhooksMsg};
use licadm::domain::Lang;
use licadm::secret::Secret;

fn endpoint(id: i64, url: &str) -> WebhookEndpoint {
    WebhookEndpoint {
        id,
        url: url.into(),
        events: vec!["seat.bound".into(), "activation.done".into()],
        organization: Some(1),
        created_at: "2025-12-01T10:00:00Z".parse().unwrap(),
        created_by: "ivanov@techbiz.ru".into(),
        pending: 1,
        failed: 1,
    }
}

fn delivery(id: i64, status: DeliveryStatus, error: Option<&str>) -> WebhookDelivery {
    WebhookDelivery {
        id,
        endpoint: 4,
        event_id: format!("evt_{id:032}"),
        event_type: "seat.bound".into(),
        object: format!("seat:{}", 10 + id),
        organization: Some(1),
        created_at: "2025-12-12T10:00:00Z".parse().unwrap(),
        status,
        attempts: 3,
        response_status: error.map(|_| 500).or(Some(200)),
        last_error: error.map(str::to_string),
        next_attempt_at: None,
        delivered_at: None,
        redelivery_of: None,
    }
}

fn fetch_id(commands: &[Command]) -> u64 {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Webhooks(WebhooksCommand::Fetch { request_id }) => Some(*request_id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("an endpoint fetch in {commands:?}"))
}

fn deliveries_id(commands: &[Command]) -> (u64, i64) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Webhooks(WebhooksCommand::FetchDeliveries {
                request_id,
                endpoint,
            }) => Some((*request_id, *endpoint)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a delivery fetch in {commands:?}"))
}

/// On the Webhooks screen with two endpoints and the first one's log loaded.
fn webhooks_state(lang: Lang, role: Role) -> State {
    let mut state = loaded_state(lang);
    update(&mut state, Msg::MeLoaded(Ok(Me { role, ..me() })));
    let commands = update(&mut state, ch('9'));
    let request_id = fetch_id(&commands);
    let commands = update(
        &mut state,
        Msg::Webhooks(WebhooksMsg::Loaded {
            request_id,
            result: Ok(vec![
                endpoint(4, "https://hooks.alster.example/licadm"),
                endpoint(5, "https://erp.alster.example/in"),
            ]),
        }),
    );
    let (request_id, endpoint) = deliveries_id(&commands);
    assert_eq!(endpoint, 4, "the selected endpoint's log");
    update(
        &mut state,
        Msg::Webhooks(WebhooksMsg::Deliveries {
            request_id,
            endpoint,
            result: Ok(Page::new(
                vec![
                    delivery(2, DeliveryStatus::Failed, Some("HTTP 500: boom")),
                    delivery(1, DeliveryStatus::Delivered, None),
                ],
                1,
                50,
                2,
            )),
        }),
    );
    state
}

#[test]
fn the_screen_lists_endpoints_and_the_selected_ones_deliveries_at_80_columns() {
    for height in [24, 22] {
        let state = webhooks_state(Lang::Ru, Role::Admin);
        let (lines, _) = render(&state, 80, height);
        let text = screen_text(&lines);
        for expected in [
            "Вебхуки: адреса и доставки",
            "https://hooks.alster.example/licadm",
            "Доставки адреса № 4",
            "Не доставлено",
            "Доставлено",
            "HTTP 500: boom",
            "seat:12",
        ] {
            assert!(
                text.contains(expected),
                "{expected} missing at 80×{height}:\n{text}"
            );
        }
        assert!(
            lines
                .iter()
                .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 80)
        );
    }
    let (lines, _) = render(&webhooks_state(Lang::En, Role::Admin), 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Deliveries of endpoint 4") && text.contains("Failed"),
        "{text}"
    );
    // Moving to the next endpoint reads its log.
    let mut state = webhooks_state(Lang::En, Role::Admin);
    let (_, endpoint) = deliveries_id(&update(&mut state, ch('j')));
    assert_eq!(endpoint, 5);
}

#[test]
fn redelivering_asks_first_on_cancel_and_only_its_button_sends() {
    let mut state = webhooks_state(Lang::En, Role::Admin);
    // R on the endpoint list does nothing: a delivery is chosen in the log.
    assert!(update(&mut state, ch('R')).is_empty());
    assert!(state.dialogs.is_empty());
    update(&mut state, key(KeyCode::Enter));
    assert!(
        update(&mut state, ch('R')).is_empty(),
        "only a dialog opens"
    );
    assert_eq!(state.dialogs.len(), 1);
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("Send delivery 2 (seat.bound, seat:12) again?"));
    assert!(
        update(&mut state, key(KeyCode::Enter)).is_empty(),
        "Enter on Cancel"
    );
    assert!(state.dialogs.is_empty());
    update(&mut state, ch('R'));
    assert!(update(&mut state, ch('y')).is_empty(), "letters do nothing");
    update(&mut state, key(KeyCode::Tab));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::Webhooks(WebhooksCommand::Redeliver {
            endpoint: 4,
            delivery: 2
        })]
    );
    let mut queued = delivery(3, DeliveryStatus::Pending, None);
    queued.redelivery_of = Some(2);
    let commands = update(
        &mut state,
        Msg::Webhooks(WebhooksMsg::Redelivered {
            delivery: 2,
            result: Ok(queued),
        }),
    );
    assert!(state.dialogs.is_empty(), "the answer closes the dialog");
    assert_eq!(deliveries_id(&commands).1, 4, "the log is read again");
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("queued again"))
    );
}

#[test]
fn removing_asks_first_and_adding_takes_a_url_and_shows_the_secret_once() {
    let mut state = webhooks_state(Lang::En, Role::Operator);
    update(&mut state, ch('d'));
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("Remove endpoint 4"));
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        vec![Command::Webhooks(WebhooksCommand::Remove { id: 4 })]
    );

    let mut state = webhooks_state(Lang::En, Role::Operator);
    assert!(update(&mut state, ch('a')).is_empty());
    assert_eq!(state.dialogs.len(), 1);
    // The prompt owns the keyboard: `d`, `q` and `9` are text, not commands.
    let mut commands = Vec::new();
    for c in "https://hooks.example/dq9".chars() {
        commands.extend(update(&mut state, ch(c)));
    }
    assert!(commands.is_empty(), "{commands:?}");
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("https://hooks.example/dq9"));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::Webhooks(WebhooksCommand::Add {
            url: "https://hooks.example/dq9".into(),
            organization: None,
        })]
    );
    update(
        &mut state,
        Msg::Webhooks(WebhooksMsg::Added(Ok(CreatedWebhook {
            endpoint: endpoint(6, "https://hooks.example/dq9"),
            secret: Secret::new("whsec_shown_once"),
        }))),
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("whsec_shown_once"),
        "the secret, in a notice"
    );

    // A partner admin of several organizations is told to use the CLI.
    let mut state = webhooks_state(Lang::En, Role::Admin);
    assert!(update(&mut state, ch('a')).is_empty());
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("--organization"));
}

#[test]
fn support_and_viewer_fetch_nothing_and_are_told_why() {
    for role in [Role::Support, Role::Viewer] {
        let mut state = loaded_state(Lang::Ru);
        update(&mut state, Msg::MeLoaded(Ok(Me { role, ..me() })));
        let commands = update(&mut state, ch('9'));
        assert!(
            !commands.iter().any(|c| matches!(c, Command::Webhooks(_))),
            "{commands:?}"
        );
        let (lines, _) = render(&state, 80, 24);
        assert!(screen_text(&lines).contains("для администраторов и операторов"));
    }
}
