//! Contention is never a 500 (issue 11): a write that cannot get the store's lock in
//! time is answered 503 with `Retry-After` and the JSON error body, changes nothing, and
//! the client sends it again as asked; many writers at once all get real answers.

use crate::support::portal::{TestPortal, no_worker};
use licadm::portal::{DemoOptions, PortalOptions};
use std::time::Duration;

/// A free seat of organization 1, its product, and a registered user without a seat
/// of that product.
fn free_seat_and_user(portal: &TestPortal) -> (i64, String, String) {
    let facts = portal.facts();
    for product in &facts.products {
        if let (Some(seat), Some(email)) = (
            facts.free(1, product).first(),
            facts.without_seat(1, product).first(),
        ) {
            return (*seat, product.clone(), email.clone());
        }
    }
    panic!("the demo data has a free seat and a user without one");
}

/// Holds SQLite's write lock from outside the portal until dropped.
struct WriteLock(rusqlite::Connection);

impl WriteLock {
    fn take(db: &std::path::Path) -> WriteLock {
        let conn = rusqlite::Connection::open(db).expect("second connection");
        conn.execute_batch("BEGIN IMMEDIATE").expect("write lock");
        WriteLock(conn)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

fn impatient() -> PortalOptions {
    PortalOptions {
        busy_timeout: Duration::from_millis(50),
        ..no_worker()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_cannot_get_the_lock_is_503_with_retry_after_and_changes_nothing() {
    let portal = TestPortal::start_full(DemoOptions::default(), impatient()).await;
    let (seat, product, email) = free_seat_and_user(&portal);
    let lock = WriteLock::take(&portal.db);
    let answer = portal
        .raw_post(
            &portal.admin_token,
            &format!("/seats/{seat}/bind"),
            &serde_json::json!({ "email": email }),
        )
        .await;
    assert_eq!(answer.status().as_u16(), 503);
    assert_eq!(
        answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: serde_json::Value = answer.json().await.expect("JSON error body");
    assert_eq!(body["error"]["code"], "busy", "{body}");
    drop(lock);
    let seat_now = portal
        .raw_get(&format!(
            "/seats?organization=1&product={product}&q={email}"
        ))
        .await
        .json::<serde_json::Value>()
        .await
        .expect("seats");
    assert_eq!(seat_now["total"], 0, "nothing was bound: {seat_now}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sends_a_busy_request_again_after_retry_after() {
    let portal = TestPortal::start_full(DemoOptions::default(), impatient()).await;
    let (seat, _, email) = free_seat_and_user(&portal);
    let lock = WriteLock::take(&portal.db);
    let client = portal.admin();
    let bind = tokio::spawn({
        let email = email.clone();
        async move { client.bind_seat(seat, &email, None).await }
    });
    // The first attempt is answered 503 at once (≈3 × 50 ms) and the client waits the
    // second it was told to; the lock goes away well before it sends again.
    tokio::time::sleep(Duration::from_millis(400)).await;
    drop(lock);
    let bound = bind.await.expect("task").expect("bound after the resend");
    assert_eq!(bound.email.as_deref(), Some(email.as_str()));
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_writers_at_once_get_answers_never_a_500() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let mut bound: Vec<(i64, String)> = Vec::new();
    for product in &facts.products {
        for org in 1..=3 {
            bound.extend(facts.bound(org, product).iter().cloned());
        }
    }
    assert!(
        bound.len() >= 28,
        "28 bound seats in the demo data: {}",
        bound.len()
    );
    let raw = reqwest::Client::new();
    let mut writers = Vec::new();
    for (seat, email) in bound.into_iter().take(28) {
        let raw = raw.clone();
        let base = portal.url("");
        let token = portal.admin_token.clone();
        writers.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..5 {
                for (path, body) in [
                    (format!("{base}/seats/{seat}/unbind"), serde_json::json!({})),
                    (
                        format!("{base}/seats/{seat}/bind"),
                        serde_json::json!({ "email": email }),
                    ),
                ] {
                    let answer = raw
                        .post(path)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .expect("answer");
                    statuses.push(answer.status().as_u16());
                }
            }
            statuses
        }));
    }
    let mut all = Vec::new();
    for writer in writers {
        all.extend(writer.await.expect("writer"));
    }
    let failed: Vec<u16> = all.iter().copied().filter(|s| *s != 200).collect();
    assert!(failed.is_empty(), "every write answered 200: {failed:?}");
    assert_eq!(all.len(), 28 * 10);
}
}
