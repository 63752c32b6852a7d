//! The two interface languages. Domain words (statuses, vendors) are named in both.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// Picks the language from POSIX locale variables, in their precedence order
    /// (LC_ALL, then LC_MESSAGES, then LANG). Russian locales give Russian; English,
    /// `C` and `POSIX` give English (a `C` locale usually cannot show Cyrillic); with no
    /// locale at all we default to Russian, the language of our users.
    pub fn from_locale_vars(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Lang {
        let chosen = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|v| !v.is_empty());
        match chosen {
            None => Lang::Ru,
            Some(v) if v.to_ascii_lowercase().starts_with("ru") => Lang::Ru,
            Some(_) => Lang::En,
        }
    }

    /// The language tag (`Accept-Language`, `Content-Language`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses a config value such as `ru`, `en`, `ru_RU.UTF-8`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("ru") {
            Some(Lang::Ru)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence_and_defaults() {
        assert_eq!(Lang::from_locale_vars(None, None, None), Lang::Ru);
        assert_eq!(
            Lang::from_locale_vars(None, None, Some("ru_RU.UTF-8")),
            Lang::Ru
        );
        assert_eq!(
            Lang::from_locale_vars(None, None, Some("en_US.UTF-8")),
            Lang::En
        );
        assert_eq!(Lang::from_locale_vars(None, None, Some("C")), Lang::En);
        assert_eq!(
            Lang::from_locale_vars(Some("ru_RU.UTF-8"), None, Some("en_US")),
            Lang::Ru
        );
        assert_eq!(
            Lang::from_locale_vars(Some(""), Some("en_GB"), Some("ru_RU")),
            Lang::En
        );
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
