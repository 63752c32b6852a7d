//! Finding one's way in a long precheck table (10 000 rows): a page up or down, `/`
//! to search, the next row with an error, and saving the error rows (or all rows) to
//! a file to fix them elsewhere.

use super::{FlowAction, NewActivation, Outcome, PrecheckLine};
use crate::console::app::Command;
use crate::console::i18n::{self, new_activation as tr};
use crate::console::paths::{self, PathEdit};
use crate::domain::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

/// The open `/` prompt: what is typed, and the row the search started from (Esc goes
/// back there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPrompt {
    pub text: String,
    pub origin: usize,
}

/// The open "save to a file" prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavePrompt {
    pub path: String,
    /// Every row, not only the rows with errors.
    pub all: bool,
}

/// The file names offered (in the downloads folder unless a path is typed).
pub const ERRORS_FILE: &str = "precheck-errors.tsv";
pub const ALL_FILE: &str = "precheck.tsv";

impl PrecheckLine {
    /// Whether the row matches a search: its serial contains the text, or its model or
    /// message does (case does not matter there).
    pub fn matches(&self, needle: &str, lang: Lang) -> bool {
        let needle = needle.trim();
        if needle.is_empty() {
            return false;
        }
        let row = &self.row;
        if row.serial.contains(needle) {
            return true;
        }
        let lower = needle.to_lowercase();
        let message = row
            .message
            .clone()
            .unwrap_or_else(|| row.outcome.message(lang).to_string());
        [row.model.as_deref().unwrap_or(""), &message]
            .iter()
            .any(|text| text.to_lowercase().contains(&lower))
    }
}

impl NewActivation {
    /// Moves the cursor by `rows` (a page), within the table.
    pub(super) fn page(&mut self, down: bool) {
        let last = self.rows.len().saturating_sub(1);
        let page = self.page_rows.max(1);
        self.cursor = if down {
            (self.cursor + page).min(last)
        } else {
            self.cursor.saturating_sub(page)
        };
    }

    /// The first row from `start` on (wrapping around) that `wanted` picks, going down
    /// or up.
    fn find_from(
        &self,
        start: usize,
        down: bool,
        wanted: impl Fn(&PrecheckLine) -> bool,
    ) -> Option<usize> {
        let n = self.rows.len();
        (0..n)
            .map(|i| {
                if down {
                    (start + i) % n
                } else {
                    (start + n - i % n) % n
                }
            })
            .find(|&i| wanted(&self.rows[i]))
    }

    /// `E`: the next row with an error after the cursor (from the top after the last).
    pub(super) fn next_error(&mut self, lang: Lang) -> Outcome {
        match self.find_from(self.cursor + 1, true, |l| !l.is_ok()) {
            Some(row) => {
                self.cursor = row;
                Outcome::default()
            }
            None => Outcome::error(tr::NO_ERROR_ROWS.get(lang)),
        }
    }

    /// Matches of the open search, and which of them the cursor is on (1-based).
    pub fn search_matches(&self, lang: Lang) -> (usize, Option<usize>) {
        let Some(search) = &self.search else {
            return (0, None);
        };
        let mut count = 0;
        let mut current = None;
        for (i, line) in self.rows.iter().enumerate() {
            if line.matches(&search.text, lang) {
                count += 1;
                if i == self.cursor {
                    current = Some(count);
                }
            }
        }
        (count, current)
    }

    /// A key while the `/` prompt is open (`action`: what the prompt's key table made
    /// of it): typing jumps to the first match from where the search started, ↓/↑ to
    /// the next/previous match, Enter keeps the row, Esc goes back.
    pub(super) fn search_key(
        &mut self,
        action: Option<FlowAction>,
        event: &KeyEvent,
        lang: Lang,
    ) -> Outcome {
        let Some(search) = self.search.as_mut() else {
            return Outcome::default();
        };
        let plain = !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let (from, down) = match (action, event.code) {
            (Some(FlowAction::Back), _) => {
                self.cursor = search.origin.min(self.rows.len().saturating_sub(1));
                self.search = None;
                return Outcome::default();
            }
            (Some(FlowAction::Confirm), _) => {
                self.search = None;
                return Outcome::default();
            }
            (Some(FlowAction::Down), _) => (self.cursor + 1, true),
            (Some(FlowAction::Up), _) => (self.cursor + self.rows.len().saturating_sub(1), false),
            (Some(_), _) => return Outcome::default(),
            (None, KeyCode::Backspace) => {
                search.text.pop();
                (search.origin, true)
            }
            (None, KeyCode::Char(c)) if plain => {
                search.text.push(c);
                (search.origin, true)
            }
            _ => return Outcome::default(),
        };
        self.jump_to_match(from, down, lang);
        Outcome::default()
    }

    /// Pasted text goes into the open search.
    pub(super) fn search_paste(&mut self, text: &str, lang: Lang) {
        let Some(search) = self.search.as_mut() else {
            return;
        };
        search.text.extend(text.chars().filter(|c| !c.is_control()));
        let origin = search.origin;
        self.jump_to_match(origin, true, lang);
    }

    fn jump_to_match(&mut self, from: usize, down: bool, lang: Lang) {
        let Some(needle) = self.search.as_ref().map(|s| s.text.clone()) else {
            return;
        };
        if self.rows.is_empty() {
            return;
        }
        let from = from % self.rows.len();
        if let Some(row) = self.find_from(from, down, |l| l.matches(&needle, lang)) {
            self.cursor = row;
        }
    }

    /// `w` / `W`: asks where to save the error rows / every row.
    pub(super) fn open_save(&mut self, all: bool, lang: Lang) -> Outcome {
        if !all && self.error_count() == 0 {
            return Outcome::error(tr::NO_ERROR_ROWS.get(lang));
        }
        let name = if all { ALL_FILE } else { ERRORS_FILE };
        self.save = Some(SavePrompt {
            path: name.to_string(),
            all,
        });
        Outcome::default()
    }

    /// A key while the save prompt is open: Enter writes, Esc cancels, the rest types.
    pub(super) fn save_key(
        &mut self,
        action: Option<FlowAction>,
        event: &KeyEvent,
        lang: Lang,
    ) -> Outcome {
        let Some(prompt) = self.save.as_mut() else {
            return Outcome::default();
        };
        match (action, event.code) {
            (Some(FlowAction::Back), _) => self.save = None,
            (Some(FlowAction::Confirm), _) => {
                let path = prompt.path.trim().to_string();
                let all = prompt.all;
                if path.is_empty() {
                    return Outcome::error(tr::PATH_NEEDED.get(lang));
                }
                self.save = None;
                let lines: Vec<&PrecheckLine> =
                    self.rows.iter().filter(|l| all || !l.is_ok()).collect();
                return Outcome::command(Command::WriteFile {
                    path: PathBuf::from(path),
                    contents: table_text(&lines, lang),
                });
            }
            (None, _) => {
                if let PathEdit::Complete(command) = paths::edit(&mut prompt.path, event) {
                    return Outcome::command(command);
                }
            }
            _ => {}
        }
        Outcome::default()
    }

    /// Pasted text goes into the open save prompt.
    pub(super) fn save_paste(&mut self, text: &str) {
        if let Some(prompt) = self.save.as_mut() {
            prompt.path.extend(text.chars().filter(|c| !c.is_control()));
        }
    }
}

/// The rows as tab-separated text with a header line: what a spreadsheet opens, and
/// the first column is the serial list again.
pub fn table_text(lines: &[&PrecheckLine], lang: Lang) -> String {
    let header = [
        i18n::COL_SERIAL.get(lang),
        tr::COL_OUTCOME.get(lang),
        i18n::COL_MODEL.get(lang),
        i18n::COL_VENDOR.get(lang),
        i18n::COL_CURRENT_UNTIL.get(lang),
        i18n::COL_NEW_UNTIL.get(lang),
        i18n::COL_YOUR_PRICE.get(lang),
    ];
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut out = header.join("\t");
    out.push('\n');
    for line in lines {
        let r = &line.row;
        let outcome = if line.is_ok() {
            r.outcome.message(lang).to_string()
        } else {
            r.message
                .clone()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| r.outcome.message(lang).to_string())
        };
        let fields = [
            clean(&r.serial),
            clean(&outcome),
            clean(r.model.as_deref().unwrap_or("")),
            r.vendor
                .as_ref()
                .map(|v| v.id.name(lang).to_string())
                .unwrap_or_default(),
            r.current_until
                .map(crate::domain::format_date)
                .unwrap_or_default(),
            r.new_until
                .map(crate::domain::format_date)
                .unwrap_or_default(),
            // Rubles with a decimal point: a number to a spreadsheet.
            r.price
                .map(|p| format!("{}.{:02}", p.0 / 100, p.0 % 100))
                .unwrap_or_default(),
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}
