//! The pure `update`: key presses and answers in, state and commands out.

use crate::support::console::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use licadm::client::ClientError;
use licadm::client::wire::{ActivationSort, ActivationSortKey};
use licadm::console::app::{Command, Connection, Msg, State, update};
use licadm::console::keymap;
use licadm::console::screens::activations;
use licadm::domain::{ActivationStatus, Lang, Vendor};

#[test]
fn start_fetches_me_organizations_and_first_page_newest_first() {
    let mut state = new_state(Lang::Ru);
    let commands = update(&mut state, Msg::Start);
    assert!(commands.contains(&Command::FetchMe));
    assert!(commands.contains(&Command::FetchOrganizations));
    let (_, query) = activations_request(&commands);
    assert_eq!(query.page, 1);
    assert_eq!(query.per_page, 25);
    assert_eq!(query.sort.to_param(), "-number");
    assert_eq!(state.connection, Connection::Connecting);
    assert!(state.list.loading());
}

#[test]
fn page_navigation_is_bounded_by_page_count() {
    let mut state = loaded_state(Lang::Ru);
    assert_eq!(state.list.query.page, 2);
    assert_eq!(state.list.page_count(), 17);

    let (_, q) = activations_request(&update(&mut state, ch(']')));
    assert_eq!(q.page, 3);
    let (_, q) = activations_request(&update(&mut state, key(KeyCode::PageUp)));
    assert_eq!(q.page, 2);
    let (_, q) = activations_request(&update(&mut state, key(KeyCode::End)));
    assert_eq!(q.page, 17);
    assert!(
        update(&mut state, key(KeyCode::Right)).is_empty(),
        "no page after the last"
    );
    assert!(update(&mut state, ch('>')).is_empty());
    let (_, q) = activations_request(&update(&mut state, ch('<')));
    assert_eq!(q.page, 1);
    assert!(
        update(&mut state, ch('[')).is_empty(),
        "no page before the first"
    );
    assert!(update(&mut state, key(KeyCode::Home)).is_empty());
}

#[test]
fn row_selection_moves_and_is_bounded() {
    let mut state = loaded_state(Lang::Ru);
    assert_eq!(state.list.selected, 0);
    update(&mut state, ch('j'));
    update(&mut state, key(KeyCode::Down));
    assert_eq!(state.list.selected, 2);
    update(&mut state, ch('k'));
    assert_eq!(state.list.selected, 1);
    update(&mut state, ch('G'));
    assert_eq!(state.list.selected, 4);
    update(&mut state, ch('j'));
    assert_eq!(state.list.selected, 4);
    update(&mut state, ch('g'));
    update(&mut state, key(KeyCode::Up));
    assert_eq!(state.list.selected, 0);
}

/// A filter key opens a picker on the value in force; `moves` then Enter picks.
fn pick(state: &mut State, k: char, moves: &[KeyCode]) -> Vec<Command> {
    assert!(
        update(state, ch(k)).is_empty(),
        "a picker opens, nothing is fetched"
    );
    for m in moves {
        update(state, key(*m));
    }
    update(state, key(KeyCode::Enter))
}

#[test]
fn filters_are_picked_from_a_list_reset_to_page_one_and_fetch_the_right_query() {
    let mut state = loaded_state(Lang::Ru);
    let (_, q) = activations_request(&pick(&mut state, 's', &[KeyCode::Down]));
    assert_eq!((q.status, q.page), (Some(ActivationStatus::Done), 1));
    let (_, q) = activations_request(&pick(&mut state, 's', &[KeyCode::Down]));
    assert_eq!(q.status, Some(ActivationStatus::InProgress));
    // Typing narrows the list.
    update(&mut state, ch('s'));
    for c in "ошиб".chars() {
        update(&mut state, ch(c));
    }
    let (_, q) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(q.status, Some(ActivationStatus::Error));
    // Esc leaves the filter as it was.
    update(&mut state, ch('s'));
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert_eq!(state.list.query.status, Some(ActivationStatus::Error));
    let (_, q) = activations_request(&pick(
        &mut state,
        's',
        &[KeyCode::Up, KeyCode::Up, KeyCode::Up],
    ));
    assert_eq!(q.status, None, "«все» is first");

    let (_, q) = activations_request(&pick(&mut state, 'o', &[KeyCode::Down]));
    assert_eq!(q.organization, Some(1));
    let (_, q) = activations_request(&pick(&mut state, 'o', &[KeyCode::Down]));
    assert_eq!(q.organization, Some(2));
    let (_, q) = activations_request(&pick(&mut state, 'v', &[KeyCode::Down, KeyCode::Down]));
    assert_eq!(q.vendor, Some(Vendor::PpElectro));

    pick(&mut state, 's', &[KeyCode::Down]);
    let (_, q) = activations_request(&update(&mut state, ch('x')));
    assert_eq!(
        (q.status, q.organization, q.vendor, q.q.clone(), q.page),
        (None, None, None, None, 1)
    );
    assert_eq!(
        q.sort,
        ActivationSort::default(),
        "clearing filters keeps the sort"
    );
}

#[test]
fn sort_keys_select_and_flip_direction() {
    let mut state = loaded_state(Lang::Ru);
    let (_, q) = activations_request(&update(&mut state, ch('n')));
    assert_eq!(
        q.sort,
        ActivationSort {
            key: ActivationSortKey::Number,
            descending: false
        },
        "same key flips"
    );
    assert_eq!(q.page, 1);
    let (_, q) = activations_request(&update(&mut state, ch('c')));
    assert_eq!(
        q.sort,
        ActivationSort {
            key: ActivationSortKey::TotalCost,
            descending: true
        }
    );
    let (_, q) = activations_request(&update(&mut state, ch('c')));
    assert_eq!(q.sort.to_param(), "total_cost");
    let (_, q) = activations_request(&update(&mut state, ch('d')));
    assert_eq!(q.sort.to_param(), "-created_at");
}

#[test]
fn page_size_cycles_through_api_sizes() {
    let mut state = loaded_state(Lang::Ru);
    let sizes: Vec<(u32, u32)> = (0..4)
        .map(|_| {
            let (_, q) = activations_request(&update(&mut state, ch('p')));
            (q.per_page, q.page)
        })
        .collect();
    assert_eq!(sizes, vec![(50, 1), (100, 1), (10, 1), (25, 1)]);
}

#[test]
fn search_input_edits_applies_and_cancels() {
    let mut state = loaded_state(Lang::Ru);
    assert!(update(&mut state, ch('/')).is_empty());
    for c in "0239x".chars() {
        assert!(
            update(&mut state, ch(c)).is_empty(),
            "typing does not fetch"
        );
    }
    // Keys that are bindings elsewhere are text while typing.
    assert_eq!(state.list.search_input.as_deref(), Some("0239x"));
    update(&mut state, key(KeyCode::Backspace));
    let (_, q) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!((q.q.as_deref(), q.page), (Some("0239"), 1));
    assert_eq!(state.list.search_input, None);

    update(&mut state, ch('/'));
    update(&mut state, ch('9'));
    assert!(
        update(&mut state, key(KeyCode::Esc)).is_empty(),
        "Esc cancels, does not quit"
    );
    assert_eq!(
        state.list.query.q.as_deref(),
        Some("0239"),
        "previous text kept"
    );
    assert_eq!(state.list.search_input, None);
}

#[test]
fn enter_opens_detail_and_esc_returns_with_list_state_intact() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    let list_before = state.list.clone();
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = match commands.as_slice() {
        [
            Command::FetchDetail {
                request_id,
                number: 26,
            },
        ] => *request_id,
        other => panic!("expected FetchDetail for 26, got {other:?}"),
    };
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(26, ActivationStatus::Done)),
        },
    );
    let screen = state.detail.as_ref().expect("detail open");
    assert_eq!(screen.visible_lines().len(), 3);
    update(&mut state, ch('j'));
    assert_eq!(state.detail.as_ref().map(|d| d.selected), Some(1));
    // `r` refreshes the detail only.
    let commands = update(&mut state, ch('r'));
    assert!(matches!(
        commands.as_slice(),
        [Command::FetchDetail { number: 26, .. }]
    ));

    assert!(
        update(&mut state, key(KeyCode::Esc)).is_empty(),
        "Esc goes back, not quit"
    );
    assert!(state.detail.is_none());
    let mut list_after = state.list.clone();
    assert_eq!(list_after.query, list_before.query);
    assert_eq!(list_after.selected, 2);
    list_after.pending = list_before.pending.clone();
    assert_eq!(list_after, list_before);

    update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        update(&mut state, ch('q')),
        vec![Command::Quit],
        "q quits from the detail too (nothing is waiting to be sent)"
    );
}

#[test]
fn detail_search_filters_lines_and_esc_restores() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, key(KeyCode::Enter));
    let (request_id, _) = match commands.as_slice() {
        [Command::FetchDetail { request_id, number }] => (*request_id, *number),
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(28, ActivationStatus::Done)),
        },
    );
    update(&mut state, ch('/'));
    update(&mut state, ch('1'));
    update(&mut state, ch('2'));
    let screen = state.detail.as_ref().expect("detail");
    assert_eq!(
        screen
            .visible_lines()
            .iter()
            .map(|l| l.serial.as_str())
            .collect::<Vec<_>>(),
        vec!["0408420138900124", "1007512879004126"]
    );
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.detail.as_ref().map(|d| d.search.as_str()), Some("12"));
    update(&mut state, ch('/'));
    update(&mut state, ch('9'));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(
        state.detail.as_ref().map(|d| d.search.as_str()),
        Some("12"),
        "Esc restores the text before editing"
    );
    assert!(
        state.detail.is_some(),
        "Esc while editing does not leave the detail"
    );
}

#[test]
fn failed_fetch_keeps_rows_filters_and_selection_and_sets_error() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('j'));
    let rows_before = state.list.rows().to_vec();
    let (request_id, requested) = activations_request(&pick(&mut state, 's', &[KeyCode::Down]));
    assert_eq!(requested.status, Some(ActivationStatus::Done));
    let error = ClientError::Api {
        status: 403,
        code: "forbidden".into(),
        message: "нет доступа к организации 7".into(),
        request_id: None,
    };
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Err(error.clone()),
        },
    );
    assert_eq!(state.list.rows(), rows_before.as_slice());
    assert_eq!(
        state.list.query.status,
        Some(ActivationStatus::Done),
        "the user's filter is kept"
    );
    assert_eq!(
        state.list.query, requested,
        "the whole query stays as the user set it"
    );
    assert_ne!(state.list.applied, requested);
    assert!(
        state.list.is_stale(),
        "the old rows are marked as earlier results"
    );
    assert_eq!(state.list.selected, 1);
    assert!(!state.list.loading());
    assert_eq!(
        state.last_error.as_deref(),
        Some(error.to_string().as_str())
    );
    assert_eq!(state.connection, Connection::Online, "the portal answered");

    let (request_id, retried) = activations_request(&update(&mut state, ch('r')));
    assert_eq!(retried, requested, "r asks again for what the user set");
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Err(ClientError::Timeout),
        },
    );
    assert_eq!(state.connection, Connection::Offline);
    assert_eq!(state.list.rows(), rows_before.as_slice());
}

#[test]
fn stale_responses_are_ignored() {
    let mut state = loaded_state(Lang::Ru);
    let (first, _) = activations_request(&update(&mut state, ch(']')));
    let (second, q) = activations_request(&update(&mut state, ch(']')));
    assert_eq!(q.page, 4);
    // A late failure of the superseded request must not show an error or go offline.
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id: first,
            result: Err(ClientError::Timeout),
        },
    );
    assert_eq!(state.last_error, None);
    assert_eq!(state.connection, Connection::Online);
    let mut old_rows = seed_rows();
    old_rows.truncate(1);
    old_rows[0].number = 999;
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id: first,
            result: Ok(page(old_rows, 3, 25, 420)),
        },
    );
    assert_eq!(
        state.list.rows()[0].number,
        28,
        "page 3 arrived late and is dropped"
    );
    assert!(state.list.loading(), "still waiting for page 4");
    assert_eq!(state.list.query.page, 4);
    let mut new_rows = seed_rows();
    new_rows[0].number = 4;
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id: second,
            result: Ok(page(new_rows, 4, 25, 420)),
        },
    );
    assert_eq!(state.list.rows()[0].number, 4);
    assert!(!state.list.loading());
    // A late error for an old request does not touch anything either.
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id: first,
            result: Err(ClientError::Timeout),
        },
    );
    assert_eq!(state.last_error, None);

    // Detail: an answer for a closed or superseded detail is dropped.
    let commands = update(&mut state, key(KeyCode::Enter));
    let Some(Command::FetchDetail {
        request_id: old, ..
    }) = commands.first().cloned()
    else {
        panic!("{commands:?}")
    };
    update(&mut state, key(KeyCode::Esc));
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id: old,
            result: Ok(detail(4, ActivationStatus::Done)),
        },
    );
    assert!(state.detail.is_none());
}

#[test]
fn help_toggles_and_lists_the_keymap() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('?'));
    assert!(state.help_open);
    // The list's own keys, then the screen tabs (1–4).
    let keymap = keymap::Keymap::default();
    let mut expected = keymap.help_entries(activations::BINDINGS, Lang::En);
    expected.extend(keymap.help_entries(licadm::console::screens::tabs::TAB_BINDINGS, Lang::En));
    expected
        .extend(keymap.help_entries(licadm::console::screens::messages::OPEN_BINDINGS, Lang::En));
    assert_eq!(state.help_entries(), expected);
    assert!(update(&mut state, ch('j')).is_empty());
    assert_eq!(state.list.selected, 0, "keys do not leak through the help");
    assert!(
        update(&mut state, key(KeyCode::Esc)).is_empty(),
        "Esc closes help, does not quit"
    );
    assert!(!state.help_open);
    update(&mut state, ch('?'));
    update(&mut state, ch('?'));
    assert!(!state.help_open);
}

#[test]
fn quit_keys() {
    let mut state = loaded_state(Lang::Ru);
    assert_eq!(update(&mut state, ch('q')), vec![Command::Quit]);
    assert!(
        update(&mut state, key(KeyCode::Esc)).is_empty(),
        "Esc never quits"
    );
    update(&mut state, ch('/'));
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(
        update(&mut state, ctrl_c),
        vec![Command::Quit],
        "Ctrl+C quits even while typing"
    );
}

#[test]
fn keys_are_declared_once_without_clashes() {
    // Every key triggers exactly one action on a screen.
    for (i, a) in activations::BINDINGS.iter().enumerate() {
        for b in &activations::BINDINGS[i + 1..] {
            for k in a.keys {
                assert!(!b.keys.contains(k), "{k:?} bound twice");
            }
        }
    }
}

#[test]
fn paste_goes_into_the_open_search_input_only() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, Msg::Paste("0239".into()));
    assert_eq!(
        state.list.search_input, None,
        "no input open: paste ignored"
    );
    update(&mut state, ch('/'));
    update(&mut state, Msg::Paste("0239110138900130\n".into()));
    let (_, q) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(q.q.as_deref(), Some("0239110138900130"));
}
