//! The store file is private (issue 15): it holds personal data (e-mails, INNs) and
//! tokens' hashes, so it, its `-wal` and its `-shm` are mode 0600, not the 0644 a
//! default umask gives. SQLite creates `-wal` and `-shm` with the mode of the database
//! file, so creating the file private first covers them; an existing store (and its
//! side files) made by an older licadm is made private when opened.

use super::StoreError;
use std::path::Path;

pub fn make_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let failed = |what: &Path, e: std::io::Error| {
            StoreError::Database(format!("cannot make {} private: {e}", what.display()))
        };
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(|e| failed(path, e))?;
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            let Ok(metadata) = std::fs::metadata(file) else {
                continue;
            };
            if metadata.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| failed(file, e))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;

    #[test]
    fn a_new_store_is_private_and_commits_durably() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("store.sqlite");
        let store = SqliteStore::open(&path).expect("store");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let conn = store.connection().expect("connection");
        // 2 = FULL: the WAL is synced at every commit, so an answered write survives a
        // power loss.
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .expect("pragma");
        assert_eq!(synchronous, 2);
    }
}
