//! Raw mode and the alternate screen: set up once, restored on every exit path (the
//! guard's `Drop`) and on panic (a hook that runs before the default panic message, so
//! the message lands on a usable terminal).

use super::backend::ThriftyBackend;
use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::Once;

/// The backend writes each frame in one go, with as few bytes as it can (see
/// `backend`); with `no_color` it writes no color at all.
pub type ConsoleTerminal = Terminal<ThriftyBackend<Stdout>>;

/// Restores the terminal when dropped, whatever way `run` ends.
pub struct TerminalGuard {
    pub terminal: ConsoleTerminal,
}

impl TerminalGuard {
    pub fn enter(no_color: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        // Clear here rather than with `Terminal::clear`, which asks the terminal for the
        // cursor position (DSR) and fails on terminals that never answer.
        if let Err(e) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableBracketedPaste,
            Clear(ClearType::All)
        ) {
            restore();
            return Err(e);
        }
        match Terminal::new(ThriftyBackend::new(io::stdout(), no_color)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // Nothing to flush: every frame is written whole by `draw`.
        restore();
    }
}

/// Leaves the alternate screen and raw mode; safe to call more than once.
pub fn restore() {
    let mut stdout = io::stdout();
    let _ = execute!(stdout, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
