//! Console colors: TOML themes from `themes/`, and a monochrome theme for `NO_COLOR`
//! that uses only modifiers (bold, reverse, underline), so no color escape is emitted.

use crate::domain::{ActivationStatus, SubscriptionUrgency};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

/// The built-in default theme, embedded so the binary needs no files at run time.
pub const DARK_TOML: &str = include_str!("../../themes/dark.toml");

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("theme color {field} = {value:?} is neither a color name nor #rrggbb")]
    Color { field: &'static str, value: String },
}

/// The theme file as written: one color per role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    background: String,
    foreground: String,
    header: String,
    selection: String,
    border: String,
    status_done: String,
    status_in_progress: String,
    status_error: String,
    urgency_expired: String,
    urgency_under30: String,
    urgency_under90: String,
    urgency_later: String,
    muted: String,
    error: String,
    accent: String,
}

/// Ready-to-use styles for every role the screens draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub header: Style,
    /// Selected row: always reverse video, plus the theme color.
    pub selection: Style,
    pub border: Style,
    pub status_done: Style,
    pub status_in_progress: Style,
    pub status_error: Style,
    pub urgency_expired: Style,
    pub urgency_under30: Style,
    pub urgency_under90: Style,
    pub urgency_later: Style,
    pub muted: Style,
    pub error: Style,
    pub accent: Style,
    /// An input being edited.
    pub input: Style,
}

fn color(field: &'static str, value: &str) -> Result<Color, ThemeError> {
    Color::from_str(value.trim()).map_err(|_| ThemeError::Color {
        field,
        value: value.to_string(),
    })
}

fn fg(field: &'static str, value: &str) -> Result<Style, ThemeError> {
    Ok(Style::new().fg(color(field, value)?))
}

impl Theme {
    pub fn from_toml(text: &str) -> Result<Theme, ThemeError> {
        let f: ThemeFile = toml::from_str(text)?;
        let bold = Modifier::BOLD;
        Ok(Theme {
            base: Style::new()
                .fg(color("foreground", &f.foreground)?)
                .bg(color("background", &f.background)?),
            header: fg("header", &f.header)?.add_modifier(bold),
            selection: fg("selection", &f.selection)?.add_modifier(Modifier::REVERSED),
            border: fg("border", &f.border)?,
            status_done: fg("status_done", &f.status_done)?,
            status_in_progress: fg("status_in_progress", &f.status_in_progress)?,
            status_error: fg("status_error", &f.status_error)?.add_modifier(bold),
            urgency_expired: fg("urgency_expired", &f.urgency_expired)?.add_modifier(bold),
            urgency_under30: fg("urgency_under30", &f.urgency_under30)?,
            urgency_under90: fg("urgency_under90", &f.urgency_under90)?,
            urgency_later: fg("urgency_later", &f.urgency_later)?,
            muted: fg("muted", &f.muted)?,
            error: fg("error", &f.error)?.add_modifier(bold),
            accent: fg("accent", &f.accent)?,
            input: fg("accent", &f.accent)?.add_modifier(Modifier::UNDERLINED),
        })
    }

    /// The default theme. The embedded file is checked by a test, so failing here
    /// would be a build mistake; fall back to monochrome rather than refuse to start.
    pub fn dark() -> Theme {
        Theme::from_toml(DARK_TOML).unwrap_or_else(|_| Theme::monochrome())
    }

    /// No colors at all, only modifiers.
    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            base: plain,
            header: bold.add_modifier(Modifier::UNDERLINED),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            border: plain,
            status_done: plain,
            status_in_progress: plain,
            status_error: bold,
            urgency_expired: bold,
            urgency_under30: bold,
            urgency_under90: plain,
            urgency_later: plain,
            muted: plain,
            error: bold,
            accent: bold,
            input: Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    pub fn for_options(no_color: bool) -> Theme {
        if no_color {
            Theme::monochrome()
        } else {
            Theme::dark()
        }
    }

    pub fn status(&self, status: ActivationStatus) -> Style {
        match status {
            ActivationStatus::Done => self.status_done,
            ActivationStatus::InProgress => self.status_in_progress,
            ActivationStatus::Error => self.status_error,
        }
    }

    pub fn urgency(&self, urgency: SubscriptionUrgency) -> Style {
        match urgency {
            SubscriptionUrgency::None => self.muted,
            SubscriptionUrgency::Expired => self.urgency_expired,
            SubscriptionUrgency::Under30Days => self.urgency_under30,
            SubscriptionUrgency::Under90Days => self.urgency_under90,
            SubscriptionUrgency::Later => self.urgency_later,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_dark_theme_parses() {
        let theme = Theme::from_toml(DARK_TOML).expect("embedded dark theme parses");
        assert_eq!(theme.status_done.fg, Some(Color::LightGreen));
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn hex_colors_and_bad_values() {
        let text = DARK_TOML.replace("\"light-cyan\"\nselection", "\"#102030\"\nselection");
        let theme = Theme::from_toml(&text).expect("hex color parses");
        assert_eq!(theme.header.fg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        let bad = DARK_TOML.replace("muted = \"gray\"", "muted = \"greenish\"");
        assert!(matches!(
            Theme::from_toml(&bad),
            Err(ThemeError::Color { field: "muted", .. })
        ));
    }

    #[test]
    fn monochrome_has_no_colors() {
        let t = Theme::monochrome();
        for style in [
            t.base,
            t.header,
            t.selection,
            t.border,
            t.status_done,
            t.status_error,
            t.error,
            t.accent,
            t.muted,
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(t.selection.add_modifier.contains(Modifier::REVERSED));
    }
}
