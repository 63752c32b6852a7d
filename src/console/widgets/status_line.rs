//! The bottom row: where the data comes from, connection state in words, who is signed
//! in, and the last error.

use super::truncate;
use crate::console::app::{Connection, State};
use crate::console::i18n;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let lang = state.lang;
    let (conn_text, conn_style) = match state.connection {
        Connection::Connecting => (i18n::CONN_CONNECTING.get(lang), theme.muted),
        Connection::Online => (i18n::CONN_ONLINE.get(lang), theme.status_done),
        Connection::Offline => (i18n::CONN_OFFLINE.get(lang), theme.error),
    };
    let sep = Span::styled(" · ", theme.muted);
    let mut spans = vec![
        Span::styled(state.portal_label.clone(), theme.muted),
        sep.clone(),
        Span::styled(conn_text, conn_style),
    ];
    if let Some(me) = &state.me {
        spans.push(sep.clone());
        spans.push(Span::raw(format!("{} ({})", me.account, me.role.as_str())));
    }
    if let Some(error) = &state.last_error {
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = usize::from(area.width).saturating_sub(used + 3);
        spans.push(sep);
        spans.push(Span::styled(truncate(error, room), theme.error));
    }
    // Everything past the right edge is clipped by the paragraph; it never wraps.
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
}
