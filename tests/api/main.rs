//! Tests against a real portal on loopback: the HTTP API (`api_*` before the
//! regroup) and the offline mirror syncing from it. One binary, so axum, rustls and
//! SQLite are linked once; each module is one of the former test files.
// Test code: a failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod access;
mod access_manage;
mod activations;
mod audit;
mod bulk;
mod bulk_unbind;
mod capacity;
mod changes;
mod contention;
mod demo;
mod device_pages;
mod devices;
mod events;
mod exports;
mod guard;
mod hostile_text;
mod idempotency;
mod idempotent_writes;
mod invoices;
mod key_rotation;
mod keys;
mod keys_at_rest;
mod languages;
mod list_pages;
mod mirror_sync;
mod mirror_window;
mod new_activations;
mod operator;
mod postgres;
mod postgres_demo_copy;
mod postgres_keys;
mod postgres_ops;
mod postgres_process;
mod postgres_support;
mod rate_limits;
mod seats;
mod serials;
mod slow_clients;
mod strict_queries;
mod tls;
mod webhooks;
