//! The Access screen («Доступ», `5`; issue 15) through `update` and `view`: entering
//! reads the tokens, the list shows label, account, role, organizations, expiry, last
//! use and revocation; `d` asks in a confirmation that opens on Cancel, and only the
//! Revoke button sends; the answer marks the row and closes the dialog; support and
//! viewer are told the screen is not theirs and nothing is fetched; the list follows
//! its pages (`GET /tokens` by cursor) when the selection reaches the last token read.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::access::CursorPage;
use licadm::client::wire::{Me, OrgRef, Role, TokenInfo};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::access::{AccessCommand, AccessMsg};
use licadm::domain::Lang;

fn token(id: i64, label: &str, account: Option<&str>, current: bool) -> TokenInfo {
    TokenInfo {
        id,
        label: label.into(),
        account: account.map(str::to_string),
        role: Role::Support,
        organizations: vec![OrgRef {
            id: 1,
            name: "АЛЬСТЕР ООО".into(),
            inn: "7842175621".into(),
        }],
        created_at: "2025-12-01T10:00:00Z".parse().unwrap(),
        expires_at: Some("2025-12-31T10:00:00Z".parse().unwrap()),
        last_used_at: Some("2025-12-12T09:30:00Z".parse().unwrap()),
        revoked_at: None,
        current,
    }
}

fn fetch(commands: &[Command]) -> (u64, Option<String>) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Access(AccessCommand::Fetch { request_id, cursor }) => {
                Some((*request_id, cursor.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a token fetch in {commands:?}"))
}

fn fetch_id(commands: &[Command]) -> u64 {
    fetch(commands).0
}

fn page(items: Vec<TokenInfo>, next: Option<&str>) -> CursorPage<TokenInfo> {
    CursorPage {
        items,
        per_page: 50,
        next: next.map(str::to_string),
    }
}

/// On the Access screen with two tokens loaded.
fn access_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let commands = update(&mut state, ch('5'));
    let request_id = fetch_id(&commands);
    update(
        &mut state,
        Msg::Access(AccessMsg::Loaded {
            request_id,
            more: false,
            result: Ok(page(
                vec![
                    token(7, "laptop", Some("desk@alster.example"), false),
                    token(3, "console", Some("ivanov@techbiz.ru"), true),
                ],
                None,
            )),
        }),
    );
    state
}

#[test]
fn the_screen_lists_tokens_with_their_account_role_expiry_and_last_use() {
    let state = access_state(Lang::Ru);
    let (lines, _) = render(&state, 100, 24);
    let text = screen_text(&lines);
    assert!(text.contains("5 Доступ"), "{text}");
    assert!(text.contains("Доступ: токены"), "{text}");
    for expected in [
        "laptop",
        "desk@alster.example",
        "поддержка",
        "АЛЬСТЕР ООО",
        "31.12.2025",
        "* console",
        "№ 7 · laptop · desk@alster.example",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let (lines, _) = render(&access_state(Lang::En), 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Access: tokens") && text.contains("Last used"),
        "{text}"
    );
    // The hint line offers revoking; r reads the list again.
    let hints: Vec<&str> = state.hint_entries().into_iter().map(|(_, l)| l).collect();
    assert!(hints.contains(&"отозвать"), "{hints:?}");
    let mut state = state;
    fetch_id(&update(&mut state, ch('r')));
}

#[test]
fn revoking_asks_first_on_cancel_and_only_the_revoke_button_sends() {
    let mut state = access_state(Lang::En);
    assert!(
        update(&mut state, ch('d')).is_empty(),
        "only a dialog opens"
    );
    assert_eq!(state.dialogs.len(), 1);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Revoke the token “laptop”"), "{text}");
    // Enter on the initial Cancel button closes without sending.
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.dialogs.is_empty());
    // Letters do nothing in the dialog; Tab to Revoke and Enter sends.
    update(&mut state, ch('d'));
    assert!(update(&mut state, ch('y')).is_empty());
    update(&mut state, key(KeyCode::Tab));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::Access(AccessCommand::Revoke { id: 7 })]
    );
    assert_eq!(state.dialogs.len(), 1, "waits for the answer, «sending…»");
    let mut revoked = token(7, "laptop", Some("desk@alster.example"), false);
    revoked.revoked_at = Some("2025-12-13T08:00:00Z".parse().unwrap());
    update(
        &mut state,
        Msg::Access(AccessMsg::Revoked {
            id: 7,
            result: Ok(revoked),
        }),
    );
    assert!(state.dialogs.is_empty(), "the answer closes the dialog");
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("revoked")),
        "{:?}",
        state.notice
    );
    assert!(
        state.access.tokens.as_ref().unwrap()[0]
            .revoked_at
            .is_some()
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("13.12.2025"),
        "the revoked time shows"
    );
    // A revoked token is not offered again.
    assert!(update(&mut state, ch('d')).is_empty());
    assert!(state.dialogs.is_empty());
}

#[test]
fn support_and_viewer_are_told_the_screen_is_not_theirs() {
    for role in [Role::Support, Role::Viewer] {
        let mut state = loaded_state(Lang::Ru);
        update(&mut state, Msg::MeLoaded(Ok(Me { role, ..me() })));
        let commands = update(&mut state, ch('5'));
        assert!(
            !commands.iter().any(|c| matches!(c, Command::Access(_))),
            "{commands:?}"
        );
        let (lines, _) = render(&state, 80, 24);
        let text = screen_text(&lines);
        assert!(text.contains("для администраторов и операторов"), "{text}");
    }
}

#[test]
fn the_list_follows_its_pages_when_the_selection_reaches_the_last_token_read() {
    let mut state = loaded_state(Lang::En);
    let request_id = fetch_id(&update(&mut state, ch('5')));
    update(
        &mut state,
        Msg::Access(AccessMsg::Loaded {
            request_id,
            more: false,
            result: Ok(page(
                vec![token(9, "one", None, false), token(8, "two", None, false)],
                Some("CURSOR-1"),
            )),
        }),
    );
    // On the first token: nothing more is read.
    assert!(
        !update(&mut state, key(KeyCode::Up))
            .iter()
            .any(|c| matches!(c, Command::Access(_)))
    );
    // Onto the last one read: the next page, by its cursor.
    let (more_id, cursor) = fetch(&update(&mut state, key(KeyCode::Down)));
    assert_eq!(cursor.as_deref(), Some("CURSOR-1"));
    // While it is read, moving again asks for nothing more.
    assert!(
        !update(&mut state, key(KeyCode::Down))
            .iter()
            .any(|c| matches!(c, Command::Access(_)))
    );
    update(
        &mut state,
        Msg::Access(AccessMsg::Loaded {
            request_id: more_id,
            more: true,
            result: Ok(page(vec![token(5, "three", None, false)], None)),
        }),
    );
    let labels: Vec<&str> = state
        .access
        .tokens
        .as_ref()
        .expect("tokens")
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    assert_eq!(labels, ["one", "two", "three"], "the page is added");
    update(&mut state, key(KeyCode::Down));
    assert_eq!(state.access.selected, 2);
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("three"));
    // The last page read: no more fetches; r reads from the first page again.
    assert!(
        !update(&mut state, key(KeyCode::Down))
            .iter()
            .any(|c| matches!(c, Command::Access(_)))
    );
    assert_eq!(fetch(&update(&mut state, ch('r'))).1, None);
}
