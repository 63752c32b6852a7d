//! Many rows at once (issue 16 b) through `update` and `view`: marks that survive
//! paging, `*` marking every match across pages, one confirmation with the count and
//! the total that opens on Cancel, retries 100 per request with a result per row,
//! unbinding marked seats, the triage of errors, exports and saved views.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::bulk::{ErrorGroup, ErrorTriage, GroupOrganization};
use licadm::client::wire::{ActivationSummary, SeatStatus};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::bulk_run::StepOutcome;
use licadm::console::screens::dialog::Button;
use licadm::console::screens::export::ExportList;
use licadm::console::screens::marks::{MatchList, Matching};
use licadm::domain::{ActivationFailure, ActivationStatus, FailureReason, Lang, Vendor};

/// 250 activations of one filter: every fifth done, the rest in error; of those in
/// error every tenth refused by the registry for good.
fn matching_rows() -> Vec<ActivationSummary> {
    (1..=250)
        .map(|n| {
            let status = if n % 5 == 0 {
                ActivationStatus::Done
            } else {
                ActivationStatus::Error
            };
            let mut a = activation(n, status, Vendor::PayKiosk, 1, 1000);
            if status == ActivationStatus::Error && n % 10 == 1 {
                a.failure = Some(ActivationFailure {
                    serial: "0239110138900130".into(),
                    reason: FailureReason::Deregistered,
                });
            }
            a
        })
        .collect()
}

fn screen(state: &State) -> String {
    screen_text(&render(state, 80, 24).0)
}

#[test]
fn marks_survive_paging_and_star_marks_every_match_across_pages() {
    let mut state = loaded_state(Lang::Ru);
    // Space marks the row and moves down; V marks from there to the selection.
    update(&mut state, ch(' '));
    assert_eq!(state.list.marks.ids(), vec![28]);
    assert_eq!(state.list.selected, 1);
    update(&mut state, ch('j'));
    update(&mut state, ch('j'));
    update(&mut state, ch('V'));
    assert_eq!(state.list.marks.ids(), vec![25, 26, 27, 28]);
    assert!(screen(&state).contains("отмечено: 4"), "{}", screen(&state));
    assert!(screen(&state).contains("+28"));
    // Space again on a marked row unmarks it.
    update(&mut state, ch('k'));
    update(&mut state, ch(' '));
    assert_eq!(state.list.marks.ids(), vec![25, 27, 28]);

    // Another page: the marks stay, and a row of it joins them.
    let commands = update(&mut state, key(KeyCode::Right));
    let (request_id, _) = activations_request(&commands);
    let next = vec![activation(
        23,
        ActivationStatus::Error,
        Vendor::PayKiosk,
        1,
        500,
    )];
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(next, 3, 25, 420)),
        },
    );
    update(&mut state, ch(' '));
    assert_eq!(state.list.marks.ids(), vec![23, 25, 27, 28]);
    assert!(screen(&state).contains("отмечено: 4"));

    // `*`: every match of the filter, asked of the portal in pages of 100 from page 1.
    let commands = update(&mut state, ch('*'));
    let (request_id, query) = match commands.as_slice() {
        [
            Command::CollectMatching {
                request_id,
                list: MatchList::Activations(query),
            },
        ] => (*request_id, query.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!((query.page, query.per_page, query.cursor), (1, 100, None));
    assert!(screen(&state).contains("отмечаю все"));
    assert!(
        update(&mut state, ch('*')).is_empty(),
        "one collection at a time"
    );
    update(
        &mut state,
        Msg::MatchingCollected {
            request_id,
            result: Ok(Matching::Activations {
                rows: matching_rows(),
                capped: false,
            }),
        },
    );
    // The 250 matches and the marks from before (23, 25, 27 and 28 are among them).
    assert_eq!(state.list.marks.len(), 250);
    assert_eq!(
        state.notice.as_deref(),
        Some("отмечены все по фильтру: 250")
    );

    // Esc clears the marks first (the search is untouched).
    update(&mut state, key(KeyCode::Esc));
    assert!(state.list.marks.is_empty());
}

#[test]
fn a_marked_retry_asks_once_with_the_count_and_total_then_sends_a_hundred_per_request() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, ch('*'));
    let Some(Command::CollectMatching { request_id, .. }) = commands.first() else {
        panic!("{commands:?}");
    };
    update(
        &mut state,
        Msg::MatchingCollected {
            request_id: *request_id,
            result: Ok(Matching::Activations {
                rows: matching_rows(),
                capped: false,
            }),
        },
    );
    // 200 in error, 25 of them refused for good: 175 at 1 000 ₽ each.
    assert!(update(&mut state, ch('R')).is_empty(), "asks first");
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert_eq!(dialog.focus, Button::Cancel, "opens on Cancel");
    assert_eq!(
        dialog.lines,
        vec![
            "Повторить 175 активаций с ошибкой на сумму 175 000 ₽?".to_string(),
            "Пропускаются: 50 — не в статусе «Ошибка».".to_string(),
            "Пропускаются: 25 — реестр отказал навсегда, повтор не поможет.".to_string(),
        ]
    );
    // Enter on Cancel: nothing is sent.
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.dialogs.is_empty() && state.bulk.run.is_none());

    update(&mut state, ch('R'));
    let commands = confirm(&mut state);
    let (run, first) = match commands.as_slice() {
        [Command::RetryMany { run, numbers }] => (*run, numbers.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(first.len(), 100, "one request per hundred");
    assert!(!first.contains(&11), "a final refusal is not sent");
    assert!(screen(&state).contains("Повтор активаций — 0 из 175"));
    // At 80×22 too (a tmux status line takes two rows).
    let small = screen_text(&render(&state, 80, 22).0);
    assert!(small.contains("Повтор активаций — 0 из 175"), "{small}");
    // Letters do nothing to the list while the run is in front.
    assert!(update(&mut state, ch('x')).is_empty());
    assert!(update(&mut state, key(KeyCode::Esc)).is_empty());
    assert!(
        state.bulk.run.is_some(),
        "Esc closes only once everything ran"
    );

    // The first hundred answered (one refused): the next 75 go.
    let outcomes: Vec<(i64, StepOutcome)> = first
        .iter()
        .map(|n| {
            let outcome = if *n == first[0] {
                StepOutcome::Failed("activation is in_progress".into())
            } else {
                StepOutcome::Done(String::new())
            };
            (*n, outcome)
        })
        .collect();
    let commands = update(&mut state, Msg::BulkStep { run, outcomes });
    let second = match commands.as_slice() {
        [Command::RetryMany { numbers, .. }] => numbers.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(second.len(), 75);
    assert!(screen(&state).contains("100 из 175"), "{}", screen(&state));
    let outcomes = second
        .iter()
        .map(|n| (*n, StepOutcome::Done(String::new())))
        .collect();
    let commands = update(&mut state, Msg::BulkStep { run, outcomes });
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchActivations { .. })),
        "the list is read again: {commands:?}"
    );
    assert_eq!(
        state.last_error.as_deref(),
        Some("Готово: успешно 174, в очереди 0, не удалось 1")
    );
    assert!(screen(&state).contains("activation is in_progress"));
    // What went through is unmarked; the refused one and the rest stay marked.
    assert_eq!(state.list.marks.len(), 250 - 174);
    assert!(state.list.marks.contains(first[0]));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.bulk.run.is_none());
}

#[test]
fn marked_license_files_go_into_one_folder_and_numbers_are_copied() {
    let mut state = loaded_state(Lang::En);
    for _ in 0..5 {
        update(&mut state, ch(' '));
    }
    assert_eq!(state.list.marks.len(), 5);
    let commands = update(&mut state, ch('y'));
    assert_eq!(
        commands,
        vec![Command::CopyToClipboard("24\n25\n26\n27\n28".into())]
    );
    update(&mut state, ch('L'));
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert_eq!(
        dialog.lines,
        vec![
            "Save 3 license files into licenses-2025-12-13?".to_string(),
            "Left out: 2 — not done, no file yet.".to_string(),
        ]
    );
    let commands = confirm(&mut state);
    let [
        Command::SaveLicenseInto {
            run,
            number,
            folder,
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}");
    };
    assert_eq!((*number, folder.as_str()), (26, "licenses-2025-12-13"));
    let run = *run;
    let commands = update(
        &mut state,
        Msg::BulkStep {
            run,
            outcomes: vec![(26, StepOutcome::Done("/d/license-26.lic".into()))],
        },
    );
    assert!(matches!(
        commands.as_slice(),
        [Command::SaveLicenseInto { number: 27, .. }]
    ));
}

#[test]
fn marked_seats_unbind_after_one_confirmation_in_one_request() {
    let mut state = seats_state(Lang::Ru);
    let commands = update(&mut state, ch('*'));
    let (request_id, query) = match commands.as_slice() {
        [
            Command::CollectMatching {
                request_id,
                list: MatchList::Seats(query),
            },
        ] => (*request_id, query.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!((query.page, query.per_page), (1, 100));
    update(
        &mut state,
        Msg::MatchingCollected {
            request_id,
            result: Ok(Matching::Seats {
                rows: seat_rows(),
                capped: false,
            }),
        },
    );
    let bound: Vec<i64> = seat_rows()
        .iter()
        .filter(|s| s.status == SeatStatus::Bound)
        .map(|s| s.id)
        .collect();
    assert!(!bound.is_empty() && bound.len() < seat_rows().len());
    assert!(update(&mut state, ch('u')).is_empty());
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert_eq!(dialog.focus, Button::Cancel);
    assert!(
        dialog.lines[0].starts_with("Отвязать 1 место?"),
        "{:?}",
        dialog.lines
    );
    let commands = confirm(&mut state);
    let [Command::UnbindMarked { run, seats }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(seats, &bound, "only the bound ones, in one request");
    let run = *run;
    let last = update(
        &mut state,
        Msg::BulkStep {
            run,
            outcomes: bound
                .iter()
                .map(|seat| (*seat, StepOutcome::Done(String::new())))
                .collect(),
        },
    );
    assert!(
        last.iter().any(|c| matches!(c, Command::FetchSeats { .. })),
        "{last:?}"
    );
    // Only the unbound ones lose their mark.
    assert_eq!(state.seats.marks.len(), seat_rows().len() - bound.len());
    // A viewer is refused before any question.
    let mut viewer_state = seats_state(Lang::Ru);
    update(&mut viewer_state, Msg::MeLoaded(Ok(viewer())));
    update(&mut viewer_state, ch(' '));
    update(&mut viewer_state, ch('u'));
    assert!(open_confirmation(&viewer_state).is_none());
}

/// 250 bound seats, marked across pages: one confirmation with the count, then three
/// requests (100, 100, 50), each sent once the one before has answered, the progress in
/// the window's title, a result per seat at the end.
#[test]
fn two_hundred_fifty_marked_seats_unbind_in_three_requests() {
    let mut state = seats_state(Lang::Ru);
    let commands = update(&mut state, ch('*'));
    let [Command::CollectMatching { request_id, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let rows: Vec<licadm::client::wire::Seat> = (1..=250)
        .map(|id| {
            seat(
                1000 + id,
                SeatStatus::Bound,
                Some(&format!("user{id}@techbiz.ru")),
            )
        })
        .collect();
    update(
        &mut state,
        Msg::MatchingCollected {
            request_id: *request_id,
            result: Ok(Matching::Seats {
                rows,
                capped: false,
            }),
        },
    );
    assert_eq!(state.seats.marks.len(), 250);
    update(&mut state, ch('u'));
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert!(
        dialog.lines[0].starts_with("Отвязать 250 мест?"),
        "{:?}",
        dialog.lines
    );
    let mut commands = confirm(&mut state);
    let mut requests: Vec<Vec<i64>> = Vec::new();
    while let [Command::UnbindMarked { run, seats }] = commands.as_slice() {
        let (run, seats) = (*run, seats.clone());
        requests.push(seats.clone());
        // Nothing more goes while this one is out.
        assert!(screen(&state).contains(&format!(
            "Отвязка мест — {} из 250",
            (requests.len() - 1) * 100
        )));
        let outcomes = seats
            .iter()
            .map(|id| {
                let outcome = if *id == 1001 {
                    StepOutcome::Failed(
                        "seat 1001 is free; only a bound seat can be unbound".into(),
                    )
                } else {
                    StepOutcome::Done(String::new())
                };
                (*id, outcome)
            })
            .collect();
        commands = update(&mut state, Msg::BulkStep { run, outcomes });
    }
    let sizes: Vec<usize> = requests.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![100, 100, 50], "one request per hundred");
    let all: Vec<i64> = requests.concat();
    assert_eq!(
        all,
        (1001..=1250).collect::<Vec<i64>>(),
        "each seat once, in order"
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchSeats { .. })),
        "the list is read again: {commands:?}"
    );
    assert_eq!(
        state.last_error.as_deref(),
        Some("Готово: успешно 249, в очереди 0, не удалось 1")
    );
    assert!(
        screen(&state).contains("only a bound seat"),
        "{}",
        screen(&state)
    );
    assert_eq!(state.seats.marks.len(), 1, "the refused one stays marked");
}

fn triage() -> ErrorTriage {
    let group = |error: &str, retryable, numbers: Vec<i64>| ErrorGroup {
        error: error.into(),
        reason: None,
        retryable,
        count: numbers.len() as u64,
        organizations: vec![GroupOrganization {
            organization: techbusiness(),
            count: numbers.len() as u64,
        }],
        numbers,
    };
    ErrorTriage {
        since: utc(2025, 12, 12, 9),
        total: 5,
        groups: vec![
            group(
                "Реестр вендора отклонил серийный номер …: устройство снято с учёта",
                false,
                vec![9, 8, 7],
            ),
            group(
                "Реестр вендора временно недоступен, повторите запрос (серийный номер …)",
                true,
                vec![6, 5],
            ),
        ],
    }
}

#[test]
fn the_triage_opens_a_group_and_retries_only_what_can_succeed() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, ch('E'));
    let [Command::FetchTriage { request_id, since }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(since, "24h");
    let request_id = *request_id;
    update(
        &mut state,
        Msg::TriageLoaded {
            request_id,
            result: Ok(triage()),
        },
    );
    let text = screen(&state);
    assert!(
        text.contains("ошибок 5") && text.contains("снято с учёта"),
        "{text}"
    );
    let small = screen_text(&render(&state, 80, 22).0);
    assert!(
        small.contains("ошибок 5") && small.contains("снято с учёта"),
        "{small}"
    );
    // The final group: R is refused with a notice that holds the keyboard.
    update(&mut state, ch('R'));
    assert!(open_confirmation(&state).is_none());
    assert!(!state.dialogs.is_empty());
    update(&mut state, key(KeyCode::Enter));
    // The next group: its activations, then a retry of all, asked with the count.
    update(&mut state, ch('j'));
    update(&mut state, key(KeyCode::Enter));
    assert!(screen(&state).contains("№ 6"));
    update(&mut state, ch('R'));
    let dialog = open_confirmation(&state).expect("a confirmation");
    assert!(
        dialog.lines[0].starts_with("Повторить 2 активации"),
        "{:?}",
        dialog.lines
    );
    let commands = confirm(&mut state);
    assert!(matches!(
        commands.as_slice(),
        [Command::RetryMany { numbers, .. }] if *numbers == vec![6, 5]
    ));
    // `p` switches the period and asks again.
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('E'));
    let commands = update(&mut state, ch('p'));
    assert!(matches!(
        commands.as_slice(),
        [Command::FetchTriage { since, .. }] if since == "7d"
    ));
}

#[test]
fn export_takes_the_view_with_its_columns_and_shows_its_progress() {
    let mut state = loaded_state(Lang::Ru);
    state.list.query.status = Some(ActivationStatus::Error);
    let mut commands = update(&mut state, ch(':'));
    commands.extend(typed(&mut state, "export ошибки.csv"));
    commands.extend(update(&mut state, key(KeyCode::Enter)));
    let [
        Command::Export {
            request_id,
            list,
            path,
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?}");
    };
    let ExportList::Activations { query, columns } = list.as_ref() else {
        panic!("{list:?}");
    };
    assert_eq!(query.status, Some(ActivationStatus::Error));
    assert_eq!((query.page, query.per_page), (1, 100));
    assert_eq!(columns, &state.list.columns.visible().collect::<Vec<_>>());
    assert_eq!(path.to_str(), Some("ошибки.csv"));
    let request_id = *request_id;
    update(
        &mut state,
        Msg::ExportProgress {
            request_id,
            done: 100,
            total: 400,
        },
    );
    let text = screen(&state);
    assert!(text.contains("экспорт [██░░░░░░░░] 100 из 400"), "{text}");
    update(
        &mut state,
        Msg::Exported {
            request_id,
            result: Ok(("/d/ошибки.csv".into(), 400)),
        },
    );
    assert_eq!(
        state.notice.as_deref(),
        Some("выгружено строк: 400 → /d/ошибки.csv")
    );
}

#[test]
fn a_view_is_saved_to_the_config_and_opened_by_name() {
    let mut state = loaded_state(Lang::En);
    state.bulk.config_path = Some("/tmp/licadm-test/config.toml".into());
    let set_status = |state: &mut State| {
        state.list.query.status = Some(ActivationStatus::Error);
    };
    set_status(&mut state);
    update(&mut state, ch(':'));
    typed(&mut state, "view save errors");
    let commands = update(&mut state, key(KeyCode::Enter));
    let [Command::SaveView { name, view, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(name, "errors");
    assert_eq!(view.status.as_deref(), Some("error"));
    update(
        &mut state,
        Msg::ViewSaved {
            name: "errors".into(),
            result: Ok(()),
        },
    );
    assert!(state.bulk.views.contains_key("errors"));
    // Elsewhere, with other filters: the view brings its own back, from page 1.
    update(&mut state, ch('x'));
    update(&mut state, ch(':'));
    typed(&mut state, "view errors");
    let commands = update(&mut state, key(KeyCode::Enter));
    let (_, query) = activations_request(&commands);
    assert_eq!(
        (query.status, query.page),
        (Some(ActivationStatus::Error), 1)
    );
    update(&mut state, ch(':'));
    typed(&mut state, "view nope");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        state.last_error.as_deref(),
        Some("no view “nope”; saved: errors")
    );
}
