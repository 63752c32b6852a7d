//! The console's state machine: `State`, the `Msg`s that change it, the `Command`s it
//! asks the runtime to run, the pure `update`, and `view`, which only draws.

use super::data::DataError;
use super::i18n;
use super::keymap;
use super::screens::activations::{self, ActivationsScreen, ListAction};
use super::screens::detail::{self, DetailAction, DetailScreen};
use super::theme::Theme;
use super::widgets;
use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, Me, Organization, Page,
};
use crate::domain::Lang;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

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
    Quit,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds(u64);

impl RequestIds {
    pub fn next_id(&mut self) -> u64 {
        self.0 += 1;
        self.0
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
    pub help_open: bool,
    pub last_error: Option<String>,
    pub request_ids: RequestIds,
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
            help_open: false,
            last_error: None,
            request_ids: RequestIds::default(),
        }
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
            }
        }
    }

    /// Help entries of the screen in front.
    pub fn help_entries(&self) -> Vec<(String, &'static str)> {
        match self.detail {
            Some(_) => keymap::help_entries(detail::BINDINGS, self.lang),
            None => keymap::help_entries(activations::BINDINGS, self.lang),
        }
    }

    fn hint_entries(&self) -> Vec<(String, &'static str)> {
        match self.detail {
            Some(_) => keymap::hint_entries(detail::BINDINGS, self.lang),
            None => keymap::hint_entries(activations::BINDINGS, self.lang),
        }
    }
}

/// All logic lives here: no I/O, no terminal.
pub fn update(state: &mut State, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Start => {
            let fetch = state.list.fetch(&mut state.request_ids);
            vec![Command::FetchMe, Command::FetchOrganizations, fetch]
        }
        Msg::Resize => Vec::new(),
        Msg::Key(event) => on_key(state, &event),
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
            }
            Vec::new()
        }
        Msg::ActivationsLoaded { request_id, result } => {
            // A stale answer (the user has asked for something newer) changes nothing.
            if state.list.is_current(request_id) {
                state.note_result(&result);
                state.list.on_loaded(request_id, result.ok());
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
            }
            Vec::new()
        }
    }
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

    let cursor = match &state.detail {
        Some(screen) => {
            let ctx = detail::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
            };
            detail::view(screen, &ctx, frame, body)
        }
        None => {
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
        let screen = if state.detail.is_some() {
            i18n::SCREEN_DETAIL
        } else {
            i18n::SCREEN_ACTIVATIONS
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
