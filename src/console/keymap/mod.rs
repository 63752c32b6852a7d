//! Key bindings as data. Each screen declares its bindings once (a `&[Binding<Action>]`)
//! and that single declaration drives key dispatch in `update`, the key-hint line and
//! the `?` help overlay, so the three can never disagree. The config file's `[keys]`
//! table overrides the defaults by action name (`build`); key names are parsed in
//! `parse`.

mod build;
mod parse;

pub use build::{KeyTable, KeymapError, KeymapProblem, TableEntry, table_entries};
pub use parse::KeyNameError;

use super::i18n::Tr;
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;

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

/// One action of a screen: its stable name (`screen.action`, what the config file's
/// `[keys]` table refers to), the keys that trigger it by default, what it does (for
/// help and the `:` palette), and an optional short label for the key-hint line.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A: 'static> {
    pub name: &'static str,
    pub keys: &'static [Key],
    pub action: A,
    pub help: Tr,
    pub hint: Option<Tr>,
}

/// Shorthand for the screens' binding tables.
pub const fn bind<A>(
    name: &'static str,
    keys: &'static [Key],
    action: A,
    help: Tr,
    hint: Option<Tr>,
) -> Binding<A> {
    Binding {
        name,
        keys,
        action,
        help,
        hint,
    }
}

/// The keys in force: the screens' declared defaults with the config file's overrides
/// on top. Built once at start (`Keymap::build`); every dispatch, hint line, help
/// overlay and tab line reads keys through it, so an override shows everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    /// Action name → the keys that replace its defaults (only overridden actions).
    overrides: BTreeMap<&'static str, Vec<Key>>,
}

impl Keymap {
    /// The keys that trigger `binding` now.
    pub fn keys<'a, A>(&'a self, binding: &'a Binding<A>) -> &'a [Key] {
        self.overrides
            .get(binding.name)
            .map(Vec::as_slice)
            .unwrap_or(binding.keys)
    }

    /// All keys of `binding` joined for display: `j ↓`.
    pub fn keys_label<A>(&self, binding: &Binding<A>) -> String {
        self.keys(binding)
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The action bound to `event`, if any.
    pub fn lookup<A: Copy>(&self, bindings: &[Binding<A>], event: &KeyEvent) -> Option<A> {
        bindings
            .iter()
            .find(|b| self.keys(b).iter().any(|k| k.matches(event)))
            .map(|b| b.action)
    }

    /// Help entries: (keys, description) for every binding, in declaration order.
    pub fn help_entries<A>(
        &self,
        bindings: &[Binding<A>],
        lang: Lang,
    ) -> Vec<(String, &'static str)> {
        bindings
            .iter()
            .map(|b| (self.keys_label(b), b.help.get(lang)))
            .collect()
    }

    /// Hint-line entries: (first key, short label) for bindings that have a hint.
    pub fn hint_entries<A>(
        &self,
        bindings: &[Binding<A>],
        lang: Lang,
    ) -> Vec<(String, &'static str)> {
        bindings
            .iter()
            .filter_map(|b| {
                let hint = b.hint?;
                let key = self.keys(b).first()?;
                Some((key.label(), hint.get(lang)))
            })
            .collect()
    }

    /// Whether the config file changed this action's keys.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overrides.contains_key(name)
    }
}

/// Ctrl+C quits from anywhere, even while typing into an input.
pub fn is_interrupt(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
        && event.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(event.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

/// Ctrl+Z suspends the console (the shell's `fg` brings it back).
pub fn is_suspend(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
        && event.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(event.code, KeyCode::Char('z') | KeyCode::Char('Z'))
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
            name: "t.down",
            keys: &[Key::Char('j'), Key::Down],
            action: A::Down,
            help: Tr::new("вниз", "down"),
            hint: None,
        },
        Binding {
            name: "t.top",
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
        let keymap = Keymap::default();
        assert_eq!(keymap.lookup(B, &down), Some(A::Down));
        assert_eq!(keymap.lookup(B, &j), Some(A::Down));
        assert_eq!(keymap.lookup(B, &shift_g), Some(A::Top));
        assert_eq!(keymap.lookup(B, &ctrl_j), None);
        assert_eq!(
            keymap.help_entries(B, Lang::Ru)[0],
            ("j ↓".to_string(), "вниз")
        );
        assert_eq!(
            keymap.hint_entries(B, Lang::En),
            vec![("G".to_string(), "end")]
        );
    }
}
