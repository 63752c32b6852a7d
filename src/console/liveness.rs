//! The portal's liveness, for the status line (issue 14): "● в сети" must stop being
//! claimed within seconds of the portal going away, not at the next sync (every 30 s
//! by default) — and come back as soon as the portal does.
//!
//! A task asks `GET /health` every [`INTERVAL`], each time within [`TIMEOUT`], and
//! reports every answer as a message (`Msg::PortalReachable`); `update` changes the
//! state only when the answer differs from what the line says, so an unchanged answer
//! draws nothing (the idle budget: 0 bytes to the terminal). Any request that fails
//! to reach the portal flips the line at once as well (`State::note_result`).

use super::data::DataSource;
use std::time::Duration;

/// Between two probes: a vanished portal is noticed within this plus [`TIMEOUT`]
/// (at once when the connection is refused, as when the process is gone).
pub const INTERVAL: Duration = Duration::from_secs(2);
/// A probe not answered within this counts as unreachable (a link that drops
/// packets rather than refusing). Generous for `/health`, which answers in
/// milliseconds on any link the console is usable over.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Probes the portal until `report` says the console is gone (returns false).
pub async fn probe_loop(source: DataSource, report: impl Fn(bool) -> bool) {
    loop {
        let reachable = source.portal_reachable(TIMEOUT).await;
        if !report(reachable) {
            return;
        }
        tokio::time::sleep(INTERVAL).await;
    }
}
