//! Copying with OSC 52 from the list (`y` the number, `Y` the row) and the detail (`y`
//! the serial), the notices that say what was copied, and the caveat that the first
//! copy adds when the terminal may not pass OSC 52 on.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::console::app::{Clipboard, Command, Msg, update};
use licadm::domain::{ActivationStatus, Lang};

fn copied(commands: &[Command]) -> Option<String> {
    commands.iter().find_map(|c| match c {
        Command::CopyToClipboard(text) => Some(text.clone()),
        _ => None,
    })
}

#[test]
fn y_copies_the_selected_number_and_says_so() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('j'));
    assert_eq!(copied(&update(&mut state, ch('y'))).as_deref(), Some("27"));
    assert_eq!(
        state.notice.as_deref(),
        Some("copied the activation number: 27")
    );
}

#[test]
fn shift_y_copies_the_row_as_tab_separated_text() {
    let mut state = loaded_state(Lang::Ru);
    let text = copied(&update(&mut state, ch('Y'))).expect("copied");
    let fields: Vec<&str> = text.split('\t').collect();
    assert_eq!(
        fields,
        vec![
            "28",
            "ТЕХБИЗНЕС+ ООО",
            "Выполнена",
            "Пэй Киоск",
            "1",
            "2 900 ₽",
            "13.12.2025"
        ]
    );
    assert!(
        state.notice.as_deref().unwrap_or("").contains("№ 28"),
        "{:?}",
        state.notice
    );
}

#[test]
fn y_in_the_detail_copies_the_selected_serial() {
    let mut state = loaded_state(Lang::En);
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::FetchDetail { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("detail fetched");
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(28, ActivationStatus::Done)),
        },
    );
    update(&mut state, ch('j'));
    assert_eq!(
        copied(&update(&mut state, ch('y'))).as_deref(),
        Some("0408420138900124")
    );
    assert_eq!(state.notice.as_deref(), Some("copied: 0408420138900124"));
    // The lines filtered to nothing: nothing to copy, nothing claimed.
    update(&mut state, ch('/'));
    for c in "999".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(copied(&update(&mut state, ch('y'))), None);
}

#[test]
fn the_first_copy_in_tmux_mentions_set_clipboard_once() {
    let mut state = loaded_state(Lang::En);
    state.clipboard = Clipboard::detect(true, false, Some("tmux-256color"));
    update(&mut state, ch('y'));
    let first = state.notice.clone().unwrap_or_default();
    assert!(
        first.starts_with("copied the activation number: 28")
            && first.contains("set -g set-clipboard on"),
        "{first}"
    );
    update(&mut state, ch('y'));
    assert_eq!(
        state.notice.as_deref(),
        Some("copied the activation number: 28"),
        "only the first time"
    );
}

#[test]
fn screen_and_unknown_terminals_get_their_own_caveat_and_xterm_none() {
    let mut screen = loaded_state(Lang::Ru);
    screen.clipboard = Clipboard::detect(false, true, Some("screen"));
    update(&mut screen, ch('y'));
    assert!(
        screen
            .notice
            .as_deref()
            .unwrap_or("")
            .contains("GNU screen не передаёт OSC 52"),
        "{:?}",
        screen.notice
    );
    let mut dumb = loaded_state(Lang::En);
    dumb.clipboard = Clipboard::detect(false, false, None);
    update(&mut dumb, ch('y'));
    assert!(
        dumb.notice
            .as_deref()
            .unwrap_or("")
            .contains("may not support")
    );
    let mut xterm = loaded_state(Lang::En);
    xterm.clipboard = Clipboard::detect(false, false, Some("xterm-256color"));
    update(&mut xterm, ch('y'));
    assert_eq!(
        xterm.notice.as_deref(),
        Some("copied the activation number: 28")
    );
}

#[test]
fn the_copy_keys_are_in_the_help() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('?'));
    let entries = state.help_entries();
    assert!(
        entries
            .iter()
            .any(|(k, d)| k == "y" && d.contains("number"))
    );
    assert!(entries.iter().any(|(k, d)| k == "Y" && d.contains("row")));
}
