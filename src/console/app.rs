//! The console's state machine: `State`, the `Msg`s that change it, the `Command`s it
//! asks the runtime to run, the pure `update`, and `view`, which only draws.

use super::data::DataError;
use super::i18n;
use super::keymap;
use super::screens::activations::{self, ActivationsScreen, ListAction};
use super::screens::detail::{self, DetailAction, DetailScreen};
use super::screens::new_activation::{self, NewActivation, Outcome};
use super::theme::Theme;
use super::widgets;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, Me, Organization,
    Page, PrecheckResponse, Role,
};
use crate::domain::{ActivationStatus, Lang};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::path::PathBuf;

/// Smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

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

    /// Something shown is still in progress: keep re-reading it.
    pub fn polling_wanted(&self) -> bool {
        let list = self
            .list
            .rows()
            .iter()
            .any(|a| a.status == ActivationStatus::InProgress);
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
        Msg::Key(event) => on_key(state, &event),
        Msg::Paste(text) if state.front() == Front::NewActivation => {
            if !state.help_open
                && let Some(flow) = state.new_activation.as_mut()
            {
                flow.paste(&text);
            }
            Vec::new()
        }
        Msg::Paste(text) => {
            // One line only: inputs are single-line, so line breaks become spaces.
            let text: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            match state.detail.as_mut() {
                Some(detail) if !state.help_open => detail.paste(&text),
                Some(_) => {}
                None if !state.help_open => state.list.paste(&text),
                None => {}
            }
            Vec::new()
        }
        Msg::MeLoaded(result) => {
            state.note_result(&result);
            if let Ok(me) = result {
                state.me = Some(me);
            }
            Vec::new()
        }
        Msg::OrganizationsLoaded(result) => {
            state.note_result(&result);
            if let Ok(organizations) = result {
                state.organizations = organizations;
                if let Some(flow) = state.new_activation.as_mut() {
                    flow.organizations_arrived(&state.organizations);
                }
            }
            Vec::new()
        }
        Msg::ActivationsLoaded { request_id, result } => {
            // A stale answer (the user has asked for something newer) changes nothing.
            if state.list.is_current(request_id) {
                state.note_result(&result);
                state.list.on_loaded(request_id, result.ok());
            } else if let Some((_, query)) = state
                .polling
                .list_request
                .take_if(|(id, _)| *id == request_id)
            {
                // A background poll: only applied when the user asked for nothing
                // else meanwhile; a failure is not worth a message (the next tick asks
                // again) beyond the connection state.
                match result {
                    Ok(page) if !state.list.loading() && state.list.applied == query => {
                        state.connection = Connection::Online;
                        state.list.on_polled(page);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if e.is_connection() {
                            state.connection = Connection::Offline;
                        }
                    }
                }
            }
            Vec::new()
        }
        Msg::DetailLoaded { request_id, result } => {
            if let Some(detail) = state
                .detail
                .as_mut()
                .filter(|d| d.pending == Some(request_id))
            {
                detail.on_loaded(request_id, result.as_ref().ok().cloned());
                state.note_result(&result);
            } else if state.polling.detail_request == Some(request_id) {
                state.polling.detail_request = None;
                if let (Some(detail), Ok(loaded)) = (state.detail.as_mut(), result)
                    && detail.pending.is_none()
                    && detail.number == loaded.summary.number
                {
                    detail.summary = loaded.summary.clone();
                    detail.detail = Some(loaded);
                    detail.selected = detail
                        .selected
                        .min(detail.visible_lines().len().saturating_sub(1));
                }
            }
            Vec::new()
        }
        Msg::Tick => on_tick(state),
        Msg::OfferAccepted(result) => {
            state.note_result(&result);
            if let Ok(org) = &result
                && let Some(known) = state.organizations.iter_mut().find(|o| o.id == org.id)
            {
                *known = org.clone();
            }
            if let Some(flow) = state.new_activation.as_mut() {
                flow.offer_accepted(result);
            }
            Vec::new()
        }
        Msg::Prechecked(result) => {
            state.note_result(&result);
            if let Some(flow) = state.new_activation.as_mut() {
                flow.prechecked(result.map(|r| r.rows));
            }
            Vec::new()
        }
        Msg::ActivationsCreated(result) => on_created(state, result),
        Msg::Retried { number, result } => {
            state.note_result(&result);
            if let Ok(summary) = result {
                state.set_notice(i18n::RETRY_SENT.get(state.lang));
                if let Some(detail) = state.detail.as_mut().filter(|d| d.number == number) {
                    detail.summary = summary.clone();
                    if let Some(loaded) = detail.detail.as_mut() {
                        loaded.summary = summary.clone();
                    }
                }
                state.list.replace_row(summary);
            }
            Vec::new()
        }
        Msg::FileSaved(result) => {
            match result {
                Ok(path) => state.set_notice(i18n::saved_to(state.lang, &path)),
                Err(SaveError::Request(error)) => {
                    let result: Result<(), _> = Err(error);
                    state.note_result(&result);
                }
                Err(SaveError::Write { path, error }) => {
                    state.set_error(i18n::save_failed(state.lang, &path, &error))
                }
            }
            Vec::new()
        }
        Msg::SerialsImported { path, result } => {
            let lang = state.lang;
            match result {
                Ok(text) => {
                    if let Some(flow) = state.new_activation.as_mut() {
                        flow.imported(&text);
                    }
                    state.set_notice(i18n::imported(lang, &path, text.lines().count()));
                }
                Err(error) => {
                    if let Some(flow) = state.new_activation.as_mut() {
                        flow.import_failed();
                    }
                    state.set_error(i18n::import_failed(lang, &path, &error));
                }
            }
            Vec::new()
        }
    }
}

/// The poll timer: re-read what is in progress (quietly, without a loading marker).
fn on_tick(state: &mut State) -> Vec<Command> {
    state.polling.tick_scheduled = false;
    let mut commands = Vec::new();
    let list_in_progress = state
        .list
        .rows()
        .iter()
        .any(|a| a.status == ActivationStatus::InProgress);
    if list_in_progress && !state.list.loading() && state.polling.list_request.is_none() {
        let request_id = state.request_ids.next_id();
        let query = state.list.applied.clone();
        state.polling.list_request = Some((request_id, query.clone()));
        commands.push(Command::FetchActivations { request_id, query });
    }
    if let Some(detail) = state.detail.as_ref()
        && detail.summary().status == ActivationStatus::InProgress
        && detail.pending.is_none()
        && state.polling.detail_request.is_none()
    {
        let request_id = state.request_ids.next_id();
        state.polling.detail_request = Some(request_id);
        commands.push(Command::FetchDetail {
            request_id,
            number: detail.number,
        });
    }
    commands
}

/// The activations were created: land on the list, newest first, with them marked.
/// A failure keeps the flow as it was (rows, selection, key).
fn on_created(state: &mut State, result: Result<CreatedActivations, DataError>) -> Vec<Command> {
    state.note_result(&result);
    match result {
        Ok(created) => {
            let numbers: Vec<i64> = created.activations.iter().map(|a| a.number).collect();
            state.new_activation = None;
            state.new_activation_open = false;
            state.detail = None;
            state.list.query = ActivationQuery {
                per_page: state.list.query.per_page,
                ..ActivationQuery::default()
            };
            state.list.highlighted = numbers.clone();
            state.set_notice(i18n::created(state.lang, &numbers));
            vec![state.list.fetch(&mut state.request_ids)]
        }
        Err(error) => {
            if let Some(flow) = state.new_activation.as_mut() {
                flow.create_failed(&error);
            }
            Vec::new()
        }
    }
}

/// Applies what the flow asked for.
fn apply_outcome(state: &mut State, outcome: Outcome) -> Vec<Command> {
    if let Some(error) = outcome.error {
        state.set_error(error);
    }
    if let Some(notice) = outcome.notice {
        state.set_notice(notice);
    }
    if outcome.help {
        state.help_open = true;
    }
    if outcome.close {
        state.new_activation_open = false;
    }
    if outcome.discard {
        state.new_activation = None;
        state.new_activation_open = false;
    }
    outcome.commands
}

/// `R`: only an errored activation, and not for the viewer role.
fn retry(state: &mut State, number: i64, status: ActivationStatus) -> Vec<Command> {
    if let Some(role) = state.role().filter(|r| *r == Role::Viewer) {
        state.set_error(i18n::role_denied(state.lang, role, i18n::ACTION_RETRY));
        return Vec::new();
    }
    if status != ActivationStatus::Error {
        state.set_error(i18n::RETRY_ONLY_ERROR.get(state.lang));
        return Vec::new();
    }
    vec![Command::Retry { number }]
}

/// `s` (detail) / `L` (list): only a done activation has a license file.
fn save_license(state: &mut State, number: i64, status: ActivationStatus) -> Vec<Command> {
    if status != ActivationStatus::Done {
        state.set_error(i18n::LICENSE_ONLY_DONE.get(state.lang));
        return Vec::new();
    }
    vec![Command::SaveLicenseFile { number }]
}

/// `a` on the list: open the flow (where it was left, if it was).
fn open_new_activation(state: &mut State) -> Vec<Command> {
    if let Some(role) = state.role().filter(|r| *r != Role::Admin) {
        let text = i18n::role_denied(state.lang, role, i18n::ACTION_CREATE);
        state.set_error(text);
        return Vec::new();
    }
    state.new_activation_open = true;
    if state.new_activation.is_none() {
        state.new_activation = Some(NewActivation::start(
            &state.organizations,
            &state.theme,
            state.lang,
        ));
        if state.organizations.is_empty() {
            return vec![Command::FetchOrganizations];
        }
    }
    Vec::new()
}

fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    if !keymap::is_press(event) {
        return Vec::new();
    }
    if keymap::is_interrupt(event) {
        return vec![Command::Quit];
    }
    if state.help_open {
        // Only closing keys; everything else is swallowed so the help is read in peace.
        if keymap::Key::Esc.matches(event)
            || keymap::Key::Char('?').matches(event)
            || keymap::Key::Char('q').matches(event)
        {
            state.help_open = false;
        }
        return Vec::new();
    }
    if state.front() == Front::NewActivation
        && let Some(flow) = state.new_activation.as_mut()
    {
        let outcome = flow.on_key(event, &state.organizations, state.lang);
        return apply_outcome(state, outcome);
    }
    if let Some(detail) = state.detail.as_mut() {
        if detail.editing() {
            detail.search_key(event);
            return Vec::new();
        }
        return match keymap::lookup(detail::BINDINGS, event) {
            Some(DetailAction::Help) => {
                state.help_open = true;
                Vec::new()
            }
            Some(DetailAction::Back) => {
                state.detail = None;
                Vec::new()
            }
            Some(DetailAction::Retry) => {
                let (number, status) = (detail.number, detail.summary().status);
                retry(state, number, status)
            }
            Some(DetailAction::SaveLicense) => {
                let (number, status) = (detail.number, detail.summary().status);
                save_license(state, number, status)
            }
            Some(action) => detail.apply(action, &mut state.request_ids),
            None => Vec::new(),
        };
    }
    if state.list.search_input.is_some() {
        return state.list.search_key(event, &mut state.request_ids);
    }
    match keymap::lookup(activations::BINDINGS, event) {
        Some(ListAction::Help) => {
            state.help_open = true;
            Vec::new()
        }
        Some(ListAction::Quit) => vec![Command::Quit],
        Some(ListAction::NewActivation) => open_new_activation(state),
        Some(ListAction::Retry) => match state.list.selected_row() {
            Some(row) => {
                let (number, status) = (row.number, row.status);
                retry(state, number, status)
            }
            None => Vec::new(),
        },
        Some(ListAction::SaveLicense) => match state.list.selected_row() {
            Some(row) => {
                let (number, status) = (row.number, row.status);
                save_license(state, number, status)
            }
            None => Vec::new(),
        },
        Some(ListAction::Open) => match state.list.selected_row().cloned() {
            Some(row) => {
                let (screen, command) = DetailScreen::open(row, &mut state.request_ids);
                state.detail = Some(screen);
                vec![command]
            }
            None => Vec::new(),
        },
        Some(action) => state
            .list
            .apply(action, &state.organizations, &mut state.request_ids),
        None => Vec::new(),
    }
}

/// Draws the state. Never mutates, never does I/O; safe at any terminal size.
pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let theme = &state.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = i18n::too_small(state.lang, MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
        widgets::too_small(frame, &message, theme.error);
        return;
    }
    let body = Rect::new(area.x, area.y, area.width, area.height - 2);
    let hints_area = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let status_area = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    let cursor = match (&state.new_activation, &state.detail) {
        (Some(flow), _) if state.front() == Front::NewActivation => {
            let ctx = new_activation::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
                organizations: &state.organizations,
            };
            new_activation::view(flow, &ctx, frame, body)
        }
        (_, Some(screen)) => {
            let ctx = detail::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
            };
            detail::view(screen, &ctx, frame, body)
        }
        _ => {
            let ctx = activations::ViewContext {
                lang: state.lang,
                theme,
                organizations: &state.organizations,
            };
            activations::view(&state.list, &ctx, frame, body)
        }
    };
    widgets::hints::render(&state.hint_entries(), theme, frame, hints_area);
    widgets::status_line::render(state, frame, status_area);

    if state.help_open {
        let screen = match state.front() {
            Front::NewActivation => i18n::SCREEN_NEW_ACTIVATION,
            Front::Detail => i18n::SCREEN_DETAIL,
            Front::List => i18n::SCREEN_ACTIVATIONS,
        };
        let title = i18n::help_title(state.lang, screen);
        widgets::help::render(
            &title,
            i18n::HELP_CLOSE.get(state.lang),
            &state.help_entries(),
            theme,
            frame,
        );
    } else if let Some(position) = cursor {
        // Screen readers follow the real cursor: it sits on the selection.
        frame.set_cursor_position(position);
    }
}
