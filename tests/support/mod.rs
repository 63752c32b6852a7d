//! Helpers shared by every test binary (and by the benches that run real binaries):
//!
//! - `portal`: a real portal served in-process on loopback, reached over HTTP;
//! - `portal_process`: `licadm serve` as a child process;
//! - `pty`: the real console in a pseudo-terminal, its screen read with vt100;
//! - `tabs`: tab stops in front of vt100, which does not keep them;
//! - `proxy`: a TCP proxy that cuts the link after a byte budget;
//! - `feed`: walking the change feed and comparing it with the live endpoints;
//! - `console`: fixtures and key presses for `update`/`view` on a `TestBackend`;
//! - `pg`: a throwaway PostgreSQL cluster (the API tests' PostgreSQL half).
//!
//! Each test binary (`tests/api`, `tests/cli`, `tests/console`, `tests/e2e`) includes
//! it with `#[path = "../support/mod.rs"] mod support;` and runs its tests as threads
//! of one process, so nothing here may rely on process-wide state: no
//! `std::env::set_var` (children get their environment through `Command::env`), no
//! fixed ports (bind `127.0.0.1:0`), no shared paths (stores and caches in temp dirs).
#![allow(dead_code)] // each binary (and bench) uses a different part

pub mod console;
pub mod feed;
pub mod pg;
pub mod portal;
pub mod portal_process;
pub mod proxy;
pub mod pty;
pub mod receiver;
pub mod tabs;

use std::time::{Duration, Instant};

/// Polls `check` until it returns Some or `timeout` passes — never a bare sleep.
/// (The async twin for tests on a tokio runtime is `portal::wait_for`.)
pub fn wait_until<T>(timeout: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The binary under test. `LICADM_TEST_BIN` overrides it: with a target directory
/// shared by several worktrees, `target/debug/licadm` is whichever was built last.
pub fn licadm_bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var("LICADM_TEST_BIN")
            .ok()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_licadm").to_string())
    })
}
