//! The mouse (only with `--mouse`): a click on a row of the activations or seats list
//! selects it, the wheel moves the selection. The row under the pointer is found from
//! the terminal size through the same layout functions the view draws with, so update
//! needs nothing from the last frame.

use super::view::{MIN_HEIGHT, MIN_WIDTH, body_area, is_tabbed};
use super::{Command, Front, State};
use crate::console::screens::activations::{self, ListAction};
use crate::console::screens::capacity::CapacityAction;
use crate::console::screens::detail::DetailAction;
use crate::console::screens::seats::{self, SeatsAction};
use crate::console::widgets::row_at;
use ratatui::layout::Rect;

/// What the mouse did, where, in a terminal of which size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseInput {
    pub kind: MouseKind,
    pub column: u16,
    pub row: u16,
    /// The terminal's size when it happened: the layout the row is mapped through.
    pub width: u16,
    pub height: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    /// The left button pressed.
    Click,
    WheelUp,
    WheelDown,
}

pub(super) fn on_mouse(state: &mut State, input: MouseInput) -> Vec<Command> {
    // Anything on top (help, palette, history, outbox, a dialog, a search being typed)
    // has the keyboard's attention; the mouse leaves it alone.
    let covered = !state.dialogs.is_empty()
        || state.help_open
        || state.palette.is_some()
        || state.audit.is_some()
        || state.outbox_overlay.is_some()
        || state.column_chooser.is_some()
        || state.list.search_input.is_some();
    if covered || input.width < MIN_WIDTH || input.height < MIN_HEIGHT {
        return Vec::new();
    }
    let front = state.front();
    let body = body_area(Rect::new(0, 0, input.width, input.height), is_tabbed(front));
    match (front, input.kind) {
        (Front::List, MouseKind::Click) => {
            let table = activations::table_area(body);
            let rows = state.list.rows().len();
            if let Some(index) = row_at(table, input.row, state.list.selected, rows) {
                state.list.selected = index;
            }
            Vec::new()
        }
        (Front::List, wheel) => {
            let action = if wheel == MouseKind::WheelUp {
                ListAction::Up
            } else {
                ListAction::Down
            };
            super::input::list_action(state, action)
        }
        _ if seats_covered(state) => Vec::new(),
        (Front::Seats, MouseKind::Click) => {
            let table = seats::table_area(body);
            let rows = state.seats.rows().len();
            if let Some(index) = row_at(table, input.row, state.seats.selected, rows) {
                state.seats.selected = index;
            }
            Vec::new()
        }
        (Front::Seats, wheel) => {
            let action = if wheel == MouseKind::WheelUp {
                SeatsAction::Up
            } else {
                SeatsAction::Down
            };
            super::tabbed::seats_action(state, action)
        }
        (Front::Detail, MouseKind::WheelUp | MouseKind::WheelDown) => {
            if state.detail.as_ref().is_some_and(|d| d.editing()) {
                return Vec::new();
            }
            let action = if input.kind == MouseKind::WheelUp {
                DetailAction::Up
            } else {
                DetailAction::Down
            };
            super::input::detail_action(state, action)
        }
        (Front::Capacity, MouseKind::WheelUp | MouseKind::WheelDown)
            if state.capacity.emergency.is_none() =>
        {
            let action = if input.kind == MouseKind::WheelUp {
                CapacityAction::Up
            } else {
                CapacityAction::Down
            };
            super::tabbed::capacity_action(state, action)
        }
        _ => Vec::new(),
    }
}

/// A dialog or the e-mail search is open on the seats screen.
fn seats_covered(state: &State) -> bool {
    state.front() == Front::Seats
        && (state.seats.bind.is_some()
            || state.seats.bulk.is_some()
            || state.seats.search_input.is_some())
}
