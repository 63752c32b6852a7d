//! Activations and their lines: the filtered, sorted, paged list and the detail.

use super::catalog::parse_vendor;
use super::{
    StoreError, date_from_sql, date_to_sql, optional, placeholders, queue_time_to_sql,
    timestamp_from_sql, timestamp_to_sql,
};
use crate::client::wire::{
    ActivationDetail, ActivationLine, ActivationSummary, OrgRef, Page, VendorRef,
};
use crate::domain::{ActivationFailure, ActivationStatus, Kopecks, Vendor};
use crate::portal::error::ApiError;
use crate::portal::rules;
use crate::portal::store::activation_list::{ActivationFilter, Arg, Dialect, ListPlan, Query};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

pub struct NewActivation {
    pub number: i64,
    pub organization_id: i64,
    pub vendor: Vendor,
    pub status: ActivationStatus,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// When the worker may take it (in-progress activations only).
    pub queued_at: Option<DateTime<Utc>>,
    pub lines: Vec<ActivationLine>,
}

use crate::portal::store::activation_list::SUMMARY_COLUMNS;

/// `GET /activations` in one read transaction (the caller's), planned by
/// `store::activation_list`; a page number too deep is refused, not walked.
pub fn list(
    conn: &Connection,
    filter: &ActivationFilter,
) -> Result<Result<Page<ActivationSummary>, ApiError>, StoreError> {
    let mut plan = ListPlan::new(filter.clone(), Dialect::Sqlite);
    if plan.is_empty() {
        return Ok(Ok(plan.finish(None, Vec::new(), 0)));
    }
    let every: bool = query_one(conn, &plan.scope_query())?;
    plan.set_every_organization(every);
    if let Some(lines) = plan.lines_query() {
        let lines: i64 = query_one(conn, &lines)?;
        plan.set_matching_lines(lines);
    }
    let total: i64 = query_one(conn, &plan.total_query())?;
    let page_query = match plan.page_query(total) {
        Ok(query) => query,
        Err(too_deep) => return Ok(Err(rules::page_too_deep(&too_deep))),
    };
    let mut items = Vec::new();
    if let Some(query) = &page_query {
        let args = sql_args(&query.query.args);
        let mut stmt = conn.prepare_cached(&query.query.sql)?;
        let raw = stmt
            .query_map(params_from_iter(&args), RawSummary::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        items = raw
            .into_iter()
            .map(RawSummary::into_summary)
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(Ok(plan.finish(page_query.as_ref(), items, total)))
}

/// The summaries a query of `SUMMARY_COLUMNS` reads (the triage of errors).
pub fn summaries(conn: &Connection, query: &Query) -> Result<Vec<ActivationSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&query.sql)?;
    let raw = stmt
        .query_map(
            params_from_iter(sql_args(&query.args)),
            RawSummary::from_row,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    raw.into_iter().map(RawSummary::into_summary).collect()
}

pub(super) fn sql_args(args: &[Arg]) -> Vec<Value> {
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        match arg {
            Arg::Int(v) => values.push(Value::Integer(*v)),
            Arg::OptInt(v) => values.push(v.map_or(Value::Null, Value::Integer)),
            Arg::Text(v) => values.push(Value::Text(v.clone())),
            Arg::Ints(ids) => values.extend(ids.iter().map(|id| Value::Integer(*id))),
        }
    }
    values
}

fn query_one<T: rusqlite::types::FromSql>(
    conn: &Connection,
    query: &Query,
) -> Result<T, StoreError> {
    Ok(conn
        .prepare_cached(&query.sql)?
        .query_row(params_from_iter(sql_args(&query.args)), |row| row.get(0))?)
}

/// The activation with its lines (by serial), or None when it does not exist or belongs
/// to an organization outside `organizations` — the caller cannot tell which.
pub fn get(
    conn: &Connection,
    number: i64,
    organizations: &[i64],
) -> Result<Option<ActivationDetail>, StoreError> {
    if organizations.is_empty() {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM activations a JOIN organizations o ON o.id = a.organization_id
         WHERE a.number = ? AND a.organization_id IN ({})",
        placeholders(organizations.len())
    );
    let mut args = vec![Value::Integer(number)];
    args.extend(organizations.iter().map(|id| Value::Integer(*id)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map(params_from_iter(&args), RawSummary::from_row)?;
    let Some(raw) = rows.next().transpose()? else {
        return Ok(None);
    };
    let summary = raw.into_summary()?;

    let mut stmt = conn.prepare_cached(
        "SELECT serial, model, current_until, new_until, price FROM activation_lines
         WHERE activation_number = ? ORDER BY serial",
    )?;
    let raw_lines = stmt
        .query_map([number], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let lines = raw_lines
        .into_iter()
        .map(|(serial, model, current, new, price)| {
            Ok(ActivationLine {
                serial,
                model,
                current_until: optional(current, |v| date_from_sql("current_until", v))?,
                new_until: date_from_sql("new_until", &new)?,
                price: Kopecks(price),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(ActivationDetail { summary, lines }))
}

/// Inserts an activation with its lines; `license_count` and `total_cost` are derived
/// from the lines so they cannot disagree.
pub fn insert(conn: &Connection, activation: &NewActivation) -> Result<(), StoreError> {
    let total: Kopecks = activation.lines.iter().map(|line| line.price).sum();
    conn.prepare_cached(
        "INSERT INTO activations (number, organization_id, vendor, status, license_count, total_cost,
                                  created_at, completed_at, error, queued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        activation.number,
        activation.organization_id,
        activation.vendor.id(),
        activation.status.as_api(),
        activation.lines.len() as i64,
        total.0,
        timestamp_to_sql(activation.created_at),
        activation.completed_at.map(timestamp_to_sql),
        activation.error,
        activation.queued_at.map(queue_time_to_sql),
    ])?;
    insert_lines(conn, activation.number, &activation.lines)?;
    // The precheck's set of open lines (migration 17), in one statement: a trigger per
    // line cost more than the lines themselves.
    if activation.status.is_open() {
        conn.prepare_cached(
            "INSERT INTO open_lines (serial, activation_number)
             SELECT serial, activation_number FROM activation_lines WHERE activation_number = ?",
        )?
        .execute([activation.number])?;
    }
    Ok(())
}

/// An activation's lines (the replica writes them the same way). Only ever in the
/// transaction that inserts (or, in the replica, replaces) the activation itself: the
/// change feed counts on the activation's own change row to cover its lines
/// (migration 5 dropped the per-line insert trigger).
pub fn insert_lines(
    conn: &Connection,
    number: i64,
    lines: &[ActivationLine],
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO activation_lines (activation_number, serial, model, current_until, new_until, price)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?;
    for line in lines {
        stmt.execute(params![
            number,
            line.serial,
            line.model,
            line.current_until.map(date_to_sql),
            date_to_sql(line.new_until),
            line.price.0,
        ])?;
    }
    Ok(())
}

/// The number the next new activation gets.
pub fn next_number(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM activations",
        [],
        |row| row.get(0),
    )?)
}

/// One activation's summary, unscoped (the caller has checked the scope).
pub fn summary(conn: &Connection, number: i64) -> Result<Option<ActivationSummary>, StoreError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM activations a JOIN organizations o ON o.id = a.organization_id
         WHERE a.number = ?"
    );
    let raw = conn
        .prepare_cached(&sql)?
        .query_row([number], RawSummary::from_row)
        .optional()?;
    raw.map(RawSummary::into_summary).transpose()
}

/// Queues an errored activation again: `in_progress`, error cleared, due after the
/// worker's delay from `now`. Returns false when it was not in `error`.
pub fn requeue(conn: &Connection, number: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE activations SET status = 'in_progress', error = NULL, completed_at = NULL,
                    queued_at = ?
             WHERE number = ? AND status = 'error'",
        )?
        .execute(params![queue_time_to_sql(now), number])?;
    Ok(changed == 1)
}

/// In-progress activations queued at or before `due_by`, oldest first.
pub fn due(conn: &Connection, due_by: DateTime<Utc>, limit: usize) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT number FROM activations
         WHERE status = 'in_progress' AND queued_at <= ?
         ORDER BY queued_at, number LIMIT ?",
    )?;
    let numbers = stmt
        .query_map(
            params![
                queue_time_to_sql(due_by),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |row| row.get(0),
        )?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(numbers)
}

/// The stored license file text (set when the worker completed the activation).
pub fn license_text(conn: &Connection, number: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT license_text FROM activations WHERE number = ?")?
        .query_row([number], |row| row.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

pub fn mark_done(
    conn: &Connection,
    number: i64,
    completed_at: DateTime<Utc>,
    license_text: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE activations SET status = 'done', completed_at = ?, error = NULL, license_text = ?
         WHERE number = ?",
    )?
    .execute(params![
        timestamp_to_sql(completed_at),
        license_text,
        number
    ])?;
    Ok(())
}

pub fn mark_error(conn: &Connection, number: i64, error: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE activations SET status = 'error', error = ? WHERE number = ?")?
        .execute(params![error, number])?;
    Ok(())
}

/// A summary row as stored, before its text columns are parsed (row closures can only
/// return rusqlite errors).
struct RawSummary {
    number: i64,
    organization_id: i64,
    organization_name: String,
    organization_inn: String,
    status: String,
    vendor: String,
    license_count: i64,
    total_cost: i64,
    created_at: String,
    completed_at: Option<String>,
    error: Option<String>,
}

impl RawSummary {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawSummary> {
        Ok(RawSummary {
            number: row.get(0)?,
            organization_id: row.get(1)?,
            organization_name: row.get(2)?,
            organization_inn: row.get(3)?,
            status: row.get(4)?,
            vendor: row.get(5)?,
            license_count: row.get(6)?,
            total_cost: row.get(7)?,
            created_at: row.get(8)?,
            completed_at: row.get(9)?,
            error: row.get(10)?,
        })
    }

    fn into_summary(self) -> Result<ActivationSummary, StoreError> {
        let status = self
            .status
            .parse::<ActivationStatus>()
            .map_err(|_| StoreError::BadValue {
                column: "status",
                value: self.status.clone(),
            })?;
        Ok(ActivationSummary {
            number: self.number,
            organization: OrgRef {
                id: self.organization_id,
                name: self.organization_name,
                inn: self.organization_inn,
            },
            status,
            vendor: VendorRef::from(parse_vendor(&self.vendor)?),
            license_count: self.license_count,
            total_cost: Kopecks(self.total_cost),
            created_at: timestamp_from_sql("created_at", &self.created_at)?,
            completed_at: optional(self.completed_at, |v| timestamp_from_sql("completed_at", v))?,
            failure: self.error.as_deref().and_then(ActivationFailure::recognize),
            error: self.error,
        })
    }
}
