//! The characters the console draws beyond ASCII (borders, arrows, ellipsis, ₽, marks)
//! and their ASCII fallbacks for non-UTF-8 locales (`LANG=C`) and `--ascii`.

use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use std::borrow::Cow;

/// Borders drawn with `+ - |`.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set<'static>,
    pub up: &'static str,
    pub down: &'static str,
    pub left: &'static str,
    pub right: &'static str,
    pub ellipsis: &'static str,
    pub rub: &'static str,
    pub dot: &'static str,
    pub dash: &'static str,
    pub bar: &'static str,
    pub ok: &'static str,
    pub cross: &'static str,
}

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        ascii: false,
        border: border::PLAIN,
        up: "↑",
        down: "↓",
        left: "←",
        right: "→",
        ellipsis: "…",
        rub: "₽",
        dot: "·",
        dash: "—",
        bar: "│",
        ok: "✓",
        cross: "✕",
    };
    pub const ASCII: Glyphs = Glyphs {
        ascii: true,
        border: ASCII_BORDER,
        up: "^",
        down: "v",
        left: "<-",
        right: "->",
        ellipsis: "...",
        rub: "RUB",
        dot: "|",
        dash: "-",
        bar: "|",
        ok: "OK",
        cross: "x",
    };

    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs::ASCII
        } else {
            Glyphs::UNICODE
        }
    }

    /// A line of spans as drawn: each span's text through [`Glyphs::text`], before
    /// layout, so widths are those of the text actually shown.
    pub fn line<'a>(&self, spans: Vec<Span<'a>>) -> Line<'a> {
        if !self.ascii {
            return Line::from(spans);
        }
        Line::from(
            spans
                .into_iter()
                .map(|s| Span::styled(self.text(&s.content).into_owned(), s.style))
                .collect::<Vec<_>>(),
        )
    }

    /// A built line as drawn, keeping its style and alignment.
    pub fn map_line<'a>(&self, mut line: Line<'a>) -> Line<'a> {
        if self.ascii {
            line.spans = line
                .spans
                .into_iter()
                .map(|s| Span::styled(self.text(&s.content).into_owned(), s.style))
                .collect();
        }
        line
    }

    /// Lines as drawn (see [`Glyphs::map_line`]).
    pub fn lines<'a>(&self, lines: Vec<Line<'a>>) -> Vec<Line<'a>> {
        lines.into_iter().map(|l| self.map_line(l)).collect()
    }

    /// Like `widgets::truncate`, with this glyph set's text and ellipsis.
    pub fn truncate(&self, text: &str, max: usize) -> String {
        if !self.ascii {
            return crate::console::widgets::truncate(text, max);
        }
        let text = self.text(text);
        if text.len() <= max {
            return text.into_owned();
        }
        let keep = max.saturating_sub(3);
        let mut out: String = text.chars().take(keep).collect();
        out.push_str(&"..."[..max.min(3)]);
        out
    }

    /// Text as it is drawn: unchanged in Unicode mode, transliterated in ASCII mode.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.ascii && !text.is_ascii() {
            Cow::Owned(to_ascii(text))
        } else {
            Cow::Borrowed(text)
        }
    }
}

impl Default for Glyphs {
    fn default() -> Glyphs {
        Glyphs::UNICODE
    }
}

/// Whether the locale's character set is UTF-8: the first set of LC_ALL, LC_CTYPE,
/// LANG decides; nothing set at all is taken as UTF-8 (today's default), `C` and
/// `POSIX` and any other charset are not.
pub fn locale_is_utf8(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    match [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.is_empty())
    {
        None => true,
        Some(value) => {
            let v = value.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        }
    }
}

fn cyrillic(c: char) -> Option<&'static str> {
    const LOWER: [&str; 32] = [
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
        "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "\"", "y", "'", "e", "yu", "ya",
    ];
    const UPPER: [&str; 32] = [
        "A", "B", "V", "G", "D", "E", "Zh", "Z", "I", "Y", "K", "L", "M", "N", "O", "P", "R", "S",
        "T", "U", "F", "Kh", "Ts", "Ch", "Sh", "Shch", "\"", "Y", "'", "E", "Yu", "Ya",
    ];
    match c {
        'а'..='я' => Some(LOWER[c as usize - 'а' as usize]),
        'А'..='Я' => Some(UPPER[c as usize - 'А' as usize]),
        'ё' => Some("e"),
        'Ё' => Some("E"),
        _ => None,
    }
}

/// Transliterates text to ASCII: typographic marks to their ASCII look-alikes,
/// Cyrillic to Latin (a GOST-like table), anything else to `?`.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if let Some(latin) = cyrillic(c) {
            out.push_str(latin);
            continue;
        }
        out.push_str(match c {
            '—' | '–' | '−' | '─' | '━' => "-",
            '·' | '│' | '┃' | '•' => "|",
            '«' | '»' | '“' | '”' | '„' => "\"",
            '‘' | '’' => "'",
            '…' => "...",
            '№' => "No.",
            '₽' => "RUB",
            '↑' | '▲' => "^",
            '↓' | '▼' => "v",
            '←' => "<-",
            '→' => "->",
            '◀' => "<",
            '▶' => ">",
            '●' => "*",
            '✕' | '×' => "x",
            '✓' => "OK",
            '‼' => "!!",
            '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' => "+",
            '\u{a0}' | '\u{202f}' | '\u{2009}' => " ",
            _ => "?",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_detection() {
        assert!(locale_is_utf8(None, None, None));
        assert!(locale_is_utf8(None, None, Some("ru_RU.UTF-8")));
        assert!(locale_is_utf8(None, None, Some("en_US.utf8")));
        assert!(!locale_is_utf8(None, None, Some("C")));
        assert!(!locale_is_utf8(None, None, Some("POSIX")));
        assert!(!locale_is_utf8(Some("C"), None, Some("ru_RU.UTF-8")));
        assert!(locale_is_utf8(Some(""), Some("C.UTF-8"), Some("C")));
        assert!(!locale_is_utf8(None, None, Some("ru_RU.KOI8-R")));
    }

    #[test]
    fn transliteration_is_pure_ascii() {
        assert_eq!(
            to_ascii("ООО «Щука» — №5 … 100 ₽"),
            "OOO \"Shchuka\" - No.5 ... 100 RUB"
        );
        assert_eq!(to_ascii("Объём"), "Ob\"em");
        let all: String = ('\u{400}'..='\u{4ff}').collect();
        assert!(to_ascii(&all).is_ascii());
        assert_eq!(Glyphs::ASCII.text("a · b"), "a | b");
        assert_eq!(Glyphs::UNICODE.text("a · b"), "a · b");
    }
}
