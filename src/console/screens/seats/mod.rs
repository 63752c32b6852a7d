//! «Управление подпиской»: the seats of the organizations' products, with filters, the
//! free/bound/expired summary per product always visible, bind (an e-mail with
//! suggestions), unbind (confirmed in a dialog on the app's stack), bulk bind and a seat's history.
//!
//! This module holds the list and its keys; the dialogs live in `bind` and `bulk`, the
//! drawing in `view`.

mod bind;
mod bulk;
mod table;
mod view;

pub use bind::{BIND_BINDINGS, BindDialog, EmailProblem, email_problem};
pub use bulk::{BULK_BINDINGS, BulkBind, BulkPhase, BulkResult, BulkRow, bulk_emails};
pub use table::SeatColumn;
pub use view::{ViewContext, table_area, view};

use super::dialog::{PageTarget, PickTarget};
use super::paged::{self, RowMove};
use super::{Ctx, Reply, error_text};
use crate::client::wire::{Page, ProductRef, Seat, SeatQuery, SeatSortKey, SeatSummary, User};
use crate::console::app::{Command, RequestIds};
use crate::console::columns::Columns;
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{
    Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Up,
};
use crate::console::keymap::{Binding, bind};
use crate::domain::Lang;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatsAction {
    Down,
    Up,
    FirstRow,
    LastRow,
    NextPage,
    PrevPage,
    FirstPage,
    LastPage,
    Bind,
    Unbind,
    BulkBind,
    History,
    Search,
    FilterOrganization,
    FilterProduct,
    FilterStatus,
    GoToPage,
    ClearFilters,
    SortId,
    SortValidUntil,
    SortEmail,
    CyclePageSize,
    Refresh,
    Palette,
    Help,
    /// Esc: clears the search, else back to the activations.
    Back,
    Quit,
    // The dialogs' actions.
    Confirm,
    Close,
    NextSuggestion,
    PrevSuggestion,
    RunBulk,
    NextTarget,
    /// Handled by the app: the column chooser.
    Columns,
    /// Handled by the app (issue 16 b): marks or unmarks the selected seat.
    Mark,
    /// Handled by the app: marks the seats from the last marked one to the selected one.
    MarkRange,
    /// Handled by the app: marks every seat the filter matches, across pages.
    MarkAll,
    /// Handled by the app: copies the seat's number (or the marked ones').
    CopyId,
}

/// The seats list's keys, declared once: dispatch, hint line and help all read this.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<SeatsAction>] = &[
    bind("seats.down", &[Char('j'), Down], SeatsAction::Down, Tr::new("следующее место", "next seat"), None),
    bind("seats.up", &[Char('k'), Up], SeatsAction::Up, Tr::new("предыдущее место", "previous seat"), None),
    bind("seats.first_row", &[Char('g')], SeatsAction::FirstRow, Tr::new("первая строка", "first row"), None),
    bind("seats.last_row", &[Char('G')], SeatsAction::LastRow, Tr::new("последняя строка", "last row"), None),
    bind("seats.next_page", &[Right, PageDown, Char(']')], SeatsAction::NextPage, Tr::new("следующая страница", "next page"), None),
    bind("seats.prev_page", &[Left, PageUp, Char('[')], SeatsAction::PrevPage, Tr::new("предыдущая страница", "previous page"), None),
    bind("seats.first_page", &[Home, Char('<')], SeatsAction::FirstPage, Tr::new("первая страница", "first page"), None),
    bind("seats.last_page", &[End, Char('>')], SeatsAction::LastPage, Tr::new("последняя страница", "last page"), None),
    bind("seats.go_to_page", &[Char('#')], SeatsAction::GoToPage, Tr::new("перейти на страницу с номером", "go to page N"), None),
    bind("seats.bind", &[Char('b')], SeatsAction::Bind, Tr::new("привязать свободное место к пользователю (e-mail)", "bind a free seat to a user (e-mail)"), Some(Tr::new("привязать", "bind"))),
    bind("seats.unbind", &[Char('u')], SeatsAction::Unbind, Tr::new("отвязать место или все отмеченные (с подтверждением)", "unbind the seat, or every marked one (confirmed in a dialog)"), Some(Tr::new("отвязать", "unbind"))),
    bind("seats.mark", &[Char(' ')], SeatsAction::Mark, Tr::new("отметить место (ещё раз — снять отметку)", "mark the seat (again: unmark it)"), None),
    bind("seats.mark_range", &[Char('V')], SeatsAction::MarkRange, Tr::new("отметить места от последнего отмеченного до этого", "mark the seats from the last marked one to this one"), None),
    bind("seats.mark_all", &[Char('*')], SeatsAction::MarkAll, Tr::new("отметить все места по фильтру (на всех страницах)", "mark every seat the filter matches (all pages)"), None),
    bind("seats.copy_id", &[Char('y')], SeatsAction::CopyId, Tr::new("скопировать № места (или отмеченных) в буфер обмена", "copy the seat number (or the marked ones'; OSC 52)"), None),
    bind("seats.bulk_bind", &[Char('B')], SeatsAction::BulkBind, Tr::new("массовая привязка: список e-mail к свободным местам продукта", "bulk bind: a list of e-mails to a product's free seats"), Some(Tr::new("массово", "bulk"))),
    bind("seats.history", &[Char('h'), Enter], SeatsAction::History, Tr::new("история места (журнал изменений)", "the seat's history (audit log)"), Some(Tr::new("история", "history"))),
    bind("seats.search", &[Char('/')], SeatsAction::Search, Tr::new("поиск по e-mail", "search by e-mail"), Some(Tr::new("поиск", "search"))),
    bind("seats.filter_organization", &[Char('o')], SeatsAction::FilterOrganization, Tr::new("фильтр: организация (выбор из списка)", "filter: organization (pick from a list)"), None),
    bind("seats.filter_product", &[Char('t')], SeatsAction::FilterProduct, Tr::new("фильтр: продукт (выбор из списка)", "filter: product (pick from a list)"), None),
    bind("seats.filter_status", &[Char('s')], SeatsAction::FilterStatus, Tr::new("фильтр: статус места (выбор из списка)", "filter: seat status (pick from a list)"), None),
    bind("seats.clear_filters", &[Char('x')], SeatsAction::ClearFilters, Tr::new("сбросить фильтры", "clear filters"), None),
    bind("seats.sort_id", &[Char('n')], SeatsAction::SortId, Tr::new("сортировка по № места (ещё раз — обратно)", "sort by seat No. (again: reverse)"), None),
    bind("seats.sort_until", &[Char('d')], SeatsAction::SortValidUntil, Tr::new("сортировка по дате окончания", "sort by end date"), None),
    bind("seats.sort_email", &[Char('e')], SeatsAction::SortEmail, Tr::new("сортировка по e-mail", "sort by e-mail"), None),
    bind("seats.page_size", &[Char('p')], SeatsAction::CyclePageSize, Tr::new("строк на странице: 10/25/50/100", "rows per page: 10/25/50/100"), None),
    bind("seats.refresh", &[Char('r')], SeatsAction::Refresh, Tr::new("обновить", "refresh"), None),
    bind("seats.palette", &[Char(':')], SeatsAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("seats.columns", &[Char('C')], SeatsAction::Columns, Tr::new("столбцы: показать, скрыть, переставить", "columns: show, hide, reorder"), None),
    bind("seats.help", &[Char('?')], SeatsAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("seats.back", &[Esc], SeatsAction::Back, Tr::new("назад: снять отметки, сбросить поиск, затем к активациям", "back: clear the marks, the search, then to the activations"), Some(Tr::new("назад", "back"))),
    bind("seats.quit", &[Char('q')], SeatsAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeatsScreen {
    /// What the user asked for (the filter bar shows it at once).
    pub query: SeatQuery,
    /// The query of the rows on screen.
    pub applied: SeatQuery,
    pub page: Option<Page<Seat>>,
    pub selected: usize,
    /// The list request we wait for; older answers are stale.
    pub pending: Option<u64>,
    pub search_input: Option<String>,
    /// Free/bound/expired per product; refreshed after every bind and unbind.
    pub summary: Vec<SeatSummary>,
    /// A summary request is out (the frame waits a moment for it: issue 14).
    pub summary_pending: bool,
    /// The first visit fetched the list and the summary.
    pub visited: bool,
    pub bind: Option<BindDialog>,
    pub bulk: Option<BulkBind>,
    /// The columns shown, in the user's order (remembered between runs).
    pub columns: Columns<SeatColumn>,
    /// Seats marked for an action on many at once (issue 16 b).
    pub marks: super::marks::Marks<Seat>,
}

impl SeatsScreen {
    pub fn rows(&self) -> &[Seat] {
        paged::rows(self.page.as_ref())
    }

    pub fn selected_row(&self) -> Option<&Seat> {
        self.rows().get(self.selected)
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    pub fn page_count(&self) -> u32 {
        paged::pages(self.page.as_ref(), self.query.per_page)
    }

    pub fn total(&self) -> u64 {
        paged::total(self.page.as_ref())
    }

    /// The keys of what is in front: a dialog's, else the list's.
    pub fn bindings(&self) -> &'static [Binding<SeatsAction>] {
        if self.bind.is_some() {
            BIND_BINDINGS
        } else if self.bulk.is_some() {
            BULK_BINDINGS
        } else {
            BINDINGS
        }
    }

    /// The products the summary knows, in its order, each once.
    pub fn products(&self) -> Vec<ProductRef> {
        let mut out: Vec<ProductRef> = Vec::new();
        for s in &self.summary {
            if !out.iter().any(|p| p.id == s.product.id) {
                out.push(s.product.clone());
            }
        }
        out
    }

    /// Coming to the screen: the first time, load the list and the summary.
    pub fn enter(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        if self.visited {
            return Vec::new();
        }
        self.visited = true;
        vec![self.fetch(ids), self.summary_command()]
    }

    pub fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::FetchSeats {
            request_id,
            query: self.query.clone(),
        }
    }

    pub fn summary_command(&mut self) -> Command {
        self.summary_pending = true;
        Command::FetchSeatSummary {
            organization: self.query.organization,
        }
    }

    fn refetch_from_first(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.query.page = 1;
        vec![self.fetch(ids)]
    }

    /// A filter chosen (in a picker): back to page 1 and fetch.
    pub fn set_filter(
        &mut self,
        ids: &mut RequestIds,
        change: impl FnOnce(&mut SeatQuery),
    ) -> Vec<Command> {
        change(&mut self.query);
        self.refetch_from_first(ids)
    }

    pub fn go_to_page(&mut self, page: u32, ids: &mut RequestIds) -> Vec<Command> {
        let Some(page) = paged::page_to_fetch(page, self.page_count(), self.query.page) else {
            return Vec::new();
        };
        self.query.page = page;
        vec![self.fetch(ids)]
    }

    fn move_selection(&mut self, row_move: RowMove) -> Vec<Command> {
        self.selected = paged::move_selection(self.selected, self.rows().len(), row_move);
        Vec::new()
    }

    fn sort_by(&mut self, key: SeatSortKey, ids: &mut RequestIds) -> Vec<Command> {
        self.query.descending = self.query.sort == key && !self.query.descending;
        self.query.sort = key;
        self.refetch_from_first(ids)
    }

    /// A key while the seats screen is in front.
    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        if self.bind.is_some() {
            return self.bind_key(event, ctx, ids);
        }
        if self.bulk.is_some() {
            return self.bulk_key(event, ctx, ids);
        }
        if self.search_input.is_some() {
            return Reply::commands(self.search_key(event, ids));
        }
        if let Some(shared) = Reply::shared_key(ctx.keymap, event) {
            return shared;
        }
        let Some(action) = ctx.keymap.lookup(BINDINGS, event) else {
            return Reply::default();
        };
        self.apply(action, ctx, ids)
    }

    /// Runs one of the list's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: SeatsAction, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let commands = match action {
            SeatsAction::Down => self.move_selection(RowMove::Down),
            SeatsAction::Up => self.move_selection(RowMove::Up),
            SeatsAction::FirstRow => self.move_selection(RowMove::First),
            SeatsAction::LastRow => self.move_selection(RowMove::Last),
            SeatsAction::NextPage => self.go_to_page(self.query.page.saturating_add(1), ids),
            SeatsAction::PrevPage => self.go_to_page(self.query.page.saturating_sub(1), ids),
            SeatsAction::FirstPage => self.go_to_page(1, ids),
            SeatsAction::LastPage => self.go_to_page(self.page_count(), ids),
            SeatsAction::FilterOrganization => return Reply::pick(PickTarget::SeatsOrganization),
            SeatsAction::FilterProduct => return Reply::pick(PickTarget::SeatsProduct),
            SeatsAction::FilterStatus => return Reply::pick(PickTarget::SeatsStatus),
            SeatsAction::GoToPage => {
                return Reply {
                    page_prompt: Some(PageTarget::Seats),
                    ..Reply::default()
                };
            }
            SeatsAction::ClearFilters => {
                let organization_changed = self.query.organization.is_some();
                self.query.organization = None;
                self.query.product = None;
                self.query.status = None;
                self.query.q = None;
                let mut commands = self.refetch_from_first(ids);
                if organization_changed {
                    commands.push(self.summary_command());
                }
                commands
            }
            SeatsAction::SortId => self.sort_by(SeatSortKey::Id, ids),
            SeatsAction::SortValidUntil => self.sort_by(SeatSortKey::ValidUntil, ids),
            SeatsAction::SortEmail => self.sort_by(SeatSortKey::Email, ids),
            SeatsAction::CyclePageSize => {
                self.query.per_page = paged::next_page_size(self.query.per_page);
                self.refetch_from_first(ids)
            }
            SeatsAction::Refresh => vec![self.fetch(ids), self.summary_command()],
            SeatsAction::Search => {
                self.search_input = Some(self.query.q.clone().unwrap_or_default());
                Vec::new()
            }
            SeatsAction::Bind => return self.open_bind(ctx),
            SeatsAction::Unbind => return self.open_unbind(ctx),
            SeatsAction::BulkBind => return self.open_bulk(ctx),
            SeatsAction::History => {
                return match self.selected_row() {
                    Some(seat) => Reply {
                        history: Some(format!("seat:{}", seat.id)),
                        ..Reply::default()
                    },
                    None => Reply::default(),
                };
            }
            SeatsAction::Help => {
                return Reply::help();
            }
            SeatsAction::Columns => {
                return Reply {
                    columns: true,
                    ..Reply::default()
                };
            }
            SeatsAction::Palette => {
                return Reply::palette();
            }
            SeatsAction::Back => {
                if self.query.q.is_some() {
                    self.query.q = None;
                    self.refetch_from_first(ids)
                } else {
                    return Reply::tab(super::Tab::Activations);
                }
            }
            SeatsAction::Quit => {
                return Reply::quit();
            }
            SeatsAction::Confirm
            | SeatsAction::Close
            | SeatsAction::NextSuggestion
            | SeatsAction::PrevSuggestion
            | SeatsAction::RunBulk
            | SeatsAction::NextTarget
            | SeatsAction::Mark
            | SeatsAction::MarkRange
            | SeatsAction::MarkAll
            | SeatsAction::CopyId => Vec::new(),
        };
        Reply::commands(commands)
    }

    fn search_key(&mut self, event: &KeyEvent, ids: &mut RequestIds) -> Vec<Command> {
        if let Some(q) = paged::search_key(&mut self.search_input, event)
            && q != self.query.q
        {
            self.query.q = q;
            return self.refetch_from_first(ids);
        }
        Vec::new()
    }

    /// Pasted text: into the open input (bind e-mail, bulk list or search).
    pub fn paste(&mut self, text: &str, ids: &mut RequestIds) -> Reply {
        if let Some(bulk) = self.bulk.as_mut() {
            bulk.paste(text);
            return Reply::default();
        }
        let one_line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if let Some(dialog) = self.bind.as_mut() {
            dialog.input.push_str(one_line.trim());
            return Reply::commands(dialog.changed(ids));
        }
        if let Some(input) = self.search_input.as_mut() {
            input.push_str(&one_line);
        }
        Reply::default()
    }

    /// A list page arrived (the bulk bind's free seats are routed before this).
    pub fn on_loaded(&mut self, request_id: u64, result: Result<Page<Seat>, DataError>) -> bool {
        if self.pending != Some(request_id) {
            return false;
        }
        self.pending = None;
        if let Ok(page) = result {
            let same_view = self.page.is_some() && self.applied == self.query;
            if page.page >= 1 {
                self.query.page = page.page;
            }
            self.applied = self.query.clone();
            self.page = Some(page);
            self.selected =
                paged::selection_after_load(self.selected, self.rows().len(), same_view);
        }
        true
    }

    pub fn on_summary(&mut self, result: Result<Vec<SeatSummary>, DataError>) {
        self.summary_pending = false;
        if let Ok(summary) = result {
            self.summary = summary;
        }
    }

    /// Suggestions for the bind dialog; only the answer to the latest text counts.
    pub fn on_users(&mut self, request_id: u64, result: Result<Vec<User>, DataError>) {
        if let Some(dialog) = self
            .bind
            .as_mut()
            .filter(|d| d.suggest_request == Some(request_id))
        {
            dialog.suggest_request = None;
            dialog.suggestions = result.unwrap_or_default();
            dialog.suggestions.truncate(bind::MAX_SUGGESTIONS);
            dialog.picked = None;
        }
    }

    /// A seat changed: its row shows the new state.
    pub fn replace_row(&mut self, seat: &Seat) {
        if let Some(page) = self.page.as_mut()
            && let Some(row) = page.items.iter_mut().find(|s| s.id == seat.id)
        {
            *row = seat.clone();
        }
    }

    /// Counts moved by one bind (or unbind) until the fresh summary arrives.
    fn count_bind(&mut self, seat: &Seat, bound: bool) {
        if let Some(s) = self
            .summary
            .iter_mut()
            .find(|s| s.product.id == seat.product.id && s.organization.id == seat.organization.id)
        {
            if bound {
                s.free = s.free.saturating_sub(1);
                s.bound += 1;
            } else {
                s.bound = s.bound.saturating_sub(1);
                s.free += 1;
            }
        }
    }

    pub fn on_unbound(&mut self, seat: i64, result: Result<Seat, DataError>, lang: Lang) -> Reply {
        match result {
            Ok(updated) => {
                self.replace_row(&updated);
                self.count_bind(&updated, false);
                Reply {
                    commands: vec![self.summary_command()],
                    notice: Some(i18n::seats::unbound(lang, seat)),
                    ..Reply::default()
                }
            }
            Err(error) => Reply::error(error_text(lang, &error)),
        }
    }
}
