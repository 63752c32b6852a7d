//! licadm: license administration — a portal API, its typed client and a terminal
//! console. See docs/DESIGN.md for the design and the layering.
#![forbid(unsafe_code)]

pub mod client;
pub mod config;
pub mod config_views;
pub mod console;
pub mod domain;
pub mod embedded;
pub mod mirror;
pub mod portal;
pub mod secret;

#[cfg(test)]
mod layering;
