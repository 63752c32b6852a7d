//! «Продления» / "Renewals" (issue 16): the devices the token's organizations
//! activated, least time left first (`GET /devices`, from the mirror when there is
//! one), coloured as the precheck colours a subscription's end, with what renewing the
//! filter's devices costs today per organization and vendor («Ваша цена»). Space marks
//! a device, `*` every matching one (all pages), `a` sends the marked ones straight
//! into the new-activation flow — precheck, then the confirmation — whose order
//! carries a key derived from the organization, the serials and the ends they renew
//! (`client::devices::renewal_key`), so two consoles cannot pay twice.
//!
//! Network work is a `RenewalsCommand` run by the runtime in a tokio task through
//! [`run`], answered by a `RenewalsMsg`. The view is `renewals_view.rs`.

use super::dialog::{PickTarget, PickValue};
use super::{Ctx, Reply, Tab, error_text};
use crate::client::devices::{
    DEVICES_PAGE_DEPTH, DeviceItem, DevicePage, DeviceQuery, DeviceTotals,
};
use crate::console::app::{Command, Msg, RequestIds};
use crate::console::data::{DataError, DataSource};
use crate::console::i18n::{Tr, renewals as tr};
use crate::console::keymap::Key::{Char, Down, End, Esc, Home, Left, PageDown, PageUp, Right, Up};
use crate::console::keymap::{Binding, bind};
use crate::domain::{Kopecks, Lang, MAX_SERIALS, Vendor};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalsAction {
    Down,
    Up,
    LastRow,
    NextPage,
    PrevPage,
    FirstPage,
    LastPage,
    Mark,
    MarkAll,
    ClearMarks,
    Renew,
    FilterOrganization,
    FilterVendor,
    FilterWindow,
    Refresh,
    Palette,
    Help,
    Back,
    Quit,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<RenewalsAction>] = &[
    bind("renewals.down", &[Char('j'), Down], RenewalsAction::Down, Tr::new("следующее устройство", "next device"), None),
    bind("renewals.up", &[Char('k'), Up], RenewalsAction::Up, Tr::new("предыдущее устройство", "previous device"), None),
    bind("renewals.last_row", &[Char('G')], RenewalsAction::LastRow, Tr::new("последняя строка страницы", "last row of the page"), None),
    bind("renewals.next_page", &[Right, PageDown, Char(']')], RenewalsAction::NextPage, Tr::new("следующая страница", "next page"), None),
    bind("renewals.prev_page", &[Left, PageUp, Char('[')], RenewalsAction::PrevPage, Tr::new("предыдущая страница", "previous page"), None),
    bind("renewals.first_page", &[Home, Char('<')], RenewalsAction::FirstPage, Tr::new("первая страница", "first page"), None),
    bind("renewals.last_page", &[End, Char('>')], RenewalsAction::LastPage, Tr::new("последняя страница", "last page"), None),
    bind("renewals.mark", &[Char(' ')], RenewalsAction::Mark, Tr::new("отметить устройство (или снять отметку)", "mark the device (or unmark it)"), Some(Tr::new("отметить", "mark"))),
    bind("renewals.mark_all", &[Char('*')], RenewalsAction::MarkAll, Tr::new("отметить все подходящие под фильтр (все страницы)", "mark every device matching the filters (all pages)"), Some(Tr::new("все", "all"))),
    bind("renewals.clear_marks", &[Char('c')], RenewalsAction::ClearMarks, Tr::new("снять все отметки", "clear the marks"), None),
    bind("renewals.renew", &[Char('a')], RenewalsAction::Renew, Tr::new("продлить отмеченные: новая активация (проверка → подтверждение)", "renew the marked: a new activation (precheck → confirmation)"), Some(Tr::new("продлить", "renew"))),
    bind("renewals.filter_organization", &[Char('o')], RenewalsAction::FilterOrganization, Tr::new("фильтр: организация (выбор из списка)", "filter: organization (pick from a list)"), Some(Tr::new("орг.", "org"))),
    bind("renewals.filter_vendor", &[Char('v')], RenewalsAction::FilterVendor, Tr::new("фильтр: вендор", "filter: vendor"), None),
    bind("renewals.filter_window", &[Char('d')], RenewalsAction::FilterWindow, Tr::new("срок: подписка кончается в ближайшие 30, 60, 90, 365 дней или все", "window: subscription ends within 30, 60, 90, 365 days, or all"), Some(Tr::new("срок", "window"))),
    bind("renewals.refresh", &[Char('r')], RenewalsAction::Refresh, Tr::new("обновить", "refresh"), None),
    bind("renewals.palette", &[Char(':')], RenewalsAction::Palette, Tr::new("команды: поиск действия, act №, why СН, 1–9, q", "commands: find an action, act N, why SERIAL, 1–9, q"), None),
    bind("renewals.help", &[Char('?')], RenewalsAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("renewals.back", &[Esc], RenewalsAction::Back, Tr::new("назад к активациям", "back to the activations"), None),
    bind("renewals.quit", &[Char('q')], RenewalsAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

/// The windows the `d` picker offers, in days from today (0: every device).
pub const WINDOWS: [u32; 5] = [30, 60, 90, 365, 0];
/// The window the screen opens with.
pub const DEFAULT_WINDOW: u32 = 30;

/// What the screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalsCommand {
    /// A page → `RenewalsMsg::Loaded`.
    Fetch { request_id: u64, query: DeviceQuery },
    /// The totals of the filters → `RenewalsMsg::Totals`.
    Totals { request_id: u64, query: DeviceQuery },
    /// Every matching device (for `*`) → `RenewalsMsg::All`.
    FetchAll { request_id: u64, query: DeviceQuery },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RenewalsMsg {
    Loaded {
        request_id: u64,
        result: Result<DevicePage, DataError>,
    },
    Totals {
        request_id: u64,
        result: Result<DeviceTotals, DataError>,
    },
    All {
        request_id: u64,
        result: Result<Vec<DeviceItem>, DataError>,
    },
}

/// Runs a command of the screen (in a tokio task of the runtime).
pub async fn run(command: RenewalsCommand, source: DataSource) -> Msg {
    Msg::Renewals(match command {
        RenewalsCommand::Fetch { request_id, query } => RenewalsMsg::Loaded {
            request_id,
            result: source.devices(&query).await,
        },
        RenewalsCommand::Totals { request_id, query } => RenewalsMsg::Totals {
            request_id,
            result: source.device_totals(&query).await,
        },
        RenewalsCommand::FetchAll { request_id, query } => RenewalsMsg::All {
            request_id,
            // One past the precheck's limit: enough to say "too many".
            result: source.all_devices(&query, MAX_SERIALS + 1).await,
        },
    })
}

/// Where a page of the list is read from: its cursor, or its number (End, and the
/// pages before it, are asked by number); neither is the first page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAt {
    pub cursor: Option<String>,
    pub page: Option<u32>,
}

/// A marked device: what the renewal needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    pub until: NaiveDate,
    pub price: Kopecks,
}

/// What `a` hands the app: the new-activation flow for this organization, with these
/// serials filled in and prechecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    pub organization: i64,
    pub serials: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RenewalsScreen {
    /// The filters and the cursor of the page asked for (or on screen).
    pub query: DeviceQuery,
    /// The window in days (0: all), kept so `ending_before` follows the date.
    pub window: u32,
    pub page: Option<DevicePage>,
    pub pending: Option<u64>,
    pub totals: Option<DeviceTotals>,
    pub totals_pending: Option<u64>,
    /// `*` is reading every matching device.
    pub all_pending: Option<u64>,
    pub selected: usize,
    pub error: Option<String>,
    /// Where the earlier pages were read from, for ← (the last one is the page before).
    pub earlier: Vec<PageAt>,
    /// Marked devices by (organization, serial): kept across pages and filters.
    pub marks: BTreeMap<(i64, String), Marked>,
}

impl Default for RenewalsScreen {
    fn default() -> RenewalsScreen {
        RenewalsScreen {
            query: DeviceQuery::default(),
            window: DEFAULT_WINDOW,
            page: None,
            pending: None,
            totals: None,
            totals_pending: None,
            all_pending: None,
            selected: 0,
            error: None,
            earlier: Vec::new(),
            marks: BTreeMap::new(),
        }
    }
}

impl RenewalsScreen {
    pub fn bindings(&self) -> &'static [Binding<RenewalsAction>] {
        BINDINGS
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    pub fn selected_device(&self) -> Option<&DeviceItem> {
        self.page.as_ref()?.items.get(self.selected)
    }

    /// The page on screen's number: the portal's (every page says it), else counted
    /// from the cursors followed (a portal before page numbers).
    pub fn page_number(&self) -> usize {
        match self.page.as_ref().map(|p| p.page) {
            Some(page) if page > 0 => page as usize,
            _ => self.earlier.len() + 1,
        }
    }

    /// How many pages the filters make, once their totals are in ("page N of M").
    pub fn page_count(&self) -> Option<(usize, u64)> {
        let count = self.totals.as_ref()?.count;
        let per_page = u64::from(self.page.as_ref()?.per_page.max(1));
        let pages = count.div_ceil(per_page).max(1);
        Some((usize::try_from(pages).unwrap_or(usize::MAX), count))
    }

    pub fn is_marked(&self, device: &DeviceItem) -> bool {
        self.marks
            .contains_key(&(device.organization.id, device.serial.clone()))
    }

    /// How many are marked and what renewing them costs today.
    pub fn marked_total(&self) -> (usize, Kopecks) {
        (self.marks.len(), self.marks.values().map(|m| m.price).sum())
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::Renewals(RenewalsCommand::Fetch {
            request_id,
            query: self.query.clone(),
        })
    }

    /// Where the page asked for (or on screen) is read from.
    fn at(&self) -> PageAt {
        PageAt {
            cursor: self.query.cursor.clone(),
            page: self.query.page,
        }
    }

    fn go(&mut self, at: PageAt) {
        self.query.cursor = at.cursor;
        self.query.page = at.page;
    }

    /// The first page of the filters in force, and their totals.
    fn first_page(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.go(PageAt::default());
        self.earlier.clear();
        self.selected = 0;
        let totals_id = ids.next_id();
        self.totals_pending = Some(totals_id);
        vec![
            self.fetch(ids),
            Command::Renewals(RenewalsCommand::Totals {
                request_id: totals_id,
                query: self.query.first_page(),
            }),
        ]
    }

    fn apply_window(&mut self, today: NaiveDate) {
        self.query.ending_before = match self.window {
            0 => None,
            days => DeviceQuery::within(days, today).ending_before,
        };
    }

    /// Coming to the screen: read again each time (a renewal may have moved devices).
    pub fn enter(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Vec<Command> {
        self.apply_window(ctx.today);
        if self.page.is_some() && self.at() != PageAt::default() {
            // Stay on the page the user left; the totals are read again.
            let mut commands = vec![self.fetch(ids)];
            let totals_id = ids.next_id();
            self.totals_pending = Some(totals_id);
            commands.push(Command::Renewals(RenewalsCommand::Totals {
                request_id: totals_id,
                query: self.query.first_page(),
            }));
            return commands;
        }
        self.first_page(ids)
    }

    /// A picker's choice for one of the screen's filters; the first page of it.
    pub fn set_filter(
        &mut self,
        target: PickTarget,
        value: PickValue,
        today: NaiveDate,
        ids: &mut RequestIds,
    ) -> Vec<Command> {
        match target {
            PickTarget::RenewalsOrganization => {
                self.query.organization = match value {
                    PickValue::Organization(id) => Some(id),
                    _ => None,
                }
            }
            PickTarget::RenewalsVendor => {
                self.query.vendor = match value {
                    PickValue::Vendor(vendor) => Some(vendor.id().to_string()),
                    _ => None,
                }
            }
            PickTarget::RenewalsWindow => {
                self.window = match value {
                    PickValue::Days(days) => days,
                    _ => 0,
                };
                self.apply_window(today);
            }
            _ => return Vec::new(),
        }
        self.first_page(ids)
    }

    /// The vendor filter in force, for the picker.
    pub fn vendor(&self) -> Option<Vendor> {
        self.query.vendor.as_deref().and_then(|v| v.parse().ok())
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

    fn toggle(&mut self, device: &DeviceItem) {
        let key = (device.organization.id, device.serial.clone());
        if self.marks.remove(&key).is_none() {
            self.marks.insert(
                key,
                Marked {
                    until: device.subscription_until,
                    price: device.price,
                },
            );
        }
    }

    /// `a`: the marked devices, all of one organization, become a renewal.
    fn renew(&self, ctx: &Ctx) -> Reply {
        if let Some(denied) = ctx.denied(tr::ACTION_RENEW) {
            return Reply::refused(ctx.lang, denied);
        }
        let Some(((organization, _), _)) = self.marks.iter().next() else {
            return Reply::refused(ctx.lang, tr::NOTHING_MARKED.get(ctx.lang));
        };
        if self.marks.keys().any(|(org, _)| org != organization) {
            return Reply::refused(ctx.lang, tr::MIXED_ORGANIZATIONS.get(ctx.lang));
        }
        if self.marks.len() > MAX_SERIALS {
            return Reply::refused(
                ctx.lang,
                tr::too_many(ctx.lang, self.marks.len(), MAX_SERIALS),
            );
        }
        Reply {
            renew: Some(Renewal {
                organization: *organization,
                serials: self
                    .marks
                    .keys()
                    .map(|(_, serial)| serial.clone())
                    .collect(),
            }),
            ..Reply::default()
        }
    }

    /// End: the last page by its number, as the Activations list jumps (the count is
    /// the totals'; on the last page already, nothing to do). Page numbers of
    /// `GET /devices` reach only the first `DEVICES_PAGE_DEPTH` rows and nothing reads
    /// from the other end, so when the last page lies deeper (or the count is not in
    /// yet, or the portal predates page numbers) the cursor goes to the last row read
    /// and the status line says why.
    fn last_page(&mut self, lang: Lang, ids: &mut RequestIds) -> Reply {
        let Some(shown) = self.page.as_ref() else {
            return Reply::default();
        };
        let last_row = shown.items.len().saturating_sub(1);
        let per_page = u64::from(shown.per_page.max(1));
        let numbered = shown.page > 0;
        let Some((pages, _)) = self.page_count().filter(|_| numbered) else {
            self.selected = last_row;
            return Reply::notice(tr::LAST_PAGE_UNKNOWN.get(lang));
        };
        if pages <= self.page_number() {
            return Reply::default();
        }
        let starts_at = (pages as u64 - 1).saturating_mul(per_page);
        match u32::try_from(pages) {
            Ok(page) if starts_at <= DEVICES_PAGE_DEPTH => {
                self.earlier.clear();
                self.go(PageAt {
                    cursor: None,
                    page: Some(page),
                });
                self.selected = 0;
                Reply::command(self.fetch(ids))
            }
            _ => {
                self.selected = last_row;
                Reply::notice(tr::last_page_beyond_reach(lang, pages))
            }
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: RenewalsAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let rows = self.page.as_ref().map_or(0, |p| p.items.len());
        let last = rows.saturating_sub(1);
        match action {
            RenewalsAction::Down => self.selected = (self.selected + 1).min(last),
            RenewalsAction::Up => self.selected = self.selected.saturating_sub(1),
            RenewalsAction::LastRow => self.selected = last,
            RenewalsAction::NextPage => {
                let next = self.page.as_ref().and_then(|p| p.next.clone());
                if let (Some(next), None) = (next, self.pending) {
                    self.earlier.push(self.at());
                    self.go(PageAt {
                        cursor: Some(next),
                        page: None,
                    });
                    self.selected = 0;
                    return Reply::command(self.fetch(ids));
                }
            }
            RenewalsAction::PrevPage => {
                if self.pending.is_some() {
                    return Reply::default();
                }
                // A page reached by number (End) has no cursors behind it: the page
                // before it is asked by number too (nearer the start, so within reach).
                let number = self.page_number();
                let before = self.earlier.pop().or_else(|| {
                    (number > 1).then(|| PageAt {
                        cursor: None,
                        page: u32::try_from(number - 1).ok().filter(|n| *n > 1),
                    })
                });
                if let Some(at) = before {
                    self.go(at);
                    self.selected = 0;
                    return Reply::command(self.fetch(ids));
                }
            }
            RenewalsAction::LastPage => return self.last_page(ctx.lang, ids),
            RenewalsAction::FirstPage | RenewalsAction::Refresh => {
                self.apply_window(ctx.today);
                return Reply::commands(self.first_page(ids));
            }
            RenewalsAction::Mark => {
                if let Some(device) = self.selected_device().cloned() {
                    self.toggle(&device);
                    self.selected = (self.selected + 1).min(last);
                }
            }
            RenewalsAction::MarkAll => {
                if self.all_pending.is_none() {
                    let request_id = ids.next_id();
                    self.all_pending = Some(request_id);
                    let count = self.totals.as_ref().map_or(0, |t| t.count);
                    return Reply {
                        notice: Some(tr::marking_all(ctx.lang, count)),
                        ..Reply::command(Command::Renewals(RenewalsCommand::FetchAll {
                            request_id,
                            query: self.query.first_page(),
                        }))
                    };
                }
            }
            RenewalsAction::ClearMarks => self.marks.clear(),
            RenewalsAction::Renew => return self.renew(ctx),
            RenewalsAction::FilterOrganization => {
                return Reply::pick(PickTarget::RenewalsOrganization);
            }
            RenewalsAction::FilterVendor => return Reply::pick(PickTarget::RenewalsVendor),
            RenewalsAction::FilterWindow => return Reply::pick(PickTarget::RenewalsWindow),
            RenewalsAction::Help => {
                return Reply::help();
            }
            RenewalsAction::Palette => {
                return Reply::palette();
            }
            RenewalsAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            RenewalsAction::Quit => {
                return Reply::quit();
            }
        }
        Reply::default()
    }

    pub fn on_msg(&mut self, msg: RenewalsMsg, lang: Lang) -> Reply {
        match msg {
            RenewalsMsg::Loaded { request_id, result } => {
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
            }
            RenewalsMsg::Totals { request_id, result } => {
                if self.totals_pending != Some(request_id) {
                    return Reply::default();
                }
                self.totals_pending = None;
                match result {
                    Ok(totals) => self.totals = Some(totals),
                    Err(e) => return Reply::error(error_text(lang, &e)),
                }
            }
            RenewalsMsg::All { request_id, result } => {
                if self.all_pending != Some(request_id) {
                    return Reply::default();
                }
                self.all_pending = None;
                match result {
                    Ok(devices) => {
                        for device in devices {
                            self.marks
                                .entry((device.organization.id, device.serial.clone()))
                                .or_insert(Marked {
                                    until: device.subscription_until,
                                    price: device.price,
                                });
                        }
                        let (count, total) = self.marked_total();
                        return Reply::notice(tr::marked(lang, count, total, false));
                    }
                    Err(e) => return Reply::error(error_text(lang, &e)),
                }
            }
        }
        Reply::default()
    }
}
