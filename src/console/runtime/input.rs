//! Terminal input as `Msg`s: the task that reads keys, pastes, resizes and clicks and
//! forwards them to the loop.

use super::Incoming;
use crate::console::app::{MouseInput, MouseKind, Msg};
use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
use tokio::sync::mpsc;

/// Forwards terminal events to the loop until the terminal goes away. On Unix the
/// bytes are parsed here, key by key (`terminal_input`).
#[cfg(unix)]
pub(super) async fn read_input(tx: mpsc::UnboundedSender<Incoming>) {
    use crate::console::terminal_input::{self, Input};
    use std::io::Write;
    // Time the terminal's round trip once (issue 14): a cursor position query, four
    // bytes, answered by the terminal itself — over SSH, across the link. Before it,
    // the kitty keyboard query: a terminal that speaks the protocol answers it first
    // (terminals answer in order), one that does not answers only the position.
    let mut out = std::io::stdout();
    let probe = (out.write_all(b"\x1b[?u\x1b[6n").is_ok() && out.flush().is_ok())
        .then(std::time::Instant::now);
    terminal_input::read(probe, |input| {
        let incoming = match input {
            Input::KittyKeyboard => {
                crate::console::terminal::enable_kitty_keyboard();
                return true;
            }
            Input::RoundTrip(took) => Incoming::msg(Msg::TerminalRoundTrip(took)),
            Input::Event(event) => match event_to_msg(event) {
                Some(msg) => Incoming::msg(msg),
                None => return true,
            },
            Input::Error(e) => Incoming::InputError(e),
            Input::Closed => Incoming::InputClosed,
        };
        let last = !matches!(incoming, Incoming::Msg(_));
        tx.send(incoming).is_ok() && !last
    })
    .await;
}

#[cfg(not(unix))]
pub(super) async fn read_input(tx: mpsc::UnboundedSender<Incoming>) {
    use crossterm::event::EventStream;
    use futures_util::StreamExt;
    let mut events = EventStream::new();
    loop {
        let incoming = match events.next().await {
            Some(Ok(event)) => match event_to_msg(event) {
                Some(msg) => Incoming::msg(msg),
                None => continue,
            },
            Some(Err(e)) => Incoming::InputError(e),
            None => Incoming::InputClosed,
        };
        let last = !matches!(incoming, Incoming::Msg(_));
        if tx.send(incoming).is_err() || last {
            return;
        }
    }
}

fn event_to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => {
            // The size now is the layout the click landed on (update maps it to a row).
            let (width, height) = crossterm::terminal::size().ok()?;
            mouse_to_msg(mouse, width, height)
        }
        _ => None,
    }
}

/// Clicks and the wheel; moves, drags, releases and other buttons mean nothing here.
pub fn mouse_to_msg(mouse: MouseEvent, width: u16, height: u16) -> Option<Msg> {
    let kind = match mouse.kind {
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::ScrollUp => MouseKind::WheelUp,
        MouseEventKind::ScrollDown => MouseKind::WheelDown,
        _ => return None,
    };
    Some(Msg::Mouse(MouseInput {
        kind,
        column: mouse.column,
        row: mouse.row,
        width,
        height,
    }))
}
