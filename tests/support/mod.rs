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

pub fn licadm_bin() -> &'static str {
    env!("CARGO_BIN_EXE_licadm")
}
