//! The event loop: terminal events and command results become `Msg`s, `update` runs
//! on each, `Command`s run in tokio tasks, and the screen is redrawn only when the
//! state changed — once per batch of queued messages, inside a synchronized update.
//!
//! Commands are run in `commands`, terminal input is read in `input`, and the files
//! commands read and write are found in `files`.

use super::app::{self, Command, Msg, State, SyncFailure};
use super::data::DataSource;
use super::terminal::{ConsoleTerminal, TerminalGuard};
use crate::mirror::sync::SyncProgress;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc;

#[path = "runtime_bulk.rs"]
mod bulk;
pub use bulk::unbind_marked;
#[path = "runtime_export.rs"]
pub mod export;

mod commands;
mod files;
mod input;

pub use files::{download_dir, resolve_user_path};
pub use input::mouse_to_msg;

use commands::{execute_command, send_when_done};
use input::read_input;

/// What the loop learned from one message.
enum Step {
    Continue,
    Quit,
    /// Ctrl+Z: hand the terminal back to the shell until `fg`.
    Suspend,
}

impl Incoming {
    fn msg(msg: Msg) -> Incoming {
        Incoming::Msg(Box::new(msg))
    }
}

/// Everything that wakes the loop arrives on one channel: terminal input (read by its
/// own task) and command results.
enum Incoming {
    /// Boxed: a message is far larger than the other variants.
    Msg(Box<Msg>),
    InputError(std::io::Error),
    /// stdin closed: nothing more can be typed.
    InputClosed,
}

/// What commands run against: the data seam, and the bell that wakes the sync.
struct Runner {
    source: DataSource,
    wake_sync: Arc<Notify>,
}

pub async fn run_loop(
    source: DataSource,
    mut state: State,
    no_color: bool,
    mouse: bool,
    sync_interval: Duration,
) -> Result<(), super::ConsoleError> {
    let mut guard = TerminalGuard::enter(no_color, mouse)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Incoming>();
    let input = tokio::spawn(read_input(tx.clone()));
    let runner = Runner {
        source,
        wake_sync: Arc::new(Notify::new()),
    };
    let sync = runner.source.mirror().is_some().then(|| {
        tokio::spawn(sync_loop(
            runner.source.clone(),
            tx.clone(),
            runner.wake_sync.clone(),
            sync_interval,
        ))
    });
    let probe_tx = tx.clone();
    let liveness = tokio::spawn(super::liveness::probe_loop(
        runner.source.clone(),
        move |reachable| {
            probe_tx
                .send(Incoming::msg(Msg::PortalReachable(reachable)))
                .is_ok()
        },
    ));
    let result = event_loop(&mut guard, &runner, &mut state, &tx, &mut rx).await;
    input.abort();
    liveness.abort();
    if let Some(sync) = sync {
        // Whatever it was doing is either committed or not: the outbox is durable.
        sync.abort();
    }
    result
}

/// Mirror mode: sync at start, then every `interval` or when woken (`S`, a queued
/// write). Each run reports its pages and its end as messages.
async fn sync_loop(
    source: DataSource,
    tx: mpsc::UnboundedSender<Incoming>,
    wake: Arc<Notify>,
    interval: Duration,
) {
    loop {
        let progress_tx = tx.clone();
        let progress = move |p: SyncProgress| {
            let _ = progress_tx.send(Incoming::msg(Msg::SyncProgress(p)));
        };
        let Some(result) = source.sync(&progress).await else {
            return;
        };
        let result = result.map_err(|e| SyncFailure {
            at: chrono::Utc::now(),
            offline: e.is_connection(),
            message: e.to_string(),
        });
        if tx.send(Incoming::msg(Msg::Synced(result))).is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = wake.notified() => {}
        }
    }
}

async fn event_loop(
    guard: &mut TerminalGuard,
    source: &Runner,
    state: &mut State,
    tx: &mpsc::UnboundedSender<Incoming>,
    rx: &mut mpsc::UnboundedReceiver<Incoming>,
) -> Result<(), super::ConsoleError> {
    if let Ok(size) = guard.terminal.size() {
        state.viewport = app::Viewport {
            width: size.width,
            height: size.height,
        };
    }
    if let Step::Quit = dispatch(state, Msg::Start, source, tx, &mut Vec::new()) {
        return Ok(());
    }
    let mut dirty = true;
    // At start too: the first page from a near portal comes with the first frame.
    let mut grace_until = Some(tokio::time::Instant::now() + LOADING_GRACE);
    loop {
        // A request is out and its answer may be a few milliseconds away: wait for it
        // (up to the grace) rather than draw a loading mark now and the data next.
        let held = match grace_until {
            Some(until) if state.awaiting_data() => {
                match tokio::time::timeout_at(until, rx.recv()).await {
                    Ok(Some(incoming)) => Some(incoming),
                    Ok(None) => return Ok(()),
                    Err(_) => None,
                }
            }
            _ => None,
        };
        if held.is_none() {
            grace_until = None;
            if dirty {
                draw(&mut guard.terminal, state)?;
                dirty = false;
            }
        }
        let before = state.clone();
        // Wait for one message, then take everything already queued before drawing.
        let first = match held {
            Some(incoming) => incoming,
            None => match rx.recv().await {
                Some(incoming) => incoming,
                None => return Ok(()),
            },
        };
        let mut resized = false;
        let mut next = Some(first);
        let was_awaiting = state.awaiting_data();
        while let Some(incoming) = next {
            match incoming {
                Incoming::Msg(msg) => {
                    let msg = *msg;
                    resized |= matches!(msg, Msg::Resize { .. });
                    let mut clipboard = Vec::new();
                    let step = dispatch(state, msg, source, tx, &mut clipboard);
                    for text in clipboard {
                        // A terminal without OSC 52 ignores it; nothing to report.
                        let out = guard.terminal.backend_mut();
                        let _ = out.write_all(osc52(&text, state.clipboard.tmux).as_bytes());
                        let _ = out.flush();
                    }
                    match step {
                        Step::Quit => return Ok(()),
                        Step::Suspend => {
                            guard.suspend()?;
                            // Everything is drawn again on the fresh screen.
                            resized = true;
                        }
                        Step::Continue => {}
                    }
                }
                Incoming::InputError(e) => return Err(e.into()),
                Incoming::InputClosed => return Ok(()),
            }
            next = rx.try_recv().ok();
        }
        dirty |= resized || *state != before;
        if state.awaiting_data() && !was_awaiting {
            grace_until = Some(tokio::time::Instant::now() + LOADING_GRACE);
        }
    }
}

/// How long a frame waits for an answer already asked for (issue 14): a mirror, the
/// embedded portal or a near one answers well within it, so the key's frame carries
/// the data; a far one shows the loading mark after it.
const LOADING_GRACE: Duration = Duration::from_millis(80);

/// The OSC 52 "set clipboard" sequence: `ESC ] 52 ; c ; <base64> ESC \`.
///
/// Inside tmux the plain sequence reaches the clipboard only when tmux sets it itself
/// (`set -g set-clipboard on`); otherwise tmux drops it unless it comes wrapped in a
/// DCS passthrough (`ESC P tmux; … ESC \`, every ESC inside doubled; tmux 3.3+ also
/// needs `allow-passthrough on`), which tmux hands to the outer terminal. So inside
/// tmux both go out: whichever the user's tmux allows copies, and a terminal that gets
/// both sets the same text twice.
pub fn osc52(text: &str, tmux: bool) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let plain = format!("\x1b]52;c;{encoded}\x1b\\");
    if !tmux {
        return plain;
    }
    // BEL ends the inner sequence, so its terminator cannot be mistaken for the DCS's.
    let inner = format!("\x1b]52;c;{encoded}\x07");
    format!(
        "{plain}\x1bPtmux;{}\x1b\\",
        inner.replace('\x1b', "\x1b\x1b")
    )
}

fn dispatch(
    state: &mut State,
    msg: Msg,
    source: &Runner,
    tx: &mpsc::UnboundedSender<Incoming>,
    clipboard: &mut Vec<String>,
) -> Step {
    for command in app::update(state, msg) {
        if let Command::CopyToClipboard(text) = command {
            clipboard.push(text);
            continue;
        }
        match execute_command(command, source, tx) {
            Step::Continue => {}
            stop => return stop,
        }
    }
    Step::Continue
}

fn draw(terminal: &mut ConsoleTerminal, state: &State) -> Result<(), super::ConsoleError> {
    // The backend buffers the whole frame, wraps it in a synchronized update and
    // writes it in one go (nothing at all when nothing changed on screen).
    terminal.draw(|frame| app::view(state, frame))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{download_dir, osc52, resolve_user_path};
    use std::path::{Path, PathBuf};

    #[test]
    fn a_typed_path_is_made_whole() {
        let home = directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
        if let Some(home) = home {
            assert_eq!(
                resolve_user_path(Path::new("~/errors.tsv")),
                home.join("errors.tsv")
            );
            assert_eq!(resolve_user_path(Path::new("~")), home);
        }
        assert_eq!(
            resolve_user_path(Path::new("/tmp/x.tsv")),
            PathBuf::from("/tmp/x.tsv")
        );
        let downloads = std::path::absolute(download_dir()).unwrap_or_else(|_| download_dir());
        assert_eq!(
            resolve_user_path(Path::new("precheck-errors.tsv")),
            downloads.join("precheck-errors.tsv")
        );
    }

    #[test]
    fn osc52_is_plain_outside_tmux_and_also_wrapped_inside() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x1b\\");
        assert_eq!(
            osc52("hi", true),
            "\x1b]52;c;aGk=\x1b\\\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }
}
