//! Keys at rest (issue 15, item 2): the store files are private, and the signing key is
//! not in the store but in a private key file beside it, so a copy of the store alone
//! cannot sign licenses.

use base64::Engine;
use licadm::portal::{DemoOptions, Portal, signing_public_key};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn side(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn key_bytes(file: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(file).expect("key file");
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .expect("base64 key")
}

/// True when `needle` occurs in the store file or its WAL.
fn store_contains(db: &Path, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        std::fs::read(side(db, suffix))
            .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}

fn secrets_in_store(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("store");
    conn.query_row("SELECT count(*) FROM signing_key", [], |row| row.get(0))
        .expect("count")
}

#[test]
fn a_new_store_is_private_and_its_key_lives_in_a_private_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("portal.sqlite");
    let portal = Portal::open(&db, Some(DemoOptions { activations: 20 })).expect("portal");
    for suffix in ["", "-wal", "-shm"] {
        let file = side(&db, suffix);
        assert!(
            file.exists(),
            "{} exists while the portal is open",
            file.display()
        );
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let key_file = side(&db, ".signing-key");
    assert_eq!(mode(&key_file), 0o600);
    let secret = key_bytes(&key_file);
    assert_eq!(secret.len(), 32);
    assert_eq!(secrets_in_store(&db), 0);
    assert!(
        !store_contains(&db, &secret),
        "the secret is not in the store"
    );
    assert_eq!(
        signing_public_key(&db).expect("public key"),
        portal.public_key()
    );
    drop(portal);

    // Opened again, it signs with the same key; without its key file it refuses to start
    // (rather than silently making a new key that earlier licenses do not verify with).
    let again = Portal::open(&db, None).expect("reopen");
    assert_eq!(again.public_key(), signing_public_key(&db).expect("key"));
    drop(again);
    std::fs::rename(&key_file, dir.path().join("elsewhere")).expect("move key");
    let refused = Portal::open(&db, None)
        .err()
        .expect("refused without the key file");
    assert!(refused.to_string().contains("key file"), "{refused}");
}

#[test]
fn an_older_store_moves_its_secret_out_and_becomes_private() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("old.sqlite");
    let public = Portal::open(&db, None).expect("portal").public_key();
    // Make it look like a store of the previous licadm: the secret inside, 0644.
    let secret = key_bytes(&side(&db, ".signing-key"));
    {
        let conn = rusqlite::Connection::open(&db).expect("store");
        conn.execute_batch("DELETE FROM signing_public_key")
            .expect("forget");
        conn.execute(
            "INSERT INTO signing_key (id, secret, created_at) VALUES (1, ?, '2026-01-01T00:00:00Z')",
            [&secret],
        )
        .expect("legacy secret");
    }
    std::fs::remove_file(side(&db, ".signing-key")).expect("no key file yet");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let portal = Portal::open(&db, None).expect("portal on the old store");
    assert_eq!(portal.public_key(), public, "the same key signs on");
    assert_eq!(mode(&db), 0o600);
    assert_eq!(key_bytes(&side(&db, ".signing-key")), secret);
    assert_eq!(mode(&side(&db, ".signing-key")), 0o600);
    assert_eq!(secrets_in_store(&db), 0);
}
