//! Fixtures shared by the console tests: realistic activations and key presses.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use licadm::client::wire::{
    ActivationDetail, ActivationLine, ActivationSummary, Me, OrgRef, Organization, Page,
    PrecheckResponse, PrecheckRow, Role, VendorRef,
};
use licadm::console::app::{Command, Msg, State, update};
use licadm::console::theme::Theme;
use licadm::domain::{ActivationStatus, Kopecks, Lang, PrecheckOutcome, Vendor};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("valid test time")
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

pub fn techbusiness() -> OrgRef {
    OrgRef {
        id: 1,
        name: "ТЕХБИЗНЕС+ ООО".into(),
        inn: "7743058902".into(),
    }
}

pub fn alster() -> OrgRef {
    OrgRef {
        id: 2,
        name: "АЛЬСТЕР ООО".into(),
        inn: "7842175621".into(),
    }
}

pub fn organizations() -> Vec<Organization> {
    [techbusiness(), alster()]
        .into_iter()
        .map(|o| Organization {
            id: o.id,
            name: o.name,
            inn: o.inn,
            kpp: Some("774301001".into()),
            offer_accepted_at: None,
            activation_blocked: false,
            blocked_by: None,
        })
        .collect()
}

pub fn activation(
    number: i64,
    status: ActivationStatus,
    vendor: Vendor,
    licenses: i64,
    rubles: i64,
) -> ActivationSummary {
    ActivationSummary {
        number,
        organization: techbusiness(),
        status,
        vendor: VendorRef::from(vendor),
        license_count: licenses,
        total_cost: Kopecks::from_rubles(rubles),
        // 09:00 UTC is 13.12.2025 in every Russian time zone (and in UTC).
        created_at: utc(2025, 12, 13, 9),
        completed_at: (status == ActivationStatus::Done).then(|| utc(2025, 12, 13, 10)),
        error: (status == ActivationStatus::Error)
            .then(|| "Серийный номер 0239110138900130 уже активирован в другой заявке".to_string()),
        failure: None,
    }
}

/// The seed's list: 28 … 24, as on page 2 of 17 (420 in all).
pub fn seed_rows() -> Vec<ActivationSummary> {
    vec![
        activation(28, ActivationStatus::Done, Vendor::PayKiosk, 1, 2900),
        activation(27, ActivationStatus::Done, Vendor::PayKiosk, 2, 6800),
        activation(26, ActivationStatus::Done, Vendor::PpElectro, 1, 1900),
        activation(25, ActivationStatus::InProgress, Vendor::PpElectro, 1, 1900),
        activation(24, ActivationStatus::Error, Vendor::PayKiosk, 1, 1900),
    ]
}

pub fn page(
    items: Vec<ActivationSummary>,
    page: u32,
    per_page: u32,
    total: u64,
) -> Page<ActivationSummary> {
    Page::new(items, page, per_page, total)
}

pub fn me() -> Me {
    Me {
        account: "ivanov@techbiz.ru".into(),
        role: Role::Admin,
        organizations: vec![techbusiness(), alster()],
    }
}

pub fn detail(number: i64, status: ActivationStatus) -> ActivationDetail {
    let mut summary = activation(number, status, Vendor::PayKiosk, 3, 11700);
    summary.organization = alster();
    ActivationDetail {
        summary,
        lines: vec![
            ActivationLine {
                serial: "0239110138900130".into(),
                model: "NETPAY-FC".into(),
                current_until: Some(date(2027, 12, 9)),
                new_until: date(2028, 12, 9),
                price: Kopecks::from_rubles(3900),
            },
            ActivationLine {
                serial: "0408420138900124".into(),
                model: "aQsi 5Ф".into(),
                current_until: Some(date(2025, 11, 1)),
                new_until: date(2026, 12, 13),
                price: Kopecks::from_rubles(3900),
            },
            ActivationLine {
                serial: "1007512879004126".into(),
                model: "PayOnline-01".into(),
                current_until: None,
                new_until: date(2026, 12, 13),
                price: Kopecks::from_rubles(3900),
            },
        ],
    }
}

pub fn new_state(lang: Lang) -> State {
    State::new(
        lang,
        Theme::dark(),
        "http://127.0.0.1:8080".into(),
        date(2025, 12, 13),
    )
}

/// The id of the activations request in `commands` (panics in tests when absent).
pub fn activations_request(commands: &[Command]) -> (u64, licadm::client::wire::ActivationQuery) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchActivations { request_id, query } => Some((*request_id, query.clone())),
            _ => None,
        })
        .expect("a FetchActivations command")
}

/// A state after start with the seed rows loaded as page 2 of 17 and me/orgs known.
pub fn loaded_state(lang: Lang) -> State {
    let mut state = new_state(lang);
    let commands = update(&mut state, Msg::Start);
    let (request_id, _) = activations_request(&commands);
    update(&mut state, Msg::MeLoaded(Ok(me())));
    update(&mut state, Msg::OrganizationsLoaded(Ok(organizations())));
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(seed_rows(), 1, 25, 420)),
        },
    );
    // Go to page 2, as in the seed screenshot.
    let commands = update(&mut state, key(KeyCode::Right));
    let (request_id, _) = activations_request(&commands);
    update(
        &mut state,
        Msg::ActivationsLoaded {
            request_id,
            result: Ok(page(seed_rows(), 2, 25, 420)),
        },
    );
    state
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    let modifiers = if c.is_uppercase() || "?<>".contains(c) {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

/// Renders the view and returns the screen as lines of text.
pub fn render(state: &State, width: u16, height: u16) -> (Vec<String>, Terminal<TestBackend>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| licadm::console::app::view(state, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let lines = (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect();
    (lines, terminal)
}

pub fn screen_text(lines: &[String]) -> String {
    lines.join("\n")
}

// ---- New activation fixtures ----

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn fkey(n: u8) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE))
}

/// One organization whose offer is already accepted.
pub fn accepted_org() -> Organization {
    let mut org = organizations().remove(0);
    org.offer_accepted_at = Some(utc(2025, 12, 1, 9));
    org
}

fn ok_row(
    serial: &str,
    model: &str,
    vendor: Vendor,
    current: Option<NaiveDate>,
    new_until: NaiveDate,
    rubles: i64,
    retail: i64,
) -> PrecheckRow {
    PrecheckRow {
        serial: serial.into(),
        outcome: PrecheckOutcome::Ok,
        message: None,
        model: Some(model.into()),
        vendor: Some(VendorRef::from(vendor)),
        current_until: current,
        new_until: Some(new_until),
        price: Some(Kopecks::from_rubles(rubles)),
        retail_price: Some(Kopecks::from_rubles(retail)),
    }
}

pub fn error_row(serial: &str, outcome: PrecheckOutcome, message: &str) -> PrecheckRow {
    PrecheckRow {
        serial: serial.into(),
        outcome,
        message: Some(message.into()),
        model: None,
        vendor: None,
        current_until: None,
        new_until: None,
        price: None,
        retail_price: None,
    }
}

/// The text the precheck fixtures answer for.
pub const SERIALS_TEXT: &str = "0239110138900130\n0408420138900124, 1007512879004126\n# comment\n1111222233334444\n0239110138900130\n1007512879004127\n";

/// Six rows: four ok (three Пэй Киоск, one PP-Электро; 12 600 ₽), two errors.
pub fn precheck_rows() -> Vec<PrecheckRow> {
    vec![
        ok_row(
            "0239110138900130",
            "NETPAY-FC",
            Vendor::PayKiosk,
            Some(date(2027, 12, 9)),
            date(2028, 12, 9),
            3900,
            4500,
        ),
        ok_row(
            "0408420138900124",
            "PP-Электро 02Ф",
            Vendor::PpElectro,
            Some(date(2025, 11, 1)),
            date(2026, 12, 13),
            1900,
            2400,
        ),
        ok_row(
            "1007512879004126",
            "aQsi 5Ф",
            Vendor::PayKiosk,
            Some(date(2025, 12, 30)),
            date(2026, 12, 30),
            2900,
            3500,
        ),
        error_row(
            "1111222233334444",
            PrecheckOutcome::NotFound,
            "Серийный номер не найден",
        ),
        error_row(
            "0239110138900130",
            PrecheckOutcome::Duplicate,
            "Повтор: этот номер уже есть в списке выше",
        ),
        ok_row(
            "1007512879004127",
            "PayOnline-01",
            Vendor::PayKiosk,
            None,
            date(2026, 12, 13),
            3900,
            4500,
        ),
    ]
}

/// The list loaded, one accepted organization, `a` pressed: the serials step.
pub fn serials_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    update(
        &mut state,
        Msg::OrganizationsLoaded(Ok(vec![accepted_org()])),
    );
    update(&mut state, ch('a'));
    state
}

/// The serials pasted, prechecked, and the answer in the table.
pub fn precheck_state(lang: Lang) -> State {
    let mut state = serials_state(lang);
    update(&mut state, Msg::Paste(SERIALS_TEXT.into()));
    let commands = update(&mut state, fkey(5));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Precheck { .. })),
        "{commands:?}"
    );
    update(
        &mut state,
        Msg::Prechecked(Ok(PrecheckResponse {
            rows: precheck_rows(),
        })),
    );
    state
}
pub mod issue4;

/// The confirmation on top of the dialog stack, if one is open.
pub fn open_confirmation(
    state: &State,
) -> Option<&licadm::console::screens::dialog::ConfirmDialog> {
    state.dialogs.last().and_then(|d| d.as_confirm())
}

/// What a deliberate user does in a confirmation: Tab to the Confirm button, Enter.
pub fn confirm(state: &mut State) -> Vec<Command> {
    let mut commands = update(state, key(KeyCode::Tab));
    commands.extend(update(state, key(KeyCode::Enter)));
    commands
}
