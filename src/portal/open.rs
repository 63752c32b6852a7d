//! Opening a portal on its store: a SQLite file or a PostgreSQL URL, the demo data
//! filled into an empty one, and the signing key it signs with.

use super::{AppState, Backend, Clock, DemoOptions, Portal, PortalError, PortalOptions};
use super::{key_ring, live_key, rate_limit, store, token_cache};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{PgStore, SqliteStore, Store, StoreError};

/// Opens the store at `db`, naming the file when it cannot.
pub(super) fn open_store(db: &Path) -> Result<SqliteStore, PortalError> {
    SqliteStore::open(db).map_err(|source| PortalError::Open {
        path: db.to_path_buf(),
        source,
    })
}

/// True when `db` names a PostgreSQL database (`postgres://…` or `postgresql://…`)
/// rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Connects to the PostgreSQL store at `url`, naming it (without a password) when it cannot.
pub(super) async fn connect_postgres(
    url: &str,
    options: PortalOptions,
) -> Result<PgStore, PortalError> {
    PgStore::connect(url, options.busy_timeout, options.worker_lease)
        .await
        .map_err(|source| PortalError::Connect {
            url: redact(url),
            source,
        })
}

/// The URL without its password, for messages.
pub(super) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_info = &url[scheme + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Portal {
    /// Opens/creates the SQLite store, applies numbered migrations, and when `demo` is
    /// Some and the store has no organizations yet, fills it with the deterministic demo
    /// data set. Blocking: call it before serving (or from `spawn_blocking`).
    pub fn open(db: &Path, demo: Option<DemoOptions>) -> Result<Portal, PortalError> {
        Portal::open_with(db, demo, PortalOptions::default())
    }

    /// [`Portal::open`] with explicit worker options.
    pub fn open_with(
        db: &Path,
        demo: Option<DemoOptions>,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        Portal::open_keyed(db, demo, options, None)
    }

    /// [`Portal::open_with`] signing with the key in `key_file` (`--signing-key FILE`)
    /// instead of the file beside the store; refused when the store signs with another.
    pub fn open_keyed(
        db: &Path,
        demo: Option<DemoOptions>,
        options: PortalOptions,
        key_file: Option<PathBuf>,
    ) -> Result<Portal, PortalError> {
        let store = SqliteStore::open_with(db, options.busy_timeout).map_err(|source| {
            PortalError::Open {
                path: db.to_path_buf(),
                source,
            }
        })?;
        let demo_filled = match demo {
            Some(options) => store
                .fill_demo_if_empty(options)
                .map_err(PortalError::Demo)?,
            None => false,
        };
        let (key, key_file) = key_ring::load_sqlite(db, &store, key_file.as_deref())?;
        let backend = Backend::Sqlite(store.clone());
        Ok(Portal::assemble(
            Arc::new(store),
            backend,
            (key, key_file),
            demo_filled,
            options,
        ))
    }

    /// Opens the store `db` names: a PostgreSQL URL (`postgres://user@host/db`) or a
    /// SQLite file. `demo` fills an empty store with the demo data set.
    pub async fn connect(
        db: &str,
        demo: Option<DemoOptions>,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        Portal::connect_keyed(db, demo, options, None).await
    }

    /// [`Portal::connect`] signing with the key in `key_file` (`--signing-key FILE`):
    /// listed when the store has no key yet, refused when it signs with another, so
    /// every portal of a deployment signs with the one key (`key_ring.rs`).
    pub async fn connect_keyed(
        db: &str,
        demo: Option<DemoOptions>,
        options: PortalOptions,
        key_file: Option<PathBuf>,
    ) -> Result<Portal, PortalError> {
        if !is_postgres_url(db) {
            let path = PathBuf::from(db);
            return tokio::task::spawn_blocking(move || {
                Portal::open_keyed(&path, demo, options, key_file)
            })
            .await
            .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?;
        }
        let store = connect_postgres(db, options).await?;
        let demo_filled = match demo {
            Some(demo) => fill_postgres_demo(&store, demo, None).await?,
            None => false,
        };
        Portal::on_postgres(db, store, demo_filled, options, key_file.as_deref()).await
    }

    /// A portal on the PostgreSQL store `url` whose demo data (if it is empty) is copied
    /// from the SQLite demo store `source` (tests keep that file to read demo facts).
    pub async fn connect_postgres_from(
        url: &str,
        source: &Path,
        options: PortalOptions,
    ) -> Result<Portal, PortalError> {
        let store = connect_postgres(url, options).await?;
        let demo_filled =
            fill_postgres_demo(&store, DemoOptions::default(), Some(source.to_path_buf())).await?;
        Portal::on_postgres(url, store, demo_filled, options, None).await
    }

    async fn on_postgres(
        url: &str,
        store: PgStore,
        demo_filled: bool,
        options: PortalOptions,
        key_file: Option<&Path>,
    ) -> Result<Portal, PortalError> {
        let (key, key_file) = key_ring::load_postgres(url, &store, key_file).await?;
        let backend = Backend::Postgres(store.clone());
        Ok(Portal::assemble(
            Arc::new(store),
            backend,
            (key, key_file),
            demo_filled,
            options,
        ))
    }

    /// The portal over an opened store and its signing key, whichever the backend.
    fn assemble(
        store: Store,
        backend: Backend,
        (key, key_file): (crate::domain::signing::PortalKey, PathBuf),
        demo_filled: bool,
        options: PortalOptions,
    ) -> Portal {
        Portal {
            state: AppState {
                store,
                key: Arc::new(live_key::LiveKey::new(key, Some(key_file))),
                clock: Clock::system(),
                limiter: rate_limit::Limiter::new(options.limits.rate),
                tokens: token_cache::TokenCache::default(),
                access: options.access,
                idempotency_lifetime: options.idempotency_lifetime,
            },
            demo_filled,
            options,
            backend,
            tls: None,
            calendar: Arc::new(crate::domain::HolidayCalendar::russian()),
        }
    }
}

/// A fresh signing secret, stored only if the store has none yet.
pub(super) fn fresh_secret() -> Result<[u8; 32], PortalError> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| PortalError::Randomness {
        what: "a key",
        reason: e.to_string(),
    })?;
    Ok(fresh)
}

/// Runs blocking store work (a SQLite file) off the async runtime.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PortalError> + Send + 'static,
) -> Result<T, PortalError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))?
}

/// Fills an empty PostgreSQL store with the demo data set of the one generator: into
/// `source` (a SQLite file; a temporary one when None), then copied table by table.
async fn fill_postgres_demo(
    store: &PgStore,
    demo: DemoOptions,
    source: Option<PathBuf>,
) -> Result<bool, PortalError> {
    if store.has_organizations().await? {
        return Ok(false);
    }
    let (path, temporary) = match source {
        Some(path) => (path, false),
        None => {
            let mut tag = [0u8; 8];
            getrandom::fill(&mut tag).map_err(|e| PortalError::Randomness {
                what: "a file name",
                reason: e.to_string(),
            })?;
            let tag: String = tag.iter().map(|b| format!("{b:02x}")).collect();
            (
                std::env::temp_dir().join(format!("licadm-demo-{tag}.sqlite")),
                true,
            )
        }
    };
    let open_path = path.clone();
    let filled = async {
        let sqlite = tokio::task::spawn_blocking(move || {
            let sqlite = open_store(&open_path)?;
            // A temporary source is only read by the copy; a kept one (tests read
            // demo facts from it) is a whole store.
            if temporary {
                sqlite
                    .fill_demo_copy_source(demo)
                    .map_err(PortalError::Demo)?;
            } else {
                sqlite.fill_demo_if_empty(demo).map_err(PortalError::Demo)?;
            }
            Ok::<_, PortalError>(sqlite)
        })
        .await
        .map_err(|e| PortalError::Store(StoreError::Task(e.to_string())))??;
        store
            .fill_demo_from(&sqlite)
            .await
            .map_err(PortalError::Demo)
    }
    .await;
    if temporary {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    filled
}
