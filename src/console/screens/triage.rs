//! The triage of errors (issue 16 b; docs/DESIGN.md §5.4), over the Activations list
//! (`E` or `:errors`): the errored activations of the last 24 hours, 7 or 30 days grouped
//! by error text with counts and organizations (`GET /activations/errors`). `Enter` on
//! a group opens its activations, `Enter` on one its detail; `R` retries every one of
//! the group when a retry can succeed (asked first, with the count).

use crate::client::bulk::{ErrorGroup, ErrorTriage};
use crate::console::app::{Command, RequestIds};
use crate::console::i18n::{Tr, bulk as tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriageKey {
    Down,
    Up,
    Open,
    Retry,
    Period,
    Refresh,
    /// The `:` palette over the triage: `export FILE`, `view save NAME` of it.
    Palette,
    Back,
    Help,
}

#[rustfmt::skip]
pub const TRIAGE_BINDINGS: &[Binding<TriageKey>] = &[
    bind("triage.down", &[Char('j'), Down], TriageKey::Down, Tr::new("следующая строка", "next row"), None),
    bind("triage.up", &[Char('k'), Up], TriageKey::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind("triage.open", &[Enter], TriageKey::Open, Tr::new("открыть: активации группы, затем активацию", "open: the group's activations, then one activation"), Some(Tr::new("открыть", "open"))),
    bind("triage.retry", &[Char('R')], TriageKey::Retry, Tr::new("повторить все активации группы (если повтор может пройти; с подтверждением)", "retry every activation of the group (when a retry can succeed; confirmed)"), Some(Tr::new("повторить", "retry"))),
    bind("triage.period", &[Char('p')], TriageKey::Period, Tr::new("период: 24 ч / 7 дней / 30 дней", "period: 24 h / 7 days / 30 days"), Some(Tr::new("период", "period"))),
    bind("triage.refresh", &[Char('r')], TriageKey::Refresh, Tr::new("обновить", "refresh"), None),
    bind("triage.palette", &[Char(':')], TriageKey::Palette, Tr::new("команды: export ФАЙЛ, view save ИМЯ, …", "commands: export FILE, view save NAME, …"), None),
    bind("triage.back", &[Esc], TriageKey::Back, Tr::new("назад: к группам, затем закрыть", "back: to the groups, then close"), Some(Tr::new("назад", "back"))),
    bind("triage.help", &[Char('?')], TriageKey::Help, Tr::new("справка", "help"), None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    Day,
    Week,
    Month,
}

impl Period {
    /// In days, as a saved view keeps it (issue 16 b).
    pub fn days(self) -> u32 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
            Period::Month => 30,
        }
    }

    /// The period of `days` (1, 7, 30); another count: the nearest longer one.
    pub fn of_days(days: u32) -> Period {
        match days {
            0..=1 => Period::Day,
            2..=7 => Period::Week,
            _ => Period::Month,
        }
    }

    pub fn param(self) -> &'static str {
        match self {
            Period::Day => "24h",
            Period::Week => "7d",
            Period::Month => "30d",
        }
    }

    fn label(self) -> Tr {
        match self {
            Period::Day => tr::PERIOD_DAY,
            Period::Week => tr::PERIOD_WEEK,
            Period::Month => tr::PERIOD_MONTH,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TriageOverlay {
    pub period: Period,
    pub triage: Option<ErrorTriage>,
    pub pending: Option<u64>,
    /// The last request failed (its text).
    pub error: Option<String>,
    pub selected: usize,
    /// The group opened (its activations listed), and the row chosen in it.
    pub group: Option<usize>,
    pub row: usize,
}

/// What a key asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriageReply {
    None,
    Fetch(Command),
    /// Open this activation's detail.
    OpenActivation(i64),
    /// Retry these numbers (the app asks first).
    Retry {
        numbers: Vec<i64>,
        error: String,
    },
    /// The group's registry refusal is final: say so.
    Refused,
    Close,
    Help,
    Palette,
}

impl TriageOverlay {
    pub fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::FetchTriage {
            request_id,
            since: self.period.param().to_string(),
        }
    }

    pub fn groups(&self) -> &[ErrorGroup] {
        self.triage.as_ref().map_or(&[], |t| &t.groups)
    }

    fn open_group(&self) -> Option<&ErrorGroup> {
        self.group.and_then(|i| self.groups().get(i))
    }

    /// The answer to `request_id` (stale ones are dropped).
    pub fn loaded(&mut self, request_id: u64, result: Result<ErrorTriage, String>) {
        if self.pending != Some(request_id) {
            return;
        }
        self.pending = None;
        match result {
            Ok(triage) => {
                self.selected = self.selected.min(triage.groups.len().saturating_sub(1));
                self.group = self.group.filter(|g| *g < triage.groups.len());
                self.triage = Some(triage);
                self.error = None;
            }
            Err(text) => self.error = Some(text),
        }
    }

    pub fn on_key(&mut self, key: TriageKey, ids: &mut RequestIds) -> TriageReply {
        let rows = match self.open_group() {
            Some(group) => group.numbers.len(),
            None => self.groups().len(),
        };
        let cursor = if self.group.is_some() {
            &mut self.row
        } else {
            &mut self.selected
        };
        match key {
            TriageKey::Down => *cursor = (*cursor + 1).min(rows.saturating_sub(1)),
            TriageKey::Up => *cursor = cursor.saturating_sub(1),
            TriageKey::Help => return TriageReply::Help,
            TriageKey::Palette => return TriageReply::Palette,
            TriageKey::Refresh => return TriageReply::Fetch(self.fetch(ids)),
            TriageKey::Period => {
                self.period = match self.period {
                    Period::Day => Period::Week,
                    Period::Week => Period::Month,
                    Period::Month => Period::Day,
                };
                self.group = None;
                self.selected = 0;
                return TriageReply::Fetch(self.fetch(ids));
            }
            TriageKey::Back if self.group.is_some() => self.group = None,
            TriageKey::Back => return TriageReply::Close,
            TriageKey::Open => match self.open_group() {
                Some(group) => {
                    if let Some(number) = group.numbers.get(self.row) {
                        return TriageReply::OpenActivation(*number);
                    }
                }
                None if self.selected < self.groups().len() => {
                    self.group = Some(self.selected);
                    self.row = 0;
                }
                None => {}
            },
            TriageKey::Retry => {
                let index = self.group.unwrap_or(self.selected);
                if let Some(group) = self.groups().get(index) {
                    if !group.retryable {
                        return TriageReply::Refused;
                    }
                    return TriageReply::Retry {
                        numbers: group.numbers.clone(),
                        error: group.error.clone(),
                    };
                }
            }
        }
        TriageReply::None
    }
}

/// Draws the triage over `area`: the groups (count, organizations, error text), or the
/// activations of the group opened.
pub fn render(overlay: &TriageOverlay, lang: Lang, theme: &Theme, frame: &mut Frame, area: Rect) {
    let g = theme.glyphs;
    let rect = centered(
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let title = match &overlay.triage {
        Some(t) => format!(
            "{} · {}",
            tr::TRIAGE_TITLE.get(lang),
            tr::triage_summary(lang, t.total, t.groups.len(), overlay.period.label())
        ),
        None => tr::TRIAGE_TITLE.get(lang).to_string(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", g.text(&title)), theme.header))
        .style(theme.base);
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(error) = &overlay.error {
        lines.push(Line::from(Span::styled(
            g.truncate(error, width),
            theme.error,
        )));
    }
    if overlay.pending.is_some() && overlay.triage.is_none() {
        lines.push(Line::from(Span::styled(
            crate::console::i18n::LOADING.get(lang),
            theme.muted,
        )));
    }
    let groups = overlay.groups();
    if overlay.triage.is_some() && groups.is_empty() {
        lines.push(Line::from(Span::styled(
            g.text(tr::TRIAGE_EMPTY.get(lang)).into_owned(),
            theme.muted,
        )));
    }
    match overlay.group.and_then(|i| groups.get(i)) {
        Some(group) => {
            lines.push(Line::from(Span::styled(
                g.truncate(&group.error, width),
                theme.error,
            )));
            let room = height.saturating_sub(lines.len());
            let first = (overlay.row + 1).saturating_sub(room.max(1));
            for (i, number) in group.numbers.iter().enumerate().skip(first).take(room) {
                let style = if i == overlay.row {
                    theme.selection
                } else {
                    theme.base
                };
                let text = format!("№ {number}");
                let fill = width.saturating_sub(display_width(&text));
                lines.push(Line::from(Span::styled(
                    format!("{text}{}", " ".repeat(fill)),
                    style,
                )));
            }
        }
        None => {
            // Two lines a group: its count and organizations, then its text.
            let room = height.saturating_sub(lines.len()) / 2;
            let first = (overlay.selected + 1).saturating_sub(room.max(1));
            for (i, group) in groups.iter().enumerate().skip(first).take(room) {
                let chosen = i == overlay.selected;
                let style = if chosen { theme.selection } else { theme.base };
                let names: Vec<&str> = group
                    .organizations
                    .iter()
                    .map(|o| o.organization.name.as_str())
                    .collect();
                let kind = if group.retryable {
                    tr::RETRYABLE
                } else {
                    tr::FINAL
                };
                let head = format!(
                    "{} · {} · {}",
                    tr::group_line(lang, group.count, group.organizations.len()),
                    kind.get(lang),
                    names.join(", ")
                );
                let head = g.truncate(&head, width);
                let fill = width.saturating_sub(display_width(&head));
                lines.push(Line::from(Span::styled(
                    format!("{head}{}", " ".repeat(fill)),
                    style.patch(theme.accent),
                )));
                let text = g.truncate(&format!("  {}", group.error), width);
                let fill = width.saturating_sub(display_width(&text));
                let text_style = if group.retryable {
                    style
                } else {
                    style.patch(theme.error)
                };
                lines.push(Line::from(Span::styled(
                    format!("{text}{}", " ".repeat(fill)),
                    text_style,
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
