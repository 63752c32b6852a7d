//! The column chooser (`C` on the Activations and Seats lists): a small box over the
//! list where columns are shown, hidden and moved. The list stays as it was beneath
//! it (selection, page, filters); every change is saved for the next run.

use crate::console::columns::{ColumnId, Columns};
use crate::console::i18n::{Tr, columns as tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, ShiftDown, ShiftUp, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width, modal};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Which list's columns are being chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Activations,
    Seats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooserAction {
    Down,
    Up,
    Toggle,
    MoveDown,
    MoveUp,
    Help,
    Close,
}

/// Declared once: dispatch, hint line and help. The shifted arrows come before the
/// plain ones, which would match them too.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<ChooserAction>] = &[
    bind("columns.move_down", &[Char('J'), ShiftDown], ChooserAction::MoveDown, Tr::new("переместить столбец ниже (правее в таблице)", "move the column down (right in the table)"), Some(Tr::new("ниже", "down"))),
    bind("columns.move_up", &[Char('K'), ShiftUp], ChooserAction::MoveUp, Tr::new("переместить столбец выше (левее в таблице)", "move the column up (left in the table)"), Some(Tr::new("выше", "up"))),
    bind("columns.down", &[Char('j'), Down], ChooserAction::Down, Tr::new("следующий столбец", "next column"), None),
    bind("columns.up", &[Char('k'), Up], ChooserAction::Up, Tr::new("предыдущий столбец", "previous column"), None),
    bind("columns.toggle", &[Char(' ')], ChooserAction::Toggle, Tr::new("показать или скрыть столбец (номер скрыть нельзя)", "show or hide the column (not the number)"), Some(Tr::new("показать/скрыть", "show/hide"))),
    bind("columns.close", &[Enter, Esc, Char('C')], ChooserAction::Close, Tr::new("готово: закрыть (выбор уже сохранён)", "done: close (the choice is already saved)"), Some(Tr::new("готово", "done"))),
    bind("columns.help", &[Char('?')], ChooserAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChooser {
    pub list: ListKind,
    /// The highlighted column (an index into the list's columns, in their order).
    pub selected: usize,
}

/// What an action asks of the app.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The columns changed: save them.
    pub changed: bool,
    /// Space on a column that cannot be hidden (its title, for the message).
    pub refused: Option<Tr>,
    pub close: bool,
    pub help: bool,
}

impl ColumnChooser {
    pub fn new(list: ListKind) -> ColumnChooser {
        ColumnChooser { list, selected: 0 }
    }

    /// Applies `action` to `columns`; the selection follows a moved column.
    pub fn apply<C: ColumnId>(
        &mut self,
        columns: &mut Columns<C>,
        action: ChooserAction,
    ) -> Outcome {
        let last = columns.entries().len().saturating_sub(1);
        let mut outcome = Outcome::default();
        match action {
            ChooserAction::Down => self.selected = (self.selected + 1).min(last),
            ChooserAction::Up => self.selected = self.selected.saturating_sub(1),
            ChooserAction::Toggle => {
                if columns.toggle(self.selected) {
                    outcome.changed = true;
                } else {
                    outcome.refused = columns.entries().get(self.selected).map(|e| e.id.title());
                }
            }
            ChooserAction::MoveDown | ChooserAction::MoveUp => {
                let down = action == ChooserAction::MoveDown;
                let moved = columns.move_column(self.selected, down);
                outcome.changed = moved != self.selected;
                self.selected = moved;
            }
            ChooserAction::Help => outcome.help = true,
            ChooserAction::Close => outcome.close = true,
        }
        outcome
    }
}

/// One line of the chooser: the column's title, whether it is shown, whether it may
/// be hidden.
pub struct ChooserRow {
    pub title: Tr,
    pub shown: bool,
    pub required: bool,
}

pub fn rows<C: ColumnId>(columns: &Columns<C>) -> Vec<ChooserRow> {
    columns
        .entries()
        .iter()
        .map(|e| ChooserRow {
            title: e.id.title(),
            shown: e.shown,
            required: e.id.required(),
        })
        .collect()
}

/// The box centered over the list; returns the selected line's position (the
/// terminal cursor goes there, which screen readers follow).
pub fn render(
    chooser: &ColumnChooser,
    rows: &[ChooserRow],
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
) -> Position {
    let g = theme.glyphs;
    let list = match chooser.list {
        ListKind::Activations => tr::LIST_ACTIVATIONS,
        ListKind::Seats => tr::LIST_SEATS,
    };
    let title = tr::title(lang, list);
    let texts: Vec<(String, bool, bool)> = rows
        .iter()
        .map(|r| {
            let mark = if r.shown { "[x]" } else { "[ ]" };
            let mut text = format!("{mark} {}", g.text(r.title.get(lang)));
            if r.required {
                text = format!("{text} ({})", g.text(tr::ALWAYS_SHOWN.get(lang)));
            }
            (text, r.shown, r.required)
        })
        .collect();
    let widest = texts
        .iter()
        .map(|(t, _, _)| display_width(t))
        .chain([display_width(&title) + 2])
        .max()
        .unwrap_or(0);
    let width = u16::try_from(widest + 4).unwrap_or(u16::MAX);
    let height = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(frame.area(), width, height);
    let inner = modal(frame, rect, &title, theme);
    let lines: Vec<Line> = texts
        .into_iter()
        .enumerate()
        .map(|(i, (text, shown, required))| {
            let style = if i == chooser.selected {
                theme.selection
            } else if required || !shown {
                theme.muted
            } else {
                theme.base
            };
            let pad = usize::from(inner.width).saturating_sub(display_width(&text) + 1);
            Line::from(Span::styled(format!(" {text}{}", " ".repeat(pad)), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let row = u16::try_from(chooser.selected).unwrap_or(0);
    Position::new(
        inner.x,
        (inner.y + row).min(inner.bottom().saturating_sub(1)),
    )
}
