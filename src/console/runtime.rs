//! The event loop: terminal events and command results become `Msg`s, `update` runs
//! on each, `Command`s run in tokio tasks, and the screen is redrawn only when the
//! state changed — once per batch of queued messages, inside a synchronized update.

use super::app::{self, Command, Msg, State};
use super::data::DataSource;
use super::terminal::{ConsoleTerminal, TerminalGuard};
use crossterm::event::{Event, EventStream};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{execute, queue};
use futures_util::StreamExt;
use tokio::sync::mpsc;

/// What the loop learned from one message.
enum Step {
    Continue,
    Quit,
}

/// Everything that wakes the loop arrives on one channel: terminal input (read by its
/// own task) and command results.
enum Incoming {
    Msg(Msg),
    InputError(std::io::Error),
    /// stdin closed: nothing more can be typed.
    InputClosed,
}

pub async fn run_loop(source: DataSource, mut state: State, no_color: bool) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter(no_color)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Incoming>();
    let input = tokio::spawn(read_input(tx.clone()));
    let result = event_loop(&mut guard, &source, &mut state, &tx, &mut rx).await;
    input.abort();
    result
}

async fn event_loop(
    guard: &mut TerminalGuard,
    source: &DataSource,
    state: &mut State,
    tx: &mpsc::UnboundedSender<Incoming>,
    rx: &mut mpsc::UnboundedReceiver<Incoming>,
) -> anyhow::Result<()> {
    if let Step::Quit = dispatch(state, Msg::Start, source, tx) {
        return Ok(());
    }
    let mut dirty = true;
    loop {
        if dirty {
            draw(&mut guard.terminal, state)?;
        }
        let before = state.clone();
        // Wait for one message, then take everything already queued before drawing.
        let Some(first) = rx.recv().await else {
            return Ok(());
        };
        let mut resized = false;
        let mut next = Some(first);
        while let Some(incoming) = next {
            match incoming {
                Incoming::Msg(msg) => {
                    resized |= matches!(msg, Msg::Resize);
                    if let Step::Quit = dispatch(state, msg, source, tx) {
                        return Ok(());
                    }
                }
                Incoming::InputError(e) => return Err(e.into()),
                Incoming::InputClosed => return Ok(()),
            }
            next = rx.try_recv().ok();
        }
        dirty = resized || *state != before;
    }
}

/// Forwards terminal events to the loop until the terminal goes away.
async fn read_input(tx: mpsc::UnboundedSender<Incoming>) {
    let mut events = EventStream::new();
    loop {
        let incoming = match events.next().await {
            Some(Ok(event)) => match event_to_msg(event) {
                Some(msg) => Incoming::Msg(msg),
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
        Event::Resize(_, _) => Some(Msg::Resize),
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

fn dispatch(
    state: &mut State,
    msg: Msg,
    source: &DataSource,
    tx: &mpsc::UnboundedSender<Incoming>,
) -> Step {
    for command in app::update(state, msg) {
        if let Step::Quit = execute_command(command, source, tx) {
            return Step::Quit;
        }
    }
    Step::Continue
}

/// Runs a command in its own task; its answer comes back through the channel. A send
/// error only means the console already quit.
fn execute_command(
    command: Command,
    source: &DataSource,
    tx: &mpsc::UnboundedSender<Incoming>,
) -> Step {
    let source = source.clone();
    let tx = tx.clone();
    match command {
        Command::Quit => return Step::Quit,
        Command::FetchMe => {
            tokio::spawn(async move {
                let _ = tx.send(Incoming::Msg(Msg::MeLoaded(source.me().await)));
            });
        }
        Command::FetchOrganizations => {
            tokio::spawn(async move {
                let _ = tx.send(Incoming::Msg(Msg::OrganizationsLoaded(
                    source.organizations().await,
                )));
            });
        }
        Command::FetchActivations { request_id, query } => {
            tokio::spawn(async move {
                let result = source.activations(&query).await;
                let _ = tx.send(Incoming::Msg(Msg::ActivationsLoaded { request_id, result }));
            });
        }
        Command::FetchDetail { request_id, number } => {
            tokio::spawn(async move {
                let result = source.activation(number).await;
                let _ = tx.send(Incoming::Msg(Msg::DetailLoaded { request_id, result }));
            });
        }
    }
    Step::Continue
}

fn draw(terminal: &mut ConsoleTerminal, state: &State) -> anyhow::Result<()> {
    // The whole frame (begin, diff, end) is buffered and written in one go.
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| app::view(state, frame))?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}
