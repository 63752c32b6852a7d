//! A multi-line text area (ratatui-textarea) that compares by content and cursor, so it
//! can live in the `PartialEq` state.

use crate::console::theme::Theme;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Default)]
pub struct TextBox(pub TextArea<'static>);

impl PartialEq for TextBox {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines() && self.0.cursor() == other.0.cursor()
    }
}

impl TextBox {
    pub fn new(title: &str, placeholder: &str, theme: &Theme) -> TextBox {
        let mut area = TextArea::default();
        area.set_placeholder_text(placeholder.to_string());
        area.set_placeholder_style(theme.muted);
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_block(
            Block::default()
                .borders(Borders::ALL)
                .border_set(theme.glyphs.border)
                .border_style(theme.border)
                .title(Span::styled(
                    format!(" {} ", theme.glyphs.text(title)),
                    theme.header,
                )),
        );
        TextBox(area)
    }

    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }

    pub fn set_text(&mut self, text: &str) {
        self.0.select_all();
        self.0.cut();
        self.0
            .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
    }

    pub fn paste(&mut self, text: &str) {
        self.0
            .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
}
