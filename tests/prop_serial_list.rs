//! Property tests of the serial-list parser: any text yields serials and errors whose
//! line numbers point at the line that really holds the token — never a panic.
// Test code: a failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use licadm::domain::{Serial, parse_serial_list};
use proptest::prelude::*;

/// Lines made of serial-ish tokens, junk, separators, comments and blank lines.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{16}",
        "[0-9]{1,20}",
        "[0-9a-zA-Zа-я№ ]{0,24}",
        "# [^\n]{0,20}",
        Just(String::new()),
        "[ \t]{0,4}[0-9]{16}[,; \t]{1,3}[0-9]{16}[ \t]{0,3}",
        "[^\n]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_token_is_reported_on_its_own_line(lines in proptest::collection::vec(line(), 0..40), crlf in any::<bool>()) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        let list = parse_serial_list(&text);
        let source: Vec<&str> = text.lines().collect();
        for (line_no, serial) in &list.serials {
            prop_assert!(*line_no >= 1 && *line_no <= source.len());
            prop_assert!(source[line_no - 1].contains(serial.as_str()));
            prop_assert!(Serial::parse(serial.as_str()).is_ok());
        }
        for error in &list.errors {
            prop_assert!(error.line >= 1 && error.line <= source.len());
            prop_assert!(source[error.line - 1].contains(&error.token), "token {:?} not on line {}", error.token, error.line);
            prop_assert!(Serial::parse(&error.token).is_err());
            prop_assert!(!source[error.line - 1].trim_start().starts_with('#'), "comment lines are skipped");
        }
        // Nothing is invented or lost: every 16-digit token on a non-comment line is a serial.
        let expected: usize = source
            .iter()
            .filter(|l| !l.trim().starts_with('#'))
            .flat_map(|l| l.split([',', ';', '\t', ' ']))
            .map(|t| t.trim_matches(char::is_whitespace))
            .filter(|t| !t.is_empty())
            .count();
        prop_assert_eq!(list.serials.len() + list.errors.len(), expected);
    }

    #[test]
    fn valid_lists_parse_without_errors(serials in proptest::collection::vec("[0-9]{16}", 1..50), sep in prop_oneof![Just("\n"), Just(", "), Just(";"), Just("\t"), Just(" ")]) {
        let text = serials.join(sep);
        let list = parse_serial_list(&text);
        prop_assert!(list.errors.is_empty());
        let got: Vec<&str> = list.serials.iter().map(|(_, s)| s.as_str()).collect();
        prop_assert_eq!(got, serials.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
