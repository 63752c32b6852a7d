//! The embedded default: with no portal configured, `licadm` runs a portal in-process
//! on a SQLite file in the user's data directory (demo data on first start) and the
//! console talks to it over real HTTP on loopback, exactly as to a remote portal.

use crate::client::ApiClient;
use crate::client::ClientError;
use crate::client::wire::Role;
use crate::portal::{DemoOptions, Portal, PortalError, create_token};
use std::path::{Path, PathBuf};

/// Why the embedded portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("cannot determine the user's data directory (is HOME set?)")]
    NoDataDir,
    #[error("cannot {what} {path}: {source}")]
    File {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("portal start-up task failed: {0}")]
    Task(String),
    #[error("cannot open the embedded portal store: {0}")]
    Portal(#[from] PortalError),
    #[error("cannot listen on loopback: {0}")]
    Listen(std::io::Error),
    #[error(transparent)]
    Client(#[from] ClientError),
}

fn file_error(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> EmbeddedError {
    let path = path.to_path_buf();
    move |source| EmbeddedError::File { what, path, source }
}

const DB_FILE: &str = "portal.sqlite";
const TOKEN_FILE: &str = "console.token";

/// A running in-process portal and a client for it.
pub struct Embedded {
    pub client: ApiClient,
    pub db: PathBuf,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The user's data directory (`~/.local/share/licadm` on Linux).
pub fn default_data_dir() -> Result<PathBuf, EmbeddedError> {
    crate::config::project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(EmbeddedError::NoDataDir)
}

pub async fn start(data_dir: &Path) -> Result<Embedded, EmbeddedError> {
    std::fs::create_dir_all(data_dir).map_err(file_error("create data directory", data_dir))?;
    let db = data_dir.join(DB_FILE);
    let token_path = data_dir.join(TOKEN_FILE);
    let fresh_store = !db.exists();

    let db_for_open = db.clone();
    let portal = tokio::task::spawn_blocking(move || {
        Portal::open(&db_for_open, Some(DemoOptions::default()))
    })
    .await
    .map_err(|e| EmbeddedError::Task(e.to_string()))??;

    // The token is kept next to the store it belongs to; a new store needs a new one.
    let token = match std::fs::read_to_string(&token_path) {
        Ok(t) if !fresh_store && !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            let token = create_token(&db, Role::Admin, &[], "embedded console")?;
            write_private(&token_path, &token)?;
            token
        }
    };

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(EmbeddedError::Listen)?;
    let addr = listener.local_addr().map_err(EmbeddedError::Listen)?;
    let server = tokio::spawn(portal.serve(listener));
    let client = ApiClient::new(&format!("http://{addr}"), &token)?;
    Ok(Embedded { client, db, server })
}

/// Writes a secret readable only by its owner.
fn write_private(path: &Path, contents: &str) -> Result<(), EmbeddedError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options.open(path).map_err(file_error("write", path))?;
    file.write_all(contents.as_bytes())
        .map_err(file_error("write", path))?;
    Ok(())
}
