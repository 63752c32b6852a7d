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

pub async fn run(
    store: Store,
    key: Arc<LiveKey>,
    options: PortalOptions,
    clock: super::Clock,
    calendar: Arc<crate::domain::HolidayCalendar>,
) {
    let delay = chrono::Duration::from_std(options.worker_delay).unwrap_or_default();
    let mut invoices = super::invoicing::Schedule::default();
    loop {
        // The monthly invoices (docs/DESIGN.md §3.11), on the portal's clock: once per
        // date, so a portal started after the 1st issues at once.
        let now = clock.now();
        if invoices.due(now) {
            match super::invoicing::run_once(&store, &calendar, now).await {
                Ok(_) => invoices.done(now),
                Err(e) => tracing::error!(error = %e, "invoice job failed; retrying next tick"),
            }
        }
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
