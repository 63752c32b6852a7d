//! The screens reachable by number keys, and the tab line «1 Активации · 2 Подписки ·
//! 3 Лицензии · 4 Ключи …» above them. When that is wider than the terminal, the dots
//! go first («1 Активации 2 Подписки …»: seven names fit 80 columns); then only the
//! screen in front keeps its name and the others show their keys:
//! «1 · 2 · [7 Продления] · 8 · 9».

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
    Renewals,
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
    bind("tabs.renewals", &[Char('7')], Tab::Renewals, Tr::new("экран «Продления» (устройства по сроку подписки)", "the Renewals screen (devices by time left)"), None),
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
            Tab::Renewals => i18n::renewals::SHORT,
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
            Tab::Renewals => i18n::renewals::TITLE,
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
    let pieces = fit(
        TAB_BINDINGS,
        current,
        |b| keymap.keys_label(b),
        |tab| tab.short().get(lang).to_string(),
        theme.glyphs.dot,
        usize::from(area.width),
    );
    let spans: Vec<Span> = pieces
        .into_iter()
        .map(|(text, piece)| match piece {
            Piece::Current => Span::styled(text, theme.selection),
            Piece::Other => Span::styled(text, theme.muted),
            Piece::Separator => Span::styled(text, theme.muted),
        })
        .collect();
    frame.render_widget(Paragraph::new(theme.glyphs.line(spans)), area);
}

/// What a piece of the tab line is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    Current,
    Other,
    Separator,
}

/// The tab line for any list of screens, fitted to `width` columns: every name when
/// they fit (with dots between, else without); else the current screen's name and the
/// others' names cut to as many letters as fit (at least three: «7 Прод»); else the
/// current screen's name and the others' keys; else keys only.
pub fn fit<T: Copy + PartialEq>(
    bindings: &[Binding<T>],
    current: T,
    keys: impl Fn(&Binding<T>) -> String,
    name: impl Fn(T) -> String,
    dot: &str,
    width: usize,
) -> Vec<(String, Piece)> {
    use unicode_width::UnicodeWidthStr;
    let build = |label: &dyn Fn(&Binding<T>) -> Option<String>, separator: &str| {
        let mut pieces = Vec::new();
        for (i, b) in bindings.iter().enumerate() {
            if i > 0 {
                pieces.push((separator.to_string(), Piece::Separator));
            }
            let text = match label(b) {
                Some(label) => format!("{} {label}", keys(b)),
                None => keys(b),
            };
            if b.action == current {
                pieces.push((format!("[{text}]"), Piece::Current));
            } else {
                pieces.push((text, Piece::Other));
            }
        }
        pieces
    };
    let width_of =
        |pieces: &[(String, Piece)]| -> usize { pieces.iter().map(|(text, _)| text.width()).sum() };
    let dotted = format!(" {dot} ");
    let every_name = build(&|b| Some(name(b.action)), &dotted);
    if width_of(&every_name) <= width {
        return every_name;
    }
    // The key in front of each name already parts them.
    let every_name = build(&|b| Some(name(b.action)), " ");
    if width_of(&every_name) <= width {
        return every_name;
    }
    for letters in (3..=8).rev() {
        let cut = build(
            &|b| {
                let full = name(b.action);
                Some(if b.action == current {
                    full
                } else {
                    full.chars().take(letters).collect()
                })
            },
            " ",
        );
        if width_of(&cut) <= width {
            return cut;
        }
    }
    let current_name = build(&|b| (b.action == current).then(|| name(b.action)), &dotted);
    if width_of(&current_name) <= width {
        return current_name;
    }
    build(&|_| None, &dotted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nine screens' worth of names (8 «Счета» and 9 «Вебхуки» come later).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Screen(usize);

    const NAMES: [&str; 9] = [
        "Активации",
        "Подписки",
        "Лицензии",
        "Ключи",
        "Доступ",
        "Журнал",
        "Продления",
        "Счета",
        "Вебхуки",
    ];
    const NO_HELP: Tr = Tr::new("экран", "screen");
    const NINE: [Binding<Screen>; 9] = [
        bind("t.1", &[Char('1')], Screen(0), NO_HELP, None),
        bind("t.2", &[Char('2')], Screen(1), NO_HELP, None),
        bind("t.3", &[Char('3')], Screen(2), NO_HELP, None),
        bind("t.4", &[Char('4')], Screen(3), NO_HELP, None),
        bind("t.5", &[Char('5')], Screen(4), NO_HELP, None),
        bind("t.6", &[Char('6')], Screen(5), NO_HELP, None),
        bind("t.7", &[Char('7')], Screen(6), NO_HELP, None),
        bind("t.8", &[Char('8')], Screen(7), NO_HELP, None),
        bind("t.9", &[Char('9')], Screen(8), NO_HELP, None),
    ];

    fn line(bindings: &[Binding<Screen>], current: usize, width: usize) -> String {
        let keymap = Keymap::default();
        fit(
            bindings,
            Screen(current),
            |b| keymap.keys_label(b),
            |s| NAMES[s.0].to_string(),
            "·",
            width,
        )
        .into_iter()
        .map(|(text, _)| text)
        .collect()
    }

    #[test]
    fn nine_tabs_fit_80_columns_with_the_current_name() {
        use unicode_width::UnicodeWidthStr;
        for (current, name) in NAMES.iter().enumerate() {
            let text = line(&NINE, current, 80);
            assert!(text.width() <= 80, "{text} is {} wide", text.width());
            assert!(
                text.contains(&format!("[{} {name}]", current + 1)),
                "{text}"
            );
        }
        assert_eq!(
            line(&NINE, 6, 80),
            "1 Актив 2 Подпи 3 Лицен 4 Ключи 5 Досту 6 Журна [7 Продления] 8 Счета 9 Вебху"
        );
        // Not even three letters of each fit: the others by their keys.
        assert_eq!(
            line(&NINE, 6, 60),
            "1 · 2 · 3 · 4 · 5 · 6 · [7 Продления] · 8 · 9"
        );
        // Wide enough: every name, as before.
        let wide = line(&NINE, 0, 200);
        assert!(wide.starts_with("[1 Активации] · 2 Подписки"), "{wide}");
        // Seven names fit without the dots; nine do not.
        assert_eq!(
            line(&NINE[..7], 6, 80),
            "1 Активации 2 Подписки 3 Лицензии 4 Ключи 5 Доступ 6 Журнал [7 Продления]"
        );
        // Too narrow even for one name: keys only.
        assert_eq!(line(&NINE, 2, 30), "1 · 2 · [3] · 4 · 5 · 6 · 7 · 8 · 9");
    }

    #[test]
    fn todays_nine_tabs_fit_80_columns_with_their_names_begun() {
        use unicode_width::UnicodeWidthStr;
        let keymap = Keymap::default();
        for b in TAB_BINDINGS {
            let text: String = fit(
                TAB_BINDINGS,
                b.action,
                |b| keymap.keys_label(b),
                |t| t.short().get(Lang::Ru).to_string(),
                "·",
                80,
            )
            .into_iter()
            .map(|(t, _)| t)
            .collect();
            assert!(text.width() <= 80, "{text}");
            // Every screen keeps at least the start of its name, the current one all.
            for other in TAB_BINDINGS {
                let name = other.action.short().get(Lang::Ru);
                let start: String = name.chars().take(4).collect();
                assert!(text.contains(&start), "{text}");
                if other.action == b.action {
                    assert!(
                        text.contains(&format!("[{} {name}]", keymap.keys_label(other))),
                        "{text}"
                    );
                }
            }
        }
    }
}
