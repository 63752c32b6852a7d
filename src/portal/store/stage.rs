//! Timing of a bulk load's stages, on both backends.

/// How long each stage of a bulk load took, at debug level (`LICADM_LOG=debug`): where
/// seeding's time goes (docs/BENCHMARKS.md, issue 13).
pub struct Stage(std::time::Instant);

impl Stage {
    pub fn start() -> Stage {
        Stage(std::time::Instant::now())
    }

    /// Logs the time since the last stage under `what`, and starts the next.
    pub fn done(&mut self, what: &str) {
        tracing::debug!(
            stage = what,
            ms = self.0.elapsed().as_millis() as u64,
            "bulk load"
        );
        self.0 = std::time::Instant::now();
    }
}
