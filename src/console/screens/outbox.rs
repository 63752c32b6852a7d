//! The outbox (offline mirror only): writes waiting for the portal and the ones it
//! refused, with the portal's reason. Opened with `O` from the tabbed screens; a
//! conflict stays here until dismissed with `d`, so nothing is dropped unseen.

use super::Reply;
use super::dialog::{ConfirmDialog, Confirmed, Dialog};
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
}

/// «Cancel sending?»: a confirmation on the app's stack that starts on «keep it
/// queued»; only Enter on the other button cancels, so no typed letter can.
pub fn cancel_question(item: &OutboxItem, lang: Lang) -> Dialog {
    Dialog::Confirm(
        ConfirmDialog::new(
            tr::CANCEL_TITLE.get(lang),
            vec![tr::cancel_question(
                lang,
                &tr::action(lang, &item.action),
                item.attempts,
            )],
            tr::CANCEL_CONFIRM.get(lang),
            Confirmed::CancelOutbox { id: item.id },
        )
        .with_cancel_label(tr::CANCEL_KEEP.get(lang)),
    )
}

impl OutboxOverlay {
    /// A key while the outbox is in front (`close`: close the outbox).
    pub fn on_key(
        &mut self,
        event: &KeyEvent,
        items: &[OutboxItem],
        keymap: &Keymap,
        lang: Lang,
    ) -> Reply {
        let (close, commands) = match keymap.lookup(BINDINGS, event) {
            Some(OutboxAction::Cancel) => {
                return match items.get(self.selected) {
                    Some(item) if item.state == OutboxState::Pending => {
                        Reply::open(cancel_question(item, lang))
                    }
                    Some(_) => Reply::refused(lang, tr::CANCEL_ONLY_PENDING.get(lang)),
                    None => Reply::default(),
                };
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
        };
        Reply {
            commands,
            close,
            ..Reply::default()
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
}
