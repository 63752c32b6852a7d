//! The command line as scripts use it: the real `licadm` binary run with arguments,
//! stdin and files, against a portal on loopback (`cli_*` before the regroup). Each
//! module is one of the former test files.
// Test code: a failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod access_manage;
mod events;
mod invoices;
mod login;
mod offline;
mod renewals;
mod scripting;
mod seats_unbind;
mod sync;
mod truthful;
mod verify;
mod views;
mod webhooks;
