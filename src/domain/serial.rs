//! Device serial numbers and the pasted/imported serial-list format (docs/DESIGN.md §3.2).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Exactly 16 decimal digits. Constructed only through [`Serial::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(String);

pub const SERIAL_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    #[error("serial number is empty")]
    Empty,
    #[error("serial number must have 16 digits, got {0}")]
    WrongLength(usize),
    #[error("serial number may contain only digits 0-9")]
    NotDigits,
}

impl Serial {
    pub fn parse(input: &str) -> Result<Serial, SerialError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(SerialError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(SerialError::NotDigits);
        }
        let len = s.chars().count();
        if len != SERIAL_LEN {
            return Err(SerialError::WrongLength(len));
        }
        Ok(Serial(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Serial {
    type Error = SerialError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Serial::parse(&value)
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.0
    }
}

/// A token of a serial list that is not a serial, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialListError {
    pub line: usize,
    pub token: String,
    pub reason: SerialError,
}

/// A parsed serial list: the serials in input order (with their line numbers) and the
/// format errors. Duplicates are kept here; the precheck reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SerialList {
    pub serials: Vec<(usize, Serial)>,
    pub errors: Vec<SerialListError>,
    /// Every token, good or bad, in input order: what a precheck sends, so the portal
    /// reports bad ones as `format_error` rows in their place.
    pub tokens: Vec<(usize, String)>,
}

/// Parses pasted or imported text. Separators are newlines, commas, semicolons, tabs
/// and spaces; empty lines and lines starting with `#` are skipped; every other token
/// that is not 16 digits is a format error reported with its line number.
pub fn parse_serial_list(text: &str) -> SerialList {
    let mut list = SerialList::default();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        for token in trimmed.split([',', ';', '\t', ' ']) {
            // Also tolerate a stray \r or non-breaking space copied from a spreadsheet.
            let token = token.trim_matches(|c: char| c.is_whitespace());
            if token.is_empty() {
                continue;
            }
            list.tokens.push((line_no, token.to_string()));
            match Serial::parse(token) {
                Ok(serial) => list.serials.push((line_no, serial)),
                Err(reason) => list.errors.push(SerialListError {
                    line: line_no,
                    token: token.to_string(),
                    reason,
                }),
            }
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_sixteen_digits() {
        assert_eq!(
            Serial::parse("0239110138900130").map(|s| s.to_string()),
            Ok("0239110138900130".into())
        );
        assert_eq!(
            Serial::parse(" 0239110138900130 ").map(|s| s.to_string()),
            Ok("0239110138900130".into())
        );
        assert_eq!(
            Serial::parse("023911013890013"),
            Err(SerialError::WrongLength(15))
        );
        assert_eq!(
            Serial::parse("02391101389001301"),
            Err(SerialError::WrongLength(17))
        );
        assert_eq!(
            Serial::parse("02391101389001A0"),
            Err(SerialError::NotDigits)
        );
        assert_eq!(
            Serial::parse("０２３９１１０１３８９００１３０"),
            Err(SerialError::NotDigits)
        );
        assert_eq!(Serial::parse(""), Err(SerialError::Empty));
    }

    #[test]
    fn serde_rejects_bad_serials() {
        assert!(serde_json::from_str::<Serial>("\"0239110138900130\"").is_ok());
        assert!(serde_json::from_str::<Serial>("\"12345\"").is_err());
    }

    #[test]
    fn list_separators_comments_and_line_numbers() {
        let text = "# serials for December\n0239110138900130, 0408420138900124\n\n1007512879004126;12345\n\tabc 0239110138900130\r\n";
        let list = parse_serial_list(text);
        let serials: Vec<(usize, &str)> =
            list.serials.iter().map(|(l, s)| (*l, s.as_str())).collect();
        assert_eq!(
            serials,
            vec![
                (2, "0239110138900130"),
                (2, "0408420138900124"),
                (4, "1007512879004126"),
                (5, "0239110138900130"),
            ]
        );
        assert_eq!(list.errors.len(), 2);
        let tokens: Vec<&str> = list.tokens.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            tokens[3..5],
            ["12345", "abc"],
            "bad tokens keep their place"
        );
        assert_eq!(list.tokens.len(), 6);
        assert_eq!(
            (list.errors[0].line, list.errors[0].token.as_str()),
            (4, "12345")
        );
        assert_eq!(
            (list.errors[1].line, list.errors[1].token.as_str()),
            (5, "abc")
        );
    }
}
