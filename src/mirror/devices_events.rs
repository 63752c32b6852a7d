//! The mirror's renewals list and activity log (issue 16 part A): devices and audit
//! records the feed brought, read through the portal's own plans (`Replica`).

use super::{Mirror, MirrorError};
use crate::client::devices::{DevicePage, DeviceQuery, DeviceTotals};
use crate::client::events::{EventPage, EventQuery};

impl Mirror {
    /// A page of the device list as the mirror holds it: every device of its
    /// organizations, unless it holds a window (see [`Mirror::if_whole`]).
    pub fn devices(&self, query: &DeviceQuery) -> Result<DevicePage, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().devices(&scope, query)?)
    }

    pub fn device_totals(&self, query: &DeviceQuery) -> Result<DeviceTotals, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().device_totals(&scope, query)?)
    }

    /// A page of the activity log as the mirror holds it (a windowed mirror: the
    /// records of its window; docs/DESIGN.md §6.5).
    pub fn events(&self, query: &EventQuery) -> Result<EventPage, MirrorError> {
        let scope = self.scope()?;
        Ok(self.lock().events(&scope, query)?)
    }
}
