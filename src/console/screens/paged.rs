//! What the paged lists (Activations, Seats) share: the rows of the last page, the
//! selection within it, page and page-size moves and the search input's editing.
//! Each screen keeps its own fields and query type; these helpers hold the logic so
//! both lists move the same way.

use crate::client::wire::{PAGE_SIZES, Page, page_count};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The rows of the last page that arrived (none before the first does).
pub fn rows<T>(page: Option<&Page<T>>) -> &[T] {
    page.map(|p| p.items.as_slice()).unwrap_or(&[])
}

/// Pages for `per_page`, from the last known total (1 before the first page).
pub fn pages<T>(page: Option<&Page<T>>, per_page: u32) -> u32 {
    page.map(|p| page_count(p.total, per_page)).unwrap_or(1)
}

/// Rows across all pages, from the last page that arrived.
pub fn total<T>(page: Option<&Page<T>>) -> u64 {
    page.map(|p| p.total).unwrap_or(0)
}

/// A move of the selection within the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowMove {
    Down,
    Up,
    First,
    Last,
}

/// The selection after `row_move`, kept within `rows` rows.
pub fn move_selection(selected: usize, rows: usize, row_move: RowMove) -> usize {
    let last_row = rows.saturating_sub(1);
    match row_move {
        RowMove::Down => (selected + 1).min(last_row),
        RowMove::Up => selected.saturating_sub(1),
        RowMove::First => 0,
        RowMove::Last => last_row,
    }
}

/// The page to fetch for a move to `wanted`, clamped to the known pages; `None` when
/// that is the page already shown (nothing to fetch).
pub fn page_to_fetch(wanted: u32, page_count: u32, current: u32) -> Option<u32> {
    let page = wanted.clamp(1, page_count);
    (page != current).then_some(page)
}

/// The next page size after `per_page`, wrapping around to the smallest.
pub fn next_page_size(per_page: u32) -> u32 {
    PAGE_SIZES
        .iter()
        .copied()
        .find(|&size| size > per_page)
        .unwrap_or(PAGE_SIZES[0])
}

/// The selection once a page arrived: a refresh of the same view keeps it (within
/// the new rows), a new view starts on top.
pub fn selection_after_load(selected: usize, rows: usize, same_view: bool) -> usize {
    if same_view {
        selected.min(rows.saturating_sub(1))
    } else {
        0
    }
}

/// A key while the search input is open: typing edits, Esc closes it, Enter closes it
/// and returns the search text (`Some(None)`: an empty search, i.e. no filter).
pub fn search_key(input: &mut Option<String>, event: &KeyEvent) -> Option<Option<String>> {
    let text = input.as_mut()?;
    match event.code {
        KeyCode::Esc => *input = None,
        KeyCode::Enter => {
            let text = text.trim().to_string();
            *input = None;
            return Some((!text.is_empty()).then_some(text));
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c)
            if !event
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.push(c)
        }
        _ => {}
    }
    None
}
