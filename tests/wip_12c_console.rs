//! Until the test regroup lands: runs tests/console/refusals_up_front.rs on its own.
#[path = "console_support/mod.rs"]
mod console_support;
mod support {
    pub(crate) use crate::console_support as console;
}
#[path = "console/refusals_up_front.rs"]
mod refusals_up_front;
#[path = "console/roles.rs"]
mod roles;
