//! Monthly invoices (docs/DESIGN.md §3.11): the billing period, invoice numbers,
//! statuses, and which months a run must still issue.
//!
//! An invoice covers one organization's activations completed in one calendar month
//! (UTC) and is issued at the start of the next month. Its number is derived from the
//! period and the organization (`202610-00001`), so every portal that issues it
//! computes the same number and the store's unique key makes it exist once.

use super::Lang;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar month, the period an invoice bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    /// 1–12.
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        (1..=12).contains(&month).then_some(Period { year, month })
    }

    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The last day of the month (28, 29, 30 or 31).
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// «октябрь 2026» / «October 2026».
    pub fn label(self, lang: Lang) -> String {
        const RU: [&str; 12] = [
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let names = match lang {
            Lang::Ru => RU,
            Lang::En => EN,
        };
        let index = (self.month as usize).saturating_sub(1).min(11);
        format!("{} {}", names[index], self.year)
    }
}

impl fmt::Display for Period {
    /// `2026-10`, as the API and the store write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || format!("{s:?} is not a period (YYYY-MM)");
        let (year, month) = s.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Period::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The months a run on `today` must issue, oldest first: every month after the last
/// one issued up to the month before `today`'s (a portal that was down catches up);
/// with none issued yet, only the month before (invoicing starts with this feature,
/// not with the store's history).
pub fn periods_to_issue(last_issued: Option<Period>, today: NaiveDate) -> Vec<Period> {
    let due = Period::of(today).previous();
    let mut next = match last_issued {
        None => due,
        Some(last) => last.next(),
    };
    let mut periods = Vec::new();
    while next <= due {
        periods.push(next);
        next = next.next();
    }
    periods
}

/// An invoice number: the period and the organization, `202610-00001`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InvoiceNumber(String);

impl InvoiceNumber {
    pub fn of(period: Period, organization: i64) -> InvoiceNumber {
        InvoiceNumber(format!(
            "{:04}{:02}-{organization:05}",
            period.year, period.month
        ))
    }

    /// Reads a number as a user or a URL gives it (surrounding spaces dropped).
    pub fn parse(text: &str) -> Result<InvoiceNumber, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "{:?} is not an invoice number (YYYYMM-NNNNN, e.g. 202610-00001)",
                text.chars().take(40).collect::<String>()
            )
        };
        let (period, organization) = text.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if period.len() != 6
            || !digits(period)
            || organization.len() < 5
            || organization.len() > 12
            || !digits(organization)
        {
            return Err(bad());
        }
        let year: i32 = period[..4].parse().map_err(|_| bad())?;
        let month: u32 = period[4..].parse().map_err(|_| bad())?;
        let period = Period::new(year, month).ok_or_else(bad)?;
        let organization: i64 = organization.parse().map_err(|_| bad())?;
        Ok(InvoiceNumber::of(period, organization))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvoiceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Issued, not paid, not past its due date.
    Issued,
    /// Not paid after its due date: the organization is blocked.
    Overdue,
    Paid,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 3] = [
        InvoiceStatus::Issued,
        InvoiceStatus::Overdue,
        InvoiceStatus::Paid,
    ];

    pub fn as_api(self) -> &'static str {
        match self {
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::Overdue => "overdue",
            InvoiceStatus::Paid => "paid",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (InvoiceStatus::Issued, Lang::Ru) => "Выставлен",
            (InvoiceStatus::Overdue, Lang::Ru) => "Просрочен",
            (InvoiceStatus::Paid, Lang::Ru) => "Оплачен",
            (InvoiceStatus::Issued, Lang::En) => "Issued",
            (InvoiceStatus::Overdue, Lang::En) => "Overdue",
            (InvoiceStatus::Paid, Lang::En) => "Paid",
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api())
    }
}

impl FromStr for InvoiceStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InvoiceStatus::ALL
            .into_iter()
            .find(|st| st.as_api() == s)
            .ok_or_else(|| {
                format!("unknown invoice status {s:?}: expected issued, overdue or paid")
            })
    }
}

/// An unpaid invoice is overdue from the day after its due date.
pub fn is_overdue(due_on: NaiveDate, today: NaiveDate) -> bool {
    today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).expect("period")
    }

    #[test]
    fn the_period_is_the_previous_month_across_year_ends_and_leap_years() {
        assert_eq!(Period::of(d(2027, 1, 1)).previous(), p(2026, 12));
        assert_eq!(p(2026, 12).next(), p(2027, 1));
        assert_eq!(p(2028, 2).last_day(), d(2028, 2, 29));
        assert_eq!(p(2027, 2).last_day(), d(2027, 2, 28));
        assert_eq!(p(2026, 12).last_day(), d(2026, 12, 31));
        assert_eq!(p(2026, 4).last_day(), d(2026, 4, 30));
        assert_eq!("2028-02".parse::<Period>(), Ok(p(2028, 2)));
        assert!("2028-13".parse::<Period>().is_err());
        assert!("2028-2".parse::<Period>().is_err());
        assert_eq!(p(2026, 10).label(Lang::Ru), "октябрь 2026");
        assert_eq!(p(2026, 10).to_string(), "2026-10");
    }

    #[test]
    fn a_run_issues_the_previous_month_once_and_catches_up_after_downtime() {
        // First run ever: only the month before.
        assert_eq!(periods_to_issue(None, d(2026, 12, 1)), vec![p(2026, 11)]);
        // Already issued: nothing, all month long.
        assert!(periods_to_issue(Some(p(2026, 11)), d(2026, 12, 31)).is_empty());
        // Down on the 1st, started on the 3rd: the previous month now.
        assert_eq!(
            periods_to_issue(Some(p(2026, 10)), d(2026, 12, 3)),
            vec![p(2026, 11)]
        );
        // Down for three months across the year end: each missing month, oldest first.
        assert_eq!(
            periods_to_issue(Some(p(2026, 10)), d(2027, 2, 14)),
            vec![p(2026, 11), p(2026, 12), p(2027, 1)]
        );
    }

    #[test]
    fn numbers_name_the_period_and_the_organization() {
        let number = InvoiceNumber::of(p(2026, 10), 1);
        assert_eq!(number.as_str(), "202610-00001");
        assert_eq!(InvoiceNumber::parse(" 202610-00001 "), Ok(number));
        assert_eq!(
            InvoiceNumber::of(p(2028, 2), 1_234_567).as_str(),
            "202802-1234567"
        );
        for bad in [
            "",
            "202610",
            "202613-00001",
            "2026-10-00001",
            "202610-1",
            "20261a-00001",
        ] {
            assert!(InvoiceNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overdue_starts_the_day_after_the_due_date() {
        assert!(!is_overdue(d(2026, 11, 9), d(2026, 11, 9)));
        assert!(is_overdue(d(2026, 11, 9), d(2026, 11, 10)));
        for status in InvoiceStatus::ALL {
            assert_eq!(status.as_api().parse::<InvoiceStatus>(), Ok(status));
        }
    }
}
