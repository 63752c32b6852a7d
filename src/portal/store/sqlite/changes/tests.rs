//! The feed over an in-memory store: contents, paging, scope, deletions, pruning, the
//! bulk load, and the triggers' corner cases.

use super::super::activations::{self, NewActivation};
use super::super::capacity::{self as capacity_store, CapacityRow, EmergencyRow};
use super::super::catalog::{self, NewModel, NewOrganization};
use super::super::{migrations, seats};
use super::*;
use crate::client::feed::Change;
use crate::client::wire::{ActivationLine, ProductRef};
use crate::domain::Vendor;
use crate::domain::{ActivationStatus, Kopecks};
use chrono::{NaiveDate, TimeZone, Utc};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

fn org(id: i64, inn: &str) -> NewOrganization {
    NewOrganization {
        id,
        name: format!("Org {id}"),
        inn: inn.into(),
        kpp: None,
        offer_accepted_at: None,
        offer_accepted_by: None,
        activation_blocked: false,
    }
}

fn line(serial: &str) -> ActivationLine {
    ActivationLine {
        serial: serial.into(),
        model: "aQsi 5".into(),
        current_until: None,
        new_until: day(30),
        price: Kopecks(340_000),
    }
}

fn activation(number: i64, organization_id: i64, serials: &[&str]) -> NewActivation {
    NewActivation {
        number,
        organization_id,
        vendor: Vendor::PayKiosk,
        status: ActivationStatus::Error,
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 2, 10, 0, 0)
            .single()
            .expect("time"),
        completed_at: None,
        error: Some("refused".into()),
        queued_at: None,
        lines: serials.iter().map(|s| line(s)).collect(),
    }
}

/// Two organizations, each with an activation, a seat and a capacity (org 1's with
/// two emergency licenses); one product and one model for everybody.
fn store() -> Connection {
    let mut conn = Connection::open_in_memory().expect("in-memory db");
    migrations::apply(&mut conn).expect("migrations");
    catalog::insert_organization(&conn, &org(1, "7842175621")).expect("org 1");
    catalog::insert_organization(&conn, &org(2, "7743058902")).expect("org 2");
    let product = ProductRef {
        id: "orangeuce".into(),
        name: "Orange[uc]e".into(),
    };
    seats::insert_product(&conn, &product).expect("product");
    catalog::insert_model(
        &conn,
        &NewModel {
            id: 1,
            vendor: Vendor::PayKiosk,
            name: "aQsi 5".into(),
            price: Kopecks(340_000),
            retail_price: Kopecks(410_000),
        },
    )
    .expect("model");
    for org in [1, 2] {
        // Lines inserted out of serial order: the feed sorts them.
        let serials = [
            format!("15200000000000{org}2"),
            format!("15200000000000{org}1"),
        ];
        let serials: Vec<&str> = serials.iter().map(String::as_str).collect();
        activations::insert(&conn, &activation(org, org, &serials)).expect("activation");
        seats::insert(
            &conn,
            &seats::NewSeat {
                organization_id: org,
                product_id: product.id.clone(),
                email: None,
                valid_from: day(1),
                valid_until: day(30),
            },
        )
        .expect("seat");
        capacity_store::insert(
            &conn,
            &CapacityRow {
                organization_id: org,
                product: product.clone(),
                support_until: Some(day(30)),
                accounts_max: 10,
                external_connections_max: 2,
                max_raised_at: None,
            },
        )
        .expect("capacity");
    }
    for (requested, accounts) in [(3, 5), (5, 2)] {
        capacity_store::insert_emergency(
            &conn,
            1,
            &product.id,
            &EmergencyRow {
                requested_at: Utc
                    .with_ymd_and_hms(2026, 11, requested, 9, 0, 0)
                    .single()
                    .expect("time"),
                valid_from: day(requested),
                valid_until: day(requested + 20),
                accounts,
            },
        )
        .expect("emergency");
    }
    conn
}

fn read(conn: &mut Connection, since: i64, limit: u32, scope: &[i64]) -> ChangeFeed {
    feed(conn, since, limit, scope, None)
        .expect("feed reads")
        .expect("cursor is valid")
}

fn keys(page: &ChangeFeed) -> Vec<String> {
    page.changes
        .iter()
        .map(|change| match change {
            Change::Organization(o) => format!("organization:{}", o.id),
            Change::Product(p) => format!("product:{}", p.id),
            Change::Price(p) => format!("price:{}", p.id),
            Change::Activation(a) => format!("activation:{}", a.number),
            Change::Seat(s) => format!("seat:{}", s.id),
            Change::Capacity(c) => format!("capacity:{}:{}", c.organization, c.product),
            Change::Invoice(i) => format!("invoice:{}", i.number),
            Change::Device(d) => format!("device:{}:{}", d.organization, d.serial),
            Change::Event(e) => format!("event:{}", e.id),
            Change::Deleted(d) => format!("deleted {}:{}", d.object.as_str(), d.key),
        })
        .collect()
}

#[test]
fn a_full_feed_holds_every_visible_object_once_in_its_current_state() {
    let mut conn = store();
    let page = read(&mut conn, 0, 100, &[1]);
    assert_eq!(
        keys(&page),
        [
            "organization:1",
            "product:orangeuce",
            "price:1",
            "activation:1",
            "seat:1",
            "capacity:1:orangeuce",
        ]
    );
    assert!(!page.more);
    assert_eq!(page.cursor, last_seq(&conn).expect("last"));
    assert_eq!(
        page.epoch.len(),
        16,
        "8 random bytes in hex: {}",
        page.epoch
    );
    let Some(Change::Activation(activation)) = page.changes.get(3) else {
        panic!("activation expected: {:?}", page.changes);
    };
    let serials: Vec<&str> = activation.lines.iter().map(|l| l.serial.as_str()).collect();
    let mut sorted = serials.clone();
    sorted.sort_unstable();
    assert_eq!(serials, sorted, "lines by serial");
    assert_eq!(activation.lines.len(), 2);
    assert_eq!(activation.error.as_deref(), Some("refused"));
    let Some(Change::Capacity(capacity)) = page.changes.get(5) else {
        panic!("capacity expected");
    };
    let accounts: Vec<u32> = capacity.emergency.iter().map(|e| e.accounts).collect();
    assert_eq!(accounts, [5, 2], "emergency licenses by id");
    // Both organizations: each object of each once.
    assert_eq!(read(&mut conn, 0, 100, &[1, 2]).changes.len(), 10);
    // No organization: the catalog only.
    assert_eq!(
        keys(&read(&mut conn, 0, 100, &[])),
        ["product:orangeuce", "price:1"]
    );
}

#[test]
fn pages_continue_at_the_cursor_and_a_change_moves_its_object_to_the_end() {
    let mut conn = store();
    let mut since = 0;
    let mut seen = Vec::new();
    loop {
        let page = read(&mut conn, since, 4, &[1, 2]);
        assert!(page.cursor > since || page.changes.is_empty());
        seen.extend(keys(&page));
        since = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(seen.len(), 10);
    assert_eq!(since, last_seq(&conn).expect("last"));
    assert!(read(&mut conn, since, 4, &[1, 2]).changes.is_empty());

    conn.execute("UPDATE seats SET email = 'a@b.ru' WHERE id = 2", [])
        .expect("bind");
    conn.execute(
        "UPDATE activations SET status = 'done' WHERE number = 1",
        [],
    )
    .expect("done");
    let delta = read(&mut conn, since, 100, &[1, 2]);
    // A completed activation adds its devices to its organization's list (issue 16).
    assert_eq!(
        keys(&delta),
        [
            "seat:2",
            "device:1:1520000000000011",
            "device:1:1520000000000012",
            "activation:1"
        ]
    );
    let Change::Seat(seat) = &delta.changes[0] else {
        panic!("seat");
    };
    assert_eq!(seat.email.as_deref(), Some("a@b.ru"));
    // The whole feed still holds each object once, the moved ones last.
    let all = keys(&read(&mut conn, 0, 100, &[1, 2]));
    assert_eq!(all.len(), 12);
    assert_eq!(all[8..10], ["seat:2", "device:1:1520000000000011"]);
    assert_eq!(all[11], "activation:1");
}

#[test]
fn changes_outside_the_scope_still_advance_the_cursor() {
    let mut conn = store();
    let start = read(&mut conn, 0, 100, &[1]).cursor;
    for email in ["x@y.ru", "z@y.ru"] {
        conn.execute("UPDATE seats SET email = ? WHERE id = 2", [email])
            .expect("org 2 write");
    }
    let page = read(&mut conn, start, 100, &[1]);
    assert!(page.changes.is_empty());
    assert!(!page.more);
    assert!(page.cursor > start);
    // A full page whose next row is out of scope: the cursor is the page's end.
    let page = read(&mut conn, 0, 1, &[1]);
    assert!(page.more);
    assert_eq!(keys(&page), ["organization:1"]);
}

#[test]
fn lines_and_emergency_licenses_move_the_object_they_belong_to() {
    let mut conn = store();
    let since = read(&mut conn, 0, 100, &[1, 2]).cursor;
    conn.execute(
        "UPDATE activation_lines SET model = 'aQsi 5Ф' WHERE activation_number = 2",
        [],
    )
    .expect("line update");
    conn.execute("DELETE FROM emergency_licenses WHERE accounts = 2", [])
        .expect("emergency delete");
    let delta = read(&mut conn, since, 100, &[1, 2]);
    assert_eq!(keys(&delta), ["activation:2", "capacity:1:orangeuce"]);
    let Change::Capacity(capacity) = &delta.changes[1] else {
        panic!("capacity");
    };
    assert_eq!(capacity.emergency.len(), 1);
}

#[test]
fn an_untracked_load_records_every_object_once_and_keeps_the_triggers() {
    let mut conn = store();
    let since = read(&mut conn, 0, 100, &[1, 2]).cursor;
    let count_triggers = |conn: &Connection| -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'track%'",
            [],
            |row| row.get(0),
        )
        .expect("triggers")
    };
    let triggers = count_triggers(&conn);
    let tx = conn.transaction().expect("tx");
    load_untracked(&tx, || {
        activations::insert(
            &tx,
            &activation(3, 1, &["1520000000000031", "1520000000000032"]),
        )?;
        assert_eq!(count_triggers(&tx), 0, "dropped while loading");
        Ok(())
    })
    .expect("load");
    tx.commit().expect("commit");
    assert_eq!(count_triggers(&conn), triggers, "the triggers are back");
    // Every object once, in the backfill's order: the load's and the others.
    let delta = read(&mut conn, since, 100, &[1, 2]);
    assert_eq!(
        keys(&delta),
        [
            "organization:1",
            "organization:2",
            "product:orangeuce",
            "price:1",
            "capacity:1:orangeuce",
            "capacity:2:orangeuce",
            "seat:1",
            "seat:2",
            "activation:1",
            "activation:2",
            "activation:3",
        ]
    );
    assert_eq!(keys(&read(&mut conn, 0, 100, &[1, 2])).len(), 11);
    // The triggers work again.
    conn.execute(
        "UPDATE activation_lines SET model = 'x' WHERE activation_number = 3",
        [],
    )
    .expect("line update");
    assert_eq!(
        keys(&read(&mut conn, delta.cursor, 100, &[1, 2])),
        ["activation:3"]
    );
}

/// Migration 4's backfill and `RECORD_EVERY_OBJECT` agree on what and in which order.
#[test]
fn recording_every_object_matches_the_migration_backfill() {
    let conn = store();
    let rows = |conn: &Connection| -> Vec<(String, String, Option<i64>)> {
        let mut stmt = conn
            .prepare("SELECT kind, key, organization_id FROM changes ORDER BY seq")
            .expect("changes");
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    conn.execute("DELETE FROM changes", []).expect("empty");
    conn.execute_batch(RECORD_EVERY_OBJECT).expect("record");
    let recorded = rows(&conn);
    conn.execute("DELETE FROM changes", []).expect("empty");
    let backfill = migrations::backfill_of_migration_4();
    conn.execute_batch(&backfill).expect("backfill");
    assert_eq!(rows(&conn), recorded);
    assert_eq!(recorded.len(), 10);
}

/// A conflict clause on the firing statement overrides the one inside a trigger; the
/// triggers must still move the row (they DELETE and INSERT for this reason).
#[test]
fn an_or_ignore_write_is_still_recorded() {
    let mut conn = store();
    let since = read(&mut conn, 0, 100, &[1, 2]).cursor;
    conn.execute(
        "UPDATE OR IGNORE seats SET email = 'a@b.ru' WHERE id = 1",
        [],
    )
    .expect("update or ignore");
    conn.execute(
        "INSERT OR IGNORE INTO organizations (id, name, inn) VALUES (3, 'Org 3', '7802135961')",
        [],
    )
    .expect("insert or ignore");
    assert_eq!(
        keys(&read(&mut conn, since, 100, &[1, 2, 3])),
        ["seat:1", "organization:3"]
    );
}

#[test]
fn deletions_are_reported_until_pruned_and_then_older_cursors_are_gone() {
    let mut conn = store();
    let before = read(&mut conn, 0, 100, &[1, 2]).cursor;
    conn.execute("DELETE FROM seats WHERE id = 1", [])
        .expect("delete seat");
    conn.execute(
        "DELETE FROM activation_lines WHERE activation_number = 2",
        [],
    )
    .expect("delete lines");
    conn.execute("DELETE FROM activations WHERE number = 2", [])
        .expect("delete activation");
    let delta = read(&mut conn, before, 100, &[1, 2]);
    assert_eq!(
        keys(&delta),
        ["deleted seat:1", "deleted activation:2"],
        "one tombstone per object, lines included"
    );
    assert_eq!(prune_deleted(&mut conn).expect("prune"), 2);
    assert_eq!(prune_deleted(&mut conn).expect("prune again"), 0);
    assert_eq!(
        feed(&mut conn, before, 100, &[1, 2], None).expect("feed"),
        Err(Gone::Pruned {
            since: before,
            floor: delta.cursor
        })
    );
    // At or past the floor, and a full sync, still work; the tombstones are gone.
    assert!(
        read(&mut conn, delta.cursor, 100, &[1, 2])
            .changes
            .is_empty()
    );
    let full = keys(&read(&mut conn, 0, 100, &[1, 2]));
    assert_eq!(full.len(), 8);
    assert!(full.iter().all(|k| !k.starts_with("deleted")));
}

#[test]
fn a_cursor_beyond_the_history_is_gone() {
    let mut conn = store();
    let last = last_seq(&conn).expect("last");
    assert_eq!(
        feed(&mut conn, last + 1, 10, &[1], None).expect("feed"),
        Err(Gone::Beyond {
            since: last + 1,
            last
        })
    );
    assert!(feed(&mut conn, last, 10, &[1], None).expect("feed").is_ok());
    // A store with no change at all: only 0 is a cursor.
    let mut empty = Connection::open_in_memory().expect("db");
    migrations::apply(&mut empty).expect("migrations");
    let page = read(&mut empty, 0, 10, &[1]);
    assert_eq!((page.cursor, page.changes.len(), page.more), (0, 0, false));
    assert!(feed(&mut empty, 1, 10, &[1], None).expect("feed").is_err());
}
