//! Fixtures for the seats, license information and keys screens.

use super::*;
use licadm::client::ClientError;
use licadm::client::wire::{
    EmergencyLicense, LicenseInfo, ProductCapacity, ProductRef, Seat, SeatStatus, SeatSummary, User,
};

pub fn orange() -> ProductRef {
    ProductRef {
        id: "orangeuce".into(),
        name: "Orange[uc]e".into(),
    }
}

pub fn lite() -> ProductRef {
    ProductRef {
        id: "orangelite".into(),
        name: "Orange Lite".into(),
    }
}

pub fn seat(id: i64, status: SeatStatus, email: Option<&str>) -> Seat {
    Seat {
        id,
        organization: techbusiness(),
        product: orange(),
        status,
        email: email.map(str::to_string),
        valid_from: date(2025, 1, 15),
        valid_until: date(2026, 1, 15),
    }
}

/// Seats 17 (free), 18 (bound), 19 (expired), 20 (free).
pub fn seat_rows() -> Vec<Seat> {
    vec![
        seat(17, SeatStatus::Free, None),
        seat(18, SeatStatus::Bound, Some("ivanov@techbiz.ru")),
        seat(19, SeatStatus::Expired, Some("old@techbiz.ru")),
        seat(20, SeatStatus::Free, None),
    ]
}

pub fn seat_page(items: Vec<Seat>) -> Page<Seat> {
    let total = items.len() as u64;
    Page::new(items, 1, 25, total)
}

pub fn summary() -> Vec<SeatSummary> {
    vec![SeatSummary {
        organization: techbusiness(),
        product: orange(),
        free: 12,
        bound: 25,
        expired: 3,
    }]
}

pub fn users() -> Vec<User> {
    vec![
        User {
            email: "ivanova@techbiz.ru".into(),
            name: "Иванова Мария".into(),
        },
        User {
            email: "ivanov@techbiz.ru".into(),
            name: "Иванов Пётр".into(),
        },
    ]
}

pub fn api_error(status: u16, code: &str, message: &str) -> ClientError {
    ClientError::Api {
        status,
        code: code.into(),
        message: message.into(),
        request_id: None,
    }
}

/// The list loaded, `2` pressed, the seats and the summary arrived.
pub fn seats_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let commands = update(&mut state, ch('2'));
    let request_id = seats_request(&commands).0;
    update(
        &mut state,
        Msg::SeatsLoaded {
            request_id,
            result: Ok(seat_page(seat_rows())),
        },
    );
    update(&mut state, Msg::SeatSummaryLoaded(Ok(summary())));
    state
}

pub fn seats_request(commands: &[Command]) -> (u64, licadm::client::wire::SeatQuery) {
    commands
        .iter()
        .find_map(|c| match c {
            Command::FetchSeats { request_id, query } => Some((*request_id, query.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a FetchSeats command in {commands:?}"))
}

pub fn typed(state: &mut State, text: &str) -> Vec<Command> {
    let mut all = Vec::new();
    for c in text.chars() {
        all.extend(update(state, ch(c)));
    }
    all
}

pub fn viewer() -> Me {
    Me {
        role: Role::Viewer,
        ..me()
    }
}

pub fn capacity(today: NaiveDate) -> ProductCapacity {
    let _ = today;
    ProductCapacity {
        product: orange(),
        support_until: Some(date(2026, 10, 31)),
        accounts_used: 19,
        accounts_max: 20,
        external_connections_max: 2,
        lite: false,
        emergency: Some(EmergencyLicense {
            valid_from: date(2025, 11, 13),
            valid_until: date(2025, 12, 13),
            accounts_used: 3,
            accounts_max: 10,
            active: true,
        }),
        emergency_available: true,
        emergency_refusal: None,
        accounts_blocked: 0,
    }
}

pub fn lite_capacity() -> ProductCapacity {
    ProductCapacity {
        product: lite(),
        support_until: None,
        accounts_used: 5,
        accounts_max: 8,
        external_connections_max: 0,
        lite: true,
        emergency: None,
        emergency_available: false,
        emergency_refusal: Some(
            "Новую экстренную лицензию можно запросить только после покупки постоянной".into(),
        ),
        accounts_blocked: 2,
    }
}

pub fn license_info() -> LicenseInfo {
    LicenseInfo {
        organization: techbusiness(),
        products: vec![capacity(date(2025, 12, 13)), lite_capacity()],
    }
}

/// The list loaded, `3` pressed, the license information arrived.
pub fn capacity_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    let commands = update(&mut state, ch('3'));
    let request_id = commands
        .iter()
        .find_map(|c| match c {
            Command::FetchLicenseInfo { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a FetchLicenseInfo in {commands:?}"));
    update(
        &mut state,
        Msg::LicenseInfoLoaded {
            request_id,
            result: Ok(license_info()),
        },
    );
    state
}

pub const KEY: &str = "DB49-A88A-D2D6-50D4-81F1-7B67";
pub const INN_LEGAL: &str = "7842175621";
pub const KPP: &str = "784201001";
pub const INN_ENTREPRENEUR: &str = "500100732259";

/// `4` pressed on the loaded list.
pub fn keys_state(lang: Lang) -> State {
    let mut state = loaded_state(lang);
    assert!(update(&mut state, ch('4')).is_empty());
    state
}

/// Types into the focused field and moves to the next one.
pub fn fill(state: &mut State, values: &[&str]) {
    for value in values {
        update(state, Msg::Paste((*value).to_string()));
        update(state, key(KeyCode::Tab));
    }
}
