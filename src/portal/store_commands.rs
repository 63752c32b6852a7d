//! An operator's commands straight on a store named like `--db`, with no portal
//! serving: tokens, pruning the change feed, and the demo data's serials and facts for
//! tests and benchmarks.

use super::{
    DemoFacts, PortalError, PortalOptions, auth, connect_postgres, is_postgres_url, open_store,
    store,
};
use crate::client::wire::Role;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use store::StoreError;

/// [`create_token`] for a store named like `--db`: a PostgreSQL URL or a SQLite file.
pub async fn create_token_in(
    db: &str,
    role: Role,
    organizations: &[i64],
    label: &str,
) -> Result<String, PortalError> {
    if !is_postgres_url(db) {
        let (path, organizations, label) =
            (PathBuf::from(db), organizations.to_vec(), label.to_string());
        return tokio::task::spawn_blocking(move || {
            create_token(&path, role, &organizations, &label)
        })
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
    }
    let store = connect_postgres(db, PortalOptions::default()).await?;
    let token = auth::generate_token().map_err(|e| PortalError::Randomness {
        what: "a token",
        reason: e.to_string(),
    })?;
    store
        .create_token(&auth::hash_token(&token), role, organizations, label)
        .await?;
    Ok(token)
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
) -> Result<String, PortalError> {
    let store = open_store(db)?;
    let token = auth::generate_token().map_err(|e| PortalError::Randomness {
        what: "a token",
        reason: e.to_string(),
    })?;
    let hash = auth::hash_token(&token);
    store.create_token_blocking(&hash, role, organizations, label)?;
    Ok(token)
}

/// Forgets deleted objects in the change feed of the store `db` (see
/// `store::changes::prune_deleted`): mirrors whose cursor is older than the last
/// deletion pruned get 410 `cursor_gone` and sync again from scratch. Returns how many
/// deletions were forgotten.
pub fn prune_deleted_changes(db: &Path) -> Result<usize, PortalError> {
    let store = open_store(db)?;
    Ok(store.prune_deleted_blocking()?)
}

/// [`prune_deleted_changes`] for a store named like `--db` (a SQLite file or a
/// PostgreSQL URL).
pub async fn prune_deleted_changes_in(db: &str) -> Result<usize, PortalError> {
    if !is_postgres_url(db) {
        let path = PathBuf::from(db);
        return tokio::task::spawn_blocking(move || prune_deleted_changes(&path))
            .await
            .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
    }
    let store = connect_postgres(db, PortalOptions::default()).await?;
    Ok(store.prune_deleted().await?)
}

/// Serials of a (demo) store by kind, for tests and benchmarks, so they never hard-code
/// serials that could drift from the generator. Vendor keys are `Vendor::id()`.
#[derive(Debug, Clone, Default)]
pub struct DemoSerials {
    /// Accepted by the registry and not pending: precheck says `ok`.
    pub ok: HashMap<String, Vec<String>>,
    /// The worker's activation fails every time («снято с учёта»).
    pub refused_permanently: HashMap<String, Vec<String>>,
    /// The worker's first attempt fails («временно недоступен»), a retry succeeds.
    pub refused_once: HashMap<String, Vec<String>>,
    /// On a line of an in-progress activation: precheck says `pending`.
    pub pending: Vec<String>,
    /// Named by the final failure of an activation still in error: precheck says
    /// `refused` (whatever the registry would answer now).
    pub refused: Vec<String>,
}

/// Up to `per_kind` serials of each kind (and vendor) as the store holds them now.
pub fn demo_serials(db: &Path, per_kind: usize) -> Result<DemoSerials, PortalError> {
    let store = open_store(db)?;
    let found = store.serials_by_kind_blocking(per_kind)?;
    Ok(DemoSerials {
        ok: found.ok,
        refused_permanently: found.refused_permanently,
        refused_once: found.refused_once,
        pending: found.pending,
        refused: found.refused,
    })
}

/// Seats, users and keys of a (demo) store as they are on `today` (see [`DemoFacts`]).
pub fn demo_facts(db: &Path, today: chrono::NaiveDate) -> Result<DemoFacts, PortalError> {
    let store = open_store(db)?;
    Ok(store.demo_facts_blocking(today)?)
}
