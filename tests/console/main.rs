//! The console without a terminal: `update` on messages and `view` drawn on ratatui's
//! `TestBackend` (`console_*` before the regroup). No network, no processes: one
//! binary of fast, deterministic tests; each module is one of the former test files.

#[path = "../support/mod.rs"]
mod support;

mod capacity;
mod columns;
mod copy;
mod keys;
mod keys_config;
mod locales;
mod mirror;
mod mouse;
mod new_activation;
mod palette;
mod readable;
mod seats;
mod themes;
mod update;
mod view;
