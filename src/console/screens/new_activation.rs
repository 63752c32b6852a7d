//! New activation: organization → offer → serials → precheck → confirmation.
//!
//! The flow keeps everything the user typed, pasted or selected until the activation
//! is created or the user discards it (F8); a failed request never clears anything.

use crate::client::ClientError;
use crate::client::wire::{Organization, PrecheckRow};
use crate::console::app::Command;
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{Char, Ctrl, Delete, Down, End, Enter, Esc, F, Home, Up};
use crate::console::keymap::{self, Binding, bind};
use crate::console::screens::detail::urgency_marker;
use crate::console::theme::Theme;
use crate::console::widgets::{display_width, truncate};
use crate::domain::{
    Kopecks, Lang, MAX_SERIALS, PrecheckOutcome, SerialList, Vendor, format_date, format_rub,
    parse_serial_list, urgency,
};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use ratatui_textarea::TextArea;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Organization,
    Offer,
    Serials,
    Precheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowAction {
    Down,
    Up,
    FirstRow,
    LastRow,
    Choose,
    Accept,
    Precheck,
    Import,
    Sample,
    Toggle,
    SelectAll,
    DeleteSelected,
    DeleteErrors,
    Copy,
    Retail,
    ActivateSelected,
    ActivateAll,
    Confirm,
    Help,
    Back,
    Discard,
}

const DISCARD_HELP: Tr = Tr::new(
    "отменить новую активацию (список номеров будет очищен)",
    "discard the new activation (the serial list is cleared)",
);

#[rustfmt::skip]
pub const ORGANIZATION_BINDINGS: &[Binding<FlowAction>] = &[
    bind(&[Char('j'), Down], FlowAction::Down, Tr::new("следующая организация", "next organization"), None),
    bind(&[Char('k'), Up], FlowAction::Up, Tr::new("предыдущая организация", "previous organization"), None),
    bind(&[Enter], FlowAction::Choose, Tr::new("выбрать организацию", "choose the organization"), Some(Tr::new("выбрать", "choose"))),
    bind(&[Char('?')], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind(&[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind(&[Esc, Char('q')], FlowAction::Back, Tr::new("назад к списку активаций", "back to the activations"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const OFFER_BINDINGS: &[Binding<FlowAction>] = &[
    bind(&[Enter], FlowAction::Accept, Tr::new("принять оферту и продолжить", "accept the offer and continue"), Some(Tr::new("принять и продолжить", "accept and continue"))),
    bind(&[Char('?')], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind(&[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind(&[Esc, Char('q')], FlowAction::Back, Tr::new("назад", "back"), Some(Tr::new("назад", "back"))),
];

/// In the text area letters type text, so its actions are Ctrl chords and F keys.
#[rustfmt::skip]
pub const SERIALS_BINDINGS: &[Binding<FlowAction>] = &[
    bind(&[F(5), Ctrl('p')], FlowAction::Precheck, Tr::new("проверить номера (ничего не меняет)", "precheck the serials (changes nothing)"), Some(Tr::new("проверить", "precheck"))),
    bind(&[Ctrl('o')], FlowAction::Import, Tr::new("импорт из файла .txt (путь)", "import a .txt file (path)"), Some(Tr::new("импорт .txt", "import .txt"))),
    bind(&[Ctrl('s')], FlowAction::Sample, Tr::new("скачать пример файла в папку загрузок", "save a sample file to the downloads folder"), Some(Tr::new("пример файла", "sample file"))),
    bind(&[F(1)], FlowAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind(&[F(8)], FlowAction::Discard, DISCARD_HELP, Some(Tr::new("отменить", "discard"))),
    bind(&[Esc], FlowAction::Back, Tr::new("назад (текст сохраняется)", "back (the text is kept)"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const PRECHECK_BINDINGS: &[Binding<FlowAction>] = &[
    bind(&[Char('j'), Down], FlowAction::Down, Tr::new("следующая строка", "next row"), None),
    bind(&[Char('k'), Up], FlowAction::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind(&[Char('g'), Home], FlowAction::FirstRow, Tr::new("первая строка", "first row"), None),
    bind(&[Char('G'), End], FlowAction::LastRow, Tr::new("последняя строка", "last row"), None),
    bind(&[Char(' ')], FlowAction::Toggle, Tr::new("выбрать строку / снять выбор", "select / unselect the row"), Some(Tr::new("выбрать", "select"))),
    bind(&[Char('*'), Ctrl('a')], FlowAction::SelectAll, Tr::new("выбрать все / снять выбор со всех", "select all / none"), None),
    bind(&[Enter], FlowAction::ActivateSelected, Tr::new("активировать выбранные", "activate the selected rows"), Some(Tr::new("активировать", "activate"))),
    bind(&[Char('A')], FlowAction::ActivateAll, Tr::new("активировать всё (все проверенные)", "activate all checked rows"), Some(Tr::new("всё", "all"))),
    bind(&[Char('d'), Delete], FlowAction::DeleteSelected, Tr::new("удалить выбранные строки", "delete the selected rows"), Some(Tr::new("удалить", "delete"))),
    bind(&[Char('D')], FlowAction::DeleteErrors, Tr::new("удалить строки с ошибками", "delete all rows with errors"), Some(Tr::new("удалить ошибки", "delete errors"))),
    bind(&[Char('y')], FlowAction::Copy, Tr::new("скопировать серийный номер (OSC 52)", "copy the serial number (OSC 52)"), None),
    bind(&[Char('R')], FlowAction::Retail, Tr::new("показать / скрыть рекомендуемую розничную цену", "show / hide the recommended retail price"), None),
    bind(&[Char('?')], FlowAction::Help, Tr::new("справка", "help"), None),
    bind(&[F(8)], FlowAction::Discard, DISCARD_HELP, None),
    bind(&[Esc, Char('q')], FlowAction::Back, Tr::new("назад к списку номеров", "back to the serial list"), Some(Tr::new("назад", "back"))),
];

#[rustfmt::skip]
pub const CONFIRM_BINDINGS: &[Binding<FlowAction>] = &[
    bind(&[Enter], FlowAction::Confirm, Tr::new("активировать", "activate"), Some(Tr::new("активировать", "activate"))),
    bind(&[Esc, Char('n')], FlowAction::Back, Tr::new("отмена", "cancel"), Some(Tr::new("отмена", "cancel"))),
];

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
    fn new(theme: &Theme, lang: Lang) -> SerialInput {
        let mut area = TextArea::default();
        area.set_placeholder_text(i18n::SERIALS_PLACEHOLDER.get(lang));
        area.set_placeholder_style(theme.muted);
        area.set_line_number_style(theme.muted);
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_block(
            Block::default()
                .borders(Borders::ALL)
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorGroup {
    pub vendor: Vendor,
    pub count: usize,
    pub sum: Kopecks,
}

/// The open confirmation: exactly what will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub serials: Vec<String>,
    pub groups: Vec<VendorGroup>,
    pub total: Kopecks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    AcceptOffer,
    Precheck,
    Create,
    Import,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewActivation {
    pub step: Step,
    pub org_cursor: usize,
    pub organization: Option<Organization>,
    pub input: SerialInput,
    /// The live format check of the text area.
    pub check: SerialList,
    /// `Some(path)` while the import-path input is open.
    pub import_path: Option<String>,
    /// The working list after a precheck (deleting rows never edits the text area).
    pub rows: Vec<PrecheckLine>,
    pub cursor: usize,
    pub show_retail: bool,
    pub confirm: Option<Confirm>,
    pub pending: Option<Pending>,
    /// The key of the last confirmed request and the serials it was for: confirming
    /// the same serials again (after a network failure) reuses it, so the portal never
    /// charges twice.
    pub idempotency: Option<(Vec<String>, String)>,
}

/// What a key or an answer asks of the app.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub commands: Vec<Command>,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub help: bool,
    /// Leave the flow (kept for later).
    pub close: bool,
    /// Drop the flow.
    pub discard: bool,
}

impl Outcome {
    fn error(text: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(text.into()),
            ..Outcome::default()
        }
    }

    fn command(command: Command) -> Outcome {
        Outcome {
            commands: vec![command],
            ..Outcome::default()
        }
    }
}

impl NewActivation {
    /// Starts the flow; with exactly one organization the chooser is skipped.
    pub fn start(organizations: &[Organization], theme: &Theme, lang: Lang) -> NewActivation {
        let mut flow = NewActivation {
            step: Step::Organization,
            org_cursor: 0,
            organization: None,
            input: SerialInput::new(theme, lang),
            check: SerialList::default(),
            import_path: None,
            rows: Vec::new(),
            cursor: 0,
            show_retail: false,
            confirm: None,
            pending: None,
            idempotency: None,
        };
        flow.organizations_arrived(organizations);
        flow
    }

    /// The organizations (re)arrived: a single one is chosen without asking.
    pub fn organizations_arrived(&mut self, organizations: &[Organization]) {
        if self.step == Step::Organization
            && let [only] = organizations
        {
            self.choose(only.clone());
        }
        self.org_cursor = self.org_cursor.min(organizations.len().saturating_sub(1));
    }

    fn choose(&mut self, organization: Organization) {
        self.step = if organization.offer_accepted_at.is_some() {
            Step::Serials
        } else {
            Step::Offer
        };
        self.organization = Some(organization);
    }

    fn organization_id(&self) -> i64 {
        self.organization.as_ref().map(|o| o.id).unwrap_or_default()
    }

    /// The bindings of what is in front (the confirmation, else the step).
    pub fn bindings(&self) -> &'static [Binding<FlowAction>] {
        if self.confirm.is_some() {
            return CONFIRM_BINDINGS;
        }
        match self.step {
            Step::Organization => ORGANIZATION_BINDINGS,
            Step::Offer => OFFER_BINDINGS,
            Step::Serials => SERIALS_BINDINGS,
            Step::Precheck => PRECHECK_BINDINGS,
        }
    }

    pub fn step_title(&self) -> Tr {
        match self.step {
            Step::Organization => i18n::STEP_ORGANIZATION,
            Step::Offer => i18n::STEP_OFFER,
            Step::Serials => i18n::STEP_SERIALS,
            Step::Precheck => i18n::STEP_PRECHECK,
        }
    }

    fn recheck(&mut self) {
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
    pub fn paste(&mut self, text: &str) {
        if self.step != Step::Serials || self.confirm.is_some() {
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

    /// A key while the flow is in front.
    pub fn on_key(
        &mut self,
        event: &KeyEvent,
        organizations: &[Organization],
        lang: Lang,
    ) -> Outcome {
        if self.confirm.is_some() {
            return match keymap::lookup(CONFIRM_BINDINGS, event) {
                Some(FlowAction::Confirm) => self.send_create(),
                Some(FlowAction::Back) if self.pending != Some(Pending::Create) => {
                    self.confirm = None;
                    Outcome::default()
                }
                _ => Outcome::default(),
            };
        }
        if self.step == Step::Serials && self.import_path.is_some() {
            return self.import_key(event);
        }
        let Some(action) = keymap::lookup(self.bindings(), event) else {
            if self.step == Step::Serials {
                self.input.0.input(*event);
                self.recheck();
            }
            return Outcome::default();
        };
        match action {
            FlowAction::Help => Outcome {
                help: true,
                ..Outcome::default()
            },
            FlowAction::Discard => Outcome {
                discard: true,
                notice: Some(i18n::DISCARDED.get(lang).to_string()),
                ..Outcome::default()
            },
            FlowAction::Back => self.back(organizations),
            _ => match self.step {
                Step::Organization => self.organization_action(action, organizations),
                Step::Offer => self.offer_action(action),
                Step::Serials => self.serials_action(action, lang),
                Step::Precheck => self.precheck_action(action, lang),
            },
        }
    }

    /// Esc: one step back; from the first step the flow is left (and kept).
    fn back(&mut self, organizations: &[Organization]) -> Outcome {
        let several = organizations.len() > 1;
        let previous = match self.step {
            Step::Precheck => Some(Step::Serials),
            Step::Serials | Step::Offer if several => Some(Step::Organization),
            _ => None,
        };
        match previous {
            Some(step) => {
                self.step = step;
                Outcome::default()
            }
            None => Outcome {
                close: true,
                ..Outcome::default()
            },
        }
    }

    fn organization_action(
        &mut self,
        action: FlowAction,
        organizations: &[Organization],
    ) -> Outcome {
        let last = organizations.len().saturating_sub(1);
        match action {
            FlowAction::Down => self.org_cursor = (self.org_cursor + 1).min(last),
            FlowAction::Up => self.org_cursor = self.org_cursor.saturating_sub(1),
            FlowAction::Choose => {
                if let Some(org) = organizations.get(self.org_cursor) {
                    // Another organization: its precheck no longer applies.
                    if self.organization.as_ref().map(|o| o.id) != Some(org.id) {
                        self.rows.clear();
                        self.idempotency = None;
                    }
                    self.choose(org.clone());
                }
            }
            _ => {}
        }
        Outcome::default()
    }

    fn offer_action(&mut self, action: FlowAction) -> Outcome {
        if action != FlowAction::Accept || self.pending.is_some() {
            return Outcome::default();
        }
        self.pending = Some(Pending::AcceptOffer);
        Outcome::command(Command::AcceptOffer {
            organization: self.organization_id(),
        })
    }

    fn serials_action(&mut self, action: FlowAction, lang: Lang) -> Outcome {
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
    fn request_precheck(&mut self, lang: Lang) -> Outcome {
        if self.pending.is_some() {
            return Outcome::default();
        }
        self.recheck();
        let count = self.check.tokens.len();
        if self.check.serials.is_empty() {
            return Outcome::error(i18n::PRECHECK_EMPTY_LIST.get(lang));
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

    fn import_key(&mut self, event: &KeyEvent) -> Outcome {
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
            KeyCode::Backspace => {
                path.pop();
            }
            KeyCode::Char(c)
                if !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                path.push(c)
            }
            _ => {}
        }
        Outcome::default()
    }

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

    fn precheck_action(&mut self, action: FlowAction, lang: Lang) -> Outcome {
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
                    return Outcome::error(i18n::NOTHING_SELECTED.get(lang));
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

    /// Rows with errors cannot be activated: refused here, nothing is sent.
    fn open_confirm(&mut self, lang: Lang) -> Outcome {
        let (rows, _) = self.target();
        if rows.iter().any(|l| !l.is_ok()) {
            return Outcome::error(i18n::ERRORS_IN_TARGET.get(lang));
        }
        if rows.is_empty() {
            return Outcome::error(i18n::NOTHING_TO_ACTIVATE.get(lang));
        }
        let mut groups: BTreeMap<Vendor, (usize, i64)> = BTreeMap::new();
        for line in &rows {
            if let Some(vendor) = &line.row.vendor {
                let entry = groups.entry(vendor.id).or_default();
                entry.0 += 1;
                entry.1 += line.row.price.map(|p| p.0).unwrap_or(0);
            }
        }
        let groups: Vec<VendorGroup> = groups
            .into_iter()
            .map(|(vendor, (count, sum))| VendorGroup {
                vendor,
                count,
                sum: Kopecks(sum),
            })
            .collect();
        let total = Kopecks(groups.iter().map(|g| g.sum.0).sum());
        self.confirm = Some(Confirm {
            serials: rows.iter().map(|l| l.row.serial.clone()).collect(),
            groups,
            total,
        });
        Outcome::default()
    }

    /// Enter in the confirmation: send, with the key of an earlier attempt at the same
    /// serials when there was one.
    fn send_create(&mut self) -> Outcome {
        let Some(confirm) = &self.confirm else {
            return Outcome::default();
        };
        if self.pending.is_some() {
            return Outcome::default();
        }
        let key = match &self.idempotency {
            Some((serials, key)) if *serials == confirm.serials => key.clone(),
            _ => crate::client::new_idempotency_key(),
        };
        self.idempotency = Some((confirm.serials.clone(), key.clone()));
        self.pending = Some(Pending::Create);
        Outcome::command(Command::CreateActivations {
            organization: self.organization_id(),
            serials: confirm.serials.clone(),
            idempotency_key: key,
        })
    }

    pub fn offer_accepted(&mut self, result: Result<Organization, ClientError>) {
        if self.pending == Some(Pending::AcceptOffer) {
            self.pending = None;
        }
        if let Ok(org) = result
            && self.organization.as_ref().map(|o| o.id) == Some(org.id)
        {
            self.organization = Some(org);
            if self.step == Step::Offer {
                self.step = Step::Serials;
            }
        }
    }

    pub fn prechecked(&mut self, result: Result<Vec<PrecheckRow>, ClientError>) {
        if self.pending == Some(Pending::Precheck) {
            self.pending = None;
        }
        if let Ok(rows) = result {
            self.rows = rows
                .into_iter()
                .map(|row| PrecheckLine {
                    row,
                    selected: false,
                })
                .collect();
            self.cursor = 0;
            self.confirm = None;
            if self.step == Step::Serials {
                self.step = Step::Precheck;
            }
        }
    }

    /// The create failed: nothing is lost; on a 422 the refused rows get the portal's
    /// outcome and message (their selection stays).
    pub fn create_failed(&mut self, error: &ClientError) {
        self.pending = None;
        self.confirm = None;
        if let ClientError::Rejected { rejected, .. } = error {
            for refused in rejected {
                for line in self
                    .rows
                    .iter_mut()
                    .filter(|l| l.row.serial == refused.serial)
                {
                    line.row = refused.clone();
                }
            }
        }
    }

    /// Imported text replaces an empty text area or is appended on a new line.
    pub fn imported(&mut self, text: &str) {
        if self.pending == Some(Pending::Import) {
            self.pending = None;
        }
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
        if self.pending == Some(Pending::Import) {
            self.pending = None;
        }
    }
}

pub const SAMPLE_FILE_NAME: &str = "licadm-serials-example.txt";

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
    pub organizations: &'a [Organization],
}

pub fn view(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let mut title = vec![
        Span::styled(i18n::SCREEN_NEW_ACTIVATION.get(lang), theme.header),
        Span::styled(" · ", theme.muted),
        Span::styled(flow.step_title().get(lang), theme.header),
    ];
    if let Some(org) = &flow.organization
        && flow.step != Step::Organization
    {
        let used: usize = title.iter().map(Span::width).sum::<usize>() + 3;
        let room = usize::from(area.width).saturating_sub(used);
        title.push(Span::styled(" · ", theme.muted));
        title.push(Span::raw(truncate(
            &format!("{}, {} {}", org.name, i18n::DETAIL_INN.get(lang), org.inn),
            room,
        )));
    }
    if flow.pending.is_some() && flow.pending != Some(Pending::Create) {
        title.push(Span::styled(
            format!("  {}", i18n::LOADING.get(lang)),
            theme.accent,
        ));
    }
    frame.render_widget(
        Paragraph::new(Line::from(title)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let cursor = match flow.step {
        Step::Organization => view_organizations(flow, ctx, frame, body),
        Step::Offer => view_offer(flow, ctx, frame, body),
        Step::Serials => view_serials(flow, ctx, frame, body),
        Step::Precheck => view_precheck(flow, ctx, frame, body),
    };
    if let Some(confirm) = &flow.confirm {
        view_confirm(confirm, flow.pending == Some(Pending::Create), ctx, frame);
        return None;
    }
    cursor
}

fn view_organizations(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    if ctx.organizations.is_empty() {
        let text = if flow.pending.is_some() {
            i18n::LOADING
        } else {
            i18n::NO_ORGANIZATIONS
        };
        frame.render_widget(
            Paragraph::new(text.get(lang)).style(theme.muted),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
        return None;
    }
    let width = usize::from(area.width);
    let rows: Vec<Row> = ctx
        .organizations
        .iter()
        .map(|o| {
            let mut spans = vec![Span::raw(format!(
                "{} · {} {}",
                o.name,
                i18n::DETAIL_INN.get(lang),
                o.inn
            ))];
            if o.activation_blocked {
                spans.push(Span::styled(
                    format!(" · ✕ {}", i18n::ACTIVATION_BLOCKED.get(lang)),
                    theme.error,
                ));
            }
            let line = Line::from(spans);
            if line.width() > width {
                let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                Row::new(vec![Cell::from(truncate(&text, width))])
            } else {
                Row::new(vec![Cell::from(line)])
            }
        })
        .collect();
    let table_area = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let visible = usize::from(table_area.height).max(1);
    let selected = flow.org_cursor.min(rows.len() - 1);
    let offset = (selected + 1).saturating_sub(visible);
    let table = Table::new(rows, [Constraint::Fill(1)]).row_highlight_style(theme.selection);
    let mut state = TableState::new()
        .with_offset(offset)
        .with_selected(Some(selected));
    frame.render_stateful_widget(table, table_area, &mut state);
    Some(Position::new(
        table_area.x,
        table_area.y + u16::try_from(selected - offset).unwrap_or(0),
    ))
}

fn view_offer(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let mut lines = vec![
        Line::raw(""),
        Line::raw(i18n::OFFER_TEXT.get(lang)),
        Line::raw(""),
    ];
    if flow.pending == Some(Pending::AcceptOffer) {
        lines.push(Line::styled(i18n::SENDING.get(lang), theme.accent));
    } else {
        lines.push(Line::styled(i18n::OFFER_CONFIRM.get(lang), theme.accent));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    None
}

/// Error lines shown under the text area at most.
const SHOWN_ERRORS: usize = 4;

fn view_serials(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let errors = &flow.check.errors;
    let shown = errors.len().min(SHOWN_ERRORS);
    let more = usize::from(errors.len() > SHOWN_ERRORS);
    let info_height = u16::try_from(1 + shown + more).unwrap_or(1);
    let input_height = area.height.saturating_sub(info_height).max(3);
    let input_area = Rect::new(area.x, area.y, area.width, input_height.min(area.height));
    frame.render_widget(&flow.input.0, input_area);
    let mut y = input_area.bottom();

    let mut cursor = None;
    if y < area.bottom() {
        let row = Rect::new(area.x, y, area.width, 1);
        if let Some(path) = &flow.import_path {
            let label = format!("{} ", i18n::IMPORT_PROMPT.get(lang));
            let hint = format!("  {}", i18n::IMPORT_HINT.get(lang));
            let room = usize::from(area.width)
                .saturating_sub(display_width(&label) + display_width(&hint) + 1);
            let shown_path = tail(path, room);
            let x = display_width(&label) + display_width(&shown_path);
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(label, theme.muted),
                    Span::styled(shown_path, theme.input),
                    Span::styled(hint, theme.muted),
                ])),
                row,
            );
            cursor = Some(Position::new(
                area.x + u16::try_from(x).unwrap_or(0).min(area.width - 1),
                y,
            ));
        } else {
            let count = i18n::serial_count(lang, flow.check.serials.len());
            let (status, style) = if errors.is_empty() {
                (i18n::FORMAT_OK.get(lang).to_string(), theme.status_done)
            } else {
                (i18n::format_errors_count(lang, errors.len()), theme.error)
            };
            let text = Line::from(vec![
                Span::raw(count),
                Span::styled(" · ", theme.muted),
                Span::styled(status, style),
            ]);
            frame.render_widget(Paragraph::new(text), row);
        }
        y += 1;
    }
    for error in errors.iter().take(shown) {
        if y >= area.bottom() {
            break;
        }
        let text = truncate(
            &i18n::format_error_line(lang, error),
            usize::from(area.width),
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.error)),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
    }
    if more == 1 && y < area.bottom() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                i18n::more_errors(lang, errors.len() - shown),
                theme.error,
            )),
            Rect::new(area.x, y, area.width, 1),
        );
    }
    if cursor.is_some() {
        return cursor;
    }
    // The real cursor follows the text area's (borders and line numbers aside).
    let inner_w = input_area.width.saturating_sub(2);
    let inner_h = input_area.height.saturating_sub(2);
    if inner_w == 0 || inner_h == 0 {
        return None;
    }
    let ratatui_textarea::DataCursor(row, col) = flow.input.0.cursor();
    let (top, left) = flow.input.0.scroll_offset();
    let x = u16::try_from(col.saturating_sub(usize::from(left)))
        .unwrap_or(u16::MAX)
        .saturating_add(flow.input.0.line_number_width())
        .min(inner_w - 1);
    let y = u16::try_from(row.saturating_sub(usize::from(top)))
        .unwrap_or(u16::MAX)
        .min(inner_h - 1);
    Some(Position::new(input_area.x + 1 + x, input_area.y + 1 + y))
}

/// The last `max` columns of `text`.
fn tail(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut start = chars.len();
    let mut used = 0;
    while start > 0 {
        let w = display_width(&chars[start - 1].to_string());
        if used + w > max {
            break;
        }
        used += w;
        start -= 1;
    }
    chars[start..].iter().collect()
}

const W_SEL: u16 = 3;
const W_SERIAL: u16 = 16;
const W_CURRENT: u16 = 13;
const W_NEW: u16 = 10;
const W_VENDOR: u16 = 10;
const W_PRICE: u16 = 10;
const W_RETAIL: u16 = 10;

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

fn view_precheck(
    flow: &NewActivation,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let (lang, theme) = (ctx.lang, ctx.theme);
    if area.height < 4 {
        return None;
    }
    let table_area = Rect::new(area.x, area.y, area.width, area.height - 2);
    let detail_row = Rect::new(area.x, area.bottom() - 2, area.width, 1);
    let summary_row = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    // At 80 columns the retail column takes the vendor's place (the vendor stays in
    // the line under the table and in the confirmation).
    let show_vendor = !flow.show_retail || area.width >= 96;
    let mut fixed = W_SEL + W_SERIAL + W_CURRENT + W_NEW + W_PRICE;
    let mut columns = 6u16;
    if show_vendor {
        fixed += W_VENDOR;
        columns += 1;
    }
    if flow.show_retail {
        fixed += W_RETAIL;
        columns += 1;
    }
    let model_width = area.width.saturating_sub(fixed + columns - 1).max(4);
    let mut widths = vec![
        Constraint::Length(W_SEL),
        Constraint::Length(W_SERIAL),
        Constraint::Length(model_width),
        Constraint::Length(W_CURRENT),
        Constraint::Length(W_NEW),
    ];
    let mut header = vec![
        Cell::from(i18n::COL_SEL.get(lang)),
        Cell::from(i18n::COL_SERIAL.get(lang)),
        Cell::from(i18n::COL_MODEL.get(lang)),
        Cell::from(i18n::COL_CURRENT_SHORT.get(lang)),
        Cell::from(i18n::COL_NEW_SHORT.get(lang)),
    ];
    if show_vendor {
        widths.push(Constraint::Length(W_VENDOR));
        header.push(Cell::from(i18n::COL_VENDOR.get(lang)));
    }
    widths.push(Constraint::Length(W_PRICE));
    header.push(right(i18n::COL_YOUR_PRICE.get(lang).to_string()));
    if flow.show_retail {
        widths.push(Constraint::Length(W_RETAIL));
        header.push(right(i18n::COL_RETAIL.get(lang).to_string()));
    }
    let header = Row::new(header).style(theme.header);

    let rows: Vec<Row> = flow
        .rows
        .iter()
        .map(|line| {
            let r = &line.row;
            let mark = if line.selected { "[x]" } else { "[ ]" };
            let mut cells = vec![Cell::from(mark), Cell::from(r.serial.clone())];
            if line.is_ok() {
                let u = urgency(r.current_until, ctx.today);
                let current = match r.current_until {
                    Some(date) => Span::styled(
                        format!("{}{}", urgency_marker(u), format_date(date)),
                        theme.urgency(u),
                    ),
                    None => Span::styled("—", theme.muted),
                };
                cells.push(Cell::from(truncate(
                    r.model.as_deref().unwrap_or("—"),
                    usize::from(model_width),
                )));
                cells.push(Cell::from(current));
                cells.push(Cell::from(r.new_until.map(format_date).unwrap_or_default()));
                if show_vendor {
                    let vendor = r.vendor.as_ref().map(|v| v.id.name(lang)).unwrap_or("—");
                    cells.push(Cell::from(truncate(vendor, usize::from(W_VENDOR))));
                }
                cells.push(right(
                    r.price.map(|p| format_rub(p, false)).unwrap_or_default(),
                ));
                if flow.show_retail {
                    cells.push(right(
                        r.retail_price
                            .map(|p| format_rub(p, false))
                            .unwrap_or_default(),
                    ));
                }
            } else {
                cells.push(Cell::from(Span::styled(
                    truncate(&row_message(r, lang), usize::from(model_width)),
                    theme.error,
                )));
            }
            Row::new(cells)
        })
        .collect();
    let mut cursor = None;
    if rows.is_empty() {
        frame.render_widget(
            Table::new(Vec::<Row>::new(), widths).header(header),
            table_area,
        );
        if table_area.height > 1 {
            frame.render_widget(
                Paragraph::new(i18n::ROWS_EMPTY.get(lang)).style(theme.muted),
                Rect::new(area.x, area.y + 1, area.width, 1),
            );
        }
    } else {
        let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
        let selected = flow.cursor.min(rows.len() - 1);
        let offset = (selected + 1).saturating_sub(visible);
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(theme.selection);
        let mut state = TableState::new()
            .with_offset(offset)
            .with_selected(Some(selected));
        frame.render_stateful_widget(table, table_area, &mut state);
        // A refused row's message spans the device columns (a table has no colspan):
        // drawn over them, in the error color, reversed on the selected row.
        let message_x = W_SEL + 1 + W_SERIAL + 1;
        if table_area.width > message_x {
            let width = table_area.width - message_x;
            for (i, line) in flow.rows.iter().enumerate().skip(offset).take(visible) {
                if line.is_ok() {
                    continue;
                }
                let y = table_area.y + 1 + u16::try_from(i - offset).unwrap_or(0);
                if y >= table_area.bottom() {
                    break;
                }
                let style = if i == selected {
                    theme.error.patch(theme.selection)
                } else {
                    theme.error
                };
                let text = truncate(&row_message(&line.row, lang), usize::from(width));
                let pad = usize::from(width).saturating_sub(display_width(&text));
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("{text}{}", " ".repeat(pad)), style)),
                    Rect::new(table_area.x + message_x, y, width, 1),
                );
            }
        }
        cursor = Some(Position::new(
            table_area.x,
            table_area.y + 1 + u16::try_from(selected - offset).unwrap_or(0),
        ));
        // The row under the cursor in full: the error text or model and vendor.
        if let Some(line) = flow.rows.get(selected) {
            let r = &line.row;
            let (text, style) = if line.is_ok() {
                let vendor = r.vendor.as_ref().map(|v| v.id.name(lang)).unwrap_or("—");
                let mut text = format!(
                    "{} · {} · {}",
                    r.serial,
                    r.model.as_deref().unwrap_or("—"),
                    vendor
                );
                if let Some(retail) = r.retail_price {
                    text.push_str(&format!(
                        " · {} {}",
                        i18n::RETAIL_PRICE.get(lang),
                        format_rub(retail, false)
                    ));
                }
                (text, theme.muted)
            } else {
                (
                    format!("{} · {}", r.serial, row_message(r, lang)),
                    theme.error,
                )
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    truncate(&text, usize::from(area.width)),
                    style,
                )),
                detail_row,
            );
        }
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&summary_text(flow, lang), usize::from(area.width)),
            theme.header,
        )),
        summary_row,
    );
    cursor
}

/// The portal's message for a refused row, or the outcome's own text.
fn row_message(row: &PrecheckRow, lang: Lang) -> String {
    row.message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| row.outcome.message(lang).to_string())
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

/// The confirmation's lines, as drawn (tests read them too).
pub fn confirm_lines(confirm: &Confirm, lang: Lang) -> Vec<String> {
    let mut lines = vec![i18n::confirm_question(
        lang,
        confirm.serials.len(),
        confirm.groups.len(),
    )];
    for group in &confirm.groups {
        lines.push(format!(
            "  {}",
            i18n::confirm_vendor_line(
                lang,
                group.vendor.name(lang),
                group.count,
                &format_rub(group.sum, false)
            )
        ));
    }
    lines.push(i18n::confirm_total(lang, &format_rub(confirm.total, false)));
    lines
}

fn view_confirm(confirm: &Confirm, sending: bool, ctx: &ViewContext, frame: &mut Frame) {
    let (lang, theme) = (ctx.lang, ctx.theme);
    let area = frame.area();
    let mut lines: Vec<Line> = confirm_lines(confirm, lang)
        .into_iter()
        .map(Line::raw)
        .collect();
    lines.push(Line::raw(""));
    lines.push(if sending {
        Line::styled(i18n::SENDING.get(lang), theme.accent)
    } else {
        Line::styled(i18n::CONFIRM_KEYS.get(lang), theme.accent)
    });
    let content_width = lines.iter().map(Line::width).max().unwrap_or(0) + 4;
    let width = u16::try_from(content_width)
        .unwrap_or(u16::MAX)
        .min(area.width.saturating_sub(2))
        .max(10.min(area.width));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", i18n::CONFIRM_TITLE.get(lang)),
            theme.header,
        ));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(theme.base)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
