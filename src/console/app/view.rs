//! Drawing the whole console: the screen in front, the key hints, the status line
//! and the help on top.

use super::{Front, State};
use crate::console::i18n;
use crate::console::screens::column_chooser::{self, ListKind};
use crate::console::screens::{
    access, activations, activity_view, audit, capacity, detail, dialog, keys, messages,
    new_activation, outbox, palette, seats, tabs,
};
use crate::console::widgets;
use ratatui::Frame;
use ratatui::layout::Rect;

/// Smallest terminal the layout is designed for: 80×24 less the two rows a tmux or
/// screen status line (or a title bar) may take.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 22;

/// The screens drawn under the tab line.
pub fn is_tabbed(front: Front) -> bool {
    matches!(
        front,
        Front::List
            | Front::Seats
            | Front::Capacity
            | Front::Keys
            | Front::Access
            | Front::Activity
            | Front::Invoices
            | Front::Webhooks
            | Front::Renewals
    )
}

/// Where the screen in front is drawn in a terminal of `area`: under the tab line on
/// the tabbed screens, above the key hints and the status line. The view draws there,
/// and a mouse click is mapped back to a row through the same rectangle.
pub fn body_area(area: Rect, tabbed: bool) -> Rect {
    let top = u16::from(tabbed);
    Rect::new(
        area.x,
        area.y + top,
        area.width,
        area.height.saturating_sub(2 + top),
    )
}

/// Draws the state. Never mutates, never does I/O; safe at any terminal size.
pub fn view(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let theme = &state.theme;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let message = i18n::too_small(state.lang, MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
        // Through the glyph set too: «80×24» has to be «80x24» under LANG=C.
        widgets::too_small(frame, &theme.glyphs.text(&message), theme.error);
        return;
    }
    let front = state.front();
    let tabbed = is_tabbed(front);
    if tabbed {
        tabs::render(
            state.tab,
            state.lang,
            theme,
            &state.keymap,
            frame,
            Rect::new(area.x, area.y, area.width, 1),
        );
    }
    let body = body_area(area, tabbed);
    let hints_area = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let status_area = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    let cursor = match (&state.new_activation, &state.detail) {
        _ if front == Front::Seats => {
            let ctx = seats::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
                organizations: &state.organizations,
                outbox: &state.outbox,
            };
            seats::view(&state.seats, &ctx, frame, body)
        }
        _ if front == Front::Capacity => {
            let ctx = capacity::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
                organizations: &state.organizations,
                outbox: &state.outbox,
            };
            capacity::view(&state.capacity, &ctx, frame, body)
        }
        _ if front == Front::Renewals => {
            let ctx = crate::console::screens::renewals_view::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
                organizations: &state.organizations,
            };
            crate::console::screens::renewals_view::view(&state.renewals, &ctx, frame, body)
        }
        _ if front == Front::Activity => {
            let ctx = activity_view::ViewContext {
                lang: state.lang,
                theme,
                organizations: &state.organizations,
            };
            activity_view::view(&state.activity, &ctx, frame, body)
        }
        _ if front == Front::Invoices => {
            let ctx = crate::console::screens::invoices::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
            };
            crate::console::screens::invoices::view(&state.invoices, &ctx, frame, body)
        }
        _ if front == Front::Webhooks => {
            let ctx = crate::console::screens::webhooks::ViewContext {
                lang: state.lang,
                theme,
                role: state.me.as_ref().map(|m| m.role),
            };
            crate::console::screens::webhooks::view(&state.webhooks, &ctx, frame, body)
        }
        _ if front == Front::Access => {
            let ctx = access::ViewContext {
                lang: state.lang,
                theme,
                role: state.me.as_ref().map(|m| m.role),
            };
            access::view(&state.access, &ctx, frame, body)
        }
        _ if front == Front::Keys => {
            let ctx = keys::ViewContext {
                lang: state.lang,
                theme,
                role: state.me.as_ref().map(|m| m.role),
            };
            keys::view(&state.keys, &ctx, frame, body)
        }
        (Some(flow), _) if front == Front::NewActivation => {
            let ctx = new_activation::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
                organizations: &state.organizations,
                keymap: &state.keymap,
            };
            new_activation::view(flow, &ctx, frame, body)
        }
        (_, Some(screen)) => {
            let ctx = detail::ViewContext {
                lang: state.lang,
                theme,
                today: state.today,
            };
            detail::view(screen, &ctx, frame, body)
        }
        _ => {
            let ctx = activations::ViewContext {
                lang: state.lang,
                theme,
                organizations: &state.organizations,
                outbox: &state.outbox,
            };
            activations::view(&state.list, &ctx, frame, body)
        }
    };
    let mut hints = state.hint_entries();
    let overlay = !state.dialogs.is_empty()
        || state.help_open
        || state.palette.is_some()
        || state.audit.is_some()
        || state.outbox_overlay.is_some()
        || state.column_chooser.is_some()
        || state.message_log.is_some()
        || state.bulk.run.is_some()
        || state.bulk.triage.is_some();
    if !overlay
        && state.log_key_active()
        && widgets::status_line::message_cut(state, status_area.width)
    {
        // The status line could not show the whole message: say where it can be read.
        if let Some(key) = state.keymap.keys(&messages::OPEN_BINDINGS[0]).first() {
            hints.insert(
                0,
                (key.label(), i18n::messages::FULL_MESSAGE.get(state.lang)),
            );
        }
    }
    widgets::hints::render(&hints, theme, frame, hints_area);
    widgets::status_line::render(state, frame, status_area);

    if let Some(overlay) = &state.audit {
        audit::render(overlay, state.lang, theme, frame);
    }
    if let Some(overlay) = state
        .outbox_overlay
        .as_ref()
        .filter(|_| state.audit.is_none())
    {
        outbox::render(overlay, &state.outbox, state.lang, theme, frame);
    }
    // The triage of errors (issue 16 b), over the screen and under a palette opened on it.
    if let Some(overlay) = &state.bulk.triage {
        crate::console::screens::triage::render(overlay, state.lang, theme, frame, body);
    }
    if let Some(open) = &state.palette {
        // Over the screen it was opened on; the prompt takes the key-hint row.
        let items = state.palette_items();
        let hints = state.hint_entries();
        if let Some(position) = palette::render(open, &items, &hints, state.lang, theme, frame) {
            frame.set_cursor_position(position);
        }
        return;
    }
    // Many rows at once (issue 16 b): a run, over the screen.
    if let Some(run) = &state.bulk.run {
        crate::console::screens::bulk_run::render(run, state.lang, theme, frame, body);
    }
    let chooser_cursor = state.column_chooser.as_ref().map(|chooser| {
        let rows = match chooser.list {
            ListKind::Activations => column_chooser::rows(&state.list.columns),
            ListKind::Seats => column_chooser::rows(&state.seats.columns),
        };
        column_chooser::render(chooser, &rows, state.lang, theme, frame)
    });
    if let Some(dialog) = state.dialogs.last() {
        // On top of everything; it has the keyboard, and the cursor.
        if let Some(position) = dialog::render(dialog, state.lang, theme, frame) {
            frame.set_cursor_position(position);
        }
        return;
    }
    if state.help_open {
        widgets::help::render(
            &state.help_title(),
            i18n::HELP_CLOSE.get(state.lang),
            &state.help_entries(),
            state.help_scroll,
            state.lang,
            theme,
            frame,
        );
    } else if let Some(log) = &state.message_log {
        messages::render(log, &state.messages, state.lang, theme, frame);
    } else if let Some(position) = chooser_cursor {
        frame.set_cursor_position(position);
    } else if let Some(position) = cursor.filter(|_| {
        state.audit.is_none()
            && state.outbox_overlay.is_none()
            && state.bulk.run.is_none()
            && state.bulk.triage.is_none()
    }) {
        // Screen readers follow the real cursor: it sits on the selection.
        frame.set_cursor_position(position);
    }
}
