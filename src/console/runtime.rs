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

pub async fn run_loop(source: DataSource, mut state: State, no_color: bool) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter(no_color)?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();

    let mut dirty = true;
    if let Step::Quit = dispatch(&mut state, Msg::Start, &source, &tx) {
        return Ok(());
    }
    loop {
        if dirty {
            draw(&mut guard.terminal, &state)?;
        }
        let before = state.clone();
        let first = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => event_to_msg(event),
                Some(Err(e)) => return Err(e.into()),
                // stdin closed: nothing more can be typed.
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => Some(msg),
        };
        let mut resized = false;
        let mut pending: Vec<Msg> = first.into_iter().collect();
        // Drain everything already queued before drawing once.
        loop {
            for msg in pending.drain(..) {
                resized |= matches!(msg, Msg::Resize);
                if let Step::Quit = dispatch(&mut state, msg, &source, &tx) {
                    return Ok(());
                }
            }
            // Only the channel is drained here: polling the EventStream with a no-op
            // waker (`now_or_never`) would park crossterm's reader thread on that waker
            // and lose the wake-up of the next key press.
            while let Ok(msg) = rx.try_recv() {
                pending.push(msg);
            }
            if pending.is_empty() {
                break;
            }
        }
        dirty = resized || state != before;
    }
}

fn event_to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(_, _) => Some(Msg::Resize),
        _ => None,
    }
}

fn dispatch(
    state: &mut State,
    msg: Msg,
    source: &DataSource,
    tx: &mpsc::UnboundedSender<Msg>,
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
fn execute_command(command: Command, source: &DataSource, tx: &mpsc::UnboundedSender<Msg>) -> Step {
    let source = source.clone();
    let tx = tx.clone();
    match command {
        Command::Quit => return Step::Quit,
        Command::FetchMe => {
            tokio::spawn(async move {
                let _ = tx.send(Msg::MeLoaded(source.me().await));
            });
        }
        Command::FetchOrganizations => {
            tokio::spawn(async move {
                let _ = tx.send(Msg::OrganizationsLoaded(source.organizations().await));
            });
        }
        Command::FetchActivations { request_id, query } => {
            tokio::spawn(async move {
                let result = source.activations(&query).await;
                let _ = tx.send(Msg::ActivationsLoaded { request_id, result });
            });
        }
        Command::FetchDetail { request_id, number } => {
            tokio::spawn(async move {
                let result = source.activation(number).await;
                let _ = tx.send(Msg::DetailLoaded { request_id, result });
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
