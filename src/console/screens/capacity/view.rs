//! Drawing the license information: the product in front as a panel with gauges, and the
//! emergency-license modal.

use super::{CapacityScreen, EMERGENCY_MAX};
use crate::client::wire::{Organization, ProductCapacity};
use crate::console::i18n::{self, capacity as tr};
use crate::console::theme::Theme;
use crate::console::widgets::{centered, modal};
use crate::domain::Lang;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub today: NaiveDate,
    pub organizations: &'a [Organization],
    /// Mirror mode: writes waiting in the outbox (a queued emergency request shows).
    pub outbox: &'a [crate::mirror::OutboxItem],
}

/// The panel's text lines (without the gauges), as a test or a screen reader reads them.
pub fn panel_lines(p: &ProductCapacity, lang: Lang, today: NaiveDate) -> Vec<String> {
    let mut lines = Vec::new();
    lines.push(match p.support_until {
        Some(until) => tr::support_until(lang, until, (until - today).num_days()),
        None => tr::NO_SUPPORT.get(lang).to_string(),
    });
    lines.push(tr::accounts(lang, p.accounts_used, p.accounts_max));
    lines.push(tr::external(lang, p.external_connections_max));
    if p.lite {
        lines.push(tr::LITE.get(lang).to_string());
    }
    match &p.emergency {
        Some(e) => {
            let state = if e.active {
                tr::EMERGENCY_ACTIVE
            } else {
                tr::EMERGENCY_LAPSED
            };
            lines.push(tr::emergency_period(
                lang,
                e.valid_from,
                e.valid_until,
                state.get(lang),
            ));
            lines.push(tr::emergency_accounts(
                lang,
                e.accounts_used,
                e.accounts_max,
            ));
        }
        None => lines.push(tr::NO_EMERGENCY.get(lang).to_string()),
    }
    if p.accounts_blocked > 0 {
        lines.push(tr::blocked(lang, p.accounts_blocked));
    }
    lines.push(if p.emergency_available {
        tr::EMERGENCY_HOW.get(lang).to_string()
    } else {
        tr::refused(
            lang,
            p.emergency_refusal
                .as_deref()
                .unwrap_or(tr::EMERGENCY_UNAVAILABLE.get(lang)),
        )
    });
    lines
}

/// A usage bar: a block gauge, or `[#####-----] 20/30` in ASCII mode.
fn draw_gauge(frame: &mut Frame, area: Rect, used: u32, max: u32, theme: &Theme) {
    if theme.glyphs.ascii {
        let label = format!(" {used}/{max}");
        let inner = usize::from(area.width).saturating_sub(label.len() + 2);
        let filled = if max == 0 {
            0
        } else {
            (inner * usize::try_from(used.min(max)).unwrap_or(0))
                / usize::try_from(max).unwrap_or(1)
        };
        let text = format!(
            "[{}{}]{label}",
            "#".repeat(filled),
            "-".repeat(inner - filled)
        );
        frame.render_widget(Paragraph::new(text).style(theme.accent), area);
    } else {
        frame.render_widget(gauge(used, max, theme), area);
    }
}

fn gauge(used: u32, max: u32, theme: &Theme) -> Gauge<'static> {
    let ratio = if max == 0 {
        0.0
    } else {
        (f64::from(used) / f64::from(max)).clamp(0.0, 1.0)
    };
    let style = if used >= max {
        theme.urgency_under30
    } else {
        theme.accent
    };
    Gauge::default()
        .ratio(ratio)
        .label(format!("{used}/{max}"))
        .gauge_style(style)
}

pub fn view(
    screen: &CapacityScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    if area.height < 4 {
        return None;
    }
    let width = usize::from(area.width);
    let org = screen
        .organization
        .and_then(|id| ctx.organizations.iter().find(|o| o.id == id))
        .map(|o| o.name.clone())
        .or_else(|| screen.info.as_ref().map(|i| i.organization.name.clone()))
        .unwrap_or_else(|| i18n::FILTER_NONE.get(lang).to_string());
    let mut head = vec![
        Span::styled(
            format!("{} ", i18n::DETAIL_ORGANIZATION.get(lang)),
            theme.muted,
        ),
        Span::styled(theme.glyphs.truncate(&org, 40), theme.accent),
    ];
    if screen.pending.is_some() {
        head.push(Span::styled(
            format!("  {}", i18n::LOADING.get(lang)),
            theme.accent,
        ));
    }
    frame.render_widget(
        Paragraph::new(theme.glyphs.line(head)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let mut tabs = Vec::new();
    for (i, p) in screen.products().iter().enumerate() {
        if i > 0 {
            tabs.push(Span::styled(format!(" {} ", theme.glyphs.dot), theme.muted));
        }
        let style = if i == screen.selected {
            theme.selection
        } else {
            theme.muted
        };
        tabs.push(Span::styled(p.product.name.clone(), style));
    }
    frame.render_widget(
        Paragraph::new(theme.glyphs.line(tabs)),
        Rect::new(area.x, area.y + 1, area.width, 1),
    );
    let mut y = area.y + 3;
    let Some(product) = screen.selected_product() else {
        if screen.info.is_some() {
            frame.render_widget(
                Paragraph::new(theme.glyphs.text(tr::NO_PRODUCTS.get(lang))).style(theme.muted),
                Rect::new(area.x, y.min(area.bottom() - 1), area.width, 1),
            );
        }
        return None;
    };
    let lines = panel_lines(product, lang, ctx.today);
    let put = |frame: &mut Frame, text: &str, style, y: &mut u16| {
        if *y < area.bottom() {
            frame.render_widget(
                Paragraph::new(Span::styled(theme.glyphs.truncate(text, width), style)),
                Rect::new(area.x, *y, area.width, 1),
            );
            *y += 1;
        }
    };
    put(frame, &product.product.name, theme.header, &mut y);
    let support_style = match product.support_until {
        Some(until) if until < ctx.today => theme.urgency_expired,
        Some(_) => theme.base,
        None => theme.error,
    };
    put(frame, &lines[0], support_style, &mut y);
    put(frame, &lines[1], theme.base, &mut y);
    if y < area.bottom() {
        let w = area.width.min(40);
        draw_gauge(
            frame,
            Rect::new(area.x + 2, y, w.saturating_sub(2), 1),
            product.accounts_used,
            product.accounts_max,
            theme,
        );
        y += 1;
    }
    let mut rest = lines[2..].iter();
    put(
        frame,
        rest.next().map(String::as_str).unwrap_or(""),
        theme.base,
        &mut y,
    );
    if product.lite {
        put(
            frame,
            rest.next().map(String::as_str).unwrap_or(""),
            theme.accent,
            &mut y,
        );
    }
    y += 1;
    put(frame, tr::EMERGENCY_HEADER.get(lang), theme.header, &mut y);
    if let Some(e) = &product.emergency {
        let style = if e.active { theme.base } else { theme.muted };
        put(
            frame,
            rest.next().map(String::as_str).unwrap_or(""),
            style,
            &mut y,
        );
        put(
            frame,
            rest.next().map(String::as_str).unwrap_or(""),
            theme.base,
            &mut y,
        );
        if y < area.bottom() {
            let w = area.width.min(40);
            draw_gauge(
                frame,
                Rect::new(area.x + 2, y, w.saturating_sub(2), 1),
                e.accounts_used,
                e.accounts_max,
                theme,
            );
            y += 1;
        }
    } else {
        put(
            frame,
            rest.next().map(String::as_str).unwrap_or(""),
            theme.muted,
            &mut y,
        );
    }
    for line in rest {
        let style = if line.starts_with(tr::BLOCKED_PREFIX.get(lang)) {
            theme.error
        } else {
            theme.muted
        };
        put(frame, line, style, &mut y);
    }
    let organization = screen.info.as_ref().map(|i| i.organization.id);
    let queued = ctx.outbox.iter().any(|item| {
        item.state == crate::mirror::OutboxState::Pending
            && matches!(&item.action, crate::mirror::OutboxAction::Emergency { request }
                if Some(request.organization) == organization
                    && request.product == product.product.id)
    });
    if queued {
        put(
            frame,
            crate::console::i18n::sync::EMERGENCY_QUEUED.get(lang),
            theme.status_in_progress,
            &mut y,
        );
    }
    if let Some(m) = &screen.emergency {
        draw_modal(m, &product.product.name, lang, theme, frame, area);
    }
    None
}

fn draw_modal(
    m: &super::EmergencyModal,
    product: &str,
    lang: Lang,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let rect = centered(area, 72, 15);
    let inner = modal(frame, rect, tr::MODAL_TITLE.get(lang), theme);
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(Span::styled(
            theme
                .glyphs
                .truncate(&tr::modal_product(lang, product), width),
            theme.accent,
        )),
        Line::from(Span::styled(tr::RULES.get(lang), theme.muted)),
        Line::from(""),
        Line::from(tr::accounts_choice(lang, m.accounts, EMERGENCY_MAX)),
    ];
    if let Some(error) = &m.error {
        lines.push(Line::from(Span::styled(error.clone(), theme.error)));
    }
    let keys = if m.pending {
        i18n::SENDING.get(lang)
    } else {
        tr::MODAL_KEYS.get(lang)
    };
    let text_area = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(1),
    );
    frame.render_widget(
        Paragraph::new(theme.glyphs.lines(lines)).wrap(Wrap { trim: true }),
        text_area,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            theme.glyphs.truncate(keys, width),
            theme.muted,
        )),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}
