//! The files commands read and write: the downloads directory, and paths the user
//! typed.

use crate::console::app::SaveError;
use std::path::PathBuf;

/// Where downloaded files go: `LICADM_DOWNLOAD_DIR`, else the user's downloads
/// directory, else the home directory, else the current directory.
pub fn download_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LICADM_DOWNLOAD_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.download_dir()
                .filter(|d| d.is_dir())
                .map(|d| d.to_path_buf())
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A path as the user typed it, made absolute: `~` and `~/…` are the home directory,
/// a bare name or a relative path is in the downloads directory.
pub fn resolve_user_path(typed: &std::path::Path) -> PathBuf {
    let home = || directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
    let path = match typed.strip_prefix("~") {
        Ok(rest) => match home() {
            Some(home) => home.join(rest),
            None => typed.to_path_buf(),
        },
        Err(_) if typed.is_absolute() => typed.to_path_buf(),
        Err(_) => download_dir().join(typed),
    };
    std::path::absolute(&path).unwrap_or(path)
}

pub(super) async fn write_download(file_name: &str, contents: &[u8]) -> Result<PathBuf, SaveError> {
    // Only the file name part: a portal cannot make us write elsewhere.
    let name = std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "license.lic".into());
    let path = download_dir().join(name);
    let path = std::path::absolute(&path).unwrap_or(path);
    match tokio::fs::write(&path, contents).await {
        Ok(()) => Ok(path),
        Err(e) => Err(SaveError::Write {
            path,
            error: e.to_string(),
        }),
    }
}

/// A file the user named, as text (the error as the user sees it).
/// A file whose path the user typed (`~/` is the home directory).
pub(super) async fn read_text_file(path: &std::path::Path) -> Result<String, String> {
    let path = crate::console::paths::expand_tilde(&path.to_string_lossy());
    tokio::fs::read(&path)
        .await
        .map_err(|e| e.to_string())
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()))
}
