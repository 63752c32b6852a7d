//! Product keys (docs/DESIGN.md §3.8): 24 hex digits in six groups,
//! `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`; input is case-insensitive, with or without dashes.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const KEY_HEX_DIGITS: usize = 24;

/// A well-formed key, kept in canonical form (upper case, dashes every 4 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProductKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductKeyError {
    #[error("the product key is empty")]
    Empty,
    #[error("character {ch:?} at position {position} is not a hex digit (0-9, A-F)")]
    NotHex { ch: char, position: usize },
    #[error("a product key has 24 hex digits, got {0}")]
    WrongLength(usize),
    #[error("dashes must separate groups of 4 digits: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")]
    MisplacedDash,
}

impl ProductKey {
    pub fn parse(input: &str) -> Result<ProductKey, ProductKeyError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ProductKeyError::Empty);
        }
        for (i, ch) in s.chars().enumerate() {
            if ch != '-' && !ch.is_ascii_hexdigit() {
                return Err(ProductKeyError::NotHex {
                    ch,
                    position: i + 1,
                });
            }
        }
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        if digits.len() != KEY_HEX_DIGITS {
            return Err(ProductKeyError::WrongLength(digits.len()));
        }
        if s.contains('-') {
            // With dashes, exactly the canonical grouping.
            let groups: Vec<&str> = s.split('-').collect();
            if groups.len() != 6 || groups.iter().any(|g| g.len() != 4) {
                return Err(ProductKeyError::MisplacedDash);
            }
        }
        let upper = digits.to_ascii_uppercase();
        let canonical = upper
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        Ok(ProductKey(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProductKey {
    type Error = ProductKeyError;
    fn try_from(v: String) -> Result<Self, Self::Error> {
        ProductKey::parse(&v)
    }
}

impl From<ProductKey> for String {
    fn from(k: ProductKey) -> String {
        k.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_example_and_spellings() {
        let canonical = Ok("DB49-A88A-D2D6-50D4-81F1-7B67".to_string());
        for input in [
            "DB49-A88A-D2D6-50D4-81F1-7B67",
            "db49-a88a-d2d6-50d4-81f1-7b67",
            "DB49A88AD2D650D481F17B67",
            " db49a88ad2d650d481f17b67 ",
        ] {
            assert_eq!(
                ProductKey::parse(input).map(String::from),
                canonical,
                "{input}"
            );
        }
    }

    #[test]
    fn clear_reasons() {
        assert_eq!(ProductKey::parse(""), Err(ProductKeyError::Empty));
        assert_eq!(
            ProductKey::parse("DB49-A88A-D2D6-50D4-81F1-7B6"),
            Err(ProductKeyError::WrongLength(23))
        );
        assert_eq!(
            ProductKey::parse("DB49A88AD2D650D481F17B6"),
            Err(ProductKeyError::WrongLength(23))
        );
        assert_eq!(
            ProductKey::parse("DB49-A88A-D2D6-50D4-81F1-7G67"),
            Err(ProductKeyError::NotHex {
                ch: 'G',
                position: 27
            })
        );
        assert_eq!(
            ProductKey::parse("DB49A-88A-D2D6-50D4-81F1-7B67"),
            Err(ProductKeyError::MisplacedDash)
        );
        assert_eq!(
            ProductKey::parse("DB49–A88A"),
            Err(ProductKeyError::NotHex {
                ch: '–',
                position: 5
            })
        );
    }
}
