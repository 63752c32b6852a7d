//! Taking the view with you (issue 16 b; docs/DESIGN.md §5.4): `:export FILE` of the
//! list in front — Activations, Seats, Activity, Renewals, Invoices, Webhooks, Access
//! or the error triage — every page as it is filtered, sorted and shown, with the
//! progress on the status line; `:view save NAME` of its filters into the config's
//! `[views]` (with the screen it was saved on), and `:view NAME` opening it there.

use super::bulk::ExportState;
use super::{Command, Front, Msg, SaveError, State};
use crate::config_views::{SavedView, ViewKind};
use crate::console::columns::{ColumnId, Columns, SavedColumns};
use crate::console::i18n::bulk as tr;
use crate::console::screens::export::ExportList;
use crate::console::screens::renewals::DEFAULT_WINDOW;
use crate::console::screens::triage::{Period, TriageOverlay};
use crate::console::screens::{Tab, error_text};
use std::path::PathBuf;

/// The list in front for an export or a view: the triage when it is open over the
/// screen, else the screen (None: not a list).
fn list_in_front(state: &State) -> Option<ViewKind> {
    if state.bulk.triage.is_some() {
        return Some(ViewKind::Triage);
    }
    Some(match state.front() {
        Front::List => ViewKind::Activations,
        Front::Seats => ViewKind::Seats,
        Front::Activity => ViewKind::Activity,
        Front::Renewals => ViewKind::Renewals,
        Front::Invoices => ViewKind::Invoices,
        Front::Webhooks => ViewKind::Webhooks,
        Front::Access => ViewKind::Access,
        Front::Detail | Front::NewActivation | Front::Capacity | Front::Keys => return None,
    })
}

/// `:export FILE`: the list in front, as it is filtered, sorted and shown, every page.
pub(super) fn export(state: &mut State, path: String) -> Vec<Command> {
    let lang = state.lang;
    if state.bulk.export.is_some() {
        state.set_error(tr::EXPORT_BUSY.get(lang));
        return Vec::new();
    }
    let Some(kind) = list_in_front(state) else {
        state.set_error(tr::EXPORT_HERE_ONLY.get(lang));
        return Vec::new();
    };
    let list = match kind {
        ViewKind::Activations => {
            let mut query = state.list.query.clone();
            query.page = 1;
            query.cursor = None;
            query.per_page = 100;
            ExportList::Activations {
                query,
                columns: state.list.columns.visible().collect(),
            }
        }
        ViewKind::Seats => {
            let mut query = state.seats.query.clone();
            query.page = 1;
            query.per_page = 100;
            ExportList::Seats {
                query,
                columns: state.seats.columns.visible().collect(),
            }
        }
        ViewKind::Activity => ExportList::Events {
            query: state.activity.query.first_page(),
        },
        ViewKind::Renewals => ExportList::Devices {
            query: state.renewals.query.first_page(),
            today: state.today,
        },
        ViewKind::Invoices => ExportList::Invoices { today: state.today },
        ViewKind::Webhooks => ExportList::Webhooks,
        ViewKind::Access => ExportList::Tokens,
        ViewKind::Triage => ExportList::Triage {
            since: state
                .bulk
                .triage
                .as_ref()
                .map_or(Period::Day, |t| t.period)
                .param()
                .to_string(),
        },
    };
    let request_id = state.request_ids.next_id();
    state.bulk.export = Some(ExportState {
        request_id,
        done: 0,
        total: 0,
    });
    vec![Command::Export {
        request_id,
        list: Box::new(list),
        path: PathBuf::from(path),
    }]
}

fn visible_keys<C: ColumnId>(columns: &Columns<C>) -> Vec<String> {
    columns.visible().map(|c| c.key().to_string()).collect()
}

/// `:view save NAME`: the list in front's filters, sort, page size and columns.
pub(super) fn save_view(state: &mut State, name: String) -> Vec<Command> {
    let lang = state.lang;
    let Some(kind) = list_in_front(state) else {
        state.set_error(tr::VIEWS_HERE_ONLY.get(lang));
        return Vec::new();
    };
    let view = match kind {
        ViewKind::Activations => {
            SavedView::of_activations(&state.list.query, visible_keys(&state.list.columns))
        }
        ViewKind::Seats => {
            SavedView::of_seats(&state.seats.query, visible_keys(&state.seats.columns))
        }
        ViewKind::Activity => SavedView::of_activity(&state.activity.query, state.activity.period),
        ViewKind::Renewals => SavedView::of_renewals(&state.renewals.query, state.renewals.window),
        ViewKind::Triage => SavedView::of_triage(
            state
                .bulk
                .triage
                .as_ref()
                .map_or(Period::Day, |t| t.period)
                .days(),
        ),
        ViewKind::Invoices | ViewKind::Webhooks | ViewKind::Access => SavedView::of_screen(kind),
    };
    let Some(path) = state.bulk.config_path.clone() else {
        state.set_error(tr::NO_CONFIG.get(lang));
        return Vec::new();
    };
    state.bulk.saving = Some((name.clone(), view.clone()));
    vec![Command::SaveView {
        path,
        name,
        view: Box::new(view),
    }]
}

/// Only the named columns, in that order, shown (the rest hidden, after them).
fn columns_of<C: ColumnId>(keys: &[String]) -> Option<Columns<C>> {
    if keys.is_empty() {
        return None;
    }
    let hidden = C::ALL
        .iter()
        .map(|c| c.key().to_string())
        .filter(|k| !keys.contains(k))
        .collect();
    Some(Columns::from_saved(&SavedColumns {
        order: keys.to_vec(),
        hidden,
    }))
}

/// `:view NAME`: its screen, filtered, sorted and shown as saved, from page 1.
pub(super) fn open_view(state: &mut State, name: String) -> Vec<Command> {
    let lang = state.lang;
    let Some(view) = state.bulk.views.get(&name).cloned() else {
        let known: Vec<String> = state.bulk.views.keys().cloned().collect();
        state.set_error(tr::no_view(lang, &name, &known));
        return Vec::new();
    };
    match open(state, &view) {
        Ok(commands) => {
            state.set_notice(tr::view_opened(lang, &name));
            commands
        }
        Err(problem) => {
            state.set_error(format!("{name}: {problem}"));
            Vec::new()
        }
    }
}

/// The view's screen in front with its filters; a value the file got wrong is named
/// and nothing changes.
fn open(state: &mut State, view: &SavedView) -> Result<Vec<Command>, String> {
    // Over another screen, the triage would hide the one the view opens.
    let close_triage = |state: &mut State| state.bulk.triage = None;
    Ok(match view.kind()? {
        ViewKind::Seats => {
            let query = view.seat_query()?;
            close_triage(state);
            let mut commands = super::tabbed::switch_tab(state, Tab::Seats);
            if let Some(columns) = columns_of(&view.columns) {
                state.seats.columns = columns;
            }
            commands.extend(
                state
                    .seats
                    .set_filter(&mut state.request_ids, |q| *q = query),
            );
            commands.push(state.seats.summary_command());
            commands
        }
        ViewKind::Activations => {
            let query = view.activation_query()?;
            close_triage(state);
            let mut commands = super::tabbed::switch_tab(state, Tab::Activations);
            if let Some(columns) = columns_of(&view.columns) {
                state.list.columns = columns;
            }
            commands.extend(
                state
                    .list
                    .set_filter(&mut state.request_ids, |q| *q = query),
            );
            commands
        }
        ViewKind::Activity => {
            let (query, period) = view.activity_query()?;
            close_triage(state);
            // Coming to the screen reads the first page of what is set here.
            state.activity.query = query;
            state.activity.period = period;
            super::tabbed::switch_tab(state, Tab::Activity)
        }
        ViewKind::Renewals => {
            let (query, window) = view.renewals_query()?;
            close_triage(state);
            state.renewals.query = query;
            state.renewals.window = window.unwrap_or(DEFAULT_WINDOW);
            super::tabbed::switch_tab(state, Tab::Renewals)
        }
        ViewKind::Invoices | ViewKind::Webhooks | ViewKind::Access => {
            close_triage(state);
            let tab = match view.kind()? {
                ViewKind::Invoices => Tab::Invoices,
                ViewKind::Webhooks => Tab::Webhooks,
                _ => Tab::Access,
            };
            super::tabbed::switch_tab(state, tab)
        }
        ViewKind::Triage => {
            let period = Period::of_days(view.triage_period()?);
            state.tab = Tab::Activations;
            state.detail = None;
            let mut overlay = TriageOverlay {
                period,
                ..TriageOverlay::default()
            };
            let command = overlay.fetch(&mut state.request_ids);
            state.bulk.triage = Some(overlay);
            vec![command]
        }
    })
}

// ---- answers ----

pub(super) fn on_result(state: &mut State, msg: Msg) -> Vec<Command> {
    let lang = state.lang;
    match msg {
        Msg::ExportProgress {
            request_id,
            done,
            total,
        } => {
            if let Some(export) = state
                .bulk
                .export
                .as_mut()
                .filter(|e| e.request_id == request_id)
            {
                export.done = done;
                export.total = total;
            }
            Vec::new()
        }
        Msg::Exported { request_id, result } => {
            if state.bulk.export.map(|e| e.request_id) != Some(request_id) {
                return Vec::new();
            }
            state.bulk.export = None;
            match result {
                Ok((path, rows)) => {
                    let path = path.display().to_string();
                    if rows >= crate::console::screens::marks::MARK_ALL_MAX as u64 {
                        state.set_error(tr::exported_to_the_limit(lang, rows, &path))
                    } else {
                        state.set_notice(tr::exported(lang, rows, &path))
                    }
                }
                Err(SaveError::Request(e)) => state.set_error(error_text(lang, &e)),
                Err(SaveError::Write { path, error }) => {
                    state.set_error(format!("{}: {error}", path.display()))
                }
            }
            Vec::new()
        }
        Msg::ViewSaved { name, result } => {
            let saving = state.bulk.saving.take();
            match result {
                Ok(()) => {
                    if let Some((saved_name, view)) = saving.filter(|(n, _)| *n == name) {
                        state.bulk.views.insert(saved_name, view);
                    }
                    let file = state
                        .bulk
                        .config_path
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    state.set_notice(tr::view_saved(lang, &name, &file));
                }
                Err(problem) => state.set_error(problem),
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}
