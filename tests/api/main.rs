//! Tests against a real portal on loopback: the HTTP API (`api_*` before the
//! regroup) and the offline mirror syncing from it. One binary, so axum, rustls and
//! SQLite are linked once; each module is one of the former test files.

#[path = "../support/mod.rs"]
mod support;

mod activations;
mod audit;
mod capacity;
mod changes;
mod demo;
mod keys;
mod mirror_sync;
mod new_activations;
mod seats;
