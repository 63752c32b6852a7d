//! End to end: the real `licadm` binaries, a console in a pseudo-terminal read with
//! vt100 and, for most, a `licadm serve` child process (`e2e_*` before the regroup).
//! Each module is one of the former test files; they run as threads of this process.
// Test code: a failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod columns;
mod console;
mod input;
mod keys;
mod liveness;
mod new_activation;
mod offline;
mod readable;
mod renewals;
mod seats_capacity;
mod terminal;
mod thrifty;
