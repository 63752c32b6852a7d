//! What `update` asks the runtime to do (`Command`; the answers come back as `Msg`s),
//! with the constants its requests use.

use crate::client::wire::{ActivationQuery, EmergencyRequest, KeyActivationRequest, SeatQuery};
use crate::console::screens::access::AccessCommand;
use crate::console::screens::activity::ActivityCommand;
use crate::console::screens::invoices::InvoicesCommand;
use crate::console::screens::webhooks::WebhooksCommand;
use crate::console::ui_state::UiState;
use crate::domain::ProductKey;
use crate::domain::offline::InstallationId;
use std::path::PathBuf;

/// What the runtime should do; results come back as `Msg`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    FetchActivations {
        request_id: u64,
        query: ActivationQuery,
    },
    FetchDetail {
        request_id: u64,
        number: i64,
    },
    FetchOrganizations,
    /// `GET /prices` for the «Цены» dialog (issue 17).
    FetchPrices,
    FetchMe,
    /// The Access screen's reads and revocations (`screens::access::run`).
    Access(AccessCommand),
    /// The Invoices screen's reads (`screens::invoices::run`; issue 17).
    Invoices(InvoicesCommand),
    /// The Activity screen's reads (`screens::activity::run`).
    Activity(ActivityCommand),
    /// The Webhooks screen's reads and writes (`screens::webhooks::run`; issue 17).
    Webhooks(WebhooksCommand),
    /// The Renewals screen's reads (`screens::renewals::run`).
    Renewals(crate::console::screens::renewals::RenewalsCommand),
    /// `:why SERIAL` → `Msg::WhyLoaded` (`ApiClient::why`).
    Why {
        serial: String,
    },
    /// `POST /organizations/{id}/accept-offer` → `Msg::OfferAccepted`.
    AcceptOffer {
        organization: i64,
    },
    /// `POST /precheck` → `Msg::Prechecked`.
    Precheck {
        organization: i64,
        serials: Vec<String>,
    },
    /// `POST /activations` → `Msg::ActivationsCreated`. The key is made once per
    /// confirmed set of serials and reused when the same set is confirmed again.
    CreateActivations {
        organization: i64,
        serials: Vec<String>,
        idempotency_key: String,
    },
    /// Ctrl+Z: the terminal is restored, the process stops (SIGTSTP), and after `fg`
    /// the screen is set up and drawn again.
    Suspend,
    /// `POST /activations/{number}/retry` → `Msg::Retried`.
    Retry {
        number: i64,
    },
    /// Fetches the license file and writes it to the downloads directory →
    /// `Msg::FileSaved`.
    SaveLicenseFile {
        number: i64,
    },
    /// Writes a file where the user said (`~` is the home directory; a bare name or a
    /// relative path goes to the downloads directory) → `Msg::FileSaved`.
    WriteFile {
        path: PathBuf,
        contents: String,
    },
    /// Writes a sample serial list to the downloads directory → `Msg::FileSaved`.
    WriteSampleFile {
        file_name: String,
        contents: String,
    },
    /// Tab in a typed path: the directory's entries → `Msg::PathCompleted`.
    CompletePath {
        typed: String,
    },
    /// Reads a .txt file (tokio::fs) → `Msg::SerialsImported`.
    ImportSerials {
        path: PathBuf,
    },
    /// `GET /seats` → `Msg::SeatsLoaded` (the list, and the free seats of a bulk bind).
    FetchSeats {
        request_id: u64,
        query: SeatQuery,
    },
    /// `GET /seats/summary` → `Msg::SeatSummaryLoaded`.
    FetchSeatSummary {
        organization: Option<i64>,
    },
    /// `GET /users` (bind suggestions) → `Msg::UsersLoaded`.
    FetchUsers {
        request_id: u64,
        organization: i64,
        q: String,
    },
    /// `POST /seats/{id}/bind` → `Msg::SeatBound`.
    BindSeat {
        seat: i64,
        email: String,
    },
    /// `POST /seats/{id}/unbind` → `Msg::SeatUnbound`.
    UnbindSeat {
        seat: i64,
    },
    /// `GET /license-info` → `Msg::LicenseInfoLoaded`.
    FetchLicenseInfo {
        request_id: u64,
        organization: i64,
    },
    /// `POST /emergency-license` → `Msg::EmergencyRequested`.
    RequestEmergency(EmergencyRequest),
    /// `POST /keys/activate` → `Msg::KeyActivated`.
    ActivateKey(KeyActivationRequest),
    /// Stamps the time, writes `ActivationRequest::to_text` to the downloads directory
    /// → `Msg::RequestWritten`.
    WriteActivationRequest {
        key: ProductKey,
        inn: String,
        kpp: String,
        installation: InstallationId,
    },
    /// Reads a text file (tokio::fs) → `Msg::TextFileRead`.
    ReadTextFile {
        path: PathBuf,
        purpose: ReadPurpose,
    },
    /// Writes text to the downloads directory → `Msg::FileSaved`.
    SaveText {
        file_name: String,
        contents: String,
    },
    /// `GET /signing-key` → `Msg::SigningKeyLoaded`.
    FetchSigningKey,
    /// `GET /audit?object=` → `Msg::AuditLoaded`.
    FetchAudit {
        request_id: u64,
        object: String,
        page: u32,
    },
    /// The mirror's pending and refused outbox items → `Msg::OutboxLoaded`.
    FetchOutbox,
    /// Drops a seen conflict from the outbox → `Msg::OutboxLoaded`.
    DismissOutbox(i64),
    /// Takes a queued item out of the outbox before it is sent → `Msg::OutboxCancelled`.
    CancelOutbox(i64),
    /// Wakes the background sync now (after its current run, if one is under way).
    SyncNow,
    /// Written to the terminal as OSC 52 (works over SSH); no answer.
    CopyToClipboard(String),
    /// Writes the state file (the columns chosen) → `Msg::UiStateSaved`.
    SaveUiState(UiState),
    // ---- many rows at once (issue 16 b; docs/DESIGN.md §5.4) ----
    /// Up to 100 numbers in one `POST /activations/retry` (one Idempotency-Key) →
    /// `Msg::BulkStep`.
    RetryMany {
        run: u64,
        numbers: Vec<i64>,
    },
    /// A marked done activation's license file into `folder` → `Msg::BulkStep`.
    SaveLicenseInto {
        run: u64,
        number: i64,
        folder: String,
    },
    /// Up to 100 marked seats in one `POST /seats/unbind` (one Idempotency-Key; with a
    /// mirror and no portal, each queued as its own unbind) → `Msg::BulkStep`.
    UnbindMarked {
        run: u64,
        seats: Vec<i64>,
    },
    /// Every row the list's filter matches, page by page → `Msg::MatchingCollected`.
    CollectMatching {
        request_id: u64,
        list: crate::console::screens::marks::MatchList,
    },
    /// `GET /activations/errors?since=` → `Msg::TriageLoaded`.
    FetchTriage {
        request_id: u64,
        since: String,
    },
    /// Every page of the view to CSV at `path` (`~` and relative paths as for saved
    /// files) → `Msg::ExportProgress`…, then `Msg::Exported`.
    Export {
        request_id: u64,
        list: Box<crate::console::screens::export::ExportList>,
        path: PathBuf,
    },
    /// Writes `[views.NAME]` into the config file at `path` → `Msg::ViewSaved`.
    SaveView {
        path: PathBuf,
        name: String,
        view: Box<crate::config_views::SavedView>,
    },
    /// Sends `Msg::Tick` after `POLL_INTERVAL_MS`. Only asked for while something
    /// shown is in progress, so an idle console has no timer at all.
    ScheduleTick,
    /// Sends `Msg::Clock(now)` after this many milliseconds: when the sync age on the
    /// status line («синхр. 12 с назад») will read differently (mirror mode only).
    ScheduleClock(u64),
    Quit,
}

/// How often an in-progress activation is re-read.
pub const POLL_INTERVAL_MS: u64 = 2000;

/// What a text file is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPurpose {
    /// `serial: …` / `hash: …` of a server installation.
    Installation,
    /// A signed activation response to import.
    Response,
    /// An activation request written earlier (the one the response answers).
    Request,
}

/// Audit entries per page in the history overlay.
pub const AUDIT_PER_PAGE: u32 = 50;
