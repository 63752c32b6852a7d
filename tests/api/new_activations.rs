//! New activations (issue 3) against a real portal on loopback: precheck outcomes,
//! all-or-nothing creation split by vendor, idempotency, offer/blocked refusals, roles,
//! the worker (done, error, retry, restart) and signed license files.

use crate::support::portal::{TestPortal, fast_worker, no_worker, wait_for};
use licadm::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, ErrorBody,
    PrecheckRow, Role, SerialsRequest,
};
use licadm::client::{ApiClient, ClientError};
use licadm::domain::license::{decode_public_key, verify};
use licadm::domain::{ActivationStatus, Kopecks, PrecheckOutcome, Vendor, new_until};
use licadm::portal::{DemoSerials, PortalOptions, demo_serials};
use std::collections::BTreeSet;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
/// No model's serials start with 9999, so the registry cannot know this one.
const UNKNOWN_SERIAL: &str = "9999000000000001";
/// Organizations of the demo data: 1 and 2 may activate; 3 has not accepted the offer
/// and is blocked for an unpaid invoice.
const ALSTER: i64 = 1;
const TECHBUSINESS: i64 = 2;
const SOLE_TRADER: i64 = 3;

fn serials(portal: &TestPortal) -> DemoSerials {
    demo_serials(&portal.db, 20).expect("demo serials")
}

fn kind(map: &std::collections::HashMap<String, Vec<String>>, vendor: Vendor) -> Vec<String> {
    let found = map.get(vendor.id()).cloned().unwrap_or_default();
    assert!(
        found.len() >= 3,
        "demo data has serials of this kind for {vendor:?}"
    );
    found
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn max_number(client: &ApiClient) -> (i64, u64) {
    let page = client
        .activations(&ActivationQuery {
            per_page: 10,
            ..Default::default()
        })
        .await
        .expect("activations");
    (page.items[0].number, page.total)
}

async fn status_of(client: &ApiClient, number: i64) -> ActivationStatus {
    client
        .activation(number)
        .await
        .expect("detail")
        .summary
        .status
}

async fn wait_status(
    client: &ApiClient,
    number: i64,
    wanted: ActivationStatus,
) -> ActivationSummary {
    wait_for(
        &format!("activation {number} to be {wanted}"),
        WAIT,
        || async {
            let summary = client.activation(number).await.ok()?.summary;
            (summary.status == wanted).then_some(summary)
        },
    )
    .await
}

fn api_status(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Api {
            status, message, ..
        }) => (status, message),
        Err(ClientError::Rejected { message, .. }) => (422, message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn precheck_gives_each_serial_exactly_one_outcome_in_order_and_changes_nothing() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let ok = kind(&known.ok, Vendor::PayKiosk)[0].clone();
    let ok_pp = kind(&known.ok, Vendor::PpElectro)[0].clone();
    let pending = known
        .pending
        .first()
        .expect("a pending demo serial")
        .clone();
    let inputs = vec![
        ok.clone(),
        "12345".to_string(),
        UNKNOWN_SERIAL.to_string(),
        ok.clone(),
        pending.clone(),
        format!(" {ok_pp} "),
    ];
    let before = max_number(&admin).await;
    let rows = admin
        .precheck(ALSTER, &inputs)
        .await
        .expect("precheck")
        .rows;
    use PrecheckOutcome::*;
    assert_eq!(
        rows.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![Ok, FormatError, NotFound, Duplicate, Pending, Ok]
    );
    assert_eq!(rows[1].serial, "12345");
    assert_eq!(rows[2].message.as_deref(), Some("Серийный номер не найден"));
    assert!(rows.iter().filter(|r| r.outcome != Ok).all(|r| {
        r.message.as_deref().is_some_and(|m| !m.is_empty())
            && r.model.is_none()
            && r.price.is_none()
    }));
    let prices = admin.prices().await.expect("prices");
    for row in [&rows[0], &rows[5]] {
        assert!(row.message.is_none());
        let model = row.model.as_deref().expect("ok row has a model");
        let price = prices
            .iter()
            .find(|p| p.model == model)
            .expect("model has a price");
        assert_eq!(row.vendor.as_ref().map(|v| v.id), Some(price.vendor.id));
        assert_eq!(row.price, Some(price.price));
        assert_eq!(row.retail_price, Some(price.retail_price));
        assert_eq!(row.new_until, Some(new_until(row.current_until, today())));
    }
    assert_eq!(
        rows[0].vendor.as_ref().map(|v| v.id),
        Some(Vendor::PayKiosk)
    );
    assert_eq!(
        rows[5].vendor.as_ref().map(|v| v.id),
        Some(Vendor::PpElectro)
    );
    assert_eq!(rows[5].serial, ok_pp, "the serial is reported trimmed");
    // Nothing changed: no activation, and the same answer again.
    assert_eq!(max_number(&admin).await, before);
    assert_eq!(
        admin.precheck(ALSTER, &inputs).await.expect("again").rows,
        rows
    );
    // An organization outside the token is 404, as in reads.
    let scoped = portal.client(&portal.token(Role::Admin, &[TECHBUSINESS], "scoped"));
    assert_eq!(api_status(scoped.precheck(ALSTER, &inputs).await).0, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_long_list_read_in_two_halves_answers_as_the_short_one() {
    // From 2 000 serials an idle store reads half of them on each of two connections
    // (docs/DESIGN.md §3.4). Unknown serials below and above the demo's range put the
    // demo's own serials of every outcome in both halves.
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let mut mixed: Vec<String> = known.ok.values().flatten().cloned().collect();
    mixed.extend(known.pending.iter().cloned());
    mixed.extend(known.refused.iter().cloned());
    mixed.sort();
    let short = admin.precheck(ALSTER, &mixed).await.expect("short").rows;
    use PrecheckOutcome::*;
    for outcome in [Ok, Pending, Refused] {
        assert!(short.iter().any(|row| row.outcome == outcome), "{outcome:?} in the demo");
    }
    let below = (0..1_200).map(|i| format!("00000000{i:08}"));
    let above = (0..1_200).map(|i| format!("99999999{i:08}"));
    let long: Vec<String> = below.chain(mixed.iter().cloned()).chain(above).collect();
    let rows = admin.precheck(ALSTER, &long).await.expect("long").rows;
    assert_eq!(rows.len(), long.len());
    assert_eq!(&rows[1_200..1_200 + mixed.len()], short.as_slice());
    let unknown = rows[..1_200].iter().chain(&rows[1_200 + mixed.len()..]);
    assert!(unknown.into_iter().all(|row| row.outcome == NotFound));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn more_than_ten_thousand_serials_is_413_and_bad_bodies_are_json_400s() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let ok = kind(&serials(&portal).ok, Vendor::PayKiosk)[0].clone();
    let mut many: Vec<String> = (0..10_000)
        .map(|i| format!("{:016}", 9_999_000_000_000_000u64 + i))
        .collect();
    let rows = admin
        .precheck(ALSTER, &many)
        .await
        .expect("10 000 serials are fine")
        .rows;
    assert_eq!(rows.len(), 10_000);
    many.push(ok);
    for result in [
        admin.precheck(ALSTER, &many).await.map(|_| ()),
        admin
            .create_activations(ALSTER, &many, "k-413")
            .await
            .map(|_| ()),
    ] {
        let (status, message) = api_status(result);
        assert_eq!(status, 413);
        assert!(
            message.contains("10 000") && message.contains("10 001"),
            "{message}"
        );
    }

    let raw = reqwest::Client::new();
    let post = |body: &'static str, content_type: &'static str| {
        raw.post(portal.url("/precheck"))
            .bearer_auth(&portal.admin_token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type, expected) in [
        ("{not json", "application/json", "not valid JSON"),
        (
            r#"{"organization":"one","serials":[]}"#,
            "application/json",
            "organization",
        ),
        (r#"{"organization":1}"#, "application/json", "serials"),
        (
            r#"{"organization":1,"serials":[]}"#,
            "text/plain",
            "Content-Type: application/json",
        ),
    ] {
        let response = post(body, content_type).await.expect("request");
        let status = response.status().as_u16();
        let error: ErrorBody = response.json().await.expect("a JSON error body");
        assert_eq!(
            (status, error.error.code.as_str()),
            (400, "bad_request"),
            "{body}"
        );
        assert!(
            error.error.message.contains(expected),
            "{body}: {}",
            error.error.message
        );
    }
    let huge = format!(
        r#"{{"organization":1,"serials":["{}"]}}"#,
        "1".repeat(3 * 1024 * 1024)
    );
    let response = raw
        .post(portal.url("/precheck"))
        .bearer_auth(&portal.admin_token)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 413);
    let error: ErrorBody = response.json().await.expect("a JSON 413");
    assert_eq!(error.error.code, "payload_too_large");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn mixed_vendors_make_one_activation_per_vendor_numbered_in_sequence() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let pk = kind(&known.ok, Vendor::PayKiosk);
    let pp = kind(&known.ok, Vendor::PpElectro);
    // Vendors interleaved in the input; the PP-Электро ones come first.
    let inputs = vec![
        pp[0].clone(),
        pk[0].clone(),
        pp[1].clone(),
        pk[1].clone(),
        pk[2].clone(),
    ];
    let checked = admin
        .precheck(ALSTER, &inputs)
        .await
        .expect("precheck")
        .rows;
    assert!(checked.iter().all(|r| r.outcome == PrecheckOutcome::Ok));
    let (last, total) = max_number(&admin).await;

    let created = admin
        .create_activations(ALSTER, &inputs, &licadm::client::new_idempotency_key())
        .await
        .expect("created")
        .activations;
    assert_eq!(created.len(), 2);
    assert_eq!(
        created.iter().map(|a| a.number).collect::<Vec<_>>(),
        vec![last + 1, last + 2],
        "numbered sequentially after the last one"
    );
    assert_eq!(created[0].vendor.id, Vendor::PayKiosk);
    assert_eq!(created[1].vendor.id, Vendor::PpElectro);
    assert_eq!(max_number(&admin).await, (last + 2, total + 2));
    for (activation, vendor_serials) in [(&created[0], &pk[..3]), (&created[1], &pp[..2])] {
        assert_eq!(activation.status, ActivationStatus::InProgress);
        assert_eq!(activation.organization.id, ALSTER);
        assert!(activation.error.is_none() && activation.completed_at.is_none());
        let detail = admin.activation(activation.number).await.expect("detail");
        assert_eq!(detail.summary, *activation);
        let lines: BTreeSet<&str> = detail.lines.iter().map(|l| l.serial.as_str()).collect();
        let wanted: BTreeSet<&str> = vendor_serials.iter().map(String::as_str).collect();
        assert_eq!(lines, wanted);
        assert_eq!(activation.license_count, vendor_serials.len() as i64);
        let expected_total: Kopecks = checked
            .iter()
            .filter(|r| wanted.contains(r.serial.as_str()))
            .filter_map(|r| r.price)
            .sum();
        assert_eq!(activation.total_cost, expected_total);
        assert_eq!(
            detail.lines.iter().map(|l| l.price).sum::<Kopecks>(),
            expected_total
        );
        for line in &detail.lines {
            let row = checked
                .iter()
                .find(|r| r.serial == line.serial)
                .expect("checked row");
            assert_eq!(Some(line.new_until), row.new_until);
            assert_eq!(line.current_until, row.current_until);
            assert_eq!(Some(line.model.as_str()), row.model.as_deref());
        }
    }
    // The serials are now pending for everyone.
    let again = portal
        .client(&portal.token(Role::Admin, &[TECHBUSINESS], "other org"))
        .precheck(TECHBUSINESS, &inputs)
        .await
        .expect("precheck")
        .rows;
    assert!(again.iter().all(|r| r.outcome == PrecheckOutcome::Pending));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn one_bad_serial_refuses_the_whole_request_and_changes_nothing() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let pk = kind(&known.ok, Vendor::PayKiosk);
    let pp = kind(&known.ok, Vendor::PpElectro);
    let inputs = vec![
        pk[0].clone(),
        pp[0].clone(),
        UNKNOWN_SERIAL.into(),
        pk[0].clone(),
    ];
    let before = max_number(&admin).await;
    let precheck_before = admin
        .precheck(ALSTER, &inputs)
        .await
        .expect("precheck")
        .rows;

    match admin
        .create_activations(ALSTER, &inputs, "all-or-nothing")
        .await
    {
        Err(ClientError::Rejected {
            message, rejected, ..
        }) => {
            let bad: Vec<(&str, PrecheckOutcome)> = rejected
                .iter()
                .map(|r| (r.serial.as_str(), r.outcome))
                .collect();
            assert_eq!(
                bad,
                vec![
                    (UNKNOWN_SERIAL, PrecheckOutcome::NotFound),
                    (pk[0].as_str(), PrecheckOutcome::Duplicate)
                ]
            );
            assert!(
                message.contains(UNKNOWN_SERIAL) && message.contains("nothing was created"),
                "{message}"
            );
        }
        other => panic!("expected a 422 with rejected rows, got {other:?}"),
    }
    assert_eq!(
        max_number(&admin).await,
        before,
        "no activation was created"
    );
    assert_eq!(
        admin
            .precheck(ALSTER, &inputs)
            .await
            .expect("precheck")
            .rows,
        precheck_before,
        "the good serials are still ok, not pending"
    );
    // The key holds the refusal (replayed to a resend, docs/DESIGN.md §4.5): another
    // request under it is 422; under a new key the good serial is created.
    let good = vec![pk[0].clone()];
    let (status, message) =
        api_status(admin.create_activations(ALSTER, &good, "all-or-nothing").await);
    assert_eq!(status, 422);
    assert!(message.contains("already used"), "{message}");
    assert!(
        admin
            .create_activations(ALSTER, &good, "all-or-nothing-2")
            .await
            .is_ok()
    );
    let (status, message) = api_status(admin.create_activations(ALSTER, &[], "empty").await);
    assert_eq!(status, 422);
    assert!(message.contains("no serials"), "{message}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_returns_the_same_activations_and_refuses_another_body() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let pk = kind(&known.ok, Vendor::PayKiosk);
    let pp = kind(&known.ok, Vendor::PpElectro);
    let inputs = vec![pk[0].clone(), pp[0].clone()];
    let key = licadm::client::new_idempotency_key();
    let (_, total) = max_number(&admin).await;
    let first = admin
        .create_activations(ALSTER, &inputs, &key)
        .await
        .expect("first");
    let second = admin
        .create_activations(ALSTER, &inputs, &key)
        .await
        .expect("repeat");
    assert_eq!(first, second, "the repeat returns the same activations");
    assert_eq!(max_number(&admin).await.1, total + 2, "created once");

    // Status codes: 201 for the creation, 200 for a replay (raw request).
    let raw = reqwest::Client::new();
    let send = |key: &str, body: &SerialsRequest| {
        raw.post(portal.url("/activations"))
            .bearer_auth(&portal.admin_token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let body = SerialsRequest {
        organization: ALSTER,
        serials: vec![pk[1].clone()],
    };
    let created = send("raw-key", &body).await.expect("send");
    assert_eq!(created.status(), 201);
    // The 201 names the activation created; a GET of that address answers it.
    let location = created.headers()["location"].to_str().expect("ASCII").to_string();
    let created: CreatedActivations = created.json().await.expect("JSON");
    assert_eq!(location, format!("/api/v1/activations/{}", created.activations[0].number));
    let path = location.strip_prefix("/api/v1").expect("under the API prefix");
    let fetched: ActivationDetail = portal.raw_get(path).await.json().await.expect("JSON");
    // (By number: a worker may have moved its status on since.)
    assert_eq!(fetched.summary.number, created.activations[0].number);
    let replayed = send("raw-key", &body).await.expect("send");
    assert_eq!(replayed.status(), 200);
    assert!(replayed.headers().get("location").is_none(), "a replay creates nothing");

    let (status, message) = api_status(
        admin
            .create_activations(ALSTER, &[pk[2].clone()], &key)
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("different request"), "{message}");
    assert_eq!(max_number(&admin).await.1, total + 3);
    // Keys are per token: another token's same key is a new request.
    let other = portal.client(&portal.token(Role::Admin, &[], "other admin"));
    let created = other
        .create_activations(ALSTER, &[pk[2].clone()], &key)
        .await
        .expect("other token");
    assert_eq!(created.activations.len(), 1);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn offer_not_accepted_and_blocked_organizations_get_422() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let ok = vec![kind(&serials(&portal).ok, Vendor::PayKiosk)[0].clone()];
    let before = max_number(&admin).await;
    let (status, message) = api_status(admin.create_activations(SOLE_TRADER, &ok, "k1").await);
    assert_eq!(status, 422);
    assert!(message.contains("Необходимо принять оферту"), "{message}");

    let accepted = admin.accept_offer(SOLE_TRADER).await.expect("accept");
    let at = accepted
        .offer_accepted_at
        .expect("acceptance time recorded");
    assert!(at <= chrono::Utc::now() && chrono::Utc::now() - at < chrono::Duration::minutes(1));
    let again = admin.accept_offer(SOLE_TRADER).await.expect("accept again");
    assert_eq!(
        again.offer_accepted_at,
        Some(at),
        "the first acceptance stands"
    );

    let (status, message) = api_status(admin.create_activations(SOLE_TRADER, &ok, "k2").await);
    assert_eq!(status, 422);
    assert!(message.contains("не оплачен счёт"), "{message}");
    assert_eq!(max_number(&admin).await, before);
    // An organization outside the token is 404 for writes too.
    let scoped = portal.client(&portal.token(Role::Admin, &[TECHBUSINESS], "scoped"));
    assert_eq!(api_status(scoped.accept_offer(ALSTER).await).0, 404);
    assert_eq!(
        api_status(scoped.create_activations(ALSTER, &ok, "k3").await).0,
        404
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn roles_decide_who_may_write() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let ok = vec![kind(&serials(&portal).ok, Vendor::PayKiosk)[0].clone()];
    let errored = admin
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Error),
            organization: Some(ALSTER),
            ..Default::default()
        })
        .await
        .expect("errors")
        .items;
    let viewer = portal.client(&portal.token(Role::Viewer, &[], "viewer"));
    let support = portal.client(&portal.token(Role::Support, &[], "support"));

    let (status, message) = api_status(viewer.accept_offer(SOLE_TRADER).await);
    assert_eq!(
        (status, message.as_str()),
        (403, "role viewer may not accept the offer")
    );
    let (status, message) = api_status(viewer.create_activations(ALSTER, &ok, "v").await);
    assert_eq!(
        (status, message.as_str()),
        (403, "role viewer may not create activations")
    );
    let (status, message) = api_status(viewer.retry(errored[0].number, None).await);
    assert_eq!(
        (status, message.as_str()),
        (403, "role viewer may not retry activations")
    );
    // Reads stay open to a viewer.
    assert!(viewer.precheck(ALSTER, &ok).await.is_ok());

    let (status, message) = api_status(support.create_activations(ALSTER, &ok, "s").await);
    assert_eq!(
        (status, message.as_str()),
        (403, "role support may not create activations")
    );
    assert_eq!(api_status(support.accept_offer(SOLE_TRADER).await).0, 403);
    let retried = support
        .retry(errored[0].number, None)
        .await
        .expect("support may retry");
    assert_eq!(retried.status, ActivationStatus::InProgress);
    assert!(retried.error.is_none());
    // Nothing a refused role asked for happened.
    let orgs = admin.organizations().await.expect("organizations");
    assert!(
        orgs.iter()
            .any(|o| o.id == SOLE_TRADER && o.offer_accepted_at.is_none())
    );
    assert!(
        admin.precheck(ALSTER, &ok).await.expect("precheck").rows[0].outcome == PrecheckOutcome::Ok
    );
    // Another organization's activation is 404, not 403.
    let scoped = portal.client(&portal.token(Role::Admin, &[TECHBUSINESS], "scoped"));
    assert_eq!(
        api_status(scoped.retry(errored[1].number, None).await).0,
        404
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_worker_completes_activations_and_refuses_what_the_registry_refuses() {
    // No worker until the first check: the activations are surely untouched then.
    let mut portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let pk = kind(&known.ok, Vendor::PayKiosk);
    let pp = kind(&known.ok, Vendor::PpElectro);
    let refused = kind(&known.refused_permanently, Vendor::PpElectro)[0].clone();
    let good = vec![pk[0].clone(), pp[0].clone()];
    let before = admin.precheck(ALSTER, &good).await.expect("precheck").rows;

    let created = admin
        .create_activations(ALSTER, &good, "good")
        .await
        .expect("created")
        .activations;
    let bad = admin
        .create_activations(ALSTER, std::slice::from_ref(&refused), "bad")
        .await
        .expect("created")
        .activations[0]
        .clone();
    // Not instant: queued, nothing touched yet.
    assert_eq!(
        status_of(&admin, created[0].number).await,
        ActivationStatus::InProgress
    );
    // The same store with its worker (a new address; tokens stay valid).
    portal.restart(fast_worker(50)).await;
    let admin = portal.admin();

    for activation in &created {
        let done = wait_status(&admin, activation.number, ActivationStatus::Done).await;
        assert!(done.error.is_none());
        assert!(done.completed_at.is_some_and(|c| c >= done.created_at));
    }
    let after: Vec<PrecheckRow> = admin.precheck(ALSTER, &good).await.expect("precheck").rows;
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(new.outcome, PrecheckOutcome::Ok);
        assert_eq!(
            new.current_until, old.new_until,
            "{}: current_until is the old new_until",
            old.serial
        );
    }

    let failed = wait_status(&admin, bad.number, ActivationStatus::Error).await;
    let text = failed.error.expect("error text");
    assert!(
        text.contains(&refused) && text.contains("снято с учёта"),
        "{text}"
    );
    let refused_row = &admin
        .precheck(ALSTER, std::slice::from_ref(&refused))
        .await
        .expect("precheck")
        .rows[0];
    let line = &admin.activation(bad.number).await.expect("detail").lines[0];
    assert_eq!(
        refused_row.current_until, line.current_until,
        "an error leaves the device untouched"
    );
    assert_eq!(api_status(admin.license_file(bad.number).await).0, 409);

    // A permanent refusal fails again on retry.
    let retried = admin.retry(bad.number, None).await.expect("retry");
    assert_eq!(retried.status, ActivationStatus::InProgress);
    let again = wait_status(&admin, bad.number, ActivationStatus::Error).await;
    assert!(again.error.is_some_and(|e| e.contains("снято с учёта")));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn retry_gets_past_a_transient_refusal_and_only_errors_can_be_retried() {
    let mut portal = TestPortal::start().await;
    let admin = portal.admin();
    let known = serials(&portal);
    let flaky = kind(&known.refused_once, Vendor::PayKiosk)[0].clone();
    let ok = kind(&known.ok, Vendor::PayKiosk)[0].clone();
    let created = admin
        .create_activations(TECHBUSINESS, &[ok.clone(), flaky.clone()], "flaky")
        .await
        .expect("created")
        .activations[0]
        .clone();
    // What precheck says of both serials: it reads the open activations' lines, which
    // the store keeps apart (migration 17 / 14) as activations are created, fail, are
    // retried and complete.
    let both = [ok.clone(), flaky.clone()];
    let outcomes = async |admin: &ApiClient| -> Vec<PrecheckOutcome> {
        let rows = admin.precheck(TECHBUSINESS, &both).await.expect("precheck").rows;
        rows.into_iter().map(|row| row.outcome).collect()
    };
    // And the store's set of open lines is exactly its definition, every time.
    let kept_lines = format!(
        "SELECT COUNT(*) FROM open_lines WHERE activation_number = {}",
        created.number
    );
    let exact = async |portal: &TestPortal, expected: i64| {
        assert_eq!(portal.count_behind(&kept_lines).await, expected);
        let apart = portal
            .count_behind(
                "SELECT (SELECT COUNT(*) FROM (
                           SELECT serial, activation_number FROM open_lines
                           EXCEPT SELECT l.serial, l.activation_number FROM activation_lines l
                             JOIN activations a ON a.number = l.activation_number
                            WHERE a.status IN ('in_progress', 'error')) AS extra)
                      + (SELECT COUNT(*) FROM (
                           SELECT l.serial, l.activation_number FROM activation_lines l
                             JOIN activations a ON a.number = l.activation_number
                            WHERE a.status IN ('in_progress', 'error')
                           EXCEPT SELECT serial, activation_number FROM open_lines) AS missing)",
            )
            .await;
        assert_eq!(apart, 0, "open_lines differs from the open activations' lines");
    };
    use PrecheckOutcome::{Ok as Free, Pending};
    // No worker yet: in progress, and that cannot be retried.
    let (status, message) = api_status(admin.retry(created.number, None).await);
    assert_eq!(status, 409, "in progress cannot be retried");
    assert!(message.contains("in_progress"), "{message}");
    assert_eq!(outcomes(&admin).await, [Pending, Pending], "in progress");
    exact(&portal, 2).await;
    portal.restart(fast_worker(50)).await;
    let admin = portal.admin();

    let failed = wait_status(&admin, created.number, ActivationStatus::Error).await;
    let text = failed.error.expect("error text");
    assert!(
        text.contains("временно недоступен") && text.contains(&flaky),
        "{text}"
    );
    // A transient failure refuses nothing for good: both may go into a new activation.
    assert_eq!(outcomes(&admin).await, [Free, Free], "in error, transient");
    exact(&portal, 2).await;
    // Retried with the worker stopped, so the activation surely is in progress again.
    portal.restart(no_worker()).await;
    let admin = portal.admin();
    let retried = admin.retry(created.number, None).await.expect("retry");
    assert_eq!(
        (retried.status, retried.error.as_deref()),
        (ActivationStatus::InProgress, None)
    );
    assert_eq!(outcomes(&admin).await, [Pending, Pending], "retried");
    exact(&portal, 2).await;
    portal.restart(fast_worker(50)).await;
    let admin = portal.admin();
    let done = wait_status(&admin, created.number, ActivationStatus::Done).await;
    assert!(done.error.is_none());
    assert_eq!(outcomes(&admin).await, [Free, Free], "done");
    exact(&portal, 0).await;
    let (status, message) = api_status(admin.retry(created.number, None).await);
    assert_eq!(status, 409, "done cannot be retried");
    assert!(message.contains("done"), "{message}");
    assert_eq!(api_status(admin.retry(999_999, None).await).0, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_restart_loses_no_queued_work() {
    // The first portal's worker would wait an hour: nothing completes before the restart.
    let mut portal = TestPortal::start_worker(PortalOptions {
        worker_delay: Duration::from_secs(3600),
        ..fast_worker(0)
    })
    .await;
    let known = serials(&portal);
    let ok = vec![kind(&known.ok, Vendor::PpElectro)[0].clone()];
    let created = portal
        .admin()
        .create_activations(ALSTER, &ok, "restart")
        .await
        .expect("created")
        .activations[0]
        .clone();
    assert_eq!(
        status_of(&portal.admin(), created.number).await,
        ActivationStatus::InProgress
    );

    portal.restart(fast_worker(50)).await;
    let admin = portal.admin();
    let done = wait_status(&admin, created.number, ActivationStatus::Done).await;
    assert_eq!(done.number, created.number);
    // The demo's own in-progress activations are completed too (done or error).
    wait_for("no demo activation left in progress", WAIT, || async {
        let page = admin
            .activations(&ActivationQuery {
                status: Some(ActivationStatus::InProgress),
                ..Default::default()
            })
            .await
            .ok()?;
        (page.total == 0).then_some(())
    })
    .await;
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn license_files_verify_and_a_changed_byte_fails() {
    let portal = TestPortal::start_worker(fast_worker(50)).await;
    let admin = portal.admin();
    let known = serials(&portal);
    let pk = kind(&known.ok, Vendor::PayKiosk);
    let created = admin
        .create_activations(TECHBUSINESS, &pk[..3], "license")
        .await
        .expect("created")
        .activations[0]
        .clone();
    let done = wait_status(&admin, created.number, ActivationStatus::Done).await;
    let detail = admin.activation(done.number).await.expect("detail");

    let info = admin.signing_key().await.expect("signing key");
    assert_eq!(info.algorithm, "ed25519");
    let key = decode_public_key(&info.public_key).expect("valid key");
    let file = admin.license_file(done.number).await.expect("license file");
    assert_eq!(file.file_name, format!("license-{}.lic", done.number));
    let license = verify(&file.contents, &key).expect("genuine");
    assert_eq!(license.activation, done.number);
    assert_eq!(license.organization_inn, done.organization.inn);
    let mut lines: Vec<(String, chrono::NaiveDate, String)> = license
        .lines
        .iter()
        .map(|l| (l.serial.clone(), l.valid_until, l.model.clone()))
        .collect();
    lines.sort();
    let expected: Vec<(String, chrono::NaiveDate, String)> = detail
        .lines
        .iter()
        .map(|l| (l.serial.clone(), l.new_until, l.model.clone()))
        .collect();
    assert_eq!(lines, expected);
    assert!(
        done.completed_at
            .is_some_and(|c| (license.issued_at - c).num_seconds().abs() <= 1)
    );

    let mut tampered = file.contents.clone().into_bytes();
    let at = file.contents.find("line: ").expect("a line") + 6;
    tampered[at] = if tampered[at] == b'1' { b'2' } else { b'1' };
    let tampered = String::from_utf8(tampered).expect("still text");
    assert!(
        verify(&tampered, &key).is_err(),
        "a changed serial must fail"
    );

    // Headers for a download.
    let response = portal
        .raw_get(&format!("/activations/{}/license-file", done.number))
        .await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        header("content-disposition"),
        Some(format!(
            "attachment; filename=\"license-{}.lic\"",
            done.number
        ))
    );
    // The key is stable across a reopen and the file is served again unchanged.
    assert_eq!(
        admin.signing_key().await.expect("key").public_key,
        info.public_key
    );
    assert_eq!(
        licadm::portal::signing_public_key_in(&portal.db_arg())
            .await
            .expect("key from the store"),
        info.public_key
    );
    assert_eq!(
        admin
            .license_file(done.number)
            .await
            .expect("again")
            .contents,
        file.contents
    );
    // Demo history (done before the worker existed) verifies too.
    let old_done = admin
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Done),
            sort: licadm::client::wire::ActivationSort {
                key: licadm::client::wire::ActivationSortKey::Number,
                descending: false,
            },
            ..Default::default()
        })
        .await
        .expect("done")
        .items[0]
        .number;
    let old = admin.license_file(old_done).await.expect("old license");
    assert_eq!(
        verify(&old.contents, &key).expect("genuine").activation,
        old_done
    );
}
}
