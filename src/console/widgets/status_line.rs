//! The bottom row: connection state in words, the last error, where the data comes
//! from, and who is signed in.

use super::display_width;
use crate::console::app::{Connection, State, SyncView};
use crate::console::i18n;
use crate::console::i18n::sync as tr;
use crate::mirror::OutboxState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

/// The connection state in words and its style.
fn connection(state: &State) -> (String, Style) {
    let theme = &state.theme;
    let lang = state.lang;
    match &state.sync {
        Some(sync) => mirror_state(state, sync),
        None => match state.connection {
            Connection::Connecting => (i18n::CONN_CONNECTING.get(lang).to_string(), theme.muted),
            Connection::Online => (i18n::CONN_ONLINE.get(lang).to_string(), theme.status_done),
            Connection::Offline => (i18n::CONN_OFFLINE.get(lang).to_string(), theme.error),
        },
    }
}

/// The newest message (error or notice) and the columns left for it on a line
/// `width` wide.
fn message_room(state: &State, width: u16) -> Option<(&str, usize)> {
    let message = state.last_error.as_deref().or(state.notice.as_deref())?;
    let (conn, _) = connection(state);
    let used = display_width(&state.theme.glyphs.text(&conn)) + 3;
    Some((message, usize::from(width).saturating_sub(used)))
}

/// Whether the status line has to cut its message (then it ends with `…`, and the
/// whole text is in the message log).
pub fn message_cut(state: &State, width: u16) -> bool {
    message_room(state, width)
        .is_some_and(|(message, room)| display_width(&state.theme.glyphs.text(message)) > room)
}

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let lang = state.lang;
    let (conn_text, conn_style) = connection(state);
    let sep = Span::styled(format!(" {} ", theme.glyphs.dot), theme.muted);
    let mut spans = vec![Span::styled(conn_text, conn_style)];
    // An export under way (issue 16 b): its bar comes first, it is what is awaited.
    if let Some(export) = &state.bulk.export {
        let bar = crate::console::screens::bulk_run::bar(
            export.done,
            export.total,
            10,
            theme.glyphs.ascii,
        );
        spans.push(sep.clone());
        spans.push(Span::styled(
            i18n::bulk::exporting(lang, export.done, export.total, &bar),
            theme.accent,
        ));
    }
    // The message comes right after the connection state: at 80 columns it matters
    // more than the portal address, which is cut first. A cut message ends with `…`.
    if let Some((message, room)) = message_room(state, area.width) {
        let style = if state.last_error.is_some() {
            theme.error
        } else {
            theme.accent
        };
        spans.push(sep.clone());
        spans.push(Span::styled(theme.glyphs.truncate(message, room), style));
    }
    spans.push(sep.clone());
    spans.push(Span::styled(state.portal_label.clone(), theme.muted));
    if let Some(me) = &state.me {
        spans.push(sep);
        spans.push(Span::raw(format!(
            "{} ({})",
            me.account,
            i18n::role(lang, me.role)
        )));
    }
    // Everything past the right edge is clipped by the paragraph; it never wraps.
    let line = theme.glyphs.line(spans);
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
}

/// Mirror mode: "● online · synced 12 s ago", "✕ offline · synced 3 h ago", the first
/// sync's progress, and what waits in the outbox.
fn mirror_state(state: &State, sync: &SyncView) -> (String, Style) {
    let lang = state.lang;
    let theme = &state.theme;
    let mut text = if let Some(received) = sync.first_sync {
        format!("○ {}", tr::first_sync(lang, received))
    } else {
        let (mark, word) = match sync.online {
            Some(true) => ("●", tr::ONLINE.get(lang)),
            Some(false) => ("✕", tr::OFFLINE.get(lang)),
            None => ("○", tr::CONNECTING.get(lang)),
        };
        let age = match sync.synced_at {
            Some(at) => tr::synced_ago(lang, (sync.now - at).num_seconds()),
            None => tr::NEVER_SYNCED.get(lang).to_string(),
        };
        let mut text = format!("{mark} {word} {} {age}", theme.glyphs.dot);
        if let Some(from) = sync.window_from {
            text = format!("{text} {} {}", theme.glyphs.dot, tr::window(lang, from));
        }
        text
    };
    let pending = state
        .outbox
        .iter()
        .filter(|i| i.state == OutboxState::Pending)
        .count();
    let conflicts = state.outbox.len() - pending;
    let counts = tr::outbox_counts(lang, pending, conflicts);
    if !counts.is_empty() {
        text = format!("{text} {} {counts}", theme.glyphs.dot);
    }
    let style = match sync.online {
        _ if conflicts > 0 => theme.error,
        Some(true) => theme.status_done,
        Some(false) => theme.error,
        None => theme.muted,
    };
    (text, style)
}
