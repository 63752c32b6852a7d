//! The console without a terminal: `update` on messages and `view` drawn on ratatui's
//! `TestBackend` (`console_*` before the regroup). No network, no processes: one
//! binary of fast, deterministic tests; each module is one of the former test files.
// Test code: a failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod access;
mod activity;
mod bulk;
mod capacity;
mod columns;
mod copy;
mod dialogs;
mod export_views;
mod invoices;
mod keys;
mod keys_config;
mod list_cursors;
mod locales;
mod mirror;
mod mouse;
mod new_activation;
mod palette;
mod readable;
mod refusals_up_front;
mod renewals;
mod roles;
mod seats;
mod terminal_link;
mod themes;
mod update;
mod view;
mod webhooks;
