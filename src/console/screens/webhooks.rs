//! «Вебхуки» / "Webhooks" (issue 17): the endpoints the console's account may manage
//! (an admin's organizations'; every one for an operator) and, under them, the
//! selected endpoint's delivery log — status, attempts, the receiver's answer or the
//! error. `Enter` moves into the log, `Esc` back; `R` sends the selected delivery
//! again and `d` removes the endpoint, each after a confirmation that opens on Cancel;
//! `a` asks for a URL and registers it for every event, showing its secret once.
//!
//! The screen's network work is `WebhooksCommand`s, run by the runtime in a tokio
//! task through [`run`], and answered by `WebhooksMsg`s.

use super::dialog::{ConfirmDialog, Confirmed, Dialog, Notice, UrlPrompt};
use super::{Ctx, Reply, Tab, error_text};
use crate::client::webhooks::{
    CreatedWebhook, DeliveryStatus, NewWebhook, WebhookDelivery, WebhookEndpoint,
};
use crate::client::wire::{Page, Role};
use crate::console::app::{Command, Msg, RequestIds};
use crate::console::data::{DataError, DataSource};
use crate::console::i18n::{Tr, webhooks as tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, Up};
use crate::console::keymap::{Binding, bind};
use crate::domain::Lang;
use crate::domain::text::inert;
use crate::domain::webhook::{EMERGENCY_ANY, EVENT_TYPES};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhooksAction {
    Down,
    Up,
    Open,
    Redeliver,
    Add,
    Remove,
    Refresh,
    Palette,
    Help,
    Back,
    Quit,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<WebhooksAction>] = &[
    bind("webhooks.down", &[Char('j'), Down], WebhooksAction::Down, Tr::new("следующая строка", "next row"), None),
    bind("webhooks.up", &[Char('k'), Up], WebhooksAction::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind("webhooks.open", &[Enter], WebhooksAction::Open, Tr::new("к доставкам выбранного адреса", "into the endpoint's deliveries"), Some(Tr::new("доставки", "deliveries"))),
    bind("webhooks.retry", &[Char('R')], WebhooksAction::Redeliver, Tr::new("доставить выбранное событие снова (с подтверждением)", "deliver the selected event again (asks first)"), Some(Tr::new("снова", "again"))),
    bind("webhooks.add", &[Char('a')], WebhooksAction::Add, Tr::new("добавить адрес (все события)", "add an endpoint (every event)"), Some(Tr::new("добавить", "add"))),
    bind("webhooks.remove", &[Char('d')], WebhooksAction::Remove, Tr::new("удалить адрес (с подтверждением)", "remove the endpoint (asks first)"), Some(Tr::new("удалить", "remove"))),
    bind("webhooks.refresh", &[Char('r')], WebhooksAction::Refresh, Tr::new("обновить адреса и доставки", "refresh endpoints and deliveries"), Some(Tr::new("обновить", "refresh"))),
    bind("webhooks.palette", &[Char(':')], WebhooksAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("webhooks.help", &[Char('?')], WebhooksAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("webhooks.back", &[Esc], WebhooksAction::Back, Tr::new("назад: из доставок к адресам, от адресов к активациям", "back: from deliveries to endpoints, from endpoints to activations"), Some(Tr::new("назад", "back"))),
    bind("webhooks.quit", &[Char('q')], WebhooksAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

/// Deliveries shown per endpoint (the newest).
const LOG_SIZE: u32 = 50;

/// What the screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhooksCommand {
    /// `GET /webhooks` → `WebhooksMsg::Loaded`.
    Fetch { request_id: u64 },
    /// `GET /webhooks/{id}/deliveries` → `WebhooksMsg::Deliveries`.
    FetchDeliveries { request_id: u64, endpoint: i64 },
    /// `POST /webhooks` → `WebhooksMsg::Added`.
    Add {
        url: String,
        organization: Option<i64>,
    },
    /// `DELETE /webhooks/{id}` → `WebhooksMsg::Removed`.
    Remove { id: i64 },
    /// `POST /webhooks/{id}/deliveries/{delivery}/redeliver` → `WebhooksMsg::Redelivered`.
    Redeliver { endpoint: i64, delivery: i64 },
}

/// The answers.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhooksMsg {
    Loaded {
        request_id: u64,
        result: Result<Vec<WebhookEndpoint>, DataError>,
    },
    Deliveries {
        request_id: u64,
        endpoint: i64,
        result: Result<Page<WebhookDelivery>, DataError>,
    },
    Added(Result<CreatedWebhook, DataError>),
    Removed {
        id: i64,
        result: Result<WebhookEndpoint, DataError>,
    },
    Redelivered {
        delivery: i64,
        result: Result<WebhookDelivery, DataError>,
    },
}

/// Runs a command of the screen (in a tokio task of the runtime).
pub async fn run(command: WebhooksCommand, source: DataSource) -> Msg {
    let key = crate::client::new_idempotency_key;
    Msg::Webhooks(match command {
        WebhooksCommand::Fetch { request_id } => WebhooksMsg::Loaded {
            request_id,
            result: source.webhooks().await,
        },
        WebhooksCommand::FetchDeliveries {
            request_id,
            endpoint,
        } => WebhooksMsg::Deliveries {
            request_id,
            endpoint,
            result: source.webhook_deliveries(endpoint, LOG_SIZE).await,
        },
        WebhooksCommand::Add { url, organization } => {
            let mut events: Vec<String> = EVENT_TYPES
                .iter()
                .filter(|e| !e.starts_with("emergency_license."))
                .map(|e| e.to_string())
                .collect();
            events.push(EMERGENCY_ANY.to_string());
            let request = NewWebhook {
                url,
                events,
                organization,
            };
            WebhooksMsg::Added(source.add_webhook(&request, &key()).await)
        }
        WebhooksCommand::Remove { id } => WebhooksMsg::Removed {
            id,
            result: source.remove_webhook(id, &key()).await,
        },
        WebhooksCommand::Redeliver { endpoint, delivery } => WebhooksMsg::Redelivered {
            delivery,
            result: source.redeliver(endpoint, delivery, &key()).await,
        },
    })
}

/// Which list the cursor keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Endpoints,
    Deliveries,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhooksScreen {
    pub endpoints: Option<Vec<WebhookEndpoint>>,
    pub selected: usize,
    /// The selected endpoint's log (its id and the newest deliveries).
    pub deliveries: Option<(i64, Vec<WebhookDelivery>)>,
    pub selected_delivery: usize,
    pub focus: Focus,
    pub pending: Option<u64>,
    pub pending_deliveries: Option<u64>,
    /// Why the list could not be read (the portal's words).
    pub error: Option<String>,
}

/// Whether the role may use the screen (unknown yet: yes; the portal decides).
pub(super) fn allowed(role: Option<Role>) -> bool {
    matches!(role, None | Some(Role::Admin | Role::Operator))
}

impl WebhooksScreen {
    pub fn bindings(&self) -> &'static [Binding<WebhooksAction>] {
        BINDINGS
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some() || self.pending_deliveries.is_some()
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::Webhooks(WebhooksCommand::Fetch { request_id })
    }

    fn fetch_deliveries(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        let Some(endpoint) = self.selected_endpoint().map(|e| e.id) else {
            self.deliveries = None;
            return Vec::new();
        };
        let request_id = ids.next_id();
        self.pending_deliveries = Some(request_id);
        vec![Command::Webhooks(WebhooksCommand::FetchDeliveries {
            request_id,
            endpoint,
        })]
    }

    /// Coming to the screen: the endpoints, read again each time.
    pub fn enter(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Vec<Command> {
        if !allowed(ctx.role) {
            return Vec::new();
        }
        vec![self.fetch(ids)]
    }

    pub fn selected_endpoint(&self) -> Option<&WebhookEndpoint> {
        self.endpoints.as_ref()?.get(self.selected)
    }

    pub fn selected_delivery(&self) -> Option<&WebhookDelivery> {
        let (endpoint, log) = self.deliveries.as_ref()?;
        (Some(*endpoint) == self.selected_endpoint().map(|e| e.id))
            .then(|| log.get(self.selected_delivery))
            .flatten()
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

    fn move_by(&mut self, down: bool, ids: &mut RequestIds) -> Vec<Command> {
        let step = |at: usize, len: usize| {
            if down {
                (at + 1).min(len.saturating_sub(1))
            } else {
                at.saturating_sub(1)
            }
        };
        match self.focus {
            Focus::Endpoints => {
                let len = self.endpoints.as_ref().map_or(0, Vec::len);
                let before = self.selected;
                self.selected = step(self.selected, len);
                if self.selected == before {
                    return Vec::new();
                }
                self.selected_delivery = 0;
                self.fetch_deliveries(ids)
            }
            Focus::Deliveries => {
                let len = self.deliveries.as_ref().map_or(0, |(_, log)| log.len());
                self.selected_delivery = step(self.selected_delivery, len);
                Vec::new()
            }
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: WebhooksAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        match action {
            WebhooksAction::Down => return Reply::commands(self.move_by(true, ids)),
            WebhooksAction::Up => return Reply::commands(self.move_by(false, ids)),
            WebhooksAction::Open => {
                if self.selected_endpoint().is_some() {
                    self.focus = Focus::Deliveries;
                }
            }
            WebhooksAction::Refresh if allowed(ctx.role) => {
                let mut commands = vec![self.fetch(ids)];
                commands.extend(self.fetch_deliveries(ids));
                return Reply::commands(commands);
            }
            WebhooksAction::Refresh => {}
            WebhooksAction::Redeliver => return self.ask_redeliver(ctx),
            WebhooksAction::Remove => return self.ask_remove(ctx),
            WebhooksAction::Add => return self.ask_add(ctx),
            WebhooksAction::Help => {
                return Reply::help();
            }
            WebhooksAction::Palette => {
                return Reply::palette();
            }
            WebhooksAction::Back if self.focus == Focus::Deliveries => {
                self.focus = Focus::Endpoints;
            }
            WebhooksAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            WebhooksAction::Quit => {
                return Reply::quit();
            }
        }
        Reply::default()
    }

    fn denied(ctx: &Ctx) -> Option<Reply> {
        ctx.role.filter(|r| !allowed(Some(*r))).map(|role| {
            Reply::refused(
                ctx.lang,
                crate::console::i18n::role_denied(ctx.lang, role, tr::ACTION_MANAGE),
            )
        })
    }

    fn ask_add(&self, ctx: &Ctx) -> Reply {
        if let Some(refusal) = Self::denied(ctx) {
            return refusal;
        }
        let organization = match (ctx.role, ctx.organizations) {
            (Some(Role::Operator), _) => None,
            (_, [only]) => Some(only.id),
            _ => return Reply::refused(ctx.lang, tr::SEVERAL_ORGANIZATIONS.get(ctx.lang)),
        };
        Reply::open(Dialog::Url(UrlPrompt::new(
            tr::ADD_TITLE.get(ctx.lang),
            organization,
        )))
    }

    /// The URL prompt's Enter.
    pub fn add_confirmed(url: String, organization: Option<i64>) -> Vec<Command> {
        vec![Command::Webhooks(WebhooksCommand::Add {
            url,
            organization,
        })]
    }

    fn ask_remove(&self, ctx: &Ctx) -> Reply {
        if let Some(refusal) = Self::denied(ctx) {
            return refusal;
        }
        let Some(endpoint) = self.selected_endpoint() else {
            return Reply::default();
        };
        Reply::open(Dialog::Confirm(ConfirmDialog::new(
            tr::REMOVE_TITLE.get(ctx.lang),
            tr::remove_question(
                ctx.lang,
                endpoint.id,
                &inert(&endpoint.url),
                endpoint.pending,
            ),
            tr::REMOVE_BUTTON.get(ctx.lang),
            Confirmed::RemoveWebhook { id: endpoint.id },
        )))
    }

    fn ask_redeliver(&self, ctx: &Ctx) -> Reply {
        if let Some(refusal) = Self::denied(ctx) {
            return refusal;
        }
        if self.focus != Focus::Deliveries {
            return Reply::default();
        }
        let Some(delivery) = self.selected_delivery() else {
            return Reply::default();
        };
        if delivery.status == DeliveryStatus::Pending {
            return Reply::refused(ctx.lang, tr::STILL_PENDING.get(ctx.lang));
        }
        Reply::open(Dialog::Confirm(ConfirmDialog::new(
            tr::REDELIVER_TITLE.get(ctx.lang),
            tr::redeliver_question(
                ctx.lang,
                delivery.id,
                &delivery.event_type,
                &inert(&delivery.object),
            ),
            tr::REDELIVER_BUTTON.get(ctx.lang),
            Confirmed::Redeliver {
                endpoint: delivery.endpoint,
                delivery: delivery.id,
            },
        )))
    }

    /// The confirmations' buttons.
    pub fn remove_confirmed(id: i64) -> Vec<Command> {
        vec![Command::Webhooks(WebhooksCommand::Remove { id })]
    }

    pub fn redeliver_confirmed(endpoint: i64, delivery: i64) -> Vec<Command> {
        vec![Command::Webhooks(WebhooksCommand::Redeliver {
            endpoint,
            delivery,
        })]
    }

    pub fn on_msg(&mut self, msg: WebhooksMsg, lang: Lang, ids: &mut RequestIds) -> Reply {
        match msg {
            WebhooksMsg::Loaded { request_id, result } => {
                if self.pending != Some(request_id) {
                    return Reply::default();
                }
                self.pending = None;
                match result {
                    Ok(endpoints) => {
                        self.selected = self.selected.min(endpoints.len().saturating_sub(1));
                        self.endpoints = Some(endpoints);
                        self.error = None;
                        if self.focus == Focus::Deliveries && self.selected_endpoint().is_none() {
                            self.focus = Focus::Endpoints;
                        }
                        return Reply::commands(self.fetch_deliveries(ids));
                    }
                    Err(e) => self.error = Some(error_text(lang, &e)),
                }
                Reply::default()
            }
            WebhooksMsg::Deliveries {
                request_id,
                endpoint,
                result,
            } => {
                if self.pending_deliveries != Some(request_id) {
                    return Reply::default();
                }
                self.pending_deliveries = None;
                match result {
                    Ok(page) => {
                        self.selected_delivery = self
                            .selected_delivery
                            .min(page.items.len().saturating_sub(1));
                        self.deliveries = Some((endpoint, page.items));
                        Reply::default()
                    }
                    Err(e) => Reply::error(error_text(lang, &e)),
                }
            }
            WebhooksMsg::Added(result) => match result {
                Ok(created) => {
                    let text = tr::secret_text(lang, created.endpoint.id, created.secret.expose());
                    let mut reply = Reply::open(Dialog::Notice(Notice {
                        title: tr::SECRET_TITLE.get(lang).to_string(),
                        text,
                    }));
                    reply.commands.push(self.fetch(ids));
                    reply
                }
                Err(e) => Reply::error(error_text(lang, &e)),
            },
            WebhooksMsg::Removed { id, result } => match result {
                Ok(_) => {
                    if self.deliveries.as_ref().is_some_and(|(e, _)| *e == id) {
                        self.deliveries = None;
                    }
                    self.focus = Focus::Endpoints;
                    let mut reply = Reply::notice(tr::removed(lang, id));
                    reply.commands.push(self.fetch(ids));
                    reply
                }
                Err(e) => Reply::error(error_text(lang, &e)),
            },
            WebhooksMsg::Redelivered { delivery, result } => match result {
                Ok(queued) => {
                    let mut reply = Reply::notice(tr::redelivered(lang, delivery, queued.id));
                    reply.commands.extend(self.fetch_deliveries(ids));
                    reply
                }
                Err(e) => Reply::error(error_text(lang, &e)),
            },
        }
    }
}

pub use super::webhooks_view::{ViewContext, delivery_lines, endpoint_lines, view};
