//! Issue 13: the Activations list pages by the portal's cursors (PgDn/PgUp reach any
//! depth), jumps by page number only where numbers reach (Home, End, `#`), keeps the
//! page on screen when a jump is refused, reloads the very page on refresh, and shows
//! a capped total as a lower bound.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::ClientError;
use licadm::client::wire::{ActivationQuery, ActivationSummary, Page};
use licadm::console::app::{Command, Msg, State, update};
use licadm::domain::{ActivationStatus, Lang, Vendor};

/// One list of a million activations, 25 a page: page `n` as the portal answers it,
/// with cursors to both neighbours (named after the page they lead to).
fn deep_page(n: u32) -> Page<ActivationSummary> {
    let mut p = page(seed_rows(), n, 25, 1_000_000);
    p.next = Some(format!("to-{}", n + 1));
    p.prev = (n > 1).then(|| format!("to-{}", n - 1));
    p
}

fn answer(
    state: &mut State,
    request_id: u64,
    result: Result<Page<ActivationSummary>, ClientError>,
) -> Vec<Command> {
    update(state, Msg::ActivationsLoaded { request_id, result })
}

/// A state showing page `n` of the million-row list (reached by a cursor).
fn on_deep_page(n: u32) -> State {
    let mut state = new_state(Lang::Ru);
    let (request_id, _) = activations_request(&update(&mut state, Msg::Start));
    update(&mut state, Msg::MeLoaded(Ok(me())));
    update(&mut state, Msg::OrganizationsLoaded(Ok(organizations())));
    answer(&mut state, request_id, Ok(deep_page(1)));
    if n > 1 {
        state.list.query.page = n - 1;
        state.list.query.cursor = Some(format!("to-{}", n));
        let (request_id, _) = activations_request(&update(&mut state, ch('r')));
        answer(&mut state, request_id, Ok(deep_page(n)));
    }
    state
}

#[test]
fn page_down_and_up_follow_the_shown_pages_cursors() {
    let mut state = on_deep_page(1);
    let (request_id, asked) = activations_request(&update(&mut state, key(KeyCode::PageDown)));
    assert_eq!(asked.cursor.as_deref(), Some("to-2"), "{asked:?}");
    assert_eq!(asked.page, 2);
    answer(&mut state, request_id, Ok(deep_page(2)));

    // Deep in the list (page 600 lies 14 975 rows from the start): still cursors.
    let mut state = on_deep_page(600);
    assert_eq!(state.list.applied.page, 600);
    for (code, cursor, page) in [
        (KeyCode::PageDown, "to-601", 601),
        (KeyCode::Right, "to-602", 602),
        (KeyCode::PageUp, "to-601", 601),
        (KeyCode::Left, "to-600", 600),
    ] {
        let (request_id, asked) = activations_request(&update(&mut state, key(code)));
        assert_eq!(asked.cursor.as_deref(), Some(cursor), "{code:?}: {asked:?}");
        answer(&mut state, request_id, Ok(deep_page(page)));
        assert_eq!(state.list.applied.page, page);
    }
}

#[test]
fn home_end_and_jumps_ask_by_page_number_without_a_cursor() {
    let mut state = on_deep_page(600);
    let (_, asked) = activations_request(&update(&mut state, key(KeyCode::Home)));
    assert_eq!((asked.page, asked.cursor.as_deref()), (1, None));
    let mut state = on_deep_page(600);
    let (_, asked) = activations_request(&update(&mut state, key(KeyCode::End)));
    assert_eq!((asked.page, asked.cursor.as_deref()), (40_000, None));
    let mut state = on_deep_page(600);
    update(&mut state, ch('#'));
    update(&mut state, ch('3'));
    let (_, asked) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!((asked.page, asked.cursor.as_deref()), (3, None));
}

#[test]
fn a_refused_deep_jump_keeps_the_page_selection_and_filters_and_says_why() {
    let mut state = on_deep_page(600);
    // A filter in force (set directly: choosing one would start from page 1).
    state.list.query.status = Some(ActivationStatus::Done);
    state.list.applied.status = Some(ActivationStatus::Done);
    update(&mut state, ch('j'));
    let shown: ActivationQuery = state.list.applied.clone();

    update(&mut state, ch('#'));
    for c in "20000".chars() {
        update(&mut state, ch(c));
    }
    let (request_id, asked) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!((asked.page, asked.cursor.as_deref()), (20_000, None));
    let refusal = ClientError::Api {
        status: 400,
        code: "bad_request".into(),
        message: "страница 20000 дальше 10 000 строк от начала и от конца списка; листайте по курсорам next и prev или сузьте фильтр".into(),
        request_id: None,
    };
    answer(&mut state, request_id, Err(refusal));

    assert_eq!(
        state.list.query, shown,
        "the page on screen stays the current one"
    );
    assert_eq!(state.list.applied, shown);
    assert!(
        !state.list.is_stale(),
        "the rows are the page's own, not earlier results"
    );
    assert_eq!(state.list.selected, 1);
    let said = state.last_error.clone().unwrap_or_default();
    assert!(said.contains("Стр. 20000 по номеру не открыть"), "{said}");
    assert!(said.contains("PgDn"), "{said}");
    let (lines, _) = render(&state, 100, 30);
    assert!(
        screen_text(&lines).contains("Стр. 600 из 40000"),
        "{}",
        screen_text(&lines)
    );

    // And paging on from there still works by cursor.
    let (_, asked) = activations_request(&update(&mut state, key(KeyCode::PageDown)));
    assert_eq!(asked.cursor.as_deref(), Some("to-601"));
}

#[test]
fn refresh_reloads_the_page_on_screen_by_its_cursor() {
    let mut state = on_deep_page(599);
    let (request_id, _) = activations_request(&update(&mut state, key(KeyCode::PageDown)));
    answer(&mut state, request_id, Ok(deep_page(600)));
    let shown = state.list.applied.clone();
    assert_eq!(shown.cursor.as_deref(), Some("to-600"));
    let (_, asked) = activations_request(&update(&mut state, ch('r')));
    assert_eq!(
        asked, shown,
        "r asks for the same page, not page 1 or a number"
    );
}

#[test]
fn a_filter_or_sort_change_drops_the_cursor_and_starts_on_page_one() {
    let mut state = on_deep_page(600);
    let (_, asked) = activations_request(&update(&mut state, ch('c')));
    assert_eq!((asked.page, asked.cursor.as_deref()), (1, None));
    let mut state = on_deep_page(600);
    let (_, asked) = activations_request(&update(&mut state, ch('p')));
    assert_eq!((asked.page, asked.cursor.as_deref()), (1, None));
}

#[test]
fn page_down_pressed_while_a_step_is_under_way_waits_for_its_cursor() {
    let mut state = on_deep_page(600);
    let (request_id, _) = activations_request(&update(&mut state, key(KeyCode::PageDown)));
    assert!(
        update(&mut state, key(KeyCode::PageDown)).is_empty(),
        "page 602's cursor is not known before 601 arrives"
    );
    let commands = answer(&mut state, request_id, Ok(deep_page(601)));
    let (_, asked) = activations_request(&commands);
    assert_eq!(
        asked.cursor.as_deref(),
        Some("to-602"),
        "the held key goes on"
    );
}

#[test]
fn the_last_page_has_no_next_cursor_so_page_down_stays() {
    let mut state = on_deep_page(600);
    let mut last = deep_page(40_000);
    last.next = None;
    let (request_id, _) = activations_request(&update(&mut state, key(KeyCode::End)));
    answer(&mut state, request_id, Ok(last));
    assert!(update(&mut state, key(KeyCode::PageDown)).is_empty());
}

/// A serial search counted up to its cap (500): page 1 of 20 pages counted so far.
fn capped_search_page(n: u32) -> Page<ActivationSummary> {
    let mut p = deep_page(n);
    p.total = 500;
    p.total_capped = true;
    p
}

#[test]
fn a_capped_total_reads_as_a_lower_bound_in_both_languages() {
    for (lang, first, beyond) in [
        (
            Lang::Ru,
            "Стр. 1 из 20+ · всего 500+",
            "Стр. 21 из 21+ · всего 500+",
        ),
        (
            Lang::En,
            "Page 1 of 20+ · 500+ total",
            "Page 21 of 21+ · 500+ total",
        ),
    ] {
        let mut state = new_state(lang);
        let (request_id, _) = activations_request(&update(&mut state, Msg::Start));
        answer(&mut state, request_id, Ok(capped_search_page(1)));
        let (lines, _) = render(&state, 100, 30);
        assert!(
            screen_text(&lines).contains(first),
            "{}",
            screen_text(&lines)
        );

        // Past the counted pages the cursor goes on, and the counter stays honest.
        state.list.query.page = 20;
        state.list.query.cursor = Some("to-20".into());
        let (request_id, _) = activations_request(&update(&mut state, ch('r')));
        answer(&mut state, request_id, Ok(capped_search_page(20)));
        let (request_id, asked) = activations_request(&update(&mut state, key(KeyCode::PageDown)));
        assert_eq!(asked.cursor.as_deref(), Some("to-21"));
        answer(&mut state, request_id, Ok(capped_search_page(21)));
        let (lines, _) = render(&state, 100, 30);
        assert!(
            screen_text(&lines).contains(beyond),
            "{}",
            screen_text(&lines)
        );
    }
}

#[test]
fn an_exact_total_is_grouped_without_a_plus() {
    let mut state = new_state(Lang::Ru);
    let (request_id, _) = activations_request(&update(&mut state, Msg::Start));
    let mut p = page(seed_rows(), 1, 25, 30_000);
    p.next = Some("to-2".into());
    answer(&mut state, request_id, Ok(p));
    let (lines, _) = render(&state, 100, 30);
    let text = screen_text(&lines);
    assert!(text.contains("Стр. 1 из 1200 · всего 30 000"), "{text}");
    assert!(!text.contains("30 000+"), "{text}");
}

#[test]
fn a_seven_digit_number_is_shown_whole() {
    let mut state = new_state(Lang::Ru);
    let commands = update(&mut state, Msg::Start);
    let (request_id, _) = activations_request(&commands);
    update(&mut state, Msg::MeLoaded(Ok(me())));
    update(&mut state, Msg::OrganizationsLoaded(Ok(organizations())));
    let rows = vec![
        activation(
            1_000_000,
            ActivationStatus::InProgress,
            Vendor::PayKiosk,
            2,
            7300,
        ),
        activation(999_999, ActivationStatus::Done, Vendor::PayKiosk, 1, 3900),
    ];
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(rows, 1, 25, 1_000_000)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("1000000 "), "{text}");
    assert!(!text.contains("10000…"), "{text}");
}
