//! The console view drawn into ratatui's TestBackend: what a user actually sees.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::ClientError;
use licadm::console::app::{Msg, update};
use licadm::console::keymap;
use licadm::console::screens::{activations, detail};
use licadm::console::theme::Theme;
use licadm::domain::{ActivationStatus, Lang};
use ratatui::style::Color;

fn row_with<'a>(lines: &'a [String], needle: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(needle))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no line contains {needle:?}:\n{}", lines.join("\n")))
}

#[test]
fn list_at_80x24_in_russian_shows_headers_rows_counter_and_status_line() {
    let state = loaded_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    let header = row_with(&lines, "Лицензий");
    for label in [
        "№",
        "Организация",
        "Статус",
        "Вендор",
        "Стоимость",
        "Дата заказа",
    ] {
        assert!(header.contains(label), "header lacks {label}: {header}");
    }
    let first = row_with(&lines, "    28 ");
    for cell in [
        "ТЕХБИЗНЕС+ ООО",
        "Выполнена",
        "Пэй Киоск",
        "2 900 ₽",
        "13.12.2025",
    ] {
        assert!(first.contains(cell), "row 28 lacks {cell}: {first}");
    }
    assert!(row_with(&lines, "    24 ").contains("Ошибка"));
    assert!(row_with(&lines, "    25 ").contains("В работе"));
    assert!(row_with(&lines, "    26 ").contains("PP-Электро"));
    assert!(text.contains("Стр. 2 из 17 · всего 420"), "{text}");
    let status = &lines[23];
    assert!(status.contains("http://127.0.0.1:8080"), "{status}");
    assert!(status.contains("подключено"), "{status}");
    assert!(
        status.contains("ivanov@techbiz.ru (администратор)"),
        "{status}"
    );
    // The key-hint line comes from the keymap declaration.
    for (key, hint) in keymap::Keymap::default().hint_entries(activations::BINDINGS, Lang::Ru) {
        if hint == "выход" {
            assert!(
                lines[22].contains(&format!("{key} {hint}")),
                "hints: {}",
                lines[22]
            );
        }
    }
    assert!(
        !text.contains("Organization"),
        "English leaked into the Russian UI"
    );
}

#[test]
fn numbers_are_right_aligned_and_long_names_are_cut_with_ellipsis() {
    let mut state = loaded_state(Lang::Ru);
    let mut rows = seed_rows();
    rows[0].organization.name = "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «ТЕХБИЗНЕС ПЛЮС»".into();
    state.list.page.as_mut().expect("page").items = rows;
    let (lines, _) = render(&state, 80, 24);
    let first = row_with(&lines, "    28 ");
    assert!(first.contains("ОБЩЕСТВО С ОГРА…"), "{first}");
    assert!(first.contains("13.12.2025"), "row must not wrap: {first}");
    // Cost column is right-aligned: 2 900 ₽ and 6 800 ₽ end in the same column.
    let end = |l: &str, s: &str| {
        l.find(s)
            .map(|i| l[..i].chars().count() + s.chars().count())
    };
    assert_eq!(
        end(first, "2 900 ₽"),
        end(row_with(&lines, "    27 "), "6 800 ₽")
    );
}

#[test]
fn list_at_120x40_in_english() {
    let state = loaded_state(Lang::En);
    let (lines, _) = render(&state, 120, 40);
    let text = screen_text(&lines);
    let header = row_with(&lines, "Licenses");
    for label in [
        "No.",
        "Organization",
        "Status",
        "Vendor",
        "Cost",
        "Order date",
    ] {
        assert!(header.contains(label), "header lacks {label}: {header}");
    }
    let first = row_with(&lines, "    28 ");
    for cell in ["Done", "Pay Kiosk", "2 900 ₽", "13.12.2025"] {
        assert!(first.contains(cell), "{first}");
    }
    assert!(row_with(&lines, "    25 ").contains("In progress"));
    assert!(text.contains("Page 2 of 17 · 420 total"), "{text}");
    assert!(
        lines[39].contains("online") && lines[39].contains("(admin)"),
        "{}",
        lines[39]
    );
}

#[test]
fn too_small_terminal_shows_only_the_message() {
    let state = loaded_state(Lang::Ru);
    let (lines, _) = render(&state, 79, 23);
    let text = screen_text(&lines);
    assert!(
        text.contains("Окно терминала слишком маленькое: нужно не меньше 80×22 (сейчас 79×23)"),
        "{text}"
    );
    assert!(!text.contains("Организация"));
    let (lines, _) = render(&loaded_state(Lang::En), 60, 30);
    assert!(screen_text(&lines).contains("(now 60×30)"));
    // Degenerate sizes must not panic.
    for (w, h) in [(0, 0), (1, 1), (80, 1), (3, 24)] {
        let _ = render(&state, w, h);
    }
}

#[test]
fn cursor_sits_on_the_selected_row() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    let (lines, mut terminal) = render(&state, 80, 24);
    let y = lines
        .iter()
        .position(|l| l.contains("    26 "))
        .expect("row 26");
    terminal
        .backend_mut()
        .assert_cursor_position((0, u16::try_from(y).expect("row fits")));
}

#[test]
fn filter_bar_shows_active_filters_and_sort_arrow() {
    let mut state = loaded_state(Lang::Ru);
    let (request_id, _) = activations_request(&update(&mut state, ch('s')));
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(seed_rows(), 1, 25, 5)),
        },
    );
    update(&mut state, ch('c'));
    let (lines, _) = render(&state, 80, 24);
    // Line 0 is the screen tabs.
    assert!(lines[0].contains("1 Активации"), "{}", lines[0]);
    assert!(lines[1].contains("Статус: Выполнена"), "{}", lines[1]);
    assert!(lines[2].contains("Сортировка: стоимость ↓"), "{}", lines[2]);
    assert!(lines[2].contains("загрузка…"), "in flight: {}", lines[2]);
}

#[test]
fn failed_request_shows_readable_error_in_status_line() {
    let mut state = loaded_state(Lang::Ru);
    let (request_id, _) = activations_request(&update(&mut state, ch('r')));
    let error = ClientError::Unreachable("connection refused".into());
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Err(error),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[23].contains("нет связи"), "{}", lines[23]);
    assert!(
        lines[23].contains("портал недоступен: connection refused"),
        "{}",
        lines[23]
    );
    assert!(row_with(&lines, "    28 ").contains("2 900 ₽"), "rows stay");
}

#[test]
fn detail_shows_summary_lines_and_error_text() {
    let mut state = loaded_state(Lang::Ru);
    for _ in 0..4 {
        update(&mut state, ch('j'));
    }
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            licadm::console::app::Command::FetchDetail { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("FetchDetail");
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(24, ActivationStatus::Error)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Активация № 24 (Ошибка)"), "{text}");
    assert!(
        text.contains("Организация: АЛЬСТЕР ООО, ИНН 7842175621"),
        "{text}"
    );
    assert!(text.contains("Вендор: Пэй Киоск"), "{text}");
    assert!(text.contains("Сумма: 11 700 ₽"), "{text}");
    assert!(
        text.contains("Ошибка: Серийный номер 0239110138900130 уже активирован"),
        "{text}"
    );
    for label in [
        "Серийный номер",
        "Модель",
        "Текущая подписка",
        "Новая подписка",
        "Цена",
    ] {
        assert!(text.contains(label), "lines header lacks {label}");
    }
    let line = row_with(&lines, "0239110138900130 NETPAY-FC");
    assert!(
        line.contains("09.12.2027") && line.contains("09.12.2028") && line.contains("3 900 ₽"),
        "{line}"
    );
    assert!(
        row_with(&lines, "0408420138900124").contains("✕ 01.11.2025"),
        "expired is marked, not only colored"
    );

    // Search by serial filters as you type.
    update(&mut state, ch('/'));
    for c in "0408".chars() {
        update(&mut state, ch(c));
    }
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("0408420138900124"));
    assert!(
        !text.contains("0239110138900130 NETPAY"),
        "filtered out: {text}"
    );
    assert!(text.contains("показано 1 из 3"), "{text}");
}

#[test]
fn urgency_colors_follow_the_theme() {
    let mut state = loaded_state(Lang::En);
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            licadm::console::app::Command::FetchDetail { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("FetchDetail");
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(detail(28, ActivationStatus::Done)),
        },
    );
    let (lines, terminal) = render(&state, 80, 24);
    let y = lines
        .iter()
        .position(|l| l.contains("0408420138900124"))
        .expect("expired line");
    let x = lines[y].chars().position(|c| c == '✕').expect("marker");
    let cell =
        &terminal.backend().buffer()[(u16::try_from(x).expect("x"), u16::try_from(y).expect("y"))];
    assert_eq!(cell.fg, Theme::dark().urgency_expired.fg.expect("color"));
}

#[test]
fn help_overlay_lists_every_declared_key() {
    // The help scrolls: everything it says, page by page.
    fn whole_help(state: &mut licadm::console::app::State) -> String {
        let mut text = String::new();
        for _ in 0..10 {
            let (lines, _) = render(state, 80, 24);
            text.push_str(&screen_text(&lines));
            update(state, key(KeyCode::PageDown));
        }
        text
    }
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('?'));
    let text = whole_help(&mut state);
    assert!(text.contains("Справка — Активации"), "{text}");
    for binding in activations::BINDINGS {
        assert!(
            text.contains(&keymap::Keymap::default().keys_label(binding)),
            "help lacks {}:\n{text}",
            keymap::Keymap::default().keys_label(binding)
        );
    }
    assert!(text.contains("сортировка по стоимости"), "{text}");

    update(&mut state, ch('?'));
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, ch('?'));
    let text = whole_help(&mut state);
    for binding in detail::BINDINGS {
        assert!(
            text.contains(&keymap::Keymap::default().keys_label(binding)),
            "detail help lacks {}",
            keymap::Keymap::default().keys_label(binding)
        );
    }
}

#[test]
fn monochrome_theme_draws_no_colors() {
    let mut state = loaded_state(Lang::Ru);
    state.theme = Theme::monochrome();
    state.last_error = Some("ошибка".into());
    let (_, terminal) = render(&state, 80, 24);
    for cell in terminal.backend().buffer().content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "colored cell {cell:?}"
        );
    }
}

#[test]
fn status_words_are_colored_by_theme() {
    let state = loaded_state(Lang::Ru);
    let (lines, terminal) = render(&state, 80, 24);
    let theme = Theme::dark();
    for (row, word, expected) in [
        ("    24 ", "Ошибка", theme.status_error.fg),
        ("    25 ", "В работе", theme.status_in_progress.fg),
        ("    26 ", "Выполнена", theme.status_done.fg),
    ] {
        let y = lines.iter().position(|l| l.contains(row)).expect("row");
        let x = lines[y]
            .split(word)
            .next()
            .map(|before| before.chars().count())
            .expect("word");
        let cell = &terminal.backend().buffer()
            [(u16::try_from(x).expect("x"), u16::try_from(y).expect("y"))];
        assert_eq!(Some(cell.fg), expected, "{word}");
    }
}
