//! Drawing the Activations list: filter bar, table, page counter.

use super::activations::ActivationsScreen;
use crate::client::wire::{ActivationSort, ActivationSortKey, Organization};
use crate::console::i18n;
use crate::console::theme::Theme;
use crate::console::widgets::filter_bar;
use crate::domain::Lang;
use crate::mirror::{OutboxAction, OutboxItem, OutboxState};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

pub struct ViewContext<'a> {
    pub lang: Lang,
    pub theme: &'a Theme,
    pub organizations: &'a [Organization],
    /// Mirror mode: writes waiting in the outbox (a queued retry marks its row).
    pub outbox: &'a [OutboxItem],
}

fn sort_label(lang: Lang, sort: ActivationSort) -> String {
    let name = match sort.key {
        ActivationSortKey::Number => i18n::SORT_NUMBER,
        ActivationSortKey::TotalCost => i18n::SORT_COST,
        ActivationSortKey::CreatedAt => i18n::SORT_DATE,
    };
    format!(
        "{} {}",
        name.get(lang),
        if sort.descending { "↓" } else { "↑" }
    )
}

/// The table's part of the list's `area` (under the two filter rows, above the page
/// counter); the view draws there and a mouse click is mapped through it.
pub fn table_area(area: Rect) -> Rect {
    Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(3),
    )
}

/// Draws filter bar (2 rows), table, page counter (1 row) into `area`. Returns the
/// cursor position: in the search input while editing, else on the selected row.
pub fn view(
    screen: &ActivationsScreen,
    ctx: &ViewContext,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let lang = ctx.lang;
    let theme = ctx.theme;
    if area.height < 4 {
        return None;
    }
    let bar1 = Rect::new(area.x, area.y, area.width, 1);
    let bar2 = Rect::new(area.x, area.y + 1, area.width, 1);
    let table_area = table_area(area);
    let counter = Rect::new(area.x, area.bottom() - 1, area.width, 1);

    let query = &screen.query;
    let all = i18n::FILTER_ALL.get(lang).to_string();
    let org_name = filter_bar::organization_value(ctx.organizations, query.organization, &all);
    let row1 = [
        filter_bar::Field {
            label: i18n::FILTER_ORGANIZATION.get(lang),
            value: org_name,
            max_width: 24,
            editing: false,
        },
        filter_bar::Field {
            label: i18n::FILTER_STATUS.get(lang),
            value: query
                .status
                .map(|s| s.label(lang).to_string())
                .unwrap_or_else(|| all.clone()),
            max_width: 11,
            editing: false,
        },
        filter_bar::Field {
            label: i18n::FILTER_VENDOR.get(lang),
            value: query
                .vendor
                .map(|v| v.name(lang).to_string())
                .unwrap_or(all),
            max_width: 10,
            editing: false,
        },
    ];
    filter_bar::render(&row1, None, theme, frame, bar1);
    let (search_value, editing) =
        filter_bar::search_value(screen.search_input.as_ref(), query.q.as_ref(), lang);
    let row2 = [
        filter_bar::Field {
            label: i18n::FILTER_SEARCH.get(lang),
            value: search_value,
            max_width: 18,
            editing,
        },
        filter_bar::Field {
            label: i18n::FILTER_SORT.get(lang),
            value: sort_label(lang, query.sort),
            max_width: 12,
            editing: false,
        },
        filter_bar::Field {
            label: i18n::FILTER_PER_PAGE.get(lang),
            value: query.per_page.to_string(),
            max_width: 3,
            editing: false,
        },
    ];
    let loading = screen
        .loading()
        .then(|| (i18n::LOADING.get(lang), theme.accent));
    let input_cursor = filter_bar::render(&row2, loading, theme, frame, bar2);

    // The counter is the rows' own: while the next page loads, the old rows keep their
    // page number (issue 14: never a new counter above old rows).
    let shown_page = match screen.page {
        Some(_) => screen.applied.page,
        None => query.page,
    };
    let counter_text = i18n::page_counter(
        lang,
        shown_page,
        screen.page_count(),
        screen.total(),
        screen.total_capped(),
    );
    let mut counter_spans = vec![
        Span::styled(i18n::SCREEN_ACTIVATIONS.get(lang), theme.header),
        Span::styled(" · ", theme.muted),
        Span::raw(counter_text),
    ];
    if editing {
        counter_spans.push(Span::styled(
            format!(" · {}", i18n::SEARCH_EDIT_HINT.get(lang)),
            theme.muted,
        ));
    } else if screen.is_stale() {
        counter_spans.push(Span::styled(
            format!(" · {}", i18n::STALE_ROWS.get(lang)),
            theme.error,
        ));
    } else if !screen.highlighted.is_empty() {
        counter_spans.push(Span::styled(
            format!(" · {}", i18n::HIGHLIGHT_LEGEND.get(lang)),
            theme.accent,
        ));
    }
    // Marks (issue 16 b): how many, whatever page is shown.
    if screen.marks.collecting.is_some() {
        counter_spans.push(Span::styled(
            format!(" · {}", i18n::bulk::MARKING_ALL.get(lang)),
            theme.accent,
        ));
    } else if !screen.marks.is_empty() {
        counter_spans.push(Span::styled(
            format!(" · {}", i18n::bulk::marked(lang, screen.marks.len())),
            theme.accent,
        ));
    }
    // Activations queued offline have no number yet: they are counted here until the
    // portal creates them and they arrive as rows.
    let queued: Vec<usize> = ctx
        .outbox
        .iter()
        .filter(|item| item.state == OutboxState::Pending)
        .filter_map(|item| match &item.action {
            OutboxAction::Activate { serials, .. } => Some(serials.len()),
            _ => None,
        })
        .collect();
    if !queued.is_empty() {
        counter_spans.push(Span::styled(
            format!(
                " · {}",
                i18n::sync::queued_activations(lang, queued.len(), queued.iter().sum())
            ),
            theme.status_in_progress,
        ));
    }
    frame.render_widget(Paragraph::new(theme.glyphs.line(counter_spans)), counter);

    let row_cursor = super::activations_table::draw_table(screen, ctx, frame, table_area);
    if editing { input_cursor } else { row_cursor }
}
