//! Seat rules (docs/DESIGN.md §3.6): bind and unbind (one, or many: §4.9). Each runs inside the caller's
//! IMMEDIATE transaction (`idempotency::write_once`), so two binds of the same seat are
//! serialized and exactly one wins. Refusals come back as `ApiError`s in the inner
//! result, like `activate`.
//!
//! Order of the bind checks: the seat exists in the caller's organizations (404), is
//! free today (409: bound or expired — an expired seat is never renewed), the e-mail is
//! a registered user of the seat's organization (422), and that user holds no other
//! unexpired seat of the product (409 naming it).

use super::audit::{self, Record};
use super::{StoreError, seats};
use crate::client::bulk::BulkUnbindResponse;
use crate::client::wire::Seat;
use crate::portal::error::ApiError;
use crate::portal::rules::{
    already_holds, bind_refusal, normalize_email, not_registered, seat_not_found, unbind_refusal,
};
use crate::portal::store::{Actor, bulk_rows};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

fn seat_object(id: i64) -> String {
    format!("seat:{id}")
}

fn find(
    conn: &Connection,
    id: i64,
    scope: &[i64],
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    Ok(seats::get(conn, id, now.date_naive())?
        .filter(|seat| scope.contains(&seat.organization.id))
        .ok_or_else(|| seat_not_found(id)))
}

pub fn bind(
    tx: &Transaction<'_>,
    id: i64,
    raw_email: &str,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    let today = now.date_naive();
    let email = normalize_email(raw_email);
    let seat = match find(tx, id, scope, now)? {
        Ok(seat) => seat,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(refusal) = bind_refusal(&seat, &email) {
        return Ok(Err(refusal));
    }
    if seats::user(tx, seat.organization.id, &email)?.is_none() {
        return Ok(Err(not_registered(&email, &seat)));
    }
    if let Some(held) = seats::held_by(tx, seat.organization.id, &seat.product.id, &email, today)? {
        return Ok(Err(already_holds(&email, held, &seat)));
    }
    let after = set_email_recorded(tx, &seat, id, Some(&email), "seat.bound", actor, now)?;
    Ok(Ok(after))
}

/// The write half of bind and unbind, once the checks passed: sets (or clears) the
/// e-mail and audits the seat before and after.
fn set_email_recorded(
    tx: &Connection,
    seat: &Seat,
    id: i64,
    email: Option<&str>,
    action: &str,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Seat, StoreError> {
    seats::set_email(tx, id, email)?;
    let after = seats::get(tx, id, now.date_naive())?
        .ok_or_else(|| StoreError::Invalid(format!("seat {id} vanished")))?;
    audit::record(
        tx,
        &Record {
            at: now,
            actor,
            action,
            object: seat_object(id),
            organization_id: seat.organization.id,
            before: audit::json(seat),
            after: audit::json(&after),
        },
    )?;
    Ok(after)
}

pub fn unbind(
    tx: &Transaction<'_>,
    id: i64,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    let seat = match find(tx, id, scope, now)? {
        Ok(seat) => seat,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(refusal) = unbind_refusal(&seat) {
        return Ok(Err(refusal));
    }
    let after = set_email_recorded(tx, &seat, id, None, "seat.unbound", actor, now)?;
    Ok(Ok(after))
}

/// Many unbinds in the caller's transaction (`POST /seats/unbind`): each seat as
/// [`unbind`] does it, a refusal its row's answer (it changed nothing before refusing).
pub fn unbind_many(
    tx: &Transaction<'_>,
    ids: &[i64],
    writer: &crate::portal::store::Writer,
) -> Result<Result<BulkUnbindResponse, ApiError>, StoreError> {
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        let answer = unbind(tx, id, &writer.scope, writer.actor(), writer.now)?;
        results.push(bulk_rows::unbind_row(id, answer));
    }
    Ok(Ok(BulkUnbindResponse { results }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::ProductRef;
    use crate::portal::idempotency::Once;
    use crate::portal::store::SqliteStore as Store;
    use crate::portal::store::sqlite::catalog::{self, NewOrganization};
    use crate::portal::store::sqlite::once::write_once;
    use std::sync::{Arc, Barrier};

    /// One organization, one product, one free seat and `users` registered users.
    fn store_with_one_seat(dir: &std::path::Path, users: usize) -> (Store, i64) {
        let store = Store::open(&dir.join("race.sqlite")).expect("store");
        let seat = store
            .blocking(move |conn| {
                catalog::insert_organization(
                    conn,
                    &NewOrganization {
                        id: 1,
                        name: "АЛЬСТЕР ООО".into(),
                        inn: "7842175621".into(),
                        kpp: Some("784201001".into()),
                        offer_accepted_at: None,
                        offer_accepted_by: None,
                        activation_blocked: false,
                    },
                )?;
                seats::insert_product(
                    conn,
                    &ProductRef {
                        id: "orangeuce".into(),
                        name: "Orange[uc]e".into(),
                    },
                )?;
                for i in 0..users {
                    seats::insert_user(conn, 1, &format!("user{i}@alster.ru"), "User")?;
                }
                let today = Utc::now().date_naive();
                seats::insert(
                    conn,
                    &seats::NewSeat {
                        organization_id: 1,
                        product_id: "orangeuce".into(),
                        email: None,
                        valid_from: today,
                        valid_until: today + chrono::Days::new(30),
                    },
                )
            })
            .expect("setup");
        (store, seat)
    }

    /// Threads on their own connections, released together, bind the same seat: one
    /// wins, every other one is a 409 (never a second winner, never a database error).
    #[test]
    fn concurrent_binds_on_separate_connections_have_one_winner() {
        const THREADS: usize = 12;
        let dir = tempfile::tempdir().expect("temp dir");
        for round in 0..5 {
            let sub = dir.path().join(round.to_string());
            std::fs::create_dir_all(&sub).expect("round dir");
            let (store, seat) = store_with_one_seat(&sub, THREADS);
            let start = Arc::new(Barrier::new(THREADS));
            let handles: Vec<_> = (0..THREADS)
                .map(|i| {
                    let (store, start) = (store.clone(), start.clone());
                    std::thread::spawn(move || {
                        let mut conn = store.connection().expect("connection");
                        start.wait();
                        let email = format!("user{i}@alster.ru");
                        write_once(&mut conn, None, Utc::now(), |tx| {
                            bind(
                                tx,
                                seat,
                                &email,
                                &[1],
                                crate::portal::store::Actor {
                                    label: "t",
                                    request_id: None,
                                },
                                Utc::now(),
                            )
                        })
                    })
                })
                .collect();
            let mut wins = 0;
            for handle in handles {
                match handle.join().expect("thread") {
                    Ok(Ok(Once::Fresh(_))) => wins += 1,
                    Ok(Ok(Once::Replayed(_))) => panic!("round {round}: no key, no replay"),
                    Ok(Err(ApiError::SeatNotFree(_))) => {}
                    Ok(Err(other)) => panic!("round {round}: {other}"),
                    Err(e) => panic!("round {round}: database error {e}"),
                }
            }
            assert_eq!(wins, 1, "round {round}");
        }
    }

    #[test]
    fn emails_are_trimmed_and_lower_case() {
        assert_eq!(
            normalize_email("  I.Petrova@Alster.RU \t"),
            "i.petrova@alster.ru"
        );
    }
}
