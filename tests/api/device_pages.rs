//! Page numbers on the device list (issue 16; docs/DESIGN.md §4.8): `page=N` answers the
//! rows the cursors reach as the N-th page, in every scope plan (one organization,
//! merged branches, an operator's walk), a cursor carries its page's number on, a page
//! deeper than `DEVICES_PAGE_DEPTH` rows is a 400 naming the bound and the cursor, and
//! the mirror answers a page number as the portal does. On SQLite and PostgreSQL.

use crate::support::portal::{TestPortal, status_message};
use licadm::client::ApiClient;
use licadm::client::devices::{DEVICES_PAGE_DEPTH, DeviceItem, DeviceQuery};
use licadm::client::wire::Role;
use licadm::mirror::Mirror;

const ALSTER: i64 = 1;
const TECHBUSINESS: i64 = 2;

fn keys(devices: &[DeviceItem]) -> Vec<(String, i64)> {
    devices
        .iter()
        .map(|d| (d.serial.clone(), d.organization.id))
        .collect()
}

/// The whole list in one page (the demo has far fewer than 1 000 devices).
async fn whole(client: &ApiClient, query: &DeviceQuery) -> Vec<DeviceItem> {
    let page = client
        .devices(&DeviceQuery {
            per_page: Some(1000),
            ..query.clone()
        })
        .await
        .expect("devices");
    assert!(page.next.is_none(), "one page holds them all");
    page.items
}

/// Every page by number agrees with the whole list cut in pages; the page past the
/// end is empty; the cursors walked from page 1 number their pages 1, 2, 3…
async fn numbers_agree_with_the_cursors(client: &ApiClient, query: DeviceQuery, per_page: u32) {
    let all = whole(client, &query).await;
    assert!(all.len() > 2 * per_page as usize, "{query:?}: a few pages");
    let pages = all.len().div_ceil(per_page as usize) as u32;
    for n in 1..=pages + 1 {
        let page = client
            .devices(&DeviceQuery {
                per_page: Some(per_page),
                page: Some(n),
                ..query.clone()
            })
            .await
            .expect("page by number");
        let from = ((n - 1) * per_page) as usize;
        let to = (from + per_page as usize).min(all.len());
        let expected = if from < all.len() {
            &all[from..to]
        } else {
            &[][..]
        };
        assert_eq!(keys(&page.items), keys(expected), "{query:?} page {n}");
        assert_eq!(page.page, n);
        assert_eq!(page.next.is_some(), n < pages, "{query:?} page {n}: next");
    }
    // From page 1 by cursor: each page knows its number.
    let mut cursor_query = DeviceQuery {
        per_page: Some(per_page),
        ..query.clone()
    };
    let mut seen = Vec::new();
    for n in 1..=pages {
        let page = client.devices(&cursor_query).await.expect("page by cursor");
        assert_eq!(page.page, n, "{query:?}: the cursor's page");
        seen.extend(page.items);
        cursor_query.cursor = page.next;
    }
    assert!(cursor_query.cursor.is_none());
    assert_eq!(keys(&seen), keys(&all));
    // A page by number, then its cursor: the next page, numbered so.
    let third = client
        .devices(&DeviceQuery {
            per_page: Some(per_page),
            page: Some(2),
            ..query.clone()
        })
        .await
        .expect("page 2");
    let after = client
        .devices(&DeviceQuery {
            per_page: Some(per_page),
            cursor: third.next,
            // The cursor wins over a page number.
            page: Some(1),
            ..query.clone()
        })
        .await
        .expect("page 3 by cursor");
    assert_eq!(after.page, 3);
    let from = 2 * per_page as usize;
    let to = (from + per_page as usize).min(all.len());
    assert_eq!(keys(&after.items), keys(&all[from..to]));
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn page_numbers_answer_what_the_cursors_reach_in_every_scope_and_in_the_mirror() {
    let portal = TestPortal::start().await;
    let operator = portal.client(&portal.operator_token());
    let one = portal.client(&portal.token(Role::Admin, &[ALSTER], "admin-1@test"));
    let two = portal.client(&portal.token(Role::Viewer, &[ALSTER, TECHBUSINESS], "viewer-2@test"));
    // An operator's walk, one organization's range, two organizations merged; both
    // sorts and directions.
    numbers_agree_with_the_cursors(&operator, DeviceQuery::default(), 7).await;
    numbers_agree_with_the_cursors(&one, DeviceQuery::default(), 5).await;
    numbers_agree_with_the_cursors(&two, DeviceQuery::default(), 6).await;
    numbers_agree_with_the_cursors(&two, DeviceQuery { sort: Some("-serial".into()), ..Default::default() }, 4).await;
    numbers_agree_with_the_cursors(&operator, DeviceQuery { sort: Some("-subscription_until".into()), vendor: Some("pay-kiosk".into()), ..Default::default() }, 3).await;

    // The mirror answers a page number as the portal does.
    let dir = tempfile::tempdir().expect("dir");
    let mirror = Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror");
    licadm::mirror::sync::sync_once(&two, &mirror, &|_| {}).await.expect("sync");
    for n in [1, 2, 3] {
        let query = DeviceQuery { per_page: Some(6), page: Some(n), ..Default::default() };
        let from_portal = two.devices(&query).await.expect("portal");
        let from_mirror = mirror.devices(&query).expect("mirror");
        assert_eq!(from_mirror, from_portal, "page {n}");
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_page_deeper_than_the_bound_is_a_400_pointing_to_the_cursor() {
    let portal = TestPortal::start().await;
    let operator = portal.client(&portal.operator_token());
    let depth = DEVICES_PAGE_DEPTH as u32;
    // The last page a number reaches starts right at the bound (past the demo's end:
    // empty, and no cursor).
    let deepest = operator
        .devices(&DeviceQuery { per_page: Some(1), page: Some(depth + 1), ..Default::default() })
        .await
        .expect("within the bound");
    assert!(deepest.items.is_empty() && deepest.next.is_none());
    for (per_page, page) in [(1, depth + 2), (100, depth / 100 + 2), (1000, 12)] {
        let (status, message) = status_message(
            operator
                .devices(&DeviceQuery { per_page: Some(per_page), page: Some(page), ..Default::default() })
                .await,
        );
        assert_eq!(status, 400, "per_page {per_page} page {page}");
        assert!(message.starts_with(&format!("page {page} starts")), "{message}");
        assert!(message.contains(&DEVICES_PAGE_DEPTH.to_string()) && message.contains("next cursor"), "{message}");
    }
    for bad in ["0", "-1", "x", "4294967296"] {
        let response = portal.raw_get(&format!("/devices?page={bad}")).await;
        assert_eq!(response.status(), 400, "page={bad}");
    }
}
}
