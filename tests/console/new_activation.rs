//! The new-activation flow through the pure `update` (and, at the end, the view at
//! 80x24 in both languages).

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::ClientError;
use licadm::client::wire::{ActivationQuery, CreatedActivations, Role};
use licadm::console::app::{Command, Front, Msg, SaveError, State, update};
use licadm::console::screens::dialog::Button;
use licadm::console::screens::new_activation::{self, NewActivation, Step};
use licadm::domain::{ActivationStatus, Lang, PrecheckOutcome, Vendor};

fn flow(state: &State) -> &NewActivation {
    state.new_activation.as_ref().expect("the flow is open")
}

fn without_ticks(commands: Vec<Command>) -> Vec<Command> {
    commands
        .into_iter()
        .filter(|c| *c != Command::ScheduleTick)
        .collect()
}

fn selected_serials(state: &State) -> Vec<String> {
    flow(state)
        .rows
        .iter()
        .filter(|l| l.selected)
        .map(|l| l.row.serial.clone())
        .collect()
}

fn create_command(commands: &[Command]) -> (Vec<String>, String) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::CreateActivations {
                serials,
                idempotency_key,
                ..
            } => Some((serials.clone(), idempotency_key.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no CreateActivations in {commands:?}"))
}

// ---- Steps ----

#[test]
fn two_organizations_show_the_chooser_then_the_offer_and_enter_accepts_it() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('a'));
    assert_eq!(state.front(), Front::NewActivation);
    assert_eq!(flow(&state).step, Step::Organization);
    update(&mut state, ch('j'));
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        flow(&state).step,
        Step::Offer,
        "the offer is not accepted yet"
    );
    assert_eq!(flow(&state).organization.as_ref().map(|o| o.id), Some(2));

    let commands = without_ticks(update(&mut state, key(KeyCode::Enter)));
    assert_eq!(commands, vec![Command::AcceptOffer { organization: 2 }]);
    assert!(
        without_ticks(update(&mut state, key(KeyCode::Enter))).is_empty(),
        "no second request while the first is on its way"
    );
    let mut accepted = organizations().remove(1);
    accepted.offer_accepted_at = Some(utc(2025, 12, 13, 9));
    update(&mut state, Msg::OfferAccepted(Ok(accepted.clone())));
    assert_eq!(flow(&state).step, Step::Serials);
    assert_eq!(state.organizations[1], accepted, "remembered in the state");

    // Esc goes back one step at a time; from the chooser the flow is left but kept.
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(flow(&state).step, Step::Organization);
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.front(), Front::List);
    assert!(state.new_activation.is_some());
}

#[test]
fn a_single_organization_with_an_accepted_offer_goes_straight_to_the_serials() {
    let state = serials_state(Lang::Ru);
    assert_eq!(flow(&state).step, Step::Serials);
    assert_eq!(flow(&state).organization.as_ref().map(|o| o.id), Some(1));

    // A single organization without the offer accepted: the offer step.
    let mut state = loaded_state(Lang::Ru);
    update(
        &mut state,
        Msg::OrganizationsLoaded(Ok(vec![organizations().remove(0)])),
    );
    update(&mut state, ch('a'));
    assert_eq!(flow(&state).step, Step::Offer);
}

#[test]
fn a_failed_offer_acceptance_stays_on_the_offer_with_the_message() {
    let mut state = loaded_state(Lang::Ru);
    update(&mut state, ch('a'));
    update(&mut state, key(KeyCode::Enter));
    update(&mut state, key(KeyCode::Enter));
    update(
        &mut state,
        Msg::OfferAccepted(Err(ClientError::Api {
            status: 403,
            code: "forbidden".into(),
            message: "Недостаточно прав".into(),
            request_id: None,
        })),
    );
    assert_eq!(flow(&state).step, Step::Offer);
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("Недостаточно прав"))
    );
    // And it can be sent again.
    assert_eq!(
        without_ticks(update(&mut state, key(KeyCode::Enter))),
        vec![Command::AcceptOffer { organization: 1 }]
    );
}

#[test]
fn viewer_and_support_may_not_start_a_new_activation() {
    for role in [Role::Viewer, Role::Support] {
        let mut state = loaded_state(Lang::Ru);
        let mut me = me();
        me.role = role;
        update(&mut state, Msg::MeLoaded(Ok(me)));
        update(&mut state, ch('a'));
        assert_eq!(state.front(), Front::List);
        assert!(state.new_activation.is_none());
        let error = state.last_error.clone().expect("a reason");
        assert!(error.contains("не может создавать активации"), "{error}");
    }
}

// ---- Serials ----

#[test]
fn paste_goes_into_the_text_area_keeping_lines_and_typing_works() {
    let mut state = serials_state(Lang::Ru);
    update(
        &mut state,
        Msg::Paste("0239110138900130\r\n0408420138900124".into()),
    );
    update(&mut state, key(KeyCode::Enter));
    for c in "1007512879004126".chars() {
        update(&mut state, ch(c));
    }
    let f = flow(&state);
    assert_eq!(
        f.input.text(),
        "0239110138900130\n0408420138900124\n1007512879004126"
    );
    assert_eq!(f.check.serials.len(), 3);
    assert!(f.check.errors.is_empty());
}

#[test]
fn format_errors_are_listed_by_line_and_sent_in_place_for_the_precheck() {
    let mut state = serials_state(Lang::Ru);
    update(
        &mut state,
        Msg::Paste(
            "0239110138900130\n# comment\n\n12345\n0408420138900124 02391101389001A0\n".into(),
        ),
    );
    let f = flow(&state);
    let lines: Vec<usize> = f.check.errors.iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        vec![4, 5],
        "errors are known, with line numbers, before sending"
    );
    let commands = without_ticks(update(&mut state, fkey(5)));
    assert_eq!(
        commands,
        vec![Command::Precheck {
            organization: 1,
            serials: [
                "0239110138900130",
                "12345",
                "0408420138900124",
                "02391101389001A0"
            ]
            .map(String::from)
            .to_vec(),
        }],
        "bad tokens go in their place so the table shows them as format errors"
    );
}

#[test]
fn an_empty_list_is_not_sent() {
    let mut state = serials_state(Lang::En);
    update(&mut state, Msg::Paste("# only a comment\n\n".into()));
    assert!(without_ticks(update(&mut state, fkey(5))).is_empty());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("empty"))
    );
}

#[test]
fn precheck_sends_the_parsed_serials_and_the_answer_fills_the_table() {
    let mut state = serials_state(Lang::Ru);
    update(&mut state, Msg::Paste(SERIALS_TEXT.into()));
    let commands = without_ticks(update(&mut state, fkey(5)));
    assert_eq!(
        commands,
        vec![Command::Precheck {
            organization: 1,
            serials: vec![
                "0239110138900130".into(),
                "0408420138900124".into(),
                "1007512879004126".into(),
                "1111222233334444".into(),
                "0239110138900130".into(),
                "1007512879004127".into(),
            ],
        }]
    );
    update(
        &mut state,
        Msg::Prechecked(Ok(licadm::client::wire::PrecheckResponse {
            rows: precheck_rows(),
        })),
    );
    let f = flow(&state);
    assert_eq!(f.step, Step::Precheck);
    assert_eq!(f.rows.len(), 6);
    assert_eq!(f.rows[3].row.outcome, PrecheckOutcome::NotFound);
    assert_eq!(
        new_activation::summary_text(f, Lang::Ru),
        "К активации: 4 (все проверенные) · с ошибками: 2 · итого 12 600 ₽"
    );
}

#[test]
fn a_failed_precheck_keeps_the_text() {
    let mut state = serials_state(Lang::Ru);
    update(&mut state, Msg::Paste(SERIALS_TEXT.into()));
    update(&mut state, fkey(5));
    update(
        &mut state,
        Msg::Prechecked(Err(ClientError::Unreachable("connection refused".into()))),
    );
    assert_eq!(flow(&state).step, Step::Serials);
    assert_eq!(
        flow(&state).input.text(),
        SERIALS_TEXT.trim_end_matches('\n').to_string() + "\n"
    );
    // Offline, the console says plainly that this step needs the portal.
    let error = state.last_error.clone().unwrap_or_default();
    assert!(
        error.contains("проверка номеров требует связи с порталом"),
        "{error}"
    );
    assert!(error.contains("список сохранён"), "{error}");
}

#[test]
fn import_and_sample_file_are_commands_and_the_import_fills_the_text_area() {
    let mut state = serials_state(Lang::Ru);
    update(&mut state, ctrl('o'));
    for c in "/tmp/serials.txt".chars() {
        update(&mut state, ch(c));
    }
    let commands = without_ticks(update(&mut state, key(KeyCode::Enter)));
    assert_eq!(
        commands,
        vec![Command::ImportSerials {
            path: "/tmp/serials.txt".into()
        }]
    );
    assert!(
        flow(&state).input.text().is_empty(),
        "the path is not typed into the list"
    );
    update(
        &mut state,
        Msg::SerialsImported {
            path: "/tmp/serials.txt".into(),
            result: Ok("0239110138900130\n0408420138900124\n".into()),
        },
    );
    assert_eq!(flow(&state).check.serials.len(), 2);
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("/tmp/serials.txt"))
    );

    let commands = without_ticks(update(&mut state, ctrl('s')));
    match commands.as_slice() {
        [
            Command::WriteSampleFile {
                file_name,
                contents,
            },
        ] => {
            assert!(file_name.ends_with(".txt"));
            assert!(contents.lines().any(|l| l.starts_with('#')));
            let parsed = licadm::domain::parse_serial_list(contents);
            assert!(parsed.errors.is_empty() && parsed.serials.len() >= 3);
        }
        other => panic!("{other:?}"),
    }
    update(
        &mut state,
        Msg::FileSaved(Ok("/home/u/Downloads/x.txt".into())),
    );
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("/home/u/Downloads/x.txt"))
    );
}

#[test]
fn leaving_the_flow_keeps_the_text_and_f8_discards_it() {
    let mut state = serials_state(Lang::Ru);
    update(&mut state, Msg::Paste("0239110138900130".into()));
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.front(), Front::List);
    update(&mut state, ch('a'));
    assert_eq!(flow(&state).input.text(), "0239110138900130");
    update(&mut state, fkey(8));
    assert!(
        state.new_activation.is_some(),
        "F8 asks first: the text would be lost"
    );
    update(&mut state, key(KeyCode::Enter));
    assert!(state.new_activation.is_some(), "Enter pressed Cancel");
    update(&mut state, fkey(8));
    confirm(&mut state);
    assert!(state.new_activation.is_none());
    assert_eq!(state.front(), Front::List);
}

// ---- Precheck table ----

#[test]
fn space_selects_star_selects_all_and_none() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch(' '));
    assert_eq!(selected_serials(&state), vec!["0239110138900130"]);
    assert_eq!(flow(&state).cursor, 1, "space moves to the next row");
    update(&mut state, ch(' '));
    assert_eq!(selected_serials(&state).len(), 2);
    update(&mut state, ch('k'));
    update(&mut state, ch(' '));
    assert_eq!(selected_serials(&state), vec!["0239110138900130"]);
    assert_eq!(
        new_activation::summary_text(flow(&state), Lang::Ru),
        "К активации: 1 (выбранные) · с ошибками: 2 · итого 3 900 ₽"
    );
    update(&mut state, ch('*'));
    assert_eq!(selected_serials(&state).len(), 6);
    update(&mut state, ch('*'));
    assert!(selected_serials(&state).is_empty());
    update(&mut state, ctrl('a'));
    assert_eq!(selected_serials(&state).len(), 6);
}

#[test]
fn delete_selected_and_delete_errors_edit_only_the_rows() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    update(&mut state, ch('d'));
    assert_eq!(flow(&state).rows.len(), 6, "d asks first");
    confirm(&mut state);
    let serials: Vec<_> = flow(&state)
        .rows
        .iter()
        .map(|l| l.row.serial.clone())
        .collect();
    assert_eq!(
        serials,
        vec![
            "1007512879004126",
            "1111222233334444",
            "0239110138900130",
            "1007512879004127"
        ]
    );
    update(&mut state, ch('D'));
    assert_eq!(flow(&state).rows.len(), 4, "D asks first");
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(flow(&state).rows.len(), 4, "Enter pressed Cancel");
    update(&mut state, ch('D'));
    confirm(&mut state);
    assert_eq!(flow(&state).rows.len(), 2);
    assert_eq!(flow(&state).error_count(), 0);
    assert_eq!(
        flow(&state).input.text(),
        SERIALS_TEXT,
        "the pasted text is kept as it was"
    );
    update(&mut state, ch('G'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Delete));
    confirm(&mut state);
    assert_eq!(flow(&state).rows.len(), 1);
    assert_eq!(flow(&state).cursor, 0);
}

#[test]
fn retail_toggle_and_copy() {
    let mut state = precheck_state(Lang::Ru);
    assert!(!flow(&state).show_retail);
    update(&mut state, ch('P'));
    assert!(flow(&state).show_retail);
    update(&mut state, ch('j'));
    let commands = without_ticks(update(&mut state, ch('y')));
    assert_eq!(
        commands,
        vec![Command::CopyToClipboard("0408420138900124".into())]
    );
    assert!(
        state
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("скопировано"))
    );
}

// ---- Confirmation and creation ----

#[test]
fn activate_with_errors_in_the_list_or_nothing_selected_is_refused_locally() {
    let mut state = precheck_state(Lang::Ru);
    assert!(without_ticks(update(&mut state, ch('A'))).is_empty());
    assert!(open_confirmation(&state).is_none());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("удалите строки с ошибками"))
    );

    assert!(without_ticks(update(&mut state, key(KeyCode::Enter))).is_empty());
    assert!(open_confirmation(&state).is_none());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("Ничего не выбрано"))
    );

    // A selection with an errored row is refused too.
    update(&mut state, ch('G'));
    update(&mut state, ch('k'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Enter));
    assert!(open_confirmation(&state).is_none());
}

#[test]
fn confirm_shows_counts_per_vendor_and_total_then_sends_the_ok_serials_with_a_key() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch('D'));
    confirm(&mut state);
    update(&mut state, ch('A'));
    let dialog = open_confirmation(&state).expect("the confirmation is open");
    assert_eq!(dialog.focus, Button::Cancel, "it opens on Cancel");
    assert_eq!(
        dialog.lines,
        vec![
            "Активировать 4 лицензии? Будут созданы 2 активации:",
            "  Пэй Киоск — 3 устройства, 10 700 ₽",
            "  PP-Электро — 1 устройство, 1 900 ₽",
            "Итого 12 600 ₽.",
        ]
    );
    // Esc cancels without sending.
    assert!(without_ticks(update(&mut state, key(KeyCode::Esc))).is_empty());
    assert!(open_confirmation(&state).is_none());

    update(&mut state, ch('A'));
    assert!(
        without_ticks(update(&mut state, key(KeyCode::Enter))).is_empty(),
        "Enter at first presses Cancel"
    );
    update(&mut state, ch('A'));
    let (serials, key1) = create_command(&confirm(&mut state));
    assert_eq!(
        serials,
        vec![
            "0239110138900130",
            "0408420138900124",
            "1007512879004126",
            "1007512879004127"
        ]
    );
    assert!(!key1.is_empty());
    assert!(
        open_confirmation(&state).is_some_and(|d| d.pending),
        "it stays, sending, until the portal answers"
    );
    assert!(
        without_ticks(update(&mut state, key(KeyCode::Enter))).is_empty(),
        "no double submit while the request is on its way"
    );
}

#[test]
fn confirm_of_a_selection_counts_only_the_selection() {
    let mut state = precheck_state(Lang::En);
    update(&mut state, ch('j'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Enter));
    let dialog = open_confirmation(&state).expect("confirmation");
    assert_eq!(
        dialog.lines,
        vec![
            "Activate 1 license? 1 activation will be created:",
            "  PP-Electro — 1 device, 1 900 ₽",
            "Total 1 900 ₽.",
        ]
    );
    let (serials, _) = create_command(&confirm(&mut state));
    assert_eq!(serials, vec!["0408420138900124"]);
}

#[test]
fn a_network_failure_keeps_rows_and_selection_and_reconfirming_reuses_the_key() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    let rows_before = flow(&state).rows.clone();
    update(&mut state, key(KeyCode::Enter));
    let (serials1, key1) = create_command(&confirm(&mut state));
    update(
        &mut state,
        Msg::ActivationsCreated(Err(ClientError::Timeout)),
    );
    assert_eq!(state.front(), Front::NewActivation);
    assert_eq!(flow(&state).step, Step::Precheck);
    assert_eq!(flow(&state).rows, rows_before, "rows and selection kept");
    assert!(open_confirmation(&state).is_none());
    assert!(state.last_error.is_some());

    update(&mut state, key(KeyCode::Enter));
    let (serials2, key2) = create_command(&confirm(&mut state));
    assert_eq!(serials1, serials2);
    assert_eq!(key1, key2, "the same request must not be charged twice");

    // A different selection is a different request: a new key.
    update(
        &mut state,
        Msg::ActivationsCreated(Err(ClientError::Timeout)),
    );
    update(&mut state, ch('g'));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Enter));
    let (serials3, key3) = create_command(&confirm(&mut state));
    assert_eq!(serials3, vec!["0408420138900124"]);
    assert_ne!(key3, key1);
}

#[test]
fn a_rejected_answer_marks_those_rows_and_keeps_the_selection() {
    let mut state = precheck_state(Lang::Ru);
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    update(&mut state, key(KeyCode::Enter));
    confirm(&mut state);
    update(
        &mut state,
        Msg::ActivationsCreated(Err(ClientError::Rejected {
            message: "Не все номера можно активировать".into(),
            request_id: None,
            rejected: vec![error_row(
                "0408420138900124",
                PrecheckOutcome::Pending,
                "Уже в активации, которая ещё в работе",
            )],
        })),
    );
    let f = flow(&state);
    assert_eq!(f.step, Step::Precheck);
    assert_eq!(f.rows[1].row.outcome, PrecheckOutcome::Pending);
    assert!(f.rows[1].selected, "selection kept");
    assert!(f.rows[0].selected);
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("Не все номера можно активировать"))
    );
}

#[test]
fn success_lands_on_the_list_with_highlights_and_the_default_query() {
    let mut state = precheck_state(Lang::Ru);
    // The user had filters on the list before.
    state.list.query.status = Some(ActivationStatus::Done);
    state.list.query.page = 3;
    update(&mut state, ch('D'));
    confirm(&mut state);
    update(&mut state, ch('A'));
    confirm(&mut state);
    let created = CreatedActivations {
        activations: vec![
            activation(
                421,
                ActivationStatus::InProgress,
                Vendor::PayKiosk,
                3,
                10700,
            ),
            activation(
                422,
                ActivationStatus::InProgress,
                Vendor::PpElectro,
                1,
                1900,
            ),
        ],
    };
    let commands = update(&mut state, Msg::ActivationsCreated(Ok(created)));
    assert_eq!(state.front(), Front::List);
    assert!(state.new_activation.is_none());
    assert_eq!(state.list.highlighted, vec![421, 422]);
    let (request_id, query) = activations_request(&commands);
    assert_eq!(query, ActivationQuery::default());
    assert!(state.notice.as_deref().is_some_and(|n| n.contains("№ 421")));

    let mut rows = seed_rows();
    rows.insert(
        0,
        activation(
            422,
            ActivationStatus::InProgress,
            Vendor::PpElectro,
            1,
            1900,
        ),
    );
    rows.insert(
        0,
        activation(
            421,
            ActivationStatus::InProgress,
            Vendor::PayKiosk,
            3,
            10700,
        ),
    );
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(rows, 1, 25, 422)),
        },
    );
    let (lines, _) = render(&state, 80, 24);
    let text = lines.join("\n");
    assert!(text.contains("*421"), "{text}");
    assert!(text.contains("*422"), "{text}");
    assert!(text.contains("* — новые активации"), "{text}");
    // Changing a filter drops the marks.
    update(&mut state, ch('s'));
    update(&mut state, key(KeyCode::Down));
    update(&mut state, key(KeyCode::Enter));
    assert!(state.list.highlighted.is_empty());
}

// ---- Polling ----

fn list_with(rows: Vec<licadm::client::wire::ActivationSummary>) -> State {
    let mut state = new_state(Lang::Ru);
    let commands = update(&mut state, Msg::Start);
    let (request_id, _) = activations_request(&commands);
    update(&mut state, Msg::MeLoaded(Ok(me())));
    let total = rows.len() as u64;
    let commands = update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(rows, 1, 25, total)),
        },
    );
    state.polling.tick_scheduled = commands.contains(&Command::ScheduleTick);
    state
}

#[test]
fn tick_fetches_only_while_something_is_in_progress() {
    // Nothing in progress: no timer at all, and a stray tick fetches nothing.
    let mut state = list_with(vec![activation(
        28,
        ActivationStatus::Done,
        Vendor::PayKiosk,
        1,
        2900,
    )]);
    assert!(!state.polling.tick_scheduled);
    assert!(update(&mut state, Msg::Tick).is_empty());

    // One in progress: a timer; the tick re-reads the page quietly.
    let mut state = list_with(vec![
        activation(29, ActivationStatus::InProgress, Vendor::PayKiosk, 1, 2900),
        activation(28, ActivationStatus::Done, Vendor::PayKiosk, 1, 2900),
    ]);
    assert!(state.polling.tick_scheduled);
    let commands = update(&mut state, Msg::Tick);
    let (request_id, query) = activations_request(&commands);
    assert_eq!(query, state.list.applied);
    assert!(commands.contains(&Command::ScheduleTick), "keeps polling");
    assert!(!state.list.loading(), "a poll shows no loading marker");

    // The answer: done. The row changes without a key press, and polling stops.
    let before = state.clone();
    let commands = update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(
                vec![
                    activation(29, ActivationStatus::Done, Vendor::PayKiosk, 1, 2900),
                    activation(28, ActivationStatus::Done, Vendor::PayKiosk, 1, 2900),
                ],
                1,
                25,
                2,
            )),
        },
    );
    assert_ne!(state, before);
    assert_eq!(state.list.rows()[0].status, ActivationStatus::Done);
    assert!(commands.is_empty());
    let commands = update(&mut state, Msg::Tick);
    assert!(commands.is_empty(), "{commands:?}");
}

#[test]
fn a_poll_that_brings_nothing_new_leaves_the_state_equal() {
    let rows = vec![activation(
        29,
        ActivationStatus::InProgress,
        Vendor::PayKiosk,
        1,
        2900,
    )];
    let mut state = list_with(rows.clone());
    let before = state.clone();
    let commands = update(&mut state, Msg::Tick);
    let (request_id, _) = activations_request(&commands);
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(rows, 1, 25, 1)),
        },
    );
    assert_eq!(state, before, "nothing to redraw");
}

// ---- Detail ----

fn detail_state(status: ActivationStatus, role: Role) -> State {
    let mut state = list_with(vec![activation(24, status, Vendor::PayKiosk, 1, 1900)]);
    let mut me = me();
    me.role = role;
    update(&mut state, Msg::MeLoaded(Ok(me)));
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::FetchDetail { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .expect("FetchDetail");
    let mut loaded = detail(24, status);
    loaded.summary.organization = techbusiness();
    update(
        &mut state,
        Msg::DetailLoaded {
            request_id,
            result: Ok(loaded),
        },
    );
    state
}

#[test]
fn detail_retry_by_role_and_status_asks_first_and_polls_after_it() {
    let mut state = detail_state(ActivationStatus::Error, Role::Viewer);
    assert!(without_ticks(update(&mut state, ch('R'))).is_empty());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("просмотр"))
    );

    let mut state = detail_state(ActivationStatus::Done, Role::Support);
    assert!(without_ticks(update(&mut state, ch('R'))).is_empty());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("Ошибка"))
    );

    let mut state = detail_state(ActivationStatus::Error, Role::Support);
    assert!(
        without_ticks(update(&mut state, ch('R'))).is_empty(),
        "asks first"
    );
    let question = open_confirmation(&state).map(|d| d.lines.join(" "));
    assert!(
        question.as_deref().is_some_and(|q| q.contains("№ 24")),
        "{question:?}"
    );
    let commands = without_ticks(confirm(&mut state));
    assert_eq!(commands, vec![Command::Retry { number: 24 }]);
    let commands = update(
        &mut state,
        Msg::Retried {
            number: 24,
            result: Ok(activation(
                24,
                ActivationStatus::InProgress,
                Vendor::PayKiosk,
                1,
                1900,
            )),
        },
    );
    assert_eq!(
        state
            .detail
            .as_ref()
            .and_then(|d| d.summary())
            .map(|s| s.status),
        Some(ActivationStatus::InProgress)
    );
    assert!(commands.contains(&Command::ScheduleTick), "polling starts");
    let commands = update(&mut state, Msg::Tick);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchDetail { number: 24, .. })),
        "{commands:?}"
    );
}

#[test]
fn detail_save_only_when_done_and_shows_the_path() {
    let mut state = detail_state(ActivationStatus::Error, Role::Viewer);
    assert!(without_ticks(update(&mut state, ch('L'))).is_empty());
    assert!(state.last_error.is_some());

    let mut state = detail_state(ActivationStatus::Done, Role::Viewer);
    let commands = without_ticks(update(&mut state, ch('L')));
    assert_eq!(commands, vec![Command::SaveLicenseFile { number: 24 }]);
    update(
        &mut state,
        Msg::FileSaved(Ok("/home/u/Downloads/license-24.lic".into())),
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[23].contains("license-24.lic"), "{}", lines[23]);

    update(
        &mut state,
        Msg::FileSaved(Err(SaveError::Write {
            path: "/ro/license-24.lic".into(),
            error: "read-only file system".into(),
        })),
    );
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("/ro/license-24.lic"))
    );
}

// ---- View at 80x24 ----

#[test]
fn view_serials_step_with_format_errors_in_both_languages() {
    for (lang, needles) in [
        (
            Lang::Ru,
            [
                "Новая активация · Серийные номера",
                "Строка 2: «12345» — нужно 16 цифр, здесь 5",
                "1 номер · ошибок формата: 1",
                "F5 проверить",
            ],
        ),
        (
            Lang::En,
            [
                "New activation · Serial numbers",
                "Line 2: \"12345\" — 16 digits expected, got 5",
                "1 serial · format errors: 1",
                "F5 precheck",
            ],
        ),
    ] {
        let mut state = serials_state(lang);
        update(&mut state, Msg::Paste("0239110138900130\n12345".into()));
        let (lines, _) = render(&state, 80, 24);
        let text = lines.join("\n");
        for needle in needles {
            assert!(text.contains(needle), "{needle:?} not in\n{text}");
        }
    }
}

#[test]
fn view_precheck_table_with_colors_marks_and_summary() {
    let state = precheck_state(Lang::Ru);
    let (lines, terminal) = render(&state, 80, 24);
    let text = lines.join("\n");
    for needle in [
        "[x]",
        "Серийный номер",
        "Тек. подписка",
        "Ваша цена",
        "К активации: 4 (все проверенные) · с ошибками: 2 · итого 12 600 ₽",
        "Серийный номер не",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
    // The expired subscription: a marker and the theme's color.
    let y = lines
        .iter()
        .position(|l| l.contains("0408420138900124") && l.contains("01.11.2025"))
        .expect("expired row");
    let x = lines[y].chars().position(|c| c == '✕').expect("marker");
    let cell = &terminal.backend().buffer()[(x as u16, y as u16)];
    assert_eq!(cell.fg, state.theme.urgency_expired.fg.expect("color"));
    // The error row's message is in the error color.
    let y = lines
        .iter()
        .position(|l| l.contains("1111222233334444"))
        .expect("not found row");
    let x = lines[y]
        .find("Серийный номер не")
        .map(|b| lines[y][..b].chars().count())
        .expect("message");
    let cell = &terminal.backend().buffer()[(x as u16, y as u16)];
    assert_eq!(cell.fg, state.theme.error.fg.expect("color"));

    let mut state = precheck_state(Lang::En);
    update(&mut state, ch('P'));
    update(&mut state, ch(' '));
    let (lines, _) = render(&state, 80, 24);
    let text = lines.join("\n");
    for needle in [
        "Retail",
        "[x] 0239110138900130",
        "To activate: 1 (selected) · with errors: 2 · total 3 900 ₽",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

#[test]
fn view_confirm_modal_in_both_languages() {
    for (lang, needles) in [
        (
            Lang::Ru,
            [
                "Активировать 4 лицензии? Будут созданы 2 активации:",
                "Пэй Киоск — 3 устройства, 10 700 ₽",
                "Итого 12 600 ₽.",
                "[ Отмена ]   [ Активировать ]",
            ],
        ),
        (
            Lang::En,
            [
                "Activate 4 licenses? 2 activations will be created:",
                "Pay Kiosk — 3 devices, 10 700 ₽",
                "Total 12 600 ₽.",
                "[ Cancel ]   [ Activate ]",
            ],
        ),
    ] {
        let mut state = precheck_state(lang);
        update(&mut state, ch('D'));
        confirm(&mut state);
        update(&mut state, ch('A'));
        let (lines, _) = render(&state, 80, 24);
        let text = lines.join("\n");
        for needle in needles {
            assert!(text.contains(needle), "{needle:?} not in\n{text}");
        }
    }
}

#[test]
fn small_terminals_do_not_panic_in_any_step() {
    let mut states = vec![serials_state(Lang::Ru), precheck_state(Lang::Ru)];
    let mut confirmation = precheck_state(Lang::Ru);
    update(&mut confirmation, ch('D'));
    confirm(&mut confirmation);
    update(&mut confirmation, ch('A'));
    states.push(confirmation);
    let mut chooser = loaded_state(Lang::Ru);
    update(&mut chooser, ch('a'));
    states.push(chooser.clone());
    update(&mut chooser, key(KeyCode::Enter));
    states.push(chooser);
    for state in &states {
        for (w, h) in [(80, 24), (120, 40), (79, 23), (20, 5), (1, 1)] {
            render(state, w, h);
        }
    }
}

#[test]
fn list_retry_and_download_act_on_the_selected_row() {
    // Seed rows: 28 done, 27 done, 26 done, 25 in progress, 24 error.
    let mut state = loaded_state(Lang::Ru);
    assert_eq!(
        without_ticks(update(&mut state, ch('L'))),
        vec![Command::SaveLicenseFile { number: 28 }]
    );
    assert!(without_ticks(update(&mut state, ch('R'))).is_empty());
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('G'));
    assert!(without_ticks(update(&mut state, ch('R'))).is_empty());
    assert_eq!(
        without_ticks(confirm(&mut state)),
        vec![Command::Retry { number: 24 }]
    );
    let commands = update(
        &mut state,
        Msg::Retried {
            number: 24,
            result: Ok(activation(
                24,
                ActivationStatus::InProgress,
                Vendor::PayKiosk,
                1,
                1900,
            )),
        },
    );
    assert_eq!(state.list.rows()[4].status, ActivationStatus::InProgress);
    assert!(without_ticks(commands).is_empty());
    assert!(
        state.dialogs.is_empty(),
        "the answer closed the confirmation"
    );
    assert!(
        without_ticks(update(&mut state, ch('L'))).is_empty(),
        "no license file while in progress"
    );
}

#[test]
fn hint_lines_of_the_new_screens_keep_back_visible_at_80_columns() {
    for lang in [Lang::Ru, Lang::En] {
        let state = precheck_state(lang);
        let (lines, _) = render(&state, 80, 24);
        let back = if lang == Lang::Ru {
            "Esc назад"
        } else {
            "Esc back"
        };
        assert!(lines[22].contains(back), "{}", lines[22]);
        assert!(lines[22].contains("Space"), "{}", lines[22]);
        let state = serials_state(lang);
        let (lines, _) = render(&state, 80, 24);
        assert!(lines[22].contains("F5"), "{}", lines[22]);
        assert!(lines[22].contains("Ctrl+O"), "{}", lines[22]);
    }
    let state = loaded_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[22].contains("a новая активация"), "{}", lines[22]);
    let state = loaded_state(Lang::En);
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[22].contains("a new activation"), "{}", lines[22]);
}
