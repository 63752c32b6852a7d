//! Bulk bind: a pasted list of e-mails bound in order to the free seats of one product,
//! one request at a time, with a result per row.

use super::{Reply, SeatsAction, SeatsScreen, email_problem};
use crate::client::wire::{OrgRef, Page, ProductRef, Seat, SeatQuery, SeatSortKey, SeatStatus};
use crate::console::app::{Command, RequestIds};
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{Down, Esc, F, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::screens::{Ctx, error_text};
use crate::console::widgets::text_box::TextBox;
use crate::domain::Lang;
use crossterm::event::KeyEvent;

/// Free seats fetched for one run (the API's largest page).
const MAX_FREE: u32 = 100;

/// In the text area letters type text, so the actions are F keys.
#[rustfmt::skip]
pub const BULK_BINDINGS: &[Binding<SeatsAction>] = &[
    bind("bulk.run", &[F(5)], SeatsAction::RunBulk, Tr::new("привязать все адреса по порядку к свободным местам", "bind all addresses in order to free seats"), Some(Tr::new("привязать", "bind"))),
    bind("bulk.next_product", &[F(2)], SeatsAction::NextTarget, Tr::new("следующий продукт", "next product"), Some(Tr::new("продукт", "product"))),
    bind("bulk.down", &[Down], SeatsAction::Down, Tr::new("результаты: вниз", "results: down"), None),
    bind("bulk.up", &[Up], SeatsAction::Up, Tr::new("результаты: вверх", "results: up"), None),
    bind("bulk.close", &[Esc], SeatsAction::Close, Tr::new("закрыть (после выполнения)", "close (when done)"), Some(Tr::new("закрыть", "close"))),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkPhase {
    Editing,
    Running,
    Done,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BulkResult {
    Waiting,
    Bound(i64),
    /// Offline: the bind to this seat waits in the outbox.
    Queued(i64),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkRow {
    pub email: String,
    pub result: BulkResult,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkBind {
    /// The organization and product the seats come from.
    pub target: Option<(OrgRef, ProductRef)>,
    pub input: TextBox,
    pub phase: BulkPhase,
    pub rows: Vec<BulkRow>,
    /// Free seats not used yet, in order.
    pub free: Vec<i64>,
    /// The bind being answered: (row, seat).
    pub in_flight: Option<(usize, i64)>,
    pub fetch_request: Option<u64>,
    /// First result row shown.
    pub scroll: usize,
}

impl BulkBind {
    pub fn is_in_flight(&self, seat: i64, email: &str) -> bool {
        matches!(self.in_flight, Some((row, s)) if s == seat
            && self.rows.get(row).is_some_and(|r| r.email == email))
    }

    pub fn paste(&mut self, text: &str) {
        if self.phase == BulkPhase::Editing {
            self.input.paste(text);
        }
    }

    pub fn counts(&self) -> (usize, usize) {
        let bound = self
            .rows
            .iter()
            .filter(|r| matches!(r.result, BulkResult::Bound(_)))
            .count();
        let failed = self
            .rows
            .iter()
            .filter(|r| matches!(r.result, BulkResult::Failed(_)))
            .count();
        (bound, failed)
    }
}

/// The e-mails of the pasted text: one per line, `#` comments and blank lines skipped.
pub fn bulk_emails(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

impl SeatsScreen {
    /// The summary entries a bulk bind may target: the product filter's first.
    fn targets(&self) -> Vec<(OrgRef, ProductRef)> {
        let mut all: Vec<(OrgRef, ProductRef)> = self
            .summary
            .iter()
            .map(|s| (s.organization.clone(), s.product.clone()))
            .collect();
        if let Some(product) = &self.query.product
            && let Some(i) = all.iter().position(|(_, p)| &p.id == product)
        {
            let first = all.remove(i);
            all.insert(0, first);
        }
        all
    }

    pub(super) fn open_bulk(&mut self, ctx: &Ctx) -> Reply {
        if let Some(text) = ctx.denied(i18n::seats::ACTION_BIND) {
            return Reply::refused(ctx.lang, text);
        }
        if self.bulk.is_none() {
            let lang = ctx.lang;
            self.bulk = Some(BulkBind {
                target: self.targets().into_iter().next(),
                input: TextBox::new(
                    i18n::seats::BULK_INPUT_TITLE.get(lang),
                    i18n::seats::BULK_PLACEHOLDER.get(lang),
                    ctx.theme,
                ),
                phase: BulkPhase::Editing,
                rows: Vec::new(),
                free: Vec::new(),
                in_flight: None,
                fetch_request: None,
                scroll: 0,
            });
        }
        Reply::default()
    }

    pub(super) fn bulk_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let targets = self.targets();
        let Some(bulk) = self.bulk.as_mut() else {
            return Reply::default();
        };
        let action = ctx.keymap.lookup(BULK_BINDINGS, event);
        match (bulk.phase, action) {
            (BulkPhase::Running, _) => {}
            (_, Some(SeatsAction::Close)) => self.bulk = None,
            (_, Some(SeatsAction::Down)) if bulk.phase == BulkPhase::Done => {
                bulk.scroll = (bulk.scroll + 1).min(bulk.rows.len().saturating_sub(1));
            }
            (_, Some(SeatsAction::Up)) if bulk.phase == BulkPhase::Done => {
                bulk.scroll = bulk.scroll.saturating_sub(1);
            }
            (BulkPhase::Editing, Some(SeatsAction::NextTarget)) => {
                let current = bulk
                    .target
                    .as_ref()
                    .and_then(|t| targets.iter().position(|x| x == t));
                let next = current.map(|i| (i + 1) % targets.len().max(1)).unwrap_or(0);
                bulk.target = targets.get(next).cloned();
            }
            (BulkPhase::Editing, Some(SeatsAction::RunBulk)) => return self.run_bulk(ctx, ids),
            (BulkPhase::Done, Some(SeatsAction::RunBulk)) => {
                // Once more with the same list (e.g. after buying seats).
                bulk.phase = BulkPhase::Editing;
                return self.run_bulk(ctx, ids);
            }
            (BulkPhase::Editing, _) => {
                bulk.input.0.input(*event);
            }
            _ => {}
        }
        Reply::default()
    }

    fn run_bulk(&mut self, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        let lang = ctx.lang;
        let Some(bulk) = self.bulk.as_mut() else {
            return Reply::default();
        };
        let Some((org, product)) = bulk.target.clone() else {
            return Reply::error(i18n::seats::BULK_NO_PRODUCT.get(lang));
        };
        let emails = bulk_emails(&bulk.input.text());
        if emails.is_empty() {
            return Reply::error(i18n::seats::BULK_EMPTY.get(lang));
        }
        bulk.rows = emails
            .into_iter()
            .map(|email| {
                let result = match email_problem(&email) {
                    Some(problem) => {
                        BulkResult::Failed(i18n::seats::email_problem(lang, problem).to_string())
                    }
                    None => BulkResult::Waiting,
                };
                BulkRow { email, result }
            })
            .collect();
        bulk.phase = BulkPhase::Running;
        bulk.scroll = 0;
        bulk.free.clear();
        bulk.in_flight = None;
        let request_id = ids.next_id();
        bulk.fetch_request = Some(request_id);
        Reply::command(Command::FetchSeats {
            request_id,
            query: SeatQuery {
                organization: Some(org.id),
                product: Some(product.id),
                status: Some(SeatStatus::Free),
                q: None,
                sort: SeatSortKey::Id,
                descending: false,
                page: 1,
                per_page: MAX_FREE,
            },
        })
    }

    /// The free seats of a bulk run arrived (`false`: not the run's request).
    pub fn on_free_seats(
        &mut self,
        request_id: u64,
        result: Result<Page<Seat>, DataError>,
        lang: Lang,
    ) -> Option<Reply> {
        let bulk = self
            .bulk
            .as_mut()
            .filter(|b| b.fetch_request == Some(request_id))?;
        bulk.fetch_request = None;
        match result {
            Ok(page) => {
                bulk.free = page
                    .items
                    .iter()
                    .filter(|s| s.status == SeatStatus::Free)
                    .map(|s| s.id)
                    .collect();
            }
            Err(error) => {
                let text = error_text(lang, &error);
                for row in bulk.rows.iter_mut() {
                    if row.result == BulkResult::Waiting {
                        row.result = BulkResult::Failed(text.clone());
                    }
                }
            }
        }
        Some(self.bulk_next(lang))
    }

    /// Sends the next bind, or finishes the run.
    fn bulk_next(&mut self, lang: Lang) -> Reply {
        let Some(bulk) = self.bulk.as_mut() else {
            return Reply::default();
        };
        let Some(row) = bulk
            .rows
            .iter()
            .position(|r| r.result == BulkResult::Waiting)
        else {
            bulk.phase = BulkPhase::Done;
            bulk.in_flight = None;
            let (bound, failed) = bulk.counts();
            return Reply {
                commands: vec![self.summary_command()],
                notice: Some(i18n::seats::bulk_done(lang, bound, failed)),
                ..Reply::default()
            };
        };
        if bulk.free.is_empty() {
            for r in bulk.rows.iter_mut().skip(row) {
                if r.result == BulkResult::Waiting {
                    r.result = BulkResult::Failed(i18n::seats::NO_FREE_SEATS.get(lang).into());
                }
            }
            return self.bulk_next(lang);
        }
        let seat = bulk.free.remove(0);
        bulk.in_flight = Some((row, seat));
        Reply::command(Command::BindSeat {
            seat,
            email: bulk.rows[row].email.clone(),
        })
    }

    /// The answer to the run's bind: record it and go on.
    pub(super) fn bulk_bound(
        &mut self,
        seat: i64,
        result: Result<Seat, DataError>,
        lang: Lang,
        _ids: &mut RequestIds,
    ) -> Reply {
        let Some(bulk) = self.bulk.as_mut() else {
            return Reply::default();
        };
        let Some((row, _)) = bulk.in_flight.take() else {
            return Reply::default();
        };
        match result {
            Ok(_) => bulk.rows[row].result = BulkResult::Bound(seat),
            // Someone took this seat meanwhile (`seat_not_free`): the same e-mail tries the next one.
            Err(DataError::Api {
                status: 409, code, ..
            }) if code.contains("not_free") => {}
            Err(error) => {
                bulk.rows[row].result = BulkResult::Failed(error_text(lang, &error));
                // The seat stayed free: the next e-mail gets it.
                bulk.free.insert(0, seat);
            }
        }
        self.bulk_next(lang)
    }

    /// The bind in flight was queued (offline): the row says so, the next one goes on.
    pub(super) fn bulk_queued(&mut self, seat: i64, lang: Lang) -> Reply {
        let Some(bulk) = self.bulk.as_mut() else {
            return Reply::default();
        };
        let Some((row, _)) = bulk.in_flight.take() else {
            return Reply::default();
        };
        bulk.rows[row].result = BulkResult::Queued(seat);
        self.bulk_next(lang)
    }
}
