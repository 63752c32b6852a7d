//! N portals on one PostgreSQL (issue 11), part 1: races spread over three portals,
//! idempotent resends to another portal and activation numbers. Part 2 is
//! `postgres_ops.rs`. Each test runs on the throwaway cluster of
//! `tests/support/pg.rs` (skipped loudly without PostgreSQL; CI sets
//! LICADM_REQUIRE_PG=1).

use super::postgres_support::{ORANGEUCE, status, three_portals};
use crate::support::portal::{Backend, no_worker, on_backend};
use licadm::client::wire::{ActivationSort, EmergencyRequest};
use licadm::portal::demo_serials;
use std::collections::HashSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_binds_of_one_seat_over_three_portals_have_one_winner() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(no_worker()).await;
        let facts = portal.facts();
        let seat = facts.free(1, ORANGEUCE)[0];
        let users: Vec<String> = facts.without_seat(1, ORANGEUCE).to_vec();
        assert!(users.len() >= 2, "demo users without a seat: {users:?}");
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let client = clients[i % 3].clone();
                let email = users[i % users.len()].clone();
                tokio::spawn(async move { client.bind_seat(seat, &email, None).await })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(status(&task.await.expect("task")));
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 409),
            "{statuses:?}"
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_email_binding_two_seats_at_once_gets_at_most_one() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(no_worker()).await;
        let facts = portal.facts();
        let free = facts.free(1, ORANGEUCE).to_vec();
        let users = facts.without_seat(1, ORANGEUCE).to_vec();
        let rounds = (free.len() / 2).min(users.len()).min(6);
        assert!(
            rounds >= 2,
            "demo data: {} free seats, {} users",
            free.len(),
            users.len()
        );
        for round in 0..rounds {
            let (a, b) = (free[2 * round], free[2 * round + 1]);
            let email = users[round].clone();
            let (ca, cb) = (clients[round % 3].clone(), clients[(round + 1) % 3].clone());
            let (ea, eb) = (email.clone(), email.clone());
            let (ra, rb) = tokio::join!(
                tokio::spawn(async move { ca.bind_seat(a, &ea, None).await }),
                tokio::spawn(async move { cb.bind_seat(b, &eb, None).await })
            );
            let wins = [status(&ra.expect("a")), status(&rb.expect("b"))];
            assert_eq!(
                wins.iter().filter(|s| **s == 200).count(),
                1,
                "round {round}: {wins:?}"
            );
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_emergency_licenses_over_three_portals_at_most_one() {
    on_backend(Backend::Postgres, async {
        let (_portal, _extras, clients) = three_portals(no_worker()).await;
        let before = clients[0].license_info(1).await.expect("info");
        let orange = before
            .products
            .iter()
            .find(|p| p.product.id == ORANGEUCE)
            .expect("orangeuce");
        assert!(
            orange.emergency_available,
            "the demo's org 1 may request one"
        );
        let tasks: Vec<_> = (0..9)
            .map(|i| {
                let client = clients[i % 3].clone();
                tokio::spawn(async move {
                    let request = EmergencyRequest {
                        organization: 1,
                        product: ORANGEUCE.into(),
                        accounts: 3,
                    };
                    client.request_emergency_license(&request, None).await
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(status(&task.await.expect("task")));
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 422),
            "{statuses:?}"
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idempotent_create_resent_to_another_portal_or_to_two_at_once_is_one_result() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(no_worker()).await;
        let serials = demo_serials(&portal.db, 6).expect("serials");
        let ok = serials
            .ok
            .get("pay-kiosk")
            .expect("pay-kiosk serials")
            .clone();
        // Resent to another portal: the same answer, nothing created twice.
        let key = licadm::client::new_idempotency_key();
        let first = clients[0]
            .create_activations(1, &ok[..2], &key)
            .await
            .expect("created");
        let again = clients[1]
            .create_activations(1, &ok[..2], &key)
            .await
            .expect("replayed");
        assert_eq!(first, again);
        // Another request under that key: 422 on any portal.
        let clash = clients[2].create_activations(1, &ok[2..3], &key).await;
        assert_eq!(status(&clash), 422);
        // Sent to two portals at the same time: one creation, one answer.
        let key = licadm::client::new_idempotency_key();
        let batch = ok[3..5].to_vec();
        let (ca, cb) = (clients[1].clone(), clients[2].clone());
        let (ka, kb, sa, sb) = (key.clone(), key.clone(), batch.clone(), batch.clone());
        let (a, b) = tokio::join!(
            tokio::spawn(async move { ca.create_activations(1, &sa, &ka).await }),
            tokio::spawn(async move { cb.create_activations(1, &sb, &kb).await })
        );
        let (a, b) = (
            a.expect("a").expect("a created"),
            b.expect("b").expect("b created"),
        );
        assert_eq!(a, b, "both portals answer the one creation");
        let numbers: HashSet<i64> = first
            .activations
            .iter()
            .chain(&a.activations)
            .map(|s| s.number)
            .collect();
        assert_eq!(numbers.len(), first.activations.len() + a.activations.len());
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activation_numbers_from_three_portals_are_unique_and_above_the_history() {
    on_backend(Backend::Postgres, async {
        let (portal, _extras, clients) = three_portals(no_worker()).await;
        let history_max = clients[0]
            .activations(&licadm::client::wire::ActivationQuery {
                per_page: 10,
                sort: ActivationSort::parse("-number").expect("sort"),
                ..Default::default()
            })
            .await
            .expect("list")
            .items[0]
            .number;
        let serials = demo_serials(&portal.db, 12).expect("serials");
        let ok = serials.ok.get("pay-kiosk").expect("serials").clone();
        let tasks: Vec<_> = ok
            .iter()
            .take(12)
            .enumerate()
            .map(|(i, serial)| {
                let client = clients[i % 3].clone();
                let serial = serial.clone();
                tokio::spawn(async move {
                    let key = licadm::client::new_idempotency_key();
                    client.create_activations(1, &[serial], &key).await
                })
            })
            .collect();
        let mut numbers = Vec::new();
        for task in tasks {
            let created = task.await.expect("task").expect("created");
            numbers.extend(created.activations.iter().map(|s| s.number));
        }
        let unique: HashSet<i64> = numbers.iter().copied().collect();
        assert_eq!(unique.len(), numbers.len(), "{numbers:?}");
        assert!(
            numbers.iter().all(|n| *n > history_max),
            "{numbers:?} vs {history_max}"
        );
    })
    .await
}
