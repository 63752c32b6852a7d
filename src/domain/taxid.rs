//! Russian tax identifiers with their official checks: INN (10 digits for a legal
//! entity, 12 for an individual entrepreneur), KPP (9 characters) and OGRN/OGRNIP.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxIdError {
    #[error("{kind} must contain only digits")]
    NotDigits { kind: &'static str },
    #[error("{kind} must have {expected} digits, got {got}")]
    WrongLength {
        kind: &'static str,
        expected: &'static str,
        got: usize,
    },
    #[error("{kind} check digit does not match: the number is mistyped")]
    CheckDigit { kind: &'static str },
    #[error("KPP must be 9 characters: 4 digits, 2 digits or capital letters A-Z, 3 digits")]
    KppFormat,
}

fn digits(s: &str, kind: &'static str) -> Result<Vec<u32>, TaxIdError> {
    s.chars()
        .map(|c| c.to_digit(10).ok_or(TaxIdError::NotDigits { kind }))
        .collect()
}

/// Weighted sum mod 11 mod 10, the rule behind every INN check digit.
fn inn_check(d: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = d.iter().zip(weights).map(|(a, b)| a * b).sum();
    sum % 11 % 10
}

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// A taxpayer number whose check digits are right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Inn(String);

impl Inn {
    pub fn parse(input: &str) -> Result<Inn, TaxIdError> {
        let s = input.trim();
        let d = digits(s, "INN")?;
        let ok = match d.len() {
            10 => inn_check(&d[..9], &INN10_WEIGHTS) == d[9],
            12 => {
                inn_check(&d[..10], &INN12_WEIGHTS_11) == d[10]
                    && inn_check(&d[..11], &INN12_WEIGHTS_12) == d[11]
            }
            n => {
                return Err(TaxIdError::WrongLength {
                    kind: "INN",
                    expected: "10 (legal entity) or 12 (entrepreneur)",
                    got: n,
                });
            }
        };
        if ok {
            Ok(Inn(s.to_string()))
        } else {
            Err(TaxIdError::CheckDigit { kind: "INN" })
        }
    }

    /// A legal entity (10 digits) has a KPP; an entrepreneur (12 digits) does not.
    pub fn is_legal_entity(&self) -> bool {
        self.0.len() == 10
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Completes the first 9 (legal entity) or 10 (entrepreneur) digits with the right
    /// check digits. Used to make valid demo data, and handy in tests.
    pub fn with_check_digits(prefix: &str) -> Result<Inn, TaxIdError> {
        let mut d = digits(prefix, "INN")?;
        match d.len() {
            9 => d.push(inn_check(&d, &INN10_WEIGHTS)),
            10 => {
                d.push(inn_check(&d, &INN12_WEIGHTS_11));
                d.push(inn_check(&d, &INN12_WEIGHTS_12));
            }
            n => {
                return Err(TaxIdError::WrongLength {
                    kind: "INN prefix",
                    expected: "9 or 10",
                    got: n,
                });
            }
        }
        Ok(Inn(d
            .iter()
            .map(|x| char::from_digit(*x, 10).unwrap_or('0'))
            .collect()))
    }
}

impl fmt::Display for Inn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Inn {
    type Error = TaxIdError;
    fn try_from(v: String) -> Result<Self, Self::Error> {
        Inn::parse(&v)
    }
}

impl From<Inn> for String {
    fn from(v: Inn) -> String {
        v.0
    }
}

/// Tax registration reason code: `NNNNPPXXX` where PP may be capital Latin letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kpp(String);

impl Kpp {
    pub fn parse(input: &str) -> Result<Kpp, TaxIdError> {
        let s = input.trim();
        let chars: Vec<char> = s.chars().collect();
        let ok = chars.len() == 9
            && chars[..4].iter().all(char::is_ascii_digit)
            && chars[4..6]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
            && chars[6..].iter().all(char::is_ascii_digit);
        if ok {
            Ok(Kpp(s.to_string()))
        } else {
            Err(TaxIdError::KppFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kpp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Kpp {
    type Error = TaxIdError;
    fn try_from(v: String) -> Result<Self, Self::Error> {
        Kpp::parse(&v)
    }
}

impl From<Kpp> for String {
    fn from(v: Kpp) -> String {
        v.0
    }
}

/// Primary state registration number: 13 digits (OGRN) or 15 (OGRNIP).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ogrn(String);

impl Ogrn {
    pub fn parse(input: &str) -> Result<Ogrn, TaxIdError> {
        let s = input.trim();
        let d = digits(s, "OGRN")?;
        let (body_len, modulus) = match d.len() {
            13 => (12, 11u64),
            15 => (14, 13u64),
            n => {
                return Err(TaxIdError::WrongLength {
                    kind: "OGRN",
                    expected: "13 (OGRN) or 15 (OGRNIP)",
                    got: n,
                });
            }
        };
        let body = d[..body_len]
            .iter()
            .fold(0u64, |acc, x| acc * 10 + u64::from(*x));
        if (body % modulus % 10) as u32 == d[body_len] {
            Ok(Ogrn(s.to_string()))
        } else {
            Err(TaxIdError::CheckDigit { kind: "OGRN" })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_inns_are_valid() {
        assert!(Inn::parse("7842175621").is_ok());
        assert!(Inn::parse("7743058902").is_ok());
        assert!(
            Inn::parse("7842175621")
                .map(|i| i.is_legal_entity())
                .unwrap_or(false)
        );
    }

    #[test]
    fn inn_errors_name_the_problem() {
        assert_eq!(
            Inn::parse("7842175622"),
            Err(TaxIdError::CheckDigit { kind: "INN" })
        );
        assert_eq!(
            Inn::parse("7743058901"),
            Err(TaxIdError::CheckDigit { kind: "INN" })
        );
        assert!(matches!(
            Inn::parse("78421756"),
            Err(TaxIdError::WrongLength { got: 8, .. })
        ));
        assert_eq!(
            Inn::parse("78421756X1"),
            Err(TaxIdError::NotDigits { kind: "INN" })
        );
    }

    #[test]
    fn twelve_digit_inn() {
        // A well-known valid entrepreneur INN.
        assert!(Inn::parse("500100732259").is_ok());
        assert_eq!(
            Inn::parse("500100732258"),
            Err(TaxIdError::CheckDigit { kind: "INN" })
        );
        assert_eq!(
            Inn::parse("500100732249"),
            Err(TaxIdError::CheckDigit { kind: "INN" })
        );
        let made = Inn::with_check_digits("7707083893").map(|i| i.to_string());
        assert_eq!(made.as_ref().map(String::len), Ok(12));
        assert!(Inn::parse(&made.unwrap_or_default()).is_ok());
        assert_eq!(
            Inn::with_check_digits("784217562").map(|i| i.to_string()),
            Ok("7842175621".into())
        );
    }

    #[test]
    fn kpp_format() {
        assert!(Kpp::parse("784201001").is_ok());
        assert!(Kpp::parse("7743AB001").is_ok());
        assert_eq!(Kpp::parse("78420100"), Err(TaxIdError::KppFormat));
        assert_eq!(Kpp::parse("7842ab001"), Err(TaxIdError::KppFormat));
        assert_eq!(Kpp::parse("784201X01"), Err(TaxIdError::KppFormat));
    }

    #[test]
    fn ogrn_and_ogrnip() {
        // The licensor and vendors named in the seed.
        assert!(Ogrn::parse("1187746057322").is_ok());
        assert!(Ogrn::parse("1067746394792").is_ok());
        assert!(Ogrn::parse("1137746317830").is_ok());
        assert_eq!(
            Ogrn::parse("1187746057323"),
            Err(TaxIdError::CheckDigit { kind: "OGRN" })
        );
        assert!(Ogrn::parse("304500116000157").is_ok());
        assert_eq!(
            Ogrn::parse("304500116000158"),
            Err(TaxIdError::CheckDigit { kind: "OGRN" })
        );
        assert!(matches!(
            Ogrn::parse("123"),
            Err(TaxIdError::WrongLength { .. })
        ));
    }
}
