//! A mirror that holds a window (docs/DESIGN.md §6.5): a token that sees more activations
//! than the policy's threshold mirrors the unfinished ones and those created in the last
//! months, reads the rest from the portal on demand, and keeps what it opened. The feed's
//! window leaves nothing stale: what changes while the windowed sync runs comes whole.

use crate::support::feed::sync;
use crate::support::portal::TestPortal;
use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Utc};
use licadm::client::feed::{Change, ChangeFeed, FeedWindow};
use licadm::client::wire::{ActivationQuery, ActivationSummary};
use licadm::client::{ApiClient, ClientError};
use licadm::console::data::{DataSource, MirrorSource};
use licadm::domain::ActivationStatus;
use licadm::mirror::sync::sync_once;
use licadm::mirror::{Mirror, WindowPolicy};
use std::collections::BTreeSet;

fn quiet(_: licadm::mirror::sync::SyncProgress) {}

/// The demo's orders run from May to 23 November 2026: a window from 1 October holds
/// some done activations and leaves others out.
fn october() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0)
        .single()
        .expect("a date")
}

/// Months from October 2026 to now, so that a mirror's window (which runs from "now
/// minus N months") starts in October 2026 whenever the test runs.
fn months_since_october() -> u32 {
    let now = Utc::now();
    u32::try_from((now.year() - 2026) * 12 + now.month0() as i32 - 9).unwrap_or(0)
}

/// In the window: not done, or created from its start on.
fn in_window(status: ActivationStatus, created_at: DateTime<Utc>, from: DateTime<Utc>) -> bool {
    status != ActivationStatus::Done || created_at >= from
}

fn activations_of(changes: &[Change]) -> Vec<&licadm::client::feed::ActivationRecord> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::Activation(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// Pages through a windowed full sync, sending back the head the first page gave.
async fn windowed_sync(
    client: &ApiClient,
    from: DateTime<Utc>,
    limit: u32,
    between_pages: impl AsyncFn(usize),
) -> Vec<Change> {
    let mut window = FeedWindow { from, head: None };
    let mut cursor = 0;
    let mut changes = Vec::new();
    for page_index in 0.. {
        let page: ChangeFeed = client
            .changes(cursor, limit, Some(window))
            .await
            .expect("windowed page");
        let head = page.window_head.expect("a windowed page names its head");
        assert_eq!(*window.head.get_or_insert(head), head, "the head holds");
        cursor = page.cursor;
        changes.extend(page.changes);
        if !page.more {
            break;
        }
        between_pages(page_index).await;
    }
    changes
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_windowed_feed_holds_the_window_and_every_change_made_while_it_ran() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let (everything, _) = sync(&admin, 0, 1000).await;
    let all = activations_of(&everything);
    let expected: BTreeSet<i64> = all
        .iter()
        .filter(|a| in_window(a.status, a.created_at, october()))
        .map(|a| a.number)
        .collect();
    assert!(
        expected.len() < all.len() && all.iter().any(|a| a.status == ActivationStatus::Done
            && expected.contains(&a.number)),
        "the window leaves some done activations out and keeps others"
    );

    let windowed = windowed_sync(&admin, october(), 37, async |_| {}).await;
    let held: BTreeSet<i64> = activations_of(&windowed).iter().map(|a| a.number).collect();
    assert_eq!(held, expected);
    // Audit records from the window's start on, by the same rule (issue 16).
    let events = |changes: &[Change]| -> BTreeSet<i64> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Event(e) => Some(e.id),
                _ => None,
            })
            .collect()
    };
    let expected_events: BTreeSet<i64> = everything
        .iter()
        .filter_map(|c| match c {
            Change::Event(e) if e.at >= october() => Some(e.id),
            _ => None,
        })
        .collect();
    assert!(expected_events.len() < events(&everything).len(), "some events are older");
    assert!(!expected_events.is_empty(), "some are in the window");
    assert_eq!(events(&windowed), expected_events);
    // The device lists are the portal's: none of their rows up to the head (issue 13).
    let devices = |changes: &[Change]| -> Vec<(i64, String)> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Device(d) => Some((d.organization, d.serial.clone())),
                _ => None,
            })
            .collect()
    };
    assert!(!devices(&everything).is_empty(), "the whole feed has device rows");
    assert_eq!(devices(&windowed), Vec::new());
    // And the invoices (at 1 000 000 activations an organization's month is up to 43 520 lines).
    let invoices = |changes: &[Change]| -> usize {
        changes
            .iter()
            .filter(|c| matches!(c, Change::Invoice(_)))
            .count()
    };
    assert!(invoices(&everything) > 0, "the whole feed has invoices");
    assert_eq!(invoices(&windowed), 0);
    // Everything else comes whole.
    let rest = |changes: &[Change]| -> Vec<String> {
        changes
            .iter()
            .filter(|c| {
                !matches!(
                    c,
                    Change::Activation(_) | Change::Event(_) | Change::Device(_) | Change::Invoice(_)
                )
            })
            .map(|c| format!("{c:?}"))
            .collect()
    };
    assert_eq!(rest(&windowed), rest(&everything));

    // An errored activation from before the window is completed while the sync runs:
    // it leaves the window, but its new state must still come, or the mirror would
    // keep it as errored for ever.
    let old_errored = all
        .iter()
        .filter(|a| a.status == ActivationStatus::Error && a.created_at < october())
        .map(|a| a.number)
        .max()
        .expect("an old errored activation");
    // A device's subscription renewed while the sync runs comes too: it changed after
    // the head.
    let (renewed_org, renewed_serial) = devices(&everything)[0].clone();
    let windowed = windowed_sync(&admin, october(), 37, async |page_index| {
        if page_index == 0 {
            portal
                .execute_behind(
                    "UPDATE activations SET status = 'done', error = NULL,
                            completed_at = created_at WHERE number = ?",
                    "UPDATE activations SET status = 'done', error = NULL,
                            completed_at = created_at WHERE number = $1",
                    old_errored,
                )
                .await;
            portal
                .execute_behind(
                    &format!(
                        "UPDATE organization_devices SET current_until = '2031-01-31'
                          WHERE organization_id = ? AND serial = '{renewed_serial}'"
                    ),
                    &format!(
                        "UPDATE organization_devices SET current_until = '2031-01-31'
                          WHERE organization_id = $1 AND serial = '{renewed_serial}'"
                    ),
                    renewed_org,
                )
                .await;
        }
    })
    .await;
    // The devices that come are those changed after the head: the renewed one, and
    // the completed activation's, whose device list moved with it.
    let completed_serials: BTreeSet<String> = all
        .iter()
        .find(|a| a.number == old_errored)
        .map(|a| a.lines.iter().map(|l| l.serial.clone()).collect())
        .unwrap_or_default();
    let came: Vec<_> = windowed
        .iter()
        .filter_map(|c| match c {
            Change::Device(d) => Some(d),
            _ => None,
        })
        .collect();
    for device in &came {
        assert!(
            device.serial == renewed_serial || completed_serials.contains(&device.serial),
            "a device that did not change after the head: {device:?}"
        );
    }
    let renewed = came
        .iter()
        .find(|d| d.organization == renewed_org && d.serial == renewed_serial)
        .expect("the renewed device comes");
    assert_eq!(renewed.subscription_until.to_string(), "2031-01-31");
    let last_of_it = activations_of(&windowed)
        .into_iter()
        .rev()
        .find(|a| a.number == old_errored)
        .expect("the completed activation comes");
    assert_eq!(last_of_it.status, ActivationStatus::Done);

    // Bad window parameters are 400s naming them.
    for bad in [
        "window_from=yesterday",
        "window_from=2026-10-01&window_head=-1",
        "window_head=5",
    ] {
        let response = portal.raw_get(&format!("/changes?{bad}")).await;
        assert_eq!(response.status(), 400, "{bad}");
        let body: serde_json::Value = response.json().await.expect("error JSON");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("window_"), "{bad}: {message}");
    }
}
}

/// Every activation number the mirror file holds.
fn mirrored_numbers(path: &std::path::Path) -> BTreeSet<i64> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare("SELECT number FROM activations")
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("numbers")
}

/// A client whose portal is gone: nothing listens on the port.
fn dead_client(token: &str) -> ApiClient {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    ApiClient::new(&url, token).expect("client")
}

fn numbers(items: &[ActivationSummary]) -> Vec<i64> {
    items.iter().map(|a| a.number).collect()
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_mirror_over_the_threshold_holds_a_window_and_asks_for_the_rest() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let (everything, _) = sync(&admin, 0, 1000).await;
    let all = activations_of(&everything);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mirror.sqlite");
    let policy = WindowPolicy {
        threshold: 10,
        months: months_since_october(),
    };
    let mirror = Mirror::open(&path).expect("mirror").with_window_policy(policy);
    let report = sync_once(&admin, &mirror, &quiet).await.expect("sync");
    let from = report.window_from.expect("over the threshold: a window");
    let expected_from = Utc::now()
        .date_naive()
        .checked_sub_months(chrono::Months::new(policy.months))
        .expect("a date")
        .and_time(NaiveTime::MIN)
        .and_utc();
    assert_eq!(from, expected_from, "now minus the policy's months, from midnight");
    let expected: BTreeSet<i64> = all
        .iter()
        .filter(|a| in_window(a.status, a.created_at, from))
        .map(|a| a.number)
        .collect();
    assert_eq!(mirrored_numbers(&path), expected);

    // Under the threshold, the same token mirrors everything.
    let whole_dir = tempfile::tempdir().expect("tempdir");
    let whole_path = whole_dir.path().join("mirror.sqlite");
    let whole = Mirror::open(&whole_path).expect("mirror");
    let report = sync_once(&admin, &whole, &quiet).await.expect("sync");
    assert_eq!(report.window_from, None);
    assert_eq!(mirrored_numbers(&whole_path).len(), all.len());

    let source = DataSource::Mirror(MirrorSource {
        client: admin.clone(),
        mirror: mirror.clone(),
    });
    // Errored and in-progress lists are whole in the window: answered by the mirror,
    // exactly as the portal answers them.
    for status in [ActivationStatus::Error, ActivationStatus::InProgress] {
        let query = ActivationQuery {
            status: Some(status),
            ..ActivationQuery::default()
        };
        let local = mirror
            .activations_if_whole(&query)
            .expect("read")
            .expect("whole in the window");
        assert_eq!(local, admin.activations(&query).await.expect("portal"));
    }
    // Every status reaches outside the window: the portal answers.
    let query = ActivationQuery {
        per_page: 100,
        ..ActivationQuery::default()
    };
    assert_eq!(mirror.activations_if_whole(&query).expect("read"), None);
    let portal_page = admin.activations(&query).await.expect("portal");
    assert_eq!(source.activations(&query).await.expect("list"), portal_page);

    // The device lists are the portal's in a windowed mirror, and offline not there
    // (the portal's connection error, as for any list only the portal has).
    let device_query = licadm::client::devices::DeviceQuery {
        per_page: Some(50),
        ..Default::default()
    };
    assert_eq!(mirror.if_whole(|m| m.devices(&device_query)).expect("read"), None);
    assert_eq!(
        mirror.if_whole(|m| m.device_totals(&device_query)).expect("read"),
        None
    );
    let portal_devices = admin.devices(&device_query).await.expect("portal");
    assert!(!portal_devices.items.is_empty());
    assert_eq!(
        source.devices(&device_query).await.expect("devices"),
        portal_devices
    );
    assert_eq!(
        source.device_totals(&device_query).await.expect("totals"),
        admin.device_totals(&device_query).await.expect("portal")
    );
    let invoice_query = licadm::client::invoices::InvoiceQuery::default();
    let portal_invoices = admin.invoices(&invoice_query).await.expect("portal");
    let first_invoice = portal_invoices.items.first().expect("an invoice").number.clone();
    assert_eq!(mirror.if_whole(|m| m.invoices(&invoice_query)).expect("read"), None);
    assert_eq!(
        source.invoices(&invoice_query).await.expect("invoices"),
        portal_invoices
    );
    assert_eq!(
        source.invoice(&first_invoice).await.expect("invoice"),
        admin.invoice(&first_invoice).await.expect("portal")
    );
    // The whole mirror answers them itself, as the portal does.
    assert_eq!(
        whole
            .if_whole(|m| m.devices(&device_query))
            .expect("read")
            .expect("whole"),
        portal_devices
    );

    // An old done activation is opened: from the portal, then kept.
    let old = all
        .iter()
        .find(|a| !in_window(a.status, a.created_at, from))
        .map(|a| a.number)
        .expect("an activation outside the window");
    assert_eq!(mirror.activation_if_held(old).expect("read"), None);
    let opened = source.activation(old).await.expect("opened");
    assert_eq!(opened, admin.activation(old).await.expect("portal"));
    assert_eq!(mirror.activation_if_held(old).expect("read"), Some(opened.clone()));

    // Offline: what the window holds (and what was opened) still reads; another old
    // activation is not there.
    let offline = DataSource::Mirror(MirrorSource {
        client: dead_client("lca_gone"),
        mirror: mirror.clone(),
    });
    let partial = offline.activations(&query).await.expect("the window offline");
    let held = mirrored_numbers(&path);
    assert!(!partial.items.is_empty());
    assert!(numbers(&partial.items).iter().all(|n| held.contains(n)));
    assert_eq!(offline.activation(old).await.expect("kept"), opened);
    match offline.devices(&device_query).await {
        Err(error) if error.is_connection() => {}
        other => panic!("a windowed mirror's device list needs the portal: {other:?}"),
    }
    match offline.invoices(&invoice_query).await {
        Err(error) if error.is_connection() => {}
        other => panic!("a windowed mirror's invoices need the portal: {other:?}"),
    }
    let other_old = all
        .iter()
        .find(|a| !in_window(a.status, a.created_at, from) && a.number != old)
        .map(|a| a.number)
        .expect("another activation outside the window");
    match offline.activation(other_old).await {
        Err(ClientError::Api { status: 404, .. }) => {}
        other => panic!("not held offline: {other:?}"),
    }

    // After the windowed sync, deltas come whole: a change to an old activation
    // the mirror never held reaches it.
    portal
        .execute_behind(
            "UPDATE activations SET error = 'проверка окна' WHERE number = ?",
            "UPDATE activations SET error = 'проверка окна' WHERE number = $1",
            other_old,
        )
        .await;
    sync_once(&admin, &mirror, &quiet).await.expect("delta");
    assert!(mirrored_numbers(&path).contains(&other_old));
    assert_eq!(mirror.state().expect("state").window_from, Some(from));
}
}
