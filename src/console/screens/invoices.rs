//! «Счета» / "Invoices" (issue 17; docs/DESIGN.md §5.2): the monthly invoices of the
//! token's organizations, newest month first, with status, amount and the due date
//! coloured by the days left; Enter opens one with its activations, and Enter on an
//! activation opens it in the activation detail.
//!
//! The screen's network work is two commands (`InvoicesCommand`), run by the runtime
//! in a tokio task through [`run`], answered by one message (`InvoicesMsg`).

use super::{Ctx, Reply, Tab, error_text};
use crate::client::invoices::{Invoice, InvoiceDetail, InvoiceQuery};
use crate::console::app::{Command, Msg, RequestIds};
use crate::console::data::{DataError, DataSource};
use crate::console::i18n::{Tr, invoices as tr};
use crate::console::keymap::Key::{Char, Down, Enter, Esc, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::domain::text::inert;
use crate::domain::{InvoiceStatus, Lang, format_date, format_rub};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// One page of the newest invoices is what a partner looks at (12 months × a few
/// organizations); older ones: `licadm invoices list --page`.
const PAGE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoicesAction {
    Down,
    Up,
    Open,
    Refresh,
    History,
    Palette,
    Help,
    Back,
    Quit,
}

#[rustfmt::skip]
pub const BINDINGS: &[Binding<InvoicesAction>] = &[
    bind("invoices.down", &[Char('j'), Down], InvoicesAction::Down, Tr::new("следующая строка", "next row"), None),
    bind("invoices.up", &[Char('k'), Up], InvoicesAction::Up, Tr::new("предыдущая строка", "previous row"), None),
    bind("invoices.open", &[Enter], InvoicesAction::Open, Tr::new("открыть счёт; в счёте — активацию", "open the invoice; in it, the activation"), Some(Tr::new("открыть", "open"))),
    bind("invoices.refresh", &[Char('r')], InvoicesAction::Refresh, Tr::new("обновить", "refresh"), Some(Tr::new("обновить", "refresh"))),
    bind("invoices.history", &[Char('h')], InvoicesAction::History, Tr::new("история счёта", "the invoice's history"), Some(Tr::new("история", "history"))),
    bind("invoices.palette", &[Char(':')], InvoicesAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("invoices.help", &[Char('?')], InvoicesAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("invoices.back", &[Esc], InvoicesAction::Back, Tr::new("назад: из счёта к списку, из списка к активациям", "back: from an invoice to the list, from the list to the activations"), Some(Tr::new("назад", "back"))),
    bind("invoices.quit", &[Char('q')], InvoicesAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

/// What the screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoicesCommand {
    /// `GET /invoices` → `InvoicesMsg::Loaded`.
    Fetch { request_id: u64 },
    /// `GET /invoices/{number}` → `InvoicesMsg::Opened`.
    Open { request_id: u64, number: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum InvoicesMsg {
    Loaded {
        request_id: u64,
        result: Result<Vec<Invoice>, DataError>,
    },
    Opened {
        request_id: u64,
        result: Result<InvoiceDetail, DataError>,
    },
}

/// Runs a command of the screen (in a tokio task of the runtime).
pub async fn run(command: InvoicesCommand, source: DataSource) -> Msg {
    Msg::Invoices(match command {
        InvoicesCommand::Fetch { request_id } => InvoicesMsg::Loaded {
            request_id,
            result: source
                .invoices(&InvoiceQuery {
                    per_page: PAGE,
                    ..InvoiceQuery::default()
                })
                .await
                .map(|page| page.items),
        },
        InvoicesCommand::Open { request_id, number } => InvoicesMsg::Opened {
            request_id,
            result: source.invoice(&number).await,
        },
    })
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InvoicesScreen {
    pub invoices: Option<Vec<Invoice>>,
    pub pending: Option<u64>,
    pub selected: usize,
    /// The invoice open with its activations, and the selected activation.
    pub open: Option<InvoiceDetail>,
    pub open_pending: Option<u64>,
    pub line: usize,
    pub error: Option<String>,
}

impl InvoicesScreen {
    pub fn bindings(&self) -> &'static [Binding<InvoicesAction>] {
        BINDINGS
    }

    pub fn loading(&self) -> bool {
        self.pending.is_some() || self.open_pending.is_some()
    }

    fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::Invoices(InvoicesCommand::Fetch { request_id })
    }

    /// Coming to the screen: the list, read again each time (the job issues monthly,
    /// payments come any day).
    pub fn enter(&mut self, ids: &mut RequestIds) -> Vec<Command> {
        vec![self.fetch(ids)]
    }

    /// After a sync: the list again, if it was read before (quietly: it stays drawn).
    pub fn refresh(&mut self, ids: &mut RequestIds) -> Option<Command> {
        self.invoices.is_some().then(|| self.fetch(ids))
    }

    pub fn selected_invoice(&self) -> Option<&Invoice> {
        self.invoices.as_ref()?.get(self.selected)
    }

    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx, ids: &mut RequestIds) -> Reply {
        if let Some(shared) = Reply::shared_key(ctx.keymap, event) {
            return shared;
        }
        match ctx.keymap.lookup(BINDINGS, event) {
            Some(action) => self.apply(action, ids),
            None => Reply::default(),
        }
    }

    /// Runs one of the screen's actions (from its key or the `:` palette).
    pub fn apply(&mut self, action: InvoicesAction, ids: &mut RequestIds) -> Reply {
        let rows = match &self.open {
            Some(detail) => detail.lines.len(),
            None => self.invoices.as_ref().map_or(0, Vec::len),
        };
        let last = rows.saturating_sub(1);
        let cursor = if self.open.is_some() {
            &mut self.line
        } else {
            &mut self.selected
        };
        match action {
            InvoicesAction::Down => *cursor = (*cursor + 1).min(last),
            InvoicesAction::Up => *cursor = cursor.saturating_sub(1),
            InvoicesAction::Refresh => {
                let mut commands = vec![self.fetch(ids)];
                if let Some(number) = self.open.as_ref().map(|d| d.invoice.number.clone()) {
                    commands.push(self.open_command(number, ids));
                }
                return Reply {
                    commands,
                    ..Reply::default()
                };
            }
            InvoicesAction::Open => {
                if let Some(detail) = &self.open {
                    if let Some(line) = detail.lines.get(self.line) {
                        return Reply {
                            activation: Some(line.activation),
                            ..Reply::default()
                        };
                    }
                    return Reply::default();
                }
                if let Some(number) = self.selected_invoice().map(|i| i.number.clone()) {
                    return Reply::command(self.open_command(number, ids));
                }
            }
            InvoicesAction::History => {
                let number = match &self.open {
                    Some(detail) => Some(detail.invoice.number.clone()),
                    None => self.selected_invoice().map(|i| i.number.clone()),
                };
                if let Some(number) = number {
                    return Reply {
                        history: Some(format!("invoice:{number}")),
                        ..Reply::default()
                    };
                }
            }
            InvoicesAction::Help => {
                return Reply::help();
            }
            InvoicesAction::Palette => {
                return Reply::palette();
            }
            InvoicesAction::Back if self.open.is_some() => {
                self.open = None;
                self.open_pending = None;
            }
            InvoicesAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            InvoicesAction::Quit => {
                return Reply::quit();
            }
        }
        Reply::default()
    }

    fn open_command(&mut self, number: String, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.open_pending = Some(request_id);
        Command::Invoices(InvoicesCommand::Open { request_id, number })
    }

    pub fn on_msg(&mut self, msg: InvoicesMsg, lang: Lang) -> Reply {
        match msg {
            InvoicesMsg::Loaded { request_id, result } => {
                if self.pending != Some(request_id) {
                    return Reply::default();
                }
                self.pending = None;
                match result {
                    Ok(invoices) => {
                        self.selected = self.selected.min(invoices.len().saturating_sub(1));
                        self.invoices = Some(invoices);
                        self.error = None;
                    }
                    Err(e) => self.error = Some(error_text(lang, &e)),
                }
            }
            InvoicesMsg::Opened { request_id, result } => {
                if self.open_pending != Some(request_id) {
                    return Reply::default();
                }
                self.open_pending = None;
                match result {
                    Ok(detail) => {
                        let same = self
                            .open
                            .as_ref()
                            .is_some_and(|d| d.invoice.number == detail.invoice.number);
                        if !same {
                            self.line = 0;
                        }
                        self.line = self.line.min(detail.lines.len().saturating_sub(1));
                        self.open = Some(detail);
                    }
                    Err(e) => return Reply::error(error_text(lang, &e)),
                }
            }
        }
        Reply::default()
    }
}

/// How the due date is coloured: paid (done), overdue, due within 2 days, later.
fn due_style(invoice: &Invoice, today: NaiveDate, theme: &Theme) -> Style {
    match invoice.status {
        InvoiceStatus::Paid => theme.status_done,
        InvoiceStatus::Overdue => theme.urgency_expired,
        InvoiceStatus::Issued if (invoice.due_on - today).num_days() <= 2 => theme.urgency_under30,
        InvoiceStatus::Issued => theme.urgency_later,
    }
}

/// «через 3 дн.», «сегодня», «просрочен 4 дн.», «оплачен».
pub fn days_left(invoice: &Invoice, today: NaiveDate, lang: Lang) -> String {
    if invoice.status == InvoiceStatus::Paid {
        return invoice
            .paid_at
            .map(|at| tr::paid_on(lang, &at.date_naive().format("%d.%m").to_string()))
            .unwrap_or_else(|| invoice.status.label(lang).to_string());
    }
    let days = (invoice.due_on - today).num_days();
    match invoice.status {
        // The portal said overdue: so it reads, whatever this machine's clock says.
        InvoiceStatus::Overdue => tr::days_left(lang, days.min(-1)),
        _ => tr::days_left(lang, days),
    }
}

/// A cell cut to `width` columns (with `…`) and padded.
fn cell(text: &str, width: usize, right: bool) -> String {
    let count = text.chars().count();
    let text: String = if count > width {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        text.to_string()
    };
    if right {
        format!("{text:>width$}")
    } else {
        format!("{text:<width$}")
    }
}

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
}

/// Draws the list, or the open invoice with its activations; the cursor sits on the
/// selected row.
pub fn view(
    screen: &InvoicesScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = ctx.theme;
    let lang = ctx.lang;
    if area.height < 4 {
        return None;
    }
    let width = usize::from(area.width);
    let text = |t: &str| theme.glyphs.text(t).into_owned();
    let ascii = theme.glyphs.ascii;
    let message = |t: &str, style| Paragraph::new(Line::from(Span::styled(text(t), style)));
    let body = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    if let Some(detail) = &screen.open {
        let i = &detail.invoice;
        let title = tr::invoice_title(lang, &i.number, &format_date(i.issued_on));
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(text(&title), theme.header))),
            Rect::new(area.x, area.y, area.width, 1),
        );
        // Amount and status first: the organization's name may be cut at 80 columns.
        let summary = format!(
            "{} · {} · {} {} · {} · {}",
            format_rub(i.total, ascii),
            i.status.label(lang),
            tr::DUE.get(lang),
            format_date(i.due_on),
            i.period.label(lang),
            inert(&i.organization.name),
        );
        let mut lines = vec![
            Line::from(Span::styled(text(&summary), due_style(i, ctx.today, theme))),
            Line::from(Span::styled(
                text(&format!(
                    "{} {} {} {} {}",
                    cell(tr::COL_ACTIVATION.get(lang), 10, false),
                    cell(tr::COL_VENDOR.get(lang), 14, false),
                    cell(tr::COL_COMPLETED.get(lang), 10, false),
                    cell(tr::COL_LICENSES.get(lang), 8, true),
                    cell(tr::COL_AMOUNT.get(lang), 14, true),
                )),
                theme.header,
            )),
        ];
        let visible = usize::from(body.height).saturating_sub(2);
        let first = screen.line.saturating_sub(visible.saturating_sub(1));
        let mut cursor = None;
        for (index, l) in detail.lines.iter().enumerate().skip(first).take(visible) {
            let row = format!(
                "{} {} {} {} {}",
                cell(&format!("№ {}", l.activation), 10, false),
                cell(&l.vendor.name, 14, false),
                cell(&format_date(l.completed_at.date_naive()), 10, false),
                cell(&l.license_count.to_string(), 8, true),
                cell(&format_rub(l.amount, ascii), 14, true),
            );
            let style = if index == screen.line {
                cursor = Some(Position::new(body.x, body.y + 2 + (index - first) as u16));
                theme.selection
            } else {
                theme.base
            };
            lines.push(Line::from(Span::styled(
                format!("{:<width$}", text(&row)),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), body);
        return cursor;
    }
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(tr::TITLE.get(lang), theme.header))),
        Rect::new(area.x, area.y, area.width, 1),
    );
    if let Some(error) = &screen.error {
        frame.render_widget(message(&inert(error), theme.error), body);
        return None;
    }
    let Some(invoices) = &screen.invoices else {
        frame.render_widget(message(tr::LOADING.get(lang), theme.muted), body);
        return None;
    };
    if invoices.is_empty() {
        frame.render_widget(message(tr::EMPTY.get(lang), theme.muted), body);
        return None;
    }
    // Number, status, amount, due date and days left keep their widths; the
    // organization takes what is left of 80 columns.
    let fixed = 12 + 1 + 10 + 1 + 13 + 1 + 10 + 1 + 16 + 1;
    let org_width = width.saturating_sub(fixed).max(6);
    let header = format!(
        "{} {} {} {} {} {}",
        cell(tr::COL_NUMBER.get(lang), 12, false),
        cell(tr::COL_ORGANIZATION.get(lang), org_width, false),
        cell(tr::COL_STATUS.get(lang), 10, false),
        cell(tr::COL_AMOUNT.get(lang), 13, true),
        cell(tr::COL_DUE.get(lang), 10, false),
        cell(tr::COL_LEFT.get(lang), 16, false),
    );
    let mut lines = vec![Line::from(Span::styled(text(&header), theme.header))];
    let visible = usize::from(body.height).saturating_sub(3);
    let first = screen.selected.saturating_sub(visible.saturating_sub(1));
    let mut cursor = None;
    for (index, i) in invoices.iter().enumerate().skip(first).take(visible) {
        let selected = index == screen.selected;
        let left = format!(
            "{} {} {} {} ",
            cell(&i.number, 12, false),
            cell(&inert(&i.organization.name), org_width, false),
            cell(i.status.label(lang), 10, false),
            cell(&format_rub(i.total, ascii), 13, true),
        );
        let right = format!(
            "{} {}",
            cell(&format_date(i.due_on), 10, false),
            cell(&days_left(i, ctx.today, lang), 16, false)
        );
        if selected {
            cursor = Some(Position::new(body.x, body.y + 1 + (index - first) as u16));
            lines.push(Line::from(Span::styled(
                format!("{:<width$}", text(&format!("{left}{right}"))),
                theme.selection,
            )));
        } else {
            lines.push(Line::from(vec![
                Span::styled(text(&left), theme.base),
                Span::styled(text(&right), due_style(i, ctx.today, theme)),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), body);
    if let Some(i) = screen.selected_invoice() {
        let note = tr::summary_line(
            lang,
            &i.period.label(lang),
            i.activation_count,
            i.license_count,
        );
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(text(&note), theme.muted))),
            Rect::new(body.x, body.bottom() - 1, body.width, 1),
        );
    }
    cursor
}
