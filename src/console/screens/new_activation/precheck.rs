//! The precheck step: the table's rows, cursor, selection, deletion and summary.

use super::{FlowAction, NewActivation, Outcome, Pending, Step};
use crate::client::ClientError;
use crate::client::wire::PrecheckRow;
use crate::console::app::{Cause, Command};
use crate::console::i18n;
use crate::domain::{Kopecks, Lang, PrecheckOutcome, format_rub};

#[derive(Debug, Clone, PartialEq)]
pub struct PrecheckLine {
    pub row: PrecheckRow,
    pub selected: bool,
}

impl PrecheckLine {
    pub fn is_ok(&self) -> bool {
        self.row.outcome == PrecheckOutcome::Ok
    }
}

impl NewActivation {
    pub fn selected_count(&self) -> usize {
        self.rows.iter().filter(|l| l.selected).count()
    }

    pub fn error_count(&self) -> usize {
        self.rows.iter().filter(|l| !l.is_ok()).count()
    }

    /// The rows `Enter`/the summary speak of: the selected ones when any are selected,
    /// else all. Returns (rows, whether it is the selection).
    pub fn target(&self) -> (Vec<&PrecheckLine>, bool) {
        let any_selected = self.rows.iter().any(|l| l.selected);
        let rows = self
            .rows
            .iter()
            .filter(|l| !any_selected || l.selected)
            .collect();
        (rows, any_selected)
    }

    pub(super) fn precheck_action(&mut self, action: FlowAction, lang: Lang) -> Outcome {
        let last = self.rows.len().saturating_sub(1);
        match action {
            FlowAction::Down => self.cursor = (self.cursor + 1).min(last),
            FlowAction::Up => self.cursor = self.cursor.saturating_sub(1),
            FlowAction::FirstRow => self.cursor = 0,
            FlowAction::LastRow => self.cursor = last,
            FlowAction::Toggle => {
                if let Some(line) = self.rows.get_mut(self.cursor) {
                    line.selected = !line.selected;
                    self.cursor = (self.cursor + 1).min(last);
                }
            }
            FlowAction::SelectAll => {
                let all = self.rows.iter().all(|l| l.selected);
                for line in &mut self.rows {
                    line.selected = !all;
                }
            }
            FlowAction::DeleteSelected => {
                self.rows.retain(|l| !l.selected);
                self.clamp_cursor();
            }
            FlowAction::DeleteErrors => {
                self.rows.retain(PrecheckLine::is_ok);
                self.clamp_cursor();
            }
            FlowAction::Retail => self.show_retail = !self.show_retail,
            FlowAction::PageDown => self.page(true),
            FlowAction::PageUp => self.page(false),
            FlowAction::Search if !self.rows.is_empty() => {
                self.search = Some(super::SearchPrompt {
                    text: String::new(),
                    origin: self.cursor,
                });
            }
            FlowAction::NextError => return self.next_error(lang),
            FlowAction::SaveErrors => return self.open_save(false, lang),
            FlowAction::SaveAll => return self.open_save(true, lang),
            FlowAction::Copy => {
                if let Some(line) = self.rows.get(self.cursor) {
                    let serial = line.row.serial.clone();
                    return Outcome {
                        notice: Some(i18n::copied(lang, &serial)),
                        commands: vec![Command::CopyToClipboard(serial)],
                        ..Outcome::default()
                    };
                }
            }
            FlowAction::ActivateSelected => {
                if self.selected_count() == 0 {
                    return Outcome::error_while(
                        i18n::NOTHING_SELECTED.get(lang),
                        Cause::NothingSelected,
                    );
                }
                return self.open_confirm(lang);
            }
            FlowAction::ActivateAll => {
                for line in &mut self.rows {
                    line.selected = false;
                }
                return self.open_confirm(lang);
            }
            _ => {}
        }
        Outcome::default()
    }

    fn clamp_cursor(&mut self) {
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    pub fn prechecked(&mut self, result: Result<Vec<PrecheckRow>, ClientError>) {
        self.answered(Pending::Precheck);
        if let Ok(rows) = result {
            self.rows = rows
                .into_iter()
                .map(|row| PrecheckLine {
                    row,
                    selected: false,
                })
                .collect();
            self.cursor = 0;
            self.search = None;
            self.save = None;
            self.confirm = None;
            if self.step == Step::Serials {
                self.step = Step::Precheck;
            }
        }
    }
}

/// «К активации: 12 (все проверенные) · с ошибками: 2 · итого 46 800 ₽».
pub fn summary_text(flow: &NewActivation, lang: Lang) -> String {
    let (rows, selected) = flow.target();
    let ok: Vec<_> = rows.iter().filter(|l| l.is_ok()).collect();
    let total = Kopecks(
        ok.iter()
            .map(|l| l.row.price.map(|p| p.0).unwrap_or(0))
            .sum(),
    );
    i18n::precheck_summary(
        lang,
        ok.len(),
        selected,
        flow.error_count(),
        &format_rub(total, false),
    )
}
