//! Raw mode and the alternate screen: set up once, restored on every exit path (the
//! guard's `Drop`) and on panic (a hook that runs before the default panic message, so
//! the message lands on a usable terminal).

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether mouse capture is on, so `restore` (also run by the panic hook, which has
/// no guard at hand) turns it off only when it was turned on.
static MOUSE_CAPTURED: AtomicBool = AtomicBool::new(false);

pub type ConsoleTerminal = Terminal<CrosstermBackend<FrameWriter>>;

/// Buffers one frame and writes it to stdout in a single write on flush (one packet
/// per frame over SSH). With `no_color` it also strips the "default color" resets the
/// backend appends to every frame, so a NO_COLOR console emits no color escapes at all.
pub struct FrameWriter {
    out: Stdout,
    buffer: Vec<u8>,
    no_color: bool,
}

/// Color resets: default foreground, background, underline color.
const COLOR_RESETS: [&[u8]; 3] = [b"\x1b[39m", b"\x1b[49m", b"\x1b[59m"];

impl FrameWriter {
    pub fn new(no_color: bool) -> FrameWriter {
        FrameWriter {
            out: io::stdout(),
            buffer: Vec::with_capacity(16 * 1024),
            no_color,
        }
    }
}

/// Removes every occurrence of the color-reset sequences.
pub fn strip_color_resets(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    'outer: while i < bytes.len() {
        for seq in COLOR_RESETS {
            if bytes[i..].starts_with(seq) {
                i += seq.len();
                continue 'outer;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

impl Write for FrameWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            if self.no_color {
                let cleaned = strip_color_resets(&self.buffer);
                self.out.write_all(&cleaned)?;
            } else {
                self.out.write_all(&self.buffer)?;
            }
            self.buffer.clear();
        }
        self.out.flush()
    }
}

/// Restores the terminal when dropped, whatever way `run` ends.
pub struct TerminalGuard {
    pub terminal: ConsoleTerminal,
}

impl TerminalGuard {
    /// `mouse`: capture clicks and the wheel (the terminal's own text selection then
    /// needs Shift in most terminals, hence off by default).
    pub fn enter(no_color: bool, mouse: bool) -> io::Result<TerminalGuard> {
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
        if mouse {
            MOUSE_CAPTURED.store(true, Ordering::SeqCst);
            if let Err(e) = execute!(stdout, EnableMouseCapture) {
                restore();
                return Err(e);
            }
        }
        match Terminal::new(CrosstermBackend::new(FrameWriter::new(no_color))) {
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
    if MOUSE_CAPTURED.swap(false, Ordering::SeqCst) {
        let _ = execute!(stdout, DisableMouseCapture);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_color_resets() {
        let frame = b"\x1b[1;1Hab\x1b[39m\x1b[49m\x1b[59m\x1b[0mc\x1b[7m";
        assert_eq!(
            strip_color_resets(frame),
            b"\x1b[1;1Hab\x1b[0mc\x1b[7m".to_vec()
        );
    }
}
