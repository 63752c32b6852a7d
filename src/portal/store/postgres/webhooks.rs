//! Webhooks on PostgreSQL (issue 17; docs/DESIGN.md §4.10), as SQLite's
//! `sqlite/webhooks.rs` with the same answers. What differs is the queue: any number of
//! portals claim from it, so a claim picks due rows `FOR UPDATE SKIP LOCKED` (a row
//! another portal is claiming right now is skipped, not waited for) and sets a lease
//! in the same statement; the row's WHERE is re-checked on its newest version when
//! locked, so of two portals exactly one leases it. A portal killed mid-delivery leaves
//! a lease that runs out, and the row is claimable again. Times are the database's
//! (`now()`), the one clock every portal shares. Deliveries written in a transaction
//! `NOTIFY` [`DELIVERY_CHANNEL`] at its commit, which wakes every portal's sender.

use super::{Client, StoreError};
use crate::client::webhooks::{CreatedWebhook, DeliveryStatus, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::Page;
use crate::domain::webhook::{event_of_action, subscribed};
use crate::portal::error::ApiError;
use crate::portal::store::Actor;
use crate::portal::store::text::{timestamp_from_sql, timestamp_to_sql};
use crate::portal::store::webhooks::{
    DeliveryOutcome, DueDelivery, NewEndpoint, WebhookScope, event_body, new_event_id,
};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use std::time::Duration;
use tokio_postgres::{GenericClient, Row};

/// The channel the senders `LISTEN` on.
pub const DELIVERY_CHANNEL: &str = "licadm_webhooks";

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("webhook endpoint {id} not found"))
}

fn events_from_sql(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::BadValue {
        column: "webhook_endpoints.events",
        value: text.to_string(),
    })
}

/// Writes one delivery per endpoint that hears the audited change, in the change's
/// transaction (called by `writes::audit`).
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    db: &impl GenericClient,
    at: DateTime<Utc>,
    action: &str,
    object: &str,
    organization_id: i64,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    let Some(event_type) = event_of_action(action) else {
        return Ok(());
    };
    let rows = db
        .query(
            "SELECT id, events FROM webhook_endpoints
             WHERE organization_id IS NULL OR organization_id = $1 ORDER BY id",
            &[&organization_id],
        )
        .await?;
    let mut hearing = Vec::new();
    for row in rows {
        let events: String = row.try_get(1)?;
        if subscribed(&events_from_sql(&events)?, event_type) {
            hearing.push(row.try_get::<_, i64>(0)?);
        }
    }
    if hearing.is_empty() {
        return Ok(());
    }
    let event_id = new_event_id()?;
    let body = event_body(
        &event_id,
        event_type,
        at,
        object,
        Some(organization_id),
        before,
        after,
    )?;
    db.execute(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, object,
             organization_id, payload, created_at, next_attempt_at)
         SELECT endpoint, $2, $3, $4, $5, $6, $7, now() FROM unnest($1::bigint[]) AS endpoint
         ORDER BY endpoint",
        &[
            &hearing,
            &event_id,
            &event_type,
            &object,
            &organization_id,
            &body,
            &timestamp_to_sql(at),
        ],
    )
    .await?;
    db.execute("SELECT pg_notify($1, '')", &[&DELIVERY_CHANNEL])
        .await?;
    Ok(())
}

const ENDPOINT_COLUMNS: &str = "e.id, e.url, e.events, e.organization_id, e.created_at,
     e.created_by,
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id
         AND d.status = 'pending'),
     (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id
         AND d.status = 'failed')";

fn endpoint_from(row: &Row) -> Result<WebhookEndpoint, StoreError> {
    let events: String = row.try_get(2)?;
    let created_at: String = row.try_get(4)?;
    Ok(WebhookEndpoint {
        id: row.try_get(0)?,
        url: row.try_get(1)?,
        events: events_from_sql(&events)?,
        organization: row.try_get(3)?,
        created_at: timestamp_from_sql("webhook_endpoints.created_at", &created_at)?,
        created_by: row.try_get(5)?,
        pending: u64::try_from(row.try_get::<_, i64>(6)?).unwrap_or(0),
        failed: u64::try_from(row.try_get::<_, i64>(7)?).unwrap_or(0),
    })
}

pub async fn list(
    db: &impl GenericClient,
    scope: &WebhookScope,
) -> Result<Vec<WebhookEndpoint>, StoreError> {
    let rows = db
        .query(
            &format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e ORDER BY e.id"),
            &[],
        )
        .await?;
    let mut endpoints = Vec::new();
    for row in &rows {
        let endpoint = endpoint_from(row)?;
        if scope.covers(endpoint.organization) {
            endpoints.push(endpoint);
        }
    }
    Ok(endpoints)
}

pub async fn get(
    db: &impl GenericClient,
    id: i64,
    scope: &WebhookScope,
) -> Result<Option<WebhookEndpoint>, StoreError> {
    let row = db
        .query_opt(
            &format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.id = $1"),
            &[&id],
        )
        .await?;
    Ok(row
        .as_ref()
        .map(endpoint_from)
        .transpose()?
        .filter(|endpoint| scope.covers(endpoint.organization)))
}

pub async fn create(
    db: &impl GenericClient,
    endpoint: &NewEndpoint,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<CreatedWebhook, ApiError>, StoreError> {
    if let Some(org) = endpoint.organization {
        let exists = db
            .query_opt("SELECT id FROM organizations WHERE id = $1", &[&org])
            .await?;
        if exists.is_none() {
            return Ok(Err(ApiError::NotFound(format!(
                "organization {org} not found"
            ))));
        }
    }
    let events = serde_json::Value::from(endpoint.events.clone()).to_string();
    let id: i64 = db
        .query_one(
            "INSERT INTO webhook_endpoints (url, events, organization_id, secret, created_at,
                 created_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &endpoint.url,
                &events,
                &endpoint.organization,
                &endpoint.secret.expose(),
                &timestamp_to_sql(now),
                &actor.label,
            ],
        )
        .await?
        .try_get(0)?;
    let created = get(db, id, &WebhookScope::All)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("endpoint {id} vanished")))?;
    Ok(Ok(CreatedWebhook {
        endpoint: created,
        secret: endpoint.secret.clone(),
    }))
}

pub async fn delete(
    db: &impl GenericClient,
    id: i64,
    scope: &WebhookScope,
) -> Result<Result<WebhookEndpoint, ApiError>, StoreError> {
    let Some(endpoint) = get(db, id, scope).await? else {
        return Ok(Err(not_found(id)));
    };
    db.execute(
        "DELETE FROM webhook_deliveries WHERE endpoint_id = $1",
        &[&id],
    )
    .await?;
    db.execute("DELETE FROM webhook_endpoints WHERE id = $1", &[&id])
        .await?;
    Ok(Ok(endpoint))
}

pub async fn rotate(
    db: &impl GenericClient,
    id: i64,
    secret: &Secret,
    scope: &WebhookScope,
) -> Result<Result<CreatedWebhook, ApiError>, StoreError> {
    let Some(endpoint) = get(db, id, scope).await? else {
        return Ok(Err(not_found(id)));
    };
    db.execute(
        "UPDATE webhook_endpoints SET secret = $1 WHERE id = $2",
        &[&secret.expose(), &id],
    )
    .await?;
    Ok(Ok(CreatedWebhook {
        endpoint,
        secret: secret.clone(),
    }))
}

const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_id, event_type, object, organization_id,
     created_at, status, attempts, response_status, last_error, next_attempt_at,
     delivered_at, redelivery_of";

fn delivery_from(row: &Row) -> Result<WebhookDelivery, StoreError> {
    let created_at: String = row.try_get(6)?;
    let status: String = row.try_get(7)?;
    Ok(WebhookDelivery {
        id: row.try_get(0)?,
        endpoint: row.try_get(1)?,
        event_id: row.try_get(2)?,
        event_type: row.try_get(3)?,
        object: row.try_get(4)?,
        organization: row.try_get(5)?,
        created_at: timestamp_from_sql("webhook_deliveries.created_at", &created_at)?,
        status: DeliveryStatus::parse(&status).ok_or(StoreError::BadValue {
            column: "webhook_deliveries.status",
            value: status.clone(),
        })?,
        attempts: u32::try_from(row.try_get::<_, i32>(8)?).unwrap_or(0),
        response_status: row
            .try_get::<_, Option<i32>>(9)?
            .and_then(|s| u16::try_from(s).ok()),
        last_error: row.try_get(10)?,
        next_attempt_at: row.try_get(11)?,
        delivered_at: row.try_get(12)?,
        redelivery_of: row.try_get(13)?,
    })
}

async fn delivery(db: &impl GenericClient, id: i64) -> Result<Option<WebhookDelivery>, StoreError> {
    db.query_opt(
        &format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"),
        &[&id],
    )
    .await?
    .as_ref()
    .map(delivery_from)
    .transpose()
}

pub async fn deliveries(
    db: &impl GenericClient,
    endpoint: i64,
    scope: &WebhookScope,
    page: u32,
    per_page: u32,
) -> Result<Result<Page<WebhookDelivery>, ApiError>, StoreError> {
    if get(db, endpoint, scope).await?.is_none() {
        return Ok(Err(not_found(endpoint)));
    }
    let total: i64 = db
        .query_one(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1",
            &[&endpoint],
        )
        .await?
        .try_get(0)?;
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let rows = db
        .query(
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1
                 ORDER BY id DESC LIMIT $2 OFFSET $3"
            ),
            &[&endpoint, &i64::from(per_page), &offset],
        )
        .await?;
    let items = rows
        .iter()
        .map(delivery_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(Page::new(
        items,
        page,
        per_page,
        u64::try_from(total).unwrap_or(0),
    )))
}

pub async fn redeliver(
    db: &impl GenericClient,
    endpoint: i64,
    id: i64,
    scope: &WebhookScope,
) -> Result<Result<WebhookDelivery, ApiError>, StoreError> {
    if get(db, endpoint, scope).await?.is_none() {
        return Ok(Err(not_found(endpoint)));
    }
    let original = db
        .query_opt(
            "SELECT status FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2
             FOR UPDATE",
            &[&id, &endpoint],
        )
        .await?;
    let Some(original) = original else {
        return Ok(Err(ApiError::NotFound(format!(
            "webhook delivery {id} not found"
        ))));
    };
    if original.try_get::<_, String>(0)? == DeliveryStatus::Pending.as_str() {
        return Ok(Err(ApiError::Conflict(format!(
            "webhook delivery {id} is still pending: it is sent again by itself"
        ))));
    }
    let new_id: i64 = db
        .query_one(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, object,
                 organization_id, payload, created_at, next_attempt_at, redelivery_of)
             SELECT endpoint_id, event_id, event_type, object, organization_id, payload,
                    created_at, now(), id
             FROM webhook_deliveries WHERE id = $1 RETURNING id",
            &[&id],
        )
        .await?
        .try_get(0)?;
    db.execute("SELECT pg_notify($1, '')", &[&DELIVERY_CHANNEL])
        .await?;
    delivery(db, new_id)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("delivery {new_id} vanished")))
        .map(Ok)
}

/// Leases up to `limit` due deliveries to `worker`, oldest first (module comment).
pub async fn claim(
    client: &mut Client,
    worker: &str,
    limit: usize,
    lease: Duration,
) -> Result<Vec<DueDelivery>, StoreError> {
    let client: &mut tokio_postgres::Client = client;
    let tx = client.transaction().await?;
    let rows = tx
        .query(
            "WITH due AS (
                 SELECT d.id FROM webhook_deliveries d
                 WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                   AND (d.lease_until IS NULL OR d.lease_until <= now())
                   AND NOT EXISTS (
                       SELECT 1 FROM webhook_deliveries p
                       WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id
                         AND p.object = d.object AND p.id < d.id)
                 ORDER BY d.next_attempt_at, d.id LIMIT $1
                 FOR UPDATE OF d SKIP LOCKED
             )
             UPDATE webhook_deliveries w
             SET lease_until = now() + make_interval(secs => $2::float8), leased_by = $3
             FROM due, webhook_endpoints e
             WHERE w.id = due.id AND e.id = w.endpoint_id
             RETURNING w.id, w.endpoint_id, e.url, e.secret, w.event_id, w.event_type,
                       w.payload, w.attempts",
            &[
                &i64::try_from(limit).unwrap_or(i64::MAX),
                &lease.as_secs_f64(),
                &worker,
            ],
        )
        .await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            Ok(DueDelivery {
                id: row.try_get(0)?,
                endpoint: row.try_get(1)?,
                url: row.try_get(2)?,
                secret: Secret::new(row.try_get::<_, String>(3)?),
                event_id: row.try_get(4)?,
                event_type: row.try_get(5)?,
                payload: row.try_get(6)?,
                attempts: u32::try_from(row.try_get::<_, i32>(7)?).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    tx.commit().await?;
    claimed.sort_by_key(|due| due.id);
    Ok(claimed)
}

/// Records an attempt of a delivery `worker` holds (as SQLite's `finish`).
pub async fn finish(
    db: &impl GenericClient,
    worker: &str,
    id: i64,
    outcome: &DeliveryOutcome,
) -> Result<(), StoreError> {
    match outcome {
        DeliveryOutcome::Delivered { status } => {
            db.execute(
                "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,
                     response_status = $1, last_error = NULL, delivered_at = now(),
                     next_attempt_at = NULL, lease_until = NULL, leased_by = NULL
                 WHERE id = $2 AND leased_by = $3 AND status = 'pending'",
                &[&i32::from(*status), &id, &worker],
            )
            .await?;
        }
        DeliveryOutcome::Failed {
            status,
            error,
            retry_in,
        } => {
            let state = match retry_in {
                Some(_) => DeliveryStatus::Pending,
                None => DeliveryStatus::Failed,
            };
            db.execute(
                "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1,
                     response_status = $2, last_error = $3,
                     next_attempt_at = now() + make_interval(secs => $4::float8),
                     lease_until = NULL, leased_by = NULL
                 WHERE id = $5 AND leased_by = $6 AND status = 'pending'",
                &[
                    &state.as_str(),
                    &status.map(i32::from),
                    error,
                    &retry_in.map(|d| d.as_secs_f64()),
                    &id,
                    &worker,
                ],
            )
            .await?;
        }
    }
    Ok(())
}
