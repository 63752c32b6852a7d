//! Key overrides from the config file's `[keys]` table: they change dispatch, the help
//! overlay and the hint line alike; wrong entries and conflicts are reported naming the
//! file, the line, the action and the key, and the console goes on with the defaults.

use crate::support::console::*;
use licadm::config;
use licadm::console::app::{Command, State, update};
use licadm::console::keymap::{Keymap, KeymapError, KeymapProblem};
use licadm::console::load_keymap;
use licadm::domain::Lang;

/// Loads `[keys]` from a real config file into `state`; returns the file's path and
/// the errors (what stderr gets).
fn with_keys(state: &mut State, keys: &str) -> (String, Vec<KeymapError>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, format!("lang = \"en\"\n\n[keys]\n{keys}")).expect("config file");
    let file = config::load(&path).expect("config loads");
    let name = path.display().to_string();
    let errors = load_keymap(state, &file.key_overrides(), &name);
    (name, errors)
}

fn fetches(commands: &[Command]) -> bool {
    commands
        .iter()
        .any(|c| matches!(c, Command::FetchActivations { .. }))
}

#[test]
fn an_override_moves_the_action_to_the_new_key() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(&mut state, "\"list.refresh\" = \"F5\"\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        update(&mut state, ch('r')).is_empty(),
        "the old key does nothing"
    );
    assert!(
        fetches(&update(&mut state, fkey(5))),
        "the new key refreshes"
    );
}

#[test]
fn several_keys_for_one_action_and_ctrl_chords() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(&mut state, "\"list.refresh\" = [\"F5\", \"Ctrl+R\"]\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert!(fetches(&update(&mut state, fkey(5))));
    assert!(fetches(&update(&mut state, ctrl('r'))));
}

#[test]
fn the_help_overlay_shows_the_overridden_keys() {
    let mut state = loaded_state(Lang::En);
    with_keys(&mut state, "\"list.refresh\" = [\"F5\", \"Ctrl+R\"]\n");
    update(&mut state, ch('?'));
    let (lines, _) = render(&state, 100, 40);
    let line = lines
        .iter()
        .find(|l| l.contains("F5 Ctrl+R"))
        .unwrap_or_else(|| panic!("no F5 in the help:\n{}", screen_text(&lines)));
    assert!(line.contains("refresh"), "{line}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("refresh")).count(),
        1,
        "the old key is gone from the help:\n{}",
        screen_text(&lines)
    );
}

#[test]
fn the_hint_line_shows_the_overridden_key() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(
        &mut state,
        "\"list.new_activation\" = [\"A\", \"Ctrl+N\"]\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let (lines, _) = render(&state, 80, 24);
    let hints = &lines[22];
    assert!(hints.contains("A new activation"), "{hints}");
    assert!(!hints.contains("a new activation"), "{hints}");
    // And it acts: the new-activation flow opens on A, not on a.
    update(&mut state, ch('a'));
    assert!(!state.new_activation_open);
    update(&mut state, ch('A'));
    assert!(state.new_activation_open);
}

#[test]
fn the_tab_line_shows_an_overridden_screen_key() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(&mut state, "\"tabs.seats\" = \"F2\"\n");
    assert!(errors.is_empty(), "{errors:?}");
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].contains("F2 Seats"), "{}", lines[0]);
    update(&mut state, ch('2'));
    assert_eq!(state.tab, licadm::console::screens::Tab::Activations);
    update(&mut state, fkey(2));
    assert_eq!(state.tab, licadm::console::screens::Tab::Seats);
}

#[test]
fn a_conflict_is_reported_naming_both_actions_and_the_defaults_stay() {
    let mut state = loaded_state(Lang::En);
    let (file, errors) = with_keys(&mut state, "\"list.new_activation\" = \"r\"\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(matches!(
        errors[0].problem,
        KeymapProblem::Conflict {
            other: "list.refresh",
            ..
        }
    ));
    let message = errors[0].to_string();
    for part in [
        file.as_str(),
        ":4:",
        "list.new_activation",
        "list.refresh",
        "\"r\"",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    assert_eq!(*state.keymap, Keymap::default());
    assert!(fetches(&update(&mut state, ch('r'))), "r still refreshes");
    // The status line says so, in the UI language.
    let (lines, _) = render(&state, 200, 24);
    assert!(lines[23].contains("list.new_activation"), "{}", lines[23]);
}

#[test]
fn an_unknown_action_or_a_bad_key_is_reported_with_file_line_and_key() {
    let mut state = loaded_state(Lang::En);
    let (file, errors) = with_keys(
        &mut state,
        "\"list.refrsh\" = \"F5\"\n\"list.quit\" = \"F55\"\n\"seats.bind\" = 5\n",
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
    let unknown = errors[0].to_string();
    assert!(
        unknown.starts_with(&format!("{file}:4:"))
            && unknown.contains("\"list.refrsh\"")
            && unknown.contains("did you mean \"list.refresh\""),
        "{unknown}"
    );
    let bad = errors[1].to_string();
    assert!(
        bad.starts_with(&format!("{file}:5:"))
            && bad.contains("\"list.quit\"")
            && bad.contains("\"F55\" is not a key"),
        "{bad}"
    );
    assert!(errors[2].to_string().contains("\"seats.bind\" = 5"));
    // The console goes on with the defaults: q still quits.
    assert_eq!(update(&mut state, ch('q')), vec![Command::Quit]);
    // The first problem and the count of the rest are on the status line.
    let (lines, _) = render(&state, 250, 24);
    assert!(
        lines[23].contains("list.refrsh") && lines[23].contains("and 2 more"),
        "{}",
        lines[23]
    );
}

#[test]
fn errors_read_in_russian_on_a_russian_console() {
    let mut state = loaded_state(Lang::Ru);
    let (_, errors) = with_keys(&mut state, "\"list.refresh\" = \"Ctrl+C\"\n");
    assert_eq!(errors.len(), 1);
    let notice = state.notice.clone().unwrap_or_default();
    assert!(notice.contains("Ctrl+C всегда означает выход"), "{notice}");
    assert!(errors[0].to_string().contains("Ctrl+C always quits"));
}

#[test]
fn typed_text_stays_text_whatever_the_overrides() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(&mut state, "\"list.refresh\" = \"z\"\n");
    assert!(errors.is_empty(), "{errors:?}");
    update(&mut state, ch('/'));
    assert!(
        update(&mut state, ch('z')).is_empty(),
        "z types, not refreshes"
    );
    assert_eq!(state.list.search_input.as_deref(), Some("z"));
}

#[test]
fn a_letter_cannot_become_an_action_where_text_is_typed() {
    let mut state = loaded_state(Lang::En);
    let (_, errors) = with_keys(
        &mut state,
        "\"bind.confirm\" = \"y\"\n\"new_serials.precheck\" = \"F6\"\n",
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .to_string()
            .contains("\"y\" types text in the bind dialog"),
        "{}",
        errors[0]
    );
    // The other override applied: F6 prechecks in the serials step, F5 no longer.
    update(
        &mut state,
        licadm::console::app::Msg::OrganizationsLoaded(Ok(vec![accepted_org()])),
    );
    update(&mut state, ch('a'));
    update(
        &mut state,
        licadm::console::app::Msg::Paste(SERIALS_TEXT.into()),
    );
    let precheck = |c: &[Command]| c.iter().any(|c| matches!(c, Command::Precheck { .. }));
    assert!(!precheck(&update(&mut state, fkey(5))));
    assert!(precheck(&update(&mut state, fkey(6))));
}

#[test]
fn the_readme_lists_every_action_name() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for table in licadm::console::screens::keytables::all() {
        for entry in &table.entries {
            let (screen, action) = entry.name.split_once('.').unwrap_or_default();
            let row = readme
                .lines()
                .find(|l| {
                    l.split('|')
                        .nth(1)
                        .is_some_and(|cell| cell.contains(&format!("`{screen}`")))
                })
                .unwrap_or_else(|| panic!("no README row for {screen}"));
            let listed = row
                .split('|')
                .nth(2)
                .unwrap_or("")
                .split(|c: char| c.is_whitespace() || c == ';')
                .any(|word| word == action);
            assert!(listed, "{} is not in the README's action names", entry.name);
        }
    }
}
