//! Drawing the new-activation flow: the title and each step (the confirmation is a
//! dialog on the app's stack).
//! Only reads the flow.

mod precheck;
mod serials;

use super::{NewActivation, Pending, Step};
use crate::client::wire::Organization;
use crate::console::i18n;
use crate::console::theme::Theme;
use crate::console::widgets::{render_scrolled_table, scroll_offset, truncate};
use crate::domain::Lang;
use chrono::NaiveDate;
use precheck::view_precheck;
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use serials::view_serials;

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
        Paragraph::new(ctx.theme.glyphs.line(title)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    match flow.step {
        Step::Organization => view_organizations(flow, ctx, frame, body),
        Step::Offer => view_offer(flow, ctx, frame, body),
        Step::Serials => view_serials(flow, ctx, frame, body),
        Step::Precheck => view_precheck(flow, ctx, frame, body),
    }
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
            Paragraph::new(theme.glyphs.text(text.get(lang))).style(theme.muted),
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
            let line = theme.glyphs.line(spans);
            if line.width() > width {
                let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                Row::new(vec![Cell::from(theme.glyphs.truncate(&text, width))])
            } else {
                Row::new(vec![Cell::from(line)])
            }
        })
        .collect();
    let table_area = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let visible = usize::from(table_area.height).max(1);
    let selected = flow.org_cursor.min(rows.len() - 1);
    let offset = scroll_offset(selected, visible);
    let table = Table::new(rows, [Constraint::Fill(1)]).row_highlight_style(theme.selection);
    Some(render_scrolled_table(
        frame, table, table_area, selected, offset, 0,
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
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(lines)).wrap(Wrap { trim: true }),
        area,
    );
    None
}
