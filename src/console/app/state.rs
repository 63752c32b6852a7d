//! `State`, everything the screen shows, with its bookkeeping (the viewport, request
//! ids, polling) and which screen is in front.

use super::{Cause, Clipboard, Clock, LogEntry, SyncView, bulk};
use crate::client::wire::{ActivationQuery, Me, Organization, Role};
use crate::console::data::DataError;
use crate::console::i18n;
use crate::console::keymap::Keymap;
use crate::console::screens::access::AccessScreen;
use crate::console::screens::activations::ActivationsScreen;
use crate::console::screens::activity::ActivityScreen;
use crate::console::screens::audit::AuditOverlay;
use crate::console::screens::capacity::CapacityScreen;
use crate::console::screens::column_chooser::ColumnChooser;
use crate::console::screens::detail::DetailScreen;
use crate::console::screens::dialog::Dialog;
use crate::console::screens::invoices::InvoicesScreen;
use crate::console::screens::keys::KeysScreen;
use crate::console::screens::new_activation::NewActivation;
use crate::console::screens::outbox::OutboxOverlay;
use crate::console::screens::palette::Palette;
use crate::console::screens::seats::SeatsScreen;
use crate::console::screens::webhooks::WebhooksScreen;
use crate::console::screens::{Ctx, Tab};
use crate::console::theme::Theme;
use crate::domain::{ActivationStatus, Lang, Serial};
use crate::mirror::OutboxItem;
use chrono::NaiveDate;
use std::sync::Arc;

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
    pub renewals: crate::console::screens::renewals::RenewalsScreen,
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
    pub(super) fn set_error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.log_message(&text, true);
        self.last_error = Some(text);
        self.notice = None;
        self.message_cause = None;
    }

    /// A notice for the status line and the message log.
    pub(super) fn set_notice(&mut self, text: impl Into<String>) {
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

    pub(super) fn role(&self) -> Option<Role> {
        self.me.as_ref().map(|m| m.role)
    }

    /// A row of the list is an activation still in progress.
    pub(super) fn list_in_progress(&self) -> bool {
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
    pub(super) fn note_result<T>(&mut self, result: &Result<T, DataError>) {
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
    pub(super) fn note_unreachable(&mut self) {
        self.connection = Connection::Offline;
        if let Some(sync) = self.sync.as_mut() {
            sync.online = Some(false);
        }
    }
}
