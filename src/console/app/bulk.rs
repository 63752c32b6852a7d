//! Many rows at once in the app (issue 16 b; docs/DESIGN.md §5.4): the marks of the
//! Activations and Seats lists, the actions on them (one confirmation with the count,
//! then a run with progress and a result per row), the triage of errors. Exports and
//! saved views are in `views.rs`.

use super::{Command, Msg, State};
use crate::client::wire::{ActivationSummary, Role, Seat, SeatStatus};
use crate::config_views::SavedView;
use crate::console::data::DataError;
use crate::console::i18n::{self, bulk as tr};
use crate::console::screens::activations::ListAction;
use crate::console::screens::bulk_run::{
    BulkKind, BulkPlan, BulkRun, RUN_BINDINGS, RunKey, StepOutcome,
};
use crate::console::screens::dialog::{ConfirmDialog, Confirmed, Dialog};
use crate::console::screens::marks::{MARK_ALL_MAX, MatchList, Matching};
use crate::console::screens::seats::SeatsAction;
use crate::console::screens::triage::{TRIAGE_BINDINGS, TriageOverlay, TriageReply};
use crate::console::screens::{Reply, error_text};
use crate::domain::{ActivationStatus, Kopecks, format_rub};
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An export under way: rows read of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportState {
    pub request_id: u64,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkState {
    /// The action on marked rows in front (owns the keyboard until closed).
    pub run: Option<BulkRun>,
    pub triage: Option<TriageOverlay>,
    pub export: Option<ExportState>,
    /// `[views]` of the config file, and where it is (None: no config file to write).
    pub views: BTreeMap<String, SavedView>,
    pub config_path: Option<PathBuf>,
    /// A view being written: taken into `views` once the file says yes.
    pub saving: Option<(String, SavedView)>,
}

impl BulkState {
    /// The triage's first answer is awaited (the frame waits a moment for it).
    pub fn awaiting_data(&self) -> bool {
        self.triage
            .as_ref()
            .is_some_and(|t| t.pending.is_some() && t.triage.is_none())
    }
}

fn label(lang: crate::domain::Lang, number: i64) -> String {
    match lang {
        crate::domain::Lang::Ru => format!("№ {number}"),
        crate::domain::Lang::En => format!("No. {number}"),
    }
}

fn seat_label(seat: &Seat) -> String {
    match &seat.email {
        Some(email) => format!("{} · {email}", seat.id),
        None => seat.id.to_string(),
    }
}

// ---- the Activations list ----

/// The list's actions that mean something else with marks, and the marks' own keys;
/// None: the action as it always was.
pub(super) fn list_action(state: &mut State, action: ListAction) -> Option<Vec<Command>> {
    let marked = !state.list.marks.is_empty();
    Some(match action {
        ListAction::Mark => {
            if let Some(row) = state.list.selected_row().cloned() {
                state.list.marks.toggle(row.number, &row);
                state.list.apply(ListAction::Down, &mut state.request_ids);
            }
            Vec::new()
        }
        ListAction::MarkRange => {
            let page: Vec<(i64, ActivationSummary)> = state
                .list
                .rows()
                .iter()
                .map(|a| (a.number, a.clone()))
                .collect();
            let selected = state.list.selected;
            state.list.marks.mark_range(&page, selected);
            Vec::new()
        }
        ListAction::MarkAll => {
            if state.list.marks.collecting.is_some() {
                return Some(Vec::new());
            }
            let request_id = state.request_ids.next_id();
            state.list.marks.collecting = Some(request_id);
            let mut query = state.list.query.clone();
            query.page = 1;
            query.cursor = None;
            query.per_page = 100;
            vec![Command::CollectMatching {
                request_id,
                list: MatchList::Activations(query),
            }]
        }
        ListAction::Errors => open_triage(state),
        ListAction::Retry if marked => confirm_retry(state),
        ListAction::SaveLicense if marked => confirm_save(state),
        ListAction::CopyNumber if marked => {
            let numbers = state.list.marks.ids();
            let text = numbers
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join("\n");
            state.set_notice(tr::copied_many(state.lang, numbers.len()));
            vec![Command::CopyToClipboard(text)]
        }
        ListAction::CopyRow if marked => {
            let ascii = state.theme.glyphs.ascii;
            let text = state
                .list
                .marks
                .values()
                .map(|a| super::row_text(a, state.lang, ascii))
                .collect::<Vec<_>>()
                .join("\n");
            let count = state.list.marks.len();
            state.set_notice(tr::copied_many(state.lang, count));
            vec![Command::CopyToClipboard(text)]
        }
        ListAction::Back if marked => {
            state.list.marks.clear();
            state.set_notice(tr::MARKS_CLEARED.get(state.lang));
            Vec::new()
        }
        _ => return None,
    })
}

/// `R` with marks: the marked activations a retry can help (in error, and not refused
/// by the registry for good), with what is left out said in the question.
fn confirm_retry(state: &mut State) -> Vec<Command> {
    let lang = state.lang;
    if let Some(role @ Role::Viewer) = state.role() {
        let text = i18n::role_denied(lang, role, i18n::ACTION_RETRY);
        return super::tabbed::apply(state, Reply::refused(lang, text));
    }
    let marked: Vec<&ActivationSummary> = state.list.marks.values().collect();
    let errored: Vec<&ActivationSummary> = marked
        .iter()
        .copied()
        .filter(|a| a.status == ActivationStatus::Error)
        .collect();
    let retryable: Vec<&ActivationSummary> = errored
        .iter()
        .copied()
        .filter(|a| !a.failure.as_ref().is_some_and(|f| f.reason.is_final()))
        .collect();
    if retryable.is_empty() {
        let text = tr::NOTHING_TO_RETRY.get(lang);
        return super::tabbed::apply(state, Reply::refused(lang, text));
    }
    let total = Kopecks(retryable.iter().map(|a| a.total_cost.0).sum());
    let mut lines = vec![tr::retry_question(
        lang,
        retryable.len(),
        total,
        state.theme.glyphs.ascii,
    )];
    let not_errored = marked.len() - errored.len();
    if not_errored > 0 {
        lines.push(tr::skipped(lang, not_errored, tr::NOT_ERRORED));
    }
    if errored.len() > retryable.len() {
        lines.push(tr::skipped(
            lang,
            errored.len() - retryable.len(),
            tr::REFUSED_FOR_GOOD,
        ));
    }
    let plan = BulkPlan {
        kind: BulkKind::Retry,
        rows: retryable
            .iter()
            .map(|a| {
                let text = format!(
                    "{} · {}",
                    label(lang, a.number),
                    format_rub(a.total_cost, state.theme.glyphs.ascii)
                );
                (a.number, text)
            })
            .collect(),
    };
    push_confirm(state, tr::RETRY_TITLE, lines, tr::RETRY_BUTTON, plan)
}

/// `L` with marks: the done ones' files into one folder under the downloads.
fn confirm_save(state: &mut State) -> Vec<Command> {
    let lang = state.lang;
    let marked: Vec<&ActivationSummary> = state.list.marks.values().collect();
    let done: Vec<&ActivationSummary> = marked
        .iter()
        .copied()
        .filter(|a| a.status == ActivationStatus::Done)
        .collect();
    if done.is_empty() {
        let text = tr::NOTHING_TO_SAVE.get(lang);
        return super::tabbed::apply(state, Reply::refused(lang, text));
    }
    let folder = format!("licenses-{}", state.today.format("%Y-%m-%d"));
    let mut lines = vec![tr::save_question(lang, done.len(), &folder)];
    if marked.len() > done.len() {
        lines.push(tr::skipped(lang, marked.len() - done.len(), tr::NOT_DONE));
    }
    let plan = BulkPlan {
        kind: BulkKind::SaveLicenses { folder },
        rows: done
            .iter()
            .map(|a| (a.number, label(lang, a.number)))
            .collect(),
    };
    push_confirm(state, tr::SAVE_TITLE, lines, tr::SAVE_BUTTON, plan)
}

fn push_confirm(
    state: &mut State,
    title: i18n::Tr,
    lines: Vec<String>,
    button: i18n::Tr,
    plan: BulkPlan,
) -> Vec<Command> {
    let lang = state.lang;
    state.dialogs.push(Dialog::Confirm(ConfirmDialog::new(
        title.get(lang),
        lines,
        button.get(lang),
        Confirmed::Bulk(plan),
    )));
    Vec::new()
}

// ---- the Seats list ----

/// The seats' marks and the actions that mean something else with marks; None: the
/// action as it always was (a dialog or input of the screen in front: never here).
pub(super) fn seats_action(state: &mut State, action: SeatsAction) -> Option<Vec<Command>> {
    let seats = &state.seats;
    if seats.bind.is_some() || seats.bulk.is_some() || seats.search_input.is_some() {
        return None;
    }
    let marked = !seats.marks.is_empty();
    let lang = state.lang;
    Some(match action {
        SeatsAction::Mark => {
            if let Some(row) = state.seats.selected_row().cloned() {
                state.seats.marks.toggle(row.id, &row);
                let ctx = crate::console::screens::Ctx {
                    lang,
                    role: state.me.as_ref().map(|m| m.role),
                    organizations: &state.organizations,
                    today: state.today,
                    theme: &state.theme,
                    keymap: &state.keymap,
                };
                state
                    .seats
                    .apply(SeatsAction::Down, &ctx, &mut state.request_ids);
            }
            Vec::new()
        }
        SeatsAction::MarkRange => {
            let page: Vec<(i64, Seat)> = state
                .seats
                .rows()
                .iter()
                .map(|s| (s.id, s.clone()))
                .collect();
            let selected = state.seats.selected;
            state.seats.marks.mark_range(&page, selected);
            Vec::new()
        }
        SeatsAction::MarkAll => {
            if state.seats.marks.collecting.is_some() {
                return Some(Vec::new());
            }
            let request_id = state.request_ids.next_id();
            state.seats.marks.collecting = Some(request_id);
            let mut query = state.seats.query.clone();
            query.page = 1;
            query.per_page = 100;
            vec![Command::CollectMatching {
                request_id,
                list: MatchList::Seats(query),
            }]
        }
        SeatsAction::CopyId => {
            let ids: Vec<i64> = if marked {
                state.seats.marks.ids()
            } else {
                state
                    .seats
                    .selected_row()
                    .map(|s| s.id)
                    .into_iter()
                    .collect()
            };
            if ids.is_empty() {
                return Some(Vec::new());
            }
            let text = ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join("\n");
            state.set_notice(tr::copied_many(lang, ids.len()));
            vec![Command::CopyToClipboard(text)]
        }
        SeatsAction::Unbind if marked => confirm_unbind(state),
        SeatsAction::Back if marked => {
            state.seats.marks.clear();
            state.set_notice(tr::MARKS_CLEARED.get(lang));
            Vec::new()
        }
        _ => return None,
    })
}

fn confirm_unbind(state: &mut State) -> Vec<Command> {
    let lang = state.lang;
    if let Some(role) = state.role().filter(|r| *r != Role::Admin) {
        let text = i18n::role_denied(lang, role, i18n::seats::ACTION_UNBIND);
        return super::tabbed::apply(state, Reply::refused(lang, text));
    }
    let marked: Vec<&Seat> = state.seats.marks.values().collect();
    let bound: Vec<&Seat> = marked
        .iter()
        .copied()
        .filter(|s| s.status == SeatStatus::Bound)
        .collect();
    if bound.is_empty() {
        let text = tr::NOTHING_TO_UNBIND.get(lang);
        return super::tabbed::apply(state, Reply::refused(lang, text));
    }
    let mut lines = vec![tr::unbind_question(lang, bound.len())];
    if marked.len() > bound.len() {
        lines.push(tr::skipped(lang, marked.len() - bound.len(), tr::NOT_BOUND));
    }
    let plan = BulkPlan {
        kind: BulkKind::Unbind,
        rows: bound.iter().map(|s| (s.id, seat_label(s))).collect(),
    };
    push_confirm(state, tr::UNBIND_TITLE, lines, tr::UNBIND_BUTTON, plan)
}

// ---- the run ----

/// Confirmed: the run opens and its first request goes.
pub(super) fn start(state: &mut State, plan: BulkPlan) -> Vec<Command> {
    let id = state.request_ids.next_id();
    let mut run = BulkRun::new(id, plan.kind, plan.rows);
    let first = run.next_request();
    state.bulk.run = Some(run);
    first.into_iter().collect()
}

/// A key while the run is in front: scrolling; Esc closes it once everything ran.
pub(super) fn on_run_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(key) = state.keymap.lookup(RUN_BINDINGS, event) else {
        return Vec::new();
    };
    if key == RunKey::Help {
        state.help_open = true;
        return Vec::new();
    }
    if let Some(run) = state.bulk.run.as_mut()
        && run.on_key(key)
    {
        state.bulk.run = None;
    }
    Vec::new()
}

fn on_step(state: &mut State, run_id: u64, outcomes: Vec<(i64, StepOutcome)>) -> Vec<Command> {
    let lang = state.lang;
    let Some(run) = state.bulk.run.as_mut().filter(|r| r.id == run_id) else {
        return Vec::new();
    };
    run.record(outcomes);
    if let Some(next) = run.next_request() {
        return vec![next];
    }
    if !run.finished() {
        return Vec::new();
    }
    let (ok, queued, failed) = run.counts();
    let settled = run.settled();
    let kind = run.kind.clone();
    let text = tr::run_done(lang, ok, queued, failed);
    if failed > 0 {
        state.set_error(text);
    } else {
        state.set_notice(text);
    }
    // What went through is unmarked; what failed stays marked for another try.
    match kind {
        BulkKind::Unbind => {
            for id in settled {
                state.seats.marks.rows.remove(&id);
            }
            let mut commands = vec![
                state.seats.fetch(&mut state.request_ids),
                state.seats.summary_command(),
            ];
            // As the bulk retry: the unbinds went to the portal, not through the outbox
            // (unless queued), so with a mirror sync now to read them back.
            if state.sync.is_some() {
                commands.insert(0, Command::SyncNow);
            }
            commands
        }
        BulkKind::Retry | BulkKind::SaveLicenses { .. } => {
            for id in settled {
                state.list.marks.rows.remove(&id);
            }
            let mut commands = vec![state.list.fetch(&mut state.request_ids)];
            // The bulk retry went to the portal, not through the outbox: with a mirror,
            // sync now so the list reads the retries back.
            if kind == BulkKind::Retry && state.sync.is_some() {
                commands.insert(0, Command::SyncNow);
            }
            commands
        }
    }
}

// ---- the triage ----

pub(super) fn open_triage(state: &mut State) -> Vec<Command> {
    let mut overlay = state.bulk.triage.take().unwrap_or_default();
    let command = overlay.fetch(&mut state.request_ids);
    state.bulk.triage = Some(overlay);
    vec![command]
}

pub(super) fn on_triage_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(key) = state.keymap.lookup(TRIAGE_BINDINGS, event) else {
        return Vec::new();
    };
    let Some(overlay) = state.bulk.triage.as_mut() else {
        return Vec::new();
    };
    let lang = state.lang;
    match overlay.on_key(key, &mut state.request_ids) {
        TriageReply::None => Vec::new(),
        TriageReply::Fetch(command) => vec![command],
        TriageReply::Help => {
            state.help_open = true;
            Vec::new()
        }
        TriageReply::Close => {
            state.bulk.triage = None;
            Vec::new()
        }
        // Over the triage; `export` and `view save` then take the triage (views.rs).
        TriageReply::Palette => super::palette::open(state),
        TriageReply::OpenActivation(number) => {
            state.bulk.triage = None;
            super::palette::open_activation(state, number, None)
        }
        TriageReply::Refused => {
            let text = tr::GROUP_FINAL_REFUSED.get(lang);
            super::tabbed::apply(state, Reply::refused(lang, text))
        }
        TriageReply::Retry { numbers, error } => {
            if let Some(role @ Role::Viewer) = state.role() {
                let text = i18n::role_denied(lang, role, i18n::ACTION_RETRY);
                return super::tabbed::apply(state, Reply::refused(lang, text));
            }
            let lines = vec![tr::retry_group_question(lang, numbers.len(), &error)];
            let plan = BulkPlan {
                kind: BulkKind::Retry,
                rows: numbers.iter().map(|n| (*n, label(lang, *n))).collect(),
            };
            push_confirm(state, tr::RETRY_TITLE, lines, tr::RETRY_BUTTON, plan)
        }
    }
}

// ---- answers ----

pub(super) fn on_result(state: &mut State, msg: Msg) -> Vec<Command> {
    let lang = state.lang;
    match msg {
        Msg::BulkStep { run, outcomes } => on_step(state, run, outcomes),
        Msg::MatchingCollected { request_id, result } => {
            on_matching(state, request_id, result);
            Vec::new()
        }
        Msg::TriageLoaded { request_id, result } => {
            if let Err(e) = &result
                && e.is_connection()
            {
                state.note_unreachable();
            }
            if let Some(overlay) = state.bulk.triage.as_mut() {
                overlay.loaded(request_id, result.map_err(|e| error_text(lang, &e)));
            }
            Vec::new()
        }
        msg @ (Msg::ExportProgress { .. } | Msg::Exported { .. } | Msg::ViewSaved { .. }) => {
            super::views::on_result(state, msg)
        }
        _ => Vec::new(),
    }
}

fn on_matching(state: &mut State, request_id: u64, result: Result<Matching, DataError>) {
    let lang = state.lang;
    let (count, capped) = match result {
        Ok(Matching::Activations { rows, capped })
            if state.list.marks.collecting == Some(request_id) =>
        {
            let count = rows.len();
            state
                .list
                .marks
                .mark_all(rows.into_iter().map(|a| (a.number, a)));
            (count, capped)
        }
        Ok(Matching::Seats { rows, capped })
            if state.seats.marks.collecting == Some(request_id) =>
        {
            let count = rows.len();
            state
                .seats
                .marks
                .mark_all(rows.into_iter().map(|s| (s.id, s)));
            (count, capped)
        }
        Ok(_) => return,
        Err(error) => {
            for marks in [
                &mut state.list.marks.collecting,
                &mut state.seats.marks.collecting,
            ] {
                if *marks == Some(request_id) {
                    *marks = None;
                }
            }
            state.set_error(error_text(lang, &error));
            return;
        }
    };
    state.set_notice(tr::marked_all(lang, count, capped || count >= MARK_ALL_MAX));
}
