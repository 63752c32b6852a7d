//! The precheck's reads on PostgreSQL (docs/DESIGN.md §3.4): the registry entries of
//! the serials and the lines of open activations carrying them, in one snapshot. On one
//! connection the statements are pipelined; when the pool has a second connection idle,
//! each connection looks up half of the serials, the second in the first's snapshot, so
//! the server works on both cores.

use super::StoreError;
use super::reads::{Param, parse_vendor};
use crate::domain::{Checked, DeviceInfo, Kopecks, distinct_serials, precheck};
use crate::portal::rules;
use crate::portal::store::text::{date_from_sql, optional};
use chrono::NaiveDate;
use std::collections::HashMap;
use tokio_postgres::{GenericClient, Row, Transaction};

/// Prechecks of at least this many serials (inputs) may take a second connection: below
/// it the lookups take a few milliseconds, less than the snapshot's hand-over is worth.
pub const SPLIT_FROM: usize = 2_000;

/// A read-only snapshot for the precheck, planned without the serials
/// ([`super::plan_generic`]): a custom plan, expecting hundreds of open lines, may also
/// join every open activation's row.
pub async fn snapshot(client: &mut tokio_postgres::Client) -> Result<Transaction<'_>, StoreError> {
    let tx = super::read_snapshot(client).await?;
    super::plan_generic(&tx).await?;
    Ok(tx)
}

/// The precheck on one connection (also inside the create's own transaction). The
/// three statements are sent at once: the server runs them back to back while the
/// registry's rows are decoded here.
pub async fn precheck_rows(
    db: &impl GenericClient,
    inputs: &[String],
    today: NaiveDate,
) -> Result<Vec<Checked>, StoreError> {
    let serials = distinct_serials(inputs);
    let (models, devices, lines) =
        tokio::try_join!(models(db), registry(db, &serials), open_lines(db, &serials))?;
    verdicts(inputs, today, &models, devices, lines)
}

/// The precheck with a second connection: `primary` is [`snapshot`]'s transaction;
/// `helper` joins its snapshot, and each looks up half of the serials, the registry
/// and the open lines (at 1 000 000 activations 8-9 and 7 ms of the server's time for
/// 10 000, one after the other on one connection).
pub async fn precheck_on_two(
    primary: &Transaction<'_>,
    helper: &mut tokio_postgres::Client,
    inputs: &[String],
    today: NaiveDate,
) -> Result<Vec<Checked>, StoreError> {
    let serials = distinct_serials(inputs);
    let (first, second) = serials.split_at(serials.len() / 2);
    let id: String = primary
        .query_one("SELECT pg_export_snapshot()", &[])
        .await?
        .try_get(0)?;
    // Spliced into SQL below (SET TRANSACTION SNAPSHOT takes no parameter): the
    // server's own identifier, hex digits and dashes, checked all the same.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(StoreError::BadValue {
            column: "pg_export_snapshot",
            value: id,
        });
    }
    let on_primary = async {
        tokio::try_join!(
            models(primary),
            registry(primary, first),
            open_lines(primary, first)
        )
    };
    let on_helper = async {
        let tx = super::read_snapshot(helper).await?;
        tx.batch_execute(&format!(
            "SET TRANSACTION SNAPSHOT '{id}'; SET LOCAL plan_cache_mode = force_generic_plan"
        ))
        .await?;
        let rows = tokio::try_join!(registry(&tx, second), open_lines(&tx, second))?;
        tx.commit().await?;
        Ok::<_, StoreError>(rows)
    };
    let ((models, mut devices, mut lines), (more_devices, more_lines)) =
        tokio::try_join!(on_primary, on_helper)?;
    devices.extend(more_devices);
    lines.extend(more_lines);
    verdicts(inputs, today, &models, devices, lines)
}

/// The models: a handful, read whole. Joined, each serial cost a probe of them (a
/// fifth of the registry lookup at 10 000 serials).
async fn models(db: &impl GenericClient) -> Result<Vec<Row>, StoreError> {
    Ok(db
        .query(
            "SELECT id, name, vendor, price_kopecks, retail_kopecks FROM models",
            &[],
        )
        .await?)
}

/// The registry's entries for `serials`.
async fn registry(db: &impl GenericClient, serials: &[String]) -> Result<Vec<Row>, StoreError> {
    let by_serial: [Param; 1] = [&serials];
    Ok(db
        .query(
            "SELECT serial, current_until, model_id FROM devices WHERE serial = ANY($1)",
            &by_serial,
        )
        .await?)
}

/// The lines of open activations carrying `serials`, as `(serial, status, error)`.
/// They are asked for every serial, not only those the registry knows: an unknown
/// serial is `not_found` before its lines are looked at.
async fn open_lines(db: &impl GenericClient, serials: &[String]) -> Result<Vec<Row>, StoreError> {
    let by_serial: [Param; 1] = [&serials];
    // The lines of open activations are a table of their own (migration 14): ~90 000
    // keys at 1 000 000 activations instead of the 2.3 M of every line's serial
    // index, 37 → 10 ms for 10 000 scattered serials.
    Ok(db
        .query(
            "SELECT o.serial, a.status, a.error FROM open_lines o
               JOIN activations a ON a.number = o.activation_number
              WHERE o.serial = ANY($1) AND a.status IN ('in_progress', 'error')",
            &by_serial,
        )
        .await?)
}

/// The domain precheck over the rows read.
fn verdicts(
    inputs: &[String],
    today: NaiveDate,
    models: &[Row],
    devices: Vec<Row>,
    lines: Vec<Row>,
) -> Result<Vec<Checked>, StoreError> {
    let mut model_of = HashMap::with_capacity(models.len());
    for row in models {
        let id: i64 = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        let vendor = parse_vendor(row.try_get(2)?)?;
        let prices = (Kopecks(row.try_get(3)?), Kopecks(row.try_get(4)?));
        model_of.insert(id, (name, vendor, prices));
    }
    let mut found = HashMap::with_capacity(devices.len());
    for row in &devices {
        // Borrowed from the row: 10 000 serials need no copies of their own.
        let serial: &str = row.try_get(0)?;
        let model_id: i64 = row.try_get(2)?;
        let (model, vendor, (price, retail_price)) =
            model_of
                .get(&model_id)
                .ok_or_else(|| StoreError::BadValue {
                    column: "model_id",
                    value: model_id.to_string(),
                })?;
        found.insert(
            serial,
            DeviceInfo {
                model: model.clone(),
                vendor: *vendor,
                current_until: optional(row.try_get(1)?, |v| date_from_sql("current_until", v))?,
                price: *price,
                retail_price: *retail_price,
            },
        );
    }
    let lines = lines
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect::<Result<Vec<(&str, &str, Option<&str>)>, tokio_postgres::Error>>()?;
    let (pending, refused) = rules::pending_and_refused(lines);
    Ok(precheck(
        inputs,
        today,
        // Looked up once per serial (a repeat is a duplicate first): taken, not copied.
        |serial| found.remove(serial.as_str()),
        |serial| refused.contains(serial.as_str()),
        |serial| pending.contains(serial.as_str()),
    ))
}
