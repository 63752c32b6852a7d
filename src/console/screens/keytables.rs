//! Every set of keys that is active at one time, for the keymap's checks: an override
//! must name a declared action, must not give one key two meanings where both work,
//! and must not take a letter where letters are typed into a field.

use super::{
    access, activations, activity, audit, bulk_run, capacity, column_chooser, detail, dialog, keys,
    messages, new_activation, outbox, palette, seats, tabs, triage,
};
use crate::console::i18n::Tr;
use crate::console::i18n::keymap as tr;
use crate::console::keymap::Key::{self, Char, End, Esc, Home, Left, PageDown, PageUp, Right};
use crate::console::keymap::{Binding, KeyTable, TableEntry, table_entries};
use crate::console::widgets::help;

/// The conventions: an action has the same keys on every screen where it exists, and
/// these characters mean nothing else where letters are commands. An action is named
/// by the part of its name after the dot (`*` ends a prefix: `copy_*` is `copy_number`,
/// `copy_serial`, …). Where letters type text, a letter's action is Ctrl+ that letter
/// and help is F1; Esc is Esc everywhere. README's key tables show the same list.
pub const CONVENTIONS: &[(&str, &[Key])] = &[
    ("next_page", &[Right, PageDown, Char(']')]),
    ("prev_page", &[Left, PageUp, Char('[')]),
    ("first_page", &[Home, Char('<')]),
    ("last_page", &[End, Char('>')]),
    ("go_to_page", &[Char('#')]),
    ("refresh", &[Char('r')]),
    ("retry", &[Char('R')]),
    ("save_license", &[Char('L')]),
    ("history", &[Char('h')]),
    ("copy_row", &[Char('Y')]),
    ("copy_*", &[Char('y')]),
    ("unbind", &[Char('u')]),
    ("search", &[Char('/')]),
    ("filter_organization", &[Char('o')]),
    ("filter_status", &[Char('s')]),
    ("filter_vendor", &[Char('v')]),
    ("filter_product", &[Char('t')]),
    ("clear_filters", &[Char('x')]),
    ("palette", &[Char(':')]),
    ("help", &[Char('?')]),
    ("back", &[Esc]),
    ("quit", &[Char('q')]),
];

/// The convention `action` (the part of a name after the dot) falls under.
pub fn convention(action: &str) -> Option<&'static [Key]> {
    CONVENTIONS
        .iter()
        .find(|(pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => action.starts_with(prefix) && action != "copy_row",
            None => action == *pattern,
        })
        .map(|(_, keys)| *keys)
}

fn table<A>(screen: Tr, text_input: bool, bindings: &[Binding<A>]) -> KeyTable {
    KeyTable {
        screen,
        text_input,
        entries: table_entries(bindings).collect(),
    }
}

/// A screen where the number keys switch screens and, with a mirror, `O`/`S` work.
fn with_globals<A>(screen: Tr, bindings: &[Binding<A>]) -> KeyTable {
    let entries: Vec<TableEntry> = table_entries(bindings)
        .chain(table_entries(tabs::TAB_BINDINGS))
        .chain(table_entries(outbox::MIRROR_BINDINGS))
        .chain(table_entries(messages::OPEN_BINDINGS))
        .collect();
    KeyTable {
        screen,
        text_input: false,
        entries,
    }
}

/// A screen without text fields, where the message log opens too.
fn with_log<A>(screen: Tr, bindings: &[Binding<A>]) -> KeyTable {
    KeyTable {
        screen,
        text_input: false,
        entries: table_entries(bindings)
            .chain(table_entries(messages::OPEN_BINDINGS))
            .collect(),
    }
}

/// All of them, in the order the console shows its screens.
pub fn all() -> Vec<KeyTable> {
    use new_activation::{
        OFFER_BINDINGS, ORGANIZATION_BINDINGS, PRECHECK_BINDINGS, SAVE_BINDINGS, SEARCH_BINDINGS,
        SERIALS_BINDINGS,
    };
    vec![
        with_globals(tr::IN_LIST, activations::BINDINGS),
        with_log(tr::IN_DETAIL, detail::BINDINGS),
        with_globals(tr::IN_SEATS, seats::BINDINGS),
        table(tr::IN_BIND, true, seats::BIND_BINDINGS),
        table(tr::IN_BULK, true, seats::BULK_BINDINGS),
        with_globals(tr::IN_CAPACITY, capacity::BINDINGS),
        table(tr::IN_EMERGENCY, false, capacity::EMERGENCY_BINDINGS),
        table(tr::IN_KEYS_ONLINE, true, keys::ONLINE_BINDINGS),
        table(tr::IN_KEYS_REQUEST, true, keys::REQUEST_BINDINGS),
        table(tr::IN_KEYS_IMPORT, true, keys::IMPORT_BINDINGS),
        with_globals(tr::IN_ACCESS, access::BINDINGS),
        with_globals(tr::IN_INVOICES, crate::console::screens::invoices::BINDINGS),
        with_globals(tr::IN_ACTIVITY, activity::BINDINGS),
        with_globals(tr::IN_WEBHOOKS, super::webhooks::BINDINGS),
        with_globals(tr::IN_RENEWALS, super::renewals::BINDINGS),
        with_log(tr::IN_NEW_ORGANIZATION, ORGANIZATION_BINDINGS),
        with_log(tr::IN_NEW_OFFER, OFFER_BINDINGS),
        table(tr::IN_NEW_SERIALS, true, SERIALS_BINDINGS),
        with_log(tr::IN_NEW_PRECHECK, PRECHECK_BINDINGS),
        table(tr::IN_NEW_SEARCH, true, SEARCH_BINDINGS),
        table(tr::IN_NEW_SAVE, true, SAVE_BINDINGS),
        table(tr::IN_HISTORY, false, audit::BINDINGS),
        table(tr::IN_OUTBOX, false, outbox::BINDINGS),
        table(tr::IN_PALETTE, true, palette::BINDINGS),
        table(tr::IN_COLUMNS, false, column_chooser::BINDINGS),
        table(tr::IN_HELP, false, help::BINDINGS),
        table(tr::IN_MESSAGES, false, messages::LOG_BINDINGS),
        // Many rows at once (issue 16 b): a run's window and the triage of errors.
        table(
            crate::console::i18n::bulk::IN_RUN,
            false,
            bulk_run::RUN_BINDINGS,
        ),
        table(
            crate::console::i18n::bulk::IN_TRIAGE,
            false,
            triage::TRIAGE_BINDINGS,
        ),
        // Dialogs: nothing typed may act there, so no letters (confirmations above all).
        table(tr::IN_CONFIRM, true, dialog::CONFIRM_BINDINGS),
        table(tr::IN_NOTICE, true, dialog::NOTICE_BINDINGS),
        table(tr::IN_STORY, false, dialog::STORY_BINDINGS),
        table(tr::IN_PRICES, false, dialog::PRICES_BINDINGS),
        table(tr::IN_PICKER, true, dialog::PICKER_BINDINGS),
        table(tr::IN_PAGE, true, dialog::PAGE_BINDINGS),
        table(tr::IN_URL, true, dialog::URL_BINDINGS),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::keymap::Keymap;
    use std::collections::BTreeMap;

    #[test]
    fn names_are_screen_dot_action_in_snake_case_and_unique_per_table() {
        for table in all() {
            let mut seen = Vec::new();
            for entry in &table.entries {
                let (screen, action) = entry.name.split_once('.').unwrap_or(("", ""));
                let snake = |s: &str| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                };
                assert!(snake(screen) && snake(action), "{}", entry.name);
                assert!(!seen.contains(&entry.name), "{} twice", entry.name);
                seen.push(entry.name);
            }
        }
    }

    #[test]
    fn a_name_used_in_several_tables_has_the_same_default_keys_everywhere() {
        // An override of such a name changes it everywhere; that is only honest when
        // it is the same action with the same keys.
        let mut keys: BTreeMap<&str, &[Key]> = BTreeMap::new();
        for table in all() {
            for entry in &table.entries {
                let known = *keys.entry(entry.name).or_insert(entry.keys);
                assert_eq!(known, entry.keys, "{}", entry.name);
            }
        }
    }

    #[test]
    fn the_defaults_never_give_a_key_two_meanings() {
        for table in all() {
            for (i, a) in table.entries.iter().enumerate() {
                for b in &table.entries[i + 1..] {
                    for key in a.keys {
                        assert!(
                            !b.keys.contains(key),
                            "{key:?}: {} and {} in {}",
                            a.name,
                            b.name,
                            table.screen.en
                        );
                    }
                }
            }
        }
        let (keymap, errors) = Keymap::build(&all(), &[], "none");
        assert!(errors.is_empty());
        assert_eq!(keymap, Keymap::default());
    }

    /// What a conventional key becomes where letters type text.
    fn in_text(key: Key) -> Key {
        match key {
            Char('?') => Key::F(1),
            Char(c) if c.is_ascii_alphabetic() => Key::Ctrl(c.to_ascii_lowercase()),
            other => other,
        }
    }

    #[test]
    fn an_action_has_its_conventional_keys_on_every_screen() {
        let mut checked = 0;
        for table in all() {
            for entry in &table.entries {
                let action = entry.name.split_once('.').map_or("", |(_, a)| a);
                let Some(keys) = convention(action) else {
                    continue;
                };
                checked += 1;
                for key in keys {
                    let want = if table.text_input {
                        in_text(*key)
                    } else {
                        *key
                    };
                    // Paging keys have no meaning in a text field's screens.
                    if table.text_input && !matches!(key, Char(_) | Esc) {
                        continue;
                    }
                    assert!(
                        entry.keys.contains(&want),
                        "{} in {}: {:?} lacks {want:?}",
                        entry.name,
                        table.screen.en,
                        entry.keys
                    );
                }
            }
        }
        assert!(
            checked > 40,
            "only {checked} bindings fall under a convention"
        );
    }

    #[test]
    fn a_conventional_character_means_nothing_else_where_letters_are_commands() {
        for table in all().into_iter().filter(|t| !t.text_input) {
            for entry in &table.entries {
                let action = entry.name.split_once('.').map_or("", |(_, a)| a);
                for (pattern, keys) in CONVENTIONS {
                    if convention(action) == Some(keys) {
                        continue;
                    }
                    for key in keys.iter().filter(|k| matches!(k, Char(_))) {
                        // `q` also closes an overlay (help, history, outbox), as in less,
                        // and `?` closes the help it opened.
                        let closes = action == "close"
                            && (*key == Char('q')
                                || (*key == Char('?') && entry.name == "help.close"));
                        assert!(
                            closes || !entry.keys.contains(key),
                            "{key:?} is {pattern} by convention, but {} has it in {}",
                            entry.name,
                            table.screen.en
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn esc_never_quits() {
        for table in all() {
            for entry in &table.entries {
                if entry.name.ends_with(".quit") {
                    assert!(!entry.keys.contains(&Esc), "{}", entry.name);
                }
            }
        }
    }

    #[test]
    fn where_text_is_typed_no_default_is_a_plain_character() {
        for table in all().into_iter().filter(|t| t.text_input) {
            for entry in &table.entries {
                assert!(
                    !entry.keys.iter().any(|k| matches!(k, Key::Char(_))),
                    "{}",
                    entry.name
                );
            }
        }
    }
}
