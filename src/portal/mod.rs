//! The portal: API v1 over HTTP (axum) on a SQLite store.
//!
//! `licadm serve` and the console's embedded mode both start it through [`Portal`];
//! `licadm token create` goes through [`create_token`].

mod auth;
mod demo;
mod error;
mod openapi;
mod params;
mod routes;
mod store;

use crate::client::wire::Role;
use anyhow::Context;
use chrono::Utc;
use std::path::Path;
use store::{Store, catalog, tokens};

pub use auth::TOKEN_PREFIX;

/// Size of the demo data set filled into an empty store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of activations; devices = max(5 000, 3 × activations).
    pub activations: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { activations: 420 }
    }
}

/// State shared by every handler.
#[derive(Clone)]
pub(crate) struct AppState {
    store: Store,
}

/// A portal over one store file. Cheap to clone.
#[derive(Clone)]
pub struct Portal {
    state: AppState,
    demo_filled: bool,
}

impl Portal {
    /// Opens/creates the SQLite store, applies numbered migrations, and when `demo` is
    /// Some and the store has no organizations yet, fills it with the deterministic demo
    /// data set. Blocking: call it before serving (or from `spawn_blocking`).
    pub fn open(db: &Path, demo: Option<DemoOptions>) -> anyhow::Result<Portal> {
        let store = Store::open(db)
            .with_context(|| format!("cannot open the portal store {}", db.display()))?;
        let mut demo_filled = false;
        if let Some(options) = demo {
            let empty = store.blocking(|conn| catalog::organization_count(conn))? == 0;
            if empty {
                demo::fill(&store, options).context("cannot fill the demo data")?;
                demo_filled = true;
            }
        }
        Ok(Portal {
            state: AppState { store },
            demo_filled,
        })
    }

    /// The full router: every /api/v1 route, gzip compression, body limit, tracing.
    pub fn router(&self) -> axum::Router {
        routes::router(self.state.clone())
    }

    /// Serves until the future is dropped or the process ends.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// True when `open` just filled the demo data (so the CLI can print a demo token).
    pub fn demo_filled(&self) -> bool {
        self.demo_filled
    }
}

/// Creates a bearer token, stores only its SHA-256 hash, returns the plain token (print
/// it once; it cannot be recovered). Empty `organizations` = every organization the
/// store has now (a snapshot: organizations added later need a new token). Errors if
/// an organization id does not exist.
pub fn create_token(
    db: &Path,
    role: Role,
    organizations: &[i64],
    label: &str,
) -> anyhow::Result<String> {
    let store = Store::open(db)
        .with_context(|| format!("cannot open the portal store {}", db.display()))?;
    let token =
        auth::generate_token().map_err(|e| anyhow::anyhow!("no randomness for a token: {e}"))?;
    let hash = auth::hash_token(&token);
    let requested = organizations.to_vec();
    let label = label.to_string();
    store.blocking(move |conn| {
        let mut scope = if requested.is_empty() {
            catalog::all_organization_ids(conn)?
        } else {
            requested
        };
        scope.sort_unstable();
        scope.dedup();
        for id in &scope {
            if !catalog::organization_exists(conn, *id)? {
                return Err(store::StoreError::Invalid(format!(
                    "organization {id} does not exist in this store"
                )));
            }
        }
        tokens::insert(conn, &hash, role, &label, &scope, Utc::now())
    })?;
    Ok(token)
}
