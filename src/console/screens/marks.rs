//! Marked rows of a list (issue 16 b; docs/DESIGN.md §5.4): `Space` marks the selected
//! row, `V` the rows from the last one marked to the selected one, `*` every row the
//! filter matches across pages (asked of the portal page by page, at most
//! [`MARK_ALL_MAX`]). Marks are kept by id with the row as last seen, so they survive
//! paging and a changed filter, and an action on them needs no further reads.

use crate::client::wire::{ActivationQuery, ActivationSummary, Seat, SeatQuery};
use std::collections::BTreeMap;

/// The list `*` collects the matches of (its filters and sort; pages of 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchList {
    Activations(ActivationQuery),
    Seats(SeatQuery),
}

/// Every row a filter matched, up to [`MARK_ALL_MAX`]; `capped` when there were more.
#[derive(Debug, Clone, PartialEq)]
pub enum Matching {
    Activations {
        rows: Vec<ActivationSummary>,
        capped: bool,
    },
    Seats {
        rows: Vec<Seat>,
        capped: bool,
    },
}

/// Rows `*` marks at most: beyond this a filter is too wide to act on blind.
pub const MARK_ALL_MAX: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Marks<T> {
    /// Marked rows by id (activation number, seat id), as last seen.
    pub rows: BTreeMap<i64, T>,
    /// The row `Space` last marked: where `V` starts its range.
    pub anchor: Option<i64>,
    /// The `*` request under way (its request id).
    pub collecting: Option<u64>,
}

impl<T> Default for Marks<T> {
    fn default() -> Marks<T> {
        Marks {
            rows: BTreeMap::new(),
            anchor: None,
            collecting: None,
        }
    }
}

impl<T: Clone> Marks<T> {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn contains(&self, id: i64) -> bool {
        self.rows.contains_key(&id)
    }

    /// `Space`: marks the row, or unmarks it when it was marked; it becomes the anchor.
    pub fn toggle(&mut self, id: i64, row: &T) {
        if self.rows.remove(&id).is_none() {
            self.rows.insert(id, row.clone());
        }
        self.anchor = Some(id);
    }

    /// `V`: marks every row of the page from the anchor to `selected` (both included);
    /// without an anchor on this page, from the page's first row.
    pub fn mark_range(&mut self, page: &[(i64, T)], selected: usize) {
        if page.is_empty() {
            return;
        }
        let selected = selected.min(page.len() - 1);
        let start = self
            .anchor
            .and_then(|anchor| page.iter().position(|(id, _)| *id == anchor))
            .unwrap_or(0);
        let (from, to) = (start.min(selected), start.max(selected));
        for (id, row) in &page[from..=to] {
            self.rows.insert(*id, row.clone());
        }
        self.anchor = page.get(selected).map(|(id, _)| *id);
    }

    /// `*` answered: every matching row is marked (added to what was marked).
    pub fn mark_all(&mut self, rows: impl IntoIterator<Item = (i64, T)>) {
        self.rows.extend(rows);
        self.collecting = None;
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.anchor = None;
        self.collecting = None;
    }

    /// A row changed (a page arrived, a write answered): keep the marked copy current.
    pub fn refresh(&mut self, id: i64, row: &T) {
        if let Some(marked) = self.rows.get_mut(&id) {
            *marked = row.clone();
        }
    }

    /// The marked rows in id order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    pub fn ids(&self) -> Vec<i64> {
        self.rows.keys().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[i64]) -> Vec<(i64, i64)> {
        ids.iter().map(|id| (*id, *id * 10)).collect()
    }

    #[test]
    fn space_toggles_and_v_marks_from_the_anchor_to_the_selection() {
        let mut marks = Marks::default();
        let rows = page(&[9, 8, 7, 6, 5]);
        marks.toggle(8, &80);
        assert!(marks.contains(8));
        marks.mark_range(&rows, 3);
        assert_eq!(marks.ids(), vec![6, 7, 8]);
        // Backwards from the new anchor (6) to the first row.
        marks.mark_range(&rows, 0);
        assert_eq!(marks.ids(), vec![6, 7, 8, 9]);
        marks.toggle(7, &70);
        assert_eq!(marks.ids(), vec![6, 8, 9]);
        // An anchor on another page: the range starts at this page's top.
        let other = page(&[4, 3, 2]);
        marks.anchor = Some(100);
        marks.mark_range(&other, 1);
        assert_eq!(marks.ids(), vec![3, 4, 6, 8, 9]);
        marks.clear();
        assert!(marks.is_empty() && marks.anchor.is_none());
    }
}
