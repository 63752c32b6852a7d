//! Key bindings as data. Each screen declares its bindings once (a `&[Binding<Action>]`)
//! and that single declaration drives key dispatch in `update`, the key-hint line and
//! the `?` help overlay, so the three can never disagree.

use super::i18n::Tr;
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as the user presses it, independent of crossterm's event details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Delete,
    Tab,
    /// Shift+Tab.
    BackTab,
    /// Ctrl plus a letter (for screens where plain letters type text).
    Ctrl(char),
    /// A function key, F1…F12.
    F(u8),
    /// Shift+↑ / Shift+↓ (moving an item rather than the selection).
    ShiftUp,
    ShiftDown,
}

impl Key {
    /// The key as shown in hints and help.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::Left => "←".into(),
            Key::Right => "→".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Delete => "Del".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "Shift+Tab".into(),
            Key::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            Key::F(n) => format!("F{n}"),
            Key::ShiftUp => "Shift+↑".into(),
            Key::ShiftDown => "Shift+↓".into(),
        }
    }

    /// Whether a crossterm key event is this key. Shift is allowed for characters
    /// (`G`, `?`, `<` arrive with SHIFT on many terminals); Ctrl/Alt chords are not ours.
    pub fn matches(self, event: &KeyEvent) -> bool {
        if event.kind == KeyEventKind::Release {
            return false;
        }
        if let Key::Ctrl(want) = self {
            return event.modifiers.contains(KeyModifiers::CONTROL)
                && !event.modifiers.contains(KeyModifiers::ALT)
                && matches!(event.code, KeyCode::Char(got) if got.eq_ignore_ascii_case(&want));
        }
        if self == Key::BackTab {
            return event.code == KeyCode::BackTab;
        }
        if let Key::ShiftUp | Key::ShiftDown = self {
            let arrow = if self == Key::ShiftUp {
                KeyCode::Up
            } else {
                KeyCode::Down
            };
            return event.code == arrow && event.modifiers == KeyModifiers::SHIFT;
        }
        if event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        match (self, event.code) {
            (Key::Char(want), KeyCode::Char(got)) => want == got,
            (Key::Up, KeyCode::Up)
            | (Key::Down, KeyCode::Down)
            | (Key::Left, KeyCode::Left)
            | (Key::Right, KeyCode::Right)
            | (Key::PageUp, KeyCode::PageUp)
            | (Key::PageDown, KeyCode::PageDown)
            | (Key::Home, KeyCode::Home)
            | (Key::End, KeyCode::End)
            | (Key::Enter, KeyCode::Enter)
            | (Key::Esc, KeyCode::Esc)
            | (Key::Delete, KeyCode::Delete)
            | (Key::Tab, KeyCode::Tab) => true,
            (Key::F(want), KeyCode::F(got)) => want == got,
            _ => false,
        }
    }
}

/// One action of a screen: the keys that trigger it, what it does (for help), and an
/// optional short label for the key-hint line.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    pub action: A,
    pub help: Tr,
    pub hint: Option<Tr>,
}

/// Shorthand for the screens' binding tables.
pub const fn bind<A>(keys: &'static [Key], action: A, help: Tr, hint: Option<Tr>) -> Binding<A> {
    Binding {
        keys,
        action,
        help,
        hint,
    }
}

impl<A> Binding<A> {
    /// All keys joined for display: `j ↓`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The action bound to `event`, if any.
pub fn lookup<A: Copy>(bindings: &[Binding<A>], event: &KeyEvent) -> Option<A> {
    bindings
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}

/// Help entries: (keys, description) for every binding, in declaration order.
pub fn help_entries<A>(bindings: &[Binding<A>], lang: Lang) -> Vec<(String, &'static str)> {
    bindings
        .iter()
        .map(|b| (b.keys_label(), b.help.get(lang)))
        .collect()
}

/// Hint-line entries: (first key, short label) for bindings that have a hint.
pub fn hint_entries<A>(bindings: &[Binding<A>], lang: Lang) -> Vec<(String, &'static str)> {
    bindings
        .iter()
        .filter_map(|b| {
            let hint = b.hint?;
            let key = b.keys.first()?;
            Some((key.label(), hint.get(lang)))
        })
        .collect()
}

/// Ctrl+C quits from anywhere, even while typing into an input.
pub fn is_interrupt(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
        && event.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(event.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

/// Whether an event should be processed at all (Windows reports releases too).
pub fn is_press(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum A {
        Down,
        Top,
    }

    const B: &[Binding<A>] = &[
        Binding {
            keys: &[Key::Char('j'), Key::Down],
            action: A::Down,
            help: Tr::new("вниз", "down"),
            hint: None,
        },
        Binding {
            keys: &[Key::Char('G')],
            action: A::Top,
            help: Tr::new("к концу", "to end"),
            hint: Some(Tr::new("конец", "end")),
        },
    ];

    #[test]
    fn lookup_matches_any_declared_key_and_shifted_chars() {
        let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(lookup(B, &down), Some(A::Down));
        assert_eq!(lookup(B, &j), Some(A::Down));
        assert_eq!(lookup(B, &shift_g), Some(A::Top));
        assert_eq!(lookup(B, &ctrl_j), None);
        assert_eq!(help_entries(B, Lang::Ru)[0], ("j ↓".to_string(), "вниз"));
        assert_eq!(hint_entries(B, Lang::En), vec![("G".to_string(), "end")]);
    }
}
