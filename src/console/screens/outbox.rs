//! The outbox (offline mirror only): writes waiting for the portal and the ones it
//! refused, with the portal's reason. Opened with `O` from the tabbed screens; a
//! conflict stays here until dismissed with `d`, so nothing is dropped unseen.

use crate::console::app::Command;
use crate::console::i18n::{Tr, sync as tr};
use crate::console::keymap::Key::{Char, Down, Esc, Up};
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, modal, wrap};
use crate::domain::Lang;
use crate::mirror::{OutboxItem, OutboxState};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAction {
    Down,
    Up,
    Dismiss,
    Cancel,
    SyncNow,
    Close,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<OutboxAction>] = &[
    bind("outbox.down", &[Char('j'), Down], OutboxAction::Down, Tr::new("следующая запись", "next item"), None),
    bind("outbox.up", &[Char('k'), Up], OutboxAction::Up, Tr::new("предыдущая запись", "previous item"), None),
    bind("outbox.dismiss", &[Char('d')], OutboxAction::Dismiss, Tr::new("убрать прочитанный конфликт", "dismiss the conflict"), Some(Tr::new("убрать", "dismiss"))),
    bind("outbox.cancel", &[Char('c')], OutboxAction::Cancel, Tr::new("отменить отправку записи из очереди (с подтверждением)", "cancel sending a queued item (asks first)"), Some(Tr::new("отменить", "cancel"))),
    bind("outbox.sync", &[Char('S')], OutboxAction::SyncNow, Tr::new("синхронизировать и отправить сейчас", "sync and send now"), Some(Tr::new("синхр.", "sync"))),
    bind("outbox.close", &[Esc, Char('q'), Char('O')], OutboxAction::Close, Tr::new("закрыть очередь", "close the outbox"), Some(Tr::new("закрыть", "close"))),
];

/// Keys that work on every tabbed screen in mirror mode (where no text is typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorKey {
    Outbox,
    SyncNow,
}

#[rustfmt::skip]
pub const MIRROR_BINDINGS: &[Binding<MirrorKey>] = &[
    bind("mirror.outbox", &[Char('O')], MirrorKey::Outbox, Tr::new("очередь отправки (офлайн-действия, конфликты)", "the outbox (offline actions, conflicts)"), None),
    bind("mirror.sync", &[Char('S')], MirrorKey::SyncNow, Tr::new("синхронизировать сейчас", "sync now"), None),
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxOverlay {
    pub selected: usize,
    /// The question before a queued item is cancelled; it owns the keys while open.
    pub cancel: Option<CancelQuestion>,
}

/// «Cancel sending?»: starts on the harmless button; only Enter on the other one
/// cancels, so no typed letter can.
#[derive(Debug, Clone, PartialEq)]
pub struct CancelQuestion {
    pub item: OutboxItem,
    pub on_cancel_button: bool,
}

impl OutboxOverlay {
    /// Answers whether to close, and what to run; `notice` gets a refusal to show.
    pub fn on_key(
        &mut self,
        event: &KeyEvent,
        items: &[OutboxItem],
        keymap: &Keymap,
        notice: &mut Option<&'static Tr>,
    ) -> (bool, Vec<Command>) {
        if let Some(question) = self.cancel.as_mut() {
            use crossterm::event::KeyCode;
            match event.code {
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
                    question.on_cancel_button = !question.on_cancel_button;
                }
                KeyCode::Enter => {
                    let id = question.item.id;
                    let confirmed = question.on_cancel_button;
                    self.cancel = None;
                    if confirmed {
                        return (false, vec![Command::CancelOutbox(id)]);
                    }
                }
                KeyCode::Esc => self.cancel = None,
                _ => {}
            }
            return (false, Vec::new());
        }
        match keymap.lookup(BINDINGS, event) {
            Some(OutboxAction::Cancel) => {
                match items.get(self.selected) {
                    Some(item) if item.state == OutboxState::Pending => {
                        self.cancel = Some(CancelQuestion {
                            item: item.clone(),
                            on_cancel_button: false,
                        });
                    }
                    Some(_) => *notice = Some(&tr::CANCEL_ONLY_PENDING),
                    None => {}
                }
                (false, Vec::new())
            }
            Some(OutboxAction::Down) => {
                self.selected = (self.selected + 1).min(items.len().saturating_sub(1));
                (false, Vec::new())
            }
            Some(OutboxAction::Up) => {
                self.selected = self.selected.saturating_sub(1);
                (false, Vec::new())
            }
            Some(OutboxAction::Dismiss) => match items.get(self.selected) {
                Some(item) if item.state == OutboxState::Conflict => {
                    (false, vec![Command::DismissOutbox(item.id)])
                }
                _ => (false, Vec::new()),
            },
            Some(OutboxAction::SyncNow) => (false, vec![Command::SyncNow]),
            Some(OutboxAction::Close) => (true, Vec::new()),
            None => (false, Vec::new()),
        }
    }
}

pub fn render(
    overlay: &OutboxOverlay,
    items: &[OutboxItem],
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
) {
    let area = frame.area();
    let rect = centered(area, 78, area.height.saturating_sub(4).max(8));
    let inner = modal(frame, rect, tr::OUTBOX_TITLE.get(lang), theme);
    if inner.height < 1 {
        return;
    }
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if items.is_empty() {
        lines.push(Line::from(Span::styled(
            tr::OUTBOX_EMPTY.get(lang),
            theme.muted,
        )));
    }
    for (index, item) in items.iter().enumerate() {
        let (state, style) = match item.state {
            OutboxState::Conflict => (tr::STATE_CONFLICT.get(lang), theme.error),
            _ => (tr::STATE_PENDING.get(lang), theme.status_in_progress),
        };
        let at = item
            .created_at
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M");
        let head = theme.glyphs.text(&format!("{at}  {state}  ")).into_owned();
        let head_width = crate::console::widgets::display_width(&head);
        let row_style = if index == overlay.selected {
            theme.selection
        } else {
            theme.base
        };
        // The action and the portal's reason wrap: both are read whole.
        let action = theme
            .glyphs
            .text(&tr::action(lang, &item.action))
            .into_owned();
        let parts = wrap(&action, width.saturating_sub(head_width).max(1));
        for (i, part) in parts.into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(head.clone(), style)
            } else {
                Span::raw(" ".repeat(head_width))
            };
            lines.push(Line::from(vec![lead, Span::styled(part, row_style)]));
        }
        if let Some(message) = &item.message {
            let message_style = if item.state == OutboxState::Conflict {
                theme.error
            } else {
                theme.muted
            };
            for part in wrap(&theme.glyphs.text(message), width.saturating_sub(4).max(1)) {
                lines.push(Line::from(Span::styled(
                    format!("    {part}"),
                    message_style,
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(theme.glyphs.lines(lines)), inner);
    if let Some(question) = &overlay.cancel {
        render_cancel(question, lang, theme, frame);
    }
}

fn render_cancel(question: &CancelQuestion, lang: Lang, theme: &Theme, frame: &mut Frame) {
    let text = tr::cancel_question(
        lang,
        &tr::action(lang, &question.item.action),
        question.item.attempts,
    );
    let area = frame.area();
    let width = area.width.saturating_sub(8).min(70);
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let text_rows = crate::console::widgets::display_width(&text).div_ceil(inner_width) + 1;
    let height = u16::try_from(text_rows + 5).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    let inner = modal(frame, rect, tr::CANCEL_TITLE.get(lang), theme);
    let button = |label: Tr, focused: bool| {
        let style = if focused { theme.selection } else { theme.base };
        Span::styled(format!("[ {} ]", label.get(lang)), style)
    };
    let lines = vec![
        Line::raw(text),
        Line::raw(""),
        Line::from(vec![
            button(tr::CANCEL_KEEP, !question.on_cancel_button),
            Span::raw("  "),
            button(tr::CANCEL_CONFIRM, question.on_cancel_button),
        ]),
        Line::styled(tr::CANCEL_KEYS.get(lang), theme.muted),
    ];
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(lines)).wrap(ratatui::widgets::Wrap { trim: true }),
        inner,
    );
}
