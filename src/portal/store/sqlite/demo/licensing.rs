//! Demo seats, registered users, capacity, emergency licenses and product keys.
//!
//! Two products: «Orange[uc]e» (user accounts, external 1С connections) and «Сервер
//! лицензирования». Per organization and product a mix of expired (paid over a year
//! ago), bound and free seats; registered users with realistic names, some without any
//! seat. Capacity: АЛЬСТЕР has room; ТЕХБИЗНЕС+ runs on an active emergency license
//! (requested 9 days before the demo's today) and its support ends soon; the ИП is in
//! the Lite edition (5 accounts), has no support license, and its emergency license
//! lapsed with no purchase since (so a new one is refused and one account is blocked).
//! Keys: the seed document's `DB49-A88A-D2D6-50D4-81F1-7B67` belongs to АЛЬСТЕР and is
//! not activated yet; two keys are already activated on installations.

use super::super::StoreError;
use super::super::audit::{self, Record};
use super::super::capacity::{self, CapacityRow, EmergencyRow};
use super::super::product_keys::{self, KeyRow};
use super::super::seats::{self, NewSeat};
use crate::client::wire::{Installation, ProductRef};
use chrono::{DateTime, Days, Months, NaiveDate, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::json;

pub const ORANGEUCE: &str = "orangeuce";
pub const SLS: &str = "sls";

const FEMALE: [(&str, &str); 15] = [
    ("Ирина", "i"),
    ("Ольга", "o"),
    ("Анна", "a"),
    ("Мария", "m"),
    ("Елена", "e"),
    ("Татьяна", "t"),
    ("Наталья", "n"),
    ("Светлана", "s"),
    ("Юлия", "yu"),
    ("Ксения", "k"),
    ("Дарья", "d"),
    ("Екатерина", "e"),
    ("Алина", "a"),
    ("Вера", "v"),
    ("Полина", "p"),
];
const MALE: [(&str, &str); 15] = [
    ("Пётр", "p"),
    ("Алексей", "a"),
    ("Дмитрий", "d"),
    ("Сергей", "s"),
    ("Андрей", "a"),
    ("Михаил", "m"),
    ("Николай", "n"),
    ("Иван", "i"),
    ("Владимир", "v"),
    ("Егор", "e"),
    ("Артём", "a"),
    ("Константин", "k"),
    ("Роман", "r"),
    ("Олег", "o"),
    ("Павел", "p"),
];
/// Male form and transliteration; the female form adds «а» / "a".
const SURNAMES: [(&str, &str); 41] = [
    ("Петров", "petrov"),
    ("Иванов", "ivanov"),
    ("Смирнов", "smirnov"),
    ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"),
    ("Васильев", "vasiliev"),
    ("Соколов", "sokolov"),
    ("Михайлов", "mikhaylov"),
    ("Новиков", "novikov"),
    ("Фёдоров", "fedorov"),
    ("Морозов", "morozov"),
    ("Волков", "volkov"),
    ("Алексеев", "alekseev"),
    ("Лебедев", "lebedev"),
    ("Семёнов", "semenov"),
    ("Егоров", "egorov"),
    ("Павлов", "pavlov"),
    ("Козлов", "kozlov"),
    ("Степанов", "stepanov"),
    ("Николаев", "nikolaev"),
    ("Орлов", "orlov"),
    ("Андреев", "andreev"),
    ("Макаров", "makarov"),
    ("Никитин", "nikitin"),
    ("Захаров", "zakharov"),
    ("Зайцев", "zaytsev"),
    ("Соловьёв", "solovyev"),
    ("Борисов", "borisov"),
    ("Яковлев", "yakovlev"),
    ("Григорьев", "grigoriev"),
    ("Романов", "romanov"),
    ("Воробьёв", "vorobyev"),
    ("Сергеев", "sergeev"),
    ("Кузьмин", "kuzmin"),
    ("Фролов", "frolov"),
    ("Александров", "aleksandrov"),
    ("Дмитриев", "dmitriev"),
    ("Королёв", "korolev"),
    ("Гусев", "gusev"),
    ("Киселёв", "kiselev"),
    ("Ильин", "ilyin"),
];

/// Seats of one organization and product: expired, bound and free counts.
struct SeatPlan {
    organization: i64,
    product: &'static str,
    expired: usize,
    bound: usize,
    free: usize,
}

const SEAT_PLANS: [SeatPlan; 5] = [
    SeatPlan {
        organization: 1,
        product: ORANGEUCE,
        expired: 8,
        bound: 20,
        free: 8,
    },
    SeatPlan {
        organization: 1,
        product: SLS,
        expired: 2,
        bound: 7,
        free: 3,
    },
    SeatPlan {
        organization: 2,
        product: ORANGEUCE,
        expired: 4,
        bound: 24,
        free: 2,
    },
    SeatPlan {
        organization: 2,
        product: SLS,
        expired: 0,
        bound: 5,
        free: 5,
    },
    SeatPlan {
        organization: 3,
        product: ORANGEUCE,
        expired: 1,
        bound: 6,
        free: 1,
    },
];

/// (organization, e-mail domain, number of users).
const USER_PLANS: [(i64, &str, usize); 3] = [
    (1, "alster.ru", 40),
    (2, "techbiz.ru", 30),
    (3, "sokolova-ip.ru", 9),
];

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, StoreError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| StoreError::Invalid(format!("bad demo date {y}-{m}-{d}")))
}

fn at(day: NaiveDate, hour: u32) -> Result<DateTime<Utc>, StoreError> {
    day.and_hms_opt(hour, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .ok_or_else(|| StoreError::Invalid(format!("bad demo time {day}")))
}

fn year_after(day: NaiveDate) -> Result<NaiveDate, StoreError> {
    day.checked_add_months(Months::new(12))
        .ok_or_else(|| StoreError::Invalid(format!("bad demo date {day}")))
}

/// The registered users of an organization, (e-mail, name) in a fixed order.
fn users(organization: i64, domain: &str, count: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(count);
    let shift = organization as usize * 11;
    for k in 0..count {
        let (surname, translit) = SURNAMES[(k * 7 + shift) % SURNAMES.len()];
        let female = k % 2 == 0;
        // Step 4 is coprime with 15: every first name comes up.
        let (first, initial) = if female {
            FEMALE[(k / 2 * 4 + shift) % FEMALE.len()]
        } else {
            MALE[(k / 2 * 4 + shift) % MALE.len()]
        };
        let (name, local) = if female {
            (
                format!("{first} {surname}а"),
                format!("{initial}.{translit}a"),
            )
        } else {
            (
                format!("{first} {surname}"),
                format!("{initial}.{translit}"),
            )
        };
        let mut email = format!("{local}@{domain}");
        let mut n = 2;
        while out.iter().any(|(e, _)| *e == email) {
            email = format!("{local}{n}@{domain}");
            n += 1;
        }
        out.push((email, name));
    }
    if organization == 3 {
        // The entrepreneur herself.
        out[0] = (
            format!("a.sokolova@{domain}"),
            "Анна Викторовна Соколова".into(),
        );
    }
    out
}

pub fn fill(conn: &Connection, today: NaiveDate) -> Result<(), StoreError> {
    for (id, name) in [(ORANGEUCE, "Orange[uc]e"), (SLS, "Сервер лицензирования")]
    {
        seats::insert_product(
            conn,
            &ProductRef {
                id: id.into(),
                name: name.into(),
            },
        )?;
    }
    let mut registered = Vec::new();
    for (organization, domain, count) in USER_PLANS {
        let list = users(organization, domain, count);
        for (email, name) in &list {
            seats::insert_user(conn, organization, email, name)?;
        }
        registered.push((organization, list));
    }

    // Demo history was made by no request: no request id.
    let admin = |organization: i64| crate::portal::store::Actor {
        label: match organization {
            1 => "Иванов Пётр Сергеевич",
            2 => "Смирнова Ольга Николаевна",
            _ => "Соколова Анна Викторовна",
        },
        request_id: None,
    };
    for plan in &SEAT_PLANS {
        let users = registered
            .iter()
            .find(|(org, _)| *org == plan.organization)
            .map(|(_, list)| list.as_slice())
            .unwrap_or_default();
        // Expired: paid 13–17 months ago; half of them still show their former user.
        for i in 0..plan.expired {
            let paid = today
                .checked_sub_months(Months::new(13 + (i % 5) as u32))
                .ok_or_else(|| StoreError::Invalid("bad demo date".into()))?;
            let email = (i % 2 == 0)
                .then(|| users.get(plan.bound + i / 2))
                .flatten()
                .map(|(e, _)| e.clone());
            seats::insert(
                conn,
                &NewSeat {
                    organization_id: plan.organization,
                    product_id: plan.product.into(),
                    email,
                    valid_from: paid,
                    valid_until: year_after(paid)?,
                },
            )?;
        }
        // Bound: two payments this year; each bound to a different user.
        let first_payment = date(2026, 3, 2)?;
        let second_payment = date(2026, 9, 14)?;
        for (i, (email, _)) in users.iter().take(plan.bound).enumerate() {
            let paid = if i * 3 < plan.bound * 2 {
                first_payment
            } else {
                second_payment
            };
            let id = seats::insert(
                conn,
                &NewSeat {
                    organization_id: plan.organization,
                    product_id: plan.product.into(),
                    email: Some(email.clone()),
                    valid_from: paid,
                    valid_until: year_after(paid)?,
                },
            )?;
            let bound_on = paid
                .checked_add_days(Days::new(1 + (i % 6) as u64))
                .unwrap_or(paid);
            audit::record(
                conn,
                &Record {
                    at: at(bound_on, 7 + (i % 9) as u32)?,
                    actor: admin(plan.organization),
                    action: "seat.bound",
                    object: format!("seat:{id}"),
                    organization_id: plan.organization,
                    before: Some(json!({"id": id, "status": "free", "email": null})),
                    after: Some(json!({"id": id, "status": "bound", "email": email})),
                },
            )?;
        }
        // Free: the latest payment, not handed out yet.
        let paid = today
            .checked_sub_days(Days::new(50))
            .ok_or_else(|| StoreError::Invalid("bad demo date".into()))?;
        for _ in 0..plan.free {
            seats::insert(
                conn,
                &NewSeat {
                    organization_id: plan.organization,
                    product_id: plan.product.into(),
                    email: None,
                    valid_from: paid,
                    valid_until: year_after(paid)?,
                },
            )?;
        }
    }

    let orangeuce = ProductRef {
        id: ORANGEUCE.into(),
        name: "Orange[uc]e".into(),
    };
    let sls = ProductRef {
        id: SLS.into(),
        name: "Сервер лицензирования".into(),
    };
    let capacities = [
        (
            1,
            &orangeuce,
            Some(date(2027, 3, 31)?),
            30,
            2,
            date(2026, 3, 2)?,
        ),
        (1, &sls, Some(date(2027, 6, 30)?), 12, 0, date(2026, 3, 2)?),
        (
            2,
            &orangeuce,
            Some(date(2026, 12, 15)?),
            20,
            1,
            date(2026, 3, 2)?,
        ),
        (2, &sls, Some(date(2027, 9, 14)?), 10, 0, date(2026, 9, 14)?),
        (3, &orangeuce, None, 5, 0, date(2026, 2, 2)?),
    ];
    for (organization, product, support_until, max, external, raised) in capacities {
        capacity::insert(
            conn,
            &CapacityRow {
                organization_id: organization,
                product: product.clone(),
                support_until,
                accounts_max: max,
                external_connections_max: external,
                max_raised_at: Some(at(raised, 9)?),
            },
        )?;
    }

    // ТЕХБИЗНЕС+: an active emergency license; the ИП: a lapsed one, no purchase since.
    let active_from = today
        .checked_sub_days(Days::new(9))
        .ok_or_else(|| StoreError::Invalid("bad demo date".into()))?;
    let lapsed_from = date(2026, 8, 10)?;
    for (organization, from, accounts) in [(2, active_from, 6), (3, lapsed_from, 3)] {
        let emergency = EmergencyRow {
            requested_at: at(from, 8)?,
            valid_from: from,
            valid_until: from
                .checked_add_months(Months::new(1))
                .ok_or_else(|| StoreError::Invalid("bad demo date".into()))?,
            accounts,
        };
        capacity::insert_emergency(conn, organization, ORANGEUCE, &emergency)?;
        audit::record(
            conn,
            &Record {
                at: emergency.requested_at,
                actor: admin(organization),
                action: "emergency.requested",
                object: format!("organization:{organization}"),
                organization_id: organization,
                before: None,
                after: Some(json!({
                    "product": ORANGEUCE,
                    "valid_from": emergency.valid_from,
                    "valid_until": emergency.valid_until,
                    "accounts": accounts,
                })),
            },
        )?;
    }

    let installation = |serial: &str, hash: &str| Installation {
        serial: serial.into(),
        hash: hash.into(),
    };
    let keys = [
        ("DB49-A88A-D2D6-50D4-81F1-7B67", 1, &orangeuce, 30, None),
        (
            "5C1E-0B7A-93F2-4D68-A1C3-E905",
            1,
            &sls,
            12,
            Some(installation("SRV-ALS-0001", "9f2c41d07be85a13")),
        ),
        (
            "7E3A-91C4-0D5B-B2F8-6A17-C3E0",
            2,
            &orangeuce,
            20,
            Some(installation("SRV-TB-0007", "c04e7b19a2d3f865")),
        ),
        ("A41F-6C2D-E870-19B3-5FD4-82CA", 2, &sls, 10, None),
        ("3F9D-2B61-C48E-A0F7-D35B-964C", 3, &orangeuce, 5, None),
    ];
    for (key, organization, product, seats, installation) in keys {
        let issued_at = match installation {
            Some(_) => Some(at(date(2026, 3, 5)?, 10)?),
            None => None,
        };
        product_keys::insert(
            conn,
            &KeyRow {
                key: key.into(),
                organization_id: organization,
                product: product.clone(),
                seats,
                installation,
                issued_at,
            },
        )?;
    }
    Ok(())
}
