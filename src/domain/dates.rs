//! Subscription dates: the 12-month extension rule and how close an end date is.

use chrono::{Months, NaiveDate};

/// Length of one subscription ("подписка на 12 месяцев").
pub const SUBSCRIPTION_MONTHS: u32 = 12;

/// The end of a new subscription: 12 months after the later of the current end and
/// today, so an unexpired subscription is extended, not shortened. A month end that
/// does not exist in the target month clamps to its last day (29.02.2028 → 28.02.2029).
pub fn new_until(current_until: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    let start = match current_until {
        Some(current) if current > today => current,
        _ => today,
    };
    start
        .checked_add_months(Months::new(SUBSCRIPTION_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// `09.12.2028`, as the vendor documents show dates.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// How much time a current subscription has left; the console colors by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionUrgency {
    /// Never licensed.
    None,
    Expired,
    Under30Days,
    Under90Days,
    Later,
}

pub fn urgency(current_until: Option<NaiveDate>, today: NaiveDate) -> SubscriptionUrgency {
    let Some(until) = current_until else {
        return SubscriptionUrgency::None;
    };
    let days_left = (until - today).num_days();
    if days_left < 0 {
        SubscriptionUrgency::Expired
    } else if days_left < 30 {
        SubscriptionUrgency::Under30Days
    } else if days_left < 90 {
        SubscriptionUrgency::Under90Days
    } else {
        SubscriptionUrgency::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn extends_from_the_later_of_current_and_today() {
        // The seed's example: current 09.12.2027 → new 09.12.2028.
        assert_eq!(
            new_until(Some(d(2027, 12, 9)), d(2026, 11, 24)),
            d(2028, 12, 9)
        );
        // Expired subscription starts from today.
        assert_eq!(
            new_until(Some(d(2025, 1, 1)), d(2026, 11, 24)),
            d(2027, 11, 24)
        );
        // Never licensed starts from today.
        assert_eq!(new_until(None, d(2026, 11, 24)), d(2027, 11, 24));
        // Ending today counts as today.
        assert_eq!(
            new_until(Some(d(2026, 11, 24)), d(2026, 11, 24)),
            d(2027, 11, 24)
        );
    }

    #[test]
    fn month_ends_and_leap_years() {
        assert_eq!(new_until(None, d(2028, 2, 29)), d(2029, 2, 28));
        assert_eq!(
            new_until(Some(d(2028, 2, 29)), d(2027, 1, 1)),
            d(2029, 2, 28)
        );
        assert_eq!(new_until(None, d(2027, 2, 28)), d(2028, 2, 28));
        assert_eq!(new_until(None, d(2026, 12, 31)), d(2027, 12, 31));
        assert_eq!(new_until(None, d(2026, 1, 31)), d(2027, 1, 31));
        assert_eq!(new_until(None, d(2023, 3, 1)), d(2024, 3, 1));
    }

    #[test]
    fn formats_dd_mm_yyyy() {
        assert_eq!(format_date(d(2028, 12, 9)), "09.12.2028");
    }

    #[test]
    fn urgency_bands() {
        let today = d(2026, 11, 24);
        assert_eq!(urgency(None, today), SubscriptionUrgency::None);
        assert_eq!(
            urgency(Some(d(2026, 11, 23)), today),
            SubscriptionUrgency::Expired
        );
        assert_eq!(
            urgency(Some(today), today),
            SubscriptionUrgency::Under30Days
        );
        assert_eq!(
            urgency(Some(d(2026, 12, 23)), today),
            SubscriptionUrgency::Under30Days
        );
        assert_eq!(
            urgency(Some(d(2026, 12, 24)), today),
            SubscriptionUrgency::Under90Days
        );
        assert_eq!(
            urgency(Some(d(2027, 2, 22)), today),
            SubscriptionUrgency::Later
        );
    }
}
