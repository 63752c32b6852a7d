//! Where a SQLite portal's signing key lives (issue 15): not in the store, whose copy
//! alone would let anyone run a rogue portal signing licenses that pass the real public
//! key, but in a private key file beside it, `<store>.signing-key` (mode 0600, the same
//! format as `--signing-key FILE`, see `signing_key.rs`). The store keeps the public
//! key only, so a portal started with another key is refused.
//!
//! A store from before keeps its secret in the store until the first start with this
//! code writes it to the key file; only then is it deleted from the store. The file is
//! written and synced before the store forgets the secret, so a crash in between
//! leaves both, never neither.

use super::signing_key::{SigningSecret, read_signing_key_file};
use super::store::SqliteStore;
use super::{PortalError, fresh_secret};
use base64::Engine;
use ed25519_dalek::SigningKey;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default key file of the store at `db`: `<db>.signing-key`.
pub fn default_key_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".signing-key");
    PathBuf::from(name)
}

/// The key a SQLite portal signs with: `given` (`--signing-key FILE`), else the default
/// key file, else the secret an older store still holds (moved to the file now), else
/// a fresh one (written to the file). Refused when the store signs with another key.
pub fn load_or_create(
    db: &Path,
    store: &SqliteStore,
    given: Option<SigningSecret>,
) -> Result<SigningKey, PortalError> {
    let file = default_key_file(db);
    let from_file = match given {
        Some(given) => Some(given),
        None if file.exists() => Some(read_signing_key_file(&file)?),
        None => None,
    };
    let stored_public = store.signing_public_key_blocking()?;
    let legacy = store.signing_secret_blocking()?.map(SigningSecret);
    let secret = match (from_file, legacy) {
        (Some(key), Some(old)) if key.0 != old.0 => {
            return Err(PortalError::OtherSigningKey {
                stored: old.public_key(),
                given: key.public_key(),
            });
        }
        (Some(key), _) => key,
        (None, Some(old)) => write_key_file(&file, old)?,
        (None, None) => match &stored_public {
            Some(public) => {
                return Err(PortalError::KeyFileMissing {
                    file,
                    public: public.clone(),
                });
            }
            None => write_key_file(&file, SigningSecret(fresh_secret()?))?,
        },
    };
    let public = secret.public_key();
    if let Some(stored) = stored_public
        && stored != public
    {
        return Err(PortalError::OtherSigningKey {
            stored,
            given: public,
        });
    }
    store.keep_only_public_key_blocking(&public)?;
    Ok(SigningKey::from_bytes(&secret.0))
}

/// Writes `secret` to a new private file and syncs it (and its directory). When another
/// process wrote the file first, its key is the one (both started on one fresh store).
fn write_key_file(file: &Path, secret: SigningSecret) -> Result<SigningSecret, PortalError> {
    let failed = |source: std::io::Error| PortalError::KeyFileWrite {
        file: file.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = match options.open(file) {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Ok(read_signing_key_file(file)?);
        }
        Err(e) => return Err(failed(e)),
    };
    let text = base64::engine::general_purpose::STANDARD.encode(secret.0);
    out.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(failed)?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The directory entry too, so a power loss cannot keep the store's deletion
        // of the secret but lose the file.
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(failed)?;
    }
    Ok(secret)
}
