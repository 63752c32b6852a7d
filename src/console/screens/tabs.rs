//! The screens reachable by number keys, and the tab line «1 Активации · 2 Подписки ·
//! 3 Лицензии · 4 Ключи» above them.

use crate::console::i18n::{self, Tr};
use crate::console::keymap::Key::Char;
use crate::console::keymap::{Binding, Keymap, bind};
use crate::console::theme::Theme;
use crate::domain::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Activations,
    Seats,
    Capacity,
    Keys,
    Access,
    Activity,
    /// Monthly invoices (issue 17).
    Invoices,
    Webhooks,
}

/// Declared once: dispatch on every tabbed screen (where no text is typed), help, tab line.
#[rustfmt::skip]
pub const TAB_BINDINGS: &[Binding<Tab>] = &[
    bind("tabs.activations", &[Char('1')], Tab::Activations, Tr::new("экран «Активации»", "the Activations screen"), None),
    bind("tabs.seats", &[Char('2')], Tab::Seats, Tr::new("экран «Управление подпиской» (места)", "the Seats screen"), None),
    bind("tabs.capacity", &[Char('3')], Tab::Capacity, Tr::new("экран «Лицензионная информация»", "the License information screen"), None),
    bind("tabs.keys", &[Char('4')], Tab::Keys, Tr::new("экран «Ключи и офлайн-активация»", "the Keys & offline screen"), None),
    bind("tabs.access", &[Char('5')], Tab::Access, Tr::new("экран «Доступ» (токены; администраторы и операторы)", "the Access screen (tokens; admins and operators)"), None),
    bind("tabs.activity", &[Char('6')], Tab::Activity, Tr::new("экран «Журнал» (все изменения)", "the Activity screen (every change)"), None),
    bind("tabs.invoices", &[Char('8')], Tab::Invoices, Tr::new("экран «Счета» (ежемесячные счета)", "the Invoices screen (monthly invoices)"), None),
    bind("tabs.webhooks", &[Char('9')], Tab::Webhooks, Tr::new("экран «Вебхуки» (адреса и доставки; администраторы и операторы)", "the Webhooks screen (endpoints and deliveries; admins and operators)"), None),
];

impl Tab {
    /// The short name in the tab line.
    pub fn short(self) -> Tr {
        match self {
            Tab::Activations => i18n::SCREEN_ACTIVATIONS,
            Tab::Seats => i18n::tabs::SEATS_SHORT,
            Tab::Capacity => i18n::tabs::CAPACITY_SHORT,
            Tab::Keys => i18n::tabs::KEYS_SHORT,
            Tab::Access => i18n::access::SHORT,
            Tab::Activity => i18n::activity::SHORT,
            Tab::Invoices => i18n::invoices::SHORT,
            Tab::Webhooks => i18n::webhooks::SHORT,
        }
    }

    /// The full title (help, screen header).
    pub fn title(self) -> Tr {
        match self {
            Tab::Activations => i18n::SCREEN_ACTIVATIONS,
            Tab::Seats => i18n::tabs::SEATS_TITLE,
            Tab::Capacity => i18n::tabs::CAPACITY_TITLE,
            Tab::Keys => i18n::tabs::KEYS_TITLE,
            Tab::Access => i18n::access::TITLE,
            Tab::Activity => i18n::activity::TITLE,
            Tab::Invoices => i18n::invoices::TITLE,
            Tab::Webhooks => i18n::webhooks::TITLE,
        }
    }
}

/// «1 Активации · 2 Подписки · 3 Лицензии · 4 Ключи», the current one highlighted.
pub fn render(
    current: Tab,
    lang: Lang,
    theme: &Theme,
    keymap: &Keymap,
    frame: &mut Frame,
    area: Rect,
) {
    let mut spans = Vec::new();
    for (i, b) in TAB_BINDINGS.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(format!(" {} ", theme.glyphs.dot), theme.muted));
        }
        let text = format!("{} {}", keymap.keys_label(b), b.action.short().get(lang));
        if b.action == current {
            spans.push(Span::styled(format!("[{text}]"), theme.selection));
        } else {
            spans.push(Span::styled(text, theme.muted));
        }
    }
    frame.render_widget(Paragraph::new(theme.glyphs.line(spans)), area);
}
