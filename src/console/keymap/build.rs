//! The runtime keymap from the declared defaults and the config file's `[keys]`
//! overrides: names checked, key names parsed, and conflicts resolved.
//!
//! A conflict is two actions that are active at the same time (one screen, dialog or
//! step, with the tab and mirror keys where those work) on one key. Defaults never
//! conflict (a test checks it), so every conflict involves an override, and the
//! override loses: it is refused as a whole and its action keeps the default keys.
//! When both actions are overridden, the one declared later (further down in the help)
//! loses. Refusing an override can bring its defaults back into a conflict with another
//! override, so the check repeats until nothing conflicts; each round refuses one.

use super::parse::KeyNameError;
use super::{Binding, Key, Keymap};
use crate::config::KeyOverride;
use crate::console::fuzzy;
use crate::console::i18n::{self, Tr};
use crate::domain::Lang;
use std::collections::BTreeMap;

/// The keys active at one time, as the conflict check sees them.
#[derive(Debug, Clone)]
pub struct KeyTable {
    /// Where these keys work, for messages («списке активаций» / "the activations list").
    pub screen: Tr,
    /// Letters typed here go into a text field, so its actions cannot be plain
    /// characters (they would stop typing).
    pub text_input: bool,
    pub entries: Vec<TableEntry>,
}

/// A binding without its action type: what the checks need.
#[derive(Debug, Clone, Copy)]
pub struct TableEntry {
    pub name: &'static str,
    pub keys: &'static [Key],
}

/// The entries of a binding table.
pub fn table_entries<A>(bindings: &[Binding<A>]) -> impl Iterator<Item = TableEntry> + '_ {
    bindings.iter().map(|b| TableEntry {
        name: b.name,
        keys: b.keys,
    })
}

/// A `[keys]` entry that was not applied: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    /// The config file as the user would name it.
    pub file: String,
    /// 1-based; 0 when not known.
    pub line: usize,
    pub action: String,
    /// The value as written.
    pub value: String,
    pub problem: KeymapProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapProblem {
    /// No action has this name (with the closest known name, if one is close).
    UnknownAction {
        suggestion: Option<&'static str>,
    },
    /// Neither a string nor a list of strings.
    NotKeys,
    /// An empty list: every action keeps at least one key.
    NoKeys,
    BadKey {
        key: String,
        error: KeyNameError,
    },
    /// A plain character for an action of a screen where letters type text.
    TypesText {
        key: Key,
        screen: Tr,
    },
    /// The key already does `other` there; this override is refused.
    Conflict {
        key: Key,
        other: &'static str,
        screen: Tr,
    },
}

impl KeymapError {
    /// The message in the UI language (the status line).
    pub fn message(&self, lang: Lang) -> String {
        i18n::keymap::error(lang, self)
    }
}

/// English, for stderr (printed before the alternate screen).
impl std::fmt::Display for KeymapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl Keymap {
    /// The defaults of `tables` with `requested` applied; what could not be applied
    /// comes back as errors naming `file`, the line, the action and the value.
    pub fn build(
        tables: &[KeyTable],
        requested: &[KeyOverride],
        file: &str,
    ) -> (Keymap, Vec<KeymapError>) {
        let mut errors = Vec::new();
        let mut overrides: BTreeMap<&'static str, Vec<Key>> = BTreeMap::new();
        let mut origin: BTreeMap<&'static str, &KeyOverride> = BTreeMap::new();
        for request in requested {
            let error = |problem| KeymapError {
                file: file.to_string(),
                line: request.line,
                action: request.action.clone(),
                value: request.written.clone(),
                problem,
            };
            match checked(tables, request) {
                Ok((name, keys)) => {
                    overrides.insert(name, keys);
                    origin.insert(name, request);
                }
                Err(problem) => errors.push(error(problem)),
            }
        }
        while let Some(conflict) = first_conflict(tables, &overrides) {
            overrides.remove(conflict.loser);
            if let Some(request) = origin.get(conflict.loser) {
                errors.push(KeymapError {
                    file: file.to_string(),
                    line: request.line,
                    action: request.action.clone(),
                    value: request.written.clone(),
                    problem: KeymapProblem::Conflict {
                        key: conflict.key,
                        other: conflict.winner,
                        screen: conflict.screen,
                    },
                });
            }
        }
        errors.sort_by_key(|e| e.line);
        (Keymap { overrides }, errors)
    }
}

/// The override's action and keys, if it names an action and every key is one.
fn checked(
    tables: &[KeyTable],
    request: &KeyOverride,
) -> Result<(&'static str, Vec<Key>), KeymapProblem> {
    let name = known_name(tables, &request.action).ok_or_else(|| KeymapProblem::UnknownAction {
        suggestion: suggestion(tables, &request.action),
    })?;
    let texts = request.keys.as_ref().ok_or(KeymapProblem::NotKeys)?;
    if texts.is_empty() {
        return Err(KeymapProblem::NoKeys);
    }
    let mut keys: Vec<Key> = Vec::new();
    for text in texts {
        let key = Key::parse(text).map_err(|error| KeymapProblem::BadKey {
            key: text.clone(),
            error,
        })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for table in tables
        .iter()
        .filter(|t| t.text_input && t.entries.iter().any(|e| e.name == name))
    {
        if let Some(key) = keys.iter().find(|k| matches!(k, Key::Char(_))) {
            return Err(KeymapProblem::TypesText {
                key: *key,
                screen: table.screen,
            });
        }
    }
    Ok((name, keys))
}

/// The declared name equal to `action` (as a `'static` str for the map).
fn known_name(tables: &[KeyTable], action: &str) -> Option<&'static str> {
    tables
        .iter()
        .flat_map(|t| t.entries.iter())
        .map(|e| e.name)
        .find(|name| *name == action)
}

/// "Did you mean": the best fuzzy match of the whole name, else an action of the same
/// name on another screen (`list.bind` → `seats.bind`).
fn suggestion(tables: &[KeyTable], action: &str) -> Option<&'static str> {
    let names = tables.iter().flat_map(|t| t.entries.iter()).map(|e| e.name);
    let fuzzy = names
        .clone()
        .filter_map(|name| fuzzy::score(action, name).map(|s| (s, name)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, name)| name);
    let tail = action.rsplit('.').next().unwrap_or(action);
    fuzzy.or_else(|| {
        names
            .clone()
            .find(|name| name.rsplit('.').next() == Some(tail))
    })
}

struct Conflict {
    key: Key,
    winner: &'static str,
    loser: &'static str,
    screen: Tr,
}

/// The first key that two actions of one table share, with the override to refuse.
fn first_conflict(
    tables: &[KeyTable],
    overrides: &BTreeMap<&'static str, Vec<Key>>,
) -> Option<Conflict> {
    let keys_of = |entry: &TableEntry| -> Vec<Key> {
        overrides
            .get(entry.name)
            .cloned()
            .unwrap_or_else(|| entry.keys.to_vec())
    };
    for table in tables {
        for (i, earlier) in table.entries.iter().enumerate() {
            let earlier_keys = keys_of(earlier);
            for later in &table.entries[i + 1..] {
                if later.name == earlier.name {
                    continue;
                }
                let Some(key) = keys_of(later)
                    .into_iter()
                    .find(|k| earlier_keys.contains(k))
                else {
                    continue;
                };
                let (winner, loser) = if overrides.contains_key(later.name) {
                    (earlier.name, later.name)
                } else if overrides.contains_key(earlier.name) {
                    (later.name, earlier.name)
                } else {
                    // Two defaults: declared that way on purpose elsewhere; not ours.
                    continue;
                };
                return Some(Conflict {
                    key,
                    winner,
                    loser,
                    screen: table.screen,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::keymap::Key::{Char, Ctrl, Enter, Esc, F};

    const LIST: Tr = Tr::new("список", "the list");
    const DIALOG: Tr = Tr::new("диалог", "the dialog");

    fn tables() -> Vec<KeyTable> {
        vec![
            KeyTable {
                screen: LIST,
                text_input: false,
                entries: vec![
                    TableEntry {
                        name: "list.refresh",
                        keys: &[Char('r')],
                    },
                    TableEntry {
                        name: "list.new_activation",
                        keys: &[Char('a')],
                    },
                    TableEntry {
                        name: "list.quit",
                        keys: &[Char('q'), Esc],
                    },
                    TableEntry {
                        name: "tabs.seats",
                        keys: &[Char('2')],
                    },
                ],
            },
            KeyTable {
                screen: DIALOG,
                text_input: true,
                entries: vec![
                    TableEntry {
                        name: "bind.confirm",
                        keys: &[Enter],
                    },
                    TableEntry {
                        name: "bind.cancel",
                        keys: &[Esc],
                    },
                ],
            },
        ]
    }

    fn request(action: &str, keys: &[&str], line: usize) -> KeyOverride {
        KeyOverride {
            action: action.into(),
            written: format!("{keys:?}"),
            keys: Some(keys.iter().map(|k| k.to_string()).collect()),
            line,
        }
    }

    fn keys_of(keymap: &Keymap, name: &'static str, defaults: &'static [Key]) -> Vec<Key> {
        let binding = Binding {
            name,
            keys: defaults,
            action: (),
            help: LIST,
            hint: None,
        };
        keymap.keys(&binding).to_vec()
    }

    #[test]
    fn an_override_replaces_the_default_keys() {
        let (keymap, errors) = Keymap::build(
            &tables(),
            &[request("list.refresh", &["F5", "Ctrl+R"], 3)],
            "config.toml",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            keys_of(&keymap, "list.refresh", &[Char('r')]),
            vec![F(5), Ctrl('r')]
        );
        assert_eq!(keys_of(&keymap, "list.quit", &[Char('q')]), vec![Char('q')]);
    }

    #[test]
    fn unknown_names_bad_keys_and_empty_lists_are_refused() {
        let mut not_keys = request("list.quit", &[], 4);
        not_keys.keys = None;
        let (keymap, errors) = Keymap::build(
            &tables(),
            &[
                request("list.refrsh", &["F5"], 1),
                request("list.bogus", &["x"], 2),
                request("list.refresh", &["F55"], 3),
                not_keys,
                request("list.new_activation", &[], 5),
            ],
            "config.toml",
        );
        assert_eq!(keymap, Keymap::default());
        let problems: Vec<_> = errors.iter().map(|e| e.problem.clone()).collect();
        assert_eq!(
            problems,
            vec![
                KeymapProblem::UnknownAction {
                    suggestion: Some("list.refresh")
                },
                KeymapProblem::UnknownAction { suggestion: None },
                KeymapProblem::BadKey {
                    key: "F55".into(),
                    error: KeyNameError::Unknown
                },
                KeymapProblem::NotKeys,
                KeymapProblem::NoKeys,
            ]
        );
        assert_eq!(errors[2].line, 3);
    }

    #[test]
    fn letters_cannot_be_actions_where_text_is_typed() {
        let (keymap, errors) = Keymap::build(
            &tables(),
            &[
                request("bind.confirm", &["y"], 1),
                request("bind.cancel", &["F10"], 2),
            ],
            "c",
        );
        assert_eq!(
            errors.iter().map(|e| &e.problem).collect::<Vec<_>>(),
            vec![&KeymapProblem::TypesText {
                key: Char('y'),
                screen: DIALOG
            }]
        );
        assert_eq!(keys_of(&keymap, "bind.cancel", &[Esc]), vec![F(10)]);
    }

    #[test]
    fn an_override_onto_a_used_key_is_refused_naming_both_actions() {
        let (keymap, errors) =
            Keymap::build(&tables(), &[request("list.new_activation", &["r"], 7)], "c");
        assert_eq!(
            errors.iter().map(|e| &e.problem).collect::<Vec<_>>(),
            vec![&KeymapProblem::Conflict {
                key: Char('r'),
                other: "list.refresh",
                screen: LIST
            }]
        );
        assert_eq!(keymap, Keymap::default(), "the default keys stay");
    }

    #[test]
    fn the_global_tab_keys_count_as_taken() {
        let (_, errors) = Keymap::build(&tables(), &[request("list.refresh", &["2"], 1)], "c");
        assert!(matches!(
            errors[0].problem,
            KeymapProblem::Conflict {
                other: "tabs.seats",
                ..
            }
        ));
    }

    #[test]
    fn swapping_two_keys_is_no_conflict() {
        let (keymap, errors) = Keymap::build(
            &tables(),
            &[
                request("list.refresh", &["a"], 1),
                request("list.new_activation", &["r"], 2),
            ],
            "c",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            keys_of(&keymap, "list.refresh", &[Char('r')]),
            vec![Char('a')]
        );
    }

    #[test]
    fn a_refused_override_can_refuse_the_next_one_in_turn() {
        // refresh → a collides with new_activation's default a: refused, refresh is
        // back on r, where quit was moved: the quit override goes too.
        let (keymap, errors) = Keymap::build(
            &tables(),
            &[
                request("list.refresh", &["a"], 1),
                request("list.quit", &["r"], 2),
            ],
            "c",
        );
        assert_eq!(keymap, Keymap::default());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(matches!(
            errors[1].problem,
            KeymapProblem::Conflict {
                other: "list.refresh",
                key: Char('r'),
                ..
            }
        ));
    }
}
