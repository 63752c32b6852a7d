//! The embedded default: with no portal configured, `licadm` runs a portal in-process
//! on a SQLite file in the user's data directory (demo data on first start) and the
//! console talks to it over real HTTP on loopback, exactly as to a remote portal.

use crate::client::ApiClient;
use crate::client::wire::Role;
use crate::portal::{DemoOptions, Portal, create_token};
use anyhow::Context;
use std::path::{Path, PathBuf};

const DB_FILE: &str = "portal.sqlite";
const TOKEN_FILE: &str = "console.token";

/// A running in-process portal and a client for it.
pub struct Embedded {
    pub client: ApiClient,
    pub db: PathBuf,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The user's data directory (`~/.local/share/licadm` on Linux).
pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    crate::config::project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .context("cannot determine the user's data directory (is HOME set?)")
}

pub async fn start(data_dir: &Path) -> anyhow::Result<Embedded> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let db = data_dir.join(DB_FILE);
    let token_path = data_dir.join(TOKEN_FILE);
    let fresh_store = !db.exists();

    let db_for_open = db.clone();
    let portal = tokio::task::spawn_blocking(move || {
        Portal::open(&db_for_open, Some(DemoOptions::default()))
    })
    .await
    .context("portal start-up task failed")?
    .with_context(|| format!("cannot open the embedded portal store {}", db.display()))?;

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
        .context("cannot listen on loopback")?;
    let addr = listener
        .local_addr()
        .context("loopback listener has no address")?;
    let server = tokio::spawn(portal.serve(listener));
    let client = ApiClient::new(&format!("http://{addr}"), &token)?;
    Ok(Embedded { client, db, server })
}

/// Writes a secret readable only by its owner.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
