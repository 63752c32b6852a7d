//! The Invoices screen («Счета», `8`; issue 17) and the Prices dialog («Цены», `P` on
//! the list) through `update` and `view`: entering reads the invoices; rows show
//! status, amount, due date and the days left at 80 columns; Enter opens one with its
//! activations and Enter on a line opens that activation's detail; Esc goes back.

use crate::support::console::*;
use crossterm::event::KeyCode;
use licadm::client::invoices::{Invoice, InvoiceDetail, InvoiceLine};
use licadm::client::wire::{OrgRef, Price, VendorRef};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::screens::invoices::{InvoicesCommand, InvoicesMsg};
use licadm::domain::{InvoiceStatus, Kopecks, Lang, Period, Vendor};

fn invoice(number: &str, status: InvoiceStatus, due: &str, total: i64) -> Invoice {
    Invoice {
        number: number.into(),
        organization: OrgRef {
            id: 1,
            name: "АЛЬСТЕР ООО".into(),
            inn: "7842175621".into(),
        },
        period: Period::new(2026, 10).unwrap(),
        issued_on: "2026-11-01".parse().unwrap(),
        due_on: due.parse().unwrap(),
        status,
        total: Kopecks::from_rubles(total),
        license_count: 3,
        activation_count: 2,
        paid_at: None,
    }
}

fn invoices_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let later = (state.today + chrono::Days::new(3)).to_string();
    let commands = update(&mut state, ch('8'));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::Invoices(InvoicesCommand::Fetch { request_id }) => Some(*request_id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("an invoice fetch in {commands:?}"));
    update(
        &mut state,
        Msg::Invoices(InvoicesMsg::Loaded {
            request_id,
            result: Ok(vec![
                invoice("202610-00001", InvoiceStatus::Overdue, "2026-11-09", 7_700),
                invoice("202609-00001", InvoiceStatus::Issued, &later, 2_900),
            ]),
        }),
    );
    state
}

#[test]
fn the_list_shows_status_amount_and_due_date_at_80_columns() {
    let state = invoices_state(Lang::Ru);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    for expected in [
        "8 Счета",
        "Счета: ежемесячные",
        "202610-00001",
        "Просрочен",
        "7 700 ₽",
        "09.11.2026",
        "просрочен",
        "Выставлен",
        "через 3 дн.",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    assert!(lines.iter().all(|l| l.chars().count() <= 80));
}

#[test]
fn enter_opens_the_invoice_and_then_its_activation() {
    let mut state = invoices_state(Lang::Ru);
    let commands = update(&mut state, key(KeyCode::Enter));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::Invoices(InvoicesCommand::Open { request_id, number }) => {
                assert_eq!(number, "202610-00001");
                Some(*request_id)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("an invoice open in {commands:?}"));
    let line = |activation| InvoiceLine {
        activation,
        vendor: VendorRef::from(Vendor::PayKiosk),
        license_count: 1,
        amount: Kopecks::from_rubles(2_900),
        completed_at: "2026-10-03T10:00:00Z".parse().unwrap(),
    };
    update(
        &mut state,
        Msg::Invoices(InvoicesMsg::Opened {
            request_id,
            result: Ok(InvoiceDetail {
                invoice: invoice("202610-00001", InvoiceStatus::Overdue, "2026-11-09", 7_700),
                lines: vec![line(417), line(421)],
            }),
        }),
    );
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Счёт № 202610-00001 от 01.11.2026"), "{text}");
    assert!(text.contains("№ 417") && text.contains("№ 421"), "{text}");
    // The second line, Enter: the activation's detail opens (and is fetched).
    update(&mut state, key(KeyCode::Down));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchDetail { number: 421, .. })),
        "{commands:?}"
    );
    assert!(state.detail.is_some());
}

#[test]
fn esc_leaves_the_invoice_for_the_list_then_the_list_for_the_activations() {
    let mut state = invoices_state(Lang::En);
    state.invoices.open = Some(InvoiceDetail {
        invoice: invoice("202610-00001", InvoiceStatus::Paid, "2026-11-09", 7_700),
        lines: Vec::new(),
    });
    update(&mut state, key(KeyCode::Esc));
    assert!(state.invoices.open.is_none());
    let text = screen_text(&render(&state, 80, 24).0);
    assert!(text.contains("Invoices: monthly"), "{text}");
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.tab, licadm::console::screens::Tab::Activations);
}

#[test]
fn p_on_the_list_shows_the_prices_with_the_retail_price() {
    let mut state = loaded_state(Lang::Ru);
    let commands = update(&mut state, ch('P'));
    assert!(
        commands.iter().any(|c| matches!(c, Command::FetchPrices)),
        "{commands:?}"
    );
    update(
        &mut state,
        Msg::PricesLoaded(Ok(vec![Price {
            vendor: VendorRef::from(Vendor::PayKiosk),
            model: "NETPAY-FC".into(),
            price: Kopecks::from_rubles(3_900),
            retail_price: Kopecks::from_rubles(4_700),
        }])),
    );
    let text = screen_text(&render(&state, 80, 24).0);
    for expected in ["Цены", "Ваша цена", "NETPAY-FC", "3 900 ₽", "4 700 ₽"] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // The dialog owns the keyboard: `1` does not switch screens under it; Esc closes.
    update(&mut state, ch('8'));
    assert_eq!(state.tab, licadm::console::screens::Tab::Activations);
    update(&mut state, key(KeyCode::Esc));
    assert!(state.dialogs.is_empty());
}
