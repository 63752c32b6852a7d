//! One module per screen, each with its own state, key declaration, update and view.

pub mod activations;
pub mod detail;
pub mod new_activation;
