//! Columns of the Activations and Seats lists: shown, hidden and reordered with the
//! column chooser (`C`), through `update` and `view`, and remembered in the state file.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::columns::{ColumnId, Columns};
use licadm::console::screens::activations_table::ActivationColumn;
use licadm::console::screens::seats::SeatColumn;
use licadm::console::ui_state::{self, UiState};
use licadm::domain::Lang;

/// The table's header line (the one with `needle`).
fn header(lines: &[String], needle: &str) -> String {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .cloned()
        .unwrap_or_else(|| panic!("no header with {needle:?}:\n{}", lines.join("\n")))
}

/// Presses the keys and returns every command they asked for.
fn press(state: &mut State, keys: &[Msg]) -> Vec<Command> {
    keys.iter()
        .flat_map(|key| update(state, key.clone()))
        .collect()
}

/// The screen column where `name` starts in `line` (characters, not bytes).
fn column_of(line: &str, name: &str) -> usize {
    let byte = line
        .find(name)
        .unwrap_or_else(|| panic!("{name:?} not in {line:?}"));
    line[..byte].chars().count()
}

fn last_saved(commands: &[Command]) -> Option<&UiState> {
    commands.iter().rev().find_map(|c| match c {
        Command::SaveUiState(ui) => Some(ui),
        _ => None,
    })
}

fn shift(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::SHIFT))
}

#[test]
fn hiding_a_column_removes_it_from_the_header_widens_the_organization_and_saves() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('j'));
    let (before, _) = render(&state, 80, 24);
    let head = header(&before, "Лицензий");
    assert!(head.contains("Вендор"), "{head}");
    let status_before = column_of(&head, "Статус");

    // C, down to «Вендор» (4th), Space, Esc.
    let commands = press(
        &mut state,
        &[
            ch('C'),
            ch('j'),
            ch('j'),
            ch('j'),
            ch(' '),
            key(KeyCode::Esc),
        ],
    );
    assert!(state.column_chooser.is_none());
    let ui = last_saved(&commands).expect("the change is saved");
    let saved = ui
        .columns
        .activations
        .as_ref()
        .expect("activations columns");
    assert_eq!(saved.hidden, ["vendor", "error"]);

    let (after, _) = render(&state, 80, 24);
    let head = header(&after, "Лицензий");
    assert!(!head.contains("Вендор"), "{head}");
    assert!(
        !after.iter().any(|l| l.contains("Пэй Киоск")),
        "{}",
        after.join("\n")
    );
    // The organization got the vendor's 10 columns and its gap.
    assert_eq!(column_of(&head, "Статус"), status_before + 11, "{head}");
    // The selection stayed on the second row.
    assert_eq!(state.list.selected, 1);
    assert!(after.iter().any(|l| l.contains("    27 ТЕХБИЗНЕС+ ООО")));
}

#[test]
fn moving_a_column_changes_the_order_and_the_selection_follows_it() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    // Cost is 6th: select it and move it up twice (K, then Shift+↑).
    let mut keys = vec![ch('C')];
    keys.extend((0..5).map(|_| ch('j')));
    keys.push(ch('K'));
    keys.push(shift(KeyCode::Up));
    let commands = press(&mut state, &keys);
    assert_eq!(state.column_chooser.as_ref().map(|c| c.selected), Some(3));
    let order = &last_saved(&commands)
        .and_then(|ui| ui.columns.activations.as_ref())
        .expect("saved")
        .order;
    assert_eq!(
        order,
        &[
            "number",
            "organization",
            "status",
            "cost",
            "vendor",
            "licenses",
            "order_date",
            "error"
        ]
    );
    // Shift+↓ and J move it back down where it was.
    let commands = press(
        &mut state,
        &[shift(KeyCode::Down), ch('J'), key(KeyCode::Enter)],
    );
    assert!(last_saved(&commands).is_some());
    assert_eq!(
        state.list.columns.visible().collect::<Vec<_>>(),
        ActivationColumn::ALL
            .iter()
            .copied()
            .filter(|c| *c != ActivationColumn::Error)
            .collect::<Vec<_>>(),
        "the error text is hidden until chosen"
    );
    // The vendor before the status.
    press(&mut state, &[ch('C'), ch('j'), ch('j'), ch('j'), ch('K')]);
    update(&mut state, key(KeyCode::Enter));
    let (lines, _) = render(&state, 100, 30);
    let head = header(&lines, "Licenses");
    let at = |name: &str| column_of(&head, name);
    assert!(
        at("Vendor") < at("Status") && at("Status") < at("Licenses"),
        "{head}"
    );
    assert!(
        at("Licenses") < at("Cost") && at("Cost") < at("Order date"),
        "{head}"
    );
    // Cells follow their headers.
    let row = lines
        .iter()
        .find(|l| l.contains("    28 "))
        .cloned()
        .unwrap_or_default();
    assert_eq!(column_of(&row, "Pay Kiosk"), at("Vendor"), "{row}");
    assert_eq!(column_of(&row, "Done"), at("Status"), "{row}");
    assert_eq!(state.list.selected, 2, "selection survives");
}

#[test]
fn the_number_cannot_be_hidden_and_the_chooser_says_why() {
    let mut state = loaded_state(Lang::Ru);
    let commands = press(&mut state, &[ch('C'), ch(' ')]);
    assert!(last_saved(&commands).is_none());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("«№» скрыть нельзя")),
        "{:?}",
        state.last_error
    );
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Столбцы: Активации"), "{text}");
    assert!(text.contains("[x] № (всегда виден)"), "{text}");
    // The hint line and the help come from the chooser's bindings.
    assert!(text.contains("Space показать/скрыть"), "{text}");
    update(&mut state, ch('?'));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Справка — Столбцы"), "{text}");
    assert!(text.contains("J Shift+↓"), "{text}");
    // Help closes first, then the chooser; the list is as it was.
    press(&mut state, &[key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(!state.help_open && state.column_chooser.is_none());
    assert_eq!(state.list.columns, Columns::default());
}

#[test]
fn seats_columns_hide_and_reorder_on_their_own() {
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('j'));
    // Hide the product (2nd), move «Valid until» (6th) to the top of what may move.
    let mut keys = vec![ch('C'), ch('j'), ch(' ')];
    keys.extend((0..4).map(|_| ch('j')));
    keys.extend((0..5).map(|_| ch('K')));
    let commands = press(&mut state, &keys);
    let ui = last_saved(&commands).expect("saved");
    let seats = ui.columns.seats.as_ref().expect("seats columns");
    assert_eq!(seats.hidden, ["product", "organization"]);
    assert_eq!(seats.order[0], "valid_until");
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(
        state.seats.columns.visible().collect::<Vec<_>>(),
        [
            SeatColumn::ValidUntil,
            SeatColumn::Id,
            SeatColumn::Status,
            SeatColumn::Email,
            SeatColumn::ValidFrom
        ]
    );
    let (lines, _) = render(&state, 100, 30);
    let head = header(&lines, "Valid from");
    assert!(!head.contains("Product"), "{head}");
    assert!(head.find("Valid until") < head.find("Seat"), "{head}");
    assert!(
        !lines.iter().any(|l| l.contains("Orange[uc]e  ")),
        "{}",
        lines.join("\n")
    );
    assert_eq!(state.seats.selected, 1, "selection survives");
    // The activations list is untouched.
    assert_eq!(state.list.columns, Columns::default());
}

#[test]
fn the_choice_survives_a_round_trip_through_the_state_file() {
    let mut state = loaded_state(Lang::Ru);
    let commands = press(
        &mut state,
        &[ch('C'), ch('j'), ch('j'), ch(' '), ch('J'), ch('J')],
    );
    let ui = last_saved(&commands).expect("saved").clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(ui_state::FILE_NAME);
    ui_state::save(&path, &ui).expect("save");

    let mut fresh = loaded_state(Lang::Ru);
    fresh.apply_ui_state(ui_state::load(&path));
    assert_eq!(fresh.list.columns, state.list.columns);
    assert!(!fresh.list.columns.is_shown(ActivationColumn::Status));
    assert_eq!(fresh.ui_state(), state.ui_state());
    assert!(fresh.notice.is_none());
}

#[test]
fn a_broken_state_file_is_reported_naming_it_and_the_defaults_are_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(ui_state::FILE_NAME);
    std::fs::write(&path, "[columns.activations]\norder = \"number\"\n").expect("write");
    let mut state = loaded_state(Lang::En);
    state.apply_ui_state(ui_state::load(&path));
    assert_eq!(state.list.columns, Columns::default());
    let notice = state.notice.clone().unwrap_or_default();
    assert!(
        notice.contains(&format!("{}:2:", path.display())) && notice.contains("default columns"),
        "{notice}"
    );
    // A failed save says so on the status line too.
    update(
        &mut state,
        Msg::UiStateSaved(Err("/ro/state.toml: read-only".into())),
    );
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("/ro/state.toml")),
        "{:?}",
        state.last_error
    );
}
