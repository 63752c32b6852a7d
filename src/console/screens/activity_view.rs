//! Drawing the Activity screen (`activity.rs`): a title with the filters in force, the
//! list (when, who, action, object, organization), the page line, and the detail pane
//! of the selected change — its request and each field before → after.

use super::activity::ActivityScreen;
use super::audit::change_lines;
use crate::client::events::Event;
use crate::console::i18n::{self, activity as tr};
use crate::console::theme::Theme;
use crate::domain::Lang;
use crate::domain::text::inert;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    /// Organization names for the filter line.
    pub organizations: &'a [crate::client::wire::Organization],
}

/// The filters in force, «Организация: АЛЬСТЕР · Действие: место привязано · …», or
/// empty.
pub fn filter_line(screen: &ActivityScreen, ctx: &ViewContext) -> String {
    let lang = ctx.lang;
    let q = &screen.query;
    let mut parts = Vec::new();
    if let Some(id) = q.organization {
        let name = ctx
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| id.to_string(), |o| o.name.clone());
        parts.push(format!("{}: {name}", i18n::FILTER_ORGANIZATION.get(lang)));
    }
    if let Some(action) = &q.action {
        let shown = tr::action(lang, action);
        parts.push(format!("{}: {shown}", tr::FILTER_ACTION.get(lang)));
    }
    if let Some(kind) = &q.object_kind {
        let shown = tr::kind(lang, kind);
        parts.push(format!("{}: {shown}", tr::FILTER_KIND.get(lang)));
    }
    if let Some(days) = screen.period {
        let shown = tr::period(lang, days);
        parts.push(format!("{}: {shown}", tr::FILTER_PERIOD.get(lang)));
    }
    if let Some(actor) = &q.actor {
        parts.push(format!("{}: {actor}", tr::FILTER_ACTOR.get(lang)));
    }
    inert(&parts.join(" · ")).into_owned()
}

fn moment(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

/// A cell cut to `width` display columns (with `…`) and padded to it.
fn cell(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = text.width();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if total > width && used + w + 1 > width {
            out.push('…');
            used += 1;
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// One line per event (the header first), columns cut to fit `width`.
pub fn lines(screen: &ActivityScreen, lang: Lang, width: usize) -> Vec<String> {
    let Some(page) = &screen.page else {
        return Vec::new();
    };
    let headers = tr::COLUMNS.map(|c| c.get(lang).to_string());
    let rows: Vec<[String; 5]> = page
        .items
        .iter()
        .map(|e| {
            [
                moment(e.at),
                inert(&e.actor).into_owned(),
                tr::action(lang, &e.action),
                inert(&e.object).into_owned(),
                e.organization
                    .as_ref()
                    .map_or_else(|| "—".into(), |o| inert(&o.name).into_owned()),
            ]
        })
        .collect();
    // When keeps its width; the rest share what is left, the action the most (its
    // words are long), the object enough for `activation:12345`.
    let when = 19;
    let rest = width.saturating_sub(when + 4);
    let widths = [when, rest / 4, rest * 3 / 10, rest / 4, rest / 5];
    std::iter::once(headers)
        .chain(rows)
        .map(|row| {
            row.iter()
                .zip(widths)
                .map(|(text, w)| cell(text, w))
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The detail pane's lines: the change in one line, its request, then each field.
pub fn detail_lines(event: &Event, lang: Lang) -> Vec<String> {
    let request = match &event.request_id {
        Some(id) => format!("{} {id}", tr::REQUEST.get(lang)),
        None => tr::NO_REQUEST.get(lang).to_string(),
    };
    let organization = event
        .organization
        .as_ref()
        .map_or_else(String::new, |o| format!(" · {}", o.name));
    let mut out = vec![
        format!(
            "№ {} · {} · {} · {} ({}) · {}{organization}",
            event.id,
            moment(event.at),
            event.actor,
            tr::action(lang, &event.action),
            event.action,
            event.object
        ),
        format!(
            "{request} · {} → {}",
            tr::BEFORE.get(lang),
            tr::AFTER.get(lang)
        ),
    ];
    let changes = change_lines(event.before.as_ref(), event.after.as_ref(), lang);
    if changes.is_empty() {
        out.push(format!("  {}", tr::NO_CHANGES.get(lang)));
    }
    out.extend(changes.into_iter().map(|c| format!("  {c}")));
    out.into_iter().map(|l| inert(&l).into_owned()).collect()
}

/// Draws the screen; the cursor sits on the selected row.
pub fn view(
    screen: &ActivityScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let theme = ctx.theme;
    if area.height < 6 {
        return None;
    }
    let lang = ctx.lang;
    let filters = filter_line(screen, ctx);
    let mut title = vec![Span::styled(tr::TITLE.get(lang), theme.header)];
    if !filters.is_empty() {
        title.push(Span::styled(format!(" · {filters}"), theme.muted));
    }
    frame.render_widget(
        Paragraph::new(Line::from(title)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 2, area.width, area.height - 2);
    let message = |text: &str, style| {
        Paragraph::new(Line::from(Span::styled(
            theme.glyphs.text(text).into_owned(),
            style,
        )))
    };
    if let Some(error) = &screen.error {
        frame.render_widget(message(&inert(error), theme.error), body);
        return None;
    }
    let rows = lines(screen, lang, usize::from(area.width));
    if rows.len() <= 1 {
        let text = if screen.loading() || screen.page.is_none() {
            tr::LOADING
        } else {
            tr::EMPTY
        };
        frame.render_widget(message(text.get(lang), theme.muted), body);
        return None;
    }
    // The list takes what the detail pane (up to 8 lines and a blank) leaves.
    let detail = screen
        .selected_event()
        .map(|e| detail_lines(e, lang))
        .unwrap_or_default();
    let pane = detail.len().min(8).min(usize::from(body.height) / 2) as u16;
    // The header, the rows and the page line; the pane right under them.
    let wanted = u16::try_from(rows.len() + 1).unwrap_or(u16::MAX);
    let list_height = wanted.min(body.height.saturating_sub(pane + 1));
    let visible = usize::from(list_height).saturating_sub(2);
    let first = screen.selected.saturating_sub(visible.saturating_sub(1));
    let mut drawn = vec![Line::from(Span::styled(
        theme.glyphs.text(&rows[0]).into_owned(),
        theme.header,
    ))];
    let mut cursor = None;
    for (i, text) in rows.iter().skip(1).enumerate().skip(first).take(visible) {
        let text = theme.glyphs.text(text).into_owned();
        let style = if i == screen.selected {
            cursor = Some(Position::new(body.x, body.y + 1 + (i - first) as u16));
            theme.selection
        } else {
            theme.base
        };
        let pad = usize::from(body.width).saturating_sub(text.width());
        drawn.push(Line::from(Span::styled(
            format!("{text}{}", " ".repeat(pad)),
            style,
        )));
    }
    let more = screen.page.as_ref().is_some_and(|p| p.next.is_some());
    drawn.push(Line::from(Span::styled(
        tr::page_line(lang, screen.page_number(), more),
        theme.muted,
    )));
    frame.render_widget(
        Paragraph::new(drawn),
        Rect::new(body.x, body.y, body.width, list_height),
    );
    let pane_lines: Vec<Line> = detail
        .iter()
        .take(usize::from(pane))
        .enumerate()
        .map(|(i, text)| {
            let style = if i == 0 { theme.header } else { theme.base };
            Line::from(Span::styled(theme.glyphs.text(text).into_owned(), style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(pane_lines),
        Rect::new(body.x, body.y + list_height + 1, body.width, pane),
    );
    cursor
}
