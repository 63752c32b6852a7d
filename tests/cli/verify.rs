//! `licadm verify` as a user runs it: the real binary on a license file from a real
//! portal, with the key given as text, as a file, or read from the portal's store.

use crate::support::portal::TestPortal;
use ed25519_dalek::SigningKey;
use licadm::client::wire::ActivationQuery;
use licadm::domain::ActivationStatus;
use licadm::domain::license::verify;
use licadm::domain::signing::PortalKey;
use std::path::Path;
use std::process::{Command, Output};

fn licadm(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_licadm"))
        .args(args)
        // Never fall back to the user's real data directory.
        .env("LICADM_DATA_DIR", data_dir)
        .output()
        .expect("run licadm")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_accepts_a_genuine_file_and_refuses_any_change_or_another_key() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let done = admin
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Done),
            ..Default::default()
        })
        .await
        .expect("done activations")
        .items[0]
        .clone();
    let file = admin.license_file(done.number).await.expect("license file");
    let public_key = admin.signing_key().await.expect("key").public_key;
    let dir = tempfile::tempdir().expect("temp dir");
    let empty_data_dir = dir.path().join("no-data");
    let path = dir.path().join(&file.file_name);
    std::fs::write(&path, &file.contents).expect("write license");
    let path_str = path.to_str().expect("utf-8 path");
    let key_file = dir.path().join("portal.pub");
    std::fs::write(&key_file, format!("{public_key}\n")).expect("write key");
    let db = portal.db.to_str().expect("utf-8 path");

    // Genuine, with the key given three ways.
    for key_args in [
        vec!["--key", public_key.as_str()],
        vec!["--key", key_file.to_str().expect("utf-8 path")],
        vec!["--db", db],
    ] {
        let mut args = vec!["verify", path_str];
        args.extend(&key_args);
        let out = licadm(&args, &empty_data_dir);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{key_args:?}: {text}");
        assert!(
            text.starts_with(&format!("GENUINE: license-{}.lic", done.number))
                && text.contains(&format!("activation {}", done.number))
                && text.contains(&done.organization.inn)
                && text.contains(&match done.license_count {
                    1 => "1 device,".to_string(),
                    n => format!("{n} devices,"),
                }),
            "{text}"
        );
    }

    // Flipping one byte anywhere fails (a sample of positions across the file).
    let bytes = file.contents.as_bytes();
    for at in [
        0,
        bytes.len() / 3,
        bytes.len() / 2,
        bytes.len() - 10,
        bytes.len() - 1,
    ] {
        let mut changed = bytes.to_vec();
        changed[at] ^= 0x01;
        std::fs::write(&path, &changed).expect("write tampered");
        let out = licadm(&["verify", path_str, "--key", &public_key], &empty_data_dir);
        assert_eq!(
            out.status.code(),
            Some(1),
            "byte {at} changed: {}",
            stdout(&out)
        );
        assert!(stdout(&out).starts_with("NOT GENUINE"), "{}", stdout(&out));
    }

    // The same document signed by another key is not genuine.
    let key = licadm::domain::license::decode_public_key(&public_key).expect("key");
    let license = verify(&file.contents, &key).expect("genuine");
    let other = PortalKey::new(SigningKey::from_bytes(&[7u8; 32]));
    let forged = license.sign(&other);
    std::fs::write(&path, &forged).expect("write forged");
    let out = licadm(&["verify", path_str, "--key", &public_key], &empty_data_dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("NOT GENUINE") && stdout(&out).contains("not among the known"),
        "{}",
        stdout(&out)
    );
    // … and naming the portal's key id does not make it pass.
    let portal_id = licadm::domain::signing::key_id(&key);
    std::fs::write(&path, forged.replace(other.id(), &portal_id)).expect("write forged");
    let out = licadm(&["verify", path_str, "--key", &public_key], &empty_data_dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("NOT GENUINE") && stdout(&out).contains("SIGNATURE DOES NOT MATCH")
    );

    // A missing file, or no key anywhere, is a clear error with exit status 2.
    let out = licadm(
        &["verify", "/nonexistent/license-1.lic", "--key", &public_key],
        &empty_data_dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = licadm(&["verify", path_str], &empty_data_dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("GET /api/v1/signing-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `licadm keys rotate`, then `licadm verify` of a file from before and one from after:
/// both genuine with the keys read from the store or from `keys list --bare`; the new
/// one is not genuine under the retired key alone.
#[tokio::test(flavor = "multi_thread")]
async fn after_keys_rotate_verify_accepts_old_and_new_files() {
    let mut portal = TestPortal::start().await;
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
    let dir = tempfile::tempdir().expect("temp dir");
    let no_data = dir.path().join("no-data");
    let old_key = portal.admin().signing_key().await.expect("key").public_key;
    let old = dir.path().join("old.lic");
    let file = portal.admin().license_file(done).await.expect("file");
    std::fs::write(&old, &file.contents).expect("write");
    let db = portal.db.to_str().expect("utf-8 path").to_string();

    let out = licadm(&["keys", "rotate", "--db", &db], &no_data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("signs from now on"),
        "{}",
        stdout(&out)
    );
    portal.restart(crate::support::portal::no_worker()).await;
    let new = dir.path().join("new.lic");
    let file = portal.admin().license_file(done).await.expect("file");
    std::fs::write(&new, &file.contents).expect("write");

    let out = licadm(&["keys", "list", "--db", &db, "--bare"], &no_data);
    assert!(out.status.success());
    let ring = dir.path().join("portal.keys");
    std::fs::write(&ring, stdout(&out)).expect("write keys");
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    let ring = ring.to_str().expect("utf-8 path");
    for file in [&old, &new] {
        let file = file.to_str().expect("utf-8 path");
        for key_args in [["--db", db.as_str()], ["--key", ring]] {
            let mut args = vec!["verify", file];
            args.extend(key_args);
            let out = licadm(&args, &no_data);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{file} {key_args:?}: {}",
                stdout(&out)
            );
            assert!(stdout(&out).starts_with("GENUINE"));
        }
    }
    let out = licadm(
        &["verify", new.to_str().expect("path"), "--key", &old_key],
        &no_data,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let changed =
        std::fs::read_to_string(&new)
            .expect("read")
            .replacen("activation: ", "activation: 1", 1);
    std::fs::write(&new, changed).expect("write");
    let out = licadm(
        &["verify", new.to_str().expect("path"), "--db", &db],
        &no_data,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}
