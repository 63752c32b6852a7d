//! An object's history (audit log): who changed what and when, opened with `h` from the
//! activation detail (`activation:N`) and the seats screen (`seat:ID`).

use crate::client::wire::{AuditEntry, Page, page_count};
use crate::console::app::{AUDIT_PER_PAGE, Command, RequestIds};
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr, history as tr};
use crate::console::keymap::Key::{Char, Down, Esc, Left, PageDown, PageUp, Right, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width, modal};
use crate::domain::Lang;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Down,
    Up,
    NextPage,
    PrevPage,
    Close,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<AuditAction>] = &[
    bind("history.down", &[Char('j'), Down], AuditAction::Down, Tr::new("прокрутить вниз", "scroll down"), None),
    bind("history.up", &[Char('k'), Up], AuditAction::Up, Tr::new("прокрутить вверх", "scroll up"), None),
    bind("history.next_page", &[Right, PageDown, Char(']')], AuditAction::NextPage, Tr::new("следующая страница", "next page"), Some(Tr::new("стр.", "page"))),
    bind("history.prev_page", &[Left, PageUp, Char('[')], AuditAction::PrevPage, Tr::new("предыдущая страница", "previous page"), None),
    bind("history.close", &[Esc, Char('q')], AuditAction::Close, Tr::new("закрыть историю", "close the history"), Some(Tr::new("закрыть", "close"))),
];

#[derive(Debug, Clone, PartialEq)]
pub struct AuditOverlay {
    /// `seat:17`, `activation:421`.
    pub object: String,
    pub page_no: u32,
    pub page: Option<Page<AuditEntry>>,
    pub pending: Option<u64>,
    pub scroll: usize,
    pub failed: Option<String>,
}

impl AuditOverlay {
    pub fn open(object: String, ids: &mut RequestIds) -> (AuditOverlay, Command) {
        let mut overlay = AuditOverlay {
            object,
            page_no: 1,
            page: None,
            pending: None,
            scroll: 0,
            failed: None,
        };
        let command = overlay.fetch(ids);
        (overlay, command)
    }

    pub fn bindings(&self) -> &'static [Binding<AuditAction>] {
        BINDINGS
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::FetchAudit {
            request_id,
            object: self.object.clone(),
            page: self.page_no,
        }
    }

    fn entries(&self) -> &[AuditEntry] {
        self.page
            .as_ref()
            .map(|p| p.items.as_slice())
            .unwrap_or(&[])
    }

    /// Returns whether the overlay closes, and what to fetch.
    pub fn on_key(
        &mut self,
        event: &KeyEvent,
        keymap: &Keymap,
        ids: &mut RequestIds,
    ) -> (bool, Vec<Command>) {
        let pages = self
            .page
            .as_ref()
            .map(|p| page_count(p.total, AUDIT_PER_PAGE))
            .unwrap_or(1);
        match keymap.lookup(BINDINGS, event) {
            Some(AuditAction::Close) => return (true, Vec::new()),
            Some(AuditAction::Down) => {
                self.scroll = (self.scroll + 1).min(self.entries().len().saturating_sub(1))
            }
            Some(AuditAction::Up) => self.scroll = self.scroll.saturating_sub(1),
            Some(AuditAction::NextPage) if self.page_no < pages => {
                self.page_no += 1;
                self.scroll = 0;
                return (false, vec![self.fetch(ids)]);
            }
            Some(AuditAction::PrevPage) if self.page_no > 1 => {
                self.page_no -= 1;
                self.scroll = 0;
                return (false, vec![self.fetch(ids)]);
            }
            _ => {}
        }
        (false, Vec::new())
    }

    pub fn on_loaded(
        &mut self,
        request_id: u64,
        result: Result<Page<AuditEntry>, DataError>,
        lang: Lang,
    ) -> bool {
        if self.pending != Some(request_id) {
            return false;
        }
        self.pending = None;
        match result {
            Ok(page) => {
                self.failed = None;
                self.page = Some(page);
            }
            Err(error) => self.failed = Some(crate::console::screens::error_text(lang, &error)),
        }
        true
    }
}

/// «поле: было → стало, …» from the before/after objects (only what changed), with
/// field names, statuses, dates and money in the UI's language.
pub fn change_summary(entry: &AuditEntry, lang: Lang) -> String {
    change_parts(entry.before.as_ref(), entry.after.as_ref(), lang).join(", ")
}

/// The same, one part a line, for the Activity screen's detail pane: a change of an
/// object is «поле: было → стало» per changed field, a creation «поле: значение» per
/// field it was made with.
pub fn change_lines(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    lang: Lang,
) -> Vec<String> {
    use serde_json::Value;
    match (before, after) {
        (None, Some(Value::Object(after))) => after
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(key, v)| {
                format!(
                    "{}: {}",
                    tr::field(lang, key),
                    shown_value(lang, Some(key), Some(v))
                )
            })
            .collect(),
        _ => change_parts(before, after, lang),
    }
}

fn change_parts(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    lang: Lang,
) -> Vec<String> {
    use serde_json::Value;
    let show = |v: Option<&Value>| shown_value(lang, None, v);
    match (before, after) {
        (Some(Value::Object(before)), Some(Value::Object(after))) => {
            let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
            keys.dedup();
            let mut seen = Vec::new();
            let mut parts = Vec::new();
            for key in keys {
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let (b, a) = (before.get(key), after.get(key));
                if b != a {
                    parts.push(format!(
                        "{}: {} → {}",
                        tr::field(lang, key),
                        shown_value(lang, Some(key), b),
                        shown_value(lang, Some(key), a)
                    ));
                }
            }
            parts
        }
        (None, Some(after)) => vec![show(Some(after))],
        (Some(before), None) => vec![format!("{} → —", show(Some(before)))],
        (Some(before), Some(after)) => {
            vec![format!("{} → {}", show(Some(before)), show(Some(after)))]
        }
        (None, None) => Vec::new(),
    }
}

/// One value of a before/after state as a reader expects it: statuses in words,
/// moments and dates as the rest of the console writes them, kopecks as rubles.
fn shown_value(lang: Lang, key: Option<&str>, value: Option<&serde_json::Value>) -> String {
    use crate::client::wire::SeatStatus;
    use crate::domain::{ActivationStatus, Kopecks, format_date, format_rub};
    use serde_json::Value;
    match (key, value) {
        (_, None | Some(Value::Null)) => "—".to_string(),
        (Some("status"), Some(Value::String(s))) => {
            if let Some(status) = ActivationStatus::ALL.into_iter().find(|x| x.as_api() == s) {
                status.label(lang).to_string()
            } else if let Some(status) = SeatStatus::ALL.into_iter().find(|x| x.as_api() == s) {
                i18n::seats::status(lang, status).to_string()
            } else {
                s.clone()
            }
        }
        (Some("total_cost"), Some(Value::Number(n))) => n
            .as_i64()
            .map(|k| format_rub(Kopecks(k), false))
            .unwrap_or_else(|| n.to_string()),
        (_, Some(Value::Bool(b))) => if *b { tr::YES } else { tr::NO }.get(lang).to_string(),
        (_, Some(Value::String(s))) => {
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(s) {
                at.with_timezone(&chrono::Local)
                    .format("%d.%m.%Y %H:%M")
                    .to_string()
            } else if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                format_date(date)
            } else {
                s.clone()
            }
        }
        (_, Some(other)) => other.to_string(),
    }
}

pub fn render(overlay: &AuditOverlay, lang: Lang, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    let rect = centered(area, 78, area.height.saturating_sub(4).max(8));
    let title = tr::title(lang, &tr::object(lang, &overlay.object));
    let inner = modal(frame, rect, &title, theme);
    if inner.height < 2 {
        return;
    }
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(error) = &overlay.failed {
        for part in crate::console::widgets::wrap(&theme.glyphs.text(error), width) {
            lines.push(Line::from(Span::styled(part, theme.error)));
        }
    }
    if overlay.pending.is_some() {
        lines.push(Line::from(Span::styled(
            i18n::LOADING.get(lang),
            theme.accent,
        )));
    } else if overlay.page.is_some() && overlay.entries().is_empty() {
        lines.push(Line::from(Span::styled(tr::EMPTY.get(lang), theme.muted)));
    }
    for entry in overlay.entries().iter().skip(overlay.scroll) {
        let at = entry
            .at
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string();
        let head = format!("{at}  {}  ", tr::action(lang, &entry.action));
        let actor = theme
            .glyphs
            .truncate(&entry.actor, width.saturating_sub(display_width(&head)));
        lines.push(Line::from(vec![
            Span::styled(head, theme.accent),
            Span::styled(actor, theme.muted),
        ]));
        let change = change_summary(entry, lang);
        if !change.is_empty() {
            // What changed, wrapped under the entry: read whole, never cut.
            let change = theme.glyphs.text(&change).into_owned();
            for part in crate::console::widgets::wrap(&change, width.saturating_sub(2).max(1)) {
                lines.push(Line::from(format!("  {part}")));
            }
        }
    }
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    frame.render_widget(Paragraph::new(theme.glyphs.lines(lines)), body);
    let total = overlay.page.as_ref().map(|p| p.total).unwrap_or(0);
    let footer = format!(
        "{} · {}",
        i18n::page_counter(
            lang,
            overlay.page_no,
            page_count(total, AUDIT_PER_PAGE),
            total,
            false
        ),
        tr::CLOSE.get(lang)
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme.glyphs.truncate(&footer, width),
            theme.muted,
        )),
        Rect::new(inner.x, inner.bottom() - 1, inner.width, 1),
    );
}
