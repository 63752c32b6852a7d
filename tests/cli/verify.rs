//! `licadm verify` as a user runs it: the real binary on a license file from a real
//! portal, with the key given as text, as a file, or read from the portal's store.

use crate::support::portal::TestPortal;
use ed25519_dalek::SigningKey;
use licadm::client::wire::ActivationQuery;
use licadm::domain::ActivationStatus;
use licadm::domain::license::verify;
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
    let forged = license.sign(&SigningKey::from_bytes(&[7u8; 32]));
    std::fs::write(&path, forged).expect("write forged");
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
