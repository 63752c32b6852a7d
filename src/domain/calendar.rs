//! Working days for invoice due dates (docs/DESIGN.md §3.11): Saturdays and Sundays
//! are days off, public holidays come from a list, and a weekend day the government
//! made a working day counts as one.
//!
//! The default list is the Russian production calendar:
//! - 2026: Government decree of 24.09.2025 № 1466 «О переносе выходных дней в 2026
//!   году» with art. 112 of the Labour Code: 1–11 January (3 and 4 January moved to
//!   9 January and 31 December), 23 February, 9 March (8 March is a Sunday), 1 May,
//!   11 May (9 May is a Saturday), 12 June, 4 November, 31 December. No working
//!   Saturdays.
//! - 2027: only what art. 112 itself fixes — the holidays on weekdays, and a holiday on
//!   a weekend moved to the next working day (1 May → 3 May, 9 May → 10 May, 12 June
//!   → 14 June). The decree for 2027 (which may move the January days off) was not
//!   known when this was written: replace the list with `serve --holidays FILE` once
//!   it is published.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// How many working days a licensee has to pay (the offer, seed 004 §1).
pub const PAYMENT_WORKING_DAYS: u32 = 5;

const RU_2026_HOLIDAYS: &[(i32, u32, u32)] = &[
    (2026, 1, 1),
    (2026, 1, 2),
    (2026, 1, 5),
    (2026, 1, 6),
    (2026, 1, 7),
    (2026, 1, 8),
    (2026, 1, 9),
    (2026, 2, 23),
    (2026, 3, 9),
    (2026, 5, 1),
    (2026, 5, 11),
    (2026, 6, 12),
    (2026, 11, 4),
    (2026, 12, 31),
];

const RU_2027_STATUTORY: &[(i32, u32, u32)] = &[
    (2027, 1, 1),
    (2027, 1, 4),
    (2027, 1, 5),
    (2027, 1, 6),
    (2027, 1, 7),
    (2027, 1, 8),
    (2027, 2, 23),
    (2027, 3, 8),
    (2027, 5, 3),
    (2027, 5, 10),
    (2027, 6, 14),
    (2027, 11, 4),
];

/// Days off besides weekends, and weekend days that are working days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

/// A line of a holiday file that is not `YYYY-MM-DD` or `YYYY-MM-DD working`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {text:?} is not a date (YYYY-MM-DD, optionally followed by `working`)")]
pub struct CalendarLineError {
    pub line: usize,
    pub text: String,
}

impl HolidayCalendar {
    /// The Russian production calendar of 2026 and the statutory holidays of 2027 (see
    /// the module comment for the sources).
    pub fn russian() -> HolidayCalendar {
        let holidays = RU_2026_HOLIDAYS
            .iter()
            .chain(RU_2027_STATUTORY)
            .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
            .collect();
        HolidayCalendar {
            holidays,
            working_weekends: BTreeSet::new(),
        }
    }

    /// No holidays at all: only weekends are off.
    pub fn weekends_only() -> HolidayCalendar {
        HolidayCalendar::default()
    }

    /// Reads a holiday list: one date per line (`2026-01-09`), `2026-02-28 working` for
    /// a weekend day that is a working day; blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<HolidayCalendar, CalendarLineError> {
        let mut calendar = HolidayCalendar::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = || CalendarLineError {
                line: index + 1,
                text: raw.trim().to_string(),
            };
            let mut words = line.split_whitespace();
            let date = words
                .next()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(bad)?;
            match (words.next(), words.next()) {
                (None, _) => {
                    calendar.holidays.insert(date);
                }
                (Some("working"), None) => {
                    calendar.working_weekends.insert(date);
                }
                _ => return Err(bad()),
            }
        }
        Ok(calendar)
    }

    pub fn with_holiday(mut self, date: NaiveDate) -> HolidayCalendar {
        self.holidays.insert(date);
        self
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekends.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The day `count` working days after `from` (`from` itself is not counted).
    pub fn add_working_days(&self, from: NaiveDate, count: u32) -> NaiveDate {
        let mut day = from;
        let mut left = count;
        while left > 0 {
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// When an invoice issued on `issued_on` must be paid: 5 working days later.
    pub fn due_date(&self, issued_on: NaiveDate) -> NaiveDate {
        self.add_working_days(issued_on, PAYMENT_WORKING_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn five_working_days_skip_the_weekend() {
        let calendar = HolidayCalendar::weekends_only();
        // Thursday 1 October 2026 → Thu 8 October (Fri, Mon, Tue, Wed, Thu).
        assert_eq!(calendar.due_date(d(2026, 10, 1)), d(2026, 10, 8));
        // Issued on a Sunday: Monday is the first working day.
        assert_eq!(calendar.due_date(d(2026, 11, 1)), d(2026, 11, 6));
    }

    #[test]
    fn a_holiday_on_the_due_date_moves_it_to_the_next_working_day() {
        // Without holidays, 1 November 2026 (Sunday) is due Friday 6 November; with 4
        // November (Unity Day) off, the fifth working day is Monday 9 November.
        assert_eq!(
            HolidayCalendar::russian().due_date(d(2026, 11, 1)),
            d(2026, 11, 9)
        );
        let calendar = HolidayCalendar::weekends_only().with_holiday(d(2026, 10, 8));
        assert_eq!(calendar.due_date(d(2026, 10, 1)), d(2026, 10, 9));
    }

    #[test]
    fn the_new_year_holidays_are_skipped() {
        let calendar = HolidayCalendar::russian();
        // Issued on 1 January 2026 (Thursday): the days off run to 11 January, so the
        // fifth working day is Friday 16 January.
        assert_eq!(calendar.due_date(d(2026, 1, 1)), d(2026, 1, 16));
        assert_eq!(calendar.due_date(d(2026, 12, 1)), d(2026, 12, 8));
        // Issued on 1 January 2027: 11–15 January after the statutory 1–8 January.
        assert_eq!(calendar.due_date(d(2027, 1, 1)), d(2027, 1, 15));
        // Across the year end: Tue 29 and Wed 30 December, 31 December off, then the
        // first working days of 2027 (Mon 11 – Wed 13 January).
        assert_eq!(calendar.due_date(d(2026, 12, 28)), d(2027, 1, 13));
    }

    #[test]
    fn month_ends_and_leap_years() {
        let calendar = HolidayCalendar::weekends_only();
        // Tuesday 29 February 2028 (leap year) → Tuesday 7 March.
        assert_eq!(calendar.due_date(d(2028, 2, 29)), d(2028, 3, 7));
        // Tuesday 1 February 2028 → Tuesday 8 February; Thursday 1 March 2029 →
        // Thursday 8 March (no leap day in between).
        assert_eq!(calendar.due_date(d(2028, 2, 1)), d(2028, 2, 8));
        assert_eq!(calendar.due_date(d(2028, 2, 25)), d(2028, 3, 3));
        assert_eq!(calendar.due_date(d(2029, 2, 26)), d(2029, 3, 5));
    }

    #[test]
    fn a_working_weekend_day_counts_and_the_file_format_reads() {
        let calendar = HolidayCalendar::parse(
            "# the 2026 test list\n2026-10-05\n\n2026-10-03 working # a Saturday\n",
        )
        .expect("parses");
        assert!(!calendar.is_working_day(d(2026, 10, 5)));
        assert!(calendar.is_working_day(d(2026, 10, 3)));
        // Thu 1 Oct: Fri 2, Sat 3 (working), Tue 6, Wed 7, Thu 8 (Mon 5 off).
        assert_eq!(calendar.due_date(d(2026, 10, 1)), d(2026, 10, 8));
        let refused = HolidayCalendar::parse("2026-10-05\n05.10.2026\n").expect_err("refused");
        assert_eq!(refused.line, 2);
        assert!(HolidayCalendar::parse("2026-10-05 sometimes").is_err());
    }
}
