//! Money: integer kopecks, shown as `2 900 ₽` (space-grouped rubles, kopecks only when
//! not whole).

use serde::{Deserialize, Serialize};
use std::ops::{Add, Mul};

/// An amount in kopecks (1/100 ruble). Integer so sums never drift.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Kopecks(pub i64);

impl Kopecks {
    pub const fn from_rubles(rubles: i64) -> Kopecks {
        Kopecks(rubles * 100)
    }
}

impl Add for Kopecks {
    type Output = Kopecks;
    fn add(self, rhs: Kopecks) -> Kopecks {
        Kopecks(self.0 + rhs.0)
    }
}

impl Mul<i64> for Kopecks {
    type Output = Kopecks;
    fn mul(self, rhs: i64) -> Kopecks {
        Kopecks(self.0 * rhs)
    }
}

impl std::iter::Sum for Kopecks {
    fn sum<I: Iterator<Item = Kopecks>>(iter: I) -> Kopecks {
        iter.fold(Kopecks(0), Add::add)
    }
}

/// Formats `amount` as `1 234 567 ₽` or `2 900,50 ₽`. With `ascii` the sign is `RUB`
/// for terminals that cannot show `₽`.
pub fn format_rub(amount: Kopecks, ascii: bool) -> String {
    let negative = amount.0 < 0;
    let abs = amount.0.unsigned_abs();
    let rubles = abs / 100;
    let kopecks = abs % 100;
    let digits = rubles.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 8);
    if negative {
        grouped.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    if kopecks != 0 {
        grouped.push_str(&format!(",{kopecks:02}"));
    }
    grouped.push_str(if ascii { " RUB" } else { " ₽" });
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_spaces() {
        assert_eq!(format_rub(Kopecks::from_rubles(2900), false), "2 900 ₽");
        assert_eq!(
            format_rub(Kopecks::from_rubles(1_234_567), false),
            "1 234 567 ₽"
        );
        assert_eq!(format_rub(Kopecks::from_rubles(900), false), "900 ₽");
        assert_eq!(format_rub(Kopecks::from_rubles(0), false), "0 ₽");
        assert_eq!(
            format_rub(Kopecks::from_rubles(100_000), false),
            "100 000 ₽"
        );
    }

    #[test]
    fn kopecks_and_ascii_and_sign() {
        assert_eq!(format_rub(Kopecks(290_050), false), "2 900,50 ₽");
        assert_eq!(format_rub(Kopecks(5), false), "0,05 ₽");
        assert_eq!(format_rub(Kopecks::from_rubles(3900), true), "3 900 RUB");
        assert_eq!(format_rub(Kopecks(-123_456_700), false), "-1 234 567 ₽");
    }

    #[test]
    fn arithmetic() {
        let total: Kopecks = [Kopecks::from_rubles(2900), Kopecks::from_rubles(3900)]
            .into_iter()
            .sum();
        assert_eq!(total, Kopecks::from_rubles(6800));
        assert_eq!(Kopecks::from_rubles(1900) * 3, Kopecks::from_rubles(5700));
    }
}
