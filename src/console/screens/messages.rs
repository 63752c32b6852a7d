//! The message log: every message of the session, wrapped to the width, with its time,
//! the newest at the bottom. Opened with `M` (or `:messages`) wherever no text is typed.

use crate::console::app::LogEntry;
use crate::console::i18n::{Tr, messages as tr};
use crate::console::keymap::Key::{Char, Down, End, Esc, Home, PageDown, PageUp, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::console::widgets::wrap;
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Opens the log; active on every screen and overlay where letters do not type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenLog;

#[rustfmt::skip]
pub const OPEN_BINDINGS: &[Binding<OpenLog>] = &[
    bind("messages.open", &[Char('M')], OpenLog, Tr::new("все сообщения сеанса (полностью, со временем)", "every message of the session (in full, with time)"), None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogAction {
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Close,
}

#[rustfmt::skip]
pub const LOG_BINDINGS: &[Binding<LogAction>] = &[
    bind("messages.down", &[Char('j'), Down], LogAction::Down, Tr::new("прокрутить вниз", "scroll down"), None),
    bind("messages.up", &[Char('k'), Up], LogAction::Up, Tr::new("прокрутить вверх", "scroll up"), Some(Tr::new("прокрутка", "scroll"))),
    bind("messages.page_down", &[PageDown, Char(' ')], LogAction::PageDown, Tr::new("страница вниз", "page down"), None),
    bind("messages.page_up", &[PageUp], LogAction::PageUp, Tr::new("страница вверх", "page up"), Some(Tr::new("страница", "page"))),
    bind("messages.first", &[Char('g'), Home], LogAction::First, Tr::new("к первому сообщению", "to the first message"), None),
    bind("messages.last", &[Char('G'), End], LogAction::Last, Tr::new("к последнему сообщению", "to the newest message"), None),
    bind("messages.close", &[Esc, Char('q'), Char('M')], LogAction::Close, Tr::new("закрыть", "close"), Some(Tr::new("закрыть", "close"))),
];

/// The open log: how many lines it is scrolled up from the newest message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageLog {
    pub back: usize,
}

/// Where the log is drawn in a terminal of `width`×`height`: everything above the
/// status line, which stays visible.
fn rect(width: u16, height: u16) -> Rect {
    Rect::new(0, 0, width, height.saturating_sub(1))
}

/// Text lines inside the box.
pub fn page_height(height: u16) -> usize {
    usize::from(rect(80, height).height.saturating_sub(2)).max(1)
}

/// Time column: «14:03:12 ».
const TIME_WIDTH: usize = 9;

/// The log's lines at `width` columns: (time or blank, text, error).
pub fn lines(entries: &[LogEntry], width: u16) -> Vec<(String, String, bool)> {
    let inner = usize::from(width.saturating_sub(2));
    let room = inner.saturating_sub(TIME_WIDTH).max(1);
    let mut out = Vec::new();
    for entry in entries {
        let time = entry
            .at
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S")
            .to_string();
        let text = if entry.repeated > 1 {
            format!("{} (×{})", entry.text, entry.repeated)
        } else {
            entry.text.clone()
        };
        for (i, line) in wrap(&text, room).into_iter().enumerate() {
            let head = if i == 0 {
                format!("{time} ")
            } else {
                " ".repeat(TIME_WIDTH)
            };
            out.push((head, line, entry.error));
        }
    }
    out
}

/// How far the log can scroll up in a terminal of `width`×`height`.
pub fn max_scroll(entries: &[LogEntry], width: u16, height: u16) -> usize {
    lines(entries, width)
        .len()
        .saturating_sub(page_height(height))
}

pub fn render(
    log: &MessageLog,
    entries: &[LogEntry],
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
) {
    let area = frame.area();
    let rect = rect(area.width, area.height);
    if rect.height < 3 {
        return;
    }
    let g = theme.glyphs;
    // In ASCII mode transliterate first, so the wrapping is that of the text drawn.
    let entries: Vec<LogEntry> = entries
        .iter()
        .map(|e| LogEntry {
            text: g.text(&e.text).into_owned(),
            ..e.clone()
        })
        .collect();
    let all = lines(&entries, rect.width);
    let page = usize::from(rect.height - 2);
    let back = log.back.min(all.len().saturating_sub(page));
    let first = all.len().saturating_sub(page + back);
    let shown: Vec<Line> = if all.is_empty() {
        vec![Line::from(Span::styled(
            g.text(tr::EMPTY.get(lang)).into_owned(),
            theme.muted,
        ))]
    } else {
        all[first..(first + page).min(all.len())]
            .iter()
            .map(|(head, text, error)| {
                Line::from(vec![
                    Span::styled(head.clone(), theme.muted),
                    Span::styled(text.clone(), if *error { theme.error } else { theme.base }),
                ])
            })
            .collect()
    };
    let mut footer = g.text(tr::CLOSE.get(lang)).into_owned();
    if all.len() > page {
        footer = format!(
            "{footer} {} {}",
            g.dot,
            tr::position(lang, first + 1, (first + page).min(all.len()), all.len())
        );
    }
    let title = g.text(&tr::title(lang, entries.len())).into_owned();
    let footer = g.truncate(&footer, usize::from(rect.width.saturating_sub(4)));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(g.border)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.header))
        .title_bottom(Span::styled(format!(" {footer} "), theme.muted))
        .style(theme.base);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(shown).block(block), rect);
}
