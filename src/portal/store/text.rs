//! How both backends store times and dates: as text of one fixed width, so text order
//! (byte order: SQLite's BINARY, PostgreSQL's `COLLATE "C"`) is time order.

use super::StoreError;
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

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
    if let Some(at) = fixed_width_timestamp(value) {
        return Ok(at);
    }
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| StoreError::BadValue {
            column,
            value: value.to_string(),
        })
}

/// `YYYY-MM-DD`. Written by hand for the years 0–9999, where it gives exactly what
/// `%Y-%m-%d` gives: every line of every activation formats two dates, and chrono's
/// format string is parsed anew on each call (a tenth of seeding a million
/// activations; docs/BENCHMARKS.md, issue 13).
pub fn date_to_sql(date: NaiveDate) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&year) {
        return date.format("%Y-%m-%d").to_string();
    }
    let mut text = String::with_capacity(10);
    push_digits(&mut text, year as u32, 4);
    text.push('-');
    push_digits(&mut text, month, 2);
    text.push('-');
    push_digits(&mut text, day, 2);
    text
}

pub fn date_from_sql(column: &'static str, value: &str) -> Result<NaiveDate, StoreError> {
    if let Some(date) = fixed_width_date(value.as_bytes()) {
        return Ok(date);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| StoreError::BadValue {
        column,
        value: value.to_string(),
    })
}

fn push_digits(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

/// The decimal value of `bytes` if every one is an ASCII digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

/// The fast path of [`date_from_sql`]: exactly what this module writes. Anything else
/// (None) goes to chrono's parser, which also gives the error.
fn fixed_width_date(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&bytes[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&bytes[5..7])?, digits(&bytes[8..10])?)
}

/// The fast path of [`timestamp_from_sql`]: `YYYY-MM-DDTHH:MM:SSZ`, or with `.mmm`
/// before the `Z` (queue times), as this module writes them.
fn fixed_width_timestamp(value: &str) -> Option<DateTime<Utc>> {
    let bytes = value.as_bytes();
    let millis = match bytes.len() {
        20 => 0,
        24 if bytes[19] == b'.' => digits(&bytes[20..23])?,
        _ => return None,
    };
    if bytes[10] != b'T' || bytes[13] != b':' || bytes[16] != b':' || bytes.last() != Some(&b'Z') {
        return None;
    }
    let date = fixed_width_date(&bytes[..10])?;
    let time = chrono::NaiveTime::from_hms_milli_opt(
        digits(&bytes[11..13])?,
        digits(&bytes[14..16])?,
        digits(&bytes[17..19])?,
        millis,
    )?;
    Some(date.and_time(time).and_utc())
}

pub fn optional<T>(
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    value.as_deref().map(parse).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    /// The hand-written paths agree with chrono's own format and parser on every day
    /// of several centuries, and on both timestamp widths.
    #[test]
    fn the_fast_paths_agree_with_chrono() {
        let mut day = NaiveDate::from_ymd_opt(1899, 12, 25).expect("a date");
        let last = NaiveDate::from_ymd_opt(2101, 1, 5).expect("a date");
        while day <= last {
            let text = date_to_sql(day);
            assert_eq!(text, day.format("%Y-%m-%d").to_string());
            assert_eq!(date_from_sql("d", &text).expect("parses"), day);
            day = day.succ_opt().expect("a next day");
        }
        for date in [(0, 1, 1), (9999, 12, 31), (2028, 2, 29)] {
            let day = NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("a date");
            assert_eq!(date_to_sql(day), day.format("%Y-%m-%d").to_string());
        }
        let far = NaiveDate::from_ymd_opt(12345, 6, 7).expect("a date");
        assert_eq!(date_to_sql(far), far.format("%Y-%m-%d").to_string());

        let at = DateTime::parse_from_rfc3339("2026-11-23T10:15:07.042Z")
            .expect("rfc 3339")
            .with_timezone(&Utc);
        for text in [timestamp_to_sql(at), queue_time_to_sql(at)] {
            let expected = DateTime::parse_from_rfc3339(&text).expect("rfc 3339");
            assert_eq!(timestamp_from_sql("t", &text).expect("parses"), expected);
        }
        // Not this module's width: still read, by chrono.
        let offset = "2026-11-23T13:15:07+03:00";
        assert_eq!(
            timestamp_from_sql("t", offset).expect("parses"),
            at.with_nanosecond(0).expect("whole second")
        );
    }

    #[test]
    fn what_is_not_a_date_or_a_time_is_refused() {
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01x",
            "20261101",
            "2026-11-0a",
            "",
        ] {
            assert!(date_from_sql("d", bad).is_err(), "{bad}");
        }
        for bad in [
            "2026-11-23T25:00:00Z",
            "2026-11-23T10:60:00Z",
            "2026-11-23T10:15:00.1xZ",
        ] {
            assert!(timestamp_from_sql("t", bad).is_err(), "{bad}");
        }
    }
}
