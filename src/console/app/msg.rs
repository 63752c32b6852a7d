//! What changes the state (`Msg`): input, and the answers to `Command`s; and why a
//! file could not be saved.

use super::{MouseInput, ReadPurpose, SyncFailure};
use crate::client::wire::{
    ActivationDetail, ActivationSummary, AuditEntry, CreatedActivations, LicenseInfo, Me,
    Organization, Page, PrecheckResponse, ProductCapacity, Seat, SeatSummary, ServerLicense,
    SigningKeyInfo, User,
};
use crate::console::data::DataError;
use crate::console::screens::access::AccessMsg;
use crate::console::screens::activity::ActivityMsg;
use crate::console::screens::invoices::InvoicesMsg;
use crate::console::screens::webhooks::WebhooksMsg;
use crate::mirror::OutboxItem;
use crate::mirror::sync::{SyncProgress, SyncReport};
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// Why a file could not be saved.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    Request(DataError),
    Write { path: PathBuf, error: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The console just opened.
    Start,
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste); goes into an open input.
    Paste(String),
    /// The terminal changed size (the view reads the size from the frame; paging
    /// keys read it from the state).
    Resize {
        width: u16,
        height: u16,
    },
    /// A click or the wheel (only when the mouse is captured, `--mouse`).
    Mouse(MouseInput),
    /// The terminal answered the cursor position query sent at start after this long
    /// (its round trip; over SSH, the link's).
    TerminalRoundTrip(std::time::Duration),
    MeLoaded(Result<Me, DataError>),
    OrganizationsLoaded(Result<Vec<Organization>, DataError>),
    /// The price list for the «Цены» dialog.
    PricesLoaded(Result<Vec<crate::client::wire::Price>, DataError>),
    ActivationsLoaded {
        request_id: u64,
        result: Result<Page<ActivationSummary>, DataError>,
    },
    DetailLoaded {
        request_id: u64,
        result: Result<ActivationDetail, DataError>,
    },
    OfferAccepted(Result<Organization, DataError>),
    Prechecked(Result<PrecheckResponse, DataError>),
    ActivationsCreated(Result<CreatedActivations, DataError>),
    Retried {
        number: i64,
        result: Result<ActivationSummary, DataError>,
    },
    /// A license file or the sample list was written (the full path) or not.
    FileSaved(Result<PathBuf, SaveError>),
    SerialsImported {
        path: PathBuf,
        result: Result<String, String>,
    },
    /// `typed` completed (None: nothing to add).
    PathCompleted {
        typed: String,
        completed: Option<String>,
    },
    /// The poll timer fired (see `Command::ScheduleTick`).
    Tick,
    /// The clock, read when the sync age was due to change (`Command::ScheduleClock`).
    Clock(chrono::DateTime<chrono::Utc>),
    SeatsLoaded {
        request_id: u64,
        result: Result<Page<Seat>, DataError>,
    },
    SeatSummaryLoaded(Result<Vec<SeatSummary>, DataError>),
    UsersLoaded {
        request_id: u64,
        result: Result<Vec<User>, DataError>,
    },
    SeatBound {
        seat: i64,
        email: String,
        result: Result<Seat, DataError>,
    },
    SeatUnbound {
        seat: i64,
        result: Result<Seat, DataError>,
    },
    LicenseInfoLoaded {
        request_id: u64,
        result: Result<LicenseInfo, DataError>,
    },
    EmergencyRequested(Result<ProductCapacity, DataError>),
    KeyActivated(Result<ServerLicense, DataError>),
    /// The request text as written, and where (or why not).
    RequestWritten {
        text: String,
        result: Result<PathBuf, SaveError>,
    },
    TextFileRead {
        purpose: ReadPurpose,
        path: PathBuf,
        result: Result<String, String>,
    },
    SigningKeyLoaded(Result<SigningKeyInfo, DataError>),
    AuditLoaded {
        request_id: u64,
        result: Result<Page<AuditEntry>, DataError>,
    },
    /// The portal could not be reached: the write waits in the mirror's outbox.
    WriteQueued(OutboxItem),
    OutboxLoaded(Result<Vec<OutboxItem>, DataError>),
    /// A queued item was cancelled (false: it had been sent or refused meanwhile).
    OutboxCancelled(Result<bool, DataError>),
    /// A page of the feed was applied during a sync.
    SyncProgress(SyncProgress),
    /// A background sync ended.
    Synced(Result<SyncReport, SyncFailure>),
    /// The liveness probe's answer: the portal answered `GET /health` or not
    /// (`console::liveness`, every few seconds).
    PortalReachable(bool),
    /// The state file was written (or why not, naming the file).
    UiStateSaved(Result<(), String>),
    /// An answer to an `AccessCommand`.
    Access(AccessMsg),
    /// An answer to an `InvoicesCommand`.
    Invoices(InvoicesMsg),
    /// An answer to an `ActivityCommand`.
    Activity(ActivityMsg),
    /// Answers of a bulk run's request (issue 16 b): one outcome per row it named.
    BulkStep {
        run: u64,
        outcomes: Vec<(i64, crate::console::screens::bulk_run::StepOutcome)>,
    },
    /// Every row `*` asked for (or why not).
    MatchingCollected {
        request_id: u64,
        result: Result<crate::console::screens::marks::Matching, DataError>,
    },
    TriageLoaded {
        request_id: u64,
        result: Result<crate::client::bulk::ErrorTriage, DataError>,
    },
    /// An export read `done` of `total` rows.
    ExportProgress {
        request_id: u64,
        done: u64,
        total: u64,
    },
    /// An export ended: the file and its rows, or why not.
    Exported {
        request_id: u64,
        result: Result<(PathBuf, u64), SaveError>,
    },
    /// `[views.NAME]` was written (or why not).
    ViewSaved {
        name: String,
        result: Result<(), String>,
    },
    /// An answer to a `WebhooksCommand`.
    Webhooks(WebhooksMsg),
    /// An answer to a `RenewalsCommand`.
    Renewals(crate::console::screens::renewals::RenewalsMsg),
    /// A serial's story for the `:why` dialog showing `serial`.
    WhyLoaded {
        serial: String,
        result: Result<crate::client::serials::Why, DataError>,
    },
}
