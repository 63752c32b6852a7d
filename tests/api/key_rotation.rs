//! Key ids and rotation (issue 15, docs/DESIGN.md §3.5): license files and server
//! licenses name the key that signed them; after `licadm keys rotate` a new key signs,
//! `GET /signing-key` lists every key, and every earlier license still verifies.

use crate::support::portal::{TestPortal, no_worker};
use licadm::client::wire::{ActivationQuery, Installation, KeyActivationRequest};
use licadm::domain::license::{decode_public_key, verify, verify_with};
use licadm::domain::offline::{ActivationRequest, ActivationResponse, InstallationId};
use licadm::domain::signing::KeyRing;
use licadm::domain::{ActivationStatus, ProductKey};
use licadm::portal::{Portal, PortalOptions, rotate_signing_key_in};

/// The offline request a server license answers (online fields, the issue time).
fn answered(
    sent: &KeyActivationRequest,
    issued_at: chrono::DateTime<chrono::Utc>,
) -> ActivationRequest {
    ActivationRequest {
        key: ProductKey::parse(&sent.key).expect("key"),
        inn: sent.inn.clone(),
        kpp: sent.kpp.clone().unwrap_or_default(),
        installation: InstallationId {
            serial: sent.installation.serial.clone(),
            hash: sent.installation.hash.clone(),
        },
        created_at: issued_at,
    }
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn after_a_rotation_old_and_new_licenses_verify_and_a_changed_one_does_not() {
    let mut portal = TestPortal::start().await;
    let admin = portal.admin();
    let before = admin.signing_key().await.expect("key");
    let old_id = before.key_id.clone().expect("a key id");
    assert_eq!(before.keys.len(), 1);
    assert_eq!(
        (before.keys[0].key_id.as_str(), before.keys[0].public_key.as_str()),
        (old_id.as_str(), before.public_key.as_str())
    );
    let done = admin
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Done),
            ..Default::default()
        })
        .await
        .expect("done")
        .items[0]
        .number;
    let old_file = admin.license_file(done).await.expect("file").contents;
    assert!(old_file.contains(&format!("\nkey-id: {old_id}\nsignature: ")), "{old_file}");
    let org = admin.organizations().await.expect("orgs")[0].clone();
    let facts = portal.facts();
    let product_key = facts.unbound_key(1, "orangeuce").expect("demo key").key.clone();
    let sent = KeyActivationRequest {
        key: product_key,
        inn: org.inn.clone(),
        kpp: org.kpp.clone(),
        installation: Installation { serial: "SRV-ROT-1".into(), hash: "rot-hash".into() },
    };
    let old_server = admin.activate_key(&sent).await.expect("activate");
    assert!(old_server.license.contains(&format!("key-id: {old_id}\n")));
    let old_key_file = licadm::portal::default_key_file_of(&portal.db_arg()).expect("key file");
    let dir = tempfile::tempdir().expect("dir");
    let retired_copy = dir.path().join("retired.key");
    std::fs::copy(&old_key_file, &retired_copy).expect("copy the key file");

    let rotated = rotate_signing_key_in(&portal.db_arg(), None).await.expect("rotate");
    assert_eq!(rotated.retired, old_id);
    assert_ne!(rotated.current, old_id);
    assert_eq!(rotated.file, old_key_file);
    portal.restart(no_worker()).await;
    let admin = portal.admin();
    let after = admin.signing_key().await.expect("key");
    assert_eq!(after.key_id.as_deref(), Some(rotated.current.as_str()));
    assert_ne!(after.public_key, before.public_key);
    let ids: Vec<&str> = after.keys.iter().map(|k| k.key_id.as_str()).collect();
    assert_eq!(ids, [old_id.as_str(), rotated.current.as_str()], "oldest first");

    // The new key signs license files and server licenses from now on.
    let new_file = admin.license_file(done).await.expect("file").contents;
    assert!(new_file.contains(&format!("key-id: {}\n", rotated.current)));
    let new_server = admin.activate_key(&sent).await.expect("re-activate");
    assert!(new_server.license.contains(&format!("key-id: {}\n", rotated.current)));

    // The ring verifies both; the retired key alone does not verify the new ones.
    let ring = KeyRing::parse(&after.ring_text()).expect("ring");
    assert_eq!(ring.len(), 2);
    let old_license = verify_with(&old_file, &ring).expect("old file verifies");
    assert_eq!(verify_with(&new_file, &ring).expect("new file verifies"), old_license);
    let old_public = decode_public_key(&before.public_key).expect("old key");
    assert!(verify(&old_file, &old_public).is_ok());
    assert!(verify(&new_file, &old_public).is_err());
    for (license, issued_at) in [
        (&old_server.license, old_server.issued_at),
        (&new_server.license, new_server.issued_at),
    ] {
        let request = answered(&sent, issued_at);
        ActivationResponse::verify_with(license, &ring, &request).expect("server license verifies");
        let tampered = license.replace("seats: ", "seats: 1");
        assert!(ActivationResponse::verify_with(&tampered, &ring, &request).is_err());
    }
    let tampered = new_file.replacen("line: ", "line: 1", 1);
    assert!(verify_with(&tampered, &ring).is_err(), "a changed file does not verify");

    // A portal given the retired key file is refused: it would sign with a key that
    // was rotated away.
    let refused = Portal::connect_keyed(
        &portal.db_arg(),
        None,
        PortalOptions { run_worker: false, ..PortalOptions::default() },
        Some(retired_copy),
    )
    .await
    .err()
    .expect("refused");
    assert!(refused.to_string().contains("rotated away"), "{refused}");
}
}
