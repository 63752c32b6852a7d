//! Which columns a list shows and in what order: the user's choice, kept per list and
//! saved between runs (`ui_state`). Pure data; the column chooser edits it, the tables
//! read it.

use super::i18n::Tr;

/// A list's column. Each list declares its columns once: the stable name used in the
/// state file, the header, and whether it identifies the row (then it stays shown).
pub trait ColumnId: Copy + Eq + std::fmt::Debug + 'static {
    /// Every column, in the default order.
    const ALL: &'static [Self];
    /// The name in the state file: never translated, never changed.
    fn key(self) -> &'static str;
    fn title(self) -> Tr;
    /// The row's identity (№, seat id): a row without it could not be told apart.
    fn required(self) -> bool;
    /// Shown until the user says otherwise (a wide, occasional column is not).
    fn shown_by_default(self) -> bool {
        true
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<C> {
    pub id: C,
    pub shown: bool,
}

/// The columns of one list in display order, each shown or hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns<C> {
    entries: Vec<Entry<C>>,
}

impl<C: ColumnId> Default for Columns<C> {
    fn default() -> Self {
        Columns {
            entries: C::ALL
                .iter()
                .map(|&id| Entry {
                    id,
                    shown: id.shown_by_default(),
                })
                .collect(),
        }
    }
}

/// The columns as stored: names in order and the hidden ones. Names the program no
/// longer knows are dropped; columns the file does not name yet (added by a newer
/// version) come at the end, shown or not as they are by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedColumns {
    #[serde(default)]
    pub order: Vec<String>,
    #[serde(default)]
    pub hidden: Vec<String>,
}

impl<C: ColumnId> Columns<C> {
    pub fn entries(&self) -> &[Entry<C>] {
        &self.entries
    }

    /// The shown columns, in order.
    pub fn visible(&self) -> impl Iterator<Item = C> + '_ {
        self.entries.iter().filter(|e| e.shown).map(|e| e.id)
    }

    pub fn is_shown(&self, id: C) -> bool {
        self.entries.iter().any(|e| e.id == id && e.shown)
    }

    /// Shows or hides the column at `index`. Returns false (nothing changed) for a
    /// required column or an index out of range.
    pub fn toggle(&mut self, index: usize) -> bool {
        match self.entries.get_mut(index) {
            Some(entry) if !entry.id.required() => {
                entry.shown = !entry.shown;
                true
            }
            _ => false,
        }
    }

    /// Moves the column at `index` one place down (`down`) or up; returns its new
    /// index (the same at either end).
    pub fn move_column(&mut self, index: usize, down: bool) -> usize {
        let target = if down {
            index + 1
        } else {
            index.wrapping_sub(1)
        };
        if index < self.entries.len() && target < self.entries.len() {
            self.entries.swap(index, target);
            target
        } else {
            index
        }
    }

    pub fn saved(&self) -> SavedColumns {
        SavedColumns {
            order: self
                .entries
                .iter()
                .map(|e| e.id.key().to_string())
                .collect(),
            hidden: self
                .entries
                .iter()
                .filter(|e| !e.shown)
                .map(|e| e.id.key().to_string())
                .collect(),
        }
    }

    pub fn from_saved(saved: &SavedColumns) -> Columns<C> {
        let by_key = |key: &str| C::ALL.iter().copied().find(|c| c.key() == key);
        let mut ids: Vec<C> = Vec::new();
        for id in saved.order.iter().filter_map(|k| by_key(k)) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for &id in C::ALL {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let named = |id: C| saved.order.iter().any(|k| k == id.key());
        let hidden = |id: C| {
            !id.required()
                && (saved.hidden.iter().any(|k| k == id.key())
                    || (!named(id) && !id.shown_by_default()))
        };
        Columns {
            entries: ids
                .into_iter()
                .map(|id| Entry {
                    id,
                    shown: !hidden(id),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Col {
        Id,
        Name,
        Date,
    }

    impl ColumnId for Col {
        const ALL: &'static [Col] = &[Col::Id, Col::Name, Col::Date];
        fn key(self) -> &'static str {
            match self {
                Col::Id => "id",
                Col::Name => "name",
                Col::Date => "date",
            }
        }
        fn title(self) -> Tr {
            Tr::new("x", "x")
        }
        fn required(self) -> bool {
            self == Col::Id
        }
    }

    #[test]
    fn the_identity_column_cannot_be_hidden() {
        let mut columns = Columns::<Col>::default();
        assert!(!columns.toggle(0));
        assert!(columns.toggle(1));
        assert!(!columns.toggle(9));
        assert_eq!(columns.visible().collect::<Vec<_>>(), [Col::Id, Col::Date]);
    }

    #[test]
    fn moves_stop_at_the_ends() {
        let mut columns = Columns::<Col>::default();
        assert_eq!(columns.move_column(0, false), 0);
        assert_eq!(columns.move_column(2, true), 2);
        assert_eq!(columns.move_column(2, false), 1);
        assert_eq!(
            columns.visible().collect::<Vec<_>>(),
            [Col::Id, Col::Date, Col::Name]
        );
    }

    #[test]
    fn saved_round_trip_ignores_unknown_and_adds_new_columns() {
        let mut columns = Columns::<Col>::default();
        columns.move_column(2, false);
        columns.toggle(2);
        let saved = columns.saved();
        assert_eq!(saved.order, ["id", "date", "name"]);
        assert_eq!(saved.hidden, ["name"]);
        assert_eq!(Columns::<Col>::from_saved(&saved), columns);
        let odd = SavedColumns {
            order: vec!["date".into(), "gone".into(), "date".into()],
            hidden: vec!["id".into(), "date".into()],
        };
        let restored = Columns::<Col>::from_saved(&odd);
        assert_eq!(
            restored.entries().iter().map(|e| e.id).collect::<Vec<_>>(),
            [Col::Date, Col::Id, Col::Name]
        );
        assert_eq!(restored.visible().collect::<Vec<_>>(), [Col::Id, Col::Name]);
    }
}
