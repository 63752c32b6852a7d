//! Lists that do not grow with the store (docs/DESIGN.md §4.4): cursors walk every
//! filter × sort both ways and agree with page numbers; page numbers stop at a depth and
//! say so; totals come from counters that follow every write; a serial search counts
//! up to a cap and both of its plans find the same activations.

use crate::support::portal::{TestPortal, walk_all};
use licadm::client::ApiClient;
use licadm::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, ActivationSummary, ErrorBody, Page, Role,
};
use licadm::domain::{ActivationStatus, Vendor};
use licadm::portal::DemoOptions;
use licadm::portal::list_plan::SEARCH_TOTAL_CAP;

fn numbers(items: &[ActivationSummary]) -> Vec<i64> {
    items.iter().map(|a| a.number).collect()
}

/// Follows `next` from page 1, then `prev` back from the last page; checks the page
/// numbers the answers report and returns the items in list order.
async fn walk_by_cursor(client: &ApiClient, query: &ActivationQuery) -> Vec<ActivationSummary> {
    let mut query = ActivationQuery {
        page: 1,
        per_page: 10,
        cursor: None,
        ..query.clone()
    };
    let mut pages: Vec<Page<ActivationSummary>> = Vec::new();
    loop {
        let page = client.activations(&query).await.expect("page");
        assert_eq!(
            page.page as usize,
            pages.len() + 1,
            "page numbers follow the cursor"
        );
        assert_eq!(
            page.prev.is_some(),
            !pages.is_empty(),
            "prev on every page but the first"
        );
        let next = page.next.clone();
        pages.push(page);
        match next {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    let forward: Vec<ActivationSummary> = pages.iter().flat_map(|p| p.items.clone()).collect();
    // And back: each `prev` yields exactly the page met on the way forward.
    let mut at = pages.len() - 1;
    while let Some(cursor) = pages[at].prev.clone() {
        query.cursor = Some(cursor);
        let page = client.activations(&query).await.expect("previous page");
        at -= 1;
        assert_eq!(page.page as usize, at + 1);
        assert_eq!(
            numbers(&page.items),
            numbers(&pages[at].items),
            "page {at} backwards"
        );
        assert!(page.next.is_some(), "a page reached backwards has a next");
    }
    assert_eq!(at, 0, "prev leads back to the first page");
    forward
}

async fn error_of(response: reqwest::Response) -> (u16, ErrorBody) {
    let status = response.status().as_u16();
    (
        status,
        response.json::<ErrorBody>().await.expect("JSON error body"),
    )
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn cursors_walk_every_filter_and_sort_both_ways_as_page_numbers_do() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    // Two of three organizations: the scope is read one ordered branch per organization.
    let partner = portal.client(&portal.token(Role::Admin, &[1, 2], "partner"));
    let filters = [
        ActivationQuery::default(),
        ActivationQuery { organization: Some(2), ..Default::default() },
        ActivationQuery { status: Some(ActivationStatus::Error), ..Default::default() },
        ActivationQuery {
            status: Some(ActivationStatus::Done),
            vendor: Some(Vendor::PpElectro),
            ..Default::default()
        },
        ActivationQuery { q: Some("02".into()), ..Default::default() },
    ];
    for client in [&admin, &partner] {
        for filter in &filters {
            for key in ActivationSortKey::ALL {
                for descending in [false, true] {
                    let query = ActivationQuery {
                        sort: ActivationSort { key, descending },
                        ..filter.clone()
                    };
                    let by_number = walk_all(client, &query).await;
                    let by_cursor = walk_by_cursor(client, &query).await;
                    assert_eq!(
                        numbers(&by_cursor),
                        numbers(&by_number),
                        "{query:?}: cursors and page numbers list the same rows in the same order"
                    );
                }
            }
        }
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn page_numbers_stop_at_a_depth_and_cursors_go_on() {
    let portal = TestPortal::start_with(DemoOptions { activations: 24_000 }).await;
    let admin = portal.admin();
    let query = ActivationQuery { per_page: 25, ..Default::default() };
    let first = admin.activations(&query).await.expect("first page");
    assert_eq!(first.total, 24_000);
    assert!(!first.total_capped, "a filter's total is exact");
    // 10 000 rows from the start (page 401) and from the end (page 560 of 960) answer.
    for page in [401, 560, 960] {
        let got = admin
            .activations(&ActivationQuery { page, ..query.clone() })
            .await
            .expect("a page within reach");
        assert_eq!(got.items.len(), 25, "page {page}");
    }
    let (status, body) = error_of(
        portal
            .raw_get("/activations?per_page=25&page=480")
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body.error.code, "bad_request");
    assert!(
        body.error.message.contains("page 480") && body.error.message.contains("cursor"),
        "{}",
        body.error.message
    );
    // Page 401's next cursor leads on past the depth, page by page.
    let mut page = admin
        .activations(&ActivationQuery { page: 401, ..query.clone() })
        .await
        .expect("page 401");
    let mut last_number = page.items[24].number;
    for expected in 402..=405 {
        let cursor = page.next.clone().expect("next cursor");
        page = admin
            .activations(&ActivationQuery { cursor: Some(cursor), ..query.clone() })
            .await
            .expect("deeper page");
        assert_eq!(page.page, expected);
        assert_eq!(page.items.len(), 25);
        assert!(page.items[0].number < last_number, "-number order goes on");
        last_number = page.items[24].number;
    }
    assert_eq!(last_number, 24_000 - 405 * 25 + 1);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_cursor_not_handed_out_or_for_another_sort_is_refused_by_name() {
    let portal = TestPortal::start().await;
    let first = portal.admin().activations(&ActivationQuery::default()).await.expect("page");
    let cursor = first.next.expect("a next cursor");
    for (path, words) in [
        ("/activations?cursor=bm90LWEtY3Vyc29y".to_string(), "handed out"),
        (format!("/activations?sort=total_cost&cursor={cursor}"), "sort -number"),
    ] {
        let (status, body) = error_of(portal.raw_get(&path).await).await;
        assert_eq!(status, 400, "{path}");
        assert!(
            body.error.message.contains("cursor") && body.error.message.contains(words),
            "{path}: {}",
            body.error.message
        );
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_serial_search_counts_to_a_cap_and_both_plans_find_the_same_activations() {
    // 6 000 activations hold about 14 000 lines: "0" and "02" match more lines than a
    // search starts from (5 000) and walk the list; "0239110" matches few and starts
    // from its lines.
    let portal = TestPortal::start_with(DemoOptions { activations: 6_000 }).await;
    let admin = portal.admin();
    let everything = ActivationQuery { q: Some("0".into()), ..Default::default() };
    let page = admin.activations(&everything).await.expect("q=0");
    assert!(page.total_capped, "every activation matches: counted to the cap");
    assert_eq!(page.total, SEARCH_TOTAL_CAP as u64);
    let walked = walk_by_cursor(&admin, &ActivationQuery { per_page: 100, ..everything }).await;
    assert_eq!(walked.len(), 6_000, "capped total, but every match is reachable");

    // A prefix searched both ways: walking ("0239", many lines) and from the lines of
    // each longer prefix it splits into (few lines each) must agree.
    let wide = walk_by_cursor(
        &admin,
        &ActivationQuery { q: Some("0239".into()), ..Default::default() },
    )
    .await;
    let mut narrow = Vec::new();
    for digit in 0..10 {
        let q = format!("0239{digit}");
        let found = walk_all(&admin, &ActivationQuery { q: Some(q), ..Default::default() }).await;
        narrow.extend(numbers(&found));
    }
    narrow.sort_unstable_by(|a, b| b.cmp(a));
    narrow.dedup();
    assert!(wide.len() > 100, "the wide prefix matches many");
    assert_eq!(numbers(&wide), narrow);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn totals_follow_every_write() {
    let portal = TestPortal::start_worker(crate::support::portal::fast_worker(1)).await;
    let admin = portal.admin();
    // Counted only while nothing is in progress: the worker writes while work is
    // queued, and a total read beside a walk would race it.
    let settled = || {
        let admin = admin.clone();
        async move {
            crate::support::portal::wait_for(
                "the worker to finish",
                std::time::Duration::from_secs(20),
                || {
                    let admin = admin.clone();
                    async move {
                        let page = admin
                            .activations(&ActivationQuery {
                                status: Some(ActivationStatus::InProgress),
                                ..Default::default()
                            })
                            .await
                            .ok()?;
                        (page.total == 0).then_some(())
                    }
                },
            )
            .await
        }
    };
    let count = |status| {
        let admin = admin.clone();
        async move {
            let query = ActivationQuery { status: Some(status), ..Default::default() };
            let page = admin.activations(&query).await.expect("page");
            let walked = walk_all(&admin, &query).await.len() as u64;
            assert_eq!(page.total, walked, "{status}: the counter agrees with the rows");
            page.total
        }
    };
    settled().await;
    let before_done = count(ActivationStatus::Done).await;
    let serials = licadm::portal::demo_serials(&portal.db, 20).expect("demo serials");
    let ok: Vec<String> = serials.ok[Vendor::PayKiosk.id()][..3].to_vec();
    let created = admin
        .create_activations(1, &ok, "totals-follow")
        .await
        .expect("create");
    assert!(!created.activations.is_empty());
    settled().await;
    let after_done = count(ActivationStatus::Done).await;
    count(ActivationStatus::Error).await;
    assert_eq!(count(ActivationStatus::InProgress).await, 0);
    assert!(after_done > before_done, "done grew by the new activations");
}
}
