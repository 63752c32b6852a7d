//! Where a portal's signing key lives (issue 15, docs/DESIGN.md §3.5): not in the
//! store, whose copy alone would let anyone run a rogue portal signing licenses that
//! pass the real public key, but in a private key file (mode 0600, the format of
//! `--signing-key FILE`, see `signing_key.rs`). The store keeps public keys only.
//!
//! - SQLite: `<store>.signing-key` beside the store file, unless `--signing-key` names
//!   another file.
//! - PostgreSQL: `--signing-key FILE`, else `<data dir>/signing-keys/<database>.key`
//!   (the database named by host, port and name), so portals of one host share it.
//!
//! `licadm keys rotate` writes the new key to `<file>.next` first and renames it over
//! the file once the store lists it; a start-up that finds the store ahead of the file
//! finishes that rename (`key_ring::plan`).

use super::PortalError;
use super::signing_key::{SigningSecret, read_signing_key_file};
use base64::Engine;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The default key file of the SQLite store at `db`: `<db>.signing-key`.
pub fn default_key_file(db: &Path) -> PathBuf {
    with_suffix(db, ".signing-key")
}

/// `<file><suffix>`.
fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where a rotation keeps the new key until the store lists it.
pub fn next_key_file(file: &Path) -> PathBuf {
    with_suffix(file, ".next")
}

/// The default key file of the PostgreSQL database at `url`, in the user's data
/// directory; None when the URL does not parse or there is no data directory.
pub fn default_postgres_key_file(url: &str) -> Option<PathBuf> {
    let config: tokio_postgres::Config = url.parse().ok()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let name = config.get_dbname().unwrap_or(user);
    let safe: String = format!("{host}-{port}-{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // The user's data directory, as the CLI's `--data-dir` defaults to it (the portal
    // does not read the CLI's config module).
    let dir = directories::ProjectDirs::from("", "", "licadm")?
        .data_dir()
        .join("signing-keys");
    Some(dir.join(format!("{safe}.key")))
}

/// The key in `file`, or None when there is no such file.
pub fn read_if_present(file: &Path) -> Result<Option<SigningSecret>, PortalError> {
    if !file.exists() {
        return Ok(None);
    }
    Ok(Some(read_signing_key_file(file)?))
}

/// Writes `secret` to `file` as a new private file, complete before it appears under
/// its name (written to a temporary name, synced, then linked): a portal starting at
/// the same moment reads either no file or the whole key. When another process made
/// the file first, its key is the one answered.
pub fn write_new(file: &Path, secret: SigningSecret) -> Result<SigningSecret, PortalError> {
    let failed = |source: std::io::Error| PortalError::KeyFileWrite {
        file: file.to_path_buf(),
        source,
    };
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let temporary = write_private(file, &secret)?;
    let linked = std::fs::hard_link(&temporary, file);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            sync_dir(file).map_err(failed)?;
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(read_signing_key_file(file)?),
        Err(e) => Err(failed(e)),
    }
}

/// Writes `secret` to `<file>.next` (replacing an unfinished one), synced.
pub fn write_next(file: &Path, secret: &SigningSecret) -> Result<(), PortalError> {
    let next = next_key_file(file);
    let temporary = write_private(file, secret)?;
    std::fs::rename(&temporary, &next)
        .and_then(|()| sync_dir(&next))
        .map_err(|source| PortalError::KeyFileWrite { file: next, source })
}

/// Puts `<file>.next` in place of `file` (atomically: a reader sees one key or the
/// other, never a mix).
pub fn promote_next(file: &Path) -> Result<(), PortalError> {
    std::fs::rename(next_key_file(file), file)
        .and_then(|()| sync_dir(file))
        .map_err(|source| PortalError::KeyFileWrite {
            file: file.to_path_buf(),
            source,
        })
}

/// A new 0600 file beside `file` holding `secret` in base64, synced; its path.
fn write_private(file: &Path, secret: &SigningSecret) -> Result<PathBuf, PortalError> {
    let mut tag = [0u8; 6];
    getrandom::fill(&mut tag).map_err(|e| PortalError::Randomness {
        what: "a file name",
        reason: e.to_string(),
    })?;
    let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let temporary = with_suffix(file, &format!(".tmp-{tag}"));
    let failed = |source: std::io::Error| PortalError::KeyFileWrite {
        file: temporary.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(&temporary).map_err(failed)?;
    let text = base64::engine::general_purpose::STANDARD.encode(secret.0);
    out.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(failed)?;
    Ok(temporary)
}

/// Syncs the directory of `file`, so a power loss cannot keep the store's change (a
/// deleted secret, a listed key) but lose the file's.
fn sync_dir(file: &Path) -> std::io::Result<()> {
    match file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::File::open(dir).and_then(|d| d.sync_all()),
        None => Ok(()),
    }
}
