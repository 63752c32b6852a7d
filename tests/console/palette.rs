//! The `:` command palette, through `update` and `view`: fuzzy search over the screen's
//! actions (help text in the UI language, and names), jumps to an activation by number
//! or to a serial anywhere, screen switches and quit.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::ClientError;
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::Tab;
use licadm::console::screens::palette::Run;
use licadm::domain::{ActivationStatus, Lang};

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

fn detail_request(commands: &[Command]) -> Option<(u64, i64)> {
    commands.iter().find_map(|c| match c {
        Command::FetchDetail { request_id, number } => Some((*request_id, *number)),
        _ => None,
    })
}

fn first_match(state: &State) -> String {
    state
        .palette_items()
        .first()
        .map(|i| i.name.clone())
        .unwrap_or_default()
}

#[test]
fn colon_opens_the_palette_and_typing_finds_an_action_by_its_help_text() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    assert!(state.palette.is_some());
    type_text(&mut state, "refr");
    assert_eq!(first_match(&state), "list.refresh");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(state.palette.is_none(), "running closes it");
    activations_request(&commands);
}

#[test]
fn the_russian_ui_matches_russian_help_text_and_names_too() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch(':'));
    type_text(&mut state, "новая акт");
    assert_eq!(first_match(&state), "list.new_activation");
    update(&mut state, key(KeyCode::Esc));
    assert!(state.palette.is_none());
    update(&mut state, ch(':'));
    type_text(&mut state, "list.sd");
    assert_eq!(first_match(&state), "list.sort_date");
}

#[test]
fn arrows_choose_tab_completes_and_esc_closes_without_running() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    let all = state.palette_items();
    assert!(all.len() > 20, "every action of the list, and the commands");
    assert!(!all.iter().any(|i| i.name == "list.palette"), "not itself");
    update(&mut state, key(KeyCode::Down));
    update(&mut state, key(KeyCode::Down));
    update(&mut state, key(KeyCode::Up));
    assert_eq!(state.palette.as_ref().map(|p| p.selected), Some(1));
    update(&mut state, ch('a'));
    update(&mut state, ch('c'));
    update(&mut state, ch('t'));
    assert_eq!(first_match(&state), "act N");
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        state.palette.as_ref().map(|p| p.input.as_str()),
        Some("act ")
    );
    // Enter on a command that needs its argument completes it too.
    update(&mut state, key(KeyCode::Backspace));
    assert_eq!(first_match(&state), "act N");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(commands.is_empty());
    assert_eq!(
        state.palette.as_ref().map(|p| p.input.as_str()),
        Some("act ")
    );
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(state.palette.is_none());
    assert_eq!(state.list.selected, 0, "nothing ran");
}

#[test]
fn act_opens_an_activation_on_the_page_at_once() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "act 26");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(detail_request(&commands).map(|(_, n)| n), Some(26));
    let detail = state.detail.as_ref().expect("detail open");
    assert_eq!(
        detail.summary().map(|s| s.number),
        Some(26),
        "the row shows at once"
    );
}

#[test]
fn act_opens_an_activation_that_is_not_on_the_page_by_number() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "activation 421");
    let (request_id, number) =
        detail_request(&update(&mut state, key(KeyCode::Enter))).expect("fetch");
    assert_eq!(number, 421);
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("Activation No. 421 (loading…)"),
        "{}",
        screen_text(&lines)
    );
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(421, ActivationStatus::Done)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("0239110138900130"));
}

#[test]
fn an_activation_that_does_not_exist_leaves_the_list_with_the_reason() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "act 99999");
    let (request_id, _) = detail_request(&update(&mut state, key(KeyCode::Enter))).expect("fetch");
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Err(ClientError::Api {
                status: 404,
                code: "not_found".into(),
                message: "activation 99999 not found".into(),
                request_id: None,
            }),
        },
    );
    assert!(state.detail.is_none());
    assert!(state.last_error.is_some());
}

#[test]
fn a_bad_argument_is_explained_and_the_palette_stays() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "sn 0239");
    assert!(matches!(
        state.palette_items().first().map(|i| &i.run),
        Some(Run::Refuse(_))
    ));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.palette.is_some());
    assert!(
        state
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("16 digits"),
        "{:?}",
        state.last_error
    );
}

#[test]
fn sn_searches_every_activation_and_opens_the_only_one_on_that_serial() {
    let mut state = loaded_state(Lang::En);
    // A status filter that would hide it.
    update(&mut state, ch('s'));
    update(&mut state, key(KeyCode::Down));
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, ch(':'));
    type_text(&mut state, "sn 0239110138900130");
    let (request_id, query) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.q.as_deref(), Some("0239110138900130"));
    assert_eq!((query.status, query.page), (None, 1), "filters cleared");
    let found = activation(
        24,
        ActivationStatus::Error,
        licadm::domain::Vendor::PayKiosk,
        1,
        1900,
    );
    let commands = update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(vec![found], 1, 25, 1)),
        },
    );
    assert_eq!(detail_request(&commands).map(|(_, n)| n), Some(24));
    let detail = state.detail.as_ref().expect("the only match opens");
    assert_eq!(detail.search, "0239110138900130");
}

#[test]
fn sn_with_several_matches_shows_the_list() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "sn 0239110138900130");
    let (request_id, _) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    let commands = update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(seed_rows(), 1, 25, 5)),
        },
    );
    assert!(detail_request(&commands).is_none());
    assert!(state.detail.is_none());
    assert_eq!(state.list.rows().len(), 5);
}

#[test]
fn numbers_and_names_switch_screens_and_q_quits() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "3");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.tab, Tab::Capacity);
    update(&mut state, ch(':'));
    type_text(&mut state, "seats");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.tab, Tab::Seats);
    update(&mut state, ch(':'));
    type_text(&mut state, "q");
    assert_eq!(update(&mut state, key(KeyCode::Enter)), vec![Command::Quit]);
}

#[test]
fn on_the_seats_screen_it_offers_the_seats_actions() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('2'));
    update(&mut state, ch(':'));
    let names: Vec<String> = state.palette_items().into_iter().map(|i| i.name).collect();
    assert!(names.contains(&"seats.bind".to_string()), "{names:?}");
    assert!(!names.contains(&"list.refresh".to_string()));
    type_text(&mut state, "refresh");
    assert_eq!(first_match(&state), "seats.refresh");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchSeats { .. })),
        "{commands:?}"
    );
}

#[test]
fn in_the_detail_it_offers_the_detail_actions_and_paste_types_into_it() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, ch(':'));
    update(&mut state, Msg::Paste("history\n".into()));
    assert_eq!(first_match(&state), "detail.history");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(state.audit.is_some(), "{commands:?}");
}

#[test]
fn the_prompt_and_matches_are_drawn_at_the_bottom_with_the_cursor_in_the_prompt() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch(':'));
    type_text(&mut state, "refr");
    let (lines, mut terminal) = render(&state, 80, 24);
    assert!(lines[22].starts_with(":refr"), "{}", lines[22]);
    assert!(lines[22].contains("Enter run"), "{}", lines[22]);
    let text = screen_text(&lines);
    assert!(text.contains("Commands"), "{text}");
    let match_line = lines
        .iter()
        .find(|l| l.contains("list.refresh"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        match_line.contains("refresh") && match_line.contains(" r"),
        "{match_line}"
    );
    let cursor = terminal.get_cursor_position().expect("cursor");
    assert_eq!((cursor.x, cursor.y), (5, 22));
    // In Russian the words are Russian.
    let mut ru = loaded_state(Lang::Ru);
    update(&mut ru, ch(':'));
    let (lines, _) = render(&ru, 80, 24);
    assert!(screen_text(&lines).contains("Команды"));
    assert!(lines[22].contains("Enter выполнить"), "{}", lines[22]);
}

/// Two saved views, as the config's `[views]` gives them at start.
fn with_saved_views(state: &mut State) {
    use licadm::config_views::SavedView;
    state.bulk.views.insert(
        "pp90".into(),
        SavedView {
            list: "renewals".into(),
            vendor: Some("pp-electro".into()),
            window: Some(90),
            ..SavedView::default()
        },
    );
    state.bulk.views.insert(
        "binds".into(),
        SavedView {
            list: "activity".into(),
            action: Some("seat.bound".into()),
            period: Some(7),
            ..SavedView::default()
        },
    );
}

/// The saved views are entries of the palette, with the list each is of, filtered by
/// what is typed like any entry; choosing one does exactly what `:view NAME` does.
#[test]
fn saved_views_are_listed_and_choosing_one_opens_it_as_view_name_does() {
    use licadm::console::screens::renewals::RenewalsCommand;
    let mut state = loaded_state(Lang::En);
    with_saved_views(&mut state);
    update(&mut state, ch(':'));
    let all = state.palette_items();
    let text_of = |name: &str| all.iter().find(|i| i.name == name).map(|i| i.text.clone());
    assert_eq!(
        text_of("view pp90").as_deref(),
        Some("View: pp90 (Renewals)"),
        "{all:?}"
    );
    assert_eq!(
        text_of("view binds").as_deref(),
        Some("View: binds (Activity)")
    );

    // Typing filters them like the rest.
    type_text(&mut state, "pp9");
    let names: Vec<String> = state.palette_items().into_iter().map(|i| i.name).collect();
    assert_eq!(
        names.first().map(String::as_str),
        Some("view pp90"),
        "{names:?}"
    );
    assert!(!names.contains(&"view binds".to_string()), "{names:?}");
    let chosen = update(&mut state, key(KeyCode::Enter));

    // The same as `:view pp90` typed in full.
    let mut typed = loaded_state(Lang::En);
    with_saved_views(&mut typed);
    update(&mut typed, ch(':'));
    type_text(&mut typed, "view pp90");
    let expected = update(&mut typed, key(KeyCode::Enter));
    assert_eq!(chosen, expected);
    assert!(
        chosen.iter().any(|c| matches!(
            c,
            Command::Renewals(RenewalsCommand::Fetch { query, .. })
                if query.vendor.as_deref() == Some("pp-electro")
        )),
        "{chosen:?}"
    );
    assert!(state.palette.is_none(), "running closes it");
    assert_eq!((state.tab, state.renewals.window), (Tab::Renewals, 90));
    assert_eq!(state.renewals.query, typed.renewals.query);
    assert_eq!(state.notice, typed.notice);
    assert_eq!(state.notice.as_deref(), Some("opened view “pp90”"));

    // In Russian, drawn in the match list.
    let mut ru = loaded_state(Lang::Ru);
    with_saved_views(&mut ru);
    update(&mut ru, ch(':'));
    type_text(&mut ru, "вид");
    let text = screen_text(&render(&ru, 80, 24).0);
    assert!(text.contains("Вид: pp90 (Продления)"), "{text}");
    assert!(text.contains("Вид: binds (Журнал)"), "{text}");
}
