//! The offline mirror (docs/DESIGN.md §6): what one token can see, kept in SQLite in the
//! user's cache directory, current from the portal's change feed, with a durable outbox of
//! writes made while the portal could not be reached.
//!
//! The data half is a [`Replica`] (the portal's own schema and queries); this module
//! adds the sync state and the outbox to the same file, so a page of the feed and the
//! cursor after it, or an outbox item and its outcome, are written in one transaction.

mod devices_events;
pub mod outbox;
pub mod sync;

use crate::client::ApiClient;
use crate::client::feed::{Change, ChangeFeed};
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, LicenseInfo, Me, Organization, Page,
    Seat, SeatQuery, SeatSummary,
};
use crate::domain::{ActivationStatus, Lang};
use crate::portal::replica::{Replica, ReplicaError};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub use outbox::{OutboxAction, OutboxItem, OutboxState};

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("{0}")]
    Replica(#[from] ReplicaError),
    #[error("mirror file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("the mirror task failed: {0}")]
    Task(String),
}

impl MirrorError {
    /// As the client reports it: what the portal would have refused is refused the
    /// same way (status, code, message); anything else is the mirror's own failure.
    pub fn into_client_error(self) -> crate::client::ClientError {
        self.into_client_error_in(None)
    }

    /// As [`MirrorError::into_client_error`], with the refusal worded in `lang` as the
    /// portal words it for a client that asks for that language (docs/DESIGN.md §4.3).
    pub fn into_client_error_in(self, lang: Option<Lang>) -> crate::client::ClientError {
        match self {
            MirrorError::Replica(ReplicaError::Refused {
                status,
                code,
                message,
            }) => crate::client::ClientError::Api {
                status,
                code,
                message: lang
                    .and_then(|lang| crate::portal::localize_text(&message, lang))
                    .unwrap_or(message),
                // The mirror answered, not the portal: no request to quote.
                request_id: None,
            },
            other => crate::client::ClientError::Local(other.to_string()),
        }
    }
}

/// A mirrored answer with its texts (precheck outcomes, failures, the emergency-license
/// refusal) in `lang`, as the portal's language layer would have rewritten them: the
/// replica stores and answers with the portal's own words. An answer that cannot be
/// round-tripped through JSON is returned as it was.
pub fn localized<T>(answer: T, lang: Option<Lang>) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let Some(lang) = lang else {
        return answer;
    };
    let Ok(mut value) = serde_json::to_value(&answer) else {
        return answer;
    };
    if !crate::portal::localize_value(&mut value, lang) {
        return answer;
    }
    serde_json::from_value(value).unwrap_or(answer)
}

impl From<rusqlite::Error> for MirrorError {
    fn from(e: rusqlite::Error) -> MirrorError {
        MirrorError::Replica(ReplicaError::from(e))
    }
}

/// Where the last sync left the mirror.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncState {
    /// The portal store's epoch the data came from (None: never synced).
    pub epoch: Option<String>,
    pub cursor: i64,
    /// A full sync has completed at least once: reads may come from the mirror.
    pub complete: bool,
    pub synced_at: Option<DateTime<Utc>>,
    /// The token's account as of the last sync (offline start needs it).
    pub me: Option<Me>,
    /// The token sees more activations than the policy's threshold: the mirror holds
    /// only those created from this time on, the unfinished ones and those opened
    /// (docs/DESIGN.md §6.5).
    pub window_from: Option<DateTime<Utc>>,
    /// The seq the windowed full sync's window ends at (None before its first page).
    pub window_head: Option<i64>,
}

/// When a mirror holds a window rather than everything (docs/DESIGN.md §6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowPolicy {
    /// A token that sees more activations than this mirrors a window.
    pub threshold: u64,
    /// The window: activations created in the last this many months (plus every
    /// unfinished one, and every one opened).
    pub months: u32,
}

impl WindowPolicy {
    pub const DEFAULT_THRESHOLD: u64 = 200_000;
    pub const DEFAULT_MONTHS: u32 = 2;
}

impl Default for WindowPolicy {
    fn default() -> WindowPolicy {
        WindowPolicy {
            threshold: WindowPolicy::DEFAULT_THRESHOLD,
            months: WindowPolicy::DEFAULT_MONTHS,
        }
    }
}

/// Shared by the console's tasks; every call runs on the calling thread (use
/// `spawn_blocking` from async code — see [`Mirror::run`]).
#[derive(Clone)]
pub struct Mirror {
    replica: Arc<Mutex<Replica>>,
    path: PathBuf,
    /// One sync or outbox flush at a time, so queued items go out in order.
    pub(crate) sync_lock: Arc<tokio::sync::Mutex<()>>,
    pub(crate) policy: WindowPolicy,
}

const MIRROR_SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS mirror_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        epoch     TEXT,
        cursor    INTEGER NOT NULL DEFAULT 0,
        complete  INTEGER NOT NULL DEFAULT 0,
        synced_at TEXT,
        me        TEXT,
        window_from TEXT,
        window_head INTEGER
    );
    INSERT OR IGNORE INTO mirror_state (id) VALUES (1);
    CREATE TABLE IF NOT EXISTS mirror_signing_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        public_key TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
";

impl std::fmt::Debug for Mirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror").field("path", &self.path).finish()
    }
}

impl Mirror {
    /// The cache directory mirrors live in: `LICADM_CACHE_DIR`, else the platform's
    /// cache directory (`~/.cache/licadm` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("LICADM_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        directories::ProjectDirs::from("", "", "licadm").map(|dirs| dirs.cache_dir().to_path_buf())
    }

    /// One file per portal and token; the token itself never appears in the name.
    pub fn path_for(dir: &Path, client: &ApiClient) -> PathBuf {
        dir.join(format!("mirror-{}.sqlite", client.fingerprint()))
    }

    pub fn open(path: &Path) -> Result<Mirror, MirrorError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| MirrorError::File {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })?;
        }
        let mut replica = Replica::open(path)?;
        let conn = replica.connection();
        conn.execute_batch(MIRROR_SCHEMA)?;
        add_window_columns(conn)?;
        outbox::create_table(conn)?;
        // A complete mirror reads through its indexes; if a full sync was cut short
        // after the data was complete (it cannot be otherwise), build them now.
        let complete: bool = conn.query_row(
            "SELECT complete FROM mirror_state WHERE id = 1",
            [],
            |row| row.get(0),
        )?;
        if complete {
            let tx = conn.transaction()?;
            Replica::restore_indexes(&tx)?;
            tx.commit()?;
        }
        Ok(Mirror {
            replica: Arc::new(Mutex::new(replica)),
            path: path.to_path_buf(),
            sync_lock: Arc::new(tokio::sync::Mutex::new(())),
            policy: WindowPolicy::default(),
        })
    }

    /// When this mirror holds a window rather than everything.
    pub fn with_window_policy(mut self, policy: WindowPolicy) -> Mirror {
        self.policy = policy;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Replica> {
        // SQLite keeps the file consistent even if a holder panicked mid-transaction.
        self.replica
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` on tokio's blocking pool: SQLite never stalls the console's loop.
    pub async fn run<T, F>(&self, work: F) -> Result<T, MirrorError>
    where
        T: Send + 'static,
        F: FnOnce(&Mirror) -> Result<T, MirrorError> + Send + 'static,
    {
        let mirror = self.clone();
        tokio::task::spawn_blocking(move || work(&mirror))
            .await
            .map_err(|e| MirrorError::Task(e.to_string()))?
    }

    pub fn state(&self) -> Result<SyncState, MirrorError> {
        let replica = self.lock();
        let raw = replica.reader().query_row(
            "SELECT epoch, cursor, complete, synced_at, me, window_from, window_head
               FROM mirror_state WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, bool>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<i64>>(6)?,
                ))
            },
        )?;
        let (epoch, cursor, complete, synced_at, me, window_from, window_head) = raw;
        let time = |text: Option<String>| {
            text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        Ok(SyncState {
            epoch,
            cursor,
            complete,
            synced_at: time(synced_at),
            // A stored value this version cannot read is simply fetched again.
            me: me.and_then(|text| serde_json::from_str(&text).ok()),
            window_from: time(window_from),
            window_head,
        })
    }

    pub fn save_me(&self, me: &Me) -> Result<(), MirrorError> {
        let text = serde_json::to_string(me).map_err(|e| MirrorError::Task(e.to_string()))?;
        self.lock()
            .reader()
            .execute("UPDATE mirror_state SET me = ? WHERE id = 1", [text])?;
        Ok(())
    }

    /// Keeps the portal's public signing keys (`GET /signing-key`, as text
    /// `domain::signing::KeyRing::parse` reads: every key, oldest first), so license
    /// files and offline responses can be verified without a link.
    pub fn save_signing_key(
        &self,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), MirrorError> {
        self.lock().reader().execute(
            "INSERT INTO mirror_signing_key (id, public_key, fetched_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET public_key = ?1, fetched_at = ?2",
            params![public_key, now.to_rfc3339_opts(SecondsFormat::Secs, true)],
        )?;
        Ok(())
    }

    /// The kept signing key and when it was fetched.
    pub fn signing_key(&self) -> Result<Option<(String, String)>, MirrorError> {
        Ok(self
            .lock()
            .reader()
            .query_row(
                "SELECT public_key, fetched_at FROM mirror_signing_key WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }

    /// Applies one page of the feed and the cursor after it in one transaction. A page
    /// from another epoch than the data already held replaces it (`reset`). Answers
    /// how many objects changed.
    pub fn apply_page(
        &self,
        feed: &ChangeFeed,
        now: DateTime<Utc>,
    ) -> Result<ApplyOutcome, MirrorError> {
        let mut replica = self.lock();
        let conn = replica.connection();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: Option<String> = tx
            .query_row("SELECT epoch FROM mirror_state WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()?
            .flatten();
        if held.as_deref().is_some_and(|epoch| epoch != feed.epoch) {
            // Another store answered (replaced or restored): this page is relative to
            // a cursor of the old one, so it is dropped with everything mirrored, and
            // the caller starts a full sync.
            Replica::clear(&tx)?;
            tx.execute(RESTART, [])?;
            tx.commit()?;
            return Ok(ApplyOutcome {
                replaced: true,
                counts: ChangeCounts::default(),
            });
        }
        // No epoch held: the replica is empty and this is the first page of a full
        // sync — load it without the secondary indexes and build them once at the end.
        if held.is_none() {
            Replica::suspend_indexes(&tx)?;
        }
        Replica::apply(&tx, &feed.changes)?;
        if !feed.more {
            Replica::restore_indexes(&tx)?;
        }
        let synced_at = (!feed.more).then(|| now.to_rfc3339_opts(SecondsFormat::Secs, true));
        tx.execute(
            "UPDATE mirror_state SET epoch = ?, cursor = ?,
                    complete = complete OR ?, synced_at = COALESCE(?, synced_at),
                    window_head = COALESCE(window_head, ?)
             WHERE id = 1",
            params![
                feed.epoch,
                feed.cursor,
                !feed.more,
                synced_at,
                feed.window_head
            ],
        )?;
        tx.commit()?;
        Ok(ApplyOutcome {
            replaced: false,
            counts: ChangeCounts::of(&feed.changes),
        })
    }

    /// Forgets all mirrored data (the outbox stays): the next sync is a full one.
    pub fn reset(&self) -> Result<(), MirrorError> {
        let mut replica = self.lock();
        let conn = replica.connection();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        Replica::clear(&tx)?;
        tx.execute(RESTART, [])?;
        tx.commit()?;
        Ok(())
    }

    /// Opens a windowed full sync (or none): kept until the mirror starts over.
    pub fn set_window(&self, from: Option<DateTime<Utc>>) -> Result<(), MirrorError> {
        let from = from.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true));
        self.lock().reader().execute(
            "UPDATE mirror_state SET window_from = ?, window_head = NULL WHERE id = 1",
            [from],
        )?;
        Ok(())
    }

    /// Keeps an activation the user opened outside the window, so it reads offline
    /// later; one the mirror already holds is left as the feed wrote it (the feed's
    /// copy may be newer than this answer).
    pub fn keep_opened(&self, detail: &ActivationDetail) -> Result<bool, MirrorError> {
        let record = crate::client::feed::ActivationRecord {
            number: detail.summary.number,
            organization: detail.summary.organization.id,
            status: detail.summary.status,
            vendor: detail.summary.vendor.id,
            created_at: detail.summary.created_at,
            completed_at: detail.summary.completed_at,
            error: detail.summary.error.clone(),
            lines: detail.lines.clone(),
        };
        let mut replica = self.lock();
        let tx = replica
            .connection()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM activations WHERE number = ?)",
            [record.number],
            |row| row.get(0),
        )?;
        if !held {
            Replica::apply(&tx, &[Change::Activation(record)])?;
        }
        tx.commit()?;
        Ok(!held)
    }

    /// Fresh planner statistics after a full sync.
    pub fn analyze(&self) -> Result<(), MirrorError> {
        Ok(self.lock().analyze()?)
    }

    fn scope(&self) -> Result<Vec<i64>, MirrorError> {
        Ok(self
            .state()?
            .me
            .map(|me| me.organizations.iter().map(|o| o.id).collect())
            .unwrap_or_default())
    }

    pub fn organizations(&self) -> Result<Vec<Organization>, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().organizations(&scope)?)
    }

    pub fn activations(
        &self,
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().activations(&scope, query)?)
    }

    pub fn activation(&self, number: i64) -> Result<ActivationDetail, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().activation(&scope, number)?)
    }

    /// A serial's activation lines, offline (`console::data::DataSource::why`).
    pub fn serial_story(
        &self,
        serial: &str,
    ) -> Result<crate::client::serials::SerialStory, MirrorError> {
        Ok(self.lock().serial_story(serial)?)
    }

    /// The page when the mirror has all of it: always, unless the mirror holds a
    /// window and the query reaches outside it — only the unfinished statuses are
    /// whole in a window (docs/DESIGN.md §6.5). `None`: ask the portal.
    pub fn activations_if_whole(
        &self,
        query: &ActivationQuery,
    ) -> Result<Option<Page<ActivationSummary>>, MirrorError> {
        let windowed = self.state()?.window_from.is_some();
        let unfinished = matches!(
            query.status,
            Some(ActivationStatus::InProgress | ActivationStatus::Error)
        );
        if windowed && !unfinished {
            return Ok(None);
        }
        self.activations(query).map(Some)
    }

    /// `read`'s answer when the mirror holds every object of its kind: `None` in a
    /// windowed mirror, whose full sync leaves the device lists and the invoices to
    /// the portal and which holds only those changed since (docs/DESIGN.md §6.5).
    pub fn if_whole<T>(
        &self,
        read: impl FnOnce(&Mirror) -> Result<T, MirrorError>,
    ) -> Result<Option<T>, MirrorError> {
        if self.state()?.window_from.is_some() {
            return Ok(None);
        }
        read(self).map(Some)
    }

    /// The activation, or `None` when the mirror holds a window and not this one (it
    /// may exist outside the window: ask the portal). Without a window the mirror's
    /// "not found" is the answer.
    pub fn activation_if_held(&self, number: i64) -> Result<Option<ActivationDetail>, MirrorError> {
        let windowed = self.state()?.window_from.is_some();
        match self.activation(number) {
            Err(MirrorError::Replica(ReplicaError::Refused { status: 404, .. })) if windowed => {
                Ok(None)
            }
            other => other.map(Some),
        }
    }

    pub fn seats(&self, query: &SeatQuery, now: DateTime<Utc>) -> Result<Page<Seat>, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().seats(&scope, query, now)?)
    }

    pub fn seat_summary(
        &self,
        organization: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SeatSummary>, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().seat_summary(&scope, organization, now)?)
    }

    pub fn license_info(
        &self,
        organization: i64,
        now: DateTime<Utc>,
    ) -> Result<LicenseInfo, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().license_info(&scope, organization, now)?)
    }

    /// The price list (the Prices dialog, issue 17).
    pub fn prices(&self) -> Result<Vec<crate::client::wire::Price>, MirrorError> {
        Ok(self.lock().prices()?)
    }

    /// Invoices as the portal lists them (issue 17).
    pub fn invoices(
        &self,
        query: &crate::client::invoices::InvoiceQuery,
    ) -> Result<crate::client::wire::Page<crate::client::invoices::Invoice>, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().invoices(&scope, query)?)
    }

    pub fn invoice(
        &self,
        number: &str,
    ) -> Result<crate::client::invoices::InvoiceDetail, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().invoice(&scope, number)?)
    }

    /// The outbox SQL needs the connection; see `outbox`.
    fn with_conn<T>(
        &self,
        work: impl FnOnce(&mut rusqlite::Connection) -> Result<T, MirrorError>,
    ) -> Result<T, MirrorError> {
        work(self.lock().connection())
    }
}

/// Empties the sync state: the next sync is a full one, and decides its window anew.
const RESTART: &str = "UPDATE mirror_state
    SET epoch = NULL, cursor = 0, complete = 0, window_from = NULL, window_head = NULL
    WHERE id = 1";

/// Mirror files made before windows existed get the two columns.
fn add_window_columns(conn: &rusqlite::Connection) -> Result<(), MirrorError> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('mirror_state') WHERE name = 'window_from')",
        [],
        |row| row.get(0),
    )?;
    if !has {
        conn.execute_batch(
            "ALTER TABLE mirror_state ADD COLUMN window_from TEXT;
             ALTER TABLE mirror_state ADD COLUMN window_head INTEGER;",
        )?;
    }
    Ok(())
}

/// What one applied page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// The page came from another store than the data held: nothing of it was
    /// applied, the mirror was emptied, and a full sync must follow.
    pub replaced: bool,
    pub counts: ChangeCounts,
}

/// Changed objects by kind (what `licadm sync` prints).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    pub organizations: u64,
    pub activations: u64,
    pub seats: u64,
    pub capacity: u64,
    pub invoices: u64,
    /// Products and prices.
    pub catalog: u64,
    /// Organizations' devices (renewals) and audit records (the activity log).
    pub devices: u64,
    pub events: u64,
    pub deleted: u64,
}

impl ChangeCounts {
    pub fn of(changes: &[Change]) -> ChangeCounts {
        let mut counts = ChangeCounts::default();
        for change in changes {
            let slot = match change {
                Change::Organization(_) => &mut counts.organizations,
                Change::Activation(_) => &mut counts.activations,
                Change::Seat(_) => &mut counts.seats,
                Change::Capacity(_) => &mut counts.capacity,
                Change::Invoice(_) => &mut counts.invoices,
                Change::Product(_) | Change::Price(_) => &mut counts.catalog,
                Change::Device(_) => &mut counts.devices,
                Change::Event(_) => &mut counts.events,
                Change::Deleted(_) => &mut counts.deleted,
            };
            *slot += 1;
        }
        counts
    }

    pub fn add(&mut self, other: ChangeCounts) {
        self.organizations += other.organizations;
        self.activations += other.activations;
        self.seats += other.seats;
        self.capacity += other.capacity;
        self.invoices += other.invoices;
        self.catalog += other.catalog;
        self.devices += other.devices;
        self.events += other.events;
        self.deleted += other.deleted;
    }

    pub fn total(&self) -> u64 {
        self.organizations
            + self.activations
            + self.seats
            + self.capacity
            + self.invoices
            + self.catalog
            + self.devices
            + self.events
            + self.deleted
    }
}
