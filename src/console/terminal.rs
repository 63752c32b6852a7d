//! Raw mode and the alternate screen: set up once, restored on every exit path (the
//! guard's `Drop`) and on panic (a hook that runs before the default panic message, so
//! the message lands on a usable terminal).

use super::backend::ThriftyBackend;
use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether mouse capture is on, so `restore` (also run by the panic hook, which has
/// no guard at hand) turns it off only when it was turned on.
static MOUSE_CAPTURED: AtomicBool = AtomicBool::new(false);

/// The terminal answered the kitty keyboard query (`CSI ? u`), so its disambiguation
/// flag is pushed on entry (and again after Ctrl+Z, `fg`).
static KITTY_SUPPORTED: AtomicBool = AtomicBool::new(false);
/// The flag is pushed now: `restore` pops it (the alternate screen has its own stack,
/// so it is popped before leaving it).
static KITTY_PUSHED: AtomicBool = AtomicBool::new(false);

/// The terminal speaks the kitty keyboard protocol: turn on "disambiguate escape
/// codes" (flag 1), so Esc is `CSI 27 u` and never the start of another key, however
/// the bytes arrive (issue 14). Without it the parser's short Esc wait stays.
pub fn enable_kitty_keyboard() {
    KITTY_SUPPORTED.store(true, Ordering::SeqCst);
    push_kitty_flags();
}

fn push_kitty_flags() {
    use std::io::Write;
    if KITTY_SUPPORTED.load(Ordering::SeqCst) && !KITTY_PUSHED.swap(true, Ordering::SeqCst) {
        let mut stdout = io::stdout();
        let _ = stdout.write_all(b"\x1b[>1u").and_then(|()| stdout.flush());
    }
}

/// The backend writes each frame in one go, with as few bytes as it can (see
/// `backend`); with `no_color` it writes no color at all.
pub type ConsoleTerminal = Terminal<ThriftyBackend<Stdout>>;

/// Restores the terminal when dropped, whatever way `run` ends.
pub struct TerminalGuard {
    pub terminal: ConsoleTerminal,
}

impl TerminalGuard {
    /// `mouse`: capture clicks and the wheel (the terminal's own text selection then
    /// needs Shift in most terminals, hence off by default).
    pub fn enter(no_color: bool, mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        setup(mouse)?;
        match Terminal::new(ThriftyBackend::new(io::stdout(), no_color)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Ctrl+Z: the terminal as the shell left it, the process stopped (SIGTSTP, as the
    /// terminal itself would have sent outside raw mode); after `fg` the console's
    /// screen is set up again and the next frame is drawn whole.
    #[cfg(unix)]
    pub fn suspend(&mut self) -> io::Result<()> {
        let mouse = MOUSE_CAPTURED.load(Ordering::SeqCst);
        restore();
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        // Continued (`fg`).
        setup(mouse)?;
        let size = self.terminal.size()?;
        // Forget what was on screen: the next draw writes every cell.
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    #[cfg(not(unix))]
    pub fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Raw mode, the alternate screen, bracketed paste and (`mouse`) mouse capture; what
/// fails on the way is undone.
fn setup(mouse: bool) -> io::Result<()> {
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
    if mouse {
        MOUSE_CAPTURED.store(true, Ordering::SeqCst);
        if let Err(e) = execute!(stdout, EnableMouseCapture) {
            restore();
            return Err(e);
        }
    }
    // Back from Ctrl+Z: the flag was popped with the rest.
    push_kitty_flags();
    Ok(())
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
    if MOUSE_CAPTURED.swap(false, Ordering::SeqCst) {
        let _ = execute!(stdout, DisableMouseCapture);
    }
    if KITTY_PUSHED.swap(false, Ordering::SeqCst) {
        use std::io::Write;
        let _ = stdout.write_all(b"\x1b[<u");
    }
    // Tab stops are the terminal's, not the screen's: the backend's own (set at a
    // table's columns) give way to the default ones, every 8 columns.
    if super::backend::TAB_STOPS_SET.swap(false, Ordering::SeqCst) {
        use std::io::Write;
        let width = crossterm::terminal::size().map_or(80, |(w, _)| w);
        let _ = stdout.write_all(default_tab_stops(width).as_bytes());
    }
    // The backend keeps its pen between frames (docs/DESIGN.md §5.5): reset it before
    // the shell gets the terminal back.
    let _ = execute!(
        stdout,
        crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// Clears every tab stop and sets one every 8 columns of a `width` wide terminal, as
/// a terminal starts (`CSI 3 g`; `CSI n G` and `ESC H` at each), ending at the first
/// column.
pub fn default_tab_stops(width: u16) -> String {
    let mut out = String::from("\x1b[3g");
    for column in (8..width).step_by(8) {
        out.push_str(&format!("\x1b[{}G\x1bH", column + 1));
    }
    out.push('\r');
    out
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
