//! The device list (`GET /devices`, `GET /devices/totals`; issue 16 part A): scoped to
//! the token's organizations (an operator's: all), filtered, sorted, paged by cursor,
//! moved by the worker in the same transaction, and the renewal's idempotency key
//! that keeps two consoles from paying twice.

use crate::support::portal::{TestPortal, fast_worker, wait_for};
use licadm::client::devices::{DeviceItem, DeviceQuery, renewal_key};
use licadm::client::wire::{ActivationQuery, Role};
use licadm::client::{ApiClient, ClientError};
use licadm::domain::{ActivationStatus, Kopecks, Vendor};
use licadm::portal::demo_serials;
use std::collections::BTreeSet;
use std::time::Duration;

const ALSTER: i64 = 1;
const TECHBUSINESS: i64 = 2;

/// Every device a query reaches, following `next` to the end.
async fn walk(client: &ApiClient, query: &DeviceQuery) -> Vec<DeviceItem> {
    let mut query = query.clone();
    let mut all = Vec::new();
    for _ in 0..100_000 {
        let page = client.devices(&query).await.expect("devices");
        assert!(page.items.len() <= page.per_page as usize);
        all.extend(page.items);
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => return all,
        }
    }
    panic!("the cursor never ended");
}

fn organizations(devices: &[DeviceItem]) -> BTreeSet<i64> {
    devices.iter().map(|d| d.organization.id).collect()
}

fn keys(devices: &[DeviceItem]) -> Vec<(String, i64)> {
    devices
        .iter()
        .map(|d| (d.serial.clone(), d.organization.id))
        .collect()
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_partner_sees_only_its_organizations_devices_and_an_operator_sees_all() {
    let portal = TestPortal::start().await;
    let first = portal.client(&portal.token(Role::Viewer, &[ALSTER], "viewer-1@test"));
    let second = portal.client(&portal.token(Role::Admin, &[TECHBUSINESS], "admin-2@test"));
    let operator = portal.client(&portal.operator_token());
    let all = DeviceQuery { per_page: Some(100), ..Default::default() };

    let mine = walk(&first, &all).await;
    assert!(!mine.is_empty(), "the demo completed activations of organization 1");
    assert_eq!(organizations(&mine), BTreeSet::from([ALSTER]));
    let theirs = walk(&second, &all).await;
    assert!(!theirs.is_empty());
    assert_eq!(organizations(&theirs), BTreeSet::from([TECHBUSINESS]));

    // Another organization is a 404, as for every read outside the token, on both.
    let other = DeviceQuery { organization: Some(TECHBUSINESS), ..Default::default() };
    assert_eq!(first.devices(&other).await.expect_err("not the token's").status(), Some(404));
    assert_eq!(first.device_totals(&other).await.expect_err("not the token's").status(), Some(404));

    let everything = walk(&operator, &all).await;
    let mut union: BTreeSet<(String, i64)> = keys(&mine).into_iter().collect();
    union.extend(keys(&theirs));
    let third = walk(&operator, &DeviceQuery { organization: Some(3), ..all.clone() }).await;
    union.extend(keys(&third));
    assert_eq!(keys(&everything).into_iter().collect::<BTreeSet<_>>(), union);
    assert_eq!(everything.len(), union.len(), "each device once per organization");
    // A token of all three organizations: one ordered branch each, merged.
    let merged = walk(&portal.admin(), &all).await;
    assert_eq!(keys(&merged), keys(&everything));

    // Totals agree with the list they count, per organization and vendor.
    let totals = first.device_totals(&DeviceQuery::default()).await.expect("totals");
    assert_eq!(totals.count, mine.len() as u64);
    assert_eq!(totals.total, mine.iter().map(|d| d.price).sum::<Kopecks>());
    for group in &totals.groups {
        let members: Vec<&DeviceItem> = mine
            .iter()
            .filter(|d| d.organization.id == group.organization.id && d.vendor.id == group.vendor.id)
            .collect();
        assert_eq!(group.count, members.len() as u64);
        assert_eq!(group.total, members.iter().map(|d| d.price).sum::<Kopecks>());
    }
    let operator_totals = operator.device_totals(&DeviceQuery::default()).await.expect("totals");
    assert_eq!(operator_totals.count, everything.len() as u64);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn filters_sorts_and_cursors_agree_with_the_whole_list() {
    let portal = TestPortal::start().await;
    let operator = portal.client(&portal.operator_token());
    let all = walk(&operator, &DeviceQuery { per_page: Some(1000), ..Default::default() }).await;
    assert!(all.len() > 20, "enough devices to page through");
    // By time left, then serial and organization.
    let order = |d: &DeviceItem| (d.subscription_until, d.serial.clone(), d.organization.id);
    assert!(all.windows(2).all(|w| order(&w[0]) < order(&w[1])), "least time left first");
    let prices = operator.prices().await.expect("prices");
    for device in &all {
        let price = prices.iter().find(|p| p.model == device.model).expect("model priced");
        assert_eq!((device.price, device.retail_price, device.vendor.id), (price.price, price.retail_price, price.vendor.id));
    }

    // Small pages by cursor: the same devices, in the same order, none twice.
    let paged = walk(&operator, &DeviceQuery { per_page: Some(7), ..Default::default() }).await;
    assert_eq!(keys(&paged), keys(&all));

    let descending = walk(&operator, &DeviceQuery { sort: Some("-subscription_until".into()), per_page: Some(9), ..Default::default() }).await;
    let mut reversed = keys(&all);
    reversed.reverse();
    assert_eq!(keys(&descending), reversed);
    let by_serial = walk(&operator, &DeviceQuery { sort: Some("serial".into()), per_page: Some(11), ..Default::default() }).await;
    let mut expected = keys(&all);
    expected.sort();
    assert_eq!(keys(&by_serial), expected);
    let by_serial_desc = walk(&operator, &DeviceQuery { sort: Some("-serial".into()), per_page: Some(11), ..Default::default() }).await;
    expected.reverse();
    assert_eq!(keys(&by_serial_desc), expected);

    let check = |query: DeviceQuery, keep: &dyn Fn(&DeviceItem) -> bool| {
        let operator = operator.clone();
        let expected: Vec<(String, i64)> = all.iter().filter(|d| keep(d)).map(|d| (d.serial.clone(), d.organization.id)).collect();
        async move {
            assert!(!expected.is_empty(), "{query:?} matches something in the demo");
            let found = walk(&operator, &DeviceQuery { per_page: Some(13), ..query.clone() }).await;
            assert_eq!(keys(&found), expected, "{query:?}");
            let totals = operator.device_totals(&query).await.expect("totals");
            assert_eq!(totals.count, expected.len() as u64, "{query:?}");
        }
    };
    check(DeviceQuery { vendor: Some("pp-electro".into()), ..Default::default() }, &|d| d.vendor.id == Vendor::PpElectro).await;
    let model = all[all.len() / 2].model.clone();
    check(DeviceQuery { model: Some(model.clone()), ..Default::default() }, &|d| d.model == model).await;
    let middle = all[all.len() / 2].subscription_until;
    check(DeviceQuery { ending_before: Some(middle), ..Default::default() }, &|d| d.subscription_until < middle).await;
    check(DeviceQuery { ending_after: Some(middle), ..Default::default() }, &|d| d.subscription_until > middle).await;
    let prefix: String = all[0].serial.chars().take(6).collect();
    check(DeviceQuery { q: Some(prefix.clone()), ..Default::default() }, &|d| d.serial.starts_with(&prefix)).await;
    check(
        DeviceQuery { organization: Some(ALSTER), vendor: Some("pay-kiosk".into()), ending_after: Some(middle), ..Default::default() },
        &|d| d.organization.id == ALSTER && d.vendor.id == Vendor::PayKiosk && d.subscription_until > middle,
    ).await;

    // Bad values are a 400 naming the parameter.
    for (name, value) in [("vendor", "acme"), ("model", "Nokia 3310"), ("ending_before", "soon"), ("q", "15a"), ("sort", "price"), ("per_page", "1001"), ("cursor", "zzz")] {
        let response = portal.raw_get(&format!("/devices?{name}={}", value.replace(' ', "%20"))).await;
        assert_eq!(response.status(), 400, "{name}={value}");
        let body: serde_json::Value = response.json().await.expect("json error");
        let message = body["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.starts_with(name), "{name}: {message}");
    }
}
}

const WAIT: Duration = Duration::from_secs(20);

async fn done(client: &ApiClient, number: i64) {
    wait_for(&format!("activation {number} done"), WAIT, || async {
        let status = client.activation(number).await.ok()?.summary.status;
        (status == ActivationStatus::Done).then_some(())
    })
    .await
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_completed_activation_adds_its_devices_and_a_renewal_elsewhere_moves_them_in_every_list() {
    // No worker yet, so the activation is surely still in progress when first listed.
    let mut portal = TestPortal::start().await;
    let known = demo_serials(&portal.db, 5).expect("demo serials");
    let serial = known.ok.get(Vendor::PayKiosk.id()).expect("ok serials")[0].clone();
    let tokens = [
        portal.token(Role::Admin, &[ALSTER], "admin-1@test"),
        portal.token(Role::Admin, &[TECHBUSINESS], "admin-2@test"),
    ];
    let first = portal.client(&tokens[0]);
    let find = |devices: Vec<DeviceItem>| devices.into_iter().find(|d| d.serial == serial);
    let by_serial = DeviceQuery { q: Some(serial.clone()), ..Default::default() };
    let before_first = find(walk(&first, &by_serial).await);

    let created = first.create_activations(ALSTER, std::slice::from_ref(&serial), "k-1").await.expect("created");
    let number = created.activations[0].number;
    // In progress: not renewed yet, so nothing moved.
    assert_eq!(find(walk(&first, &by_serial).await), before_first);
    // The same store with its worker: the restarted portal has a new address.
    portal.restart(fast_worker(0)).await;
    let (first, second) = (portal.client(&tokens[0]), portal.client(&tokens[1]));
    done(&first, number).await;
    let line = first.activation(number).await.expect("detail").lines.remove(0);
    let listed = find(walk(&first, &by_serial).await).expect("the device is organization 1's now");
    assert_eq!(listed.subscription_until, line.new_until);
    assert_eq!(listed.organization.id, ALSTER);

    // Organization 2 renews the same device: both lists show the new end.
    let created = second.create_activations(TECHBUSINESS, std::slice::from_ref(&serial), "k-2").await.expect("created");
    done(&second, created.activations[0].number).await;
    let renewed = find(walk(&second, &by_serial).await).expect("organization 2's now too");
    assert!(renewed.subscription_until > listed.subscription_until);
    let moved = find(walk(&first, &by_serial).await).expect("still organization 1's");
    assert_eq!(moved.subscription_until, renewed.subscription_until);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_same_renewal_sent_from_two_consoles_at_once_creates_one_activation() {
    let portal = TestPortal::start().await;
    let known = demo_serials(&portal.db, 5).expect("demo serials");
    let serials: Vec<String> = known.ok.get(Vendor::PpElectro.id()).expect("ok serials")[..3].to_vec();
    let token = portal.token(Role::Admin, &[ALSTER], "renewer@test");
    // Two consoles of one admin: the key is derived from what both see, not random.
    let precheck = portal.client(&token).precheck(ALSTER, &serials).await.expect("precheck");
    let period: Vec<(String, Option<chrono::NaiveDate>)> =
        precheck.rows.iter().map(|r| (r.serial.clone(), r.current_until)).collect();
    let key = renewal_key(ALSTER, &period);
    let mut reversed = period.clone();
    reversed.reverse();
    assert_eq!(renewal_key(ALSTER, &reversed), key, "the other console's order");
    let count = |client: ApiClient| async move {
        client.activations(&ActivationQuery { per_page: 10, ..Default::default() }).await.expect("list").total
    };
    let before = count(portal.client(&token)).await;

    let send = |serials: Vec<String>| {
        let client = portal.client(&token);
        let key = key.clone();
        tokio::spawn(async move { client.create_activations(ALSTER, &serials, &key).await })
    };
    let (a, b) = tokio::join!(send(serials.clone()), send(serials.clone()));
    let (a, b) = (a.expect("task").expect("first"), b.expect("task").expect("second"));
    assert_eq!(a.activations, b.activations, "the same activation answered to both");
    assert_eq!(count(portal.client(&token)).await, before + 1);
    // A retry after a lost answer replays it too.
    let again = portal.client(&token).create_activations(ALSTER, &serials, &key).await.expect("replay");
    assert_eq!(again.activations, a.activations);
    assert_eq!(count(portal.client(&token)).await, before + 1);

    // Two admins (two tokens) renewing the same devices at once: one activation; the
    // other is refused whole, its serials pending on the first.
    let more: Vec<String> = known.ok.get(Vendor::PayKiosk.id()).expect("ok serials")[..2].to_vec();
    let admins = [
        portal.token(Role::Admin, &[ALSTER], "admin-a@test"),
        portal.token(Role::Admin, &[ALSTER], "admin-b@test"),
    ];
    let period: Vec<(String, Option<chrono::NaiveDate>)> = portal
        .client(&admins[0])
        .precheck(ALSTER, &more)
        .await
        .expect("precheck")
        .rows
        .iter()
        .map(|r| (r.serial.clone(), r.current_until))
        .collect();
    let key = renewal_key(ALSTER, &period);
    let spawn = |token: &String| {
        let client = portal.client(token);
        let (more, key) = (more.clone(), key.clone());
        tokio::spawn(async move { client.create_activations(ALSTER, &more, &key).await })
    };
    let (a, b) = tokio::join!(spawn(&admins[0]), spawn(&admins[1]));
    let results = [a, b];
    let results: Vec<Result<_, ClientError>> = results.into_iter().map(|r| r.expect("task")).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().any(|r| matches!(r, Err(e) if e.status() == Some(422))), "{results:?}");
    assert_eq!(count(portal.client(&token)).await, before + 2);
}
}
