//! Which key a portal signs with, and the keys it signed with before (issue 15,
//! docs/DESIGN.md §3.5): start-up on either backend, `licadm keys rotate`, `licadm keys
//! export` (a PostgreSQL database from before key files) and `licadm keys list`.
//!
//! The secret is in a key file (`key_file.rs`); the store lists every public key,
//! oldest first, and the last one signs. Start-up reads what there is — the file, an
//! unfinished rotation's `<file>.next`, a secret an older store still holds, the list
//! — and [`choose`] says which secret signs and what to write first. Then the store
//! is told the key (listed when it has none; a legacy secret deleted, the file being
//! safe), and a portal whose key is not the newest listed one is refused: it would
//! sign with a key that was rotated away, or one no earlier license names.

use super::key_file::{self, next_key_file, read_if_present};
use super::signing_key::SigningSecret;
use super::store::{PgStore, SqliteStore, StoredKey};
use super::{PortalError, fresh_secret};
use crate::domain::signing::{PortalKey, key_id};
use chrono::Utc;
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};

/// What start-up found.
struct Found {
    /// The key file's key.
    file: Option<SigningSecret>,
    /// `<file>.next`: a rotation that wrote its key but may not have renamed it.
    next: Option<SigningSecret>,
    /// A secret still in the store (stores from before key files).
    legacy: Option<SigningSecret>,
    /// The store's public keys, oldest first.
    known: Vec<StoredKey>,
}

/// What to do with the key file before signing.
#[derive(Debug, PartialEq, Eq)]
enum Action {
    UseFile,
    /// Write the secret (new, or moved out of the store) to the key file.
    WriteFile,
    /// Finish a rotation: rename `<file>.next` over the file.
    PromoteNext,
}

/// Which secret signs (see the module comment). A PostgreSQL database still holding
/// its secret without a key file given is refused with the way to export it (its
/// portals may run on several hosts, so one of them writing a file of its own would
/// leave the others without it); a SQLite store's secret moves to the file beside it.
fn choose(
    found: &Found,
    file: &Path,
    postgres: bool,
) -> Result<(SigningSecret, Action), PortalError> {
    let current = found.known.last().map(|k| k.public_key.clone());
    let (secret, action) = match (&found.file, &found.legacy) {
        (Some(given), Some(old)) if given.0 != old.0 => {
            return Err(PortalError::OtherSigningKey {
                stored: old.public_key(),
                given: given.public_key(),
            });
        }
        (Some(given), _) => (given.clone(), Action::UseFile),
        (None, Some(_)) if postgres => {
            return Err(PortalError::KeyInDatabase {
                file: file.to_path_buf(),
            });
        }
        (None, Some(old)) => (old.clone(), Action::WriteFile),
        (None, None) => match &current {
            None => (SigningSecret(fresh_secret()?), Action::WriteFile),
            Some(public) => {
                return Err(PortalError::KeyFileMissing {
                    file: file.to_path_buf(),
                    public: public.clone(),
                });
            }
        },
    };
    if let (Action::UseFile, Some(current), Some(next)) = (&action, &current, &found.next)
        && secret.public_key() != *current
        && next.public_key() == *current
    {
        return Ok((next.clone(), Action::PromoteNext));
    }
    Ok((secret, action))
}

/// The secret signs only when it is the store's newest key.
fn check_current(keys: &[StoredKey], secret: &SigningSecret) -> Result<(), PortalError> {
    let public = secret.public_key();
    match keys.last() {
        Some(newest) if newest.public_key == public => Ok(()),
        Some(newest) if keys.iter().any(|k| k.public_key == public) => {
            Err(PortalError::RetiredKey {
                given: stored_key(secret).key_id,
                current: newest.key_id.clone(),
            })
        }
        Some(newest) => Err(PortalError::OtherSigningKey {
            stored: newest.public_key.clone(),
            given: public,
        }),
        None => Err(PortalError::Store(super::StoreError::Invalid(
            "the store lists no signing key after adding one".into(),
        ))),
    }
}

/// Carries out `action` on `file`; answers the secret that signs.
fn apply(
    action: &Action,
    file: &Path,
    secret: SigningSecret,
) -> Result<SigningSecret, PortalError> {
    match action {
        Action::UseFile => Ok(secret),
        Action::WriteFile => key_file::write_new(file, secret),
        Action::PromoteNext => {
            key_file::promote_next(file)?;
            tracing::warn!(file = %file.display(), "finished an interrupted key rotation");
            Ok(secret)
        }
    }
}

fn stored_key(secret: &SigningSecret) -> StoredKey {
    let public = SigningKey::from_bytes(&secret.0).verifying_key();
    StoredKey {
        key_id: key_id(&public),
        public_key: secret.public_key(),
        created_at: Utc::now(),
    }
}

/// The key a SQLite portal signs with: `given` (`--signing-key FILE`) or the file
/// beside the store (written on the first start, or when an older store's secret
/// moves out of it).
pub fn load_sqlite(
    db: &Path,
    store: &SqliteStore,
    given: Option<&Path>,
) -> Result<(PortalKey, PathBuf), PortalError> {
    let file = given.map_or_else(|| key_file::default_key_file(db), Path::to_path_buf);
    let found = Found {
        file: match given {
            Some(path) => Some(super::read_signing_key_file(path)?),
            None => read_if_present(&file)?,
        },
        next: read_if_present(&next_key_file(&file))?,
        legacy: store.signing_secret_blocking()?.map(SigningSecret),
        known: store.signing_keys_blocking()?,
    };
    let (secret, action) = choose(&found, &file, false)?;
    let secret = apply(&action, &file, secret)?;
    let keys = store.add_signing_key_blocking(&secret.public_key(), true, Utc::now())?;
    check_current(&keys, &secret)?;
    Ok((PortalKey::new(SigningKey::from_bytes(&secret.0)), file))
}

/// The key file of a PostgreSQL portal: `given`, else the default one of `url`.
fn postgres_key_file(url: &str, given: Option<&Path>) -> Result<PathBuf, PortalError> {
    given
        .map(Path::to_path_buf)
        .or_else(|| key_file::default_postgres_key_file(url))
        .ok_or(PortalError::NoKeyFilePath)
}

/// The key a PostgreSQL portal signs with: `given` (`--signing-key FILE`), else the
/// default key file of the database in the data directory (made when the database
/// has no key yet). A database's legacy secret is deleted once a portal started with
/// the matching file has listed its public key.
pub async fn load_postgres(
    url: &str,
    store: &PgStore,
    given: Option<&Path>,
) -> Result<(PortalKey, PathBuf), PortalError> {
    let file = postgres_key_file(url, given)?;
    let legacy = store.legacy_signing_secret().await?.map(SigningSecret);
    let found = Found {
        file: match given {
            Some(path) => Some(super::read_signing_key_file(path)?),
            None => read_if_present(&file)?,
        },
        next: read_if_present(&next_key_file(&file))?,
        known: store.signing_keys().await?,
        legacy,
    };
    let (secret, action) = choose(&found, &file, true)?;
    let secret = apply(&action, &file, secret)?;
    let keys = store.add_signing_key(&stored_key(&secret), true).await?;
    check_current(&keys, &secret)?;
    if found.legacy.is_some() {
        tracing::warn!(
            file = %file.display(),
            "the signing key was deleted from the database; it is kept in the key file only"
        );
    }
    Ok((PortalKey::new(SigningKey::from_bytes(&secret.0)), file))
}

/// What `licadm keys rotate` did.
#[derive(Debug, Clone)]
pub struct Rotated {
    pub file: PathBuf,
    pub retired: String,
    pub current: String,
}

/// `licadm keys rotate`: a new key signs from now on (running portals pick it up
/// within seconds, `live_key.rs`); every earlier public key stays listed, so earlier licenses verify.
/// The new key is written to `<file>.next` before the store lists it, and renamed over
/// the file after, so a crash in between leaves a state start-up finishes.
pub async fn rotate_in(db: &str, given: Option<&Path>) -> Result<Rotated, PortalError> {
    let fresh = SigningSecret(fresh_secret()?);
    let added = stored_key(&fresh);
    let (file, retired) = if super::is_postgres_url(db) {
        let store = super::connect_postgres(db, super::PortalOptions::default()).await?;
        let file = postgres_key_file(db, given)?;
        let retired = rotatable(&file, &store.signing_keys().await?)?;
        key_file::write_next(&file, &fresh)?;
        store.add_signing_key(&added, false).await?;
        (file, retired)
    } else {
        let db = PathBuf::from(db);
        let given = given.map(Path::to_path_buf);
        let fresh = fresh.clone();
        super::blocking(move || {
            let store = super::open_store(&db)?;
            let file = given.unwrap_or_else(|| key_file::default_key_file(&db));
            let retired = rotatable(&file, &store.signing_keys_blocking()?)?;
            key_file::write_next(&file, &fresh)?;
            store.add_signing_key_blocking(&fresh.public_key(), false, Utc::now())?;
            Ok((file, retired))
        })
        .await?
    };
    key_file::promote_next(&file)?;
    Ok(Rotated {
        file,
        retired,
        current: added.key_id,
    })
}

/// The id of the key `file` holds, when it is the store's newest (the one to retire).
fn rotatable(file: &Path, known: &[StoredKey]) -> Result<String, PortalError> {
    let secret = super::read_signing_key_file(file)?;
    check_current(known, &secret)?;
    Ok(stored_key(&secret).key_id)
}

/// `licadm keys export`: moves a PostgreSQL database's secret (from before key files)
/// into `out` (a new 0600 file) and deletes it from the database. Answers the key id.
pub async fn export_in(db: &str, out: &Path) -> Result<String, PortalError> {
    if !super::is_postgres_url(db) {
        return Err(PortalError::ExportSqlite(key_file::default_key_file(
            Path::new(db),
        )));
    }
    let store = super::connect_postgres(db, super::PortalOptions::default()).await?;
    let Some(secret) = store.legacy_signing_secret().await?.map(SigningSecret) else {
        return Err(PortalError::NothingToExport);
    };
    let written = key_file::write_new(out, secret.clone())?;
    if written.0 != secret.0 {
        return Err(PortalError::OtherSigningKey {
            stored: secret.public_key(),
            given: written.public_key(),
        });
    }
    let keys = store.add_signing_key(&stored_key(&secret), true).await?;
    check_current(&keys, &secret)?;
    Ok(stored_key(&secret).key_id)
}

/// `licadm keys list` and `licadm verify --db`: every public key of the store `db`
/// names, oldest first.
pub async fn public_keys_in(db: &str) -> Result<Vec<StoredKey>, PortalError> {
    if super::is_postgres_url(db) {
        let store = super::connect_postgres(db, super::PortalOptions::default()).await?;
        return Ok(store.signing_keys().await?);
    }
    let db = PathBuf::from(db);
    super::blocking(move || public_keys(&db)).await
}

/// [`public_keys_in`] for a SQLite store file, without a runtime. Fails when the file is
/// missing or no portal ever ran on it.
pub fn public_keys(db: &Path) -> Result<Vec<StoredKey>, PortalError> {
    if !db.is_file() {
        return Err(PortalError::NoStore(db.to_path_buf()));
    }
    let store = super::open_store(db)?;
    let mut keys = store.signing_keys_blocking()?;
    if keys.is_empty()
        && let Some(secret) = store.signing_secret_blocking()?
    {
        keys.push(stored_key(&SigningSecret(secret)));
    }
    if keys.is_empty() {
        return Err(PortalError::NoSigningKey(db.to_path_buf()));
    }
    Ok(keys)
}

/// Base64 public key the portal whose store is `db` signs with now, read without a
/// network. Fails when the file is missing or the portal never ran on it.
pub fn signing_public_key(db: &Path) -> Result<String, PortalError> {
    let keys = public_keys(db)?;
    keys.last()
        .map(|k| k.public_key.clone())
        .ok_or_else(|| PortalError::NoSigningKey(db.to_path_buf()))
}

/// The key file a portal on the store `db` (a SQLite file or a PostgreSQL URL) signs
/// with when no `--signing-key` is given (`key_file.rs`).
pub fn default_key_file_of(db: &str) -> Option<PathBuf> {
    if super::is_postgres_url(db) {
        key_file::default_postgres_key_file(db)
    } else {
        Some(key_file::default_key_file(Path::new(db)))
    }
}

/// [`signing_public_key`] for a store named like `--db`.
pub async fn signing_public_key_in(db: &str) -> Result<String, PortalError> {
    let keys = public_keys_in(db).await?;
    keys.last()
        .map(|k| k.public_key.clone())
        .ok_or_else(|| PortalError::NoSigningKey(PathBuf::from(super::redact(db))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningSecret {
        SigningSecret([seed; 32])
    }

    fn found(file: Option<u8>, next: Option<u8>, legacy: Option<u8>, known: &[u8]) -> Found {
        Found {
            file: file.map(key),
            next: next.map(key),
            legacy: legacy.map(key),
            known: known.iter().map(|s| stored_key(&key(*s))).collect(),
        }
    }

    fn chosen(f: &Found, postgres: bool) -> Result<(u8, Action), String> {
        choose(f, Path::new("k"), postgres)
            .map(|(secret, action)| (secret.0[0], action))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn start_up_uses_the_file_moves_legacy_keys_and_finishes_rotations() {
        assert_eq!(
            chosen(&found(Some(1), None, None, &[1]), true),
            Ok((1, Action::UseFile))
        );
        assert_eq!(
            chosen(&found(None, None, Some(1), &[]), false),
            Ok((1, Action::WriteFile))
        );
        let refused = chosen(&found(None, None, Some(1), &[]), true).expect_err("pg legacy");
        assert!(refused.contains("licadm keys export"), "{refused}");
        assert_eq!(
            chosen(&found(Some(1), None, Some(1), &[]), true),
            Ok((1, Action::UseFile))
        );
        assert!(chosen(&found(Some(2), None, Some(1), &[]), true).is_err());
        assert!(
            chosen(&found(None, None, None, &[1]), false).is_err(),
            "file lost"
        );
        assert_eq!(
            chosen(&found(Some(1), Some(2), None, &[1, 2]), false),
            Ok((2, Action::PromoteNext))
        );
        // A `.next` the store never listed (a rotation that died before) is ignored.
        assert_eq!(
            chosen(&found(Some(1), Some(3), None, &[1]), false),
            Ok((1, Action::UseFile))
        );
        let retired = check_current(&found(None, None, None, &[1, 2]).known, &key(1));
        assert!(
            matches!(retired, Err(PortalError::RetiredKey { .. })),
            "{retired:?}"
        );
        assert!(check_current(&found(None, None, None, &[1, 2]).known, &key(2)).is_ok());
    }
}
