//! Helpers for tests that run the real `licadm` binary: a portal process on loopback
//! and a console in a pseudo-terminal whose screen is read with vt100.
#![allow(dead_code)] // each test binary uses a different part

pub mod portal_process;
pub mod pty;

use std::time::{Duration, Instant};

/// Polls `check` until it returns Some or `timeout` passes — never a bare sleep.
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
