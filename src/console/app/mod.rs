//! The console's state machine: `State`, the `Msg`s that change it, the `Command`s it
//! asks the runtime to run, the pure `update`, and `view`, which only draws.
//!
//! This module holds the types and `update`'s dispatch; keys and paste are handled in
//! `input`, the answers to commands in `results`, and drawing in `view`.

mod input;
mod results;
mod view;

pub use view::{MIN_HEIGHT, MIN_WIDTH, view};

use super::data::DataError;
use super::i18n;
use super::keymap;
use super::screens::activations::{self, ActivationsScreen};
use super::screens::detail::{self, DetailScreen};
use super::screens::new_activation::NewActivation;
use super::theme::Theme;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, Me, Organization,
    Page, PrecheckResponse, Role,
};
use crate::domain::{ActivationStatus, Lang};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
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
    FetchMe,
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
    /// `POST /activations/{number}/retry` → `Msg::Retried`.
    Retry {
        number: i64,
    },
    /// Fetches the license file and writes it to the downloads directory →
    /// `Msg::FileSaved`.
    SaveLicenseFile {
        number: i64,
    },
    /// Writes a sample serial list to the downloads directory → `Msg::FileSaved`.
    WriteSampleFile {
        file_name: String,
        contents: String,
    },
    /// Reads a .txt file (tokio::fs) → `Msg::SerialsImported`.
    ImportSerials {
        path: PathBuf,
    },
    /// Written to the terminal as OSC 52 (works over SSH); no answer.
    CopyToClipboard(String),
    /// Sends `Msg::Tick` after `POLL_INTERVAL_MS`. Only asked for while something
    /// shown is in progress, so an idle console has no timer at all.
    ScheduleTick,
    Quit,
}

/// How often an in-progress activation is re-read.
pub const POLL_INTERVAL_MS: u64 = 2000;

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
    /// The terminal changed size (the view reads the size from the frame).
    Resize,
    MeLoaded(Result<Me, DataError>),
    OrganizationsLoaded(Result<Vec<Organization>, DataError>),
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
    /// The poll timer fired (see `Command::ScheduleTick`).
    Tick,
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
    pub help_open: bool,
    pub last_error: Option<String>,
    /// A non-error message for the status line («скопировано», a saved file's path).
    pub notice: Option<String>,
    pub request_ids: RequestIds,
    pub polling: Polling,
}

/// Which screen is in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Front {
    List,
    Detail,
    NewActivation,
}

impl State {
    pub fn new(lang: Lang, theme: Theme, portal_label: String, today: NaiveDate) -> State {
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
            help_open: false,
            last_error: None,
            notice: None,
            request_ids: RequestIds::default(),
            polling: Polling::default(),
        }
    }

    pub fn front(&self) -> Front {
        if self.new_activation_open && self.new_activation.is_some() {
            Front::NewActivation
        } else if self.detail.is_some() {
            Front::Detail
        } else {
            Front::List
        }
    }

    fn set_error(&mut self, text: impl Into<String>) {
        self.last_error = Some(text.into());
        self.notice = None;
    }

    fn set_notice(&mut self, text: impl Into<String>) {
        self.notice = Some(text.into());
        self.last_error = None;
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
            .is_some_and(|d| d.summary().status == ActivationStatus::InProgress);
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
                    Connection::Offline
                } else {
                    Connection::Online
                };
                self.last_error = Some(i18n::request_error(self.lang, error));
                self.notice = None;
            }
        }
    }

    /// Help entries of the screen in front.
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        match (self.front(), &self.new_activation) {
            (Front::NewActivation, Some(flow)) => keymap::help_entries(flow.bindings(), self.lang),
            (Front::Detail, _) => keymap::help_entries(detail::BINDINGS, self.lang),
            _ => keymap::help_entries(activations::BINDINGS, self.lang),
        }
    }

    pub fn hint_entries(&self) -> Vec<(String, &'static str)> {
        match (self.front(), &self.new_activation) {
            (Front::NewActivation, Some(flow)) => keymap::hint_entries(flow.bindings(), self.lang),
            (Front::Detail, _) => keymap::hint_entries(detail::BINDINGS, self.lang),
            _ => keymap::hint_entries(activations::BINDINGS, self.lang),
        }
    }
}

/// All logic lives here: no I/O, no terminal.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    let mut commands = update_inner(state, msg);
    // Polling: one timer at a time, and none at all when nothing is in progress.
    if state.polling_wanted() && !state.polling.tick_scheduled {
        state.polling.tick_scheduled = true;
        commands.push(Command::ScheduleTick);
    }
    commands
}
fn update_inner(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Start => {
            let fetch = state.list.fetch(&mut state.request_ids);
            vec![Command::FetchMe, Command::FetchOrganizations, fetch]
        }
        Msg::Resize => Vec::new(),
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
        Msg::OfferAccepted(result) => results::on_offer_accepted(state, result),
        Msg::Prechecked(result) => results::on_prechecked(state, result),
        Msg::ActivationsCreated(result) => results::on_created(state, result),
        Msg::Retried { number, result } => results::on_retried(state, number, result),
        Msg::FileSaved(result) => results::on_file_saved(state, result),
        Msg::SerialsImported { path, result } => results::on_serials_imported(state, path, result),
    }
}
