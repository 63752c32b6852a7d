//! Reading the terminal ourselves (Unix): a thread reads raw bytes from the tty, and
//! `parse` turns them into events one key at a time, so keys that arrive together
//! (Esc and F8 in one read over a slow link) stay separate keys. Window size changes
//! come from SIGWINCH.

pub mod parse;

use crossterm::event::Event;
use std::io::{self, IsTerminal, Read};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How long an ESC at the end of a read waits for the rest of a sequence before it
/// counts as the Esc key (what vim calls ttimeoutlen; tmux's escape-time is 500 ms).
pub const ESC_WAIT: Duration = Duration::from_millis(50);

/// What the reader reports.
pub enum Input {
    Event(Event),
    /// The answer to the cursor position query sent at `probe` came after this long:
    /// the terminal's round trip (over SSH, the link's).
    RoundTrip(Duration),
    /// The terminal answered the kitty keyboard query: its disambiguation can be
    /// turned on (Esc then arrives as `CSI 27 u`, never mistaken for a prefix).
    KittyKeyboard,
    Error(io::Error),
    /// The terminal went away.
    Closed,
}

/// Reads the terminal and hands each event to `deliver` until the terminal closes or
/// `deliver` answers `false`. `probe`: when a cursor position query (`CSI 6n`) was
/// written; its answer is delivered as [`Input::RoundTrip`], never as a key.
pub async fn read(mut probe: Option<Instant>, mut deliver: impl FnMut(Input) -> bool) {
    let (bytes_tx, mut bytes_rx) = mpsc::unbounded_channel::<io::Result<Vec<u8>>>();
    std::thread::spawn(move || read_bytes(&bytes_tx));
    let mut resized = window_changes();
    let mut parser = parse::Parser::default();
    if probe.is_some() {
        parser.expect_cursor_report();
    }
    loop {
        let wait = parser.waiting();
        let events = tokio::select! {
            chunk = bytes_rx.recv() => match chunk {
                Some(Ok(bytes)) => parser.feed(&bytes),
                Some(Err(error)) => {
                    deliver(Input::Error(error));
                    return;
                }
                None => {
                    deliver(Input::Closed);
                    return;
                }
            },
            _ = tokio::time::sleep(ESC_WAIT), if wait => parser.flush(),
            Some(()) = next_resize(&mut resized) => vec![Event::Resize(0, 0)],
        };
        if parser.take_kitty_reply() && !deliver(Input::KittyKeyboard) {
            return;
        }
        if parser.take_cursor_report().is_some()
            && let Some(sent) = probe.take()
            && !deliver(Input::RoundTrip(sent.elapsed()))
        {
            return;
        }
        for event in events {
            if !deliver(Input::Event(event)) {
                return;
            }
        }
    }
}

#[cfg(unix)]
type Resizes = Option<tokio::signal::unix::Signal>;

#[cfg(unix)]
fn window_changes() -> Resizes {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change()).ok()
}

#[cfg(unix)]
async fn next_resize(resized: &mut Resizes) -> Option<()> {
    match resized {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(not(unix))]
type Resizes = ();

#[cfg(not(unix))]
fn window_changes() -> Resizes {}

#[cfg(not(unix))]
async fn next_resize(_: &mut Resizes) -> Option<()> {
    std::future::pending().await
}

/// The blocking side: stdin when it is the terminal, else the controlling terminal.
fn read_bytes(tx: &mpsc::UnboundedSender<io::Result<Vec<u8>>>) {
    let mut source: Box<dyn Read> = if io::stdin().is_terminal() {
        Box::new(io::stdin())
    } else {
        match std::fs::File::open("/dev/tty") {
            Ok(tty) => Box::new(tty),
            Err(error) => {
                let _ = tx.send(Err(error));
                return;
            }
        }
    };
    let mut buf = [0u8; 4096];
    loop {
        match source.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if tx.send(Ok(buf[..n].to_vec())).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}
