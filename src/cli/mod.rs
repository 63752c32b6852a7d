//! Bodies of the scripting subcommands, so `main.rs` stays the command table.

pub mod offline;
pub mod verify;
