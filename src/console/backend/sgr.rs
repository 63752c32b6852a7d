//! SGR (style) sequences: the difference between the pen the terminal has and the one
//! a cell needs, or a reset plus the new style when that is shorter.

use ratatui::style::{Color, Modifier};

/// The style state of the terminal ("the pen").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub underline: Color,
    pub modifier: Modifier,
}

impl Pen {
    pub const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };
}

/// SGR parameters for a color: `layer` is 30 (foreground), 40 (background) or 50
/// (underline, which has no short forms).
fn color_params(color: Color, layer: u8, out: &mut Vec<String>) {
    let base16 = |index: u8| -> Option<u8> {
        match (layer, index) {
            (50, _) => None,
            (_, 0..=7) => Some(layer + index),
            (_, _) => Some(layer + 60 + index - 8),
        }
    };
    let indexed = |index: u8, out: &mut Vec<String>| match base16(index) {
        Some(code) => out.push(code.to_string()),
        None => out.push(format!("{};5;{index}", layer + 8)),
    };
    match color {
        Color::Reset => out.push((layer + 9).to_string()),
        Color::Black => indexed(0, out),
        Color::Red => indexed(1, out),
        Color::Green => indexed(2, out),
        Color::Yellow => indexed(3, out),
        Color::Blue => indexed(4, out),
        Color::Magenta => indexed(5, out),
        Color::Cyan => indexed(6, out),
        Color::Gray => indexed(7, out),
        Color::DarkGray => indexed(8, out),
        Color::LightRed => indexed(9, out),
        Color::LightGreen => indexed(10, out),
        Color::LightYellow => indexed(11, out),
        Color::LightBlue => indexed(12, out),
        Color::LightMagenta => indexed(13, out),
        Color::LightCyan => indexed(14, out),
        Color::White => indexed(15, out),
        Color::Indexed(index) => out.push(format!("{};5;{index}", layer + 8)),
        Color::Rgb(r, g, b) => out.push(format!("{};2;{r};{g};{b}", layer + 8)),
    }
}

const MODIFIER_ON: [(Modifier, &str); 9] = [
    (Modifier::BOLD, "1"),
    (Modifier::DIM, "2"),
    (Modifier::ITALIC, "3"),
    (Modifier::UNDERLINED, "4"),
    (Modifier::SLOW_BLINK, "5"),
    (Modifier::RAPID_BLINK, "6"),
    (Modifier::REVERSED, "7"),
    (Modifier::HIDDEN, "8"),
    (Modifier::CROSSED_OUT, "9"),
];

/// Each "off" code and the modifiers it turns off together (22 ends bold and dim).
const MODIFIER_OFF: [(Modifier, &str); 7] = [
    (Modifier::BOLD.union(Modifier::DIM), "22"),
    (Modifier::ITALIC, "23"),
    (Modifier::UNDERLINED, "24"),
    (Modifier::SLOW_BLINK.union(Modifier::RAPID_BLINK), "25"),
    (Modifier::REVERSED, "27"),
    (Modifier::HIDDEN, "28"),
    (Modifier::CROSSED_OUT, "29"),
];

/// The parameters that take the terminal from `from` to `to`.
pub fn sgr_delta(from: Pen, to: Pen) -> String {
    let mut params: Vec<String> = Vec::new();
    let removed = from.modifier - to.modifier;
    let mut to_add = to.modifier - from.modifier;
    for (group, code) in MODIFIER_OFF {
        if removed.intersects(group) {
            params.push(code.to_string());
            // The shared "off" also ended the group's other member: set it again.
            to_add |= to.modifier & group;
        }
    }
    for (modifier, code) in MODIFIER_ON {
        if to_add.contains(modifier) {
            params.push(code.to_string());
        }
    }
    if from.fg != to.fg {
        color_params(to.fg, 30, &mut params);
    }
    if from.bg != to.bg {
        color_params(to.bg, 40, &mut params);
    }
    if from.underline != to.underline {
        color_params(to.underline, 50, &mut params);
    }
    params.join(";")
}

/// The parameters that reset everything and set `to`.
pub fn sgr_fresh(to: Pen) -> String {
    let mut fresh = sgr_delta(Pen::DEFAULT, to);
    fresh.insert_str(0, if fresh.is_empty() { "0" } else { "0;" });
    fresh
}

/// Modifiers that show on a blank cell (a space): reverse video paints it in the
/// foreground color, an underline or a strike-through draws a line across it.
const SHOWN_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT);

/// Two pens that paint a blank the same: same background and the same modifiers that
/// show on a blank; the foreground counts only when one of those makes it visible.
pub fn blank_alike(a: Pen, b: Pen) -> bool {
    let shown_a = a.modifier & SHOWN_ON_BLANK;
    if a.bg != b.bg || shown_a != b.modifier & SHOWN_ON_BLANK {
        return false;
    }
    if shown_a.is_empty() {
        return true;
    }
    // Reversed, the foreground is the blank's color, and dim may change it, and bold
    // too where it shows the eight basic colors (and the default) bright.
    if shown_a.contains(Modifier::REVERSED) {
        let basic = matches!(
            a.fg,
            Color::Reset
                | Color::Black
                | Color::Red
                | Color::Green
                | Color::Yellow
                | Color::Blue
                | Color::Magenta
                | Color::Cyan
                | Color::Gray
        );
        let weight = if basic {
            Modifier::BOLD.union(Modifier::DIM)
        } else {
            Modifier::DIM
        };
        if a.modifier & weight != b.modifier & weight {
            return false;
        }
    }
    a.fg == b.fg && (!shown_a.contains(Modifier::UNDERLINED) || a.underline == b.underline)
}
