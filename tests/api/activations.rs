//! API v1 against a real portal on loopback: filters, sorts, paging, scoping, errors,
//! compression, the OpenAPI document and the demo data.

use crate::support::portal::{TestPortal, walk_all};
use licadm::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, ActivationSummary, ErrorBody, PAGE_SIZES,
    Role,
};
use licadm::domain::{ActivationStatus, Inn, Kopecks, Vendor};
use std::collections::{BTreeSet, HashMap};

fn numbers(items: &[ActivationSummary]) -> BTreeSet<i64> {
    items.iter().map(|a| a.number).collect()
}

async fn error_of(response: reqwest::Response) -> (u16, ErrorBody) {
    let status = response.status().as_u16();
    let body = response
        .json::<ErrorBody>()
        .await
        .expect("error body is JSON {error:{code,message}}");
    (status, body)
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn health_me_organizations_prices() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let health = admin.health().await.expect("health");
    assert_eq!(health.status, "ok");

    let me = admin.me().await.expect("me");
    assert_eq!(me.account, "admin@test");
    assert_eq!(me.role, Role::Admin);
    assert_eq!(me.organizations.len(), 3);

    let organizations = admin.organizations().await.expect("organizations");
    assert_eq!(organizations.len(), 3);
    for org in &organizations {
        let inn = Inn::parse(&org.inn)
            .unwrap_or_else(|e| panic!("{} has invalid INN {}: {e}", org.name, org.inn));
        assert_eq!(
            inn.is_legal_entity(),
            org.kpp.is_some(),
            "{}: KPP only for a legal entity",
            org.name
        );
    }
    let by_name: HashMap<&str, _> = organizations.iter().map(|o| (o.name.as_str(), o)).collect();
    assert_eq!(by_name["АЛЬСТЕР ООО"].inn, "7842175621");
    assert_eq!(by_name["ТЕХБИЗНЕС+ ООО"].kpp.as_deref(), Some("774301001"));
    assert!(by_name["ТЕХБИЗНЕС+ ООО"].offer_accepted_at.is_some());
    assert!(
        organizations
            .iter()
            .any(|o| o.inn.len() == 12 && o.offer_accepted_at.is_none())
    );

    let prices = admin.prices().await.expect("prices");
    assert!(prices.len() >= 6);
    for vendor in Vendor::ALL {
        assert!(
            prices.iter().any(|p| p.vendor.id == vendor),
            "prices for {vendor:?}"
        );
    }
    let netpay = prices
        .iter()
        .find(|p| p.model == "NETPAY-FC")
        .expect("NETPAY-FC price");
    assert_eq!(netpay.price, Kopecks::from_rubles(3900));
    assert!(prices.iter().all(|p| p.retail_price > p.price));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn every_filter_matches_an_independent_count() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let all = walk_all(&admin, &ActivationQuery::default()).await;
    assert!(all.len() >= 400);

    let organizations = admin.organizations().await.expect("organizations");
    for org in &organizations {
        let query = ActivationQuery {
            organization: Some(org.id),
            ..Default::default()
        };
        let got = walk_all(&admin, &query).await;
        assert!(
            got.iter()
                .all(|a| a.organization.id == org.id && a.organization.name == org.name)
        );
        let expected: BTreeSet<i64> = all
            .iter()
            .filter(|a| a.organization.id == org.id)
            .map(|a| a.number)
            .collect();
        assert!(
            !expected.is_empty(),
            "demo has activations for {}",
            org.name
        );
        assert_eq!(numbers(&got), expected, "organization {}", org.id);
    }
    for status in ActivationStatus::ALL {
        let got = walk_all(
            &admin,
            &ActivationQuery {
                status: Some(status),
                ..Default::default()
            },
        )
        .await;
        assert!(got.iter().all(|a| a.status == status));
        let expected: BTreeSet<i64> = all
            .iter()
            .filter(|a| a.status == status)
            .map(|a| a.number)
            .collect();
        assert!(!expected.is_empty(), "demo has {status} activations");
        assert_eq!(numbers(&got), expected, "status {status}");
    }
    for vendor in Vendor::ALL {
        let got = walk_all(
            &admin,
            &ActivationQuery {
                vendor: Some(vendor),
                ..Default::default()
            },
        )
        .await;
        assert!(got.iter().all(|a| a.vendor.id == vendor));
        let expected: BTreeSet<i64> = all
            .iter()
            .filter(|a| a.vendor.id == vendor)
            .map(|a| a.number)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(numbers(&got), expected, "vendor {vendor:?}");
    }
    // Filters combine with AND.
    let query = ActivationQuery {
        organization: Some(2),
        status: Some(ActivationStatus::Done),
        vendor: Some(Vendor::PpElectro),
        ..Default::default()
    };
    let got = walk_all(&admin, &query).await;
    let expected: BTreeSet<i64> = all
        .iter()
        .filter(|a| {
            a.organization.id == 2
                && a.status == ActivationStatus::Done
                && a.vendor.id == Vendor::PpElectro
        })
        .map(|a| a.number)
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(numbers(&got), expected);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn q_finds_by_number_full_serial_and_serial_prefix() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let all = walk_all(&admin, &ActivationQuery::default()).await;
    let mut serials: HashMap<i64, Vec<String>> = HashMap::new();
    for a in &all {
        let detail = admin.activation(a.number).await.expect("detail");
        assert_eq!(detail.summary, *a, "detail repeats the list item");
        serials.insert(
            a.number,
            detail.lines.into_iter().map(|l| l.serial).collect(),
        );
    }
    let expected_for = |q: &str| -> BTreeSet<i64> {
        all.iter()
            .filter(|a| {
                a.number.to_string() == q || serials[&a.number].iter().any(|s| s.starts_with(q))
            })
            .map(|a| a.number)
            .collect()
    };
    // A serial that occurs in more than one activation, if the demo has one.
    let mut occurrences: HashMap<&str, usize> = HashMap::new();
    for list in serials.values() {
        for s in list {
            *occurrences.entry(s.as_str()).or_default() += 1;
        }
    }
    let repeated = occurrences
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(s, _)| s.to_string())
        .min();
    let some_serial = serials[&all[all.len() / 2].number][0].clone();
    let mut cases = vec![
        "40".to_string(),
        "7".to_string(),
        some_serial.clone(),
        some_serial[..6].to_string(),
        "0239".to_string(),
        "0408420138900124".to_string(),
    ];
    cases.extend(repeated);
    for q in &cases {
        let query = ActivationQuery {
            q: Some(format!("  {q} ")),
            ..Default::default()
        };
        let got = walk_all(&admin, &query).await;
        let expected = expected_for(q);
        assert!(
            !expected.is_empty(),
            "q={q} should match something in the demo"
        );
        assert_eq!(numbers(&got), expected, "q={q}");
    }
    // The number itself is found even when no serial starts with it.
    let by_number = walk_all(
        &admin,
        &ActivationQuery {
            q: Some("40".into()),
            ..Default::default()
        },
    )
    .await;
    assert!(by_number.iter().any(|a| a.number == 40));
    // Text that is neither a number nor a serial matches nothing; an unknown serial too.
    for q in ["abc", "0239-1101", "1007512879004126"] {
        let page = admin
            .activations(&ActivationQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .expect("q page");
        assert_eq!((page.total, page.items.len()), (0, 0), "q={q}");
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn every_sort_orders_pages_totally() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    for key in ActivationSortKey::ALL {
        for descending in [false, true] {
            let sort = ActivationSort { key, descending };
            // Every page, so pages read from either end of the order are covered.
            let mut items = Vec::new();
            let mut page = 1;
            let total = loop {
                let query = ActivationQuery {
                    sort,
                    page,
                    per_page: 50,
                    ..Default::default()
                };
                let answer = admin.activations(&query).await.expect("sorted page");
                if answer.items.is_empty() {
                    break answer.total;
                }
                items.extend(answer.items);
                page += 1;
            };
            assert_eq!(
                items.len() as u64,
                total,
                "{}: pages must cover the list once",
                sort.to_param()
            );
            let sort_value = |a: &ActivationSummary| match key {
                ActivationSortKey::Number => (0, a.number),
                ActivationSortKey::TotalCost => (a.total_cost.0, a.number),
                ActivationSortKey::CreatedAt => (a.created_at.timestamp(), a.number),
            };
            for pair in items.windows(2) {
                let (a, b) = (sort_value(&pair[0]), sort_value(&pair[1]));
                if descending {
                    assert!(a > b, "{}: {a:?} then {b:?}", sort.to_param());
                } else {
                    assert!(a < b, "{}: {a:?} then {b:?}", sort.to_param());
                }
            }
        }
    }
    // The default is newest number first.
    let page = admin
        .activations(&ActivationQuery::default())
        .await
        .expect("default page");
    let total = page.total as i64;
    assert_eq!(page.items.first().map(|a| a.number), Some(total));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn page_bounds_for_every_page_size() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    for per_page in PAGE_SIZES {
        let first = admin
            .activations(&ActivationQuery {
                per_page,
                ..Default::default()
            })
            .await
            .expect("page 1");
        assert_eq!((first.page, first.per_page), (1, per_page));
        assert_eq!(
            first.items.len() as u64,
            first.total.min(u64::from(per_page))
        );
        let last_page = first.page_count();
        let last = admin
            .activations(&ActivationQuery {
                per_page,
                page: last_page,
                ..Default::default()
            })
            .await
            .expect("last page");
        let remainder = first.total % u64::from(per_page);
        let expected_last = if remainder == 0 {
            u64::from(per_page)
        } else {
            remainder
        };
        assert_eq!(
            last.items.len() as u64,
            expected_last,
            "per_page={per_page}"
        );
        assert_eq!(last.total, first.total);
        // Default sort is -number, so the last page ends with activation 1.
        assert_eq!(last.items.last().map(|a| a.number), Some(1));
        let past = admin
            .activations(&ActivationQuery {
                per_page,
                page: last_page + 1,
                ..Default::default()
            })
            .await
            .expect("page past the end");
        assert!(past.items.is_empty());
        assert_eq!((past.total, past.page), (first.total, last_page + 1));
    }
    // A filtered total that is not a multiple of the page size.
    let query = ActivationQuery {
        status: Some(ActivationStatus::Error),
        per_page: 10,
        ..Default::default()
    };
    let first = admin.activations(&query).await.expect("error page");
    let last = admin
        .activations(&ActivationQuery {
            page: first.page_count(),
            ..query.clone()
        })
        .await
        .expect("last error page");
    let remainder = (first.total % 10) as usize;
    assert_eq!(
        last.items.len(),
        if remainder == 0 { 10 } else { remainder }
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_required_and_checked() {
    let portal = TestPortal::start().await;
    let raw = reqwest::Client::new();

    let (status, body) = error_of(
        raw.get(portal.url("/activations"))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!((status, body.error.code.as_str()), (401, "unauthorized"));
    assert!(
        body.error.message.contains("missing Authorization"),
        "{}",
        body.error.message
    );

    let response = raw
        .get(portal.url("/me"))
        .header("Authorization", "Basic YWxhZGRpbjpvcGVu")
        .send()
        .await;
    let (status, body) = error_of(response.expect("request")).await;
    assert_eq!(status, 401);
    assert!(
        body.error.message.contains("malformed"),
        "{}",
        body.error.message
    );

    let wrong = portal.client("lca_not-a-real-token");
    let err = wrong
        .activations(&ActivationQuery::default())
        .await
        .expect_err("unknown token is refused");
    assert_eq!(err.status(), Some(401));
    match err {
        licadm::client::ClientError::Api { code, message, .. } => {
            assert_eq!(code, "unauthorized");
            assert!(message.contains("unknown token"), "{message}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // Health and the OpenAPI document need no token.
    assert!(
        raw.get(portal.url("/health"))
            .send()
            .await
            .expect("health")
            .status()
            .is_success()
    );
    assert!(
        raw.get(portal.url("/openapi.json"))
            .send()
            .await
            .expect("openapi")
            .status()
            .is_success()
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_scoped_token_never_sees_other_organizations() {
    let portal = TestPortal::start().await;
    let all = walk_all(&portal.admin(), &ActivationQuery::default()).await;
    let token = portal.token(Role::Viewer, &[1], "viewer@alster");
    let viewer = portal.client(&token);

    let me = viewer.me().await.expect("me");
    assert_eq!(
        (me.role, me.organizations.len(), me.organizations[0].id),
        (Role::Viewer, 1, 1)
    );
    assert_eq!(
        viewer.organizations().await.expect("organizations").len(),
        1
    );

    let seen = walk_all(&viewer, &ActivationQuery::default()).await;
    let expected: BTreeSet<i64> = all
        .iter()
        .filter(|a| a.organization.id == 1)
        .map(|a| a.number)
        .collect();
    assert_eq!(numbers(&seen), expected);

    let foreign = all
        .iter()
        .find(|a| a.organization.id != 1)
        .expect("an activation of another organization");
    let nonexistent = all.len() as i64 + 1000;
    let foreign_err = viewer
        .activation(foreign.number)
        .await
        .expect_err("foreign activation is hidden");
    let missing_err = viewer
        .activation(nonexistent)
        .await
        .expect_err("missing activation");
    let expect_not_found = |err: licadm::client::ClientError, number: i64| match err {
        licadm::client::ClientError::Api {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!((status, code.as_str()), (404, "not_found"));
            assert_eq!(message, format!("activation {number} not found"));
        }
        other => panic!("expected 404, got {other:?}"),
    };
    expect_not_found(foreign_err, foreign.number);
    expect_not_found(missing_err, nonexistent);
    // Its own activation is visible.
    let own = all
        .iter()
        .find(|a| a.organization.id == 1)
        .expect("own activation");
    assert_eq!(
        viewer
            .activation(own.number)
            .await
            .expect("own detail")
            .summary
            .number,
        own.number
    );

    // Filtering by a foreign or unknown organization is a 404 naming it.
    for org in [2, 99] {
        let err = viewer
            .activations(&ActivationQuery {
                organization: Some(org),
                ..Default::default()
            })
            .await
            .expect_err("foreign organization filter");
        assert_eq!(err.status(), Some(404));
        assert!(
            err.to_string()
                .contains(&format!("organization {org} not found")),
            "{err}"
        );
    }
    // q cannot reach into another organization either.
    let page = viewer
        .activations(&ActivationQuery {
            q: Some(foreign.number.to_string()),
            ..Default::default()
        })
        .await
        .expect("q page");
    assert!(page.items.iter().all(|a| a.organization.id == 1));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn bad_parameters_are_named_400s() {
    let portal = TestPortal::start().await;
    let cases = [
        (
            "/activations?per_page=7",
            "per_page must be one of 10, 25, 50, 100 (got 7)",
        ),
        (
            "/activations?sort=cost",
            "sort must be one of number, -number, total_cost, -total_cost, created_at, -created_at",
        ),
        (
            "/activations?status=finished",
            "status must be one of done, in_progress, error",
        ),
        (
            "/activations?vendor=acme",
            "vendor must be one of pay-kiosk, pp-electro",
        ),
        ("/activations?page=0", "page must be"),
        ("/activations?page=abc", "page must be"),
        ("/activations?page=-1", "page must be"),
        ("/activations?organization=abc", "organization must be"),
        ("/activations/abc", "activation number must be"),
        ("/activations/0", "activation number must be"),
    ];
    for (path, expected) in cases {
        let (status, body) = error_of(portal.raw_get(path).await).await;
        assert_eq!(
            (status, body.error.code.as_str()),
            (400, "bad_request"),
            "{path}"
        );
        assert!(
            body.error.message.contains(expected),
            "{path}: {}",
            body.error.message
        );
    }
    // Unknown parameters are ignored.
    assert!(
        portal
            .raw_get("/activations?color=red")
            .await
            .status()
            .is_success()
    );
    // Unknown routes and methods answer JSON errors too.
    let (status, body) = error_of(portal.raw_get("/nope").await).await;
    assert_eq!((status, body.error.code.as_str()), (404, "not_found"));
    let response = reqwest::Client::new()
        .delete(portal.url("/activations"))
        .bearer_auth(&portal.admin_token)
        .send()
        .await
        .expect("delete");
    let (status, _) = error_of(response).await;
    assert_eq!(status, 405);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn responses_are_gzipped_when_asked() {
    let portal = TestPortal::start().await;
    let raw = reqwest::Client::builder()
        .no_gzip()
        .build()
        .expect("raw client");
    let response = raw
        .get(portal.url("/activations?per_page=100"))
        .bearer_auth(&portal.admin_token)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let body = response.bytes().await.expect("body");
    assert_eq!(&body[..2], &[0x1f, 0x8b], "gzip magic");
    // Without Accept-Encoding the body is plain JSON.
    let plain = raw
        .get(portal.url("/prices"))
        .bearer_auth(&portal.admin_token)
        .send()
        .await
        .expect("plain");
    assert!(plain.headers().get("content-encoding").is_none());
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn openapi_describes_every_route_truthfully() {
    let portal = TestPortal::start().await;
    let doc: serde_json::Value = reqwest::Client::new()
        .get(portal.url("/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("openapi JSON");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.0"))
    );
    let paths = doc["paths"].as_object().expect("paths");
    let listed: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let served: BTreeSet<&str> = [
        "/api/v1/health",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/organizations",
        "/api/v1/prices",
        "/api/v1/activations",
        "/api/v1/activations/{number}",
        "/api/v1/organizations/{id}/accept-offer",
        "/api/v1/organizations/{id}/block",
        "/api/v1/organizations/{id}/unblock",
        "/api/v1/precheck",
        "/api/v1/activations/{number}/retry",
        "/api/v1/activations/{number}/license-file",
        // Many rows at once (issue 16 b).
        "/api/v1/activations/retry",
        "/api/v1/activations/errors",
        "/api/v1/signing-key",
        "/api/v1/seats",
        "/api/v1/seats/summary",
        "/api/v1/seats/{id}/bind",
        "/api/v1/seats/{id}/unbind",
        // Bulk unbind (issue 16).
        "/api/v1/seats/unbind",
        "/api/v1/users",
        "/api/v1/license-info",
        "/api/v1/emergency-license",
        "/api/v1/purchases",
        "/api/v1/keys/activate",
        "/api/v1/offline/response",
        "/api/v1/audit",
        "/api/v1/events",
        "/api/v1/serials/{serial}",
        "/api/v1/devices",
        "/api/v1/devices/totals",
        "/api/v1/changes",
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/accounts",
        "/api/v1/accounts/{id}",
        "/api/v1/invitations/accept",
        "/api/v1/password",
        "/api/v1/password/reset",
        "/api/v1/accounts/{id}/reset",
        "/api/v1/invoices",
        "/api/v1/invoices/{number}",
        "/api/v1/invoices/{number}/document",
        "/api/v1/invoices/{number}/pay",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{id}",
        "/api/v1/webhooks/{id}/rotate-secret",
        "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
    ]
    .into();
    assert_eq!(listed, served);
    // Webhook endpoint 1, so `/webhooks/{id}` and its deliveries answer 200 (issue 17).
    let hook = portal
        .raw_post(
            &portal.admin_token,
            "/webhooks",
            &serde_json::json!({"url": "https://hooks.example.com/", "events": ["seat.bound"], "organization": 1}),
        )
        .await;
    assert_eq!(hook.status(), 201);
    // A done activation, so the license file is served too.
    let done = portal
        .admin()
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Done),
            ..Default::default()
        })
        .await
        .expect("done activations")
        .items[0]
        .number;
    let serial = portal.admin().activation(done).await.expect("done").lines[0].serial.clone();
    // Every documented GET answers 200 on the real router; a POST-only route refuses GET.
    for path in &listed {
        // An invoice's number is its period and organization (the demo issued October's).
        let number = if path.contains("/invoices/") {
            "202610-00001".to_string()
        } else {
            done.to_string()
        };
        let mut concrete = path
            .replace("{number}", &number)
            .replace("{serial}", &serial)
            .replace("{id}", "1")
            .replace("{delivery}", "1")
            .replacen("/api/v1", "", 1);
        // Documented required parameters.
        match concrete.as_str() {
            "/audit" => concrete.push_str("?object=organization:1"),
            "/license-info" | "/users" => concrete.push_str("?organization=1"),
            _ => {}
        }
        let expected = if paths[*path].get("get").is_some() {
            200
        } else {
            405
        };
        assert_eq!(portal.raw_get(&concrete).await.status(), expected, "{path}");
    }
    // Writes document their refusals and the idempotency header.
    let create = &paths["/api/v1/activations"]["post"];
    // A key sent again with another request is 422 (issue 15), no longer 409.
    for status in [
        "201", "200", "400", "401", "403", "404", "413", "422", "429",
    ] {
        assert!(
            create["responses"].get(status).is_some(),
            "POST /activations documents {status}"
        );
    }
    assert_eq!(create["parameters"][0]["name"], "Idempotency-Key");
    assert_eq!(create["parameters"][0]["in"], "header");
    for (path, statuses) in [
        ("/api/v1/precheck", &["200", "400", "404", "413"][..]),
        (
            "/api/v1/activations/{number}/retry",
            &["200", "403", "404", "409"][..],
        ),
        (
            "/api/v1/organizations/{id}/accept-offer",
            &["200", "403", "404"][..],
        ),
        (
            "/api/v1/seats/{id}/bind",
            &["200", "400", "403", "404", "409", "422"][..],
        ),
        (
            "/api/v1/seats/{id}/unbind",
            &["200", "403", "404", "409"][..],
        ),
        ("/api/v1/seats/unbind", &["200", "400", "403", "422"][..]),
        (
            "/api/v1/emergency-license",
            &["200", "400", "403", "404", "422"][..],
        ),
        ("/api/v1/purchases", &["200", "403", "404", "422"][..]),
        ("/api/v1/organizations/{id}/block", &["200", "403", "404"][..]),
        ("/api/v1/keys/activate", &["200", "400", "403", "422"][..]),
        ("/api/v1/offline/response", &["200", "403", "422"][..]),
    ] {
        for status in statuses {
            assert!(
                paths[path]["post"]["responses"].get(*status).is_some(),
                "{path} documents {status}"
            );
        }
    }
    assert!(
        paths["/api/v1/activations/{number}/license-file"]["get"]["responses"]
            .get("409")
            .is_some()
    );
    let parameters = doc["paths"]["/api/v1/activations"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let enum_of = |name: &str| -> Vec<serde_json::Value> {
        parameters
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["schema"]["enum"].as_array().cloned())
            .unwrap_or_else(|| panic!("parameter {name} has an enum"))
    };
    let per_page: Vec<u64> = enum_of("per_page")
        .iter()
        .filter_map(|v| v.as_u64())
        .collect();
    assert_eq!(per_page, PAGE_SIZES.map(u64::from).to_vec());
    let sorts: BTreeSet<String> = enum_of("sort")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    for key in ActivationSortKey::ALL {
        for descending in [false, true] {
            let value = ActivationSort { key, descending }.to_param();
            assert!(sorts.contains(&value), "sort enum lists {value}");
            assert!(
                portal
                    .raw_get(&format!("/activations?sort={value}"))
                    .await
                    .status()
                    .is_success()
            );
        }
    }
    assert_eq!(sorts.len(), 6);
    let statuses: Vec<&str> = ActivationStatus::ALL.map(|s| s.as_api()).to_vec();
    assert_eq!(
        enum_of("status"),
        statuses
            .iter()
            .map(|s| serde_json::json!(s))
            .collect::<Vec<_>>()
    );
    let vendors: Vec<serde_json::Value> = Vendor::ALL.map(|v| serde_json::json!(v.id())).to_vec();
    assert_eq!(enum_of("vendor"), vendors);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );
    // The seat list documents exactly the values the server accepts.
    let seat_parameters = doc["paths"]["/api/v1/seats"]["get"]["parameters"]
        .as_array()
        .expect("seat parameters");
    let seat_enum = |name: &str| -> Vec<String> {
        seat_parameters
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["schema"]["enum"].as_array().cloned())
            .unwrap_or_else(|| panic!("seat parameter {name} has an enum"))
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    assert_eq!(seat_enum("status"), ["free", "bound", "expired"]);
    for sort in seat_enum("sort") {
        assert!(
            portal
                .raw_get(&format!("/seats?sort={sort}"))
                .await
                .status()
                .is_success(),
            "{sort}"
        );
    }
    assert_eq!(seat_enum("sort").len(), 6);
    // Every schema a path refers to exists.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for reference in text.split("#/components/schemas/").skip(1) {
        let name: String = reference
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        assert!(schemas.contains_key(&name), "schema {name} is defined");
    }
}
}
