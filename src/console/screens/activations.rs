//! The Activations list: filters, sort, pages, and a table of activations.

use super::activations_table::ActivationColumn;
use super::marks::Marks;
use super::paged::{self, RowMove};
use crate::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, ActivationSummary, Page,
};
use crate::console::app::{Command, RequestIds};
use crate::console::columns::Columns;
use crate::console::i18n::Tr;
use crate::console::keymap::Key::{
    Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Up,
};
use crate::console::keymap::{Binding, bind};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    Down,
    Up,
    FirstRow,
    LastRow,
    NextPage,
    PrevPage,
    FirstPage,
    LastPage,
    /// Handled by the app: the page prompt.
    GoToPage,
    /// Handled by the app: the organization picker.
    FilterOrganization,
    /// Handled by the app: the status picker.
    FilterStatus,
    /// Handled by the app: the vendor picker.
    FilterVendor,
    Search,
    SortNumber,
    SortCost,
    SortDate,
    CyclePageSize,
    ClearFilters,
    Refresh,
    Open,
    /// Handled by the app (it knows the role).
    NewActivation,
    /// Handled by the app: retry the selected errored activation (asks first).
    Retry,
    /// Handled by the app: download the selected done activation's license file.
    SaveLicense,
    /// Handled by the app: the price list («Цены», issue 17).
    Prices,
    /// Handled by the app: the selected activation's history.
    History,
    /// Handled by the app: the column chooser.
    Columns,
    /// Handled by the app: copy the selected activation's number (OSC 52).
    CopyNumber,
    /// Handled by the app: copy the selected row as tab-separated text.
    CopyRow,
    Help,
    /// Handled by the app: the `:` command palette.
    Palette,
    /// Esc: clears the marks, then the search; never quits.
    Back,
    /// Handled by the app: marks or unmarks the selected row (issue 16 b).
    Mark,
    /// Handled by the app: marks the rows from the last marked one to the selected one.
    MarkRange,
    /// Handled by the app: marks every row the filter matches, across pages.
    MarkAll,
    /// Handled by the app: the triage of errors.
    Errors,
    /// Handled by the app: quits (asking first when something would be lost).
    Quit,
}

/// The list's keys, declared once: dispatch, hint line and help all read this. The
/// keys every screen shares (paging, `r`, `R`, `L`, `h`, `y`, Esc, `q`) are the
/// conventions `keytables` checks.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<ListAction>] = &[
    bind("list.down", &[Char('j'), Down], ListAction::Down, Tr::new("следующая строка", "next row"), None),
    bind("list.up", &[Char('k'), Up], ListAction::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind("list.first_row", &[Char('g')], ListAction::FirstRow, Tr::new("первая строка", "first row"), None),
    bind("list.last_row", &[Char('G')], ListAction::LastRow, Tr::new("последняя строка", "last row"), None),
    bind("list.next_page", &[Right, PageDown, Char(']')], ListAction::NextPage, Tr::new("следующая страница", "next page"), None),
    bind("list.prev_page", &[Left, PageUp, Char('[')], ListAction::PrevPage, Tr::new("предыдущая страница", "previous page"), None),
    bind("list.first_page", &[Home, Char('<')], ListAction::FirstPage, Tr::new("первая страница", "first page"), None),
    bind("list.last_page", &[End, Char('>')], ListAction::LastPage, Tr::new("последняя страница", "last page"), None),
    bind("list.go_to_page", &[Char('#')], ListAction::GoToPage, Tr::new("перейти на страницу с номером", "go to page N"), None),
    bind("list.open", &[Enter], ListAction::Open, Tr::new("открыть активацию", "open the activation"), Some(Tr::new("открыть", "open"))),
    bind("list.new_activation", &[Char('a')], ListAction::NewActivation, Tr::new("новая активация", "new activation"), Some(Tr::new("новая активация", "new activation"))),
    bind("list.search", &[Char('/')], ListAction::Search, Tr::new("поиск по номеру активации или СН", "search by activation number or serial"), Some(Tr::new("поиск", "search"))),
    bind("list.filter_organization", &[Char('o')], ListAction::FilterOrganization, Tr::new("фильтр: организация (выбор из списка)", "filter: organization (pick from a list)"), Some(Tr::new("орг.", "org"))),
    bind("list.filter_status", &[Char('s')], ListAction::FilterStatus, Tr::new("фильтр: статус (выбор из списка)", "filter: status (pick from a list)"), Some(Tr::new("статус", "status"))),
    bind("list.filter_vendor", &[Char('v')], ListAction::FilterVendor, Tr::new("фильтр: вендор (выбор из списка)", "filter: vendor (pick from a list)"), None),
    bind("list.clear_filters", &[Char('x')], ListAction::ClearFilters, Tr::new("сбросить фильтры", "clear filters"), None),
    bind("list.sort_number", &[Char('n')], ListAction::SortNumber, Tr::new("сортировка по номеру (ещё раз — обратно)", "sort by number (again: reverse)"), None),
    bind("list.sort_cost", &[Char('c')], ListAction::SortCost, Tr::new("сортировка по стоимости", "sort by cost"), None),
    bind("list.sort_date", &[Char('d')], ListAction::SortDate, Tr::new("сортировка по дате заказа", "sort by order date"), None),
    bind("list.page_size", &[Char('p')], ListAction::CyclePageSize, Tr::new("строк на странице: 10/25/50/100", "rows per page: 10/25/50/100"), None),
    bind("list.refresh", &[Char('r')], ListAction::Refresh, Tr::new("обновить", "refresh"), None),
    bind("list.retry", &[Char('R')], ListAction::Retry, Tr::new("повторить запрос (активация с ошибкой, или все отмеченные; с подтверждением)", "retry (an activation with an error, or every marked one; confirmed in a dialog)"), None),
    bind("list.save_license", &[Char('L')], ListAction::SaveLicense, Tr::new("скачать файл лицензий в папку загрузок (отмеченные — в одну папку)", "download the license file to the downloads folder (the marked ones into one folder)"), None),
    bind("list.prices", &[Char('P')], ListAction::Prices, Tr::new("цены: ваша и рекомендуемая розничная", "prices: yours and the recommended retail"), None),
    bind("list.history", &[Char('h')], ListAction::History, Tr::new("история активации (журнал изменений)", "the activation's history (audit log)"), None),
    bind("list.copy_number", &[Char('y')], ListAction::CopyNumber, Tr::new("скопировать номер активации (или номера отмеченных) в буфер обмена", "copy the activation number (or the marked ones' numbers; OSC 52)"), None),
    bind("list.copy_row", &[Char('Y')], ListAction::CopyRow, Tr::new("скопировать строку целиком (или отмеченные; поля через табуляцию)", "copy the whole row (or the marked rows; tab-separated)"), None),
    bind("list.mark", &[Char(' ')], ListAction::Mark, Tr::new("отметить строку (ещё раз — снять отметку)", "mark the row (again: unmark it)"), Some(Tr::new("отметить", "mark"))),
    bind("list.mark_range", &[Char('V')], ListAction::MarkRange, Tr::new("отметить строки от последней отмеченной до этой", "mark the rows from the last marked one to this one"), None),
    bind("list.mark_all", &[Char('*')], ListAction::MarkAll, Tr::new("отметить все строки по фильтру (на всех страницах)", "mark every row the filter matches (all pages)"), None),
    bind("list.errors", &[Char('E')], ListAction::Errors, Tr::new("разбор ошибок: ошибки за 24 ч / 7 дней по тексту", "error triage: errors of 24 h / 7 days by text"), None),
    bind("list.palette", &[Char(':')], ListAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("list.columns", &[Char('C')], ListAction::Columns, Tr::new("столбцы: показать, скрыть, переставить", "columns: show, hide, reorder"), None),
    bind("list.help", &[Char('?')], ListAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("list.back", &[Esc], ListAction::Back, Tr::new("снять отметки, затем сбросить поиск (из программы не выходит)", "clear the marks, then the search (never quits)"), None),
    bind("list.quit", &[Char('q')], ListAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), Some(Tr::new("выход", "quit"))),
];

/// Everything the list shows. It stays untouched while a detail is open, so coming
/// back shows exactly the same filters, page and selection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActivationsScreen {
    /// What the user asked for; the filter bar shows it at once.
    pub query: ActivationQuery,
    /// The query of the rows on screen. After a failed fetch it differs from `query`
    /// (the user's filters are kept, the old rows stay, marked as earlier results).
    pub applied: ActivationQuery,
    /// The last page that arrived (None until the first does).
    pub page: Option<Page<ActivationSummary>>,
    pub selected: usize,
    /// The request whose answer we wait for; older answers are stale.
    pub pending: Option<(u64, ActivationQuery)>,
    /// Page steps (PgDn +, PgUp −) pressed while a step was under way: each is taken
    /// from the cursor of the page that answers, so a held key keeps paging at any
    /// depth instead of asking for page numbers the portal refuses.
    pub queued_steps: i32,
    /// `Some(text)` while the search input is open.
    pub search_input: Option<String>,
    /// Activations just created from the console, marked `*` until the filters change.
    pub highlighted: Vec<i64>,
    /// The columns shown, in the user's order (remembered between runs).
    pub columns: Columns<ActivationColumn>,
    /// Rows marked for an action on many at once (issue 16 b).
    pub marks: Marks<ActivationSummary>,
}

impl ActivationsScreen {
    pub fn rows(&self) -> &[ActivationSummary] {
        paged::rows(self.page.as_ref())
    }

    pub fn selected_row(&self) -> Option<&ActivationSummary> {
        self.rows().get(self.selected)
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// The rows on screen answer an earlier query than the one the user set (the
    /// fetch for it failed); `r` asks again.
    pub fn is_stale(&self) -> bool {
        !self.loading() && self.page.is_some() && self.query != self.applied
    }

    /// Pages for the current page size, from the last known total. A capped total
    /// (a serial search is counted only up to a cap) gives at least the page shown.
    pub fn page_count(&self) -> u32 {
        let pages = paged::pages(self.page.as_ref(), self.query.per_page);
        if self.total_capped() {
            pages.max(self.applied.page)
        } else {
            pages
        }
    }

    /// The total is a lower bound ("500+"): there may be more rows and pages.
    pub fn total_capped(&self) -> bool {
        self.page.as_ref().is_some_and(|p| p.total_capped)
    }

    pub fn total(&self) -> u64 {
        paged::total(self.page.as_ref())
    }

    /// Sends the current query.
    pub fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some((request_id, self.query.clone()));
        Command::FetchActivations {
            request_id,
            query: self.query.clone(),
        }
    }

    /// A background poll brought the same view again: take it, keep the selection.
    pub fn on_polled(&mut self, page: Page<ActivationSummary>) {
        if self.page.as_ref() != Some(&page) {
            self.page = Some(page);
            self.selected = self.selected.min(self.rows().len().saturating_sub(1));
        }
    }

    /// An activation changed (e.g. retried): update its row if it is shown.
    pub fn replace_row(&mut self, summary: ActivationSummary) {
        self.marks.refresh(summary.number, &summary);
        if let Some(page) = self.page.as_mut()
            && let Some(row) = page.items.iter_mut().find(|a| a.number == summary.number)
        {
            *row = summary;
        }
    }

    /// A filter changed: back to page 1 and fetch; the `*` marks of new activations
    /// go (the rows shown are others now).
    fn refetch_from_first(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.highlighted.clear();
        self.reorder_from_first(ids)
    }

    /// The sort or the page size changed: the same rows in another order, so the `*`
    /// marks stay.
    fn reorder_from_first(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        self.set_page(1, None);
        vec![self.fetch(ids)]
    }

    /// The page to ask for: by its number, or by a cursor (which wins over the number
    /// at the portal; the number is what the answer is expected to say). Every page
    /// change goes through here so an old cursor never outlives its page.
    fn set_page(&mut self, page: u32, cursor: Option<String>) {
        self.query.page = page;
        self.query.cursor = cursor;
        self.queued_steps = 0;
    }

    /// A filter chosen (in a picker): back to page 1 and fetch.
    pub fn set_filter(
        &mut self,
        ids: &mut RequestIds,
        change: impl FnOnce(&mut ActivationQuery),
    ) -> Vec<Command> {
        change(&mut self.query);
        self.refetch_from_first(ids)
    }

    /// Esc: clears the search (not the other filters). Nothing to clear: `false`.
    pub fn clear_search(&mut self, ids: &mut RequestIds) -> Option<Vec<Command>> {
        self.query.q.as_ref()?;
        self.query.q = None;
        Some(self.refetch_from_first(ids))
    }

    /// A jump by page number (`#`, Home, End): both ends of the list are always within
    /// the portal's reach of page numbers; a page deeper than that is refused (400) and
    /// the current page stays (see `on_loaded`).
    pub fn go_to_page(&mut self, page: u32, ids: &mut RequestIds) -> Vec<Command> {
        let Some(page) = paged::page_to_fetch(page, self.page_count(), self.query.page) else {
            return Vec::new();
        };
        self.set_page(page, None);
        vec![self.fetch(ids)]
    }

    /// PgDn / PgUp: the next or previous page by the shown page's cursor, which reaches
    /// any depth (page numbers stop 10 000 rows from both ends, docs/DESIGN.md §4.3).
    /// A page without cursors (an older portal) is stepped by number.
    fn step_page(&mut self, forward: bool, ids: &mut RequestIds) -> Vec<Command> {
        // A step already under way: its page's cursors are not known yet, so the press
        // waits for it (a number could lie beyond reach).
        if self.page_step_pending() {
            self.queued_steps += if forward { 1 } else { -1 };
            return Vec::new();
        }
        let shown = self.page.as_ref().filter(|_| self.query == self.applied);
        let cursor = shown.and_then(|p| {
            if forward {
                p.next.clone()
            } else {
                p.prev.clone()
            }
        });
        let has_cursors = shown.is_some_and(|p| p.next.is_some() || p.prev.is_some());
        match cursor {
            Some(cursor) => {
                let page = if forward {
                    self.query.page.saturating_add(1)
                } else {
                    self.query.page.saturating_sub(1).max(1)
                };
                self.set_page(page, Some(cursor));
                vec![self.fetch(ids)]
            }
            // The portal hands out cursors and this page has none that way: it is the
            // first or the last (even when a capped total suggests more).
            None if has_cursors => Vec::new(),
            None => {
                let page = if forward {
                    self.query.page.saturating_add(1)
                } else {
                    self.query.page.saturating_sub(1)
                };
                self.go_to_page(page, ids)
            }
        }
    }

    /// A page step (by cursor) is waiting for its answer, the filters unchanged.
    fn page_step_pending(&self) -> bool {
        self.pending
            .as_ref()
            .is_some_and(|(_, q)| q.cursor.is_some() && same_view_but_page(q, &self.applied))
    }

    /// The steps pressed while the last one was under way, taken now that its page
    /// (and so its cursors) arrived; one at a time, each from its own page's cursor.
    pub fn take_queued_step(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        let steps = std::mem::take(&mut self.queued_steps);
        if steps == 0 || self.loading() {
            return Vec::new();
        }
        let commands = self.step_page(steps > 0, ids);
        if !commands.is_empty() {
            self.queued_steps = steps - steps.signum();
        }
        commands
    }

    /// Handles the list's own actions (Open/Help/Quit belong to the app).
    pub fn apply(&mut self, action: ListAction, ids: &mut RequestIds) -> Vec<Command> {
        match action {
            ListAction::Down => self.move_selection(RowMove::Down),
            ListAction::Up => self.move_selection(RowMove::Up),
            ListAction::FirstRow => self.move_selection(RowMove::First),
            ListAction::LastRow => self.move_selection(RowMove::Last),
            ListAction::NextPage => return self.step_page(true, ids),
            ListAction::PrevPage => return self.step_page(false, ids),
            ListAction::FirstPage => return self.go_to_page(1, ids),
            ListAction::LastPage => return self.go_to_page(self.page_count(), ids),
            ListAction::SortNumber => return self.sort_by(ActivationSortKey::Number, ids),
            ListAction::SortCost => return self.sort_by(ActivationSortKey::TotalCost, ids),
            ListAction::SortDate => return self.sort_by(ActivationSortKey::CreatedAt, ids),
            ListAction::CyclePageSize => {
                self.query.per_page = paged::next_page_size(self.query.per_page);
                return self.reorder_from_first(ids);
            }
            ListAction::ClearFilters => {
                self.query.organization = None;
                self.query.status = None;
                self.query.vendor = None;
                self.query.q = None;
                return self.refetch_from_first(ids);
            }
            ListAction::Search => {
                self.search_input = Some(self.query.q.clone().unwrap_or_default())
            }
            ListAction::Refresh => return vec![self.fetch(ids)],
            ListAction::Open
            | ListAction::Help
            | ListAction::Palette
            | ListAction::CopyNumber
            | ListAction::CopyRow
            | ListAction::Quit
            | ListAction::Back
            | ListAction::GoToPage
            | ListAction::FilterOrganization
            | ListAction::FilterStatus
            | ListAction::FilterVendor
            | ListAction::History
            | ListAction::NewActivation
            | ListAction::Retry
            | ListAction::SaveLicense
            | ListAction::Mark
            | ListAction::MarkRange
            | ListAction::MarkAll
            | ListAction::Errors
            | ListAction::Prices
            | ListAction::Columns => {}
        }
        Vec::new()
    }

    fn move_selection(&mut self, row_move: RowMove) {
        self.selected = paged::move_selection(self.selected, self.rows().len(), row_move);
    }

    /// Same key again flips the direction; a new key starts descending (largest,
    /// newest first — what one usually looks for).
    fn sort_by(&mut self, key: ActivationSortKey, ids: &mut RequestIds) -> Vec<Command> {
        self.query.sort = if self.query.sort.key == key {
            ActivationSort {
                key,
                descending: !self.query.sort.descending,
            }
        } else {
            ActivationSort {
                key,
                descending: true,
            }
        };
        self.reorder_from_first(ids)
    }

    /// A key while the search input is open: typing edits, Enter applies, Esc cancels
    /// and keeps the previous text.
    pub fn search_key(&mut self, event: &KeyEvent, ids: &mut RequestIds) -> Vec<Command> {
        if let Some(q) = paged::search_key(&mut self.search_input, event)
            && q != self.query.q
        {
            self.query.q = q;
            return self.refetch_from_first(ids);
        }
        Vec::new()
    }

    /// Pasted text goes into the search input when it is open.
    pub fn paste(&mut self, text: &str) {
        if let Some(input) = self.search_input.as_mut() {
            input.push_str(text);
        }
    }

    /// Whether `request_id` is the answer we wait for (anything else is stale).
    pub fn is_current(&self, request_id: u64) -> bool {
        matches!(self.pending, Some((id, _)) if id == request_id)
    }

    /// A page arrived (`None`: the request failed). Stale answers are dropped; a
    /// failure keeps the user's filters, sort, page and search text (nothing typed is
    /// lost) and leaves rows and selection alone, marked as earlier rows.
    /// Returns whether it was accepted.
    /// A failed page move (a number beyond reach, or the link down) keeps the page on
    /// screen as the current one: the counter, `r` and the next PgDn start from it.
    pub fn on_loaded(&mut self, request_id: u64, result: Option<Page<ActivationSummary>>) -> bool {
        let Some((_, mut requested)) = self.pending.take_if(|(id, _)| *id == request_id) else {
            return false;
        };
        if result.is_none() && self.page.is_some() && same_view_but_page(&requested, &self.applied)
        {
            let (page, cursor) = (self.applied.page, self.applied.cursor.clone());
            self.set_page(page, cursor);
            return true;
        }
        // On failure the user's query stays as set (the filter bar shows it, `r`
        // retries it) and the rows on screen stay, marked as earlier rows.
        if let Some(page) = result {
            // A refresh of the same view keeps the selection; a new view starts on top.
            let same_view = self.page.is_some() && self.applied == requested;
            // The portal may clamp a page past the end; show the page it sent.
            if page.page >= 1 {
                requested.page = page.page;
            }
            for row in &page.items {
                self.marks.refresh(row.number, row);
            }
            self.query = requested.clone();
            self.applied = requested;
            self.page = Some(page);
            self.selected =
                paged::selection_after_load(self.selected, self.rows().len(), same_view);
        }
        true
    }
}

/// Two queries for the same list (filters, sort, page size) that may differ in the page
/// asked for.
pub fn same_view_but_page(a: &ActivationQuery, b: &ActivationQuery) -> bool {
    let a = ActivationQuery {
        page: b.page,
        cursor: b.cursor.clone(),
        ..a.clone()
    };
    a == *b
}

// The drawing lives next door (this file holds the state and its moves).
pub use super::activations_view::{ViewContext, table_area, view};
