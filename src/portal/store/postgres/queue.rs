//! The worker's queue on PostgreSQL: claims with a lease, completion under the claim,
//! and the `LISTEN` connection that wakes the worker when work is queued.
//!
//! `due_activations` picks due in-progress activations `FOR UPDATE SKIP LOCKED` (rows
//! another portal is claiming right now are skipped, not waited for) and claims them in
//! `activation_claims`. The claim is an `INSERT … ON CONFLICT DO UPDATE … WHERE the
//! lease expired`: that check reads the latest committed claim, whatever the statement's
//! snapshot, so of two portals racing for one activation exactly one gets it, and a
//! claim whose portal died (`kill -9`) is taken over once its lease ran out.
//! `complete_activation` locks the activation, checks it is still in progress and still
//! claimed by this portal, and finishes it in the same transaction as SQLite does.

use super::reads::{self, summary};
use super::writes::{WORK_CHANNEL, audit, json};
use super::{Client, StoreError, lock_feed};
use crate::client::wire::ActivationSummary;
use crate::domain::ActivationStatus;
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationFailure, FailureReason, Lang};
use crate::portal::rules::license_of;
use crate::portal::store::text::{queue_time_to_sql, timestamp_to_sql};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::{AsyncMessage, NoTls, Transaction};

/// Claims up to `limit` activations queued at or before `due_by` for `worker`.
pub async fn claim_due(
    client: &mut Client,
    worker: &str,
    lease: Duration,
    due_by: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<i64>, StoreError> {
    let client: &mut tokio_postgres::Client = client;
    let tx = client.transaction().await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            "WITH due AS (
                 SELECT a.number, a.queued_at FROM activations a
                 WHERE a.status = 'in_progress' AND a.queued_at <= $1
                   AND NOT EXISTS (SELECT 1 FROM activation_claims c
                                   WHERE c.number = a.number AND c.lease_until > now())
                 ORDER BY a.queued_at, a.number LIMIT $2
                 FOR UPDATE OF a SKIP LOCKED
             ), claimed AS (
                 INSERT INTO activation_claims (number, claimed_by, lease_until)
                 SELECT number, $3, now() + make_interval(secs => $4::float8) FROM due
                 ON CONFLICT (number) DO UPDATE
                     SET claimed_by = EXCLUDED.claimed_by, lease_until = EXCLUDED.lease_until
                     WHERE activation_claims.lease_until <= now()
                 RETURNING number
             )
             SELECT d.number FROM due d JOIN claimed c ON c.number = d.number
             ORDER BY d.queued_at, d.number",
            &[
                &queue_time_to_sql(due_by),
                &limit,
                &worker,
                &lease.as_secs_f64(),
            ],
        )
        .await?;
    let numbers = rows
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<i64>, _>>()?;
    tx.commit().await?;
    Ok(numbers)
}

/// Completes one activation claimed by `worker`, if still in progress; its new status.
pub async fn complete(
    client: &mut Client,
    worker: &str,
    number: i64,
    key: &PortalKey,
    now: DateTime<Utc>,
) -> Result<Option<ActivationStatus>, StoreError> {
    let client: &mut tokio_postgres::Client = client;
    let tx = client.transaction().await?;
    lock_feed(&tx).await?;
    let locked = tx
        .query_opt(
            "SELECT a.status, c.claimed_by FROM activations a
             LEFT JOIN activation_claims c ON c.number = a.number
             WHERE a.number = $1 FOR UPDATE OF a",
            &[&number],
        )
        .await?;
    let Some(locked) = locked else {
        return Ok(None);
    };
    let claimed_by: Option<String> = locked.try_get(1)?;
    if claimed_by.as_deref() != Some(worker) {
        // Another portal took it over (our lease ran out) or it was never ours.
        return Ok(None);
    }
    let Some(before) = summary(&tx, number).await? else {
        return Ok(None);
    };
    if before.status != ActivationStatus::InProgress {
        tx.execute(
            "DELETE FROM activation_claims WHERE number = $1",
            &[&number],
        )
        .await?;
        tx.commit().await?;
        return Ok(None);
    }
    let lines = reads::lines(&tx, number).await?;
    let outcome = 'outcome: {
        for line in &lines {
            let refusal: Option<i64> = tx
                .query_opt(
                    "SELECT registry_refuses FROM devices WHERE serial = $1 FOR UPDATE",
                    &[&line.serial],
                )
                .await?
                .map(|row| row.try_get(0))
                .transpose()?;
            let reason = match refusal {
                Some(0) => continue,
                Some(2) => {
                    // The outage is over once it has been seen: the next attempt succeeds.
                    tx.execute(
                        "UPDATE devices SET registry_refuses = 0 WHERE serial = $1",
                        &[&line.serial],
                    )
                    .await?;
                    FailureReason::Unavailable
                }
                // Refused for good, or gone from the registry (refused like it).
                Some(1) | None => FailureReason::Deregistered,
                Some(other) => {
                    return Err(StoreError::BadValue {
                        column: "registry_refuses",
                        value: other.to_string(),
                    });
                }
            };
            // Stored in Russian, as the vendor words it (as SQLite's worker does).
            let error = ActivationFailure {
                serial: line.serial.clone(),
                reason,
            }
            .text(Lang::Ru);
            tx.execute(
                "UPDATE activations SET status = 'error', error = $1 WHERE number = $2",
                &[&error, &number],
            )
            .await?;
            break 'outcome ActivationStatus::Error;
        }
        for line in &lines {
            tx.execute(
                "UPDATE devices SET current_until = $1 WHERE serial = $2",
                &[
                    &crate::portal::store::text::date_to_sql(line.new_until),
                    &line.serial,
                ],
            )
            .await?;
        }
        let license = license_of(number, &before.organization.inn, now, &lines);
        tx.execute(
            "UPDATE activations SET status = 'done', completed_at = $1, error = NULL,
                    license_text = $2
             WHERE number = $3",
            &[&timestamp_to_sql(now), &license.sign(key), &number],
        )
        .await?;
        ActivationStatus::Done
    };
    let action = match outcome {
        ActivationStatus::Error => "activation.failed",
        _ => "activation.completed",
    };
    record(&tx, &before, action, now).await?;
    tx.execute(
        "DELETE FROM activation_claims WHERE number = $1",
        &[&number],
    )
    .await?;
    tx.commit().await?;
    Ok(Some(outcome))
}

async fn record(
    tx: &Transaction<'_>,
    before: &ActivationSummary,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let after = summary(tx, before.number).await?;
    audit(
        tx,
        now,
        crate::portal::store::Actor::WORKER,
        action,
        format!("activation:{}", before.number),
        before.organization.id,
        json(before),
        after.as_ref().and_then(json),
    )
    .await
}

/// A task that keeps one connection `LISTEN`ing on the work channel and the webhooks'
/// channel and wakes `wake` or `deliveries` on each notification; it reconnects (every
/// second) when the database goes away.
pub fn listen(
    config: tokio_postgres::Config,
    wake: Arc<tokio::sync::Notify>,
    deliveries: Arc<tokio::sync::Notify>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = listen_once(&config, &wake, &deliveries).await {
                tracing::debug!(error = %e, "work listener lost its connection; reconnecting");
            }
            // Whatever was queued meanwhile: let the worker and the sender look.
            wake.notify_one();
            deliveries.notify_one();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
}

async fn listen_once(
    config: &tokio_postgres::Config,
    wake: &tokio::sync::Notify,
    deliveries: &tokio::sync::Notify,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let (messages, mut received) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        loop {
            let next = std::future::poll_fn(|cx| connection.poll_message(cx)).await;
            match next {
                Some(Ok(message)) => {
                    if messages.send(Ok(message)).is_err() {
                        return;
                    }
                }
                Some(Err(e)) => {
                    let _ = messages.send(Err(e));
                    return;
                }
                None => return,
            }
        }
    });
    let listening = client
        .batch_execute(&format!(
            "LISTEN {WORK_CHANNEL}; LISTEN {}",
            super::webhooks::DELIVERY_CHANNEL
        ))
        .await;
    if let Err(e) = listening {
        driver.abort();
        return Err(e);
    }
    while let Some(message) = received.recv().await {
        match message {
            Ok(AsyncMessage::Notification(note))
                if note.channel() == super::webhooks::DELIVERY_CHANNEL =>
            {
                deliveries.notify_one()
            }
            Ok(AsyncMessage::Notification(_)) => wake.notify_one(),
            Ok(_) => {}
            Err(e) => {
                driver.abort();
                return Err(e);
            }
        }
    }
    driver.abort();
    Ok(())
}
