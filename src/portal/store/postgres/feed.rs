//! The change feed on PostgreSQL (`GET /changes`, docs/DESIGN.md §6.4): the same pages
//! as SQLite's `changes` module, read in one REPEATABLE READ snapshot.
//!
//! Why a cursor never skips a change: every transaction that records a change holds
//! the feed lock (`pg_advisory_xact_lock(FEED_LOCK)`, mod.rs) from before it draws its
//! first seq until it has committed. So the transactions that record changes run one
//! at a time, each draws seqs above every seq of the ones committed before it, and by
//! the time the next one takes the lock the previous one's commit is visible to every
//! new snapshot. A snapshot that sees a seq therefore sees every smaller seq that will
//! ever exist (none commits later), exactly the guarantee SQLite's single writer gives.
//! The store's last seq is read in the same snapshot (`max(seq)`, or the prune floor),
//! never from the sequence, whose value includes seqs of uncommitted transactions.

use super::StoreError;
use super::count;
use super::reads::{organizations, parse_status, parse_vendor};
use crate::client::feed::{
    ActivationRecord, CapacityRecord, Change, ChangeFeed, DeletedRecord, DeviceRecord,
    EmergencyRecord, FeedWindow, ObjectKind, PriceRecord, SeatRecord,
};
use crate::client::wire::{ActivationLine, ProductRef};
use crate::domain::Kopecks;
use crate::portal::store::Gone;
use crate::portal::store::text::{date_from_sql, optional, timestamp_from_sql, timestamp_to_sql};
use std::collections::{HashMap, HashSet};
use tokio_postgres::GenericClient;

const KINDS: [ObjectKind; 9] = [
    ObjectKind::Organization,
    ObjectKind::Product,
    ObjectKind::Price,
    ObjectKind::Activation,
    ObjectKind::Seat,
    ObjectKind::Capacity,
    ObjectKind::Invoice,
    ObjectKind::Device,
    ObjectKind::Event,
];

fn kind_of(text: &str) -> Result<ObjectKind, StoreError> {
    KINDS
        .into_iter()
        .find(|kind| kind.as_str() == text)
        .ok_or_else(|| StoreError::BadValue {
            column: "changes.kind",
            value: text.to_string(),
        })
}

async fn meta(db: &impl GenericClient, key: &str) -> Result<String, StoreError> {
    db.query_opt("SELECT value FROM store_meta WHERE key = $1", &[&key])
        .await?
        .map(|row| row.try_get(0))
        .transpose()?
        .ok_or_else(|| StoreError::BadValue {
            column: "store_meta.value",
            value: format!("{key} is missing"),
        })
}

pub async fn feed(
    client: &mut super::Client,
    since: i64,
    limit: u32,
    scope: &[i64],
    window: Option<FeedWindow>,
) -> Result<Result<ChangeFeed, Gone>, StoreError> {
    let client: &mut tokio_postgres::Client = client;
    let tx = super::read_snapshot(client).await?;
    let floor_text = meta(&tx, "changes_floor").await?;
    let floor: i64 = floor_text.parse().map_err(|_| StoreError::BadValue {
        column: "store_meta.changes_floor",
        value: floor_text.clone(),
    })?;
    let max: Option<i64> = tx
        .query_one("SELECT MAX(seq) FROM changes", &[])
        .await?
        .try_get(0)?;
    let last = max.unwrap_or(0).max(floor);
    if since > last {
        return Ok(Err(Gone::Beyond { since, last }));
    }
    if since > 0 && since < floor {
        return Ok(Err(Gone::Pruned { since, floor }));
    }
    let epoch = meta(&tx, "epoch").await?;
    let wanted = limit as usize;
    let fetch = i64::try_from(wanted + 1).unwrap_or(i64::MAX);
    // The window ends at the seq it was opened at: what changed after it always comes.
    let window = window.map(|w| (timestamp_to_sql(w.from), w.head.unwrap_or(last)));
    let rows = match &window {
        None => {
            tx.query(
                "SELECT seq, kind, key FROM changes
                 WHERE seq > $1 AND (organization_id IS NULL OR organization_id = ANY($2))
                 ORDER BY seq LIMIT $3",
                &[&since, &scope, &fetch],
            )
            .await?
        }
        // A done activation created before the window is left out unless it changed
        // after the head; one primary-key probe per activation row. Events the same
        // by their time; device lists' rows and invoices up to the head all (as
        // SQLite's `OUTSIDE_WINDOW`).
        Some((from, head)) => {
            tx.query(
                "SELECT seq, kind, key FROM changes c
                 WHERE seq > $1 AND (organization_id IS NULL OR organization_id = ANY($2))
                   AND (kind <> 'activation' OR seq > $4 OR NOT EXISTS (
                        SELECT 1 FROM activations a
                         WHERE a.number = CASE WHEN c.kind = 'activation' THEN c.key::bigint END
                           AND a.status = 'done' AND a.created_at < $5))
                   AND (kind <> 'event' OR seq > $4 OR NOT EXISTS (
                        SELECT 1 FROM audit e
                         WHERE e.id = CASE WHEN c.kind = 'event' THEN c.key::bigint END
                           AND e.at < $5))
                   AND (kind NOT IN ('device', 'invoice') OR seq > $4)
                 ORDER BY seq LIMIT $3",
                &[&since, &scope, &fetch, head, from],
            )
            .await?
        }
    };
    let mut positions = Vec::with_capacity(rows.len());
    for row in &rows {
        let seq: i64 = row.try_get(0)?;
        positions.push((seq, kind_of(row.try_get(1)?)?, row.try_get::<_, String>(2)?));
    }
    let more = positions.len() > wanted;
    positions.truncate(wanted);
    let cursor = if more {
        positions.last().map_or(since, |(seq, _, _)| *seq)
    } else {
        last
    };
    // The objects are read by key, thousands to a statement.
    super::plan_generic(&tx).await?;
    let changes = current(&tx, &positions).await?;
    tx.commit().await?;
    Ok(Ok(ChangeFeed {
        epoch,
        changes,
        cursor,
        more,
        window_head: window.map(|(_, head)| head),
    }))
}

fn numbers(positions: &[(i64, ObjectKind, String)], kind: ObjectKind) -> Vec<i64> {
    positions
        .iter()
        .filter(|(_, k, _)| *k == kind)
        .filter_map(|(_, _, key)| key.parse().ok())
        .collect()
}

/// The current state of every position, in order; a missing object is `Deleted`.
async fn current(
    db: &impl GenericClient,
    positions: &[(i64, ObjectKind, String)],
) -> Result<Vec<Change>, StoreError> {
    use ObjectKind as K;
    let mut found: HashMap<(ObjectKind, String), Change> = HashMap::new();
    for org in organizations(db, &numbers(positions, K::Organization)).await? {
        found.insert(
            (K::Organization, org.id.to_string()),
            Change::Organization(org),
        );
    }
    let products: Vec<String> = positions
        .iter()
        .filter(|(_, k, _)| *k == K::Product)
        .map(|(_, _, key)| key.clone())
        .collect();
    for row in db
        .query(
            "SELECT id, name FROM products WHERE id = ANY($1)",
            &[&products],
        )
        .await?
    {
        let product = ProductRef {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
        };
        found.insert((K::Product, product.id.clone()), Change::Product(product));
    }
    for row in db
        .query(
            "SELECT id, vendor, name, price_kopecks, retail_kopecks FROM models WHERE id = ANY($1)",
            &[&numbers(positions, K::Price)],
        )
        .await?
    {
        let price = PriceRecord {
            id: row.try_get(0)?,
            vendor: parse_vendor(row.try_get(1)?)?,
            model: row.try_get(2)?,
            price: Kopecks(row.try_get(3)?),
            retail_price: Kopecks(row.try_get(4)?),
        };
        found.insert((K::Price, price.id.to_string()), Change::Price(price));
    }
    for activation in activations(db, &numbers(positions, K::Activation)).await? {
        let key = activation.number.to_string();
        found.insert((K::Activation, key), Change::Activation(activation));
    }
    for row in db
        .query(
            "SELECT id, organization_id, product_id, email, valid_from, valid_until
             FROM seats WHERE id = ANY($1)",
            &[&numbers(positions, K::Seat)],
        )
        .await?
    {
        let seat = SeatRecord {
            id: row.try_get(0)?,
            organization: row.try_get(1)?,
            product: row.try_get(2)?,
            email: row.try_get(3)?,
            valid_from: date_from_sql("seats.valid_from", row.try_get(4)?)?,
            valid_until: date_from_sql("seats.valid_until", row.try_get(5)?)?,
        };
        found.insert((K::Seat, seat.id.to_string()), Change::Seat(seat));
    }
    let capacity_keys: Vec<&str> = positions
        .iter()
        .filter(|(_, k, _)| *k == K::Capacity)
        .map(|(_, _, key)| key.as_str())
        .collect();
    for (key, capacity) in capacities(db, &capacity_keys).await? {
        found.insert((K::Capacity, key), Change::Capacity(capacity));
    }
    let invoice_keys: Vec<String> = positions
        .iter()
        .filter(|(_, k, _)| *k == K::Invoice)
        .map(|(_, _, key)| key.clone())
        .collect();
    if !invoice_keys.is_empty() {
        for invoice in super::invoices::details(db, &invoice_keys).await? {
            let key = invoice.invoice.number.clone();
            found.insert((K::Invoice, key), Change::Invoice(invoice.into()));
        }
    }
    // Keys `ORG:SERIAL` as two arrays, joined on the primary key.
    let (device_orgs, device_serials): (Vec<i64>, Vec<String>) = positions
        .iter()
        .filter(|(_, k, _)| *k == K::Device)
        .filter_map(|(_, _, key)| {
            let (org, serial) = key.split_once(':')?;
            Some((org.parse::<i64>().ok()?, serial.to_string()))
        })
        .unzip();
    for row in db
        .query(
            "SELECT d.organization_id, d.serial, d.model_id, d.vendor, d.current_until
             FROM unnest($1::bigint[], $2::text[]) AS k(organization_id, serial)
             JOIN organization_devices d
               ON d.organization_id = k.organization_id AND d.serial = k.serial COLLATE \"C\"",
            &[&device_orgs, &device_serials],
        )
        .await?
    {
        let device = DeviceRecord {
            organization: row.try_get(0)?,
            serial: row.try_get(1)?,
            model: row.try_get(2)?,
            vendor: parse_vendor(row.try_get(3)?)?,
            subscription_until: date_from_sql(
                "organization_devices.current_until",
                row.try_get(4)?,
            )?,
        };
        let key = format!("{}:{}", device.organization, device.serial);
        found.insert((K::Device, key), Change::Device(device));
    }
    for row in db
        .query(
            &format!(
                "SELECT {} FROM audit a LEFT JOIN organizations o ON o.id = a.organization_id
                 WHERE a.id = ANY($1)",
                crate::portal::store::events::EVENT_COLUMNS
            ),
            &[&numbers(positions, K::Event)],
        )
        .await?
    {
        let event = crate::portal::store::events::RawEvent {
            id: row.try_get(0)?,
            at: row.try_get(1)?,
            actor: row.try_get(2)?,
            action: row.try_get(3)?,
            object: row.try_get(4)?,
            organization_id: row.try_get(5)?,
            organization_name: row.try_get(6)?,
            request_id: row.try_get(7)?,
            before: row.try_get(8)?,
            after: row.try_get(9)?,
        }
        .into_event()?;
        found.insert((K::Event, event.id.to_string()), Change::Event(event));
    }
    Ok(positions
        .iter()
        .map(|(_, kind, key)| {
            found.remove(&(*kind, key.clone())).unwrap_or_else(|| {
                Change::Deleted(DeletedRecord {
                    object: *kind,
                    key: key.clone(),
                })
            })
        })
        .collect())
}

async fn activations(
    db: &impl GenericClient,
    numbers: &[i64],
) -> Result<Vec<ActivationRecord>, StoreError> {
    let mut lines: HashMap<i64, Vec<ActivationLine>> = HashMap::new();
    for row in db
        .query(
            "SELECT activation_number, serial, model, current_until, new_until, price
             FROM activation_lines WHERE activation_number = ANY($1)
             ORDER BY activation_number, serial",
            &[&numbers],
        )
        .await?
    {
        lines
            .entry(row.try_get(0)?)
            .or_default()
            .push(ActivationLine {
                serial: row.try_get(1)?,
                model: row.try_get(2)?,
                current_until: optional(row.try_get(3)?, |v| date_from_sql("current_until", v))?,
                new_until: date_from_sql("new_until", row.try_get(4)?)?,
                price: Kopecks(row.try_get(5)?),
            });
    }
    let rows = db
        .query(
            "SELECT number, organization_id, status, vendor, created_at, completed_at, error
             FROM activations WHERE number = ANY($1)",
            &[&numbers],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let number: i64 = row.try_get(0)?;
            Ok(ActivationRecord {
                number,
                organization: row.try_get(1)?,
                status: parse_status(row.try_get(2)?)?,
                vendor: parse_vendor(row.try_get(3)?)?,
                created_at: timestamp_from_sql("created_at", row.try_get(4)?)?,
                completed_at: optional(row.try_get(5)?, |v| timestamp_from_sql("completed_at", v))?,
                error: row.try_get(6)?,
                lines: lines.remove(&number).unwrap_or_default(),
            })
        })
        .collect()
}

async fn capacities(
    db: &impl GenericClient,
    keys: &[&str],
) -> Result<Vec<(String, CapacityRecord)>, StoreError> {
    let wanted: HashSet<&str> = keys.iter().copied().collect();
    let mut orgs: Vec<i64> = keys
        .iter()
        .filter_map(|key| key.split_once(':')?.0.parse().ok())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut emergency: HashMap<String, Vec<EmergencyRecord>> = HashMap::new();
    for row in db
        .query(
            "SELECT id, organization_id, product_id, requested_at, valid_from, valid_until, accounts
             FROM emergency_licenses WHERE organization_id = ANY($1) ORDER BY id",
            &[&orgs],
        )
        .await?
    {
        let org: i64 = row.try_get(1)?;
        let product: String = row.try_get(2)?;
        emergency
            .entry(format!("{org}:{product}"))
            .or_default()
            .push(EmergencyRecord {
                id: row.try_get(0)?,
                requested_at: timestamp_from_sql(
                    "emergency_licenses.requested_at",
                    row.try_get(3)?,
                )?,
                valid_from: date_from_sql("emergency_licenses.valid_from", row.try_get(4)?)?,
                valid_until: date_from_sql("emergency_licenses.valid_until", row.try_get(5)?)?,
                accounts: count(row.try_get(6)?),
            });
    }
    let mut out = Vec::new();
    for row in db
        .query(
            "SELECT organization_id, product_id, support_until, accounts_max,
                    external_connections_max, max_raised_at
             FROM capacity WHERE organization_id = ANY($1)",
            &[&orgs],
        )
        .await?
    {
        let organization: i64 = row.try_get(0)?;
        let product: String = row.try_get(1)?;
        let key = format!("{organization}:{product}");
        if !wanted.contains(key.as_str()) {
            continue;
        }
        let record = CapacityRecord {
            organization,
            support_until: optional(row.try_get(2)?, |v| {
                date_from_sql("capacity.support_until", v)
            })?,
            accounts_max: count(row.try_get(3)?),
            external_connections_max: count(row.try_get(4)?),
            max_raised_at: optional(row.try_get(5)?, |v| {
                timestamp_from_sql("capacity.max_raised_at", v)
            })?,
            emergency: emergency.remove(&key).unwrap_or_default(),
            product,
        };
        out.push((key, record));
    }
    Ok(out)
}
