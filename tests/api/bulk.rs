//! Many rows at once (issue 16 b): `POST /activations/retry` answers every number in
//! one request (retried or refused, never another organization's), idempotently; and
//! `GET /activations/errors` groups exactly the token's errored activations of the
//! period. Both on SQLite and PostgreSQL.

use crate::support::portal::{TestPortal, status_message, wait_for, walk_all};
use licadm::client::bulk::{BULK_MAX, BulkOutcome};
use licadm::client::wire::{ActivationQuery, ActivationSummary, Role};
use licadm::domain::{ActivationFailure, ActivationStatus};
use std::collections::{BTreeMap, BTreeSet};

const ALSTER: i64 = 1;
const TECHBUSINESS: i64 = 2;

async fn with_status(
    portal: &TestPortal,
    organization: i64,
    status: ActivationStatus,
) -> Vec<ActivationSummary> {
    walk_all(
        &portal.admin(),
        &ActivationQuery {
            organization: Some(organization),
            status: Some(status),
            ..Default::default()
        },
    )
    .await
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_retry_answers_every_number_and_never_touches_another_organizations() {
    let portal = TestPortal::start().await;
    let mine = with_status(&portal, ALSTER, ActivationStatus::Error).await;
    let theirs = with_status(&portal, TECHBUSINESS, ActivationStatus::Error).await;
    let done = with_status(&portal, ALSTER, ActivationStatus::Done).await;
    assert!(mine.len() >= 2 && !theirs.is_empty() && !done.is_empty(), "the demo has them");
    let support = portal.client(&portal.token(Role::Support, &[ALSTER], "support-1@test"));

    let asked = vec![mine[0].number, theirs[0].number, done[0].number, mine[1].number, 999_999];
    let answer = support.retry_many(&asked, "bulk-1").await.expect("bulk retry");
    let got: Vec<(i64, BulkOutcome, Option<String>)> = answer
        .results
        .iter()
        .map(|r| (r.number, r.outcome, r.error.as_ref().map(|e| e.code.clone())))
        .collect();
    assert_eq!(
        got,
        vec![
            (mine[0].number, BulkOutcome::Retried, None),
            // Another organization's activation is refused as if it did not exist.
            (theirs[0].number, BulkOutcome::Refused, Some("not_found".into())),
            (done[0].number, BulkOutcome::Refused, Some("conflict".into())),
            (mine[1].number, BulkOutcome::Retried, None),
            (999_999, BulkOutcome::Refused, Some("not_found".into())),
        ]
    );
    assert_eq!(answer.retried(), 2);
    let retried = answer.results[0].activation.as_ref().expect("the activation");
    assert_eq!(retried.status, ActivationStatus::InProgress);

    let admin = portal.admin();
    let read = |n: i64| {
        let admin = admin.clone();
        async move { admin.activation(n).await.expect("activation").summary.status }
    };
    assert_eq!(read(mine[0].number).await, ActivationStatus::InProgress);
    assert_eq!(read(theirs[0].number).await, ActivationStatus::Error, "not the token's: untouched");
    assert_eq!(read(done[0].number).await, ActivationStatus::Done);

    // The same key again: the first answer, nothing retried twice (they are in
    // progress now, so a new request would refuse them).
    let again = support.retry_many(&asked, "bulk-1").await.expect("replay");
    assert_eq!(again, answer);
    let fresh = support.retry_many(&asked[..1], "bulk-2").await.expect("new key");
    assert_eq!(fresh.results[0].outcome, BulkOutcome::Refused);
    // One key, another request: 422.
    let (status, _) = status_message(support.retry_many(&asked[..2], "bulk-1").await);
    assert_eq!(status, 422);

    // A viewer may not; an empty or oversized request is a 400 naming the limit.
    let viewer = portal.client(&portal.token(Role::Viewer, &[ALSTER], "viewer@test"));
    assert_eq!(status_message(viewer.retry_many(&asked, "v").await).0, 403);
    let (status, message) = status_message(support.retry_many(&[], "e").await);
    assert_eq!(status, 400);
    assert!(message.contains("1 to 100"), "{message}");
    let many: Vec<i64> = (1..=BULK_MAX as i64 + 1).collect();
    assert_eq!(status_message(support.retry_many(&many, "m").await).0, 400);
    assert_eq!(status_message(support.retry_many(&[0], "z").await).0, 400);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_triage_groups_exactly_the_tokens_errored_activations_of_the_period() {
    let portal = TestPortal::start().await;
    let viewer = portal.client(&portal.token(Role::Viewer, &[ALSTER], "viewer-1@test"));
    for since in ["24h", "7d", "92d"] {
        let triage = viewer.error_triage(since, None).await.expect("triage");
        // The oracle: every errored activation of the organization ordered since then.
        let expected: BTreeSet<i64> = with_status(&portal, ALSTER, ActivationStatus::Error)
            .await
            .into_iter()
            .filter(|a| a.created_at >= triage.since)
            .map(|a| a.number)
            .collect();
        let grouped: BTreeSet<i64> = triage.groups.iter().flat_map(|g| g.numbers.clone()).collect();
        assert_eq!(grouped, expected, "since {since}");
        assert_eq!(triage.total as usize, expected.len());
        assert_eq!(triage.groups.iter().map(|g| g.count).sum::<u64>(), triage.total);
        for group in &triage.groups {
            assert!(group.organizations.iter().all(|o| o.organization.id == ALSTER));
            assert!(!group.error.chars().any(|c| c.is_ascii_digit()), "no serial: {}", group.error);
            assert_eq!(group.retryable, group.reason.is_none_or(|r| !r.is_final()));
        }
        assert!(triage.groups.windows(2).all(|w| w[0].count >= w[1].count), "largest first");
    }
    // Over the longest period the demo's refusals group by reason: one group per
    // reason, whatever the serial.
    let triage = viewer.error_triage("92d", None).await.expect("triage");
    let errored = with_status(&portal, ALSTER, ActivationStatus::Error).await;
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for a in errored.iter().filter(|a| a.created_at >= triage.since) {
        let key = a
            .error
            .as_deref()
            .and_then(ActivationFailure::recognize)
            .map(|f| format!("{:?}", f.reason))
            .unwrap_or_else(|| a.error.clone().unwrap_or_default());
        *by_reason.entry(key).or_default() += 1;
    }
    let mut counts: Vec<u64> = triage.groups.iter().map(|g| g.count).collect();
    let mut expected: Vec<u64> = by_reason.into_values().collect();
    counts.sort_unstable();
    expected.sort_unstable();
    assert_eq!(counts, expected);

    // Another organization is a 404; a bad period a 400 naming `since`.
    assert_eq!(status_message(viewer.error_triage("7d", Some(TECHBUSINESS)).await).0, 404);
    let (status, message) = status_message(viewer.error_triage("yesterday", None).await);
    assert_eq!(status, 400);
    assert!(message.starts_with("since"), "{message}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_old_activation_that_fails_again_today_is_in_todays_triage() {
    let portal = TestPortal::start_worker(crate::support::portal::fast_worker(0)).await;
    let support = portal.client(&portal.token(Role::Support, &[ALSTER], "support-1@test"));
    let week_ago = chrono::Utc::now() - chrono::TimeDelta::days(7);
    // (The worker fails some old in-progress activations as it starts: those are in
    // today's triage already, rightly.)
    let today = support.error_triage("24h", None).await.expect("triage");
    let in_today = |triage: &licadm::client::bulk::ErrorTriage, number: i64| {
        triage.groups.iter().any(|g| g.numbers.contains(&number))
    };
    let old = with_status(&portal, ALSTER, ActivationStatus::Error)
        .await
        .into_iter()
        .find(|a| a.created_at < week_ago && !in_today(&today, a.number))
        .expect("the demo has activations that failed more than a week ago");
    let in_today = |triage: &licadm::client::bulk::ErrorTriage| in_today(triage, old.number);

    let answer = support.retry_many(&[old.number], "again-1").await.expect("retry");
    assert_eq!(answer.retried(), 1);
    wait_for("the retry to end", std::time::Duration::from_secs(20), || async {
        let detail = support.activation(old.number).await.expect("detail");
        (detail.summary.status != ActivationStatus::InProgress).then_some(())
    })
    .await;
    // The registry refuses it again (the demo's refusals are the registry's answer for
    // that serial), now: today's triage has it.
    let now = support.activation(old.number).await.expect("detail");
    assert_eq!(now.summary.status, ActivationStatus::Error);
    assert!(in_today(&support.error_triage("24h", None).await.expect("triage")), "failed today: in today's triage");
}
}
