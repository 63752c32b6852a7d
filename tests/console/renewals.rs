//! The Renewals screen («Продления», `7`; issue 16) through `update` and `view`:
//! entering reads the devices by time left and the totals; rows show the end in the
//! precheck's colours, days left and «Ваша цена»; Space marks, `*` marks every
//! matching device; `a` opens the new-activation flow with the marked serials
//! prechecked, and the order's key is the renewal's, derived from what it renews.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::devices::{
    DeviceGroup, DeviceItem, DevicePage, DeviceQuery, DeviceTotals, renewal_key,
};
use licadm::client::events::EventOrganization;
use licadm::client::wire::{Organization, PrecheckResponse, VendorRef};
use licadm::console::app::{Command, Front, Msg, State, update};
use licadm::console::screens::dialog::Dialog;
use licadm::console::screens::renewals::{RenewalsCommand, RenewalsMsg};
use licadm::domain::{Kopecks, Lang, PrecheckOutcome, Vendor};
use unicode_width::UnicodeWidthStr;

fn device(serial: &str, org: i64, until: (i32, u32, u32), rubles: i64) -> DeviceItem {
    DeviceItem {
        serial: serial.into(),
        organization: EventOrganization {
            id: org,
            name: if org == 1 {
                "ТЕХБИЗНЕС+ ООО"
            } else {
                "АЛЬСТЕР ООО"
            }
            .into(),
        },
        vendor: VendorRef::from(Vendor::PayKiosk),
        model: "aQsi 5".into(),
        subscription_until: date(until.0, until.1, until.2),
        price: Kopecks::from_rubles(rubles),
        retail_price: Kopecks::from_rubles(rubles + 700),
    }
}

fn devices() -> Vec<DeviceItem> {
    vec![
        device("0152042731904941", 1, (2025, 12, 1), 2900),
        device("0152569401901731", 1, (2025, 12, 20), 2900),
        device("0730809573904095", 2, (2026, 1, 9), 3400),
    ]
}

fn totals() -> DeviceTotals {
    DeviceTotals {
        groups: vec![
            DeviceGroup {
                organization: EventOrganization {
                    id: 1,
                    name: "ТЕХБИЗНЕС+ ООО".into(),
                },
                vendor: VendorRef::from(Vendor::PayKiosk),
                count: 2,
                total: Kopecks::from_rubles(5800),
            },
            DeviceGroup {
                organization: EventOrganization {
                    id: 2,
                    name: "АЛЬСТЕР ООО".into(),
                },
                vendor: VendorRef::from(Vendor::PayKiosk),
                count: 1,
                total: Kopecks::from_rubles(3400),
            },
        ],
        count: 3,
        total: Kopecks::from_rubles(9200),
    }
}

fn requests(commands: &[Command]) -> (Option<(u64, DeviceQuery)>, Option<u64>, Option<u64>) {
    let mut out = (None, None, None);
    for c in commands {
        match c {
            Command::Renewals(RenewalsCommand::Fetch { request_id, query }) => {
                out.0 = Some((*request_id, query.clone()))
            }
            Command::Renewals(RenewalsCommand::Totals { request_id, .. }) => {
                out.1 = Some(*request_id)
            }
            Command::Renewals(RenewalsCommand::FetchAll { request_id, .. }) => {
                out.2 = Some(*request_id)
            }
            _ => {}
        }
    }
    out
}

/// Organizations whose offer is accepted: the flow goes straight to the precheck.
fn accepted() -> Vec<Organization> {
    organizations()
        .into_iter()
        .map(|o| Organization {
            offer_accepted_at: Some(utc(2025, 1, 1, 9)),
            ..o
        })
        .collect()
}

/// On the Renewals screen with its first page and totals loaded.
fn renewals_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    update(&mut state, Msg::OrganizationsLoaded(Ok(accepted())));
    let commands = update(&mut state, ch('7'));
    let (page, totals_id, _) = requests(&commands);
    let (request_id, query) = page.expect("a page is asked");
    // Least time left first, within 30 days of today (13.12.2025): before 13.01.2026.
    assert_eq!(query.ending_before, Some(date(2026, 1, 13)));
    assert_eq!(query.cursor, None);
    update(
        &mut state,
        Msg::Renewals(RenewalsMsg::Loaded {
            request_id,
            result: Ok(DevicePage {
                items: devices(),
                per_page: 25,
                page: 1,
                next: Some("p2".into()),
            }),
        }),
    );
    update(
        &mut state,
        Msg::Renewals(RenewalsMsg::Totals {
            request_id: totals_id.expect("totals are asked"),
            result: Ok(totals()),
        }),
    );
    state
}

#[test]
fn the_screen_lists_devices_by_time_left_with_prices_and_totals_at_80_columns() {
    let state = renewals_state(Lang::Ru);
    assert_eq!(state.front(), Front::Renewals);
    for height in [24, 22] {
        let (lines, _) = render(&state, 80, height);
        let text = screen_text(&lines);
        for expected in [
            "[7 Продления]",
            "Продления подписок",
            "Срок: до 30 дн.",
            "0152042731904941",
            "01.12.2025",
            "2 900 ₽",
            "Итого по фильтру: 3 устр. · 9 200 ₽",
        ] {
            assert!(
                text.contains(expected),
                "{expected} missing at 80×{height}:\n{text}"
            );
        }
        assert!(lines.iter().all(|l| l.width() <= 80));
    }
    // The ended one is marked as the precheck marks it; days left are counted.
    let (lines, _) = render(&state, 80, 24);
    let row = lines
        .iter()
        .find(|l| l.contains("0152042731904941"))
        .expect("row");
    assert!(row.contains("✕ 01.12.2025") && row.contains("-12"), "{row}");
    let row = lines
        .iter()
        .find(|l| l.contains("0152569401901731"))
        .expect("row");
    assert!(row.contains("‼ 20.12.2025") && row.contains(" 7 "), "{row}");
    // Per organization and vendor, at a height with room for them.
    let text = screen_text(&render(&state, 80, 30).0);
    assert!(
        text.contains("ТЕХБИЗНЕС+ ООО · Пэй Киоск: 2 × → 5 800 ₽"),
        "{text}"
    );
}

#[test]
fn marks_across_pages_and_all_matching_then_a_renews_one_organization() {
    let mut state = renewals_state(Lang::Ru);
    // Space marks and moves down; a device of another organization marked too.
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    update(&mut state, ch(' '));
    assert_eq!(state.renewals.marks.len(), 3);
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Отмечено: 3 · 9 200 ₽"), "{text}");
    // Two organizations: refused with a notice that holds the keyboard.
    update(&mut state, ch('a'));
    assert!(
        matches!(state.dialogs.last(), Some(Dialog::Notice(_))),
        "refused"
    );
    assert!(state.new_activation.is_none());
    update(&mut state, key(KeyCode::Esc));
    // The next page keeps the marks; unmark the other organization's device.
    let (page, _, _) = requests(&update(&mut state, key(KeyCode::Right)));
    let (request_id, query) = page.expect("next page");
    assert_eq!(query.cursor.as_deref(), Some("p2"));
    update(
        &mut state,
        Msg::Renewals(RenewalsMsg::Loaded {
            request_id,
            result: Ok(DevicePage {
                items: vec![device("0730809573904095", 2, (2026, 1, 9), 3400)],
                per_page: 25,
                page: 1,
                next: None,
            }),
        }),
    );
    update(&mut state, ch(' '));
    assert_eq!(state.renewals.marks.len(), 2, "unmarked across the page");

    // `a`: the flow for organization 1, the two serials filled in and prechecked.
    let commands = update(&mut state, ch('a'));
    assert_eq!(state.front(), Front::NewActivation);
    let (organization, serials) = commands
        .iter()
        .find_map(|c| match c {
            Command::Precheck {
                organization,
                serials,
            } => Some((*organization, serials.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a precheck in {commands:?}"));
    assert_eq!(organization, 1);
    assert_eq!(serials, vec!["0152042731904941", "0152569401901731"]);
    let current = [Some(date(2025, 12, 1)), Some(date(2025, 12, 20))];
    let rows = serials
        .iter()
        .zip(current)
        .map(|(serial, until)| licadm::client::wire::PrecheckRow {
            serial: serial.clone(),
            outcome: PrecheckOutcome::Ok,
            message: None,
            model: Some("aQsi 5".into()),
            vendor: Some(VendorRef::from(Vendor::PayKiosk)),
            current_until: until,
            new_until: Some(date(2026, 12, 20)),
            price: Some(Kopecks::from_rubles(2900)),
            retail_price: Some(Kopecks::from_rubles(3600)),
        })
        .collect();
    update(&mut state, Msg::Prechecked(Ok(PrecheckResponse { rows })));
    // Confirm: it starts on Cancel; A, then Tab to the button, Enter.
    update(&mut state, ch('A'));
    let commands = confirm(&mut state);
    let key = commands
        .iter()
        .find_map(|c| match c {
            Command::CreateActivations {
                idempotency_key, ..
            } => Some(idempotency_key.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a create in {commands:?}"));
    let expected = renewal_key(
        1,
        &[
            ("0152569401901731".into(), current[1]),
            ("0152042731904941".into(), current[0]),
        ],
    );
    assert_eq!(key, expected, "the renewal's key, the same on any console");
    // Created: the list, newest first, and the marks are spent.
    update(
        &mut state,
        Msg::ActivationsCreated(Ok(licadm::client::wire::CreatedActivations {
            activations: vec![activation(
                500,
                licadm::domain::ActivationStatus::InProgress,
                Vendor::PayKiosk,
                2,
                5800,
            )],
        })),
    );
    assert_eq!(state.front(), Front::List);
    assert!(state.renewals.marks.is_empty());
}

#[test]
fn star_marks_every_matching_device_and_a_viewer_cannot_renew() {
    let mut state = renewals_state(Lang::En);
    let (_, _, all) = requests(&update(&mut state, ch('*')));
    let request_id = all.expect("every matching device is asked for");
    update(
        &mut state,
        Msg::Renewals(RenewalsMsg::All {
            request_id,
            result: Ok(devices()),
        }),
    );
    assert_eq!(state.renewals.marks.len(), 3);
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Marked: 3 · 9 200 ₽"), "{text}");
    update(&mut state, ch('c'));
    assert!(state.renewals.marks.is_empty());

    let mut viewer = renewals_state(Lang::Ru);
    let mut me = me();
    me.role = licadm::client::wire::Role::Viewer;
    update(&mut viewer, Msg::MeLoaded(Ok(me)));
    update(&mut viewer, ch(' '));
    update(&mut viewer, ch('a'));
    assert!(viewer.new_activation.is_none());
    assert!(matches!(viewer.dialogs.last(), Some(Dialog::Notice(_))));
}

/// The page counter says "page N of M" from the page's own number and the filters'
/// totals (issue 16: devices are paged like activations).
#[test]
fn the_counter_shows_the_page_of_all_pages_from_the_totals() {
    let mut state = renewals_state(Lang::Ru);
    let commands = update(&mut state, key(KeyCode::Right));
    let (page, _, _) = requests(&commands);
    let (request_id, query) = page.expect("the next page is asked");
    assert_eq!(query.cursor.as_deref(), Some("p2"));
    update(
        &mut state,
        Msg::Renewals(RenewalsMsg::Loaded {
            request_id,
            result: Ok(DevicePage {
                items: devices(),
                per_page: 25,
                page: 2,
                next: Some("p3".into()),
            }),
        }),
    );
    // The totals counted 60 devices: three pages of 25.
    let mut sixty = totals();
    sixty.count = 60;
    state.renewals.totals = Some(sixty);
    for height in [24, 22] {
        let text = screen_text(&render(&state, 80, height).0);
        assert!(
            text.contains("Стр. 2 из 3 · всего 60"),
            "80×{height}:\n{text}"
        );
    }
}

fn loaded(state: &mut State, request_id: u64, page: u32, next: Option<&str>) {
    update(
        state,
        Msg::Renewals(RenewalsMsg::Loaded {
            request_id,
            result: Ok(DevicePage {
                items: devices(),
                per_page: 25,
                page,
                next: next.map(Into::into),
            }),
        }),
    );
}

/// End goes to the last page by its number, as on the Activations list (the pages
/// from the totals' count), `>` too; ← from there asks the page before by number; End
/// on the last page asks nothing; Home goes back to the first page.
#[test]
fn end_opens_the_last_page_by_number_and_home_the_first() {
    let mut state = renewals_state(Lang::En);
    // 60 devices, 25 a page: three pages.
    let mut sixty = totals();
    sixty.count = 60;
    state.renewals.totals = Some(sixty);
    update(&mut state, ch('j'));

    let (page, _, _) = requests(&update(&mut state, key(KeyCode::End)));
    let (request_id, query) = page.expect("the last page is asked");
    assert_eq!((query.page, query.cursor.as_deref()), (Some(3), None));
    loaded(&mut state, request_id, 3, None);
    assert_eq!(state.renewals.selected, 0, "a new page starts on top");
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Page 3 of 3 · 60 total"), "{text}");

    // ← from a page reached by number: the one before, by number.
    let (page, _, _) = requests(&update(&mut state, key(KeyCode::Left)));
    let (request_id, query) = page.expect("the page before is asked");
    assert_eq!((query.page, query.cursor.as_deref()), (Some(2), None));
    loaded(&mut state, request_id, 2, Some("p3"));

    // `>` is End too; on the last page, End has nothing to ask.
    let (page, _, _) = requests(&update(&mut state, ch('>')));
    let (request_id, query) = page.expect("the last page is asked");
    assert_eq!((query.page, query.cursor.as_deref()), (Some(3), None));
    loaded(&mut state, request_id, 3, None);
    assert!(update(&mut state, key(KeyCode::End)).is_empty());

    // Home: the first page, neither by number nor by cursor, and its totals.
    let (page, totals_id, _) = requests(&update(&mut state, key(KeyCode::Home)));
    let (_, query) = page.expect("the first page is asked");
    assert_eq!((query.page, query.cursor.as_deref()), (None, None));
    assert!(totals_id.is_some());
    assert_eq!(state.renewals.selected, 0);
}

/// `GET /devices` opens pages by number only within the first 10 000 rows: a last
/// page deeper than that is not asked; End goes to the last row read and the status
/// line says why and how to get further.
#[test]
fn end_beyond_page_numbers_goes_to_the_last_row_and_says_so() {
    let mut state = renewals_state(Lang::En);
    let mut many = totals();
    many.count = 20_000;
    state.renewals.totals = Some(many);
    let commands = update(&mut state, key(KeyCode::End));
    assert_eq!(requests(&commands).0, None, "{commands:?}");
    assert_eq!(state.renewals.selected, 2, "the last row read");
    let said = state.notice.clone().unwrap_or_default();
    assert!(
        said.starts_with("Last page 800 lies past the first 10 000 rows") && said.contains("PgDn"),
        "{said}"
    );
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Last page 800 lies past the first"), "{text}");

    // Before the totals are in: the last row too, and why.
    let mut state = renewals_state(Lang::Ru);
    state.renewals.totals = None;
    assert_eq!(requests(&update(&mut state, key(KeyCode::End))).0, None);
    assert_eq!(state.renewals.selected, 2);
    let said = state.notice.clone().unwrap_or_default();
    assert!(said.contains("ещё не известно"), "{said}");
}
