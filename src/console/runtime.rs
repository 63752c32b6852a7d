//! The event loop: terminal events and command results become `Msg`s, `update` runs
//! on each, `Command`s run in tokio tasks, and the screen is redrawn only when the
//! state changed — once per batch of queued messages, inside a synchronized update.

use super::app::{
    self, Command, MouseInput, MouseKind, Msg, POLL_INTERVAL_MS, SaveError, State, SyncFailure,
};
use super::data::{DataError, DataSource, Written};
use super::terminal::{ConsoleTerminal, TerminalGuard};
use super::ui_state;
use crate::mirror::sync::SyncProgress;
use crossterm::event::{Event, MouseButton, MouseEvent, MouseEventKind};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc;

#[path = "runtime_bulk.rs"]
mod bulk;
pub use bulk::unbind_marked;
#[path = "runtime_export.rs"]
pub mod export;

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

/// Forwards terminal events to the loop until the terminal goes away. On Unix the
/// bytes are parsed here, key by key (`terminal_input`).
#[cfg(unix)]
async fn read_input(tx: mpsc::UnboundedSender<Incoming>) {
    use super::terminal_input::{self, Input};
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
                super::terminal::enable_kitty_keyboard();
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
async fn read_input(tx: mpsc::UnboundedSender<Incoming>) {
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

/// Where downloaded files go: `LICADM_DOWNLOAD_DIR`, else the user's downloads
/// directory, else the home directory, else the current directory.
pub fn download_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("LICADM_DOWNLOAD_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.download_dir()
                .filter(|d| d.is_dir())
                .map(|d| d.to_path_buf())
                .or_else(|| Some(dirs.home_dir().to_path_buf()))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A path as the user typed it, made absolute: `~` and `~/…` are the home directory,
/// a bare name or a relative path is in the downloads directory.
pub fn resolve_user_path(typed: &std::path::Path) -> PathBuf {
    let home = || directories::UserDirs::new().map(|d| d.home_dir().to_path_buf());
    let path = match typed.strip_prefix("~") {
        Ok(rest) => match home() {
            Some(home) => home.join(rest),
            None => typed.to_path_buf(),
        },
        Err(_) if typed.is_absolute() => typed.to_path_buf(),
        Err(_) => download_dir().join(typed),
    };
    std::path::absolute(&path).unwrap_or(path)
}

async fn write_download(file_name: &str, contents: &[u8]) -> Result<PathBuf, SaveError> {
    // Only the file name part: a portal cannot make us write elsewhere.
    let name = std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "license.lic".into());
    let path = download_dir().join(name);
    let path = std::path::absolute(&path).unwrap_or(path);
    match tokio::fs::write(&path, contents).await {
        Ok(()) => Ok(path),
        Err(e) => Err(SaveError::Write {
            path,
            error: e.to_string(),
        }),
    }
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

/// Runs a command in its own task; its answer comes back through the channel. A send
/// error only means the console already quit.
fn execute_command(
    command: Command,
    runner: &Runner,
    tx: &mpsc::UnboundedSender<Incoming>,
) -> Step {
    let source = runner.source.clone();
    let tx = tx.clone();
    // Many rows at once (issue 16 b): `runtime_bulk.rs`.
    let Some(command) = bulk::execute(command, source.clone(), tx.clone()) else {
        return Step::Continue;
    };
    match command {
        Command::Quit => return Step::Quit,
        Command::Suspend => return Step::Suspend,
        Command::SyncNow => runner.wake_sync.notify_one(),
        Command::FetchOutbox => {
            send_when_done(tx, async move { Msg::OutboxLoaded(source.outbox().await) });
        }
        Command::DismissOutbox(id) => {
            send_when_done(tx, async move {
                match source.dismiss(id).await {
                    Ok(_) => Msg::OutboxLoaded(source.outbox().await),
                    Err(e) => Msg::OutboxLoaded(Err(e)),
                }
            });
        }
        Command::CancelOutbox(id) => {
            send_when_done(tx, async move {
                Msg::OutboxCancelled(source.cancel_queued(id).await)
            });
        }
        Command::Why { serial } => {
            send_when_done(tx, async move {
                let result = source.why(&serial).await;
                Msg::WhyLoaded { serial, result }
            });
        }
        Command::Activity(command) => {
            send_when_done(tx, crate::console::screens::activity::run(command, source));
        }
        Command::Webhooks(command) => {
            send_when_done(tx, crate::console::screens::webhooks::run(command, source));
        }
        Command::Renewals(command) => {
            send_when_done(tx, crate::console::screens::renewals::run(command, source));
        }
        Command::Access(command) => {
            send_when_done(tx, crate::console::screens::access::run(command, source));
        }
        Command::Invoices(command) => {
            send_when_done(tx, crate::console::screens::invoices::run(command, source));
        }
        Command::FetchMe => {
            send_when_done(tx, async move { Msg::MeLoaded(source.me().await) });
        }
        Command::FetchPrices => {
            send_when_done(tx, async move { Msg::PricesLoaded(source.prices().await) });
        }
        Command::FetchOrganizations => {
            send_when_done(tx, async move {
                Msg::OrganizationsLoaded(source.organizations().await)
            });
        }
        Command::FetchActivations { request_id, query } => {
            send_when_done(tx, async move {
                let result = source.activations(&query).await;
                Msg::ActivationsLoaded { request_id, result }
            });
        }
        Command::FetchDetail { request_id, number } => {
            send_when_done(tx, async move {
                let result = source.activation(number).await;
                Msg::DetailLoaded { request_id, result }
            });
        }
        Command::AcceptOffer { organization } => {
            send_when_done(tx, async move {
                let result = source.accept_offer(organization).await;
                Msg::OfferAccepted(result)
            });
        }
        Command::Precheck {
            organization,
            serials,
        } => {
            send_when_done(tx, async move {
                let result = source.precheck(organization, &serials).await;
                Msg::Prechecked(result)
            });
        }
        Command::CreateActivations {
            organization,
            serials,
            idempotency_key,
        } => {
            send_when_done(tx, async move {
                let result = source
                    .create_activations(organization, &serials, &idempotency_key)
                    .await;
                written(result, Msg::ActivationsCreated)
            });
        }
        Command::Retry { number } => {
            send_when_done(tx, async move {
                let result = source.retry(number).await;
                written(result, |result| Msg::Retried { number, result })
            });
        }
        Command::SaveLicenseFile { number } => {
            send_when_done(tx, async move {
                let result = match source.license_file(number).await {
                    Ok(file) => write_download(&file.file_name, file.contents.as_bytes()).await,
                    Err(e) => Err(SaveError::Request(e)),
                };
                Msg::FileSaved(result)
            });
        }
        Command::WriteFile { path, contents } => {
            send_when_done(tx, async move {
                let path = resolve_user_path(&path);
                let result = match tokio::fs::write(&path, contents.as_bytes()).await {
                    Ok(()) => Ok(path),
                    Err(e) => Err(SaveError::Write {
                        path,
                        error: e.to_string(),
                    }),
                };
                Msg::FileSaved(result)
            });
        }
        Command::WriteSampleFile {
            file_name,
            contents,
        } => {
            send_when_done(tx, async move {
                let result = write_download(&file_name, contents.as_bytes()).await;
                Msg::FileSaved(result)
            });
        }
        Command::CompletePath { typed } => {
            send_when_done(tx, async move {
                let lookup = typed.clone();
                let completed =
                    tokio::task::spawn_blocking(move || super::paths::complete(&lookup))
                        .await
                        .ok()
                        .flatten();
                Msg::PathCompleted { typed, completed }
            });
        }
        Command::ImportSerials { path } => {
            send_when_done(tx, async move {
                let result = read_text_file(&path).await;
                Msg::SerialsImported { path, result }
            });
        }
        Command::FetchSeats { request_id, query } => {
            send_when_done(tx, async move {
                let result = source.seats(&query).await;
                Msg::SeatsLoaded { request_id, result }
            });
        }
        Command::FetchSeatSummary { organization } => {
            send_when_done(tx, async move {
                let result = source.seat_summary(organization).await;
                Msg::SeatSummaryLoaded(result)
            });
        }
        Command::FetchUsers {
            request_id,
            organization,
            q,
        } => {
            send_when_done(tx, async move {
                let result = source.users(organization, &q).await;
                Msg::UsersLoaded { request_id, result }
            });
        }
        Command::BindSeat { seat, email } => {
            send_when_done(tx, async move {
                let result = source.bind_seat(seat, &email).await;
                written(result, |result| Msg::SeatBound {
                    seat,
                    email,
                    result,
                })
            });
        }
        Command::UnbindSeat { seat } => {
            send_when_done(tx, async move {
                let result = source.unbind_seat(seat).await;
                written(result, |result| Msg::SeatUnbound { seat, result })
            });
        }
        Command::FetchLicenseInfo {
            request_id,
            organization,
        } => {
            send_when_done(tx, async move {
                let result = source.license_info(organization).await;
                Msg::LicenseInfoLoaded { request_id, result }
            });
        }
        Command::RequestEmergency(request) => {
            send_when_done(tx, async move {
                let result = source.request_emergency_license(&request).await;
                written(result, Msg::EmergencyRequested)
            });
        }
        Command::ActivateKey(request) => {
            send_when_done(tx, async move {
                let result = source.activate_key(&request).await;
                Msg::KeyActivated(result)
            });
        }
        Command::WriteActivationRequest {
            key,
            inn,
            kpp,
            installation,
        } => {
            send_when_done(tx, async move {
                let file_name =
                    crate::console::screens::keys::request_file_name(&installation.serial);
                let request = crate::domain::offline::ActivationRequest {
                    key,
                    inn,
                    kpp,
                    installation,
                    created_at: chrono::Utc::now(),
                };
                let text = request.to_text();
                let result = write_download(&file_name, text.as_bytes()).await;
                Msg::RequestWritten { text, result }
            });
        }
        Command::ReadTextFile { path, purpose } => {
            send_when_done(tx, async move {
                let result = read_text_file(&path).await;
                Msg::TextFileRead {
                    purpose,
                    path,
                    result,
                }
            });
        }
        Command::SaveText {
            file_name,
            contents,
        } => {
            send_when_done(tx, async move {
                let result = write_download(&file_name, contents.as_bytes()).await;
                Msg::FileSaved(result)
            });
        }
        Command::FetchSigningKey => {
            send_when_done(tx, async move {
                let result = source.signing_key().await;
                Msg::SigningKeyLoaded(result)
            });
        }
        Command::FetchAudit {
            request_id,
            object,
            page,
        } => {
            send_when_done(tx, async move {
                let result = source.audit(&object, page, app::AUDIT_PER_PAGE).await;
                Msg::AuditLoaded { request_id, result }
            });
        }
        Command::ScheduleTick => {
            send_when_done(tx, async move {
                tokio::time::sleep(std::time::Duration::from_millis(POLL_INTERVAL_MS)).await;
                Msg::Tick
            });
        }
        Command::ScheduleClock(after_ms) => {
            send_when_done(tx, async move {
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                Msg::Clock(chrono::Utc::now())
            });
        }
        // Written by the loop, which owns the terminal.
        Command::CopyToClipboard(_) => {}
        Command::SaveUiState(ui) => {
            // A few hundred bytes, written here rather than in a task: saves land in
            // the order they were made, and before a quit that follows them.
            let result = match ui_state::default_path() {
                Some(path) => ui_state::save(&path, &ui).map_err(|e| e.to_string()),
                None => Err("no state directory (is HOME set?)".to_string()),
            };
            let _ = tx.send(Incoming::msg(Msg::UiStateSaved(result)));
        }
        // Run by `bulk::execute` above; never here.
        Command::RetryMany { .. }
        | Command::SaveLicenseInto { .. }
        | Command::UnbindMarked { .. }
        | Command::CollectMatching { .. }
        | Command::FetchTriage { .. }
        | Command::Export { .. }
        | Command::SaveView { .. } => {}
    }
    Step::Continue
}

/// A write's answer as the screens know it, or `WriteQueued` when the mirror queued it.
fn written<T>(
    result: Result<Written<T>, DataError>,
    answered: impl FnOnce(Result<T, DataError>) -> Msg,
) -> Msg {
    match result {
        Ok(Written::Done(value)) => answered(Ok(value)),
        Ok(Written::Queued(item)) => Msg::WriteQueued(item),
        Err(error) => answered(Err(error)),
    }
}

/// Runs `work` in its own task and sends the message it ends with; the loop never
/// waits on the portal or the disk. A send error only means the console already quit.
fn send_when_done(
    tx: mpsc::UnboundedSender<Incoming>,
    work: impl Future<Output = Msg> + Send + 'static,
) {
    tokio::spawn(async move {
        let _ = tx.send(Incoming::msg(work.await));
    });
}

/// A file the user named, as text (the error as the user sees it).
/// A file whose path the user typed (`~/` is the home directory).
async fn read_text_file(path: &std::path::Path) -> Result<String, String> {
    let path = super::paths::expand_tilde(&path.to_string_lossy());
    tokio::fs::read(&path)
        .await
        .map_err(|e| e.to_string())
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()))
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
