//! How both backends store times and dates: as text of one fixed width, so text order
//! (byte order: SQLite's BINARY, PostgreSQL's `COLLATE "C"`) is time order.

use super::StoreError;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Timestamps are stored as RFC 3339 UTC with whole seconds (`2026-11-23T10:15:00Z`):
/// one fixed width, so text order is time order and the index sorts correctly.
pub fn timestamp_to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Queue times keep milliseconds, so a worker delay under a second still means something.
/// Fixed width as well: text order is time order.
pub fn queue_time_to_sql(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn timestamp_from_sql(column: &'static str, value: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| StoreError::BadValue {
            column,
            value: value.to_string(),
        })
}

pub fn date_to_sql(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn date_from_sql(column: &'static str, value: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| StoreError::BadValue {
        column,
        value: value.to_string(),
    })
}

pub fn optional<T>(
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    value.as_deref().map(parse).transpose()
}
