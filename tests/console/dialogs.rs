//! Keys go where the user meant (issue 12): dialogs own the keyboard, Esc backs out
//! and never quits, `q` asks when something would be lost, large orders ask for their
//! count, `#` goes to a page, and a paste is text only where text is typed.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use licadm::client::wire::{PrecheckResponse, SeatStatus};
use licadm::console::app::{Command, Msg, State, SyncView, update};
use licadm::console::screens::dialog::{Button, Dialog};
use licadm::domain::{Kopecks, Lang};
use licadm::mirror::{OutboxAction, OutboxItem, OutboxState};

fn quits(commands: &[Command]) -> bool {
    commands.contains(&Command::Quit)
}

fn press(state: &mut State, keys: &[Msg]) -> Vec<Command> {
    keys.iter().flat_map(|k| update(state, k.clone())).collect()
}

fn typed(state: &mut State, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| update(state, ch(c))).collect()
}

#[test]
fn esc_backs_out_one_layer_at_a_time_and_never_quits() {
    let mut state = loaded_state(Lang::En);
    let mut all = Vec::new();
    // The list with a search: Esc clears the search (and fetches), not the program.
    update(&mut state, ch('/'));
    typed(&mut state, "0239");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.list.query.q.as_deref(), Some("0239"));
    let commands = update(&mut state, key(KeyCode::Esc));
    let (_, query) = activations_request(&commands);
    assert_eq!(query.q, None, "Esc cleared the search");
    all.extend(commands);
    // Nothing left to clear: Esc says how to quit instead of quitting.
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("q or Ctrl+C quits")),
        "{:?}",
        state.notice
    );

    // The detail with a line filter: Esc clears the filter, then leaves the detail.
    all.extend(update(&mut state, key(KeyCode::Enter)));
    update(&mut state, ch('/'));
    typed(&mut state, "0239");
    update(&mut state, key(KeyCode::Enter));
    all.extend(update(&mut state, key(KeyCode::Esc)));
    let detail = state.detail.as_ref().expect("still in the detail");
    assert_eq!(detail.search, "");
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert!(state.detail.is_none(), "back on the list");

    // Help and a picker close with Esc, changing nothing.
    update(&mut state, ch('?'));
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert!(!state.help_open);
    update(&mut state, ch('o'));
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert!(state.dialogs.is_empty());

    // Seats with a search: Esc clears it, the next Esc goes back to the activations.
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('/'));
    typed(&mut state, "ivan");
    update(&mut state, key(KeyCode::Enter));
    let commands = update(&mut state, key(KeyCode::Esc));
    assert_eq!(seats_request(&commands).1.q, None);
    all.extend(commands);
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert_eq!(state.front(), licadm::console::app::Front::List);
    all.extend(update(&mut state, key(KeyCode::Esc)));
    assert!(!quits(&all), "Esc never quits: {all:?}");
}

fn pending_outbox_item() -> OutboxItem {
    OutboxItem {
        id: 3,
        created_at: utc(2026, 11, 24, 9),
        action: OutboxAction::Unbind { seat: 18 },
        idempotency_key: "k-3".into(),
        state: OutboxState::Pending,
        attempts: 1,
        message: None,
    }
}

#[test]
fn q_quits_at_once_or_asks_first_when_something_would_be_lost() {
    let mut state = loaded_state(Lang::En);
    assert!(
        quits(&update(&mut state, ch('q'))),
        "nothing to lose: q quits"
    );

    // Unsent changes in the outbox: a question on Cancel.
    let mut state = loaded_state(Lang::En);
    state.sync = Some(SyncView::new(
        Some(utc(2026, 11, 24, 9)),
        utc(2026, 11, 24, 9),
    ));
    update(
        &mut state,
        Msg::OutboxLoaded(Ok(vec![pending_outbox_item()])),
    );
    assert!(!quits(&update(&mut state, ch('q'))));
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(
        text.contains("1 change in the outbox has not been sent"),
        "{text}"
    );
    assert!(text.contains("[ Cancel ]   [ Quit ]"), "{text}");
    assert!(
        !quits(&update(&mut state, key(KeyCode::Enter))),
        "Enter: Cancel"
    );
    assert!(state.dialogs.is_empty());
    update(&mut state, ch('q'));
    assert!(quits(&confirm(&mut state)));

    // A new activation with serials in it would be lost: asked too (`:q` as well).
    let mut state = serials_state(Lang::En);
    update(&mut state, Msg::Paste("0239110138900130\n".into()));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.front(), licadm::console::app::Front::List);
    assert!(!quits(&update(&mut state, ch('q'))));
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("A new activation is in progress"), "{text}");
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch(':'));
    typed(&mut state, "q");
    assert!(!quits(&update(&mut state, key(KeyCode::Enter))));
    assert!(open_confirmation(&state).is_some());

    // Ctrl+C quits at once, whatever is open.
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(quits(&update(&mut state, ctrl_c)));
}

/// Every printable ASCII character, one key each, and a few function keys.
fn every_printable_key() -> Vec<Msg> {
    let mut keys: Vec<Msg> = (0x20u8..0x7f).map(|b| ch(char::from(b))).collect();
    keys.extend("яЯ№".chars().map(ch));
    keys.extend([
        fkey(1),
        fkey(5),
        fkey(8),
        key(KeyCode::Home),
        key(KeyCode::PageDown),
    ]);
    keys
}

#[test]
fn a_dialog_owns_every_key_until_it_closes() {
    // An unbind confirmation over the seats list.
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('j'));
    update(&mut state, ch('u'));
    let seats_before = state.seats.clone();
    let dialog_before = state.dialogs.clone();
    let commands = press(&mut state, &every_printable_key());
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(state.seats, seats_before, "nothing reached the list");
    assert_eq!(state.dialogs, dialog_before, "nor moved its focus");
    assert!(!state.help_open && state.palette.is_none());

    // A refusal notice: the same.
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('u'));
    assert!(matches!(state.dialogs.last(), Some(Dialog::Notice(_))));
    let seats_before = state.seats.clone();
    let commands = press(&mut state, &every_printable_key());
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(state.seats, seats_before);
    assert!(matches!(state.dialogs.last(), Some(Dialog::Notice(_))));
    update(&mut state, key(KeyCode::Enter));
    assert!(state.dialogs.is_empty());

    // A picker: letters filter its list; the filter changes only on Enter.
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('s'));
    let query_before = state.list.query.clone();
    assert!(press(&mut state, &every_printable_key()).is_empty());
    assert_eq!(state.list.query, query_before);
    assert!(matches!(state.dialogs.last(), Some(Dialog::Picker(_))));
}

/// The precheck table with `rows` ok rows of `rubles` each.
fn precheck_with(rows: usize, rubles: i64) -> State {
    let mut state = precheck_state(Lang::En);
    let template = precheck_rows().remove(0);
    let rows = (0..rows)
        .map(|i| {
            let mut row = template.clone();
            row.serial = format!("{:016}", 239_110_138_900_000u64 + i as u64);
            row.price = Some(Kopecks::from_rubles(rubles));
            row
        })
        .collect();
    update(&mut state, Msg::Prechecked(Ok(PrecheckResponse { rows })));
    state
}

#[test]
fn a_large_order_is_confirmed_only_with_its_license_count_typed() {
    // 100 licenses: the buttons are enough.
    let mut state = precheck_with(100, 3900);
    update(&mut state, ch('A'));
    assert!(open_confirmation(&state).is_some_and(|d| d.typed.is_none()));
    update(&mut state, key(KeyCode::Esc));

    // 101 licenses: the count has to be typed.
    let mut state = precheck_with(101, 3900);
    update(&mut state, ch('A'));
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert_eq!(dialog.typed.as_ref().map(|t| t.expected), Some(101));
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("type the number of licenses (101)"), "{text}");
    assert!(
        confirm(&mut state).is_empty(),
        "Confirm without the count: nothing"
    );
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Type 101 to confirm"), "{text}");
    typed(&mut state, "10");
    assert!(
        update(&mut state, key(KeyCode::Enter)).is_empty(),
        "10 is not 101"
    );
    typed(&mut state, "1");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        commands.iter().any(
            |c| matches!(c, Command::CreateActivations { serials, .. } if serials.len() == 101)
        ),
        "{commands:?}"
    );

    // Over 1 000 000 ₽ in two licenses: asked too.
    let mut state = precheck_with(2, 600_000);
    update(&mut state, ch('A'));
    assert_eq!(
        open_confirmation(&state).and_then(|d| d.typed.as_ref().map(|t| t.expected)),
        Some(2)
    );
    assert_eq!(
        open_confirmation(&state).map(|d| d.focus),
        Some(Button::Cancel)
    );
}

#[test]
fn hash_goes_to_page_n_of_the_list_and_of_the_seats() {
    let mut state = loaded_state(Lang::En);
    assert!(update(&mut state, ch('#')).is_empty());
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Page (1–17):"), "{text}");
    typed(&mut state, "99");
    assert!(
        update(&mut state, key(KeyCode::Enter)).is_empty(),
        "past the end"
    );
    for _ in 0..2 {
        update(&mut state, key(KeyCode::Backspace));
    }
    typed(&mut state, "x5");
    let (_, query) = activations_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(query.page, 5);
    assert!(state.dialogs.is_empty());

    let mut state = seats_state(Lang::En);
    update(&mut state, ch('#'));
    update(&mut state, Msg::Paste("1".into()));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        commands.is_empty() || seats_request(&commands).1.page == 1,
        "{commands:?}"
    );
    assert!(state.dialogs.is_empty());
}

#[test]
fn a_paste_is_text_only_where_text_is_typed() {
    // On the list nothing is typed: the paste goes nowhere (its `u` and Enter too).
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('j'));
    let before = state.clone();
    assert!(update(&mut state, Msg::Paste("x.user@alster.ru\r".into())).is_empty());
    assert_eq!(state.seats, before.seats);
    assert!(state.dialogs.is_empty());
    // Into a confirmation without a text field: nothing.
    update(&mut state, ch('u'));
    let dialogs = state.dialogs.clone();
    assert!(update(&mut state, Msg::Paste("\t\r".into())).is_empty());
    assert_eq!(state.dialogs, dialogs);
    assert_eq!(
        state.seats.rows()[1].status,
        SeatStatus::Bound,
        "still bound on screen"
    );
}
