//! The audit log (docs/DESIGN.md §3.9): every kind of change appears on its object with who,
//! what and before/after, newest first; objects outside the token are 404.

use crate::support::portal::{TestPortal, fast_worker, status_message, wait_for};
use licadm::client::ApiClient;
use licadm::client::wire::{
    AuditEntry, EmergencyRequest, Installation, KeyActivationRequest, Role,
};
use licadm::domain::ActivationStatus;
use licadm::portal::demo_serials;
use std::time::Duration;

async fn history(client: &ApiClient, object: &str) -> Vec<AuditEntry> {
    client.audit(object, 1, 100).await.expect("audit").items
}

fn actions(entries: &[AuditEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn activations_are_audited_from_creation_to_completion_failure_and_retry() {
    let portal = TestPortal::start_worker(fast_worker(50)).await;
    let admin = portal.admin();
    let serials = demo_serials(&portal.db, 2).expect("serials");
    let ok = serials.ok["pay-kiosk"][0].clone();
    let refused = serials.refused_permanently["pay-kiosk"][0].clone();

    let created = admin
        .create_activations(1, &[ok], "audit-ok")
        .await
        .expect("create")
        .activations[0]
        .number;
    let failing = admin
        .create_activations(1, &[refused], "audit-refused")
        .await
        .expect("create")
        .activations[0]
        .number;
    for (number, final_status) in [
        (created, ActivationStatus::Done),
        (failing, ActivationStatus::Error),
    ] {
        wait_for("the worker", Duration::from_secs(20), || {
            let admin = admin.clone();
            async move {
                let a = admin.activation(number).await.ok()?;
                (a.summary.status == final_status).then_some(())
            }
        })
        .await;
    }
    let done = history(&admin, &format!("activation:{created}")).await;
    assert_eq!(
        actions(&done),
        ["activation.completed", "activation.created"]
    );
    assert_eq!(done[0].actor, "worker");
    assert_eq!(done[1].actor, "admin@test");
    assert_eq!(done[1].before, None);
    assert_eq!(
        done[1].after.as_ref().map(|a| &a["status"]),
        Some(&"in_progress".into())
    );
    assert_eq!(
        done[0].after.as_ref().map(|a| &a["status"]),
        Some(&"done".into())
    );

    admin.retry(failing, None).await.expect("retry");
    wait_for(
        "the retried activation to fail again",
        Duration::from_secs(20),
        || {
            let admin = admin.clone();
            async move {
                let h = admin
                    .audit(&format!("activation:{failing}"), 1, 10)
                    .await
                    .ok()?;
                (h.total == 4).then_some(())
            }
        },
    )
    .await;
    let failed = history(&admin, &format!("activation:{failing}")).await;
    assert_eq!(
        actions(&failed),
        [
            "activation.failed",
            "activation.retried",
            "activation.failed",
            "activation.created"
        ]
    );
    assert_eq!(failed[1].actor, "admin@test");
    assert_eq!(
        failed[1].before.as_ref().map(|b| &b["status"]),
        Some(&"error".into())
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn seats_capacity_keys_and_offers_are_audited_and_scoped() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let seat = facts.free(1, "orangeuce")[0];
    let user = facts.without_seat(1, "orangeuce")[0].clone();
    admin.bind_seat(seat, &user, None).await.expect("bind");
    admin.unbind_seat(seat, None).await.expect("unbind");
    let object = format!("seat:{seat}");
    let seat_history = history(&admin, &object).await;
    assert_eq!(actions(&seat_history), ["seat.unbound", "seat.bound"]);
    let bound = &seat_history[1];
    assert_eq!(
        (bound.actor.as_str(), bound.object.as_str()),
        ("admin@test", object.as_str())
    );
    assert_eq!(
        bound.before.as_ref().map(|b| &b["status"]),
        Some(&"free".into())
    );
    assert_eq!(
        bound.after.as_ref().map(|a| &a["email"]),
        Some(&user.clone().into())
    );
    assert!(seat_history[0].at >= seat_history[1].at);

    admin
        .request_emergency_license(
            &EmergencyRequest {
                organization: 1,
                product: "orangeuce".into(),
                accounts: 4,
            },
            None,
        )
        .await
        .expect("emergency");
    let bought = portal
        .raw_post(
            &portal.operator_token(),
            "/purchases",
            &serde_json::json!({"organization": 1, "product": "orangeuce", "accounts": 2}),
        )
        .await;
    assert_eq!(bought.status(), 200);
    let org = history(&admin, "organization:1").await;
    assert_eq!(
        actions(&org)[..2],
        ["purchase.recorded", "emergency.requested"]
    );
    assert_eq!(org[0].actor, "operator@vendor");
    assert_eq!(
        org[0].after.as_ref().map(|a| &a["accounts_max"]),
        Some(&32.into())
    );
    let emergency = org
        .iter()
        .find(|e| e.action == "emergency.requested")
        .expect("emergency audited");
    assert_eq!(
        emergency
            .after
            .as_ref()
            .map(|a| &a["emergency"]["accounts_max"]),
        Some(&4.into())
    );

    admin.accept_offer(3).await.expect("accept offer");
    let ip = history(&admin, "organization:3").await;
    assert_eq!(ip[0].action, "offer.accepted");
    assert_eq!(
        ip[0].before.as_ref().map(|b| &b["offer_accepted_at"]),
        Some(&serde_json::Value::Null)
    );

    let orgs = admin.organizations().await.expect("organizations");
    let key = facts.unbound_key(1, "orangeuce").expect("key").key.clone();
    admin
        .activate_key(&KeyActivationRequest {
            key: key.clone(),
            inn: orgs[0].inn.clone(),
            kpp: orgs[0].kpp.clone(),
            installation: Installation {
                serial: "SRV-AUDIT".into(),
                hash: "abc123".into(),
            },
        })
        .await
        .expect("activate");
    // Any spelling of the key names the same object.
    let keyed = history(
        &admin,
        &format!("key:{}", key.to_lowercase().replace('-', "")),
    )
    .await;
    assert_eq!(actions(&keyed), ["key.activated"]);
    assert_eq!(
        keyed[0].before.as_ref().map(|b| &b["installation"]),
        Some(&serde_json::Value::Null)
    );
    assert_eq!(
        keyed[0]
            .after
            .as_ref()
            .map(|a| &a["installation"]["serial"]),
        Some(&"SRV-AUDIT".into())
    );

    // Scope: another organization's objects are 404, as are unknown ones.
    let viewer = portal.client(&portal.token(Role::Viewer, &[2], "viewer@techbiz"));
    for object in [
        object.as_str(),
        "organization:1",
        &format!("key:{key}"),
        "seat:999999",
        "activation:999999",
    ] {
        let (status, _) = status_message(viewer.audit(object, 1, 10).await);
        assert_eq!(status, 404, "{object}");
    }
    assert!(viewer.audit("organization:2", 1, 10).await.is_ok());
    for query in [
        "/audit",
        "/audit?object=foo:1",
        "/audit?object=seat",
        "/audit?object=key:XYZ",
    ] {
        assert_eq!(portal.raw_get(query).await.status(), 400, "{query}");
    }
}
}
