//! The serials step: the text area with its live local format check, paste, the
//! `.txt` import path input, the sample file, and sending the list to the precheck.

use super::{FlowAction, NewActivation, Outcome, Pending, Step};
use crate::console::app::Command;
use crate::console::i18n;
use crate::console::paths::{self, PathEdit};
use crate::console::theme::Theme;
use crate::domain::{Lang, MAX_SERIALS, parse_serial_list};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use ratatui_textarea::TextArea;
use std::path::PathBuf;

pub const SAMPLE_FILE_NAME: &str = "licadm-serials-example.txt";

/// The text area, compared by content and cursor (the widget itself is not `PartialEq`).
#[derive(Debug, Clone, Default)]
pub struct SerialInput(pub TextArea<'static>);

impl PartialEq for SerialInput {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines()
            && self.0.cursor() == other.0.cursor()
            && self.0.selection_range() == other.0.selection_range()
    }
}

impl SerialInput {
    pub(super) fn new(theme: &Theme, lang: Lang) -> SerialInput {
        let mut area = TextArea::default();
        area.set_placeholder_text(i18n::SERIALS_PLACEHOLDER.get(lang));
        area.set_placeholder_style(theme.muted);
        area.set_line_number_style(theme.muted);
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_block(
            Block::default()
                .borders(Borders::ALL)
                .border_set(theme.glyphs.border)
                .border_style(theme.border)
                .title(Span::styled(
                    format!(" {} ", i18n::STEP_SERIALS.get(lang)),
                    theme.header,
                )),
        );
        SerialInput(area)
    }

    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }
}

impl NewActivation {
    pub(super) fn recheck(&mut self) {
        self.check = parse_serial_list(&self.input.text());
    }

    /// Sets the text area's content (tests and import use it).
    pub fn set_text(&mut self, text: &str) {
        self.input.0.select_all();
        self.input.0.cut();
        self.input.0.insert_str(text);
        self.recheck();
    }

    /// Pasted text: into the path input when open, else into the text area.
    pub fn paste(&mut self, text: &str, lang: Lang) {
        if self.step == Step::Precheck {
            self.search_paste(text, lang);
            self.save_paste(text);
            return;
        }
        if self.step != Step::Serials {
            return;
        }
        if let Some(path) = self.import_path.as_mut() {
            path.extend(text.chars().filter(|c| !c.is_control()));
            return;
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        self.input.0.insert_str(text);
        self.recheck();
    }
    pub(super) fn serials_action(&mut self, action: FlowAction, lang: Lang) -> Outcome {
        match action {
            FlowAction::Precheck => self.request_precheck(lang),
            FlowAction::Import => {
                self.import_path = Some(String::new());
                Outcome::default()
            }
            FlowAction::Sample => Outcome::command(Command::WriteSampleFile {
                file_name: SAMPLE_FILE_NAME.to_string(),
                contents: i18n::sample_file(lang),
            }),
            _ => Outcome::default(),
        }
    }

    /// Format errors were already listed with their line numbers under the text area;
    /// they are sent too, in their place, so the precheck table shows them as format
    /// errors the user can delete together with the other errors (as the vendor portal
    /// does). An empty or oversized list is refused here.
    pub(super) fn request_precheck(&mut self, lang: Lang) -> Outcome {
        if self.pending.is_some() {
            return Outcome::default();
        }
        self.recheck();
        let count = self.check.tokens.len();
        if self.check.serials.is_empty() {
            let text = i18n::PRECHECK_EMPTY_LIST.get(lang);
            return Outcome::error_while(text, crate::console::app::Cause::NoSerials);
        }
        if count > MAX_SERIALS {
            return Outcome::error(i18n::too_many_serials(lang, count, MAX_SERIALS));
        }
        self.pending = Some(Pending::Precheck);
        Outcome::command(Command::Precheck {
            organization: self.organization_id(),
            serials: self.check.tokens.iter().map(|(_, t)| t.clone()).collect(),
        })
    }

    pub(super) fn import_key(&mut self, event: &KeyEvent) -> Outcome {
        let Some(path) = self.import_path.as_mut() else {
            return Outcome::default();
        };
        match event.code {
            KeyCode::Esc => self.import_path = None,
            KeyCode::Enter => {
                let text = path.trim().to_string();
                if text.is_empty() {
                    self.import_path = None;
                    return Outcome::default();
                }
                self.import_path = None;
                self.pending = Some(Pending::Import);
                return Outcome::command(Command::ImportSerials {
                    path: PathBuf::from(text),
                });
            }
            _ => {
                if let PathEdit::Complete(command) = paths::edit(path, event) {
                    return Outcome::command(command);
                }
            }
        }
        Outcome::default()
    }
    /// Tab's completion arrived (the import path or the precheck's save prompt); used
    /// only by the field that still holds what was completed.
    pub fn path_completed(&mut self, typed: &str, completed: Option<&str>) -> bool {
        let import = self.import_path.as_mut();
        let save = self.save.as_mut().map(|prompt| &mut prompt.path);
        import
            .into_iter()
            .chain(save)
            .any(|field| paths::accept_completion(field, typed, completed))
    }

    /// Imported text replaces an empty text area or is appended on a new line.
    pub fn imported(&mut self, text: &str) {
        self.answered(Pending::Import);
        let text = text.replace("\r\n", "\n");
        if self.input.0.is_empty() {
            self.set_text(&text);
        } else {
            self.input
                .0
                .move_cursor(ratatui_textarea::CursorMove::Bottom);
            self.input.0.move_cursor(ratatui_textarea::CursorMove::End);
            self.input.0.insert_newline();
            self.input.0.insert_str(text);
            self.recheck();
        }
    }

    pub fn import_failed(&mut self) {
        self.answered(Pending::Import);
    }
}
