//! «Журнал» / "Activity" (issue 16): every change the console's token may see, newest
//! first, from `GET /events` — filtered by organization, action, object kind, period
//! and who (the app's pickers), paged by cursor (→ older, ← back), with a detail pane
//! showing the selected change's fields before → after and the request that made it.
//! `h` opens the object's whole history; `y` copies the request id for a ticket.
//!
//! Network work is one command (`ActivityCommand::Fetch`) run by the runtime in a tokio
//! task through [`run`], answered by `ActivityMsg::Loaded`. The view is
//! `activity_view.rs`.

use super::dialog::PickTarget;
use super::{Ctx, Reply, Tab, error_text};
use crate::client::events::{Event, EventPage, EventQuery};
use crate::console::app::{Command, Msg, RequestIds};
use crate::console::data::{DataError, DataSource};
use crate::console::i18n::{Tr, activity as tr};
use crate::console::keymap::Key::{Char, Down, Esc, Home, Left, PageDown, PageUp, Right, Up};
use crate::console::keymap::{Binding, bind};
use crate::domain::Lang;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityAction {
    Down,
    Up,
    LastRow,
    NextPage,
    PrevPage,
    FirstPage,
    FilterOrganization,
    FilterAction,
    FilterKind,
    FilterPeriod,
    FilterActor,
    ClearFilters,
    Refresh,
    History,
    CopyRequest,
    Palette,
    Help,
    Back,
    Quit,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<ActivityAction>] = &[
    bind("activity.down", &[Char('j'), Down], ActivityAction::Down, Tr::new("следующее изменение", "next change"), None),
    bind("activity.up", &[Char('k'), Up], ActivityAction::Up, Tr::new("предыдущее изменение", "previous change"), None),
    bind("activity.last_row", &[Char('G')], ActivityAction::LastRow, Tr::new("последняя строка страницы", "last row of the page"), None),
    bind("activity.next_page", &[Right, PageDown, Char(']')], ActivityAction::NextPage, Tr::new("страница старше", "older page"), None),
    bind("activity.prev_page", &[Left, PageUp, Char('[')], ActivityAction::PrevPage, Tr::new("страница новее", "newer page"), None),
    bind("activity.first_page", &[Home, Char('<')], ActivityAction::FirstPage, Tr::new("самые новые", "the newest"), None),
    bind("activity.filter_organization", &[Char('o')], ActivityAction::FilterOrganization, Tr::new("фильтр: организация (выбор из списка)", "filter: organization (pick from a list)"), Some(Tr::new("орг.", "org"))),
    bind("activity.filter_action", &[Char('a')], ActivityAction::FilterAction, Tr::new("фильтр: действие", "filter: action"), Some(Tr::new("действие", "action"))),
    bind("activity.filter_kind", &[Char('w')], ActivityAction::FilterKind, Tr::new("фильтр: вид объекта (активация, место, …)", "filter: object kind (activation, seat, …)"), None),
    bind("activity.filter_period", &[Char('d')], ActivityAction::FilterPeriod, Tr::new("фильтр: период (сегодня, 7 или 30 дней)", "filter: period (today, 7 or 30 days)"), Some(Tr::new("период", "period"))),
    bind("activity.filter_actor", &[Char('p')], ActivityAction::FilterActor, Tr::new("фильтр: кто (из тех, кто на странице)", "filter: who (among those on the page)"), None),
    bind("activity.clear_filters", &[Char('x')], ActivityAction::ClearFilters, Tr::new("сбросить фильтры", "clear filters"), None),
    bind("activity.refresh", &[Char('r')], ActivityAction::Refresh, Tr::new("обновить (с самых новых)", "refresh (from the newest)"), None),
    bind("activity.history", &[Char('h')], ActivityAction::History, Tr::new("вся история объекта", "the object's whole history"), None),
    bind("activity.copy_request", &[Char('y')], ActivityAction::CopyRequest, Tr::new("скопировать номер запроса (для обращения в поддержку)", "copy the request id (for a support ticket)"), Some(Tr::new("копир. запрос", "copy request"))),
    bind("activity.palette", &[Char(':')], ActivityAction::Palette, Tr::new("команды: поиск действия, act №, why СН, 1–9, q", "commands: find an action, act N, why SERIAL, 1–9, q"), None),
    bind("activity.help", &[Char('?')], ActivityAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("activity.back", &[Esc], ActivityAction::Back, Tr::new("назад к активациям", "back to the activations"), None),
    bind("activity.quit", &[Char('q')], ActivityAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

/// The periods the `d` picker offers, in days back from today (1: today).
pub const PERIODS: [u32; 3] = [1, 7, 30];

/// What the screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityCommand {
    /// `GET /events` → `ActivityMsg::Loaded`.
    Fetch { request_id: u64, query: EventQuery },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActivityMsg {
    Loaded {
        request_id: u64,
        result: Result<EventPage, DataError>,
    },
}

/// Runs a command of the screen (in a tokio task of the runtime).
pub async fn run(command: ActivityCommand, source: DataSource) -> Msg {
    match command {
        ActivityCommand::Fetch { request_id, query } => Msg::Activity(ActivityMsg::Loaded {
            request_id,
            result: source.events(&query).await,
        }),
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivityScreen {
    /// The filters and the cursor of the page asked for (or on screen).
    pub query: EventQuery,
    /// The period filter in days (1: today), kept so `from` follows the date.
    pub period: Option<u32>,
    pub page: Option<EventPage>,
    pub pending: Option<u64>,
    pub selected: usize,
    /// Why the log could not be read (the portal's words and the request id).
    pub error: Option<String>,
    /// The cursors of the newer pages, for ← (None: the first page).
    pub newer: Vec<Option<String>>,
}

impl ActivityScreen {
    pub fn bindings(&self) -> &'static [Binding<ActivityAction>] {
        BINDINGS
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    pub fn selected_event(&self) -> Option<&Event> {
        self.page.as_ref()?.items.get(self.selected)
    }

    /// Page number on screen, counted from the newest (1).
    pub fn page_number(&self) -> usize {
        self.newer.len() + 1
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::Activity(ActivityCommand::Fetch {
            request_id,
            query: self.query.clone(),
        })
    }

    /// The newest page of the filters in force.
    fn first_page(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.query.cursor = None;
        self.newer.clear();
        self.selected = 0;
        vec![self.fetch(ids)]
    }

    /// Coming to the screen: the newest changes, read again each time.
    pub fn enter(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Vec<Command> {
        self.apply_period(ctx.today);
        self.first_page(ids)
    }

    fn apply_period(&mut self, today: NaiveDate) {
        self.query.from = self.period.and_then(|days| {
            today
                .checked_sub_days(chrono::Days::new(u64::from(days.saturating_sub(1))))
                .map(|day| day.to_string())
        });
    }

    /// A picker's choice for one of the screen's filters; the newest page of it.
    pub fn set_filter(
        &mut self,
        target: PickTarget,
        value: super::dialog::PickValue,
        today: NaiveDate,
        ids: &mut RequestIds,
    ) -> Vec<Command> {
        use super::dialog::PickValue;
        let text = |value: PickValue| match value {
            PickValue::Text(text) => Some(text),
            _ => None,
        };
        match target {
            PickTarget::ActivityOrganization => {
                self.query.organization = match value {
                    PickValue::Organization(id) => Some(id),
                    _ => None,
                }
            }
            PickTarget::ActivityAction => self.query.action = text(value),
            PickTarget::ActivityKind => self.query.object_kind = text(value),
            PickTarget::ActivityActor => self.query.actor = text(value),
            PickTarget::ActivityPeriod => {
                self.period = match value {
                    PickValue::Days(days) => Some(days),
                    _ => None,
                };
                self.apply_period(today);
            }
            _ => return Vec::new(),
        }
        self.first_page(ids)
    }

    /// Who acted on the page on screen, for the `p` picker (the log has no list of
    /// actors; the page is what the user is looking at).
    pub fn actors(&self) -> Vec<String> {
        let mut actors: Vec<String> = self
            .page
            .iter()
            .flat_map(|p| p.items.iter().map(|e| e.actor.clone()))
            .chain(self.query.actor.clone())
            .collect();
        actors.sort();
        actors.dedup();
        actors
    }

    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        if let Some(shared) = Reply::shared_key(ctx.keymap, event) {
            return shared;
        }
        match ctx.keymap.lookup(BINDINGS, event) {
            Some(action) => self.apply(action, ctx, ids),
            None => Reply::default(),
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: ActivityAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let rows = self.page.as_ref().map_or(0, |p| p.items.len());
        let last = rows.saturating_sub(1);
        match action {
            ActivityAction::Down => self.selected = (self.selected + 1).min(last),
            ActivityAction::Up => self.selected = self.selected.saturating_sub(1),
            ActivityAction::LastRow => self.selected = last,
            ActivityAction::NextPage => {
                // Only from a page on screen (a press while one loads waits for it).
                let next = self.page.as_ref().and_then(|p| p.next.clone());
                if let (Some(next), None) = (next, self.pending) {
                    self.newer.push(self.query.cursor.take());
                    self.query.cursor = Some(next);
                    self.selected = 0;
                    return Reply::command(self.fetch(ids));
                }
            }
            ActivityAction::PrevPage => {
                if self.pending.is_none()
                    && let Some(cursor) = self.newer.pop()
                {
                    self.query.cursor = cursor;
                    self.selected = 0;
                    return Reply::command(self.fetch(ids));
                }
            }
            ActivityAction::FirstPage | ActivityAction::Refresh => {
                self.apply_period(ctx.today);
                return Reply::commands(self.first_page(ids));
            }
            ActivityAction::ClearFilters => {
                self.query = EventQuery {
                    per_page: self.query.per_page,
                    ..EventQuery::default()
                };
                self.period = None;
                return Reply::commands(self.first_page(ids));
            }
            ActivityAction::FilterOrganization => {
                return Reply::pick(PickTarget::ActivityOrganization);
            }
            ActivityAction::FilterAction => return Reply::pick(PickTarget::ActivityAction),
            ActivityAction::FilterKind => return Reply::pick(PickTarget::ActivityKind),
            ActivityAction::FilterPeriod => return Reply::pick(PickTarget::ActivityPeriod),
            ActivityAction::FilterActor => return Reply::pick(PickTarget::ActivityActor),
            ActivityAction::History => {
                if let Some(event) = self.selected_event() {
                    return Reply {
                        history: Some(event.object.clone()),
                        ..Reply::default()
                    };
                }
            }
            ActivityAction::CopyRequest => {
                return match self.selected_event().map(|e| e.request_id.clone()) {
                    Some(Some(id)) => Reply {
                        notice: Some(tr::copied(ctx.lang, &id)),
                        ..Reply::command(Command::CopyToClipboard(id))
                    },
                    Some(None) => Reply::notice(tr::NO_REQUEST_TO_COPY.get(ctx.lang)),
                    None => Reply::default(),
                };
            }
            ActivityAction::Help => {
                return Reply::help();
            }
            ActivityAction::Palette => {
                return Reply::palette();
            }
            ActivityAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            ActivityAction::Quit => {
                return Reply::quit();
            }
        }
        Reply::default()
    }

    pub fn on_msg(&mut self, msg: ActivityMsg, lang: Lang) -> Reply {
        match msg {
            ActivityMsg::Loaded { request_id, result } => {
                if self.pending != Some(request_id) {
                    return Reply::default();
                }
                self.pending = None;
                match result {
                    Ok(page) => {
                        self.selected = self.selected.min(page.items.len().saturating_sub(1));
                        self.page = Some(page);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(error_text(lang, &e)),
                }
                Reply::default()
            }
        }
    }
}
