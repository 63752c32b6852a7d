//! A PostgreSQL portal's signing key outside the database (issue 15, docs/DESIGN.md
//! §3.5): a database from before key files is refused until its key is exported (or a
//! portal is given the matching file), and the secret then leaves the database.

use crate::support::pg;
use crate::support::portal::{Backend, no_worker, on_backend};
use base64::Engine;
use licadm::portal::Portal;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Rows of migration 1's `signing_key` (the secret) in the database at `url`.
async fn secrets_in(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let driver = tokio::spawn(connection);
    let count = client
        .query_one("SELECT count(*) FROM signing_key", &[])
        .await
        .expect("count")
        .get(0);
    driver.abort();
    count
}

/// Makes the database at `url` look like one from before key files: `secret` in the
/// database, no public key listed.
async fn make_legacy(url: &str, secret: &[u8; 32]) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let driver = tokio::spawn(connection);
    client
        .batch_execute("DELETE FROM signing_keys")
        .await
        .expect("forget the list");
    client
        .execute(
            "INSERT INTO signing_key (id, secret, created_at) VALUES (1, $1, '2026-01-01T00:00:00Z')",
            &[&secret.as_slice()],
        )
        .await
        .expect("legacy secret");
    driver.abort();
}

fn write_key(path: &Path, secret: &[u8; 32]) {
    let text = base64::engine::general_purpose::STANDARD.encode(secret);
    std::fs::write(path, format!("{text}\n")).expect("write key");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

fn licadm(args: &[&str]) -> std::process::Output {
    std::process::Command::new(crate::support::licadm_bin())
        .args(args)
        .env("LICADM_LOG", "warn")
        .output()
        .expect("run licadm")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_holding_its_key_is_refused_until_exported_and_then_signs_from_the_file() {
    on_backend(Backend::Postgres, async {
        let Some(cluster) = pg::cluster() else { return };
        let dir = tempfile::tempdir().expect("dir");
        let secret = [5u8; 32];
        let expected = licadm::domain::license::encode_public_key(
            &ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key(),
        );
        let first = dir.path().join("first.key");
        write_key(&first, &secret);
        let url = cluster.create_database();
        let portal = Portal::connect_keyed(&url, None, no_worker(), Some(first.clone()))
            .await
            .expect("a portal on the new database");
        assert_eq!(portal.public_key(), expected);
        drop(portal);
        make_legacy(&url, &secret).await;

        // No key file given (and none at the default place): refused, saying how.
        let refused = Portal::connect(&url, None, no_worker())
            .await
            .err()
            .expect("refused while the database holds the key");
        assert!(
            refused.to_string().contains("licadm keys export"),
            "{refused}"
        );
        assert_eq!(secrets_in(&url).await, 1, "nothing was changed");

        // The one-time export: a private file with the key, and the database forgets it.
        let exported = dir.path().join("exported.key");
        let exported_arg = exported.to_str().expect("utf-8 path");
        let out = licadm(&["keys", "export", "--db", &url, "--out", exported_arg]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mode = std::fs::metadata(&exported)
            .expect("file")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            licadm::portal::read_signing_key_file(&exported)
                .expect("key file")
                .public_key(),
            expected
        );
        assert_eq!(secrets_in(&url).await, 0, "the secret left the database");
        let again = licadm(&["keys", "export", "--db", &url, "--out", exported_arg]);
        assert!(!again.status.success(), "nothing left to export");

        // Several portals share the file and sign with the one key.
        for _ in 0..2 {
            let portal = Portal::connect_keyed(&url, None, no_worker(), Some(exported.clone()))
                .await
                .expect("a portal with the exported key");
            assert_eq!(portal.public_key(), expected);
        }

        // Or, instead of exporting: a portal given the matching file moves the key out.
        let other = cluster.create_database();
        Portal::connect_keyed(&other, None, no_worker(), Some(first.clone()))
            .await
            .expect("a portal on the other database");
        make_legacy(&other, &secret).await;
        let portal = Portal::connect_keyed(&other, None, no_worker(), Some(first.clone()))
            .await
            .expect("given the matching file");
        assert_eq!(portal.public_key(), expected);
        assert_eq!(secrets_in(&other).await, 0, "the secret left the database");
        // A file with another key is refused while the database holds its own.
        make_legacy(&other, &secret).await;
        let wrong = dir.path().join("wrong.key");
        write_key(&wrong, &[6u8; 32]);
        let refused = Portal::connect_keyed(&other, None, no_worker(), Some(wrong))
            .await
            .err()
            .expect("another key is refused");
        assert!(refused.to_string().contains("another key"), "{refused}");
    })
    .await
}
