//! Console colors: TOML themes from `themes/`, and a monochrome theme for `NO_COLOR`
//! that uses only modifiers (bold, reverse, underline), so no color escape is emitted.

use super::glyphs::Glyphs;
use crate::domain::{ActivationStatus, SubscriptionUrgency};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The built-in themes, embedded so the binary needs no files at run time.
pub const DARK_TOML: &str = include_str!("../../themes/dark.toml");
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", DARK_TOML),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("16-color", include_str!("../../themes/16-color.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The 16 ANSI color names (plus `reset`/`none`, which set no color of their own).
pub const ANSI16: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
    "reset",
    "none",
];

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A key with a bad value, an unknown key or a missing key.
    #[error("{file}:{line}: key {key:?}: {message}")]
    Key {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
    /// Not TOML at all.
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("cannot read theme file {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("unknown theme {name:?}: built-in themes are {builtin}")]
    Unknown { name: String, builtin: String },
}

type Value = toml::Spanned<String>;

/// The theme file as written: one value per role. A value is a color (a name such as
/// `light-cyan`, `#rrggbb`, `reset` = the terminal's own, `none` = set nothing) and
/// optionally modifiers: `"light-cyan bold"`, `"none bold underlined"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    background: Value,
    foreground: Value,
    header: Value,
    selection: Value,
    border: Value,
    status_done: Value,
    status_in_progress: Value,
    status_error: Value,
    urgency_expired: Value,
    urgency_under30: Value,
    urgency_under90: Value,
    urgency_later: Value,
    muted: Value,
    error: Value,
    accent: Value,
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
    /// The characters to draw with (Unicode or the ASCII fallback); travels with the
    /// theme so every view that has the colors has the glyphs too.
    pub glyphs: Glyphs,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key named in a serde message such as "unknown field `selecton`, expected ...".
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

fn modifier(word: &str) -> Option<Modifier> {
    Some(match word {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        _ => return None,
    })
}

/// Parses one value into (color, modifiers); `None` color means "set no color".
fn parse_value(value: &str) -> Result<(Option<Color>, Modifier), String> {
    let mut color = None;
    let mut mods = Modifier::empty();
    let mut seen_color = false;
    for word in value.split_whitespace() {
        if let Some(m) = modifier(word) {
            mods |= m;
        } else if seen_color {
            return Err(format!("two colors in {value:?}"));
        } else {
            seen_color = true;
            if word != "none" {
                color = Some(Color::from_str(word).map_err(|_| format!("unknown color {word:?}"))?);
            }
        }
    }
    Ok((color, mods))
}

struct Parser<'a> {
    file: &'a str,
    text: &'a str,
}

impl Parser<'_> {
    fn value(&self, key: &str, v: &Value) -> Result<(Option<Color>, Modifier), ThemeError> {
        parse_value(v.get_ref()).map_err(|message| ThemeError::Key {
            file: self.file.to_string(),
            line: line_of(self.text, v.span().start),
            key: key.to_string(),
            message,
        })
    }

    fn style(&self, key: &str, v: &Value, extra: Modifier) -> Result<Style, ThemeError> {
        let (color, mods) = self.value(key, v)?;
        let mut style = Style::new().add_modifier(mods | extra);
        if let Some(c) = color {
            style = style.fg(c);
        }
        Ok(style)
    }
}

impl Theme {
    /// Parses a theme; errors name the file (as given), the line and the key.
    pub fn from_toml_named(file: &str, text: &str) -> Result<Theme, ThemeError> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            let message = e.message().trim().to_string();
            match backticked(&message) {
                Some(key) if message.contains("field") => ThemeError::Key {
                    file: file.to_string(),
                    line,
                    key,
                    message,
                },
                _ => ThemeError::Syntax {
                    file: file.to_string(),
                    line,
                    message,
                },
            }
        })?;
        let p = Parser { file, text };
        let none = Modifier::empty();
        let bold = Modifier::BOLD;
        let (fg_color, fg_mods) = p.value("foreground", &f.foreground)?;
        let (bg_color, _) = p.value("background", &f.background)?;
        let mut base = Style::new().add_modifier(fg_mods);
        if let Some(c) = fg_color {
            base = base.fg(c);
        }
        if let Some(c) = bg_color {
            base = base.bg(c);
        }
        let accent = p.style("accent", &f.accent, none)?;
        Ok(Theme {
            base,
            header: p.style("header", &f.header, bold)?,
            selection: p.style("selection", &f.selection, Modifier::REVERSED)?,
            border: p.style("border", &f.border, none)?,
            status_done: p.style("status_done", &f.status_done, none)?,
            status_in_progress: p.style("status_in_progress", &f.status_in_progress, none)?,
            status_error: p.style("status_error", &f.status_error, bold)?,
            urgency_expired: p.style("urgency_expired", &f.urgency_expired, bold)?,
            urgency_under30: p.style("urgency_under30", &f.urgency_under30, none)?,
            urgency_under90: p.style("urgency_under90", &f.urgency_under90, none)?,
            urgency_later: p.style("urgency_later", &f.urgency_later, none)?,
            muted: p.style("muted", &f.muted, none)?,
            error: p.style("error", &f.error, bold)?,
            input: Style {
                fg: accent.fg,
                ..Style::new()
            }
            .add_modifier(Modifier::UNDERLINED),
            accent,
            glyphs: Glyphs::UNICODE,
        })
    }

    pub fn from_toml(text: &str) -> Result<Theme, ThemeError> {
        Theme::from_toml_named("theme", text)
    }

    /// Names of the built-in themes.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// Loads a theme by name: `<user_dir>/NAME.toml` first (a user theme overrides or
    /// extends the built-ins), then the embedded `themes/NAME.toml`.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let safe = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if safe && let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => return Theme::from_toml_named(&path.display().to_string(), &text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(ThemeError::Read {
                        file: path.display().to_string(),
                        source,
                    });
                }
            }
        }
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Theme::from_toml_named(&format!("themes/{n}.toml"), text),
            None => Err(ThemeError::Unknown {
                name: name.to_string(),
                builtin: Theme::builtin_names().join(", "),
            }),
        }
    }

    /// The theme the console starts with: `mono` when colors are off (`NO_COLOR`,
    /// `TERM=dumb`), else the requested one, else `dark`. A broken or unknown theme
    /// falls back to the default and comes back as the error to show.
    pub fn resolve(
        requested: Option<&str>,
        no_color: bool,
        user_dir: Option<&Path>,
    ) -> (Theme, Option<ThemeError>) {
        let (name, fallback) = if no_color {
            ("mono", Theme::monochrome as fn() -> Theme)
        } else {
            (requested.unwrap_or("dark"), Theme::dark as fn() -> Theme)
        };
        match Theme::load(name, user_dir) {
            Ok(theme) => (theme, None),
            Err(e) => (fallback(), Some(e)),
        }
    }

    /// The user's theme directory: `<config dir>/themes`.
    pub fn user_dir() -> Option<PathBuf> {
        crate::config::project_dirs().map(|d| d.config_dir().join("themes"))
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
            glyphs: Glyphs::UNICODE,
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
        let err = Theme::from_toml_named("themes/dark.toml", &bad).unwrap_err();
        assert!(
            matches!(&err, ThemeError::Key { key, line: 18, .. } if key == "muted"),
            "{err}"
        );
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
