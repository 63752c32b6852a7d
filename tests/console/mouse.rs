//! The mouse (`--mouse`): a click selects the row drawn under it on the activations and
//! seats lists — mapped from the terminal size through the layout the view draws with —
//! and the wheel moves the selection. Checked against what the view draws.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use licadm::client::wire::ActivationSummary;
use licadm::console::app::{MouseInput, MouseKind, Msg, State, update};
use licadm::console::runtime::mouse_to_msg;
use licadm::domain::{ActivationStatus, Lang, Vendor};

fn click(state: &mut State, row: u16) {
    update(state, mouse(MouseKind::Click, row, 80, 24));
}

fn mouse(kind: MouseKind, row: u16, width: u16, height: u16) -> Msg {
    Msg::Mouse(MouseInput {
        kind,
        column: 20,
        row,
        width,
        height,
    })
}

/// The terminal line the view puts the cursor on (the selected row).
fn cursor_line(state: &State, width: u16, height: u16) -> u16 {
    let (_, mut terminal) = render(state, width, height);
    terminal.get_cursor_position().expect("cursor").y
}

#[test]
fn a_click_selects_the_activation_drawn_on_that_line() {
    let mut state = loaded_state(Lang::En);
    let (lines, _) = render(&state, 80, 24);
    let line = lines
        .iter()
        .position(|l| l.trim_start().starts_with("26 "))
        .expect("row 26 drawn") as u16;
    click(&mut state, line);
    assert_eq!(state.list.selected_row().map(|a| a.number), Some(26));
    assert_eq!(cursor_line(&state, 80, 24), line, "the view agrees");
}

#[test]
fn clicks_on_the_header_below_the_rows_or_in_a_tiny_terminal_do_nothing() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('j'));
    let (lines, _) = render(&state, 80, 24);
    let header = lines
        .iter()
        .position(|l| l.contains("Organization"))
        .expect("header") as u16;
    click(&mut state, header - 1);
    click(&mut state, header);
    click(&mut state, 20);
    update(&mut state, mouse(MouseKind::Click, 6, 60, 20));
    assert_eq!(state.list.selected, 1);
}

#[test]
fn a_click_on_a_scrolled_list_selects_what_is_drawn_there() {
    let mut state = loaded_state(Lang::En);
    let rows: Vec<ActivationSummary> = (1..=25)
        .rev()
        .map(|n| activation(n, ActivationStatus::Done, Vendor::PayKiosk, 1, 1900))
        .collect();
    let request = activations_request(&update(&mut state, ch('r')));
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id: request.0,
            result: Ok(page(rows, 2, 25, 420)),
        },
    );
    update(&mut state, ch('G'));
    let (lines, _) = render(&state, 80, 24);
    let line = 6u16;
    let shown: i64 = lines[usize::from(line)]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number on that line");
    click(&mut state, line);
    assert_eq!(state.list.selected_row().map(|a| a.number), Some(shown));
    // The window follows the selection as it does for the keys (the offset comes from
    // the selection), so the row may move; it stays in view, under the cursor.
    let (lines, _) = render(&state, 80, 24);
    let at = usize::from(cursor_line(&state, 80, 24));
    assert!(
        lines[at].trim_start().starts_with(&format!("{shown} ")),
        "{}",
        lines[at]
    );
}

#[test]
fn the_wheel_moves_the_selection() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, mouse(MouseKind::WheelDown, 0, 80, 24));
    update(&mut state, mouse(MouseKind::WheelDown, 0, 80, 24));
    update(&mut state, mouse(MouseKind::WheelUp, 0, 80, 24));
    assert_eq!(state.list.selected, 1);
}

#[test]
fn a_click_selects_a_seat_too_and_not_under_a_dialog() {
    let mut state = seats_state(Lang::En);
    let (lines, _) = render(&state, 100, 30);
    let line = lines
        .iter()
        .position(|l| l.trim_start().starts_with("19 "))
        .expect("seat 19 drawn") as u16;
    update(&mut state, mouse(MouseKind::Click, line, 100, 30));
    assert_eq!(state.seats.selected_row().map(|s| s.id), Some(19));
    assert_eq!(cursor_line(&state, 100, 30), line);
    update(&mut state, mouse(MouseKind::WheelDown, 0, 100, 30));
    assert_eq!(state.seats.selected_row().map(|s| s.id), Some(20));
    // With the bind dialog open the list underneath stays as it is.
    update(&mut state, ch('b'));
    assert!(state.seats.bind.is_some());
    update(&mut state, mouse(MouseKind::Click, line, 100, 30));
    assert_eq!(state.seats.selected_row().map(|s| s.id), Some(20));
}

#[test]
fn overlays_keep_the_mouse_away() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('?'));
    update(&mut state, mouse(MouseKind::WheelDown, 0, 80, 24));
    update(&mut state, ch('?'));
    update(&mut state, ch(':'));
    update(&mut state, mouse(MouseKind::WheelDown, 0, 80, 24));
    assert_eq!(state.list.selected, 0);
}

#[test]
fn terminal_events_become_clicks_and_wheel_turns_only() {
    let event = |kind| MouseEvent {
        kind,
        column: 3,
        row: 7,
        modifiers: KeyModifiers::NONE,
    };
    assert_eq!(
        mouse_to_msg(event(MouseEventKind::Down(MouseButton::Left)), 80, 24),
        Some(Msg::Mouse(MouseInput {
            kind: MouseKind::Click,
            column: 3,
            row: 7,
            width: 80,
            height: 24
        }))
    );
    assert!(matches!(
        mouse_to_msg(event(MouseEventKind::ScrollDown), 80, 24),
        Some(Msg::Mouse(MouseInput {
            kind: MouseKind::WheelDown,
            ..
        }))
    ));
    assert_eq!(mouse_to_msg(event(MouseEventKind::Moved), 80, 24), None);
    assert_eq!(
        mouse_to_msg(event(MouseEventKind::Down(MouseButton::Right)), 80, 24),
        None
    );
    assert_eq!(
        mouse_to_msg(event(MouseEventKind::Up(MouseButton::Left)), 80, 24),
        None
    );
}
