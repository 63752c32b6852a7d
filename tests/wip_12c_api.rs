//! Until the test regroup lands: runs tests/api/languages.rs on its own.
#[path = "common/mod.rs"]
mod common;
mod support {
    pub(crate) use crate::common as portal;
}
#[path = "api/languages.rs"]
mod languages;
