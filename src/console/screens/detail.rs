//! One activation: its summary, the error text, and its lines with search by serial.

use crate::client::wire::{ActivationDetail, ActivationLine, ActivationSummary};
use crate::console::app::{Command, RequestIds};
use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::{Char, Down, End, Esc, Home, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::theme::Theme;
use crate::console::widgets::{
    filter_bar, fit_cell, header_cell, render_scrolled_table, scroll_offset, wrap,
};
use crate::domain::{Lang, SubscriptionUrgency, format_date, format_rub, urgency};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailAction {
    Down,
    Up,
    FirstLine,
    LastLine,
    Search,
    Refresh,
    /// Handled by the app (it knows the role).
    Retry,
    /// Handled by the app.
    SaveLicense,
    /// Handled by the app: the activation's history.
    History,
    /// Handled by the app: copy the selected line's serial (OSC 52).
    CopySerial,
    /// Handled by the app: the `:` command palette.
    Palette,
    Help,
    /// Esc: clears the line filter, else back to the list.
    Back,
    /// Handled by the app: quits (asking first when something would be lost).
    Quit,
}

/// The detail's keys, declared once: dispatch, hint line and help all read this.
#[rustfmt::skip]
pub const BINDINGS: &[Binding<DetailAction>] = &[
    bind("detail.down", &[Char('j'), Down], DetailAction::Down, Tr::new("следующая строка", "next line"), None),
    bind("detail.up", &[Char('k'), Up], DetailAction::Up, Tr::new("предыдущая строка", "previous line"), None),
    bind("detail.first_line", &[Char('g'), Home], DetailAction::FirstLine, Tr::new("первая строка", "first line"), None),
    bind("detail.last_line", &[Char('G'), End], DetailAction::LastLine, Tr::new("последняя строка", "last line"), None),
    bind("detail.search", &[Char('/')], DetailAction::Search, Tr::new("поиск по серийному номеру", "search by serial number"), Some(Tr::new("поиск по СН", "search serial"))),
    bind("detail.refresh", &[Char('r')], DetailAction::Refresh, Tr::new("обновить статус", "refresh status"), Some(Tr::new("обновить", "refresh"))),
    bind("detail.retry", &[Char('R')], DetailAction::Retry, Tr::new("повторить запрос (активация с ошибкой; с подтверждением)", "retry (an activation with an error; confirmed in a dialog)"), Some(Tr::new("повторить", "retry"))),
    bind("detail.save_license", &[Char('L')], DetailAction::SaveLicense, Tr::new("скачать файл лицензий в папку загрузок", "download the license file to the downloads folder"), Some(Tr::new("скачать", "download"))),
    bind("detail.history", &[Char('h')], DetailAction::History, Tr::new("история активации (журнал изменений)", "the activation's history (audit log)"), Some(Tr::new("история", "history"))),
    bind("detail.copy_serial", &[Char('y')], DetailAction::CopySerial, Tr::new("скопировать серийный номер строки в буфер обмена", "copy the line's serial number (OSC 52)"), None),
    bind("detail.palette", &[Char(':')], DetailAction::Palette, Tr::new("команды: поиск действия, act №, sn СН, 1–9, q", "commands: find an action, act N, sn SERIAL, 1–9, q"), None),
    bind("detail.help", &[Char('?')], DetailAction::Help, Tr::new("справка", "help"), Some(Tr::new("справка", "help"))),
    bind("detail.back", &[Esc], DetailAction::Back, Tr::new("назад: сбросить поиск, затем к списку", "back: clear the search, then to the list"), Some(Tr::new("назад", "back"))),
    bind("detail.quit", &[Char('q')], DetailAction::Quit, Tr::new("выход (спросит, если что-то не отправлено)", "quit (asks when something is unsent)"), None),
];

#[derive(Debug, Clone, PartialEq)]
pub struct DetailScreen {
    pub number: i64,
    /// The list row we came from, shown until the full detail arrives (`None` when
    /// opened by number from the `:` palette: nothing to show before the answer).
    pub summary: Option<ActivationSummary>,
    pub detail: Option<ActivationDetail>,
    pub pending: Option<u64>,
    /// Serial substring filter over the lines.
    pub search: String,
    /// While editing: the text to go back to on Esc.
    pub search_before_edit: Option<String>,
    /// Index into the filtered lines.
    pub selected: usize,
}

impl DetailScreen {
    pub fn open(summary: ActivationSummary, ids: &mut RequestIds) -> (DetailScreen, Command) {
        DetailScreen::open_number(summary.number, Some(summary), ids)
    }

    /// Opens activation `number`, whether or not it is on the list's page.
    pub fn open_number(
        number: i64,
        summary: Option<ActivationSummary>,
        ids: &mut RequestIds,
    ) -> (DetailScreen, Command) {
        let mut screen = DetailScreen {
            number,
            summary,
            detail: None,
            pending: None,
            search: String::new(),
            search_before_edit: None,
            selected: 0,
        };
        let command = screen.fetch(ids);
        (screen, command)
    }

    pub fn fetch(&mut self, ids: &mut RequestIds) -> Command {
        let request_id = ids.next_id();
        self.pending = Some(request_id);
        Command::FetchDetail {
            request_id,
            number: self.number,
        }
    }

    pub fn editing(&self) -> bool {
        self.search_before_edit.is_some()
    }

    /// The shown summary: from the detail once it arrived.
    pub fn summary(&self) -> Option<&ActivationSummary> {
        self.detail
            .as_ref()
            .map(|d| &d.summary)
            .or(self.summary.as_ref())
    }

    /// Lines whose serial contains the search text.
    pub fn visible_lines(&self) -> Vec<&ActivationLine> {
        let needle = self.search.trim();
        self.detail
            .as_ref()
            .map(|d| {
                d.lines
                    .iter()
                    .filter(|l| l.serial.contains(needle))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn apply(&mut self, action: DetailAction, ids: &mut RequestIds) -> Vec<Command> {
        let last = self.visible_lines().len().saturating_sub(1);
        match action {
            DetailAction::Down => self.selected = (self.selected + 1).min(last),
            DetailAction::Up => self.selected = self.selected.saturating_sub(1),
            DetailAction::FirstLine => self.selected = 0,
            DetailAction::LastLine => self.selected = last,
            DetailAction::Search => self.search_before_edit = Some(self.search.clone()),
            DetailAction::Refresh => return vec![self.fetch(ids)],
            DetailAction::Help
            | DetailAction::Palette
            | DetailAction::CopySerial
            | DetailAction::Back
            | DetailAction::Quit
            | DetailAction::Retry
            | DetailAction::History
            | DetailAction::SaveLicense => {}
        }
        Vec::new()
    }

    /// Typing filters the lines at once; Enter keeps the text, Esc restores it.
    pub fn search_key(&mut self, event: &KeyEvent) {
        match event.code {
            KeyCode::Esc => {
                if let Some(before) = self.search_before_edit.take() {
                    self.search = before;
                }
            }
            KeyCode::Enter => self.search_before_edit = None,
            KeyCode::Backspace => {
                self.search.pop();
            }
            KeyCode::Char(c)
                if !event
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.search.push(c)
            }
            _ => {}
        }
        self.selected = self
            .selected
            .min(self.visible_lines().len().saturating_sub(1));
    }

    /// Pasted text goes into the serial search when it is open.
    pub fn paste(&mut self, text: &str) {
        if self.editing() {
            self.search.push_str(text);
            self.selected = self
                .selected
                .min(self.visible_lines().len().saturating_sub(1));
        }
    }

    /// The detail arrived (`None`: the request failed and what is shown stays).
    pub fn on_loaded(&mut self, request_id: u64, result: Option<ActivationDetail>) -> bool {
        if self.pending != Some(request_id) {
            return false;
        }
        self.pending = None;
        if let Some(detail) = result {
            let first = self.detail.is_none();
            self.summary = Some(detail.summary.clone());
            self.detail = Some(detail);
            // Opened on an activation that failed on one line of thousands: start there.
            if first
                && self.search.trim().is_empty()
                && let Some(at) = self.failed_line_index()
            {
                self.selected = at;
            }
            self.selected = self
                .selected
                .min(self.visible_lines().len().saturating_sub(1));
        }
        true
    }

    /// The serial the portal says the activation failed on, if any.
    pub fn failed_serial(&self) -> Option<&str> {
        self.summary()
            .and_then(|s| s.failure.as_ref())
            .map(|f| f.serial.as_str())
    }

    /// Where the failing line is among the visible lines.
    fn failed_line_index(&self) -> Option<usize> {
        let serial = self.failed_serial()?;
        self.visible_lines().iter().position(|l| l.serial == serial)
    }
}

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
}

/// Text marker per urgency, so the color is never the only signal.
pub(crate) fn urgency_marker(u: SubscriptionUrgency) -> &'static str {
    match u {
        SubscriptionUrgency::None => "",
        SubscriptionUrgency::Expired => "✕ ",
        SubscriptionUrgency::Under30Days => "‼ ",
        SubscriptionUrgency::Under90Days => "! ",
        SubscriptionUrgency::Later => "● ",
    }
}

fn label_line(label: Tr, lang: Lang, theme: &Theme, value: Vec<Span<'static>>) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{} ", label.get(lang)), theme.muted)];
    spans.extend(value);
    Line::from(spans)
}

pub fn view(
    screen: &DetailScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let Some(s) = screen.summary() else {
        // Opened by number: only the title until the answer comes.
        let title = i18n::activation_title(lang, screen.number, i18n::LOADING.get(lang));
        frame.render_widget(
            Paragraph::new(Span::styled(
                theme.glyphs.text(&title).into_owned(),
                theme.header,
            )),
            Rect::new(area.x, area.y, area.width, 1.min(area.height)),
        );
        return None;
    };
    let local_date = |t: chrono::DateTime<chrono::Utc>| {
        format_date(t.with_timezone(&chrono::Local).date_naive())
    };

    let mut title = vec![Span::styled(
        i18n::activation_title(lang, s.number, s.status.label(lang)),
        theme.header,
    )];
    if screen.pending.is_some() {
        title.push(Span::styled(
            format!("  {}", i18n::LOADING.get(lang)),
            theme.accent,
        ));
    }
    let mut dates = vec![Span::raw(local_date(s.created_at))];
    if let Some(done) = s.completed_at {
        dates.push(Span::styled(
            format!(" · {} ", i18n::DETAIL_COMPLETED.get(lang)),
            theme.muted,
        ));
        dates.push(Span::raw(local_date(done)));
    }
    let header_lines = vec![
        Line::from(title),
        label_line(
            i18n::DETAIL_ORGANIZATION,
            lang,
            theme,
            vec![Span::raw(format!(
                "{}, {} {}",
                s.organization.name,
                i18n::DETAIL_INN.get(lang),
                s.organization.inn
            ))],
        ),
        label_line(
            i18n::DETAIL_VENDOR,
            lang,
            theme,
            vec![Span::raw(s.vendor.id.name(lang))],
        ),
        label_line(
            i18n::DETAIL_SUM,
            lang,
            theme,
            vec![Span::raw(format!(
                "{} ({} {})",
                format_rub(s.total_cost, theme.glyphs.ascii),
                i18n::DETAIL_LICENSES.get(lang),
                s.license_count
            ))],
        ),
        label_line(
            i18n::DETAIL_STATUS,
            lang,
            theme,
            vec![Span::styled(s.status.label(lang), theme.status(s.status))],
        ),
        label_line(i18n::DETAIL_ORDERED, lang, theme, dates),
    ];
    let header_lines: Vec<Line> = header_lines
        .into_iter()
        .map(|line| theme.glyphs.line(line.spans))
        .collect();
    let header_height = u16::try_from(header_lines.len())
        .unwrap_or(0)
        .min(area.height);
    frame.render_widget(
        Paragraph::new(header_lines),
        Rect::new(area.x, area.y, area.width, header_height),
    );
    let mut y = area.y + header_height;

    // The error text, wrapped: up to a third of the screen (at least 3 rows, 240
    // characters at 80 columns), so the lines stay visible; anything longer ends with
    // `…`. In the UI's language from the portal's structured failure, and whether a
    // retry can help.
    if let Some(error) = i18n::activation::error_text(s, lang) {
        let outlook = s
            .failure
            .as_ref()
            .map(|f| format!(". {}", i18n::activation::retry_outlook(f, lang)))
            .unwrap_or_default();
        let text = theme
            .glyphs
            .text(&format!(
                "{} {error}{outlook}",
                i18n::DETAIL_ERROR.get(lang)
            ))
            .into_owned();
        let width = usize::from(area.width);
        let mut rows = wrap(&text, width);
        let room = usize::from((area.height / 3).max(3)).min(usize::from(area.bottom() - y));
        if rows.len() > room && room > 0 {
            // The last row shown takes the rest, cut with the mark.
            let rest = rows.split_off(room - 1).join(" ");
            rows.push(theme.glyphs.truncate(&rest, width));
        }
        let height = u16::try_from(rows.len()).unwrap_or(0);
        let lines: Vec<Line> = rows.into_iter().map(Line::from).collect();
        frame.render_widget(
            Paragraph::new(lines).style(theme.error),
            Rect::new(area.x, y, area.width, height),
        );
        y += height;
    }
    if y >= area.bottom() {
        return None;
    }

    let lines = screen.visible_lines();
    let total = screen.detail.as_ref().map(|d| d.lines.len()).unwrap_or(0);
    let search_field = [filter_bar::Field {
        label: i18n::DETAIL_SEARCH.get(lang).trim_end_matches(':'),
        value: if screen.search.is_empty() && !screen.editing() {
            i18n::FILTER_NONE.get(lang).to_string()
        } else {
            screen.search.clone()
        },
        max_width: 17,
        editing: screen.editing(),
    }];
    let shown = (screen.detail.is_some()).then(|| i18n::shown_of(lang, lines.len(), total));
    let input_cursor = filter_bar::render(
        &search_field,
        shown.as_deref().map(|t| (t, theme.muted)),
        theme,
        frame,
        Rect::new(area.x, y, area.width, 1),
    );
    y += 1;
    let table_area = Rect::new(area.x, y, area.width, area.bottom().saturating_sub(y));
    let row_cursor = draw_lines(screen, &lines, ctx, frame, table_area);
    if screen.editing() {
        input_cursor
    } else {
        row_cursor
    }
}

/// The failing line's mark (`✕ `) and the serial.
const W_SERIAL: u16 = 18;
const W_CURRENT: u16 = 16;
const W_NEW: u16 = 14;
const W_PRICE: u16 = 11;

fn draw_lines(
    screen: &DetailScreen,
    lines: &[&ActivationLine],
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let g = theme.glyphs;
    if area.height == 0 {
        return None;
    }
    let model_width = area
        .width
        .saturating_sub(W_SERIAL + W_CURRENT + W_NEW + W_PRICE + 4)
        .max(4);
    let widths = [
        Constraint::Length(W_SERIAL),
        Constraint::Length(model_width),
        Constraint::Length(W_CURRENT),
        Constraint::Length(W_NEW),
        Constraint::Length(W_PRICE),
    ];
    let header = Row::new(vec![
        // Two columns for the mark of the line that failed (see below).
        header_cell(
            &g,
            &format!("  {}", i18n::COL_SERIAL.get(lang)),
            W_SERIAL,
            false,
            None,
        ),
        header_cell(&g, i18n::COL_MODEL.get(lang), model_width, false, None),
        header_cell(
            &g,
            i18n::COL_CURRENT_UNTIL.get(lang),
            W_CURRENT,
            false,
            None,
        ),
        header_cell(&g, i18n::COL_NEW_UNTIL.get(lang), W_NEW, false, None),
        header_cell(&g, i18n::COL_PRICE.get(lang), W_PRICE, true, None),
    ])
    .style(theme.header);
    let visible = usize::from(area.height.saturating_sub(1));
    if lines.is_empty() || visible == 0 {
        frame.render_widget(Table::new(Vec::<Row>::new(), widths).header(header), area);
        if screen.detail.is_some() && area.height > 1 {
            let message = if screen.search.trim().is_empty() {
                i18n::DETAIL_NO_LINES
            } else {
                i18n::DETAIL_NO_MATCH
            };
            frame.render_widget(
                Paragraph::new(g.text(message.get(lang))).style(theme.muted),
                Rect::new(area.x, area.y + 1, area.width, 1),
            );
        }
        return None;
    }
    let selected = screen.selected.min(lines.len() - 1);
    let offset = scroll_offset(selected, visible);
    let rows: Vec<Row> = lines
        .iter()
        .map(|line| {
            let u = urgency(line.current_until, ctx.today);
            let current = match line.current_until {
                Some(date) => fit_cell(
                    &g,
                    &format!("{}{}", urgency_marker(u), format_date(date)),
                    W_CURRENT,
                    theme.urgency(u),
                    false,
                ),
                None => fit_cell(&g, g.dash, W_CURRENT, theme.muted, false),
            };
            // The line the activation failed on is marked (and red); whatever does not
            // fit its column ends with `…`.
            let failed = screen.failed_serial() == Some(line.serial.as_str());
            let fit = |text: &str, width: u16, style| fit_cell(&g, text, width, style, false);
            let (mark, style) = if failed {
                (
                    g.text(urgency_marker(SubscriptionUrgency::Expired)),
                    theme.error,
                )
            } else {
                ("  ".into(), theme.base)
            };
            let row = Row::new(vec![
                fit(&format!("{mark}{}", line.serial), W_SERIAL, style),
                fit(&line.model, model_width, theme.base),
                current,
                fit(&format_date(line.new_until), W_NEW, theme.base),
                fit_cell(
                    &g,
                    &format_rub(line.price, g.ascii),
                    W_PRICE,
                    theme.base,
                    true,
                ),
            ]);
            if failed { row.style(theme.error) } else { row }
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    Some(render_scrolled_table(
        frame, table, area, selected, offset, 1,
    ))
}
