//! The real console binary in a pseudo-terminal. Output is read on a background
//! thread into a vt100 parser, so the app never blocks on a full pty buffer.

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct PtyConsole {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the console wrote, for byte-level assertions.
    raw: Arc<Mutex<Vec<u8>>>,
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

    /// Any program in the pty (benchmarks compare the console with `less`).
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
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
        let rows_nz = std::num::NonZeroU16::new(rows).expect("rows > 0");
        let cols_nz = std::num::NonZeroU16::new(cols).expect("cols > 0");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows_nz, cols_nz, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r, w) = (parser.clone(), raw.clone(), writer.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if let Ok(mut parser) = p.lock() {
                            parser.process(&buf[..n]);
                            // Answer cursor-position queries (DSR, `ESC [ 6 n`) as a real
                            // terminal does; vt100 only parses, it never replies.
                            let queries = buf[..n].windows(4).filter(|w| w == b"\x1b[6n").count();
                            if queries > 0 {
                                let (row, col) = parser.screen().cursor_position();
                                if let Ok(mut w) = w.lock() {
                                    for _ in 0..queries {
                                        let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                                    }
                                    let _ = w.flush();
                                }
                            }
                        }
                        if let Ok(mut raw) = r.lock() {
                            raw.extend_from_slice(&buf[..n]);
                        }
                    }
                }
            }
        });
        PtyConsole {
            parser,
            raw,
            writer,
            child,
            _master: pair.master,
            _cache: cache,
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// The terminal cursor as (row, column), both from 0.
    pub fn cursor(&self) -> (u16, u16) {
        self.parser
            .lock()
            .map(|p| p.screen().cursor_position())
            .unwrap_or_default()
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

    /// Writes bytes as typed; `false` when the program is gone (its pty closed).
    pub fn try_send(&mut self, bytes: &[u8]) -> bool {
        let Ok(mut writer) = self.writer.lock() else {
            return false;
        };
        writer.write_all(bytes).is_ok() && writer.flush().is_ok()
    }

    /// Whether the program has exited.
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

    /// Waits for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<portable_pty::ExitStatus> {
        super::wait_until(timeout, || self.child.try_wait().ok().flatten())
    }
}

impl Drop for PtyConsole {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}
