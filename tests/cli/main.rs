//! The command line as scripts use it: the real `licadm` binary run with arguments,
//! stdin and files, against a portal on loopback (`cli_*` before the regroup). Each
//! module is one of the former test files.

#[path = "../support/mod.rs"]
mod support;

mod offline;
mod scripting;
mod sync;
mod verify;
