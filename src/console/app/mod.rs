//! The console's state machine: `State`, the `Msg`s that change it, the `Command`s it
//! asks the runtime to run, the pure `update`, and `view`, which only draws.
//!
//! This module holds the types and `update`'s dispatch; keys and paste are handled in
//! `input`, the answers to commands in `results`, and drawing in `view`.

mod bindings;
mod bulk;
mod clipboard;
mod columns;
mod dialogs;
mod input;
mod messages;
mod mirror;
mod mouse;
mod palette;
mod pickers;
mod results;
mod tabbed;
mod view;
// Exports and saved views of every list (issue 16 b).
mod views;

pub use bulk::BulkState;
pub use clipboard::{Clipboard, ClipboardCaveat, row_text};
pub use messages::{Cause, Clock, LOG_LIMIT, LogEntry};
pub use mirror::{SyncFailure, SyncView};
pub use mouse::{MouseInput, MouseKind};
pub use results::SLOW_TERMINAL;
pub use view::{MIN_HEIGHT, MIN_WIDTH, view};

use super::data::DataError;
use super::i18n;
use super::keymap::Keymap;
use super::screens::access::{AccessCommand, AccessMsg, AccessScreen};
use super::screens::activations::ActivationsScreen;
use super::screens::activity::{ActivityCommand, ActivityMsg, ActivityScreen};
use super::screens::audit::AuditOverlay;
use super::screens::capacity::CapacityScreen;
use super::screens::column_chooser::ColumnChooser;
use super::screens::detail::DetailScreen;
use super::screens::dialog::Dialog;
use super::screens::invoices::{InvoicesCommand, InvoicesMsg, InvoicesScreen};
use super::screens::keys::KeysScreen;
use super::screens::new_activation::NewActivation;
use super::screens::outbox::OutboxOverlay;
use super::screens::palette::Palette;
use super::screens::seats::SeatsScreen;
use super::screens::webhooks::{WebhooksCommand, WebhooksMsg, WebhooksScreen};
use super::screens::{Ctx, Tab};
use super::theme::Theme;
use super::ui_state::UiState;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, AuditEntry, CreatedActivations,
    EmergencyRequest, KeyActivationRequest, LicenseInfo, Me, Organization, Page, PrecheckResponse,
    ProductCapacity, Role, Seat, SeatQuery, SeatSummary, ServerLicense, SigningKeyInfo, User,
};
use crate::domain::offline::InstallationId;
use crate::domain::{ActivationStatus, Lang, ProductKey, Serial};
use crate::mirror::OutboxItem;
use crate::mirror::sync::{SyncProgress, SyncReport};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use std::path::PathBuf;
use std::sync::Arc;

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
    Renewals(super::screens::renewals::RenewalsCommand),
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
    Renewals(super::screens::renewals::RenewalsMsg),
    /// A serial's story for the `:why` dialog showing `serial`.
    WhyLoaded {
        serial: String,
        result: Result<crate::client::serials::Why, DataError>,
    },
}

/// The terminal's size as last reported: what a page of rows is for PgUp/PgDn. The
/// view itself always reads the size from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub width: u16,
    pub height: u16,
}

impl Default for Viewport {
    fn default() -> Viewport {
        Viewport {
            width: 80,
            height: 24,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// No answer yet.
    Connecting,
    Online,
    /// The portal could not be reached.
    Offline,
}

/// Hands out increasing request ids, so a late answer can be recognised as stale.
/// Bookkeeping, not something shown: it compares equal so that a background poll
/// whose answer changes nothing does not redraw the screen.
#[derive(Debug, Clone, Default)]
pub struct RequestIds(u64);

impl PartialEq for RequestIds {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl RequestIds {
    pub fn next_id(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

/// Background re-reads of in-progress activations. Bookkeeping only (compares equal,
/// like `RequestIds`): a poll that brings nothing new does not redraw.
#[derive(Debug, Clone, Default)]
pub struct Polling {
    pub tick_scheduled: bool,
    /// A `ScheduleClock` is on its way.
    pub clock_scheduled: bool,
    pub list_request: Option<(u64, ActivationQuery)>,
    pub detail_request: Option<u64>,
}

impl PartialEq for Polling {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub lang: Lang,
    pub theme: Theme,
    /// Where the data comes from (`DataSource::label`).
    pub portal_label: String,
    /// For subscription urgency colors.
    pub today: NaiveDate,
    pub connection: Connection,
    pub me: Option<Me>,
    pub organizations: Vec<Organization>,
    pub list: ActivationsScreen,
    /// Open on top of the list; the list is left as it was.
    pub detail: Option<DetailScreen>,
    /// The new-activation flow; kept while the user looks elsewhere.
    pub new_activation: Option<NewActivation>,
    /// Whether the flow is in front.
    pub new_activation_open: bool,
    /// The screen chosen with the number keys; each keeps its state while away.
    pub tab: Tab,
    pub seats: SeatsScreen,
    pub capacity: CapacityScreen,
    pub keys: KeysScreen,
    pub access: AccessScreen,
    pub invoices: InvoicesScreen,
    pub activity: ActivityScreen,
    pub webhooks: WebhooksScreen,
    pub renewals: super::screens::renewals::RenewalsScreen,
    /// An object's history, on top of whatever is in front.
    pub audit: Option<AuditOverlay>,
    pub help_open: bool,
    /// The `:` command palette, on top of the screen it was opened on.
    pub palette: Option<Palette>,
    /// `:sn`: the list request that searches for the serial; when it finds exactly one
    /// activation, that one opens with its lines filtered to the serial.
    pub serial_jump: Option<(u64, Serial)>,
    /// Mirror mode only: sync state for the status line.
    pub sync: Option<SyncView>,
    /// Mirror mode: pending and refused writes (marked in the lists).
    pub outbox: Vec<OutboxItem>,
    pub outbox_overlay: Option<OutboxOverlay>,
    /// The column chooser over the Activations or Seats list.
    pub column_chooser: Option<ColumnChooser>,
    pub last_error: Option<String>,
    /// A non-error message for the status line («скопировано», a saved file's path).
    pub notice: Option<String>,
    /// Every message of the session, oldest first (the status line shows the newest).
    pub messages: Vec<LogEntry>,
    /// The message log, open over the screen.
    pub message_log: Option<crate::console::screens::messages::MessageLog>,
    /// Why the message on the status line is still true (and the message it is for);
    /// when the cause is gone, the message leaves the status line.
    pub message_cause: Option<(Cause, String)>,
    /// The help's scroll position (lines from the top).
    pub help_scroll: usize,
    /// The terminal's size (for paging).
    pub viewport: Viewport,
    /// Where the messages' time comes from.
    pub clock: Clock,
    pub request_ids: RequestIds,
    pub polling: Polling,
    /// The keys in force (defaults with the config file's overrides), built once at
    /// start. Shared, so cloning the state for change detection stays cheap.
    pub keymap: Arc<Keymap>,
    /// Copying: inside tmux or not, and the caveat the first copy mentions.
    pub clipboard: Clipboard,
    /// Confirmations, notices, pickers and prompts, the top one in front: it gets
    /// every key until it closes.
    pub dialogs: Vec<Dialog>,
    /// Many rows at once (issue 16 b): the run in front, the triage of errors, the
    /// export under way, and the saved views with the file they are saved in.
    pub bulk: bulk::BulkState,
}

/// Which screen is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    List,
    Detail,
    NewActivation,
    Seats,
    Capacity,
    Keys,
    Access,
    Activity,
    Invoices,
    Webhooks,
    Renewals,
}

impl State {
    pub fn new(lang: Lang, theme: Theme, portal_label: String, today: NaiveDate) -> State {
        let keys = KeysScreen::new(&theme, lang);
        State {
            lang,
            theme,
            portal_label,
            today,
            connection: Connection::Connecting,
            me: None,
            organizations: Vec::new(),
            list: ActivationsScreen::default(),
            detail: None,
            new_activation: None,
            new_activation_open: false,
            tab: Tab::Activations,
            seats: SeatsScreen::default(),
            capacity: CapacityScreen::default(),
            keys,
            access: AccessScreen::default(),
            invoices: InvoicesScreen::default(),
            activity: ActivityScreen::default(),
            webhooks: WebhooksScreen::default(),
            renewals: Default::default(),
            audit: None,
            help_open: false,
            palette: None,
            serial_jump: None,
            sync: None,
            outbox: Vec::new(),
            outbox_overlay: None,
            column_chooser: None,
            last_error: None,
            notice: None,
            messages: Vec::new(),
            message_log: None,
            message_cause: None,
            help_scroll: 0,
            viewport: Viewport::default(),
            clock: Clock::default(),
            request_ids: RequestIds::default(),
            polling: Polling::default(),
            keymap: Arc::new(Keymap::default()),
            clipboard: Clipboard::default(),
            dialogs: Vec::new(),
            bulk: bulk::BulkState::default(),
        }
    }

    pub fn front(&self) -> Front {
        if self.new_activation_open && self.new_activation.is_some() {
            Front::NewActivation
        } else if self.detail.is_some() {
            Front::Detail
        } else {
            match self.tab {
                Tab::Activations => Front::List,
                Tab::Seats => Front::Seats,
                Tab::Capacity => Front::Capacity,
                Tab::Keys => Front::Keys,
                Tab::Access => Front::Access,
                Tab::Activity => Front::Activity,
                Tab::Invoices => Front::Invoices,
                Tab::Webhooks => Front::Webhooks,
                Tab::Renewals => Front::Renewals,
            }
        }
    }

    /// What the tabbed screens need to know.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            lang: self.lang,
            role: self.role(),
            organizations: &self.organizations,
            today: self.today,
            theme: &self.theme,
            keymap: &self.keymap,
        }
    }

    /// An error for the status line and the message log.
    fn set_error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log_message(&text, true);
        self.last_error = Some(text);
        self.notice = None;
        self.message_cause = None;
    }

    /// A notice for the status line and the message log.
    fn set_notice(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log_message(&text, false);
        self.notice = Some(text);
        self.last_error = None;
        self.message_cause = None;
    }

    /// A request whose answer the screen waits for is out (a page, a detail, the
    /// seats, the license info, a history, the flow's step): the runtime holds the
    /// frame for a short grace so a quick answer is drawn once, with its data, never
    /// after a frame with a loading mark (issue 14, docs/DESIGN.md §5.5).
    pub fn awaiting_data(&self) -> bool {
        self.list.loading()
            || self.seats.loading()
            || self.seats.summary_pending
            || self.detail.as_ref().is_some_and(|d| d.pending.is_some())
            || self.capacity.pending.is_some()
            || self.access.loading()
            || self.invoices.loading()
            || self.activity.loading()
            || self.bulk.awaiting_data()
            || self.renewals.loading()
            || self.audit.as_ref().is_some_and(|a| a.pending.is_some())
            || self
                .new_activation
                .as_ref()
                .is_some_and(|f| f.pending.is_some())
    }

    fn role(&self) -> Option<Role> {
        self.me.as_ref().map(|m| m.role)
    }

    /// A row of the list is an activation still in progress.
    fn list_in_progress(&self) -> bool {
        self.list
            .rows()
            .iter()
            .any(|a| a.status == ActivationStatus::InProgress)
    }

    /// Something shown is still in progress: keep re-reading it.
    pub fn polling_wanted(&self) -> bool {
        let list = self.list_in_progress();
        let detail = self
            .detail
            .as_ref()
            .and_then(|d| d.summary())
            .is_some_and(|s| s.status == ActivationStatus::InProgress);
        list || detail
    }

    /// Records the outcome of any request for the status line.
    fn note_result<T>(&mut self, result: &Result<T, DataError>) {
        match result {
            Ok(_) => {
                self.connection = Connection::Online;
                self.last_error = None;
            }
            Err(error) => {
                self.connection = if error.is_connection() {
                    self.note_unreachable();
                    Connection::Offline
                } else {
                    Connection::Online
                };
                self.last_error = Some(i18n::request_error(self.lang, error));
                self.notice = None;
            }
        }
    }
}

impl State {
    /// A request did not reach the portal: the status line says so at once, in
    /// mirror mode too (there an answer may come from the mirror, so only a failure
    /// tells anything about the portal).
    fn note_unreachable(&mut self) {
        self.connection = Connection::Offline;
        if let Some(sync) = self.sync.as_mut() {
            sync.online = Some(false);
        }
    }
}

/// All logic lives here: no I/O, no terminal.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    // What the status line said before: a message set by any path reaches the log.
    // At start, the messages found before the loop (theme, keys) are new too.
    let before = match msg {
        Msg::Start => (None, None),
        _ => (state.last_error.clone(), state.notice.clone()),
    };
    let mut commands = update_inner(state, msg);
    messages::after_update(state, before);
    clipboard::note_first_copy(state, &commands);
    // Polling: one timer at a time, and none at all when nothing is in progress.
    if state.polling_wanted() && !state.polling.tick_scheduled {
        state.polling.tick_scheduled = true;
        commands.push(Command::ScheduleTick);
    }
    // The sync age keeps counting while it is shown: the next tick comes when its text
    // changes (every second under a minute, every minute under an hour, …).
    if !state.polling.clock_scheduled
        && let Some(delay) = state.sync.as_ref().and_then(SyncView::next_change_ms)
    {
        state.polling.clock_scheduled = true;
        commands.push(Command::ScheduleClock(delay));
    }
    commands
}
fn update_inner(state: &mut State, msg: Msg) -> Vec<Command> {
    dialogs::settle(state, &msg);
    match msg {
        Msg::Start => {
            let fetch = state.list.fetch(&mut state.request_ids);
            let mut commands = vec![Command::FetchMe, Command::FetchOrganizations, fetch];
            if state.sync.is_some() {
                commands.push(Command::FetchOutbox);
            }
            commands
        }
        Msg::WriteQueued(item) => mirror::on_write_queued(state, item),
        Msg::OutboxLoaded(result) => mirror::on_outbox_loaded(state, result),
        Msg::OutboxCancelled(result) => mirror::on_outbox_cancelled(state, result),
        Msg::SyncProgress(progress) => mirror::on_sync_progress(state, progress),
        Msg::Synced(result) => mirror::on_synced(state, result),
        Msg::PortalReachable(reachable) => mirror::on_reachable(state, reachable),
        Msg::UiStateSaved(result) => columns::on_saved(state, result),
        Msg::Resize { width, height } => {
            state.viewport = Viewport { width, height };
            Vec::new()
        }
        Msg::Mouse(input) => mouse::on_mouse(state, input),
        Msg::Key(event) => input::on_key(state, &event),
        Msg::Paste(text) => input::on_paste(state, text),
        Msg::MeLoaded(result) => results::on_me_loaded(state, result),
        Msg::OrganizationsLoaded(result) => results::on_organizations_loaded(state, result),
        Msg::ActivationsLoaded { request_id, result } => {
            results::on_activations_loaded(state, request_id, result)
        }
        Msg::DetailLoaded { request_id, result } => {
            results::on_detail_loaded(state, request_id, result)
        }
        Msg::Tick => results::on_tick(state),
        Msg::Clock(now) => mirror::on_clock(state, now),
        Msg::TerminalRoundTrip(took) => results::on_terminal_round_trip(state, took),
        Msg::OfferAccepted(result) => results::on_offer_accepted(state, result),
        Msg::Prechecked(result) => results::on_prechecked(state, result),
        Msg::ActivationsCreated(result) => results::on_created(state, result),
        Msg::Retried { number, result } => results::on_retried(state, number, result),
        Msg::FileSaved(result) => results::on_file_saved(state, result),
        Msg::BulkStep { .. }
        | Msg::MatchingCollected { .. }
        | Msg::TriageLoaded { .. }
        | Msg::ExportProgress { .. }
        | Msg::Exported { .. }
        | Msg::ViewSaved { .. } => bulk::on_result(state, msg),
        Msg::SerialsImported { path, result } => results::on_serials_imported(state, path, result),
        Msg::PathCompleted { typed, completed } => {
            // Whichever path field asked (the one still holding `typed`) takes it.
            let completed = completed.as_deref();
            let taken = state
                .new_activation
                .as_mut()
                .is_some_and(|flow| flow.path_completed(&typed, completed));
            if !taken {
                state.keys.path_completed(&typed, completed);
            }
            Vec::new()
        }
        other => tabbed::on_result(state, other),
    }
}
