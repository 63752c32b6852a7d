//! Drawing the dialog on top of the stack: a centered box, its text wrapped (never
//! cut), and its buttons or list. The terminal cursor goes to the focused button or
//! field, which screen readers follow.

use super::{Button, ConfirmDialog, Dialog, Notice, PagePrompt, Picker, PricesDialog, StoryDialog};
use crate::console::i18n::{self, dialogs as tr};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, display_width, modal, wrap};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Widest a dialog's text gets (a little under 80 columns).
const MAX_TEXT: usize = 70;
const MIN_TEXT: usize = 36;

/// Draws `dialog` over the whole frame; returns where the cursor goes.
pub fn render(dialog: &Dialog, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    match dialog {
        Dialog::Confirm(d) => confirm(d, lang, theme, frame),
        Dialog::Notice(d) => notice(d, lang, theme, frame),
        Dialog::Picker(d) => picker(d, lang, theme, frame),
        Dialog::Page(d) => page(d, lang, theme, frame),
        Dialog::Story(d) => story(d, lang, theme, frame),
        Dialog::Prices(d) => prices(d, lang, theme, frame),
        Dialog::Url(d) => url(d, lang, theme, frame),
    }
}

/// The price list: a header row, the rows from the scroll position, a note.
fn prices(d: &PricesDialog, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let rows = d.lines(lang, g.ascii);
    let note = g.text(super::prices::NOTE.get(lang)).into_owned();
    let keys = g.text(tr::NOTICE_KEYS.get(lang)).into_owned();
    let texts: Vec<&str> = rows.iter().map(String::as_str).collect();
    let width = text_width(frame.area(), &texts);
    let room = usize::from(frame.area().height.saturating_sub(9)).max(1);
    let mut lines = vec![Line::from(Span::styled(
        g.text(&rows[0]).into_owned(),
        theme.header,
    ))];
    for row in rows.iter().skip(1 + d.scroll).take(room) {
        lines.push(Line::from(Span::styled(
            g.text(row).into_owned(),
            theme.base,
        )));
    }
    lines.push(Line::raw(""));
    lines.extend(paragraph_lines(&[note], width, theme.muted));
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    None
}

/// The webhook URL prompt: the label, the text typed so far (its end when it is
/// longer than the box) and the keys.
fn url(d: &super::UrlPrompt, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    use crate::console::i18n::webhooks as hooks;
    let g = &theme.glyphs;
    let label = g.text(hooks::ADD_LABEL.get(lang)).into_owned();
    let keys = g.text(hooks::ADD_KEYS.get(lang)).into_owned();
    let width = text_width(frame.area(), &[&label, &keys, &"x".repeat(60)]);
    let room = width.saturating_sub(1);
    let shown: String = {
        let chars: Vec<char> = d.input.chars().collect();
        chars[chars.len().saturating_sub(room)..].iter().collect()
    };
    let mut lines = vec![
        Line::from(Span::styled(label, theme.muted)),
        Line::from(Span::styled(g.text(&shown).into_owned(), theme.header)),
        Line::raw(""),
    ];
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    let col = display_width(&shown);
    Some(Position::new(
        inner.x + u16::try_from(col).unwrap_or(0).min(inner.width),
        inner.y + 1,
    ))
}

/// A serial's story: as wide as the frame allows (its lines are long), as tall as it
/// needs up to the frame, scrolled by the dialog.
fn story(d: &StoryDialog, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let area = frame.area();
    let width = usize::from(area.width.saturating_sub(6)).clamp(1, 100);
    let texts: Vec<String> = d
        .text(lang)
        .iter()
        .map(|t| g.text(t).into_owned())
        .collect();
    let style = if d.error.is_some() {
        theme.error
    } else {
        theme.base
    };
    let all: Vec<Line> = paragraph_lines(&texts, width, style);
    let keys = paragraph_lines(
        &[g.text(tr::STORY_KEYS.get(lang)).into_owned()],
        width,
        theme.muted,
    );
    let room = usize::from(area.height.saturating_sub(4))
        .saturating_sub(keys.len() + 1)
        .max(1);
    let first = d.scroll.min(all.len().saturating_sub(room));
    let mut lines: Vec<Line> = all.into_iter().skip(first).take(room).collect();
    lines.push(Line::raw(""));
    lines.extend(keys);
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    Some(Position::new(inner.x, inner.y))
}

/// The text width for `texts` in a frame `area` wide.
fn text_width(area: Rect, texts: &[&str]) -> usize {
    let room = usize::from(area.width.saturating_sub(4)).max(1);
    let widest = texts.iter().map(|t| display_width(t)).max().unwrap_or(0);
    widest.clamp(MIN_TEXT, MAX_TEXT).min(room)
}

/// A box for `rows` lines of `width` columns, centered; returns its inside.
fn open_box(frame: &mut Frame, title: &str, width: usize, rows: usize, theme: &Theme) -> Rect {
    let area = frame.area();
    let w = u16::try_from(width + 4).unwrap_or(u16::MAX);
    let h = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let rect = centered(area, w, h);
    let inner = modal(frame, rect, title, theme);
    Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    )
}

fn paragraph_lines(texts: &[String], width: usize, style: Style) -> Vec<Line<'static>> {
    texts
        .iter()
        .flat_map(|t| wrap(t, width))
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// `[ Cancel ]   [ Unbind ]`, the focused one in reverse video; the focused one's
/// column for the cursor.
fn buttons(labels: &[(String, bool)], theme: &Theme) -> (Line<'static>, u16) {
    let mut spans = Vec::new();
    let mut x = 0u16;
    let mut cursor = 0u16;
    for (i, (label, focused)) in labels.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("   "));
            x += 3;
        }
        let text = format!("[ {label} ]");
        if *focused {
            cursor = x + 2;
        }
        let style = if *focused {
            theme.selection
        } else {
            theme.base
        };
        x += u16::try_from(display_width(&text)).unwrap_or(0);
        spans.push(Span::styled(text, style));
    }
    (Line::from(spans), cursor)
}

fn confirm(d: &ConfirmDialog, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let mut texts: Vec<String> = d.lines.iter().map(|l| g.text(l).into_owned()).collect();
    let typed_prompt = d.typed.as_ref().map(|t| {
        g.text(&tr::typed_count_prompt(lang, t.expected))
            .into_owned()
    });
    let keys = g
        .text(if d.typed.is_some() {
            tr::TYPED_KEYS.get(lang)
        } else {
            tr::CONFIRM_KEYS.get(lang)
        })
        .into_owned();
    let mut all: Vec<&str> = texts.iter().map(String::as_str).collect();
    all.extend(typed_prompt.as_deref());
    all.push(&keys);
    let width = text_width(frame.area(), &all);
    let mut lines = paragraph_lines(&texts, width, theme.base);
    let mut field_row = None;
    if let (Some(prompt), Some(typed)) = (&typed_prompt, &d.typed) {
        lines.push(Line::raw(""));
        lines.extend(paragraph_lines(
            std::slice::from_ref(prompt),
            width,
            theme.accent,
        ));
        field_row = Some((lines.len(), display_width(&typed.input) + 2));
        lines.push(Line::from(vec![
            Span::styled("> ", theme.muted),
            Span::styled(typed.input.clone(), theme.header),
        ]));
    }
    if let Some(problem) = &d.problem {
        lines.extend(paragraph_lines(
            std::slice::from_ref(&g.text(problem).into_owned()),
            width,
            theme.error,
        ));
    }
    lines.push(Line::raw(""));
    let button_row = lines.len();
    let mut button_x = 0;
    if d.pending {
        lines.push(Line::from(Span::styled(
            i18n::SENDING.get(lang),
            theme.accent,
        )));
    } else {
        let (line, x) = buttons(
            &[
                (
                    g.text(d.cancel_label.as_deref().unwrap_or(tr::CANCEL.get(lang)))
                        .into_owned(),
                    d.focus == Button::Cancel,
                ),
                (
                    g.text(&d.confirm_label).into_owned(),
                    d.focus == Button::Confirm,
                ),
            ],
            theme,
        );
        button_x = x;
        lines.push(line);
    }
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    texts.clear();
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    let at = |row: usize, col: usize| {
        let y = inner.y + u16::try_from(row).unwrap_or(0);
        (y < inner.bottom()).then(|| Position::new(inner.x + u16::try_from(col).unwrap_or(0), y))
    };
    if d.pending {
        return None;
    }
    match field_row {
        Some((row, col))
            if d.focus == Button::Cancel && d.typed.as_ref().is_some_and(|t| !t.matches()) =>
        {
            at(row, col)
        }
        _ => at(button_row, usize::from(button_x)),
    }
}

fn notice(d: &Notice, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let text = g.text(&d.text).into_owned();
    let keys = g.text(tr::NOTICE_KEYS.get(lang)).into_owned();
    let width = text_width(frame.area(), &[&text, &keys]);
    let mut lines = paragraph_lines(&[text], width, theme.error);
    lines.push(Line::raw(""));
    let row = lines.len();
    let (line, x) = buttons(&[(tr::OK.get(lang).to_string(), true)], theme);
    lines.push(line);
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    let y = inner.y + u16::try_from(row).unwrap_or(0);
    (y < inner.bottom()).then(|| Position::new(inner.x + x, y))
}

/// Rows of the list shown at most.
const PICKER_ROWS: usize = 10;

fn picker(d: &Picker, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let visible = d.visible();
    let keys = g.text(tr::PICKER_KEYS.get(lang)).into_owned();
    let mut texts: Vec<&str> = d.items.iter().map(|(l, _)| l.as_str()).collect();
    texts.push(&keys);
    let width = text_width(frame.area(), &texts);
    let filter_label = format!("{} ", tr::PICKER_FILTER.get(lang));
    let mut lines = vec![Line::from(vec![
        Span::styled(filter_label.clone(), theme.muted),
        Span::styled(d.filter.clone(), theme.header),
    ])];
    let rows = PICKER_ROWS.min(usize::from(frame.area().height.saturating_sub(8)).max(1));
    let offset = (d.selected + 1).saturating_sub(rows);
    if visible.is_empty() {
        lines.push(Line::from(Span::styled(
            tr::PICKER_NO_MATCH.get(lang),
            theme.muted,
        )));
    }
    for (i, (label, _)) in visible.iter().enumerate().skip(offset).take(rows) {
        let text = g.truncate(label, width);
        let style = if i == d.selected {
            theme.selection
        } else {
            theme.base
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::raw(""));
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    let col = display_width(&filter_label) + display_width(&d.filter);
    Some(Position::new(
        inner.x + u16::try_from(col).unwrap_or(0).min(inner.width),
        inner.y,
    ))
}

fn page(d: &PagePrompt, lang: Lang, theme: &Theme, frame: &mut Frame) -> Option<Position> {
    let g = &theme.glyphs;
    let label = format!("{} ", g.text(&tr::page_range(lang, d.pages)));
    let keys = g.text(tr::PAGE_KEYS.get(lang)).into_owned();
    let width = text_width(frame.area(), &[&label, &keys]);
    let mut lines = vec![Line::from(vec![
        Span::styled(label.clone(), theme.muted),
        Span::styled(d.input.clone(), theme.header),
    ])];
    if let Some(problem) = &d.problem {
        lines.push(Line::from(Span::styled(
            g.text(problem).into_owned(),
            theme.error,
        )));
    }
    lines.push(Line::raw(""));
    lines.extend(paragraph_lines(&[keys], width, theme.muted));
    let inner = open_box(frame, &d.title, width, lines.len(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
    let col = display_width(&label) + display_width(&d.input);
    Some(Position::new(
        inner.x + u16::try_from(col).unwrap_or(0).min(inner.width),
        inner.y,
    ))
}
