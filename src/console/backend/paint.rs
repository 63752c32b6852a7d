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
}

/// A painting: its bytes and where it leaves the terminal.
#[derive(Debug, Clone)]
pub struct Painter {
    pub out: Vec<u8>,
    pub cursor: Option<Cursor>,
    pub pen: Pen,
    /// Changed text written (the rest of `out` is overhead).
    pub payload: usize,
    /// The column of each move of three bytes or more: where tab stops would help.
    pub targets: Vec<u16>,
}

impl Painter {
    pub fn new(cursor: Option<Cursor>, pen: Pen) -> Painter {
        Painter {
            out: Vec::new(),
            cursor,
            pen,
            payload: 0,
            targets: Vec::new(),
        }
    }

    /// Paints `ops` in their order.
    pub fn paint(mut self, canvas: &Canvas, ops: &[Op]) -> Painter {
        for op in ops {
            match *op {
                Op::Cell { x, y } => self.cell(canvas, x, y),
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

    pub fn move_to(&mut self, canvas: &Canvas, x: u16, y: u16) {
        let target = Cursor { x, y };
        let sequence = moves::shortest(self.cursor, target, canvas.wanted.area.width, canvas.tabs);
        self.out.extend_from_slice(sequence.as_bytes());
        self.cursor = Some(target);
    }

    /// The text of the wanted cells `from..to` of row `y` when each is one column wide,
    /// unchanged or not yet drawn right, and drawn alike by the current pen: writing
    /// them moves the cursor over them as a skip would.
    fn fill(&self, canvas: &Canvas, y: u16, from: u16, to: u16, unchanged: bool) -> Option<String> {
        let mut fill = String::new();
        for gx in from..to {
            let cell = &canvas.wanted[(gx, y)];
            if unchanged && *cell != canvas.shown[(gx, y)] {
                return None;
            }
            let symbol = crate::domain::text::inert(cell.symbol());
            if symbol.width() != 1 || !self.fits_pen(canvas, cell) {
                return None;
            }
            fill.push_str(&symbol);
        }
        Some(fill)
    }

    /// Moves to `(x, y)` for the next changed cell by the fewest bytes: a move, or
    /// writing the cells on the way when that is shorter (a gap of a cell or two, or
    /// a row's first cells reached by `\r\n`). A written cell is the wanted one in its
    /// own pen, so whatever the order of painting, it is right.
    fn advance_to(&mut self, canvas: &Canvas, x: u16, y: u16) {
        let width = canvas.wanted.area.width;
        let direct = moves::shortest(self.cursor, Cursor { x, y }, width, canvas.tabs);
        let mut best: Option<(String, String)> = None;
        if let Some(c) = self.cursor
            && c.y == y
            && c.x < x
            && usize::from(x - c.x) < direct.len()
            && let Some(fill) = self.fill(canvas, y, c.x, x, false)
        {
            best = Some((String::new(), fill));
        }
        // A change a few cells into a lower row (a table's number column): to the row's
        // start (`\r\n`) and over its first cells can be shorter than `\n\e[68D`.
        if best.is_none()
            && let Some(c) = self.cursor
            && y > c.y
            && x > 0
            && usize::from(x) < direct.len()
        {
            let home = moves::shortest(self.cursor, Cursor { x: 0, y }, width, canvas.tabs);
            if let Some(fill) = self.fill(canvas, y, 0, x, true)
                && home.len() + fill.len() < direct.len()
            {
                best = Some((home, fill));
            }
        }
        match best {
            Some((home, fill)) if home.len() + fill.len() < direct.len() => {
                self.out.extend_from_slice(home.as_bytes());
                self.payload += fill.len();
                self.out.extend_from_slice(fill.as_bytes());
                self.cursor = Some(Cursor { x, y });
            }
            _ => {
                if direct.len() >= 3 && x > 0 {
                    self.targets.push(x);
                }
                self.out.extend_from_slice(direct.as_bytes());
                self.cursor = Some(Cursor { x, y });
            }
        }
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

/// `ops` (in row order) grouped by the pen they are drawn with: the pen the terminal
/// has first, then each other in the order it first appears; erases go with the
/// default pen. Within a group the row order is kept.
pub fn by_pen(canvas: &Canvas, ops: &[Op], current: Pen) -> Vec<Op> {
    let pen_of = |op: &Op| match *op {
        Op::Cell { x, y } => cell_pen(canvas, &canvas.wanted[(x, y)]),
        Op::EraseTail { .. } => Pen::DEFAULT,
    };
    let mut pens: Vec<Pen> = vec![current];
    for op in ops {
        let pen = pen_of(op);
        if !pens.contains(&pen) {
            pens.push(pen);
        }
    }
    pens.iter()
        .flat_map(|&pen| ops.iter().filter(move |op| pen_of(op) == pen).copied())
        .collect()
}

/// `ops` painted row by row and grouped by pen, whichever is shorter.
pub fn shortest(canvas: &Canvas, start: &Painter, ops: &[Op]) -> Painter {
    let by_rows = start.clone().paint(canvas, ops);
    let grouped = by_pen(canvas, ops, start.pen);
    if grouped == ops {
        return by_rows;
    }
    let by_pens = start.clone().paint(canvas, &grouped);
    if by_pens.out.len() < by_rows.out.len() {
        by_pens
    } else {
        by_rows
    }
}

/// At most this many stops.
const MAX_TAB_STOPS: usize = 24;

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

/// Clears every tab stop (`CSI 3 g`) and sets one at each of `stops` (`CSI n G`, then
/// `ESC H`, which sets a stop at the cursor's column; the row does not matter).
pub fn tab_setup(stops: &TabStops) -> String {
    let mut setup = String::from("\x1b[3g");
    for x in &stops.0 {
        setup.push_str(&format!("\x1b[{}G\x1bH", x + 1));
    }
    setup
}
