//! Where the console connects to: command-line flags and environment
//! (`LICADM_PORTAL`, `LICADM_TOKEN`) override a profile in the config file, which
//! overrides the file's top-level values; with nothing configured the console runs an
//! embedded portal.

use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `~/.config/licadm/config.toml` (per the `directories` crate on each OS).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub portal: Option<String>,
    pub token: Option<Secret>,
    /// `ru` or `en`; the locale decides when absent.
    pub lang: Option<String>,
    pub theme: Option<String>,
    /// Keep an offline mirror of a remote portal (default true).
    pub mirror: Option<bool>,
    /// Seconds between background syncs of the mirror (default 30).
    pub sync_interval: Option<u64>,
    /// A token that sees more activations than this mirrors a window of them
    /// (default 200 000; docs/DESIGN.md §6.5).
    pub mirror_window_threshold: Option<u64>,
    /// The window's months of activations (default 2).
    pub mirror_window_months: Option<u32>,
    /// The profile used when `--profile` is not given.
    pub profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Capture the mouse (click selects a row, the wheel scrolls); off by default so
    /// the terminal's own text selection works.
    pub mouse: Option<bool>,
    /// `[keys]`: action name → a key or a list of keys. Kept as written: the console
    /// checks them and, when one is wrong, says so and goes on with the default keys
    /// (a typo in a key name should not keep the console from starting).
    #[serde(default)]
    pub keys: BTreeMap<String, toml::Spanned<toml::Value>>,
    /// `[views.NAME]`: saved list views (issue 16 b; `config_views`).
    #[serde(default)]
    pub views: BTreeMap<String, crate::config_views::SavedView>,
    /// The line of each `[keys]` entry, for messages (filled in by `load`).
    #[serde(skip)]
    pub key_lines: BTreeMap<String, usize>,
    /// What `licadm login` stored beside the config file (filled in by `load`).
    #[serde(skip)]
    pub session: Option<Session>,
}

/// The token `licadm login` got, kept in `session.toml` beside the config file (0600,
/// in a 0700 directory): used for its portal when no `--token` is given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub portal: String,
    pub token: Secret,
    /// The account it was issued to.
    pub email: String,
    /// The token's id on the portal (`licadm tokens list`).
    pub token_id: i64,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Where `licadm login` keeps its token: `session.toml` beside `config_path`.
pub fn session_path(config_path: &Path) -> PathBuf {
    config_path.with_file_name("session.toml")
}

/// The stored session, if there is one; a broken file is an error naming it.
pub fn load_session(path: &Path) -> Result<Option<Session>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: format!("{} (log in again: licadm login)", e.to_string().trim()),
        })
}

/// Writes the session readable by its owner only: a new file made 0600 (the directory
/// 0700 when it is made here), then renamed over the old one, so the token is never
/// in a file others can read, not even for a moment.
pub fn save_session(path: &Path, session: &Session) -> std::io::Result<()> {
    let text = toml::to_string(session).map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    if !dir.as_os_str().is_empty() && !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".new");
    let temporary = PathBuf::from(temporary);
    let _ = std::fs::remove_file(&temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut file = options.open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)
}

/// Deletes the session file; false when there was none.
pub fn remove_session(path: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Two spellings of one portal URL (a trailing slash, letter case of the host).
pub fn same_portal(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    norm(a) == norm(b)
}

/// One `[keys]` entry of the config file, for the console's keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    /// The action's name as written (`list.refresh`).
    pub action: String,
    /// The value as written in the file (`"F5"`, `["a", "Ctrl+N"]`), for messages.
    pub written: String,
    /// The key names; `None` when the value is neither a string nor a list of strings.
    pub keys: Option<Vec<String>>,
    /// 1-based; 0 when not known (a config built in code).
    pub line: usize,
}

impl ConfigFile {
    /// When the mirror holds a window (docs/DESIGN.md §6.5).
    pub fn window_policy(&self) -> crate::mirror::WindowPolicy {
        let default = crate::mirror::WindowPolicy::default();
        crate::mirror::WindowPolicy {
            threshold: self.mirror_window_threshold.unwrap_or(default.threshold),
            months: self.mirror_window_months.unwrap_or(default.months),
        }
    }

    /// The `[keys]` entries in the order of the file.
    pub fn key_overrides(&self) -> Vec<KeyOverride> {
        let mut out: Vec<KeyOverride> = self
            .keys
            .iter()
            .map(|(action, value)| {
                let value = value.get_ref();
                let keys = match value {
                    toml::Value::String(key) => Some(vec![key.clone()]),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|item| item.as_str().map(str::to_string))
                        .collect(),
                    _ => None,
                };
                KeyOverride {
                    action: action.clone(),
                    written: value.to_string(),
                    keys,
                    line: self.key_lines.get(action).copied().unwrap_or(0),
                }
            })
            .collect();
        out.sort_by_key(|o| o.line);
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub portal: Option<String>,
    pub token: Option<Secret>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("profile {name:?} is not in the config file{known}")]
    UnknownProfile { name: String, known: String },
    #[error(
        "portal {portal} is set but no token: pass --token, set LICADM_TOKEN or add token to the profile"
    )]
    MissingToken { portal: String },
    #[error(
        "a token is set but no portal: pass --portal, set LICADM_PORTAL or add portal to the profile"
    )]
    MissingPortal,
}

/// The directories licadm uses on this machine.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "licadm")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// Reads the config file; a missing file is an empty config, a broken one an error
/// naming the file and the problem (toml's message carries line and column).
pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ConfigFile {
                session: load_session(&session_path(path))?,
                ..ConfigFile::default()
            });
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut file: ConfigFile = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim().to_string(),
    })?;
    file.key_lines = file
        .keys
        .iter()
        .map(|(action, value)| (action.clone(), line_of(&text, value.span().start)))
        .collect();
    file.session = load_session(&session_path(path))?;
    Ok(file)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map(|before| before.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// What the console talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Remote {
        portal: String,
        token: Secret,
    },
    /// No portal configured: run one in-process on the user's data directory.
    Embedded,
}

/// Command-line (and environment, via clap) values.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub portal: Option<String>,
    pub token: Option<Secret>,
    pub profile: Option<String>,
}

pub fn resolve(overrides: &Overrides, file: &ConfigFile) -> Result<Connection, ConfigError> {
    let profile_name = overrides.profile.as_ref().or(file.profile.as_ref());
    let profile = match profile_name {
        Some(name) => Some(
            file.profiles
                .get(name)
                .ok_or_else(|| ConfigError::UnknownProfile {
                    name: name.clone(),
                    known: if file.profiles.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " (known: {})",
                            file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                        )
                    },
                })?,
        ),
        None => None,
    };
    let nonempty = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let session = file.session.as_ref();
    let portal = nonempty(&overrides.portal)
        .or_else(|| profile.and_then(|p| nonempty(&p.portal)))
        .or_else(|| nonempty(&file.portal))
        .or_else(|| session.map(|s| s.portal.clone()));
    let secret = |v: &Option<Secret>| {
        v.as_ref()
            .map(|s| Secret::from(s.expose().trim()))
            .filter(|s| !s.is_empty())
    };
    // `licadm login`'s token is for the portal it logged in to: it comes before the
    // config file's tokens (the newer, deliberate choice), after `--token`.
    let logged_in = session
        .filter(|s| portal.as_deref().is_some_and(|p| same_portal(p, &s.portal)))
        .map(|s| s.token.clone())
        .filter(|t| !t.is_empty());
    let token = secret(&overrides.token)
        .or(logged_in)
        .or_else(|| profile.and_then(|p| secret(&p.token)))
        .or_else(|| secret(&file.token));
    match (portal, token) {
        (Some(portal), Some(token)) => Ok(Connection::Remote { portal, token }),
        (Some(portal), None) => Err(ConfigError::MissingToken { portal }),
        (None, Some(_)) => Err(ConfigError::MissingPortal),
        (None, None) => Ok(Connection::Embedded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigFile {
        toml::from_str(text).expect("test config parses")
    }

    #[test]
    fn nothing_configured_is_embedded() {
        assert_eq!(
            resolve(&Overrides::default(), &ConfigFile::default()).ok(),
            Some(Connection::Embedded)
        );
    }

    #[test]
    fn flags_beat_profile_beat_top_level() {
        let file = parse(
            r#"
            portal = "http://top:1"
            token = "top-token"
            profile = "prod"
            [profiles.prod]
            portal = "https://portal.example"
            token = "prod-token"
            [profiles.lab]
            portal = "http://lab:8080"
            "#,
        );
        let from_profile = resolve(&Overrides::default(), &file).ok();
        assert_eq!(
            from_profile,
            Some(Connection::Remote {
                portal: "https://portal.example".into(),
                token: "prod-token".into()
            })
        );
        // The lab profile has no token: the top-level one fills in.
        let lab = resolve(
            &Overrides {
                profile: Some("lab".into()),
                ..Default::default()
            },
            &file,
        )
        .ok();
        assert_eq!(
            lab,
            Some(Connection::Remote {
                portal: "http://lab:8080".into(),
                token: "top-token".into()
            })
        );
        let flags = Overrides {
            portal: Some("http://cli:2".into()),
            token: Some("cli".into()),
            profile: None,
        };
        assert_eq!(
            resolve(&flags, &file).ok(),
            Some(Connection::Remote {
                portal: "http://cli:2".into(),
                token: "cli".into()
            })
        );
    }

    #[test]
    fn clear_errors() {
        let file = parse("[profiles.a]\nportal = \"http://a\"\n");
        let unknown = resolve(
            &Overrides {
                profile: Some("b".into()),
                ..Default::default()
            },
            &file,
        );
        assert_eq!(
            unknown.map_err(|e| e.to_string()).err(),
            Some("profile \"b\" is not in the config file (known: a)".into())
        );
        let missing = resolve(
            &Overrides {
                profile: Some("a".into()),
                ..Default::default()
            },
            &file,
        );
        assert!(matches!(missing, Err(ConfigError::MissingToken { .. })));
        let no_portal = resolve(
            &Overrides {
                token: Some("t".into()),
                ..Default::default()
            },
            &ConfigFile::default(),
        );
        assert!(matches!(no_portal, Err(ConfigError::MissingPortal)));
    }

    #[test]
    fn broken_file_names_the_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "portal = \"http://x\"\nbogus = 1\n").expect("write");
        let err = load(&path)
            .map_err(|e| e.to_string())
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("config.toml") && err.contains("bogus") && err.contains("line 2"),
            "{err}"
        );
        assert_eq!(
            load(&dir.path().join("absent.toml")).ok(),
            Some(ConfigFile::default())
        );
    }

    #[test]
    fn the_login_session_is_0600_and_used_for_its_portal_unless_a_token_is_given() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("licadm").join("config.toml");
        let session = Session {
            portal: "http://portal.example:8080/".into(),
            token: "lca_session".into(),
            email: "ann@example.com".into(),
            token_id: 7,
            expires_at: None,
        };
        save_session(&session_path(&config), &session).expect("saved");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&session_path(&config)), 0o600);
            assert_eq!(mode(config.parent().expect("dir")), 0o700);
        }
        let file = load(&config).expect("loads without a config file");
        assert_eq!(file.session.as_ref(), Some(&session));
        assert!(!format!("{file:?}").contains("lca_session"));
        let logged_in = Connection::Remote {
            portal: "http://portal.example:8080/".into(),
            token: "lca_session".into(),
        };
        assert_eq!(resolve(&Overrides::default(), &file).ok(), Some(logged_in));
        let given = Overrides {
            token: Some("lca_flag".into()),
            ..Default::default()
        };
        assert!(
            matches!(resolve(&given, &file), Ok(Connection::Remote { token, .. }) if token.expose() == "lca_flag")
        );
        // Another portal does not get the session's token.
        let other = Overrides {
            portal: Some("http://other:1".into()),
            ..Default::default()
        };
        assert!(matches!(
            resolve(&other, &file),
            Err(ConfigError::MissingToken { .. })
        ));
        assert!(remove_session(&session_path(&config)).expect("removed"));
        assert_eq!(load(&config).expect("loads").session, None);
    }

    #[test]
    fn keys_are_kept_as_written_with_their_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        let text = "mouse = true\n\n[keys]\n\"list.refresh\" = \"F5\"\n\"list.new_activation\" = [\"a\", \"Ctrl+N\"]\n\"seats.bind\" = 5\n";
        std::fs::write(&path, text).expect("write");
        let file = load(&path).expect("loads");
        assert_eq!(file.mouse, Some(true));
        let keys = file.key_overrides();
        assert_eq!(
            keys,
            vec![
                KeyOverride {
                    action: "list.refresh".into(),
                    written: "\"F5\"".into(),
                    keys: Some(vec!["F5".into()]),
                    line: 4,
                },
                KeyOverride {
                    action: "list.new_activation".into(),
                    written: "[\"a\", \"Ctrl+N\"]".into(),
                    keys: Some(vec!["a".into(), "Ctrl+N".into()]),
                    line: 5,
                },
                KeyOverride {
                    action: "seats.bind".into(),
                    written: "5".into(),
                    keys: None,
                    line: 6,
                },
            ]
        );
    }
}
