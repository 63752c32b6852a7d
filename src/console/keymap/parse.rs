//! Key names as the config file writes them: `a`, `G`, `?`, `Ctrl+N`, `F5`, `Enter`,
//! `Esc`, `Up`, `PgDn`, `Space`, `Tab`, `Shift+Tab`… Named keys are case-insensitive;
//! a single character is taken as typed (`g` and `G` are different keys). Every label
//! the help shows (`↑`, `PgDn`, `Ctrl+N`) parses back to its key.

use super::Key;

/// Why a key name was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNameError {
    Empty,
    /// Not a character and not a key name we know.
    Unknown,
    /// `Ctrl+` takes one letter (terminals send nothing else reliably).
    CtrlLetter,
    /// Ctrl+C always quits; it cannot be given to an action.
    CtrlC,
    /// Alt chords are not delivered the same way by every terminal.
    Alt,
}

/// Named keys, lower case (aliases included).
const NAMED: &[(&str, Key)] = &[
    ("enter", Key::Enter),
    ("return", Key::Enter),
    ("esc", Key::Esc),
    ("escape", Key::Esc),
    ("up", Key::Up),
    ("down", Key::Down),
    ("left", Key::Left),
    ("right", Key::Right),
    ("pgup", Key::PageUp),
    ("pageup", Key::PageUp),
    ("pgdn", Key::PageDown),
    ("pgdown", Key::PageDown),
    ("pagedown", Key::PageDown),
    ("home", Key::Home),
    ("end", Key::End),
    ("del", Key::Delete),
    ("delete", Key::Delete),
    ("tab", Key::Tab),
    ("backtab", Key::BackTab),
    ("shift+tab", Key::BackTab),
    ("shift+up", Key::ShiftUp),
    ("shift+down", Key::ShiftDown),
    ("shift+↑", Key::ShiftUp),
    ("shift+↓", Key::ShiftDown),
    ("space", Key::Char(' ')),
    ("↑", Key::Up),
    ("↓", Key::Down),
    ("←", Key::Left),
    ("→", Key::Right),
];

impl Key {
    /// Parses a key name from the config file.
    pub fn parse(text: &str) -> Result<Key, KeyNameError> {
        // A lone space is the space bar, not an empty name.
        if text == " " {
            return Ok(Key::Char(' '));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyNameError::Empty);
        }
        let lower = text.to_lowercase();
        if let Some((_, key)) = NAMED.iter().find(|(name, _)| *name == lower) {
            return Ok(*key);
        }
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_control() || c.is_whitespace() {
                return Err(KeyNameError::Unknown);
            }
            return Ok(Key::Char(c));
        }
        if let Some(rest) = lower.strip_prefix("ctrl+") {
            return match one_ascii_letter(rest) {
                Some('c') => Err(KeyNameError::CtrlC),
                Some(c) => Ok(Key::Ctrl(c)),
                None => Err(KeyNameError::CtrlLetter),
            };
        }
        if let Some(rest) = lower.strip_prefix("shift+") {
            // `Shift+g` is what arrives as `G`.
            return one_ascii_letter(rest)
                .map(|c| Key::Char(c.to_ascii_uppercase()))
                .ok_or(KeyNameError::Unknown);
        }
        if lower.starts_with("alt+") || lower.starts_with("meta+") {
            return Err(KeyNameError::Alt);
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
            && (1..=12).contains(&n)
        {
            return Ok(Key::F(n));
        }
        Err(KeyNameError::Unknown)
    }
}

fn one_ascii_letter(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_characters_names_chords_and_function_keys() {
        let cases = [
            ("a", Key::Char('a')),
            ("G", Key::Char('G')),
            ("?", Key::Char('?')),
            ("+", Key::Char('+')),
            (":", Key::Char(':')),
            ("ж", Key::Char('ж')),
            ("Ctrl+N", Key::Ctrl('n')),
            ("ctrl+n", Key::Ctrl('n')),
            ("F5", Key::F(5)),
            ("f12", Key::F(12)),
            ("Enter", Key::Enter),
            ("ESC", Key::Esc),
            ("Up", Key::Up),
            ("PgDn", Key::PageDown),
            ("PageUp", Key::PageUp),
            ("Space", Key::Char(' ')),
            (" ", Key::Char(' ')),
            ("Tab", Key::Tab),
            ("Shift+Tab", Key::BackTab),
            ("Shift+g", Key::Char('G')),
            ("Del", Key::Delete),
            (" Home ", Key::Home),
        ];
        for (text, key) in cases {
            assert_eq!(Key::parse(text), Ok(key), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_key() {
        let cases = [
            ("", KeyNameError::Empty),
            ("F13", KeyNameError::Unknown),
            ("F0", KeyNameError::Unknown),
            ("Fx", KeyNameError::Unknown),
            ("PageMiddle", KeyNameError::Unknown),
            ("ab", KeyNameError::Unknown),
            ("\t", KeyNameError::Empty),
            ("Ctrl+1", KeyNameError::CtrlLetter),
            ("Ctrl+", KeyNameError::CtrlLetter),
            ("Ctrl+C", KeyNameError::CtrlC),
            ("Alt+x", KeyNameError::Alt),
        ];
        for (text, error) in cases {
            assert_eq!(Key::parse(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn every_label_parses_back_to_its_key() {
        let keys = [
            Key::Char('j'),
            Key::Char('G'),
            Key::Char(' '),
            Key::Char(']'),
            Key::Up,
            Key::Down,
            Key::Left,
            Key::Right,
            Key::PageUp,
            Key::PageDown,
            Key::Home,
            Key::End,
            Key::Enter,
            Key::Esc,
            Key::Delete,
            Key::Tab,
            Key::BackTab,
            Key::ShiftUp,
            Key::ShiftDown,
            Key::Ctrl('p'),
            Key::F(1),
            Key::F(12),
        ];
        for key in keys {
            assert_eq!(Key::parse(&key.label()), Ok(key), "{}", key.label());
        }
    }
}
