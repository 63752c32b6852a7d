//! What the console remembers between runs — for now, the columns of each list — in a
//! small TOML file in the user's state directory (`LICADM_STATE_DIR` overrides it).
//! Parsing is pure and its errors name the file and line; a broken or unreadable file
//! is reported on the status line and the defaults are used, never fatal. Saving is a
//! command the runtime runs, so `update` stays pure.

use super::columns::SavedColumns;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "state.toml";

/// The file's contents. Unknown keys are ignored, so a file written by a newer
/// version still loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiState {
    #[serde(default)]
    pub columns: ColumnsState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnsState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activations: Option<SavedColumns>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<SavedColumns>,
}

#[derive(Debug, thiserror::Error)]
pub enum UiStateError {
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

impl UiStateError {
    pub fn path(&self) -> &Path {
        match self {
            UiStateError::Parse { path, .. } | UiStateError::Io { path, .. } => path,
        }
    }
}

/// `$LICADM_STATE_DIR/state.toml`, else the user's state directory (`~/.local/state/
/// licadm` on Linux), else the config directory where there is no state directory.
pub fn default_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LICADM_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join(FILE_NAME));
    }
    let dirs = crate::config::project_dirs()?;
    let dir = dirs.state_dir().unwrap_or(dirs.config_dir());
    Some(dir.join(FILE_NAME))
}

/// The file's text as a `UiState`; `path` only names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<UiState, UiStateError> {
    toml::from_str(text).map_err(|e| UiStateError::Parse {
        path: path.to_path_buf(),
        line: e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1),
        message: e.message().trim().to_string(),
    })
}

/// Reads the file; a missing one is the defaults (nothing chosen yet).
pub fn load(path: &Path) -> Result<UiState, UiStateError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UiState::default()),
        Err(e) => Err(UiStateError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

/// Writes the file whole: a temporary file renamed over the old one, so a crash
/// mid-write never leaves half a file behind.
pub fn save(path: &Path, state: &UiState) -> Result<(), UiStateError> {
    let io_error = |e: &dyn std::fmt::Display| UiStateError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let text = toml::to_string(state).map_err(|e| io_error(&e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_error(&e))?;
    }
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text).map_err(|e| io_error(&e))?;
    std::fs::rename(&temporary, path).map_err(|e| io_error(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_line() {
        let path = Path::new("/home/u/.local/state/licadm/state.toml");
        let text = "[columns.activations]\norder = [\"number\"]\nhidden = 3\n";
        let error = parse(text, path).err().map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(
            error.starts_with("/home/u/.local/state/licadm/state.toml:3: "),
            "{error}"
        );
        assert_eq!(parse("", path).ok(), Some(UiState::default()));
        // Keys from a newer version are not an error.
        assert!(parse("future = 1\n[columns]\nother = {}\n", path).is_ok());
    }

    #[test]
    fn missing_file_is_the_defaults_and_save_round_trips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested").join(FILE_NAME);
        assert_eq!(load(&path).ok(), Some(UiState::default()));
        let state = UiState {
            columns: ColumnsState {
                activations: Some(SavedColumns {
                    order: vec!["number".into(), "cost".into()],
                    hidden: vec!["vendor".into()],
                }),
                seats: None,
            },
        };
        save(&path, &state).expect("save");
        assert_eq!(load(&path).ok(), Some(state));
    }
}
