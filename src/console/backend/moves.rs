//! Cursor moves in the fewest bytes (docs/DESIGN.md §5.5): over a 56 kbit/s link each
//! byte is about 0.15 ms, and a frame is mostly moves between the cells that changed.

/// Where the hardware cursor is. `x` may be one past the last column: after a glyph
/// in the last column the terminal waits to wrap, and only `\r` or an absolute move
/// are safe from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub x: u16,
    pub y: u16,
}

/// The tab stops the backend has set on the terminal (columns, ascending). Empty: the
/// stops are not known, and tabs are not used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TabStops(pub Vec<u16>);

impl TabStops {
    /// The tabs from column `from` to column `to`, when `to` is a stop: a tab goes to
    /// the next stop right of the cursor. Plain `\t`s only (`CSI n I` is not honoured
    /// everywhere), so only a few: further, another move is as short.
    fn to(&self, from: u16, to: u16) -> Option<String> {
        if to <= from || !self.0.contains(&to) {
            return None;
        }
        let n = self.0.iter().filter(|&&s| s > from && s <= to).count();
        (n <= 4).then(|| "\t".repeat(n))
    }
}

/// The shortest sequence that takes the cursor from `from` (None: unknown) to `to` on
/// a screen `width` columns wide: an absolute move, or relative parts (`\r`, line
/// feeds, `\b`, tabs, `CSI n A/B/C/D`, the column `CSI n G`), whichever is shorter.
/// Line feeds never scroll: the target is on screen, so every row a feed crosses is
/// above the bottom margin (the scroll region is always reset to the whole screen
/// after a scroll).
pub fn shortest(from: Option<Cursor>, to: Cursor, width: u16, tabs: &TabStops) -> String {
    let absolute = if to.x == 0 {
        format!("\x1b[{}H", to.y + 1)
    } else {
        format!("\x1b[{};{}H", to.y + 1, to.x + 1)
    };
    let Some(from) = from else {
        return absolute;
    };
    if from == to {
        return String::new();
    }
    let mut relative = String::new();
    // Waiting to wrap: only a carriage return is certain to put the cursor back.
    let mut x = from.x;
    if x >= width || (to.x == 0 && x != 0) {
        relative.push('\r');
        x = 0;
    }
    match to.y.cmp(&from.y) {
        std::cmp::Ordering::Greater => relative.push_str(&repeat_or_csi(to.y - from.y, "\n", 'B')),
        std::cmp::Ordering::Less => relative.push_str(&csi_count(from.y - to.y, 'A')),
        std::cmp::Ordering::Equal => {}
    }
    relative.push_str(&horizontal(x, to.x, tabs));
    if relative.len() < absolute.len() {
        relative
    } else {
        absolute
    }
}

/// Along a row from column `from` to `to`: forward or back, to the column (`CSI n G`),
/// by tabs, or from the row's start.
fn horizontal(from: u16, to: u16, tabs: &TabStops) -> String {
    if from == to {
        return String::new();
    }
    if to == 0 {
        return "\r".to_string();
    }
    let direct = if to > from {
        csi_count(to - from, 'C')
    } else {
        repeat_or_csi(from - to, "\x08", 'D')
    };
    let column = format!("\x1b[{}G", to + 1);
    let via_start = format!("\r{}", csi_count(to, 'C'));
    let tabbed = tabs.to(from, to);
    let tabbed_from_start = tabs.to(0, to).map(|t| format!("\r{t}"));
    // To a stop just past the column and back: `\t\b` for `CSI 5 C`.
    let past = tabs
        .0
        .iter()
        .filter(|&&s| s > to && s - to <= MAX_BACK_FROM_STOP)
        .flat_map(|&s| {
            let back = repeat_or_csi(s - to, "\x08", 'D');
            [
                tabs.to(from, s).map(|t| format!("{t}{back}")),
                tabs.to(0, s).map(|t| format!("\r{t}{back}")),
            ]
        });
    [Some(column), Some(via_start), tabbed, tabbed_from_start]
        .into_iter()
        .chain(past)
        .flatten()
        .fold(
            direct,
            |best, s| if s.len() < best.len() { s } else { best },
        )
}

/// Backspaces after a tab, at most (more cost as much as `CSI n D`).
const MAX_BACK_FROM_STOP: u16 = 2;

/// `CSI n <final>`, with the count left out when it is 1.
fn csi_count(n: u16, final_byte: char) -> String {
    match n {
        1 => format!("\x1b[{final_byte}"),
        n => format!("\x1b[{n}{final_byte}"),
    }
}

/// `unit` n times (a line feed, a backspace: one byte each) or `CSI n <final>`.
fn repeat_or_csi(n: u16, unit: &str, final_byte: char) -> String {
    let csi = csi_count(n, final_byte);
    if usize::from(n) * unit.len() <= csi.len() {
        unit.repeat(usize::from(n))
    } else {
        csi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: u16, y: u16) -> Option<Cursor> {
        Some(Cursor { x, y })
    }

    fn shortest(from: Option<Cursor>, to: Cursor, width: u16) -> String {
        super::shortest(from, to, width, &TabStops::default())
    }

    #[test]
    fn moves_take_the_fewest_bytes() {
        let to = |x, y| Cursor { x, y };
        assert_eq!(shortest(None, to(0, 4), 80), "\x1b[5H");
        assert_eq!(shortest(at(3, 4), to(3, 4), 80), "");
        assert_eq!(shortest(at(3, 4), to(0, 4), 80), "\r");
        assert_eq!(shortest(at(10, 4), to(0, 5), 80), "\r\n");
        assert_eq!(shortest(at(10, 4), to(10, 6), 80), "\n\n");
        assert_eq!(shortest(at(10, 4), to(12, 4), 80), "\x1b[2C");
        assert_eq!(shortest(at(10, 4), to(11, 4), 80), "\x1b[C");
        assert_eq!(shortest(at(10, 4), to(8, 4), 80), "\x08\x08");
        assert_eq!(shortest(at(10, 4), to(10, 3), 80), "\x1b[A");
        // Waiting to wrap after the last column: a carriage return first.
        assert_eq!(shortest(at(80, 4), to(0, 5), 80), "\r\n");
        assert_eq!(shortest(at(40, 2), to(39, 20), 80), "\x1b[18B\x08");
        assert_eq!(shortest(at(40, 2), to(9, 20), 80), "\x1b[21;10H");
        // The column (`CSI n G`) beats `\r` and a move forward, or a long way back.
        assert_eq!(shortest(at(70, 4), to(5, 5), 80), "\n\x1b[6G");
        assert_eq!(shortest(at(75, 4), to(5, 4), 80), "\x1b[6G");
    }

    #[test]
    fn a_tab_stop_is_reached_by_tabs() {
        let tabs = TabStops(vec![7, 24, 36, 69]);
        let go = |from, to| super::shortest(from, Cursor { x: to, y: 3 }, 80, &tabs);
        assert_eq!(go(at(6, 3), 7), "\t");
        assert_eq!(go(at(8, 3), 24), "\t");
        assert_eq!(go(at(8, 3), 36), "\t\t");
        assert_eq!(go(at(8, 3), 69), "\t\t\t");
        // Not a stop: no tab.
        assert_eq!(go(at(8, 3), 30), "\x1b[22C");
        // To a stop just past the column and back: `\t\b`, not `CSI 15 C`.
        assert_eq!(go(at(8, 3), 23), "\t\x08");
        assert_eq!(go(at(8, 3), 34), "\t\t\x08\x08");
        // From another row: `\r`, down, then the tabs.
        assert_eq!(
            super::shortest(at(70, 2), Cursor { x: 24, y: 3 }, 80, &tabs),
            "\n\r\t\t"
        );
    }
}
