//! `:export FILE` and `:view save NAME` / `:view NAME` on every list (issue 16 b)
//! through `update`: Activity, Renewals, Invoices, Webhooks, Access and the error
//! triage each export their own list with the filters in force, save a view that
//! records its screen, and open it there with those filters again, from page 1.

use crate::support::console::issue4::typed;
use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::devices::DeviceQuery;
use licadm::config_views::{SavedView, period_from};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::Tab;
use licadm::console::screens::activity::ActivityCommand;
use licadm::console::screens::export::ExportList;
use licadm::console::screens::renewals::RenewalsCommand;
use licadm::console::screens::triage::Period;
use licadm::domain::Lang;

fn palette(state: &mut State, text: &str) -> Vec<Command> {
    let mut commands = update(state, ch(':'));
    commands.extend(typed(state, text));
    commands.extend(update(state, key(KeyCode::Enter)));
    commands
}

/// `:export FILE` on the screen in front: the list asked for; the export then ends.
fn exported(state: &mut State) -> ExportList {
    let commands = palette(state, "export view.csv");
    let [
        Command::Export {
            request_id, list, ..
        },
    ] = commands.as_slice()
    else {
        panic!("{commands:?} {:?}", state.last_error);
    };
    let (request_id, list) = (*request_id, list.as_ref().clone());
    update(
        state,
        Msg::Exported {
            request_id,
            result: Ok(("/d/view.csv".into(), 1)),
        },
    );
    list
}

#[test]
fn every_list_exports_its_own_rows_with_the_filters_in_force() {
    let mut state = loaded_state(Lang::En);
    let today = state.today;

    update(&mut state, ch('6'));
    assert_eq!(state.tab, Tab::Activity);
    state.activity.query.action = Some("seat.bound".into());
    state.activity.query.organization = Some(2);
    state.activity.query.cursor = Some("a-later-page".into());
    let ExportList::Events { query } = exported(&mut state) else {
        panic!("events");
    };
    assert_eq!(
        (query.action.as_deref(), query.organization, query.cursor),
        (Some("seat.bound"), Some(2), None),
        "the filters, from the first page"
    );

    update(&mut state, ch('7'));
    state.renewals.query.vendor = Some("pp-electro".into());
    let list = exported(&mut state);
    assert!(
        matches!(&list, ExportList::Devices { query, today: t }
            if query.vendor.as_deref() == Some("pp-electro") && *t == today),
        "{list:?}"
    );

    update(&mut state, ch('8'));
    assert_eq!(exported(&mut state), ExportList::Invoices { today });
    update(&mut state, ch('9'));
    assert_eq!(exported(&mut state), ExportList::Webhooks);
    update(&mut state, ch('5'));
    assert_eq!(exported(&mut state), ExportList::Tokens);

    // The triage: the palette opens over it and exports its groups of the period.
    update(&mut state, ch('1'));
    update(&mut state, ch('E'));
    update(&mut state, ch('p'));
    assert_eq!(
        exported(&mut state),
        ExportList::Triage { since: "7d".into() }
    );
    assert!(state.bulk.triage.is_some(), "still open under the palette");

    // Not a list: said so, nothing asked.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, ch('3'));
    assert!(palette(&mut state, "export view.csv").is_empty());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("lists")),
        "{:?}",
        state.last_error
    );
}

/// `:view save NAME` on the screen in front: the view written, and taken in.
fn saved(state: &mut State, name: &str) -> SavedView {
    let commands = palette(state, &format!("view save {name}"));
    let [Command::SaveView { view, .. }] = commands.as_slice() else {
        panic!("{commands:?} {:?}", state.last_error);
    };
    let view = view.as_ref().clone();
    update(
        state,
        Msg::ViewSaved {
            name: name.into(),
            result: Ok(()),
        },
    );
    view
}

#[test]
fn a_view_of_each_screen_records_it_and_opens_there_with_its_filters() {
    let mut state = loaded_state(Lang::En);
    state.bulk.config_path = Some("/tmp/licadm-test/config.toml".into());
    let today = state.today;

    // Activity: who/what/organization and the period in days.
    update(&mut state, ch('6'));
    state.activity.query.action = Some("seat.bound".into());
    state.activity.query.organization = Some(2);
    state.activity.period = Some(7);
    let view = saved(&mut state, "binds");
    assert_eq!(
        (view.list.as_str(), view.period, view.action.as_deref()),
        ("activity", Some(7), Some("seat.bound"))
    );
    update(&mut state, ch('1'));
    state.activity.query = Default::default();
    state.activity.period = None;
    let commands = palette(&mut state, "view binds");
    assert_eq!(state.tab, Tab::Activity);
    let query = commands
        .iter()
        .find_map(|c| match c {
            Command::Activity(ActivityCommand::Fetch { query, .. }) => Some(query.clone()),
            _ => None,
        })
        .expect("the log asked with the view's filters");
    assert_eq!(
        (query.action.as_deref(), query.organization, query.from),
        (Some("seat.bound"), Some(2), period_from(7, today))
    );

    // Renewals: vendor and window.
    update(&mut state, ch('7'));
    state.renewals.query.vendor = Some("pp-electro".into());
    state.renewals.window = 90;
    let view = saved(&mut state, "pp90");
    assert_eq!((view.list.as_str(), view.window), ("renewals", Some(90)));
    update(&mut state, ch('1'));
    state.renewals.query = DeviceQuery::default();
    state.renewals.window = 30;
    let commands = palette(&mut state, "view pp90");
    assert_eq!((state.tab, state.renewals.window), (Tab::Renewals, 90));
    let query = commands
        .iter()
        .find_map(|c| match c {
            Command::Renewals(RenewalsCommand::Fetch { query, .. }) => Some(query.clone()),
            _ => None,
        })
        .expect("the devices asked with the view's filters");
    assert_eq!(query.vendor.as_deref(), Some("pp-electro"));
    assert_eq!(
        query.ending_before,
        DeviceQuery::within(90, today).ending_before
    );

    // Screens without filters: the view is the screen.
    for (key_char, tab, list) in [
        ('8', Tab::Invoices, "invoices"),
        ('9', Tab::Webhooks, "webhooks"),
        ('5', Tab::Access, "access"),
    ] {
        update(&mut state, ch(key_char));
        assert_eq!(saved(&mut state, list).list, list);
        update(&mut state, ch('1'));
        palette(&mut state, &format!("view {list}"));
        assert_eq!(state.tab, tab, "{list}");
    }

    // The triage: its period; opened again over the Activations list.
    update(&mut state, ch('1'));
    update(&mut state, ch('E'));
    update(&mut state, ch('p'));
    let view = saved(&mut state, "week");
    assert_eq!((view.list.as_str(), view.period), ("triage", Some(7)));
    update(&mut state, key(KeyCode::Esc));
    assert!(state.bulk.triage.is_none());
    update(&mut state, ch('7'));
    let commands = palette(&mut state, "view week");
    assert_eq!(state.tab, Tab::Activations);
    assert_eq!(
        state.bulk.triage.as_ref().map(|t| t.period),
        Some(Period::Week)
    );
    assert!(
        matches!(commands.as_slice(), [Command::FetchTriage { since, .. }] if since == "7d"),
        "{commands:?}"
    );

    // A view whose screen the file got wrong: named, nothing changes.
    update(&mut state, key(KeyCode::Esc));
    state.bulk.views.insert(
        "odd".into(),
        SavedView {
            list: "nonsense".into(),
            ..SavedView::default()
        },
    );
    assert!(palette(&mut state, "view odd").is_empty());
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("odd: list \"nonsense\"")),
        "{:?}",
        state.last_error
    );
}

/// An export that stopped at its row limit says so, and how to get the rest: a file
/// that silently holds only part of the list would be taken for all of it.
#[test]
fn an_export_cut_at_its_limit_says_the_list_may_hold_more() {
    let mut state = loaded_state(Lang::En);
    update(&mut state, ch('6'));
    let commands = palette(&mut state, "export all.csv");
    let [Command::Export { request_id, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    let limit = licadm::console::runtime::export::EXPORT_MAX as u64;
    update(
        &mut state,
        Msg::Exported {
            request_id: *request_id,
            result: Ok(("/d/all.csv".into(), limit)),
        },
    );
    let said = state.last_error.clone().unwrap_or_default();
    assert!(
        said.contains("the export's limit") && said.contains("narrow the filters"),
        "{said}"
    );

    let commands = palette(&mut state, "export some.csv");
    let [Command::Export { request_id, .. }] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    update(
        &mut state,
        Msg::Exported {
            request_id: *request_id,
            result: Ok(("/d/some.csv".into(), limit - 1)),
        },
    );
    assert!(
        !state
            .last_error
            .clone()
            .unwrap_or_default()
            .contains("limit")
    );
}
