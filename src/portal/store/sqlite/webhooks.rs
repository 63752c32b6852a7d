//! Webhooks on SQLite (issue 17; docs/DESIGN.md §4.10): endpoints, the outbox of
//! deliveries written with each audited change, and the sender's queue.
//!
//! The queue: a pending delivery is due when its `next_attempt_at` has come, no lease
//! on it is running, and no earlier pending delivery of the same endpoint and object
//! exists (order per object). A claim sets a lease in an IMMEDIATE transaction, so of
//! two claimers exactly one gets a row; a lease that ran out (its portal died) makes
//! the row claimable again.

use super::audit::Record;
use super::{StoreError, timestamp_from_sql, timestamp_to_sql};
use crate::client::webhooks::{CreatedWebhook, DeliveryStatus, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::Page;
use crate::domain::webhook::{event_of_action, subscribed};
use crate::portal::error::ApiError;
use crate::portal::store::Actor;
use crate::portal::store::text::{optional, queue_time_to_sql};
use crate::portal::store::webhooks::{
    DELIVERIES_WRITTEN, DeliveryOutcome, DueDelivery, NewEndpoint, WebhookScope, event_body,
    new_event_id,
};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::time::Duration;

pub fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("webhook endpoint {id} not found"))
}

fn delivery_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("webhook delivery {id} not found"))
}

fn events_from_sql(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::BadValue {
        column: "webhook_endpoints.events",
        value: text.to_string(),
    })
}

fn events_to_sql(events: &[String]) -> String {
    serde_json::Value::from(events.to_vec()).to_string()
}

/// Writes one delivery per endpoint that hears the audited change, in the change's
/// transaction (called by `audit::record`).
pub fn enqueue(conn: &Connection, record: &Record<'_>) -> Result<(), StoreError> {
    let Some(event_type) = event_of_action(record.action) else {
        return Ok(());
    };
    let mut endpoints = conn.prepare_cached(
        "SELECT id, events FROM webhook_endpoints
         WHERE organization_id IS NULL OR organization_id = ? ORDER BY id",
    )?;
    let hearing = endpoints
        .query_map([record.organization_id], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(id, events)| Ok((id, events_from_sql(&events)?)))
        .collect::<Result<Vec<_>, StoreError>>()?
        .into_iter()
        .filter(|(_, events)| subscribed(events, event_type))
        .map(|(id, _)| id)
        .collect::<Vec<_>>();
    if hearing.is_empty() {
        return Ok(());
    }
    let event_id = new_event_id()?;
    let body = event_body(
        &event_id,
        event_type,
        record.at,
        &record.object,
        Some(record.organization_id),
        record.before.as_ref(),
        record.after.as_ref(),
    )?;
    // Queue time is the system clock's, like the activation worker's (a test clock
    // moved days ahead must not hold deliveries back).
    let due = queue_time_to_sql(Utc::now());
    let mut insert = conn.prepare_cached(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, object,
             organization_id, payload, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )?;
    for endpoint in hearing {
        insert.execute(params![
            endpoint,
            event_id,
            event_type,
            record.object,
            record.organization_id,
            body,
            timestamp_to_sql(record.at),
            due,
        ])?;
    }
    DELIVERIES_WRITTEN.with(|written| written.set(true));
    Ok(())
}

const ENDPOINT_COLUMNS: &str = "e.id, e.url, e.events, e.organization_id, e.created_at,
     e.created_by,
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id
         AND d.status = 'pending'),
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id
         AND d.status = 'failed')";

/// An endpoint row as read, before its text columns are parsed.
struct RawEndpoint {
    id: i64,
    url: String,
    events: String,
    organization: Option<i64>,
    created_at: String,
    created_by: String,
    pending: i64,
    failed: i64,
}

fn read_endpoint(row: &Row<'_>) -> rusqlite::Result<RawEndpoint> {
    Ok(RawEndpoint {
        id: row.get(0)?,
        url: row.get(1)?,
        events: row.get(2)?,
        organization: row.get(3)?,
        created_at: row.get(4)?,
        created_by: row.get(5)?,
        pending: row.get(6)?,
        failed: row.get(7)?,
    })
}

fn endpoint_from(raw: RawEndpoint) -> Result<WebhookEndpoint, StoreError> {
    Ok(WebhookEndpoint {
        id: raw.id,
        url: raw.url,
        events: events_from_sql(&raw.events)?,
        organization: raw.organization,
        created_at: timestamp_from_sql("webhook_endpoints.created_at", &raw.created_at)?,
        created_by: raw.created_by,
        pending: u64::try_from(raw.pending).unwrap_or(0),
        failed: u64::try_from(raw.failed).unwrap_or(0),
    })
}

/// Every endpoint in scope, oldest first.
pub fn list(conn: &Connection, scope: &WebhookScope) -> Result<Vec<WebhookEndpoint>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e ORDER BY e.id"
    ))?;
    let rows = stmt
        .query_map([], read_endpoint)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .filter(|row| scope.covers(row.organization))
        .map(endpoint_from)
        .collect()
}

/// One endpoint, if it exists and is in scope.
pub fn get(
    conn: &Connection,
    id: i64,
    scope: &WebhookScope,
) -> Result<Option<WebhookEndpoint>, StoreError> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.id = ?"
        ))?
        .query_row([id], read_endpoint)
        .optional()?;
    row.filter(|row| scope.covers(row.organization))
        .map(endpoint_from)
        .transpose()
}

pub fn create(
    conn: &Connection,
    endpoint: &NewEndpoint,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<CreatedWebhook, ApiError>, StoreError> {
    if let Some(org) = endpoint.organization {
        let exists: Option<i64> = conn
            .prepare_cached("SELECT id FROM organizations WHERE id = ?")?
            .query_row([org], |row| row.get(0))
            .optional()?;
        if exists.is_none() {
            return Ok(Err(ApiError::NotFound(format!(
                "organization {org} not found"
            ))));
        }
    }
    conn.prepare_cached(
        "INSERT INTO webhook_endpoints (url, events, organization_id, secret, created_at,
             created_by)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        endpoint.url,
        events_to_sql(&endpoint.events),
        endpoint.organization,
        endpoint.secret.expose(),
        timestamp_to_sql(now),
        actor.label,
    ])?;
    let id = conn.last_insert_rowid();
    let created = get(conn, id, &WebhookScope::All)?
        .ok_or_else(|| StoreError::Invalid(format!("endpoint {id} vanished")))?;
    Ok(Ok(CreatedWebhook {
        endpoint: created,
        secret: endpoint.secret.clone(),
    }))
}

/// Removes an endpoint and its deliveries (queued ones are never sent).
pub fn delete(
    conn: &Connection,
    id: i64,
    scope: &WebhookScope,
) -> Result<Result<WebhookEndpoint, ApiError>, StoreError> {
    let Some(endpoint) = get(conn, id, scope)? else {
        return Ok(Err(not_found(id)));
    };
    conn.prepare_cached("DELETE FROM webhook_deliveries WHERE endpoint_id = ?")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM webhook_endpoints WHERE id = ?")?
        .execute([id])?;
    Ok(Ok(endpoint))
}

/// A new secret; deliveries sent from now on are signed with it.
pub fn rotate(
    conn: &Connection,
    id: i64,
    secret: &Secret,
    scope: &WebhookScope,
) -> Result<Result<CreatedWebhook, ApiError>, StoreError> {
    let Some(endpoint) = get(conn, id, scope)? else {
        return Ok(Err(not_found(id)));
    };
    conn.prepare_cached("UPDATE webhook_endpoints SET secret = ? WHERE id = ?")?
        .execute(params![secret.expose(), id])?;
    Ok(Ok(CreatedWebhook {
        endpoint,
        secret: secret.clone(),
    }))
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, object, organization_id,
     created_at, status, attempts, response_status, last_error, next_attempt_at,
     delivered_at, redelivery_of";

type RawDelivery = (
    (i64, i64, String, String, String, Option<i64>, String),
    (String, i64, Option<i64>, Option<String>, Option<String>),
    (Option<String>, Option<i64>),
);

fn read_delivery(row: &Row<'_>) -> rusqlite::Result<RawDelivery> {
    Ok((
        (
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
            row.get(6)?,
        ),
        (
            row.get(7)?,
            row.get(8)?,
            row.get(9)?,
            row.get(10)?,
            row.get(11)?,
        ),
        (row.get(12)?, row.get(13)?),
    ))
}

fn delivery_from(raw: RawDelivery) -> Result<WebhookDelivery, StoreError> {
    let (
        (id, endpoint, event_id, event_type, object, organization, created_at),
        (status, attempts, response_status, last_error, next_attempt_at),
        (delivered_at, redelivery_of),
    ) = raw;
    let at = |column, text: &str| timestamp_from_sql(column, text);
    Ok(WebhookDelivery {
        id,
        endpoint,
        event_id,
        event_type,
        object,
        organization,
        created_at: at("webhook_deliveries.created_at", &created_at)?,
        status: DeliveryStatus::parse(&status).ok_or(StoreError::BadValue {
            column: "webhook_deliveries.status",
            value: status.clone(),
        })?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        response_status: response_status.and_then(|s| u16::try_from(s).ok()),
        last_error,
        next_attempt_at: optional(next_attempt_at, |t| {
            at("webhook_deliveries.next_attempt_at", t)
        })?,
        delivered_at: optional(delivered_at, |t| at("webhook_deliveries.delivered_at", t))?,
        redelivery_of,
    })
}

fn delivery(conn: &Connection, id: i64) -> Result<Option<WebhookDelivery>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?"
    ))?
    .query_row([id], read_delivery)
    .optional()?
    .map(delivery_from)
    .transpose()
}

/// One endpoint's deliveries, newest first.
pub fn deliveries(
    conn: &Connection,
    endpoint: i64,
    scope: &WebhookScope,
    page: u32,
    per_page: u32,
) -> Result<Result<Page<WebhookDelivery>, ApiError>, StoreError> {
    if get(conn, endpoint, scope)?.is_none() {
        return Ok(Err(not_found(endpoint)));
    }
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?")?
        .query_row([endpoint], |row| row.get(0))?;
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let items = conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ?
             ORDER BY id DESC LIMIT ? OFFSET ?"
        ))?
        .query_map(
            params![endpoint, i64::from(per_page), offset],
            read_delivery,
        )?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(delivery_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(Page::new(
        items,
        page,
        per_page,
        u64::try_from(total).unwrap_or(0),
    )))
}

/// Queues a delivery's event again as a new delivery (same event id, same body); a
/// pending one is a 409: it is queued already.
pub fn redeliver(
    conn: &Connection,
    endpoint: i64,
    id: i64,
    scope: &WebhookScope,
) -> Result<Result<WebhookDelivery, ApiError>, StoreError> {
    if get(conn, endpoint, scope)?.is_none() {
        return Ok(Err(not_found(endpoint)));
    }
    let Some(original) = delivery(conn, id)?.filter(|d| d.endpoint == endpoint) else {
        return Ok(Err(delivery_not_found(id)));
    };
    if original.status == DeliveryStatus::Pending {
        return Ok(Err(shared_pending(id)));
    }
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, object,
             organization_id, payload, created_at, next_attempt_at, redelivery_of)
         SELECT endpoint_id, event_id, event_type, object, organization_id, payload,
                created_at, ?, id
         FROM webhook_deliveries WHERE id = ?",
    )?
    .execute(params![queue_time_to_sql(Utc::now()), id])?;
    let new_id = conn.last_insert_rowid();
    DELIVERIES_WRITTEN.with(|written| written.set(true));
    delivery(conn, new_id)?
        .ok_or_else(|| StoreError::Invalid(format!("delivery {new_id} vanished")))
        .map(Ok)
}

fn shared_pending(id: i64) -> ApiError {
    ApiError::Conflict(format!(
        "webhook delivery {id} is still pending: it is sent again by itself"
    ))
}

/// Claims up to `limit` due deliveries for `worker` for `lease`, oldest first.
pub fn claim(
    conn: &mut Connection,
    worker: &str,
    limit: usize,
    lease: Duration,
) -> Result<Vec<DueDelivery>, StoreError> {
    let now = Utc::now();
    // A read first: an idle sender looks every tick, and must not take the write lock
    // (and wait behind writers) to find nothing.
    let due: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                            WHERE status = 'pending' AND next_attempt_at <= ?)",
        )?
        .query_row([queue_time_to_sql(now)], |row| row.get(0))?;
    if !due {
        return Ok(Vec::new());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let claimed = {
        let mut stmt = tx.prepare_cached(
            "SELECT d.id, d.endpoint_id, e.url, e.secret, d.event_id, d.event_type,
                    d.payload, d.attempts
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
               AND (d.lease_until IS NULL OR d.lease_until <= ?1)
               AND NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries p
                   WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id
                     AND p.object = d.object AND p.id < d.id)
             ORDER BY d.next_attempt_at, d.id LIMIT ?2",
        )?;
        stmt.query_map(
            params![
                queue_time_to_sql(now),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |row| {
                Ok(DueDelivery {
                    id: row.get(0)?,
                    endpoint: row.get(1)?,
                    url: row.get(2)?,
                    secret: Secret::new(row.get::<_, String>(3)?),
                    event_id: row.get(4)?,
                    event_type: row.get(5)?,
                    payload: row.get(6)?,
                    attempts: u32::try_from(row.get::<_, i64>(7)?).unwrap_or(0),
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?
    };
    let until = queue_time_to_sql(now + chrono::Duration::from_std(lease).unwrap_or_default());
    for due in &claimed {
        tx.prepare_cached(
            "UPDATE webhook_deliveries SET lease_until = ?, leased_by = ? WHERE id = ?",
        )?
        .execute(params![until, worker, due.id])?;
    }
    tx.commit()?;
    Ok(claimed)
}

/// Records an attempt of a delivery `worker` holds; nothing when its lease passed to
/// another portal meanwhile (that one reports its own attempt).
pub fn finish(
    conn: &Connection,
    worker: &str,
    id: i64,
    outcome: &DeliveryOutcome,
) -> Result<(), StoreError> {
    let now = Utc::now();
    match outcome {
        DeliveryOutcome::Delivered { status } => {
            conn.prepare_cached(
                "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,
                     response_status = ?, last_error = NULL, delivered_at = ?,
                     next_attempt_at = NULL, lease_until = NULL, leased_by = NULL
                 WHERE id = ? AND leased_by = ? AND status = 'pending'",
            )?
            .execute(params![
                i64::from(*status),
                queue_time_to_sql(now),
                id,
                worker
            ])?;
        }
        DeliveryOutcome::Failed {
            status,
            error,
            retry_in,
        } => {
            let (state, next) = match retry_in {
                Some(delay) => (
                    "pending",
                    Some(queue_time_to_sql(
                        now + chrono::Duration::from_std(*delay).unwrap_or_default(),
                    )),
                ),
                None => ("failed", None),
            };
            conn.prepare_cached(
                "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1,
                     response_status = ?, last_error = ?, next_attempt_at = ?,
                     lease_until = NULL, leased_by = NULL
                 WHERE id = ? AND leased_by = ? AND status = 'pending'",
            )?
            .execute(params![
                state,
                status.map(i64::from),
                error,
                next,
                id,
                worker
            ])?;
        }
    }
    Ok(())
}

/// The use cases behind `PortalStore`'s webhook methods (`portal_store.rs` delegates).
impl super::SqliteStore {
    pub(super) fn deliveries_written(&self) -> &tokio::sync::Notify {
        &self.inner.deliveries_written
    }

    pub(super) async fn webhook_create(
        &self,
        endpoint: NewEndpoint,
        writer: crate::portal::store::Writer,
        idempotency: Option<crate::portal::idempotency::Idempotency>,
    ) -> crate::portal::store::Answer<crate::portal::idempotency::Once<CreatedWebhook>> {
        self.run(move |conn| {
            super::once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                create(tx, &endpoint, writer.actor(), writer.now)
            })
        })
        .await
    }

    pub(super) async fn webhook_delete(
        &self,
        id: i64,
        scope: WebhookScope,
        writer: crate::portal::store::Writer,
        idempotency: Option<crate::portal::idempotency::Idempotency>,
    ) -> crate::portal::store::Answer<crate::portal::idempotency::Once<WebhookEndpoint>> {
        self.run(move |conn| {
            super::once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                delete(tx, id, &scope)
            })
        })
        .await
    }

    pub(super) async fn webhook_rotate(
        &self,
        id: i64,
        secret: Secret,
        scope: WebhookScope,
        writer: crate::portal::store::Writer,
        idempotency: Option<crate::portal::idempotency::Idempotency>,
    ) -> crate::portal::store::Answer<crate::portal::idempotency::Once<CreatedWebhook>> {
        self.run(move |conn| {
            super::once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                rotate(tx, id, &secret, &scope)
            })
        })
        .await
    }

    pub(super) async fn webhook_redeliver(
        &self,
        endpoint: i64,
        delivery: i64,
        scope: WebhookScope,
        writer: crate::portal::store::Writer,
        idempotency: Option<crate::portal::idempotency::Idempotency>,
    ) -> crate::portal::store::Answer<crate::portal::idempotency::Once<WebhookDelivery>> {
        self.run(move |conn| {
            super::once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                redeliver(tx, endpoint, delivery, &scope)
            })
        })
        .await
    }
}
