//! Product-key activation over real HTTP (docs/DESIGN.md §3.8): every refusal with its own 422
//! message, a license that verifies, re-activation after a purchase, roles.

use crate::support::portal::{TestPortal, status_message};
use licadm::client::wire::{Installation, KeyActivationRequest, Organization, Role, ServerLicense};
use licadm::domain::ProductKey;
use licadm::domain::license::decode_public_key;
use licadm::domain::offline::{ActivationRequest, ActivationResponse, InstallationId};
use serde_json::json;

fn installation(serial: &str) -> Installation {
    Installation {
        serial: serial.into(),
        hash: format!("{serial}-hash-5f0c9a"),
    }
}

fn request(key: &str, org: &Organization, serial: &str) -> KeyActivationRequest {
    KeyActivationRequest {
        key: key.into(),
        inn: org.inn.clone(),
        kpp: org.kpp.clone(),
        installation: installation(serial),
    }
}

/// The license verifies against the canonical request built from the online fields
/// and the issue time, with the portal's public key.
async fn assert_verifies(portal: &TestPortal, sent: &KeyActivationRequest, got: &ServerLicense) {
    let key = decode_public_key(&portal.admin().signing_key().await.expect("key").public_key)
        .expect("public key");
    let canonical = ActivationRequest {
        key: ProductKey::parse(&sent.key).expect("key"),
        inn: sent.inn.clone(),
        kpp: sent.kpp.clone().unwrap_or_default(),
        installation: InstallationId {
            serial: sent.installation.serial.clone(),
            hash: sent.installation.hash.clone(),
        },
        created_at: got.issued_at,
    };
    let response =
        ActivationResponse::verify(&got.license, &key, &canonical).expect("license verifies");
    assert_eq!(response.seats, got.seats);
    assert_eq!(response.key.as_str(), got.key);
    assert_eq!(response.organization_inn, sent.inn);
    let tampered = got.license.replace(
        &format!("seats: {}", got.seats),
        &format!("seats: {}", got.seats + 100),
    );
    assert!(ActivationResponse::verify(&tampered, &key, &canonical).is_err());
}

async fn organizations(portal: &TestPortal) -> Vec<Organization> {
    portal.admin().organizations().await.expect("organizations")
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn activation_returns_a_signed_license_and_reactivation_picks_up_purchases() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let orgs = organizations(&portal).await;
    let key = facts.unbound_key(1, "orangeuce").expect("demo key");
    assert_eq!(key.key, "DB49-A88A-D2D6-50D4-81F1-7B67", "the seed's key");

    // Any spelling of the key.
    let sent = request("db49a88ad2d650d481f17b67", &orgs[0], "SRV-NEW-1");
    let first = admin.activate_key(&sent).await.expect("activate");
    assert_eq!(first.key, key.key);
    assert_eq!(
        (
            first.product.id.as_str(),
            first.organization.id,
            first.seats
        ),
        ("orangeuce", 1, key.seats)
    );
    assert_eq!(first.installation, sent.installation);
    assert_verifies(&portal, &sent, &first).await;

    // More seats bought: the same installation re-activates and gets them.
    let bought = portal
        .raw_post(
            &portal.operator_token(),
            "/purchases",
            &json!({"organization": 1, "product": "orangeuce", "accounts": 5}),
        )
        .await;
    assert_eq!(bought.status(), 200);
    let again = admin.activate_key(&sent).await.expect("re-activate");
    assert_eq!(again.seats, key.seats + 5);
    assert_verifies(&portal, &sent, &again).await;

    // A reinstall (new serial and hash) is another installation.
    let (status, message) = status_message(
        admin
            .activate_key(&request(&key.key, &orgs[0], "SRV-NEW-2"))
            .await,
    );
    assert_eq!(status, 422);
    assert!(message.contains("другой установке"), "{message}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn each_refusal_has_its_own_message() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let facts = portal.facts();
    let orgs = organizations(&portal).await;
    let (alster, techbiz, ip) = (&orgs[0], &orgs[1], &orgs[2]);
    let key = facts
        .unbound_key(1, "orangeuce")
        .expect("demo key")
        .key
        .clone();
    let refused = |request: KeyActivationRequest| {
        let admin = admin.clone();
        async move { status_message(admin.activate_key(&request).await) }
    };

    let cases: Vec<(&str, KeyActivationRequest, &str)> = vec![
        (
            "malformed key",
            request("DB49-A88A-D2D6", alster, "S1"),
            "записан неверно",
        ),
        (
            "unknown key",
            request("0000-0000-0000-0000-0000-0001", alster, "S1"),
            "не найден",
        ),
        (
            "INN format",
            KeyActivationRequest {
                inn: "7842175622".into(),
                ..request(&key, alster, "S1")
            },
            "ИНН",
        ),
        (
            "KPP format",
            KeyActivationRequest {
                kpp: Some("78420100".into()),
                ..request(&key, alster, "S1")
            },
            "КПП",
        ),
        (
            "another organization's INN",
            KeyActivationRequest {
                inn: techbiz.inn.clone(),
                kpp: techbiz.kpp.clone(),
                ..request(&key, alster, "S1")
            },
            "другой организации",
        ),
        (
            "KPP mismatch",
            KeyActivationRequest {
                kpp: techbiz.kpp.clone(),
                ..request(&key, alster, "S1")
            },
            "не совпадает",
        ),
        (
            "KPP missing",
            KeyActivationRequest {
                kpp: None,
                ..request(&key, alster, "S1")
            },
            "КПП не указан",
        ),
        (
            "no installation",
            KeyActivationRequest {
                installation: Installation {
                    serial: " ".into(),
                    hash: "".into(),
                },
                ..request(&key, alster, "S1")
            },
            "установка не указана",
        ),
    ];
    for (what, body, expected) in cases {
        let (status, message) = refused(body).await;
        assert_eq!(status, 422, "{what}: {message}");
        assert!(message.contains(expected), "{what}: {message}");
    }

    // A key already activated on another installation.
    let bound = facts.bound_key().expect("an activated demo key");
    let owner = orgs
        .iter()
        .find(|o| o.id == bound.organization)
        .expect("owner");
    let (status, message) = refused(request(&bound.key, owner, "SRV-OTHER")).await;
    assert_eq!(status, 422);
    assert!(
        message.contains("другой установке")
            && message.contains(&bound.installation.as_ref().expect("bound").serial),
        "{message}"
    );
    // …but its own installation re-activates.
    let own = KeyActivationRequest {
        installation: bound.installation.clone().expect("bound"),
        ..request(&bound.key, owner, "")
    };
    admin.activate_key(&own).await.expect("same installation");

    // An entrepreneur's key: no KPP; giving one is refused.
    let ip_key = facts.unbound_key(3, "orangeuce").expect("the ИП's key");
    let (status, message) = refused(KeyActivationRequest {
        kpp: Some("784201001".into()),
        ..request(&ip_key.key, ip, "SRV-IP")
    })
    .await;
    assert_eq!(status, 422);
    assert!(message.contains("ИП"), "{message}");
    let ok = admin
        .activate_key(&KeyActivationRequest {
            kpp: Some(String::new()),
            ..request(&ip_key.key, ip, "SRV-IP")
        })
        .await
        .expect("entrepreneur without KPP");
    assert_eq!(ok.organization.id, 3);

    // A key of an organization outside the token is simply not found.
    let scoped = portal.client(&portal.token(Role::Admin, &[2], "admin@techbiz"));
    let (status, message) = status_message(scoped.activate_key(&request(&key, alster, "S1")).await);
    assert_eq!(
        (status, message.contains("не найден")),
        (422, true),
        "{message}"
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn only_admin_activates_keys() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let orgs = organizations(&portal).await;
    let key = facts.unbound_key(1, "orangeuce").expect("demo key");
    for role in [Role::Support, Role::Viewer] {
        let client = portal.client(&portal.token(role, &[], "not-admin"));
        let (status, message) = status_message(
            client
                .activate_key(&request(&key.key, &orgs[0], "S1"))
                .await,
        );
        assert_eq!(status, 403, "{role:?}");
        assert!(message.contains("activate product keys"), "{message}");
        let (status, _) = status_message(client.offline_response("anything").await);
        assert_eq!(status, 403, "{role:?} offline");
    }
    // Still unbound: the refused calls changed nothing.
    let after = portal.facts();
    assert!(after.unbound_key(1, "orangeuce").is_some());
}
}
