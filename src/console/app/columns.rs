//! The column chooser over a list, and the remembered choice: applied at start from the
//! state file, saved (by the runtime) after every change.

use super::{Command, State};
use crate::console::columns::Columns;
use crate::console::i18n::columns as tr;
use crate::console::screens::column_chooser::{self, ColumnChooser, ListKind};
use crate::console::ui_state::{ColumnsState, UiState, UiStateError};
use crossterm::event::KeyEvent;

impl State {
    /// What is saved between runs.
    pub fn ui_state(&self) -> UiState {
        UiState {
            columns: ColumnsState {
                activations: Some(self.list.columns.saved()),
                seats: Some(self.seats.columns.saved()),
            },
        }
    }

    /// The state file as loaded at start; a file that could not be read leaves the
    /// defaults and says so on the status line (as a notice, which the first answer
    /// from the portal does not wipe).
    pub fn apply_ui_state(&mut self, loaded: Result<UiState, UiStateError>) {
        match loaded {
            Ok(ui) => {
                if let Some(saved) = &ui.columns.activations {
                    self.list.columns = Columns::from_saved(saved);
                }
                if let Some(saved) = &ui.columns.seats {
                    self.seats.columns = Columns::from_saved(saved);
                }
            }
            Err(error) => self.notice = Some(tr::load_failed(self.lang, &error)),
        }
    }
}

pub(super) fn open(state: &mut State, list: ListKind) -> Vec<Command> {
    state.column_chooser = Some(ColumnChooser::new(list));
    Vec::new()
}

/// A key while the chooser is open.
pub(super) fn on_key(state: &mut State, event: &KeyEvent) -> Vec<Command> {
    let Some(action) = state.keymap.lookup(column_chooser::BINDINGS, event) else {
        return Vec::new();
    };
    let Some(chooser) = state.column_chooser.as_mut() else {
        return Vec::new();
    };
    let outcome = match chooser.list {
        ListKind::Activations => chooser.apply(&mut state.list.columns, action),
        ListKind::Seats => chooser.apply(&mut state.seats.columns, action),
    };
    if outcome.close {
        state.column_chooser = None;
    }
    if outcome.help {
        state.help_open = true;
    }
    if let Some(column) = outcome.refused {
        state.set_error(tr::cannot_hide(state.lang, column));
    }
    if outcome.changed {
        return vec![Command::SaveUiState(state.ui_state())];
    }
    Vec::new()
}

pub(super) fn on_saved(state: &mut State, result: Result<(), String>) -> Vec<Command> {
    if let Err(error) = result {
        state.set_error(tr::save_failed(state.lang, &error));
    }
    Vec::new()
}
