//! Finding a scroll in a frame (issue 14, docs/DESIGN.md §5.5): when the table moves
//! by a row, most of the screen is the old screen shifted. Scrolling a region of the
//! terminal (`CSI top;bottom r`, `CSI n S` / `CSI n T`) moves those rows for about
//! fifteen bytes, and only what is really new is drawn — instead of rewriting every
//! visible row (about 1 KB at 80×24).

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

/// A scroll of rows `top..=bottom` by `n`: `up` moves the rows' content up (new rows
/// appear at the bottom), else down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub top: u16,
    pub bottom: u16,
    pub n: u16,
    pub up: bool,
}

/// A scroll costs this much (region, scroll, reset, cursor home and the pen reset) in
/// bytes; it is used only when it saves more.
const SCROLL_COST: usize = 24;
/// What reaching a run of changed cells costs (a cursor move, often a style): a row
/// left with scattered changes after a scroll is dearer than its cell count says.
const RUN_COST: usize = 5;
/// Unchanged cells up to this many between changes are written over, not skipped
/// (the backend's `advance_to`): they join the runs on either side.
const JOINED_GAP: usize = 3;

/// The bytes of drawing row `wanted` over row `shown`: each changed cell's text, plus
/// a move for each run of changes (a scroll is chosen by bytes, not cells: on a row
/// move, scrolling three rows to save a few cells left them in many small runs).
fn row_cost(wanted: &[Cell], shown: &[Cell]) -> usize {
    // A blank tail is erased at once when that is cheaper (the backend's
    // `erasable_tail`): a move and `ESC [K`.
    let tail = wanted.len() - wanted.iter().rev().take_while(|c| erasable(c)).count();
    let head = runs_cost(&wanted[..tail], &shown[..tail]);
    let rest = runs_cost(&wanted[tail..], &shown[tail..]);
    head + rest.min(RUN_COST + 3)
}

/// A blank the erase leaves as it is wanted (default background, nothing drawn across).
fn erasable(cell: &Cell) -> bool {
    cell.symbol() == " "
        && cell.bg == Color::Reset
        && !cell
            .modifier
            .intersects(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT)
}

fn runs_cost(wanted: &[Cell], shown: &[Cell]) -> usize {
    let mut cost = 0;
    let mut gap = usize::MAX;
    for (w, s) in wanted.iter().zip(shown) {
        if w == s {
            gap = gap.saturating_add(1);
            continue;
        }
        cost += w.symbol().len().max(1);
        if gap > JOINED_GAP {
            cost += RUN_COST;
        } else {
            cost += gap;
        }
        gap = 0;
    }
    cost
}

/// The scroll that saves the most drawing from `shown` to `wanted`, if one saves more
/// than it costs.
pub fn best(shown: &Buffer, wanted: &Buffer) -> Option<Scroll> {
    let (width, height) = (shown.area.width, shown.area.height);
    if wanted.area != shown.area || height < 3 || width == 0 {
        return None;
    }
    fn row(buf: &Buffer, y: u16) -> &[Cell] {
        let width = usize::from(buf.area.width);
        let start = usize::from(y) * width;
        &buf.content[start..start + width]
    }
    let blank = vec![Cell::EMPTY; usize::from(width)];
    let differ = row_cost;
    // What each row costs as things are: cells to draw without a scroll.
    let stay: Vec<usize> = (0..height)
        .map(|y| differ(row(wanted, y), row(shown, y)))
        .collect();
    if stay.iter().sum::<usize>() <= SCROLL_COST {
        return None;
    }
    let mut best: Option<(usize, Scroll)> = None;
    for n in 1..=height / 2 {
        for up in [true, false] {
            // Rows that would show shifted content: up, row y gets row y+n.
            let range = if up { 0..height - n } else { n..height };
            let benefit: Vec<(u16, isize)> = range
                .map(|y| {
                    let source = if up { y + n } else { y - n };
                    let moved = differ(row(wanted, y), row(shown, source));
                    (y, stay[usize::from(y)] as isize - moved as isize)
                })
                .collect();
            let Some((first, last, gain)) = best_band(&benefit) else {
                continue;
            };
            // The rows the scroll empties must then be drawn from blank.
            let (top, bottom, emptied) = if up {
                (first, last + n, last + 1..=last + n)
            } else {
                (first - n, last, first - n..=first - 1)
            };
            let penalty: isize = emptied
                .map(|y| {
                    let wanted_row = row(wanted, y);
                    differ(wanted_row, &blank) as isize - stay[usize::from(y)] as isize
                })
                .sum();
            let saved = gain - penalty - SCROLL_COST as isize;
            if saved > 0 && best.is_none_or(|(s, _)| saved as usize > s) {
                best = Some((saved as usize, Scroll { top, bottom, n, up }));
            }
        }
    }
    best.map(|(_, scroll)| scroll)
}

/// The contiguous run of rows with the largest total benefit (Kadane): first row, last
/// row, total.
fn best_band(benefit: &[(u16, isize)]) -> Option<(u16, u16, isize)> {
    let mut best: Option<(u16, u16, isize)> = None;
    let mut current: Option<(u16, isize)> = None;
    for &(y, b) in benefit {
        current = match current {
            Some((start, sum)) if sum > 0 => Some((start, sum + b)),
            _ => Some((y, b)),
        };
        if let Some((start, sum)) = current
            && best.is_none_or(|(_, _, s)| sum > s)
        {
            best = Some((start, y, sum));
        }
    }
    best.filter(|(_, _, sum)| *sum > 0)
}

/// What the terminal does to its screen on `scroll`: rows move, the emptied rows are
/// blank (erased with the default background: the pen is reset first).
pub fn apply(buf: &mut Buffer, scroll: Scroll) {
    let width = usize::from(buf.area.width);
    let (top, bottom, n) = (
        usize::from(scroll.top),
        usize::from(scroll.bottom),
        usize::from(scroll.n),
    );
    let rows = &mut buf.content[top * width..(bottom + 1) * width];
    let shift = n * width;
    if scroll.up {
        rows.rotate_left(shift);
        let len = rows.len();
        rows[len - shift..].fill(Cell::EMPTY);
    } else {
        rows.rotate_right(shift);
        rows[..shift].fill(Cell::EMPTY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn screen(rows: &[&str]) -> Buffer {
        let width = 20;
        let mut buf = Buffer::empty(Rect::new(0, 0, width, rows.len() as u16));
        for (y, text) in rows.iter().enumerate() {
            buf.set_string(0, y as u16, text, ratatui::style::Style::new());
        }
        buf
    }

    /// Rows unlike each other, as a table's rows are.
    fn row_text(i: u8) -> String {
        char::from(b'a' + i).to_string().repeat(18)
    }

    #[test]
    fn a_table_moved_up_one_row_is_a_scroll_of_its_band() {
        let names: Vec<String> = (0..12).map(row_text).collect();
        let mut before: Vec<&str> = vec!["header"];
        before.extend(names[0..10].iter().map(String::as_str));
        before.push("status");
        let mut after: Vec<&str> = vec!["header"];
        after.extend(names[1..11].iter().map(String::as_str));
        after.push("status");
        let (shown, wanted) = (screen(&before), screen(&after));
        let scroll = best(&shown, &wanted).expect("a scroll");
        assert_eq!(
            scroll,
            Scroll {
                top: 1,
                bottom: 10,
                n: 1,
                up: true
            }
        );
        let mut moved = shown.clone();
        apply(&mut moved, scroll);
        // Only the new bottom row of the band is left to draw.
        let left: Vec<u16> = (0..12)
            .filter(|&y| (0..20).any(|x| moved[(x, y)] != wanted[(x, y)]))
            .collect();
        assert_eq!(left, vec![10]);
    }

    #[test]
    fn a_small_change_is_not_a_scroll() {
        let shown = screen(&["a", "b", "c", "d"]);
        let wanted = screen(&["a", "x", "c", "d"]);
        assert_eq!(best(&shown, &wanted), None);
    }

    #[test]
    fn a_page_back_scrolls_down() {
        let names: Vec<String> = (0..12).map(row_text).collect();
        let before: Vec<&str> = names[1..11].iter().map(String::as_str).collect();
        let after: Vec<&str> = names[0..10].iter().map(String::as_str).collect();
        let scroll = best(&screen(&before), &screen(&after)).expect("a scroll");
        assert!(!scroll.up && scroll.n == 1, "{scroll:?}");
    }
}
