//! For the change-feed tests: walking the feed, the state a mirror rebuilds from it,
//! and the same state read through the normal endpoints, in one comparable shape.

use super::portal::api_error;
use chrono::{DateTime, NaiveDate, Utc};
use licadm::client::feed::{Change, ChangeFeed, ObjectKind};
use licadm::client::wire::{ActivationLine, ActivationQuery, Organization, SeatQuery};
use licadm::client::{ApiClient, ClientError};
use licadm::domain::{ActivationStatus, Kopecks, Vendor};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What a change is about: its kind and key as the feed names it.
pub fn key_of(change: &Change) -> (ObjectKind, String) {
    match change {
        Change::Organization(o) => (ObjectKind::Organization, o.id.to_string()),
        Change::Product(p) => (ObjectKind::Product, p.id.clone()),
        Change::Price(p) => (ObjectKind::Price, p.id.to_string()),
        Change::Activation(a) => (ObjectKind::Activation, a.number.to_string()),
        Change::Seat(s) => (ObjectKind::Seat, s.id.to_string()),
        Change::Capacity(c) => (
            ObjectKind::Capacity,
            format!("{}:{}", c.organization, c.product),
        ),
        Change::Invoice(i) => (ObjectKind::Invoice, i.number.clone()),
        Change::Device(d) => (
            ObjectKind::Device,
            format!("{}:{}", d.organization, d.serial),
        ),
        Change::Event(e) => (ObjectKind::Event, e.id.to_string()),
        Change::Deleted(d) => (d.object, d.key.clone()),
    }
}

pub fn keys_of_kind(changes: &[Change], kind: ObjectKind) -> Vec<String> {
    changes
        .iter()
        .map(key_of)
        .filter(|(k, _)| *k == kind)
        .map(|(_, key)| key)
        .collect()
}

pub fn as_set(keys: &[String]) -> BTreeSet<String> {
    keys.iter().cloned().collect()
}

/// The organization an organization-scoped change belongs to (None: catalog).
pub fn organization_of(change: &Change) -> Option<i64> {
    match change {
        Change::Organization(o) => Some(o.id),
        Change::Activation(a) => Some(a.organization),
        Change::Seat(s) => Some(s.organization),
        Change::Capacity(c) => Some(c.organization),
        Change::Invoice(i) => Some(i.organization),
        Change::Device(d) => Some(d.organization),
        Change::Event(e) => e.organization.as_ref().map(|o| o.id),
        Change::Product(_) | Change::Price(_) | Change::Deleted(_) => None,
    }
}

/// A 422 for an Idempotency-Key used with another request.
pub fn assert_key_conflict<T: std::fmt::Debug>(result: Result<T, ClientError>) {
    let (status, code, message) = api_error(result);
    assert_eq!((status, code.as_str()), (422, "unprocessable"), "{message}");
    assert!(message.contains("Idempotency-Key"), "{message}");
}

pub async fn audit_actions(client: &ApiClient, object: &str) -> Vec<String> {
    client
        .audit(object, 1, 100)
        .await
        .expect("audit")
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Pages from `since` until nothing more is waiting; every change in order and the
/// last cursor. Checks on the way that a non-empty page moves the cursor forward.
pub async fn sync(client: &ApiClient, since: i64, limit: u32) -> (Vec<Change>, i64) {
    let mut changes = Vec::new();
    let mut cursor = since;
    loop {
        let page: ChangeFeed = client
            .changes(cursor, limit, None)
            .await
            .expect("feed page");
        assert!(page.changes.len() <= limit as usize);
        assert!(
            page.cursor > cursor || (page.changes.is_empty() && page.cursor >= cursor),
            "cursor {} after {cursor} with {} changes",
            page.cursor,
            page.changes.len()
        );
        cursor = page.cursor;
        changes.extend(page.changes);
        if !page.more {
            return (changes, cursor);
        }
    }
}

/// One activation as both sides can tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationState {
    pub organization: i64,
    pub status: ActivationStatus,
    pub vendor: Vendor,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub lines: Vec<ActivationLine>,
}

/// (organization, product id, e-mail, valid from, valid until).
pub type SeatState = (i64, String, Option<String>, NaiveDate, NaiveDate);
/// (support until, accounts max, external max, last emergency (from, until, accounts)).
pub type CapacityState = (
    Option<NaiveDate>,
    u32,
    u32,
    Option<(NaiveDate, NaiveDate, u32)>,
);

/// Everything a mirror keeps, keyed the way the feed keys it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub organizations: BTreeMap<i64, Organization>,
    /// (vendor id, model) -> (price, retail)
    pub prices: BTreeMap<(String, String), (Kopecks, Kopecks)>,
    pub products: BTreeSet<(String, String)>,
    pub activations: BTreeMap<i64, ActivationState>,
    pub seats: BTreeMap<i64, SeatState>,
    pub capacity: BTreeMap<(i64, String), CapacityState>,
    pub invoices: BTreeMap<String, licadm::client::feed::InvoiceRecord>,
    /// (organization, serial) -> (vendor, model, subscription end): the devices list.
    pub devices: BTreeMap<(i64, String), (Vendor, String, NaiveDate)>,
    /// Every audit record of the token's organizations, by id.
    pub events: BTreeMap<i64, licadm::client::events::Event>,
}

/// Applies changes in order, last one wins, as a mirror would.
pub fn rebuild(changes: &[Change]) -> State {
    let mut latest: HashMap<(ObjectKind, String), &Change> = HashMap::new();
    let mut order: Vec<(ObjectKind, String)> = Vec::new();
    for change in changes {
        let key = key_of(change);
        if latest.insert(key.clone(), change).is_none() {
            order.push(key);
        }
    }
    let mut state = State::default();
    let mut prices_by_id = BTreeMap::new();
    let mut devices = Vec::new();
    for key in order {
        match latest[&key] {
            Change::Organization(o) => {
                state.organizations.insert(o.id, o.clone());
            }
            Change::Product(p) => {
                state.products.insert((p.id.clone(), p.name.clone()));
            }
            Change::Price(p) => {
                prices_by_id.insert(
                    p.id,
                    (
                        (p.vendor.id().to_string(), p.model.clone()),
                        (p.price, p.retail_price),
                    ),
                );
            }
            Change::Activation(a) => {
                state.activations.insert(
                    a.number,
                    ActivationState {
                        organization: a.organization,
                        status: a.status,
                        vendor: a.vendor,
                        created_at: a.created_at,
                        completed_at: a.completed_at,
                        error: a.error.clone(),
                        lines: a.lines.clone(),
                    },
                );
            }
            Change::Invoice(i) => {
                state.invoices.insert(i.number.clone(), i.clone());
            }
            Change::Seat(s) => {
                state.seats.insert(
                    s.id,
                    (
                        s.organization,
                        s.product.clone(),
                        s.email.clone(),
                        s.valid_from,
                        s.valid_until,
                    ),
                );
            }
            Change::Capacity(c) => {
                let last = c
                    .emergency
                    .iter()
                    .max_by_key(|e| (e.requested_at, e.id))
                    .map(|e| (e.valid_from, e.valid_until, e.accounts));
                state.capacity.insert(
                    (c.organization, c.product.clone()),
                    (
                        c.support_until,
                        c.accounts_max,
                        c.external_connections_max,
                        last,
                    ),
                );
            }
            Change::Device(d) => {
                devices.push(d.clone());
            }
            Change::Event(e) => {
                state.events.insert(e.id, e.clone());
            }
            Change::Deleted(_) => {}
        }
    }
    for d in devices {
        let model = prices_by_id
            .get(&d.model)
            .map(|((_, model), _)| model.clone())
            .unwrap_or_default();
        state.devices.insert(
            (d.organization, d.serial.clone()),
            (d.vendor, model, d.subscription_until),
        );
    }
    state.prices = prices_by_id.into_values().collect();
    state
}

/// The same state read through the list and detail endpoints.
pub async fn live(client: &ApiClient) -> State {
    let mut state = State::default();
    for org in client.organizations().await.expect("organizations") {
        state.organizations.insert(org.id, org);
    }
    for price in client.prices().await.expect("prices") {
        state.prices.insert(
            (price.vendor.id.id().to_string(), price.model),
            (price.price, price.retail_price),
        );
    }
    let summaries = super::portal::walk_all(client, &ActivationQuery::default()).await;
    for summary in summaries {
        let detail = client
            .activation(summary.number)
            .await
            .expect("activation detail");
        state.activations.insert(
            summary.number,
            ActivationState {
                organization: summary.organization.id,
                status: summary.status,
                vendor: summary.vendor.id,
                created_at: summary.created_at,
                completed_at: summary.completed_at,
                error: summary.error,
                lines: detail.lines,
            },
        );
    }
    let mut page = 1;
    loop {
        let got = client
            .seats(&SeatQuery {
                page,
                per_page: 100,
                ..SeatQuery::default()
            })
            .await
            .expect("seats");
        let done = got.items.is_empty() || got.page_count() <= page;
        for seat in got.items {
            state
                .products
                .insert((seat.product.id.clone(), seat.product.name.clone()));
            state.seats.insert(
                seat.id,
                (
                    seat.organization.id,
                    seat.product.id,
                    seat.email,
                    seat.valid_from,
                    seat.valid_until,
                ),
            );
        }
        if done {
            break;
        }
        page += 1;
    }
    for org in state.organizations.keys().copied().collect::<Vec<_>>() {
        let info = client.license_info(org).await.expect("license info");
        for product in info.products {
            state
                .products
                .insert((product.product.id.clone(), product.product.name.clone()));
            state.capacity.insert(
                (org, product.product.id),
                (
                    product.support_until,
                    product.accounts_max,
                    product.external_connections_max,
                    product
                        .emergency
                        .map(|e| (e.valid_from, e.valid_until, e.accounts_max)),
                ),
            );
        }
    }
    let mut page = 1;
    loop {
        let got = client
            .invoices(&licadm::client::invoices::InvoiceQuery {
                page,
                per_page: 100,
                ..Default::default()
            })
            .await
            .expect("invoices");
        let done = got.items.is_empty() || u64::from(page) * 100 >= got.total;
        for invoice in got.items {
            let detail = client.invoice(&invoice.number).await.expect("invoice");
            state.invoices.insert(invoice.number.clone(), detail.into());
        }
        if done {
            break;
        }
        page += 1;
    }
    let mut query = licadm::client::devices::DeviceQuery {
        per_page: Some(1000),
        ..Default::default()
    };
    loop {
        let page = client.devices(&query).await.expect("devices");
        for d in page.items {
            state.devices.insert(
                (d.organization.id, d.serial),
                (d.vendor.id, d.model, d.subscription_until),
            );
        }
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    let mut query = licadm::client::events::EventQuery {
        per_page: Some(100),
        ..Default::default()
    };
    loop {
        let page = client.events(&query).await.expect("events");
        for e in page.items {
            state.events.insert(e.id, e);
        }
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    state
}

/// What the concurrent writer and the paging reader tell each other.
#[derive(Clone, Default)]
pub struct WriterFlags {
    /// Set by the reader: a page ended at the store's largest seq.
    pub caught_up: Arc<AtomicBool>,
    /// Set by the writer after its last write was answered.
    pub done: Arc<AtomicBool>,
}

/// Binds and unbinds `seats` (each round gives each seat another of `users`) and retries
/// `errored`, while the reader syncs from 0 and for 6 rounds after it caught up; the
/// seats stay bound and the remaining retries come last, so the last write of several
/// objects lands while the reader's pages end at the store's largest seq. Answers
/// (kind, key, when the write was answered) of every write.
pub async fn write_while_paging(
    admin: ApiClient,
    seats: Vec<i64>,
    users: Vec<String>,
    errored: Vec<i64>,
    flags: WriterFlags,
) -> Vec<(ObjectKind, String, Instant)> {
    let mut log = Vec::new();
    let mut retries = errored.iter();
    let mut after_catch_up = 0;
    for round in 0..200 {
        for (k, seat) in seats.iter().enumerate() {
            let user = &users[(k + round) % users.len()];
            admin.bind_seat(*seat, user, None).await.expect("bind");
            log.push((ObjectKind::Seat, seat.to_string(), Instant::now()));
        }
        if round % 3 == 0
            && let Some(number) = retries.next()
        {
            admin.retry(*number, None).await.expect("retry");
            log.push((ObjectKind::Activation, number.to_string(), Instant::now()));
        }
        if flags.caught_up.load(Ordering::SeqCst) {
            after_catch_up += 1;
            // Enough writes in all too, however fast the reader caught up (a store
            // that syncs every commit to disk writes fewer while the reader pages).
            if after_catch_up >= 6 && log.len() > 100 {
                break; // the seats stay bound
            }
        }
        for seat in &seats {
            admin.unbind_seat(*seat, None).await.expect("unbind");
            log.push((ObjectKind::Seat, seat.to_string(), Instant::now()));
        }
    }
    for number in retries {
        admin.retry(*number, None).await.expect("retry");
        log.push((ObjectKind::Activation, number.to_string(), Instant::now()));
    }
    flags.done.store(true, Ordering::SeqCst);
    log
}

/// Checks the pages a reader got (with when each was requested) against the writer's
/// log: an object is on a page at most once, and one seen again on a later page was
/// written after the earlier page was requested (so after its snapshot). Answers how
/// many times an object came back.
pub fn assert_repeats_follow_writes(
    pages: &[(Instant, ChangeFeed)],
    log: &[(ObjectKind, String, Instant)],
) -> usize {
    let mut seen_at: HashMap<(ObjectKind, String), Instant> = HashMap::new();
    let mut repeats = 0;
    for (sent, page) in pages {
        let on_page: Vec<_> = page.changes.iter().map(key_of).collect();
        let distinct: BTreeSet<String> = on_page
            .iter()
            .map(|(k, key)| format!("{k:?}:{key}"))
            .collect();
        assert_eq!(
            on_page.len(),
            distinct.len(),
            "an object at most once per page"
        );
        for key in on_page {
            if let Some(earlier) = seen_at.get(&key) {
                assert!(
                    log.iter()
                        .any(|(kind, k, at)| (*kind, k) == (key.0, &key.1) && at > earlier),
                    "{key:?} came back without a write after {earlier:?}"
                );
                repeats += 1;
            }
            seen_at.insert(key, *sent);
        }
    }
    repeats
}
