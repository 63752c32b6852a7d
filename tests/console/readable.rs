//! Issue 12: every message can be read in full, values are never cut without a mark,
//! and everything works at 80×22 (a tmux or screen status line takes a row of 80×24).
//! Through `update` and `view` into ratatui's TestBackend.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use licadm::client::wire::{PrecheckResponse, PrecheckRow};
use licadm::console::app::{Msg, State, update};
use licadm::console::glyphs::Glyphs;
use licadm::domain::{Lang, PrecheckOutcome};

fn row_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no line contains {needle:?}:\n{}", lines.join("\n")))
}

/// The screen's words in reading order, borders left out: a wrapped text reads whole.
fn words(lines: &[String]) -> String {
    lines
        .iter()
        .flat_map(|l| l.split(['│', '|']))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

fn ascii(mut state: State) -> State {
    state.theme.glyphs = Glyphs::ASCII;
    state
}

/// The precheck step answered with `rows` (the text area holds the fixture's text).
fn prechecked(lang: Lang, rows: Vec<PrecheckRow>) -> State {
    let mut state = serials_state(lang);
    update(&mut state, Msg::Paste(SERIALS_TEXT.into()));
    update(&mut state, fkey(5));
    update(&mut state, Msg::Prechecked(Ok(PrecheckResponse { rows })));
    state
}

// ---- 80×22 ----

#[test]
fn the_console_works_at_80x22_and_says_so_below() {
    let state = loaded_state(Lang::Ru);
    for height in [22, 23] {
        let (lines, _) = render(&state, 80, height);
        let text = screen_text(&lines);
        assert!(!text.contains("слишком маленькое"), "80×{height}:\n{text}");
        assert!(row_with(&lines, "Лицензий").contains("Организация"));
        assert!(text.contains("Стр. 2 из 17 · всего 420"), "{text}");
        let last = usize::from(height) - 1;
        assert!(lines[last].contains("подключено"), "{}", lines[last]);
        assert!(lines[last - 1].contains("q выход"), "{}", lines[last - 1]);
    }
    for (w, h) in [(80, 21), (79, 22)] {
        let (lines, _) = render(&state, w, h);
        let text = screen_text(&lines);
        assert!(
            text.contains(&format!("нужно не меньше 80×22 (сейчас {w}×{h})")),
            "{text}"
        );
    }
}

#[test]
fn every_screen_and_dialog_draws_at_80x22() {
    let mut screens: Vec<(&str, State, &str)> = Vec::new();
    let mut detail = loaded_state(Lang::Ru);
    update(&mut detail, key(KeyCode::Enter));
    screens.push(("detail", detail, "Серийный номер"));
    screens.push(("seats", seats_state(Lang::Ru), "№ места"));
    let mut bind = seats_state(Lang::Ru);
    update(&mut bind, ch('b'));
    screens.push(("bind", bind, "Enter — привязать"));
    screens.push(("capacity", capacity_state(Lang::Ru), "Учётные записи"));
    let mut emergency = capacity_state(Lang::Ru);
    update(&mut emergency, ch('e'));
    screens.push(("emergency", emergency, "Esc — отмена"));
    screens.push(("keys", keys_state(Lang::Ru), "Ключ продукта"));
    screens.push(("serials", serials_state(Lang::Ru), "ошибок формата нет"));
    screens.push(("precheck", precheck_state(Lang::Ru), "К активации"));
    let mut confirmation = precheck_state(Lang::Ru);
    update(&mut confirmation, ch('D'));
    confirm(&mut confirmation);
    update(&mut confirmation, ch('A'));
    screens.push(("confirm", confirmation, "Итого"));
    for (name, state, expected) in screens {
        let (lines, _) = render(&state, 80, 22);
        let text = screen_text(&lines);
        assert!(!text.contains("слишком маленькое"), "{name}:\n{text}");
        assert!(
            text.contains(expected),
            "{name} lacks {expected:?}:\n{text}"
        );
        assert!(lines[21].contains("подключено"), "{name}: {}", lines[21]);
    }
}

// ---- The status line, the message log, stale messages ----

#[test]
fn a_cut_message_is_marked_and_m_shows_it_whole_with_its_time() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch('A'));
    let message = state
        .last_error
        .clone()
        .expect("rows with errors are refused");
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[23].ends_with('…'), "the cut is marked: {}", lines[23]);
    // The hint line says where the whole text is.
    assert!(
        lines[22].starts_with("M сообщение целиком"),
        "{}",
        lines[22]
    );
    update(&mut state, ch('M'));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Сообщения сеанса: 1"), "{text}");
    // Wrapped, not cut: every word is there, the first line with its time.
    let message_words: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = words(&lines);
    assert!(shown.contains(&message_words), "{text}");
    let first = row_with(&lines, "Строки с ошибками");
    let time = first.trim_start_matches('│');
    assert!(
        time.len() > 8
            && time.as_bytes()[2] == b':'
            && time.as_bytes()[5] == b':'
            && time[..8].chars().all(|c| c.is_ascii_digit() || c == ':'),
        "the time comes first: {first}"
    );
    // Esc closes the log, the precheck is as it was.
    update(&mut state, key(KeyCode::Esc));
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("К активации"));
}

#[test]
fn the_log_keeps_every_message_and_opens_from_the_palette() {
    let mut state = loaded_state(Lang::En);
    // Three messages: a refused retry, a refused download, a copy.
    update(&mut state, ch('R'));
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    update(&mut state, ch('L'));
    update(&mut state, ch('y'));
    update(&mut state, ch(':'));
    for c in "messages".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Messages of this session: 3"), "{text}");
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in the log:\n{text}"))
    };
    assert!(at("Only an activation with status Error") < at("Only a completed activation"));
    assert!(at("Only a completed activation") < at("copied"));
}

#[test]
fn a_message_whose_cause_is_gone_leaves_the_status_line() {
    // «Rows with errors cannot be activated…» until D deletes them.
    let mut state = precheck_state(Lang::En);
    update(&mut state, ch('A'));
    assert!(state.last_error.is_some());
    update(&mut state, ch('D'));
    confirm(&mut state);
    assert_eq!(state.last_error, None, "the error rows are gone");
    let (lines, _) = render(&state, 80, 24);
    assert!(!lines[23].contains("errors"), "{}", lines[23]);
    // A retry refused on a done row: stays while that row is selected, goes after.
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('R'));
    assert!(state.last_error.is_some());
    // (The refusal's notice holds the keys until it is closed.)
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('?'));
    update(&mut state, ch('?'));
    assert!(state.last_error.is_some(), "still the same row");
    update(&mut state, ch('j'));
    assert_eq!(
        state.last_error, None,
        "another row: the refusal was not about it"
    );
    // Unrelated messages stay.
    update(&mut state, ch('y'));
    update(&mut state, ch('j'));
    assert!(state.notice.is_some());
    // «The list is empty» until a serial is typed.
    let mut state = serials_state(Lang::En);
    update(&mut state, fkey(5));
    assert!(state.last_error.is_some(), "an empty list is refused");
    update(&mut state, Msg::Paste("0239110138900130".into()));
    assert_eq!(state.last_error, None, "the list is not empty any more");
    assert_eq!(state.messages.len(), 1, "the log keeps it");
}

#[test]
fn the_esc_hint_leaves_with_the_list() {
    // Esc on the top list says how to quit; on another screen that hint is stale.
    let mut state = loaded_state(Lang::En);
    update(&mut state, key(KeyCode::Esc));
    let hint = state.notice.clone().unwrap_or_default();
    assert!(hint.contains("Esc does not quit"), "{hint:?}");
    update(&mut state, ch('j'));
    assert_eq!(
        state.notice.as_deref(),
        Some(hint.as_str()),
        "still the list"
    );
    update(&mut state, ch('2'));
    assert_eq!(
        state.notice, None,
        "Seats in front: the hint was about the list"
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(!lines[23].contains("does not quit"), "{}", lines[23]);
    // The detail is not the top list either.
    update(&mut state, ch('1'));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.notice.is_some());
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.notice, None, "the detail is open");
    assert!(
        state.messages.iter().any(|m| m.text == hint),
        "the log keeps it"
    );
}

#[test]
fn the_log_key_is_offered_only_where_it_works() {
    // A cut message under an overlay: the hint line is the overlay's own.
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch('A'));
    update(&mut state, ch('?'));
    let (lines, _) = render(&state, 80, 24);
    assert!(!lines[22].contains("сообщение целиком"), "{}", lines[22]);
    update(&mut state, key(KeyCode::Esc));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[22].contains("сообщение целиком"), "{}", lines[22]);
}

// ---- Help and the hint line ----

#[test]
fn help_wraps_and_scrolls_at_80x22() {
    let mut state = loaded_state(Lang::Ru);
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 22,
        },
    );
    update(&mut state, ch('?'));
    let (lines, _) = render(&state, 80, 22);
    let text = screen_text(&lines);
    assert!(!text.contains('…'), "nothing in the help is cut:\n{text}");
    assert!(text.contains("поиск по номеру активации или СН"), "{text}");
    assert!(
        !text.contains("все сообщения сеанса"),
        "the last entry is further down"
    );
    assert!(text.contains("строки 1–20 из"), "where one is: {text}");
    update(&mut state, ch('G'));
    let (lines, _) = render(&state, 80, 22);
    let text = screen_text(&lines);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("│M ")
                && l.contains("все сообщения сеанса (полностью, со временем)")),
        "{text}"
    );
    assert!(text.contains("экран «Вебхуки»"), "{text}");
    // Scrolling is all the keys do: the list under it did not move.
    assert_eq!(state.list.selected, 0);
    update(&mut state, key(KeyCode::Esc));
    assert!(!state.help_open);
}

#[test]
fn the_hint_line_keeps_the_way_out_and_never_cuts_a_key() {
    // LANG=C with --lang ru: the transliterated hints are longer than the Cyrillic.
    let state = ascii(loaded_state(Lang::Ru));
    let (lines, _) = render(&state, 80, 24);
    let hints = &lines[22];
    assert!(hints.contains("q vykhod"), "the way out is kept: {hints}");
    assert!(hints.starts_with("Enter otkryt'"), "{hints}");
    for part in hints.split("  ").filter(|p| !p.trim().is_empty()) {
        let part = part.trim();
        assert!(
            part.contains(' '),
            "each hint is a key and its label, whole: {part:?} in {hints}"
        );
    }
}

// ---- Dialogs, bulk results, history ----

#[test]
fn long_refusals_wrap_in_dialogs_and_bulk_results() {
    let reason = "Место нельзя привязать: пользователь заблокирован администратором организации \
                  до окончания проверки службы безопасности";
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('b'));
    for c in "x.user@alster.ru".chars() {
        update(&mut state, ch(c));
    }
    update(&mut state, key(KeyCode::Enter));
    update(
        &mut state,
        Msg::SeatBound {
            seat: 17,
            email: "x.user@alster.ru".into(),
            result: Err(api_error(409, "conflict", reason)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let reason_words: String = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words(&lines).contains(&reason_words),
        "the refusal reads whole:\n{}",
        screen_text(&lines)
    );
}

#[test]
fn a_bulk_rows_reason_and_a_history_change_wrap() {
    let reason = "У пользователя b@x.ru уже есть место этого продукта в организации \
                  ТЕХБИЗНЕС+ ООО (место 31, действует до 15.01.2026)";
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('B'));
    update(&mut state, Msg::Paste("b@x.ru".into()));
    let (fetch, _) = seats_request(&update(&mut state, fkey(5)));
    update(
        &mut state,
        Msg::SeatsLoaded {
            request_id: fetch,
            result: Ok(seat_page(vec![seat(
                20,
                licadm::client::wire::SeatStatus::Free,
                None,
            )])),
        },
    );
    update(
        &mut state,
        Msg::SeatBound {
            seat: 20,
            email: "b@x.ru".into(),
            result: Err(api_error(409, "user_has_seat", reason)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let reason_words: String = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words(&lines).contains(&reason_words),
        "{}",
        screen_text(&lines)
    );

    let mut state = seats_state(Lang::Ru);
    let commands = update(&mut state, ch('h'));
    let Some(licadm::console::app::Command::FetchAudit { request_id, .. }) =
        commands.first().cloned()
    else {
        panic!("{commands:?}");
    };
    let long = "a.very.long.address.of.somebody.in.the.accounting.department@techbusiness-group.example.ru";
    update(
        &mut state,
        Msg::AuditLoaded {
            request_id,
            result: Ok(licadm::client::wire::Page {
                items: vec![licadm::client::wire::AuditEntry {
                    id: 1,
                    at: utc(2025, 12, 12, 9),
                    actor: "ivanov@techbiz.ru".into(),
                    action: "seat.bound".into(),
                    object: "seat:17".into(),
                    before: Some(serde_json::json!({"status": "free", "email": null})),
                    after: Some(serde_json::json!({"status": "bound", "email": long})),
                }],
                page: 1,
                per_page: 50,
                total: 1,
                total_capped: false,
                next: None,
                prev: None,
            }),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    // Inside the box, lines put together.
    let text: String = lines
        .iter()
        .filter_map(|l| l.split('│').nth(1))
        .map(str::trim)
        .collect();
    assert!(
        text.contains(long),
        "the whole address, over two lines:\n{}",
        screen_text(&lines)
    );
}

// ---- Values are never cut without a mark ----

#[test]
fn a_17_digit_token_is_marked_not_shown_as_a_serial() {
    let mut rows = precheck_rows();
    rows[3] = error_row(
        "02393427489065700",
        PrecheckOutcome::FormatError,
        "Ошибка формата",
    );
    let state = prechecked(Lang::Ru, rows);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("023934274890657… Ошибка формата"),
        "marked as cut:\n{text}"
    );
    assert!(!text.contains("0239342748906570 "), "{text}");
    let state = ascii(state);
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("0239342748906... Oshibka formata"),
        "{}",
        screen_text(&lines)
    );
}

#[test]
fn right_aligned_headers_and_cells_are_marked_in_ascii() {
    // LANG=C --lang ru: «Лицензий» is «Litsenziy», one letter wider than its column.
    let mut state = ascii(loaded_state(Lang::Ru));
    let (lines, _) = render(&state, 80, 24);
    let header = row_with(&lines, "Data zakaza");
    assert!(header.contains("Litse..."), "{header}");
    assert!(!header.contains(" itsenziy"), "{header}");
    // A bound seat's status and an urgent end date are wider in ASCII.
    update(&mut state, ch('2'));
    let mut seats = ascii(seats_state(Lang::Ru));
    seats.today = date(2026, 1, 1);
    let (lines, _) = render(&seats, 80, 24);
    let row = row_with(&lines, "ivanov@techbiz.ru");
    assert!(row.contains("privyazana"), "{row}");
    assert!(row.contains("!! 15.01.2026"), "{row}");
}

#[test]
fn the_sorted_column_has_the_arrow_and_new_marks_survive_a_resort() {
    let mut state = loaded_state(Lang::Ru);
    state.list.highlighted = vec![28, 27];
    let (lines, _) = render(&state, 80, 24);
    let header = row_with(&lines, "Лицензий");
    assert!(header.contains("№ ↓"), "{header}");
    let commands = update(&mut state, ch('c'));
    let (request_id, _) = activations_request(&commands);
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(seed_rows(), 1, 25, 420)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let header = row_with(&lines, "Лицензий");
    assert!(header.contains("Стоимость ↓"), "{header}");
    assert!(!header.contains("№ ↓"), "{header}");
    assert!(row_with(&lines, "*28").contains("ТЕХБИЗНЕС+ ООО"));
    assert!(screen_text(&lines).contains("* — новые активации"));
    // Seats: the arrow follows the sort too.
    let mut seats = seats_state(Lang::Ru);
    let (lines, _) = render(&seats, 80, 24);
    assert!(row_with(&lines, "Действует с").contains("№ места ↑"));
    update(&mut seats, ch('e'));
    let (lines, _) = render(&seats, 80, 24);
    let header = row_with(&lines, "Действует с");
    assert!(
        header.contains('↑') && !header.contains("№ места ↑"),
        "{header}"
    );
}

#[test]
fn the_error_text_and_the_organization_are_columns_to_choose() {
    let mut state = loaded_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    assert!(!row_with(&lines, "Лицензий").contains("Ошибка"));
    // C, to the last column (the error text), Space, Esc.
    update(&mut state, ch('C'));
    update(&mut state, ch('G'));
    for _ in 0..7 {
        update(&mut state, ch('j'));
    }
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Esc));
    let (lines, _) = render(&state, 160, 24);
    assert!(row_with(&lines, "Лицензий").contains("Ошибка"));
    let errored = row_with(&lines, "    24 ");
    assert!(
        errored.contains("Серийный номер 0239110138900130 уже активирован"),
        "{errored}"
    );
    assert!(!row_with(&lines, "    28 ").contains("Серийный"));

    let mut seats = seats_state(Lang::Ru);
    let (lines, _) = render(&seats, 80, 24);
    assert!(!row_with(&lines, "Действует с").contains("Организация"));
    update(&mut seats, ch('C'));
    for _ in 0..6 {
        update(&mut seats, ch('j'));
    }
    update(&mut seats, ch(' '));
    update(&mut seats, key(KeyCode::Esc));
    let (lines, _) = render(&seats, 120, 24);
    assert!(row_with(&lines, "Действует с").contains("Организация"));
    assert!(row_with(&lines, "ivanov@techbiz.ru").contains("ТЕХБИЗНЕС+ ООО"));
}

// ---- The precheck table at 10 000 rows ----

fn ten_thousand() -> State {
    let base = precheck_rows();
    let rows = (0..10_000u64)
        .map(|i| {
            let mut row = base[(i % 3) as usize].clone();
            row.serial = format!("{:016}", 2_393_427_489_060_000 + i);
            if i == 7777 || i == 9000 {
                row = error_row(&row.serial, PrecheckOutcome::NotFound, "Не найден");
            }
            row
        })
        .collect();
    prechecked(Lang::Ru, rows)
}

#[test]
fn the_precheck_table_at_10000_rows_pages_finds_and_counts() {
    let mut state = ten_thousand();
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 1 из 10 000"), "{}", lines[0]);
    // PgDn moves by the rows shown (24 rows: 18 of the table).
    update(&mut state, key(KeyCode::PageDown));
    update(&mut state, key(KeyCode::PageDown));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 37 из 10 000"), "{}", lines[0]);
    update(&mut state, key(KeyCode::PageUp));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 19 из 10 000"), "{}", lines[0]);
    // E: the next row with an error, and the one after.
    update(&mut state, ch('E'));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 7 778 из 10 000"), "{}", lines[0]);
    update(&mut state, ch('E'));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 9 001 из 10 000"), "{}", lines[0]);
    // `/`: typing jumps to the serial; Esc goes back, Enter stays.
    update(&mut state, ch('/'));
    for c in "2393427489061234".chars() {
        update(&mut state, ch(c));
    }
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(lines[0].ends_with("строка 1 235 из 10 000"), "{text}");
    assert!(text.contains("совпадение 1 из 1"), "{text}");
    update(&mut state, key(KeyCode::Esc));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 9 001 из 10 000"), "{}", lines[0]);
    // «9065»: serial …9065 first (from row 9 001 on), then ↓ wraps round to …65000.
    update(&mut state, ch('/'));
    for c in "9065".chars() {
        update(&mut state, ch(c));
    }
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 9 066 из 10 000"), "{}", lines[0]);
    update(&mut state, key(KeyCode::Down));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 5 001 из 10 000"), "{}", lines[0]);
    update(&mut state, key(KeyCode::Up));
    update(&mut state, key(KeyCode::Enter));
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[0].ends_with("строка 9 066 из 10 000"), "{}", lines[0]);
    update(&mut state, ch('G'));
    let (lines, _) = render(&state, 80, 24);
    assert!(
        lines[0].ends_with("строка 10 000 из 10 000"),
        "{}",
        lines[0]
    );
}

#[test]
fn w_asks_where_and_saves_the_error_rows() {
    let mut state = ten_thousand();
    update(&mut state, ch('w'));
    let (lines, _) = render(&state, 80, 24);
    assert!(
        screen_text(&lines).contains("Строки с ошибками — в файл: precheck-errors.tsv"),
        "{}",
        screen_text(&lines)
    );
    // Letters type the path here: `j` does not move the table.
    for _ in 0.."precheck-errors.tsv".len() {
        update(&mut state, key(KeyCode::Backspace));
    }
    for c in "~/errors.tsv".chars() {
        update(&mut state, ch(c));
    }
    let commands = update(&mut state, key(KeyCode::Enter));
    let (path, contents) = commands
        .iter()
        .find_map(|c| match c {
            licadm::console::app::Command::WriteFile { path, contents } => {
                Some((path.clone(), contents.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a WriteFile in {commands:?}"));
    assert_eq!(path, std::path::PathBuf::from("~/errors.tsv"));
    let lines: Vec<&str> = contents.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "a header and the two error rows: {contents}"
    );
    assert!(lines[0].starts_with("Серийный номер\t"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("2393427489067777\tНе найден"),
        "{}",
        lines[1]
    );
    // W: every row.
    update(&mut state, ch('W'));
    let commands = update(&mut state, key(KeyCode::Enter));
    let all = commands.iter().find_map(|c| match c {
        licadm::console::app::Command::WriteFile { contents, .. } => Some(contents.lines().count()),
        _ => None,
    });
    assert_eq!(all, Some(10_001));
}

// ---- Smaller items ----

#[test]
fn the_import_shows_one_cursor_and_wraps_the_response() {
    let mut state = keys_state(Lang::Ru);
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE)),
    );
    let response = format!("signature: {}КОНЕЦ", "A".repeat(150));
    update(&mut state, Msg::Paste(response));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("signature: AAAA"),
        "the start stays in view:\n{text}"
    );
    assert!(text.contains("КОНЕЦ"), "and the end, wrapped:\n{text}");
    // Tab: typing goes into the path; the response shows no cursor of its own.
    update(&mut state, key(KeyCode::Tab));
    let (lines, terminal) = render(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let top = lines
        .iter()
        .position(|l| l.contains("┌ Ответ портала"))
        .expect("the box");
    let bottom = top
        + lines[top..]
            .iter()
            .position(|l| l.starts_with('└'))
            .expect("its end");
    let reversed = (top..=bottom)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let y = u16::try_from(y).expect("row");
            buffer[(x, y)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        })
        .count();
    assert_eq!(reversed, 0, "only the path field is focused");
    // Back in the response, its cursor is there again.
    update(&mut state, key(KeyCode::Tab));
    let (_, terminal) = render(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let reversed = (top..=bottom)
        .flat_map(|y| (0..80u16).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let y = u16::try_from(y).expect("row");
            buffer[(x, y)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        })
        .count();
    assert_eq!(reversed, 1);
}

#[test]
fn counts_agree_with_their_nouns() {
    use licadm::console::i18n::devices;
    assert_eq!(devices(Lang::Ru, 1), "1 устройство");
    assert_eq!(devices(Lang::Ru, 2), "2 устройства");
    assert_eq!(devices(Lang::Ru, 5), "5 устройств");
    assert_eq!(devices(Lang::Ru, 11), "11 устройств");
    assert_eq!(devices(Lang::Ru, 21), "21 устройство");
    assert_eq!(devices(Lang::En, 1), "1 device");
    assert_eq!(devices(Lang::En, 3), "3 devices");
    let mut state = precheck_state(Lang::En);
    update(&mut state, ch('D'));
    confirm(&mut state);
    update(&mut state, ch('j'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Enter));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("PP-Electro — 1 device, 1 900 ₽"), "{text}");
    assert!(!text.contains("pcs"), "{text}");
}

#[test]
fn the_sync_age_ticks_while_it_is_shown() {
    use chrono::Duration;
    use licadm::console::app::{Command, SyncView};
    use licadm::mirror::sync::{FlushReport, SyncReport};
    let mut state = loaded_state(Lang::En);
    let synced = chrono::Utc::now();
    state.sync = Some(SyncView::new(None, synced));
    let report = SyncReport {
        at: synced,
        counts: licadm::mirror::ChangeCounts::default(),
        full: false,
        cursor: 1,
        flush: FlushReport::default(),
        window_from: None,
    };
    let commands = update(&mut state, Msg::Synced(Ok(report)));
    // Under a minute the age changes every second: a tick is asked for, once.
    assert!(
        commands.contains(&Command::ScheduleClock(1000)),
        "{commands:?}"
    );
    assert!(
        !update(&mut state, ch('j'))
            .iter()
            .any(|c| matches!(c, Command::ScheduleClock(_))),
        "one tick at a time"
    );
    let status = |state: &State| render(state, 100, 24).0[23].clone();
    assert!(
        status(&state).contains("online · synced 0 s ago"),
        "{}",
        status(&state)
    );
    let commands = update(&mut state, Msg::Clock(synced + Duration::seconds(7)));
    assert!(
        status(&state).contains("synced 7 s ago"),
        "{}",
        status(&state)
    );
    assert_eq!(commands, vec![Command::ScheduleClock(1000)]);
    // The portal dies; a write is queued 15 s later: offline, and 15 s, not 0.
    let item = licadm::mirror::OutboxItem {
        id: 1,
        created_at: synced,
        action: licadm::mirror::OutboxAction::Unbind { seat: 17 },
        idempotency_key: "k".into(),
        state: licadm::mirror::OutboxState::Pending,
        attempts: 1,
        message: None,
    };
    update(&mut state, Msg::WriteQueued(item));
    update(&mut state, Msg::Clock(synced + Duration::seconds(15)));
    assert!(
        status(&state).contains("offline · synced 15 s ago"),
        "{}",
        status(&state)
    );
    // Past a minute the text changes once a minute: the tick waits for that.
    let commands = update(&mut state, Msg::Clock(synced + Duration::seconds(90)));
    assert_eq!(commands, vec![Command::ScheduleClock(30_000)]);
    assert!(
        status(&state).contains("synced 1 min ago"),
        "{}",
        status(&state)
    );
}
