//! The filter bar above a table: `Label: value` fields on one line; one field may be a
//! one-line text input, which then owns the terminal cursor.

use super::display_width;
use crate::client::wire::Organization;
use crate::console::i18n;
use crate::console::theme::Theme;
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub struct Field {
    pub label: &'static str,
    pub value: String,
    /// Columns the value may take before it is cut with `…`.
    pub max_width: usize,
    /// Being typed into: drawn as an input, and the cursor goes after its text.
    pub editing: bool,
}

/// The organization filter's value: the organization's name, `#id` when the list of
/// organizations does not know it, `all` without a filter.
pub fn organization_value(organizations: &[Organization], id: Option<i64>, all: &str) -> String {
    match id {
        None => all.to_string(),
        Some(id) => organizations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| format!("#{id}")),
    }
}

/// The search field's value and whether it is being typed: the open input's text,
/// else the search in force (or «none»).
pub fn search_value(input: Option<&String>, q: Option<&String>, lang: Lang) -> (String, bool) {
    match input {
        Some(text) => (text.clone(), true),
        None => (
            q.cloned()
                .unwrap_or_else(|| i18n::FILTER_NONE.get(lang).to_string()),
            false,
        ),
    }
}

/// Draws the fields separated by ` · ` and, at the right edge, `right` (e.g. the
/// loading indicator). Returns where the cursor belongs when a field is being edited.
pub fn render(
    fields: &[Field],
    right: Option<(&str, ratatui::style::Style)>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let g = theme.glyphs;
    let mut spans = Vec::new();
    let mut cursor = None;
    let mut x = 0usize;
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(format!(" {} ", g.dot), theme.muted));
            x += 3;
        }
        let label = format!("{}: ", g.text(field.label));
        x += display_width(&label);
        spans.push(Span::styled(label, theme.muted));
        if field.editing {
            // Show the end of what is typed, so the cursor stays visible.
            let text = tail(&g.text(&field.value), field.max_width.saturating_sub(1));
            let width = display_width(&text);
            cursor = Some(x + width);
            let pad = field.max_width.saturating_sub(width);
            spans.push(Span::styled(
                format!("{text}{}", " ".repeat(pad)),
                theme.input,
            ));
            x += width + pad;
        } else {
            let text = g.truncate(&field.value, field.max_width);
            x += display_width(&text);
            spans.push(Span::styled(text, theme.accent));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some((text, style)) = right {
        let text = &*g.text(text);
        let width = u16::try_from(display_width(text)).unwrap_or(u16::MAX);
        if width < area.width && usize::from(area.width - width) > x + 1 {
            let rect = Rect::new(area.x + area.width - width, area.y, width, 1);
            frame.render_widget(Paragraph::new(Span::styled(text.to_string(), style)), rect);
        }
    }
    cursor.map(|cx| {
        Position::new(
            area.x
                .saturating_add(u16::try_from(cx).unwrap_or(u16::MAX))
                .min(area.right().saturating_sub(1)),
            area.y,
        )
    })
}

/// The last `max` columns of `text`.
fn tail(text: &str, max: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for ch in text.chars().rev() {
        let w = display_width(ch.encode_utf8(&mut buf));
        if used + w > max {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.iter().rev().collect()
}
