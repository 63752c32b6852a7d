//! The seats screen («Управление подпиской») through `update` and `view`: tabs, filters,
//! bind with suggestions, unbind, bulk bind, history, roles.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::wire::{SeatSortKey, SeatStatus};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::Tab;
use licadm::console::screens::seats::{BulkPhase, BulkResult};
use licadm::domain::Lang;

#[test]
fn number_keys_switch_screens_and_each_keeps_its_state() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, ch('2'));
    assert_eq!(state.tab, Tab::Seats);
    assert!(seats_request(&commands).0 > 0);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchSeatSummary { organization: None })),
        "{commands:?}"
    );
    let request_id = seats_request(&commands).0;
    update(
        &mut state,
        Msg::SeatsLoaded {
            request_id,
            result: Ok(seat_page(seat_rows())),
        },
    );
    update(&mut state, ch('j'));
    assert_eq!(state.seats.selected, 1);
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.tab, Tab::Activations);
    assert_eq!(state.list.query.page, 2, "the list kept its page");
    update(&mut state, ch('3'));
    assert_eq!(state.tab, Tab::Capacity);
    // Back to the seats: nothing is fetched again, the selection is where it was.
    let again = update(&mut state, ch('2'));
    assert!(
        !again
            .iter()
            .any(|c| matches!(c, Command::FetchSeats { .. })),
        "{again:?}"
    );
    assert_eq!(state.seats.selected, 1);
    assert_eq!(state.seats.rows().len(), 4);
}

#[test]
fn filters_sort_and_page_size_build_the_seat_query() {
    let mut state = seats_state(Lang::Ru);
    // Each filter key opens a picker on the value in force («все» at first).
    let pick = |state: &mut State, k: char, moves: &[KeyCode]| {
        assert!(update(state, ch(k)).is_empty(), "a picker opens");
        for m in moves {
            update(state, key(*m));
        }
        seats_request(&update(state, key(KeyCode::Enter)))
    };
    let (_, q) = pick(&mut state, 'o', &[KeyCode::Down]);
    assert_eq!(q.organization, Some(1));
    let (_, q) = pick(&mut state, 't', &[KeyCode::Down]);
    assert_eq!(q.product.as_deref(), Some("orangeuce"));
    let (_, q) = pick(&mut state, 's', &[KeyCode::Down]);
    assert_eq!(q.status, Some(SeatStatus::Free));
    // Typing narrows the list: «прив» leaves «привязана».
    update(&mut state, ch('s'));
    typed(&mut state, "прив");
    let (_, q) = seats_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(q.status, Some(SeatStatus::Bound));
    update(&mut state, ch('/'));
    typed(&mut state, "ivan");
    let (_, q) = seats_request(&update(&mut state, key(KeyCode::Enter)));
    assert_eq!(q.q.as_deref(), Some("ivan"));
    let (_, q) = seats_request(&update(&mut state, ch('d')));
    assert_eq!((q.sort, q.descending), (SeatSortKey::ValidUntil, false));
    let (_, q) = seats_request(&update(&mut state, ch('d')));
    assert_eq!((q.sort, q.descending), (SeatSortKey::ValidUntil, true));
    let (_, q) = seats_request(&update(&mut state, ch('e')));
    assert_eq!(q.sort, SeatSortKey::Email);
    let (_, q) = seats_request(&update(&mut state, ch('p')));
    assert_eq!((q.per_page, q.page), (50, 1));
    let params = q.to_params();
    assert!(params.contains(&("organization", "1".into())), "{params:?}");
    assert!(params.contains(&("status", "bound".into())), "{params:?}");
    assert!(params.contains(&("sort", "email".into())), "{params:?}");
    let (_, q) = seats_request(&update(&mut state, ch('x')));
    assert_eq!(
        (q.organization, q.product, q.status, q.q),
        (None, None, None, None)
    );
}

#[test]
fn bind_dialog_validates_suggests_drops_stale_answers_and_binds() {
    let mut state = seats_state(Lang::Ru);
    assert!(update(&mut state, ch('b')).is_empty());
    assert!(state.seats.bind.is_some(), "seat 17 is free");
    assert!(
        typed(&mut state, "i").is_empty(),
        "one character asks nothing"
    );
    let first = update(&mut state, ch('v'));
    let Some(Command::FetchUsers {
        request_id: old,
        organization,
        q,
    }) = first.first().cloned()
    else {
        panic!("suggestions asked for: {first:?}");
    };
    assert_eq!((organization, q.as_str()), (1, "iv"));
    let second = update(&mut state, ch('a'));
    let Some(Command::FetchUsers {
        request_id: new, ..
    }) = second.first().cloned()
    else {
        panic!("{second:?}");
    };
    assert!(new > old);
    // The older answer arrives late: ignored.
    update(
        &mut state,
        Msg::UsersLoaded {
            request_id: old,
            result: Ok(vec![users()[1].clone()]),
        },
    );
    assert!(state.seats.bind.as_ref().unwrap().suggestions.is_empty());
    update(
        &mut state,
        Msg::UsersLoaded {
            request_id: new,
            result: Ok(users()),
        },
    );
    assert_eq!(state.seats.bind.as_ref().unwrap().suggestions.len(), 2);
    // Tab picks the first suggestion into the input; Enter binds it.
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(
        state.seats.bind.as_ref().unwrap().input,
        "ivanova@techbiz.ru"
    );
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::BindSeat {
            seat: 17,
            email: "ivanova@techbiz.ru".into()
        }]
    );
}

#[test]
fn a_mistyped_email_shows_the_reason_and_sends_nothing() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('b'));
    typed(&mut state, "ivanov.techbiz.ru");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::BindSeat { .. })),
        "{commands:?}"
    );
    let dialog = state.seats.bind.as_ref().expect("still open");
    assert_eq!(dialog.error.as_deref(), Some("в адресе нет символа @"));
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("✕ в адресе нет символа @"));
}

#[test]
fn a_refused_bind_keeps_the_input_and_shows_the_portal_message() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('b'));
    typed(&mut state, "nobody@techbiz.ru");
    update(&mut state, key(KeyCode::Enter));
    let commands = update(
        &mut state,
        Msg::SeatBound {
            seat: 17,
            email: "nobody@techbiz.ru".into(),
            result: Err(api_error(
                422,
                "not_registered",
                "Пользователь nobody@techbiz.ru не зарегистрирован",
            )),
        },
    );
    assert!(commands.is_empty());
    let dialog = state.seats.bind.as_ref().expect("the dialog stays");
    assert_eq!(dialog.input, "nobody@techbiz.ru");
    assert!(!dialog.pending);
    assert_eq!(
        dialog.error.as_deref(),
        Some("Пользователь nobody@techbiz.ru не зарегистрирован")
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("не зарегистрирован"));
}

#[test]
fn a_bind_updates_the_row_and_refreshes_the_summary() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('b'));
    typed(&mut state, "petrov@techbiz.ru");
    update(&mut state, key(KeyCode::Enter));
    let commands = update(
        &mut state,
        Msg::SeatBound {
            seat: 17,
            email: "petrov@techbiz.ru".into(),
            result: Ok(seat(17, SeatStatus::Bound, Some("petrov@techbiz.ru"))),
        },
    );
    assert_eq!(
        commands,
        vec![Command::FetchSeatSummary { organization: None }]
    );
    assert!(state.seats.bind.is_none());
    assert_eq!(state.seats.rows()[0].status, SeatStatus::Bound);
    assert_eq!(
        (state.seats.summary[0].free, state.seats.summary[0].bound),
        (11, 26),
        "counted until the fresh summary arrives"
    );
    assert_eq!(
        state.notice.as_deref(),
        Some("Место 17 привязано к petrov@techbiz.ru")
    );
}

#[test]
fn unbind_asks_first_on_cancel_and_sends_only_from_the_confirm_button() {
    let mut state = seats_state(Lang::Ru);
    assert!(update(&mut state, ch('u')).is_empty());
    assert_eq!(
        state.last_error.as_deref(),
        Some("Отвязать можно только привязанное место")
    );
    // The refusal holds the keyboard until it is closed: nothing typed meanwhile acts.
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(
        text.contains("Отвязать можно только привязанное место"),
        "{text}"
    );
    assert!(press(&mut state, "xyz\u{44b}").is_empty());
    update(&mut state, key(KeyCode::Esc));
    assert!(state.dialogs.is_empty());
    update(&mut state, ch('j'));
    assert!(update(&mut state, ch('u')).is_empty());
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Отвязать место 18 от ivanov@techbiz.ru?"),
        "{text}"
    );
    assert!(text.contains("[ Отмена ]   [ Отвязать ]"), "{text}");
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(state.dialogs.is_empty());
    // Typed text and Enter: the Cancel button is pressed, nothing is sent.
    update(&mut state, ch('u'));
    assert!(
        press(&mut state, "x.user@alster.ru").is_empty(),
        "letters do nothing"
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.dialogs.is_empty(), "Enter on Cancel closed it");
    // Moving to Confirm, then Enter, sends.
    update(&mut state, ch('u'));
    update(&mut state, key(KeyCode::Tab));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(commands, vec![Command::UnbindSeat { seat: 18 }]);
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("отправка…"), "{text}");
    let commands = update(
        &mut state,
        Msg::SeatUnbound {
            seat: 18,
            result: Ok(seat(18, SeatStatus::Free, None)),
        },
    );
    assert_eq!(
        commands,
        vec![Command::FetchSeatSummary { organization: None }]
    );
    assert!(
        state.dialogs.is_empty(),
        "the answer closes the confirmation"
    );
    assert_eq!(state.notice.as_deref(), Some("Место 18 отвязано"));
    assert_eq!(state.seats.rows()[1].status, SeatStatus::Free);
}

/// Every character of `text` as a key press.
fn press(state: &mut State, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| update(state, ch(c))).collect()
}

#[test]
fn bulk_bind_binds_in_order_to_free_seats_with_a_result_per_row() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('B'));
    update(
        &mut state,
        Msg::Paste("a@x.ru\n# comment\nbad-address\nb@x.ru\nc@x.ru\nd@x.ru\n".into()),
    );
    let commands = update(&mut state, fkey(5));
    let (fetch, query) = seats_request(&commands);
    assert_eq!(query.status, Some(SeatStatus::Free));
    assert_eq!(query.product.as_deref(), Some("orangeuce"));
    assert_eq!(query.organization, Some(1));
    let commands = update(
        &mut state,
        Msg::SeatsLoaded {
            request_id: fetch,
            result: Ok(seat_page(vec![
                seat(17, SeatStatus::Free, None),
                seat(20, SeatStatus::Free, None),
                seat(23, SeatStatus::Free, None),
            ])),
        },
    );
    assert_eq!(
        commands,
        vec![Command::BindSeat {
            seat: 17,
            email: "a@x.ru".into()
        }]
    );
    let bound = |id: i64, email: &str| Msg::SeatBound {
        seat: id,
        email: email.into(),
        result: Ok(seat(id, SeatStatus::Bound, Some(email))),
    };
    let commands = update(&mut state, bound(17, "a@x.ru"));
    assert_eq!(
        commands,
        vec![Command::BindSeat {
            seat: 20,
            email: "b@x.ru".into()
        }]
    );
    // b is refused: the seat stays free and goes to c.
    let commands = update(
        &mut state,
        Msg::SeatBound {
            seat: 20,
            email: "b@x.ru".into(),
            result: Err(api_error(
                409,
                "user_has_seat",
                "У b@x.ru уже есть место этого продукта",
            )),
        },
    );
    assert_eq!(
        commands,
        vec![Command::BindSeat {
            seat: 20,
            email: "c@x.ru".into()
        }]
    );
    let commands = update(&mut state, bound(20, "c@x.ru"));
    assert_eq!(
        commands,
        vec![Command::BindSeat {
            seat: 23,
            email: "d@x.ru".into()
        }]
    );
    let commands = update(&mut state, bound(23, "d@x.ru"));
    assert_eq!(
        commands,
        vec![Command::FetchSeatSummary { organization: None }]
    );
    let bulk = state.seats.bulk.as_ref().expect("results stay open");
    assert_eq!(bulk.phase, BulkPhase::Done);
    let results: Vec<(&str, &BulkResult)> = bulk
        .rows
        .iter()
        .map(|r| (r.email.as_str(), &r.result))
        .collect();
    assert_eq!(results[0], ("a@x.ru", &BulkResult::Bound(17)));
    assert!(matches!(results[1], ("bad-address", BulkResult::Failed(_))));
    assert_eq!(
        results[2],
        (
            "b@x.ru",
            &BulkResult::Failed("У b@x.ru уже есть место этого продукта".into())
        )
    );
    assert_eq!(results[3], ("c@x.ru", &BulkResult::Bound(20)));
    assert_eq!(results[4], ("d@x.ru", &BulkResult::Bound(23)));
    assert_eq!(state.seats.summary[0].free, 9, "12 free, 3 bound");
    assert_eq!(state.notice.as_deref(), Some("Привязано: 3 · ошибок: 2"));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("место 17 привязано"), "{text}");
    assert!(
        text.contains("Orange[uc]e: свободно 9 · занято 28 · истекло 3"),
        "{text}"
    );
    update(&mut state, key(KeyCode::Esc));
    assert!(state.seats.bulk.is_none());
}

#[test]
fn bulk_bind_runs_out_of_free_seats() {
    let mut state = seats_state(Lang::En);
    update(&mut state, ch('B'));
    update(&mut state, Msg::Paste("a@x.ru\nb@x.ru".into()));
    let (fetch, _) = seats_request(&update(&mut state, fkey(5)));
    update(
        &mut state,
        Msg::SeatsLoaded {
            request_id: fetch,
            result: Ok(seat_page(vec![seat(17, SeatStatus::Free, None)])),
        },
    );
    update(
        &mut state,
        Msg::SeatBound {
            seat: 17,
            email: "a@x.ru".into(),
            result: Ok(seat(17, SeatStatus::Bound, Some("a@x.ru"))),
        },
    );
    let bulk = state.seats.bulk.as_ref().unwrap();
    assert_eq!(
        bulk.rows[1].result,
        BulkResult::Failed("no free seats left".into())
    );
}

#[test]
fn viewers_cannot_bind_unbind_or_bulk_bind() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, Msg::MeLoaded(Ok(viewer())));
    for k in ['b', 'B'] {
        assert!(update(&mut state, ch(k)).is_empty());
        assert!(state.seats.bind.is_none() && state.seats.bulk.is_none());
        assert_eq!(
            state.last_error.as_deref(),
            Some("Роль «просмотр» не может привязывать места")
        );
        update(&mut state, key(KeyCode::Esc));
    }
    update(&mut state, ch('j'));
    update(&mut state, ch('u'));
    assert!(
        state.dialogs.last().and_then(|d| d.as_confirm()).is_none(),
        "a notice, not a confirmation"
    );
    assert_eq!(
        state.last_error.as_deref(),
        Some("Роль «просмотр» не может отвязывать места")
    );
}

#[test]
fn history_opens_for_the_seat_and_the_activation() {
    let mut state = seats_state(Lang::Ru);
    update(&mut state, ch('j'));
    let commands = update(&mut state, ch('h'));
    let Some(Command::FetchAudit {
        request_id,
        object,
        page,
    }) = commands.first().cloned()
    else {
        panic!("{commands:?}");
    };
    assert_eq!((object.as_str(), page), ("seat:18", 1));
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
                    object: "seat:18".into(),
                    before: Some(serde_json::json!({"status": "free", "email": null})),
                    after: Some(
                        serde_json::json!({"status": "bound", "email": "ivanov@techbiz.ru"}),
                    ),
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
    let text = screen_text(&lines);
    assert!(text.contains("История: место 18"), "{text}");
    assert!(text.contains("место привязано"), "{text}");
    // Field names and statuses in the UI's language, not the portal's JSON.
    assert!(text.contains("статус: свободна → привязана"), "{text}");
    update(&mut state, key(KeyCode::Esc));
    assert!(state.audit.is_none());
    assert_eq!(state.tab, Tab::Seats, "Esc closed only the history");

    // From the activation detail.
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, key(KeyCode::Enter));
    let commands = update(&mut state, ch('h'));
    assert!(
        matches!(commands.first(), Some(Command::FetchAudit { object, .. }) if object == "activation:28"),
        "{commands:?}"
    );
}

#[test]
fn seats_view_at_80x24_in_russian_and_english() {
    let state = seats_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        lines[0].contains("1 Актив [2 Подписки] 3 Лицен 4 Ключи"),
        "{}",
        lines[0]
    );
    assert!(
        text.contains("Orange[uc]e: свободно 12 · занято 25 · истекло 3"),
        "{text}"
    );
    for label in ["№ места", "Продукт", "Статус", "Привязана к", "Действует с"]
    {
        assert!(text.contains(label), "no {label}:\n{text}");
    }
    assert!(text.contains("свободна") && text.contains("привязана") && text.contains("истекла"));
    assert!(text.contains("ivanov@techbiz.ru"));
    assert!(
        text.contains("Управление подпиской · Стр. 1 из 1 · всего 4"),
        "{text}"
    );
    assert!(lines[22].contains("b привязать"), "{}", lines[22]);
    assert!(!text.contains("Product"), "English leaked:\n{text}");

    let mut state = seats_state(Lang::En);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Orange[uc]e: free 12 · bound 25 · expired 3"),
        "{text}"
    );
    assert!(
        text.contains("Bound to user") && text.contains("Valid until"),
        "{text}"
    );
    update(&mut state, ch('b'));
    typed(&mut state, "a@b");
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("Bind seat 17"), "{text}");
    assert!(
        text.contains("a domain like example.com is needed after @"),
        "{text}"
    );
    assert!(
        text.contains("Enter binds, Tab picks a suggestion, Esc cancels"),
        "{text}"
    );
}
