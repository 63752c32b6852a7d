//! Text from outside that is stored, signed or shown (issue 15, item 4).
//!
//! [`check`]: what a client sends the portal to store or sign must be printable — no
//! control characters (C0, DEL, C1: a newline forges a line of a signed license, an
//! escape sequence acts on the terminal that later shows it) and no invisible
//! direction or format characters (they make a serial read as another) — and bounded.
//!
//! [`inert`]: what the console and the CLI write to a terminal, with any such character
//! replaced, for data stored before the check existed (or by another way in).

use std::borrow::Cow;

/// Characters that must not be stored or signed, nor reach a terminal.
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // zero-width and direction marks, bidi embeddings/overrides/isolates, BOM
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' | '\u{2028}' | '\u{2029}')
}

/// Why a text field was refused; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error(
        "{field} contains a control or invisible character (U+{code:04X}); send printable text only"
    )]
    Hostile { field: String, code: u32 },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: String, max: usize },
}

/// `value` is printable and at most `max` characters, else why not (naming `field`).
pub fn check(field: &str, value: &str, max: usize) -> Result<(), TextError> {
    if let Some(c) = value.chars().find(|c| is_hostile(*c)) {
        return Err(TextError::Hostile {
            field: field.to_string(),
            code: u32::from(c),
        });
    }
    if value.chars().count() > max {
        return Err(TextError::TooLong {
            field: field.to_string(),
            max,
        });
    }
    Ok(())
}

/// `text` safe to write to a terminal: every hostile character becomes `?` (one column,
/// readable in any locale), so an escape sequence shows as text instead of acting.
pub fn inert(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_hostile) {
        Cow::Owned(
            text.chars()
                .map(|c| if is_hostile(c) { '?' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_text_passes_and_hostile_text_is_refused_or_made_inert() {
        assert_eq!(check("serial", "SRV-1 Ёлка №5", 64), Ok(()));
        for bad in [
            "SRV-1\nseats: 999999",
            "\u{1b}]52;c;ZXZpbA==\u{7}",
            "a\u{9b}b",
            "a\u{202e}b",
        ] {
            assert!(
                matches!(check("serial", bad, 64), Err(TextError::Hostile { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            check("hash", &"x".repeat(65), 64),
            Err(TextError::TooLong { max: 64, .. })
        ));
        assert_eq!(inert("plain"), Cow::Borrowed("plain"));
        assert_eq!(inert("\u{1b}]52;c;x\u{7}"), "?]52;c;x?");
    }
}
