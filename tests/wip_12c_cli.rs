//! Until the test regroup lands: runs tests/cli/truthful.rs on its own.
mod support;
#[path = "cli/truthful.rs"]
mod truthful;
