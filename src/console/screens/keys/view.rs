//! Drawing the keys & offline screen: the section line, the form with live checks, and
//! the section's result (license, request text, import).

use super::{Field, FieldCheck, KeysScreen, Section};
use crate::console::i18n::keys as tr;
use crate::console::theme::Theme;
use crate::console::widgets::{display_width, truncate, wrap};
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    /// The token's role, once known: the online form says up front when it may not
    /// be submitted.
    pub role: Option<crate::client::wire::Role>,
}

const LABEL_WIDTH: usize = 26;
const VALUE_WIDTH: usize = 30;

pub fn view(
    screen: &KeysScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let mut spans = Vec::new();
    for (i, (key, section, name)) in [
        ("F2", Section::Online, tr::SECTION_ONLINE),
        ("F3", Section::Request, tr::SECTION_REQUEST),
        ("F4", Section::Import, tr::SECTION_IMPORT),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            spans.push(Span::styled(format!(" {} ", theme.glyphs.dot), theme.muted));
        }
        let style = if screen.section == section {
            theme.selection
        } else {
            theme.muted
        };
        spans.push(Span::styled(format!("{key} {}", name.get(lang)), style));
    }
    frame.render_widget(
        Paragraph::new(theme.glyphs.line(spans)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    if screen.section == Section::Online
        && let Some(role) = ctx
            .role
            .filter(|r| !crate::console::roles::may(Some(*r), "keys.install"))
    {
        let note = crate::console::roles::keys_online_note(lang, role);
        frame.render_widget(
            Paragraph::new(
                theme
                    .glyphs
                    .text(&truncate(&note, usize::from(area.width)))
                    .into_owned(),
            )
            .style(theme.error),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
    }
    let body = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    match screen.section {
        Section::Import => draw_import(screen, ctx, frame, body),
        _ => draw_form(screen, ctx, frame, body),
    }
}

fn draw_form(
    screen: &KeysScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let width = usize::from(area.width);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (row, field) in Field::ALL.iter().enumerate() {
        let focused = screen.form.focus == *field;
        let label = format!("{}:", tr::field_label(lang, *field));
        let value = screen.form.value(*field);
        let shown = if focused {
            tail(value, VALUE_WIDTH - 1)
        } else {
            truncate(value, VALUE_WIDTH)
        };
        let pad = VALUE_WIDTH.saturating_sub(display_width(&shown));
        let check = match screen.form.check(*field, lang) {
            FieldCheck::Ok => Span::styled(" ✓", theme.status_done),
            FieldCheck::Empty => Span::raw(""),
            FieldCheck::Problem(p) => Span::styled(
                truncate(
                    &format!(" ✕ {p}"),
                    width.saturating_sub(LABEL_WIDTH + VALUE_WIDTH),
                ),
                theme.error,
            ),
        };
        let label_style = if focused { theme.accent } else { theme.muted };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}{}",
                    truncate(&label, LABEL_WIDTH - 1),
                    " ".repeat(
                        LABEL_WIDTH
                            .saturating_sub(display_width(&truncate(&label, LABEL_WIDTH - 1))),
                    )
                ),
                label_style,
            ),
            Span::styled(
                format!("{shown}{}", " ".repeat(pad)),
                if focused { theme.input } else { theme.base },
            ),
            check,
        ]));
        if focused {
            let x = (LABEL_WIDTH + display_width(&shown)).min(width.saturating_sub(1));
            cursor = Some(Position::new(area.x + x as u16, area.y + row as u16));
        }
    }
    // The focused field's problem in full (the line above may cut it).
    if let FieldCheck::Problem(p) = screen.form.check(screen.form.focus, lang) {
        lines.push(Line::from(Span::styled(truncate(&p, width), theme.error)));
    } else {
        lines.push(Line::from(""));
    }
    let action = match screen.section {
        Section::Online => tr::ONLINE_ACTION,
        _ => tr::REQUEST_ACTION,
    };
    lines.push(Line::from(Span::styled(
        truncate(action.get(lang), width),
        theme.accent,
    )));
    if let Some(error) = &screen.error {
        lines.push(Line::from(Span::styled(error.clone(), theme.error)));
    }
    match screen.section {
        Section::Online => {
            if let Some(license) = &screen.license {
                lines.push(Line::from(Span::styled(
                    tr::activated(lang, &license.product.name, license.seats),
                    theme.status_done,
                )));
                lines.push(Line::from(truncate(
                    &tr::license_line(
                        lang,
                        &license.product.name,
                        license.seats,
                        &license.installation.serial,
                        &license.organization.name,
                    ),
                    width,
                )));
                lines.push(Line::from(Span::styled(
                    tr::SAVE_HINT.get(lang),
                    theme.muted,
                )));
            }
        }
        _ => {
            if let Some(path) = &screen.request_path {
                lines.push(Line::from(Span::styled(
                    truncate(&tr::written_to(lang, path), width),
                    theme.status_done,
                )));
            }
            if let Some(text) = &screen.request_text {
                for line in text.lines() {
                    lines.push(Line::from(truncate(line, width)));
                }
            }
        }
    }
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(lines)).wrap(Wrap { trim: false }),
        area,
    );
    cursor
}

fn draw_import(
    screen: &KeysScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    let width = usize::from(area.width);
    let request = match &screen.request {
        Some(r) => {
            let mut text = tr::request_summary(lang, r.key.as_str(), &r.installation.serial);
            if let Some(path) = &screen.request_path {
                text.push_str(&format!(" ({})", path.display()));
            }
            Span::raw(text)
        }
        None => Span::styled(tr::REQUEST_NONE.get(lang), theme.muted),
    };
    let label = format!("{} ", tr::PENDING_REQUEST.get(lang));
    frame.render_widget(
        Paragraph::new(
            theme
                .glyphs
                .line(vec![Span::styled(label, theme.muted), request]),
        ),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let path_label = format!("{} ", tr::FILE_LABEL.get(lang));
    let room = width.saturating_sub(display_width(&path_label) + 1);
    let shown = tail(&screen.import_path, room);
    let style = if screen.path_focused {
        theme.input
    } else {
        theme.base
    };
    frame.render_widget(
        Paragraph::new(theme.glyphs.line(vec![
            Span::styled(path_label.clone(), theme.muted),
            Span::styled(shown.clone(), style),
        ])),
        Rect::new(area.x, area.y + 1, area.width, 1),
    );
    // The refusal of an import wraps under the action line (up to 4 lines), so a
    // long reason is read whole.
    let error_lines: Vec<String> = screen
        .error
        .as_deref()
        .map(|e| {
            wrap(&theme.glyphs.text(e), width)
                .into_iter()
                .take(4)
                .collect()
        })
        .unwrap_or_default();
    let footer_rows: u16 = 1 + u16::try_from(error_lines.len().max(1)).unwrap_or(1);
    let text_height = area.height.saturating_sub(2 + footer_rows).max(3);
    let text_area = Rect::new(area.x, area.y + 2, area.width, text_height);
    if screen.path_focused {
        // Typing goes into the path: the response shows no cursor of its own, so only
        // one field looks focused.
        let mut response = screen.response.0.clone();
        response.set_cursor_style(theme.base);
        frame.render_widget(&response, text_area);
    } else {
        frame.render_widget(&screen.response.0, text_area);
    }
    let mut footer = vec![Line::from(Span::styled(
        truncate(tr::IMPORT_ACTION.get(lang), width),
        theme.accent,
    ))];
    if !error_lines.is_empty() {
        for line in error_lines {
            footer.push(Line::from(Span::styled(line, theme.error)));
        }
    } else if let Some(done) = &screen.installed {
        footer.push(Line::from(Span::styled(
            truncate(&tr::installed(lang, &done.product, done.seats), width),
            theme.status_done,
        )));
    }
    let y = (text_area.bottom()).min(area.bottom().saturating_sub(footer_rows));
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(footer)),
        Rect::new(area.x, y, area.width, footer_rows.min(area.bottom() - y)),
    );
    if screen.path_focused {
        let x = display_width(&path_label) + display_width(&shown);
        Some(Position::new(
            area.x + (x.min(width.saturating_sub(1))) as u16,
            area.y + 1,
        ))
    } else {
        None
    }
}

/// The last `max` characters of `text` (so the cursor end stays visible).
fn tail(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars[chars.len().saturating_sub(max)..].iter().collect()
}
