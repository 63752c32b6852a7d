//! Drawing the new-activation flow: the title and each step (the confirmation is a
//! dialog on the app's stack).
//! Only reads the flow.

mod precheck;
mod serials;

use super::{FlowAction, NewActivation, OFFER_BINDINGS, Pending, Step};
use crate::client::wire::Organization;
use crate::console::i18n;
use crate::console::keymap::Keymap;
use crate::console::theme::Theme;
use crate::console::widgets::{display_width, render_scrolled_table, scroll_offset};
use crate::domain::Lang;
use chrono::NaiveDate;
pub use precheck::page_rows;
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
    /// For the keys named in the texts (the offer's).
    pub keymap: &'a Keymap,
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
    // The precheck table's position at the right: «строка 5 из 10 000».
    let position = (flow.step == Step::Precheck && !flow.rows.is_empty()).then(|| {
        let row = flow.cursor.min(flow.rows.len() - 1) + 1;
        ctx.theme
            .glyphs
            .text(&i18n::new_activation::row_of(lang, row, flow.rows.len()))
            .into_owned()
    });
    let position_width = position.as_deref().map(display_width).unwrap_or(0);
    let mut title = vec![
        Span::styled(i18n::SCREEN_NEW_ACTIVATION.get(lang), theme.header),
        Span::styled(" · ", theme.muted),
        Span::styled(flow.step_title().get(lang), theme.header),
    ];
    if let Some(org) = &flow.organization
        && flow.step != Step::Organization
    {
        // Widths as drawn: ASCII mode transliterates (Щ is four letters there).
        let g = theme.glyphs;
        let used: usize = title
            .iter()
            .map(|s| display_width(&g.text(&s.content)))
            .sum::<usize>()
            + 3;
        let loading = if flow.pending.is_some() {
            display_width(&g.text(i18n::LOADING.get(lang))) + 2
        } else {
            0
        };
        let room = usize::from(area.width)
            .saturating_sub(used + loading + position_width + usize::from(position_width > 0) * 2);
        title.push(Span::styled(" · ", theme.muted));
        title.push(Span::raw(g.truncate(
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
    let title_area = Rect::new(
        area.x,
        area.y,
        area.width
            .saturating_sub(u16::try_from(position_width + 2).unwrap_or(u16::MAX)),
        1,
    );
    frame.render_widget(Paragraph::new(ctx.theme.glyphs.line(title)), title_area);
    if let Some(position) = position {
        let width = u16::try_from(position_width)
            .unwrap_or(u16::MAX)
            .min(area.width);
        frame.render_widget(
            Paragraph::new(Span::styled(position, theme.muted)),
            Rect::new(area.right() - width, area.y, width, 1),
        );
    }
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
                // The invoice that blocks, by number, when one does (issue 17).
                let why = match &o.blocked_by {
                    Some(invoice) => {
                        format!("{} {}", i18n::invoices::UNPAID.get(lang), invoice.number)
                    }
                    None => i18n::ACTIVATION_BLOCKED.get(lang).to_string(),
                };
                spans.push(Span::styled(format!(" · ✕ {why}"), theme.error));
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
    let selected = flow.org_cursor.min(rows.len() - 1);
    // The selected organization is blocked: the portal's reason, in full, under the list.
    let reason = ctx
        .organizations
        .get(selected)
        .filter(|o| o.activation_blocked)
        .map(|o| {
            format!(
                "{}. {}",
                i18n::activation::blocked_for(lang, o),
                i18n::activation::BLOCKED_HINT.get(lang)
            )
        });
    let reason_rows = reason.as_ref().map_or(0, |text| {
        let width = usize::from(area.width.max(1));
        u16::try_from(crate::console::widgets::display_width(text).div_ceil(width) + 1)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2) / 2)
    });
    if let Some(text) = &reason {
        let rows = reason_rows.saturating_sub(1);
        frame.render_widget(
            Paragraph::new(theme.glyphs.text(text).into_owned())
                .style(theme.error)
                .wrap(Wrap { trim: true }),
            Rect::new(area.x, area.bottom() - rows, area.width, rows),
        );
    }
    let table_area = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(1 + reason_rows),
    );
    let visible = usize::from(table_area.height).max(1);
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
    // The text names the key that really accepts (Enter, or the config's override).
    let key = |action| {
        OFFER_BINDINGS
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| ctx.keymap.keys(b).first())
            .map(|k| k.label())
            .unwrap_or_default()
    };
    let accept = key(FlowAction::Accept);
    let mut lines = vec![
        Line::raw(""),
        Line::raw(i18n::offer_text(lang, &accept)),
        Line::raw(""),
    ];
    if flow.pending == Some(Pending::AcceptOffer) {
        lines.push(Line::styled(i18n::SENDING.get(lang), theme.accent));
    } else {
        lines.push(Line::styled(
            i18n::offer_confirm(lang, &accept, &key(FlowAction::Back)),
            theme.accent,
        ));
    }
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(lines)).wrap(Wrap { trim: true }),
        area,
    );
    None
}
