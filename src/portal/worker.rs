//! The activation worker: takes in-progress activations whose queue time is older than
//! the configured delay and asks the (simulated) vendor registry to activate each
//! serial. One transaction per activation (the store's `complete_activation`): done
//! (devices extended, license signed) or error (readable text naming the serial,
//! devices untouched). The queue is the `activations` table itself, so nothing is lost
//! when the portal stops.

use super::PortalOptions;
use super::live_key::LiveKey;
use super::store::Store;
use chrono::Utc;
use std::sync::Arc;

/// Most activations taken in one tick; the rest wait for the next.
const BATCH: usize = 50;

/// Aborts the worker when the serving future is dropped.
pub struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn run(store: Store, key: Arc<LiveKey>, options: PortalOptions) {
    let delay = chrono::Duration::from_std(options.worker_delay).unwrap_or_default();
    loop {
        match store.due_activations(Utc::now() - delay, BATCH).await {
            Ok(due) => {
                for number in due {
                    let outcome = store
                        .complete_activation(number, key.current(), Utc::now())
                        .await;
                    if let Err(e) = outcome {
                        tracing::error!(error = %e, number, "activation worker failed; retrying next tick");
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "activation worker failed; retrying next tick"),
        }
        // Woken early when any portal queues work (PostgreSQL's NOTIFY); otherwise a
        // tick, which also finds work that became due after its delay and claims whose
        // portal died (the lease ran out). SQLite just sleeps the tick.
        store.wait_for_work(options.worker_tick).await;
    }
}
