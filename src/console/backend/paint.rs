//! Writing a frame's changed cells (issue 14): the cursor moves, pen changes and text
//! that take the terminal from the screen it shows to the one wanted, in a given
//! order. The backend paints a frame in two orders — row by row, and grouped by pen
//! (every cell of one style, then the next style) — and writes the shorter: a filter
//! that recolors the status column in every row costs a style switch there and back
//! per row in row order, one per style grouped.

use super::moves::{self, Cursor, TabStops};
use super::sgr::{self, Pen, sgr_delta, sgr_fresh};
use ratatui::buffer::{Buffer, Cell};
use unicode_width::UnicodeWidthStr;

/// One thing to do on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Write the wanted cell at (x, y).
    Cell { x: u16, y: u16 },
    /// Erase from (x, y) to the end of the row (`ESC [K`): the rest is blank.
    EraseTail { x: u16, y: u16 },
}

/// The state a painting starts from and the screens it goes between.
pub struct Canvas<'a> {
    pub wanted: &'a Buffer,
    /// The screen before this frame (after its scroll): a cell equal in both is
    /// unchanged, so it may be written over to save a move.
    pub shown: &'a Buffer,
    pub no_color: bool,
    pub tabs: &'a TabStops,
    /// Where the cursor goes after the painting, when known: its move counts.
    pub park: Option<Cursor>,
}

/// A painting: its bytes and where it leaves the terminal.
#[derive(Debug, Clone)]
pub struct Painter {
    pub out: Vec<u8>,
    pub cursor: Option<Cursor>,
    pub pen: Pen,
    /// Changed text written (the rest of `out` is overhead).
    pub payload: usize,
    /// The column of each move of two bytes or more: where tab stops would help.
    pub targets: Vec<u16>,
    /// The cells this painting has still to write (row-major, the screen's width):
    /// they may be written over in any pen on the way, as they are written again.
    later: Vec<bool>,
    width: u16,
}

impl Painter {
    pub fn new(cursor: Option<Cursor>, pen: Pen) -> Painter {
        Painter {
            out: Vec::new(),
            cursor,
            pen,
            payload: 0,
            targets: Vec::new(),
            later: Vec::new(),
            width: 0,
        }
    }

    /// Paints `ops` in their order.
    pub fn paint(mut self, canvas: &Canvas, ops: &[Op]) -> Painter {
        let area = canvas.wanted.area;
        self.width = area.width;
        self.later = vec![false; usize::from(area.width) * usize::from(area.height)];
        for op in ops {
            if let Op::Cell { x, y } = *op {
                let i = self.index(x, y);
                self.later[i] = true;
            }
        }
        for op in ops {
            match *op {
                Op::Cell { x, y } => {
                    let i = self.index(x, y);
                    self.later[i] = false;
                    self.cell(canvas, x, y);
                }
                Op::EraseTail { x, y } => {
                    self.advance_to(canvas, x, y);
                    if !sgr::blank_alike(self.pen, Pen::DEFAULT) {
                        self.set_pen(Pen::DEFAULT);
                    }
                    self.out.extend_from_slice(b"\x1b[K");
                }
            }
        }
        self
    }

    fn cell(&mut self, canvas: &Canvas, x: u16, y: u16) {
        let cell = &canvas.wanted[(x, y)];
        self.advance_to(canvas, x, y);
        if !self.fits_pen(canvas, cell) {
            self.set_pen(cell_pen(canvas, cell));
        }
        // The last boundary before the terminal: data holding an escape sequence
        // (stored before the portal refused such text) is drawn as text, inert.
        let symbol = crate::domain::text::inert(cell.symbol());
        self.payload += symbol.len();
        self.out.extend_from_slice(symbol.as_bytes());
        // Only a glyph one column wide moves the cursor predictably everywhere.
        self.cursor = match symbol.width() {
            1 => Some(Cursor { x: x + 1, y }),
            _ => None,
        };
    }

    fn index(&self, x: u16, y: u16) -> usize {
        usize::from(y) * usize::from(self.width) + usize::from(x)
    }

    /// Whether this painting writes cell (x, y) after the op it is at.
    fn is_later(&self, x: u16, y: u16) -> bool {
        self.later.get(self.index(x, y)).copied().unwrap_or(false)
    }

    pub fn move_to(&mut self, canvas: &Canvas, x: u16, y: u16) {
        let target = Cursor { x, y };
        let sequence = moves::shortest(self.cursor, target, canvas.wanted.area.width, canvas.tabs);
        self.out.extend_from_slice(sequence.as_bytes());
        self.cursor = Some(target);
    }

    /// The text of the wanted cells `from..to` of row `y` when each is one column wide,
    /// unchanged or not yet drawn right, and drawn alike by the current pen — or still
    /// to be written by this painting, in whatever pen (a placeholder of one byte: a
    /// one-letter key hint in another color costs a byte to pass, not `CSI C`'s
    /// three): writing them moves the cursor over them as a skip would. With the
    /// fill, the bytes of it that are wanted text.
    fn fill(
        &self,
        canvas: &Canvas,
        y: u16,
        from: u16,
        to: u16,
        unchanged: bool,
    ) -> Option<(String, usize)> {
        let mut fill = String::new();
        let mut text = 0;
        for gx in from..to {
            let cell = &canvas.wanted[(gx, y)];
            let symbol = crate::domain::text::inert(cell.symbol());
            if symbol.width() != 1 {
                return None;
            }
            if self.is_later(gx, y) && !self.fits_pen(canvas, cell) {
                fill.push(match symbol.as_bytes() {
                    [byte] => char::from(*byte),
                    _ => ' ',
                });
                continue;
            }
            if (unchanged && *cell != canvas.shown[(gx, y)]) || !self.fits_pen(canvas, cell) {
                return None;
            }
            text += symbol.len();
            fill.push_str(&symbol);
        }
        Some((fill, text))
    }

    /// Moves to `(x, y)` for the next changed cell by the fewest bytes: a move, or a
    /// move to a column before it and writing the cells on the way when that is
    /// shorter — from the cursor (a gap of a cell or two), from a row's start (`\r\n`
    /// and a table's first cells) or from a tab stop (`\n\r\t` and the digit before
    /// the one that changed, rather than `\n CSI 5 G`). A written cell is the wanted one
    /// in its own pen, or one this painting writes again later, so whatever the order
    /// of painting, it is right.
    fn advance_to(&mut self, canvas: &Canvas, x: u16, y: u16) {
        let width = canvas.wanted.area.width;
        let direct = moves::shortest(self.cursor, Cursor { x, y }, width, canvas.tabs);
        // (move, fill, the fill's bytes that are wanted text)
        let mut best: (String, String, usize) = (direct, String::new(), 0);
        let consider = |start: Cursor, unchanged: bool, best: &mut (String, String, usize)| {
            let limit = best.0.len() + best.1.len();
            if usize::from(x - start.x) >= limit {
                return;
            }
            let to_start = moves::shortest(self.cursor, start, width, canvas.tabs);
            if to_start.len() + usize::from(x - start.x) >= limit {
                return;
            }
            if let Some((fill, text)) = self.fill(canvas, y, start.x, x, unchanged)
                && to_start.len() + fill.len() < limit
            {
                *best = (to_start, fill, text);
            }
        };
        if let Some(c) = self.cursor {
            if c.y == y && c.x < x {
                consider(c, false, &mut best);
            }
            // A change a few cells into a lower row (a table's number column): to the
            // row's start or a stop before the change, and over the cells up to it.
            if y > c.y && x > 0 {
                consider(Cursor { x: 0, y }, true, &mut best);
            }
            for &stop in &canvas.tabs.0 {
                let reachable = (y > c.y || (y == c.y && stop > c.x)) && stop > 0;
                if reachable && stop < x {
                    consider(Cursor { x: stop, y }, y > c.y, &mut best);
                }
            }
        }
        let (to_start, fill, text) = best;
        // A column reached for two bytes or more is one a stop could serve for one.
        if to_start.len() + fill.len() >= 2 && x > 0 {
            self.targets.push(x);
        }
        self.out.extend_from_slice(to_start.as_bytes());
        self.payload += text;
        self.out.extend_from_slice(fill.as_bytes());
        self.cursor = Some(Cursor { x, y });
    }

    pub fn set_pen(&mut self, to: Pen) {
        if to == self.pen {
            return;
        }
        let delta = sgr_delta(self.pen, to);
        let fresh = sgr_fresh(to);
        let params = if fresh.len() < delta.len() {
            fresh
        } else {
            delta
        };
        self.out.extend_from_slice(b"\x1b[");
        // A reset alone is `CSI m`: an absent parameter is 0.
        if params != "0" {
            self.out.extend_from_slice(params.as_bytes());
        }
        self.out.push(b'm');
        self.pen = to;
    }

    /// Whether `cell` can be written with the pen the terminal has: its own pen, or
    /// for a blank any pen that paints a blank the same (the foreground of a space is
    /// invisible unless it is reversed, underlined or struck through). Runs of text
    /// with blanks between them then need no style switch around the blanks.
    fn fits_pen(&self, canvas: &Canvas, cell: &Cell) -> bool {
        let pen = cell_pen(canvas, cell);
        pen == self.pen || (cell.symbol() == " " && sgr::blank_alike(pen, self.pen))
    }
}

/// The pen a cell is drawn with (modifiers only with `no_color`).
pub fn cell_pen(canvas: &Canvas, cell: &Cell) -> Pen {
    if canvas.no_color {
        return Pen {
            modifier: cell.modifier,
            ..Pen::DEFAULT
        };
    }
    Pen {
        fg: cell.fg,
        bg: cell.bg,
        underline: cell.underline_color,
        modifier: cell.modifier,
    }
}

/// The orders worth trying for `ops` (in row order): row by row; grouped by pen (the
/// pen the terminal has first, then each other in the order it first appears; erases
/// go with the default pen); and for each pen, its cells before or after all the
/// others (a recolored status column, and the rest row by row). Within a group the
/// row order is kept.
pub fn orders(canvas: &Canvas, ops: &[Op], current: Pen) -> Vec<Vec<Op>> {
    let pen_of = |op: &Op| match *op {
        Op::Cell { x, y } => cell_pen(canvas, &canvas.wanted[(x, y)]),
        Op::EraseTail { .. } => Pen::DEFAULT,
    };
    let pens_of = grouping_pens(canvas, ops, ops.iter().map(pen_of).collect());
    let mut pens: Vec<Pen> = vec![current];
    for &pen in &pens_of {
        if !pens.contains(&pen) {
            pens.push(pen);
        }
    }
    let with = |pen: Pen, same: bool| {
        ops.iter()
            .zip(&pens_of)
            .filter(move |(_, p)| (**p == pen) == same)
            .map(|(op, _)| *op)
    };
    let mut orders = vec![ops.to_vec()];
    if pens.len() <= 2 && pens_of.iter().all(|&p| p == current) {
        return orders;
    }
    orders.push(pens.iter().flat_map(|&pen| with(pen, true)).collect());
    // A big frame (a screen drawn whole) is tried in these two orders only: each
    // painting costs time, and the pens apart save a few bytes at most there.
    if ops.len() > FEW_OPS {
        return orders;
    }
    for &pen in pens.iter().take(MAX_PENS_APART) {
        orders.push(with(pen, true).chain(with(pen, false)).collect());
        orders.push(with(pen, false).chain(with(pen, true)).collect());
    }
    orders.dedup();
    orders
}

/// The pen each op is grouped under: its own, except that a blank next to a changed
/// cell on its row joins that cell's group when their pens paint a blank alike
/// («Ошибка» replacing «Выполнена» leaves three blanks, written in the red run rather
/// than reached again in the default group). `own` is in `ops`' (row) order.
fn grouping_pens(canvas: &Canvas, ops: &[Op], own: Vec<Pen>) -> Vec<Pen> {
    let blank = |op: &Op| matches!(*op, Op::Cell { x, y } if canvas.wanted[(x, y)].symbol() == " ");
    let next_to = |a: &Op, b: &Op| match (*a, *b) {
        (Op::Cell { x: xa, y: ya }, Op::Cell { x: xb, y: yb }) => ya == yb && xa + 1 == xb,
        _ => false,
    };
    let mut pens = own.clone();
    // A blank after a cell takes its pen; then leading blanks take the pen after them.
    for i in 1..ops.len() {
        if blank(&ops[i]) && next_to(&ops[i - 1], &ops[i]) && sgr::blank_alike(pens[i - 1], own[i])
        {
            pens[i] = pens[i - 1];
        }
    }
    for i in (0..ops.len().saturating_sub(1)).rev() {
        if blank(&ops[i])
            && pens[i] == own[i]
            && next_to(&ops[i], &ops[i + 1])
            && sgr::blank_alike(pens[i + 1], own[i])
        {
            pens[i] = pens[i + 1];
        }
    }
    pens
}

/// Pens painted apart from the rest, at most (each is two more paintings to try).
const MAX_PENS_APART: usize = 6;
/// A frame of up to this many cells to write is tried in more orders.
pub const FEW_OPS: usize = 1200;

/// `ops` painted in each of `orders`: the shortest painting, and its order.
pub fn shortest<'o>(
    canvas: &Canvas,
    start: &Painter,
    orders: &'o [Vec<Op>],
) -> Option<(Painter, &'o [Op])> {
    orders
        .iter()
        .map(|order| (start.clone().paint(canvas, order), order.as_slice()))
        .min_by_key(|(painted, _)| cost(canvas, painted))
}

/// A painting's bytes with the move to where the cursor is parked after it.
pub fn cost(canvas: &Canvas, painted: &Painter) -> usize {
    let park = canvas
        .park
        .filter(|&p| Some(p) != painted.cursor)
        .map_or(0, |p| {
            moves::shortest(painted.cursor, p, canvas.wanted.area.width, canvas.tabs).len()
        });
    painted.out.len() + park
}

/// At most this many stops.
pub const MAX_TAB_STOPS: usize = 24;

/// The columns moves went to at least `uses` times, most often first, at most `n`.
pub fn frequent_targets(targets: &[u16], uses: usize, n: usize) -> Vec<u16> {
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    for &x in targets {
        *counts.entry(x).or_default() += 1;
    }
    let mut often: Vec<(u16, usize)> = counts.into_iter().filter(|&(_, c)| c >= uses).collect();
    often.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    often.into_iter().take(n).map(|(x, _)| x).collect()
}

/// The stop sets worth trying after a painting: the columns its moves went to at
/// least 2, 3 or 4 times (a stop costs about seven bytes to set, a tab saves two or
/// more a move), each alone and added to the stops in force. Empty sets and the one in
/// force are left out.
pub fn tab_stop_candidates(targets: &[u16], current: &TabStops) -> Vec<TabStops> {
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    for &x in targets {
        *counts.entry(x).or_default() += 1;
    }
    let mut sets: Vec<TabStops> = Vec::new();
    for uses in 2..=4 {
        let mut often: Vec<(u16, usize)> = counts
            .iter()
            .filter(|&(_, &n)| n >= uses)
            .map(|(&x, &n)| (x, n))
            .collect();
        often.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        often.truncate(MAX_TAB_STOPS);
        let alone: std::collections::BTreeSet<u16> = often.into_iter().map(|(x, _)| x).collect();
        let mut added = alone.clone();
        added.extend(current.0.iter().copied());
        for set in [alone, added] {
            let set = TabStops(set.into_iter().take(MAX_TAB_STOPS).collect());
            if !set.0.is_empty() && set != *current && !sets.contains(&set) {
                sets.push(set);
            }
        }
    }
    sets
}

/// The bytes that take the terminal's tab stops from `current` to `new`, and the
/// column they leave the cursor in: each stop added (`CSI n G`, then `ESC H`, which
/// sets a stop at the cursor's column; the row does not matter) and each removed
/// (`CSI n G`, `CSI g`), or every stop cleared (`CSI 3 g`) and the new ones set,
/// whichever is shorter. `current` empty: the stops are not known.
pub fn tab_setup(current: &TabStops, new: &TabStops) -> (String, u16) {
    let at = |x: u16, what: &str| format!("\x1b[{}G{what}", x + 1);
    let mut changes: Vec<(u16, &str)> = new
        .0
        .iter()
        .filter(|x| !current.0.contains(x))
        .map(|&x| (x, "\x1bH"))
        .chain(
            current
                .0
                .iter()
                .filter(|x| !new.0.contains(x))
                .map(|&x| (x, "\x1b[g")),
        )
        .collect();
    changes.sort_unstable();
    let edit: String = changes.iter().map(|&(x, what)| at(x, what)).collect();
    let full: String = std::iter::once("\x1b[3g".to_string())
        .chain(new.0.iter().map(|&x| at(x, "\x1bH")))
        .collect();
    let last = |xs: &mut dyn Iterator<Item = u16>| xs.last().unwrap_or(0);
    // No stops known (the terminal's own, whatever they are): clear them all first.
    if !current.0.is_empty() && !changes.is_empty() && edit.len() < full.len() {
        (edit, last(&mut changes.iter().map(|&(x, _)| x)))
    } else {
        (full, last(&mut new.0.iter().copied()))
    }
}
