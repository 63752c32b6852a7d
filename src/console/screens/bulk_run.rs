//! One action on many marked rows (issue 16 b; docs/DESIGN.md §5.4): the rows it was
//! confirmed for, each waiting, sent or answered; a progress bar while it runs and a
//! result per row at the end. Retries and unbinds go 100 rows per request (the bulk
//! endpoints, one `Idempotency-Key` each; an unbind the portal cannot be reached for is
//! queued in the mirror's outbox seat by seat); license files one row at a time.
//!
//! The window owns the keyboard until closed, so nothing typed meanwhile acts on the
//! list under it.

use crate::client::bulk::BULK_MAX;
use crate::console::app::Command;
use crate::console::i18n::{Tr, bulk as tr};
use crate::console::keymap::Key::{Char, Down, Esc, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKey {
    Down,
    Up,
    Close,
    Help,
}

#[rustfmt::skip]
pub const RUN_BINDINGS: &[Binding<RunKey>] = &[
    bind("run.down", &[Char('j'), Down], RunKey::Down, Tr::new("результаты: вниз", "results: down"), None),
    bind("run.up", &[Char('k'), Up], RunKey::Up, Tr::new("результаты: вверх", "results: up"), None),
    bind("run.close", &[Esc], RunKey::Close, Tr::new("закрыть (когда всё выполнено)", "close (once everything ran)"), Some(Tr::new("закрыть", "close"))),
    bind("run.help", &[Char('?')], RunKey::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
];

/// What the run does to each row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkKind {
    Retry,
    /// Into this folder (`~` and relative paths as the downloads are).
    SaveLicenses {
        folder: String,
    },
    Unbind,
}

impl BulkKind {
    fn done_text(&self) -> Tr {
        match self {
            BulkKind::Retry => tr::ROW_RETRIED,
            BulkKind::SaveLicenses { .. } => tr::RUN_SAVE,
            BulkKind::Unbind => tr::ROW_UNBOUND,
        }
    }

    fn title(&self) -> Tr {
        match self {
            BulkKind::Retry => tr::RUN_RETRY,
            BulkKind::SaveLicenses { .. } => tr::RUN_SAVE,
            BulkKind::Unbind => tr::RUN_UNBIND,
        }
    }
}

/// What a marked-rows action is confirmed for (`Confirmed::Bulk`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkPlan {
    pub kind: BulkKind,
    /// (id, label) in the order they run.
    pub rows: Vec<(i64, String)>,
}

/// How one row ended (`Msg::BulkStep`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Done; what to show (a saved file's path, «повторена»).
    Done(String),
    /// Offline: waits in the outbox.
    Queued,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    Waiting,
    Sending,
    Ended(StepOutcome),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    pub id: i64,
    /// How the row is named (№ 421, место 17 · ivanov@…).
    pub label: String,
    pub state: RowState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRun {
    /// Answers of another (closed) run are dropped.
    pub id: u64,
    pub kind: BulkKind,
    pub rows: Vec<BulkRow>,
    /// First result row shown.
    pub scroll: usize,
}

impl BulkRun {
    pub fn new(id: u64, kind: BulkKind, rows: Vec<(i64, String)>) -> BulkRun {
        BulkRun {
            id,
            kind,
            rows: rows
                .into_iter()
                .map(|(id, label)| BulkRow {
                    id,
                    label,
                    state: RowState::Waiting,
                })
                .collect(),
            scroll: 0,
        }
    }

    pub fn finished(&self) -> bool {
        self.rows
            .iter()
            .all(|r| matches!(r.state, RowState::Ended(_)))
    }

    /// Rows answered, of all.
    pub fn progress(&self) -> (usize, usize) {
        let ended = self
            .rows
            .iter()
            .filter(|r| matches!(r.state, RowState::Ended(_)))
            .count();
        (ended, self.rows.len())
    }

    /// (succeeded, queued, failed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&StepOutcome) -> bool| {
            self.rows
                .iter()
                .filter(|r| matches!(&r.state, RowState::Ended(o) if f(o)))
                .count()
        };
        (
            count(|o| matches!(o, StepOutcome::Done(_))),
            count(|o| matches!(o, StepOutcome::Queued)),
            count(|o| matches!(o, StepOutcome::Failed(_))),
        )
    }

    /// The ids that succeeded (or were queued): their marks go.
    pub fn settled(&self) -> Vec<i64> {
        self.rows
            .iter()
            .filter(|r| {
                matches!(
                    r.state,
                    RowState::Ended(StepOutcome::Done(_) | StepOutcome::Queued)
                )
            })
            .map(|r| r.id)
            .collect()
    }

    /// The next request, once the one before has answered (None: nothing left, or a
    /// request is still out).
    pub fn next_request(&mut self) -> Option<Command> {
        if self.rows.iter().any(|r| r.state == RowState::Sending) {
            return None;
        }
        let take = match self.kind {
            BulkKind::Retry | BulkKind::Unbind => BULK_MAX,
            BulkKind::SaveLicenses { .. } => 1,
        };
        let mut ids = Vec::new();
        for row in self
            .rows
            .iter_mut()
            .filter(|r| r.state == RowState::Waiting)
            .take(take)
        {
            row.state = RowState::Sending;
            ids.push(row.id);
        }
        let first = *ids.first()?;
        let run = self.id;
        Some(match &self.kind {
            BulkKind::Retry => Command::RetryMany { run, numbers: ids },
            BulkKind::SaveLicenses { folder } => Command::SaveLicenseInto {
                run,
                number: first,
                folder: folder.clone(),
            },
            BulkKind::Unbind => Command::UnbindMarked { run, seats: ids },
        })
    }

    /// Answers of the request out; a row it does not name stays as it was.
    pub fn record(&mut self, outcomes: Vec<(i64, StepOutcome)>) {
        for (id, outcome) in outcomes {
            if let Some(row) = self
                .rows
                .iter_mut()
                .find(|r| r.id == id && r.state == RowState::Sending)
            {
                row.state = RowState::Ended(outcome);
            }
        }
        // A request whose answer named none of its rows (it failed whole) must not
        // hold the run: its rows fail.
        for row in self
            .rows
            .iter_mut()
            .filter(|r| r.state == RowState::Sending)
        {
            row.state = RowState::Ended(StepOutcome::Failed(String::new()));
        }
    }

    pub fn on_key(&mut self, key: RunKey) -> bool {
        match key {
            RunKey::Down => {
                self.scroll = (self.scroll + 1).min(self.rows.len().saturating_sub(1));
            }
            RunKey::Up => self.scroll = self.scroll.saturating_sub(1),
            RunKey::Close => return self.finished(),
            RunKey::Help => {}
        }
        false
    }

    pub fn title(&self, lang: Lang) -> String {
        let (done, total) = self.progress();
        tr::run_title(lang, self.kind.title(), done, total)
    }
}

/// A bar `width` cells wide, `done` of `total` filled.
pub fn bar(done: u64, total: u64, width: usize, ascii: bool) -> String {
    let filled = (done.min(total) * width as u64)
        .checked_div(total)
        .map_or(width, |f| usize::try_from(f).unwrap_or(width));
    let (full, empty) = if ascii { ("#", "-") } else { ("█", "░") };
    format!(
        "[{}{}]",
        full.repeat(filled),
        empty.repeat(width.saturating_sub(filled))
    )
}

/// Draws the run over `area`: its title with the count, the bar, then each row.
pub fn render(run: &BulkRun, lang: Lang, theme: &Theme, frame: &mut Frame, area: Rect) {
    let g = theme.glyphs;
    let width = area.width.saturating_sub(4).clamp(20, 76);
    let height = area.height.saturating_sub(2).max(6);
    let rect = centered(area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", g.text(&run.title(lang))),
            theme.header,
        ))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let (done, total) = run.progress();
    let inner_width = usize::from(inner.width);
    let mut lines = vec![Line::from(Span::styled(
        bar(
            done as u64,
            total as u64,
            inner_width.saturating_sub(2),
            g.ascii,
        ),
        theme.accent,
    ))];
    let status = if run.finished() {
        let (ok, queued, failed) = run.counts();
        let style = if failed > 0 {
            theme.error
        } else {
            theme.accent
        };
        Span::styled(tr::run_done(lang, ok, queued, failed), style)
    } else {
        Span::styled(tr::RUN_RUNNING_HINT.get(lang), theme.muted)
    };
    lines.push(Line::from(status));
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let first = run.scroll.min(run.rows.len().saturating_sub(room.max(1)));
    for row in run.rows.iter().skip(first).take(room) {
        let (mark, text, style) = match &row.state {
            RowState::Waiting => (" ", tr::ROW_WAITING.get(lang).to_string(), theme.muted),
            RowState::Sending => (" ", tr::ROW_SENDING.get(lang).to_string(), theme.muted),
            // A retry or an unbind says what it did; a saved file, where it is.
            RowState::Ended(StepOutcome::Done(text)) if text.is_empty() => {
                (g.ok, run.kind.done_text().get(lang).to_string(), theme.base)
            }
            RowState::Ended(StepOutcome::Done(text)) => (g.ok, text.clone(), theme.base),
            RowState::Ended(StepOutcome::Queued) => (
                g.dot,
                tr::ROW_QUEUED.get(lang).to_string(),
                theme.status_in_progress,
            ),
            RowState::Ended(StepOutcome::Failed(text)) => (g.cross, text.clone(), theme.error),
        };
        let label = g.truncate(&row.label, 28);
        let pad = 28usize.saturating_sub(display_width(&label));
        let rest = inner_width.saturating_sub(28 + 4);
        lines.push(Line::from(vec![
            Span::styled(format!("{label}{} ", " ".repeat(pad)), theme.base),
            Span::styled(format!("{mark} "), style),
            Span::styled(g.truncate(&text.replace(['\n', '\r'], " "), rest), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_go_a_hundred_at_a_time_and_a_failed_request_fails_its_rows() {
        let rows = (1..=250).map(|n| (n, format!("№ {n}"))).collect();
        let mut run = BulkRun::new(7, BulkKind::Retry, rows);
        let Some(Command::RetryMany { run: 7, numbers }) = run.next_request() else {
            panic!("a bulk retry");
        };
        assert_eq!(numbers.len(), 100);
        assert_eq!(run.next_request(), None, "one request out at a time");
        run.record(vec![(1, StepOutcome::Done("ok".into()))]);
        assert_eq!(run.progress(), (100, 250));
        assert_eq!(run.counts(), (1, 0, 99));
        let Some(Command::RetryMany { numbers, .. }) = run.next_request() else {
            panic!("the next hundred");
        };
        assert_eq!(numbers[0], 101);
        assert!(!run.finished());
        assert_eq!(bar(1, 4, 8, true), "[##------]");
    }
}
