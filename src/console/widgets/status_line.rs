//! The bottom row: connection state in words, the last error, where the data comes
//! from, and who is signed in.

use super::display_width;
use crate::console::app::{Connection, State};
use crate::console::i18n;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let lang = state.lang;
    let (conn_text, conn_style) = match state.connection {
        Connection::Connecting => (i18n::CONN_CONNECTING.get(lang), theme.muted),
        Connection::Online => (i18n::CONN_ONLINE.get(lang), theme.status_done),
        Connection::Offline => (i18n::CONN_OFFLINE.get(lang), theme.error),
    };
    let sep = Span::styled(format!(" {} ", theme.glyphs.dot), theme.muted);
    let mut spans = vec![Span::styled(conn_text, conn_style)];
    // The error comes right after the connection state: at 80 columns it matters more
    // than the portal address, which is cut first.
    if let Some(error) = &state.last_error {
        let used = display_width(conn_text) + 3;
        let room = usize::from(area.width).saturating_sub(used);
        spans.push(sep.clone());
        spans.push(Span::styled(
            theme.glyphs.truncate(error, room),
            theme.error,
        ));
    } else if let Some(notice) = &state.notice {
        let used = display_width(conn_text) + 3;
        let room = usize::from(area.width).saturating_sub(used);
        spans.push(sep.clone());
        spans.push(Span::styled(
            theme.glyphs.truncate(notice, room),
            theme.accent,
        ));
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
