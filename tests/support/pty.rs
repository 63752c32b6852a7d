//! The real console binary in a pseudo-terminal. Output is read on a background
//! thread into a vt100 parser, so the app never blocks on a full pty buffer. The
//! screen the tests read is the one a terminal with synchronized output shows: a frame
//! appears whole, never half drawn (a frame can take more than one read of the pty).

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long `wait_exit` waits, after the exit, for the reader to reach the end of the
/// output (normally well under a millisecond; seconds on a loaded machine).
const DRAIN: Duration = Duration::from_secs(10);

/// Synchronized output (mode 2026): the console brackets every frame with these.
const SYNC_BEGIN: [u8; 8] = *b"\x1b[?2026h";
const SYNC_END: [u8; 8] = *b"\x1b[?2026l";

/// A vt100 screen and what a terminal honouring synchronized output would show of it.
struct Term {
    parser: vt100::Parser,
    /// Tab stops, which vt100 does not keep (`support::tabs`).
    tabs: super::tabs::TabbedParser,
    /// Between `SYNC_BEGIN` and `SYNC_END`: the frame is still being drawn.
    in_frame: bool,
    /// The last bytes fed, to find a bracket split across two reads.
    last: [u8; 8],
    /// The contents and cursor as of the last frame end (outside frames: the last read).
    shown: (String, (u16, u16)),
    /// The whole screen (cells with their styles) as of the last frame end.
    shown_screen: vt100::Screen,
}

impl Term {
    fn new(rows: u16, cols: u16) -> Term {
        let rows = std::num::NonZeroU16::new(rows).expect("rows > 0");
        let cols = std::num::NonZeroU16::new(cols).expect("cols > 0");
        let parser = vt100::Parser::new(rows, cols, 0);
        let shown_screen = parser.screen().clone();
        Term {
            shown_screen,
            parser,
            tabs: Default::default(),
            in_frame: false,
            last: [0; 8],
            shown: (String::new(), (0, 0)),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let mut from = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            self.last.copy_within(1.., 0);
            self.last[7] = byte;
            let (begin, end) = (self.last == SYNC_BEGIN, self.last == SYNC_END);
            if begin || end {
                self.tabs.process(&mut self.parser, &bytes[from..=i]);
                from = i + 1;
                // A frame ended, or one begins after output drawn outside any frame.
                if end || !self.in_frame {
                    self.show();
                }
                self.in_frame = begin;
            }
        }
        self.tabs.process(&mut self.parser, &bytes[from..]);
        if !self.in_frame {
            self.show();
        }
    }

    fn show(&mut self) {
        let screen = self.parser.screen();
        self.shown = (screen.contents(), screen.cursor_position());
        self.shown_screen = screen.clone();
    }
}

pub struct PtyConsole {
    term: Arc<Mutex<Term>>,
    /// Every byte the console wrote, for byte-level assertions.
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set by the reader thread at the end of the output: the pty hung up, so the
    /// program has exited and `raw` holds every byte it wrote.
    eof: Arc<AtomicBool>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    /// The offline mirror's cache directory, unless the test chose one.
    _cache: Option<tempfile::TempDir>,
}

impl PtyConsole {
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> PtyConsole {
        Self::spawn_program(super::licadm_bin(), args, env, cols, rows)
    }

    /// The console in a terminal that answers the cursor position query (`CSI 6n`)
    /// only after `delay`, as one at the far end of a slow SSH link does.
    pub fn spawn_far(
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        delay: Duration,
    ) -> PtyConsole {
        Self::spawn_inner(super::licadm_bin(), args, env, (cols, rows), delay, false)
    }

    /// The console in a terminal that speaks the kitty keyboard protocol: it answers
    /// the flags query (`CSI ? u`) with `CSI ? 0 u`, before the position report.
    pub fn spawn_kitty(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> PtyConsole {
        Self::spawn_inner(
            super::licadm_bin(),
            args,
            env,
            (cols, rows),
            Duration::ZERO,
            true,
        )
    }

    /// Any program in the pty (benchmarks compare the console with `less`).
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> PtyConsole {
        Self::spawn_inner(program, args, env, (cols, rows), Duration::ZERO, false)
    }

    fn spawn_inner(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        (cols, rows): (u16, u16),
        dsr_delay: Duration,
        kitty: bool,
    ) -> PtyConsole {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        // Never pick up the developer's own config.
        cmd.env("LICADM_CONFIG", "/nonexistent/licadm-test-config.toml");
        // Nor write mirrors into the developer's cache.
        let cache = (!env.iter().any(|(k, _)| *k == "LICADM_CACHE_DIR")).then(|| {
            let dir = tempfile::tempdir().expect("temp cache dir");
            cmd.env("LICADM_CACHE_DIR", dir.path());
            dir
        });
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn the program in the pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let term = Arc::new(Mutex::new(Term::new(rows, cols)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        let (t, r, w, e) = (term.clone(), raw.clone(), writer.clone(), eof.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        // Bytes first: whatever a test sees on the screen is in `raw` too.
                        if let Ok(mut raw) = r.lock() {
                            raw.extend_from_slice(&buf[..n]);
                        }
                        if let Ok(mut term) = t.lock() {
                            term.feed(&buf[..n]);
                            // Answer cursor-position queries (DSR, `ESC [ 6 n`) as a real
                            // terminal does; vt100 only parses, it never replies.
                            let queries = buf[..n].windows(4).filter(|w| w == b"\x1b[6n").count();
                            let kitty_queries = match kitty {
                                true => buf[..n].windows(4).filter(|w| w == b"\x1b[?u").count(),
                                false => 0,
                            };
                            if queries + kitty_queries > 0 {
                                let (row, col) = term.parser.screen().cursor_position();
                                let reply = "\x1b[?0u".repeat(kitty_queries)
                                    + &format!("\x1b[{};{}R", row + 1, col + 1).repeat(queries);
                                let w = w.clone();
                                let answer = move || {
                                    if let Ok(mut w) = w.lock() {
                                        let _ = w.write_all(reply.as_bytes());
                                        let _ = w.flush();
                                    }
                                };
                                if dsr_delay.is_zero() {
                                    answer();
                                } else {
                                    // The far end of a slow link: the answer is late
                                    // by the link's round trip, which is what the
                                    // console measures (a delay simulated, not awaited).
                                    std::thread::spawn(move || {
                                        std::thread::sleep(dsr_delay);
                                        answer();
                                    });
                                }
                            }
                        }
                    }
                }
            }
            e.store(true, Ordering::SeqCst);
        });
        PtyConsole {
            term,
            raw,
            eof,
            writer,
            child,
            _master: pair.master,
            _cache: cache,
        }
    }

    /// The cells and their styles as of the last whole frame.
    pub fn cells(&self) -> vt100::Screen {
        self.term
            .lock()
            .map(|t| t.shown_screen.clone())
            .expect("terminal lock")
    }

    /// The screen as of the last whole frame.
    pub fn screen(&self) -> String {
        self.term
            .lock()
            .map(|t| t.shown.0.clone())
            .unwrap_or_default()
    }

    /// The terminal cursor as (row, column), both from 0, as of the last whole frame.
    pub fn cursor(&self) -> (u16, u16) {
        self.term.lock().map(|t| t.shown.1).unwrap_or_default()
    }

    /// Waits until no output has arrived for `quiet` (the console drew what it had
    /// to) and returns how many bytes it wrote in all; panics after `timeout`.
    pub fn settle(&self, quiet: Duration, timeout: Duration) -> usize {
        let mut last = (self.raw_len(), std::time::Instant::now());
        super::wait_until(timeout, || {
            let now = self.raw_len();
            if now != last.0 {
                last = (now, std::time::Instant::now());
            }
            (last.1.elapsed() >= quiet).then_some(now)
        })
        .unwrap_or_else(|| {
            panic!(
                "the output never settled; the screen is:\n{}",
                self.screen()
            )
        })
    }

    pub fn raw_len(&self) -> usize {
        self.raw.lock().map(|r| r.len()).unwrap_or(0)
    }

    pub fn raw_since(&self, offset: usize) -> Vec<u8> {
        self.raw
            .lock()
            .map(|r| r.get(offset..).map(<[u8]>::to_vec).unwrap_or_default())
            .unwrap_or_default()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen when it never does.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        match super::wait_until(timeout, || {
            let s = self.screen();
            pred(&s).then_some(s)
        }) {
            Some(s) => s,
            None => panic!(
                "timed out waiting for {what}; the screen is:\n{}",
                self.screen()
            ),
        }
    }

    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(&format!("{text:?}"), timeout, |s| s.contains(text))
    }

    /// Picks a filter in the console: `key` opens its list (a picker), `typed` narrows
    /// it, Enter applies, until `shown` is on the screen. A list opened before what it
    /// lists has arrived (the organizations come on their own request after the first
    /// page; nothing on screen tells when) has nothing to pick: it is closed with Esc
    /// and opened again.
    pub fn pick(&mut self, key: &str, typed: &str, shown: &str) {
        let open = |s: &str| s.contains("Фильтр:") || s.contains("Filter:");
        for _ in 0..10 {
            self.send(key);
            self.wait_for("the picker", Duration::from_secs(20), open);
            self.send(&format!("{typed}\r"));
            let picked = super::wait_until(Duration::from_secs(3), || {
                let screen = self.screen();
                (screen.contains(shown) && !open(&screen)).then_some(())
            });
            if picked.is_some() {
                return;
            }
            self.send("\x1b");
            self.wait_for("the picker closed", Duration::from_secs(20), |s| !open(s));
        }
        panic!(
            "{shown:?} never showed after picking {typed:?} with {key:?}; the screen is:\n{}",
            self.screen()
        );
    }

    /// Writes bytes as typed; `false` when the program is gone (its pty closed).
    pub fn try_send(&mut self, bytes: &[u8]) -> bool {
        let Ok(mut writer) = self.writer.lock() else {
            return false;
        };
        writer.write_all(bytes).is_ok() && writer.flush().is_ok()
    }

    /// Whether the program has exited.
    /// The console's process id (for its memory in /proc).
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    pub fn exited(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_some()
    }

    pub fn send(&mut self, keys: &str) {
        let mut writer = self.writer.lock().expect("pty writer lock");
        writer
            .write_all(keys.as_bytes())
            .expect("write keys to the pty");
        writer.flush().expect("flush keys");
    }

    /// Waits for the process to exit by itself, then for the reader thread to catch
    /// up with its last bytes (what it writes on the way out, e.g. turning mouse capture
    /// off), so `raw_since` and `screen` show everything once this returns.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<portable_pty::ExitStatus> {
        let status = super::wait_until(timeout, || self.child.try_wait().ok().flatten())?;
        // Only a copy of the pty leaked into another process could keep it open; then
        // the output is as complete as it gets after DRAIN.
        super::wait_until(DRAIN, || self.eof.load(Ordering::SeqCst).then_some(()));
        Some(status)
    }
}

impl Drop for PtyConsole {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

/// The bytes of a frame that are text for cells, and the rest: escape sequences
/// (moves, styles, scrolls, the synchronized-update brackets) and control characters
/// (`\r`, `\n`, `\b`). Issue 14 asks the rest to stay within 25% of the frame.
pub fn text_and_overhead(frame: &[u8]) -> (usize, usize) {
    let mut text = 0;
    let mut i = 0;
    while i < frame.len() {
        match frame[i] {
            0x1b if frame.get(i + 1) == Some(&b'[') => {
                // CSI: parameters and intermediates up to a final byte 0x40..=0x7e.
                let mut end = i + 2;
                while end < frame.len() && !(0x40..=0x7e).contains(&frame[end]) {
                    end += 1;
                }
                i = end + 1;
            }
            0x1b if frame.get(i + 1) == Some(&b']') => {
                // OSC: up to BEL or ST.
                let mut end = i + 2;
                while end < frame.len() && frame[end] != 0x07 && frame[end] != 0x1b {
                    end += 1;
                }
                i = end + if frame.get(end) == Some(&0x1b) { 2 } else { 1 };
            }
            0x1b => i += 2,
            b if b < 0x20 || b == 0x7f => i += 1,
            _ => {
                text += 1;
                i += 1;
            }
        }
    }
    let total = frame.len();
    (text, total - text.min(total))
}

/// The text of the cells that differ between two screens (a blank cell counts as the
/// one space that draws it): what a frame has to carry at least, unless rows moved
/// (a scroll carries them for a few bytes). Issue 14's overhead is the rest of the
/// frame, as a share of it.
pub fn changed_text(before: &vt100::Screen, after: &vt100::Screen) -> usize {
    let (rows, cols) = after.size();
    let mut bytes = 0;
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let (Some(a), Some(b)) = (before.cell(row, col), after.cell(row, col)) else {
                continue;
            };
            if a != b && !b.is_wide_continuation() {
                bytes += b.contents().len().max(1);
            }
        }
    }
    bytes
}
