//! The terminal console.
pub mod data;
