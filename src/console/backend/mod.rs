//! The terminal backend: what ratatui wants on screen written with as few bytes as the
//! terminal allows (issue 14, docs/DESIGN.md §5.5). Over SSH on a 56 kbit/s link every
//! byte of a key press is latency, so:
//!
//! - the backend keeps what the terminal shows (`shown`) and what ratatui wants
//!   (`wanted`, its diffs applied); a frame is decided whole, at the first call after the
//!   diffs, and written in one `write` (one packet), wrapped in synchronized-update
//!   brackets (`ESC [?2026h` … `l`) only when it writes anything;
//! - when rows moved (the table scrolled by a row, a page back), a scroll region moves
//!   them (`scroll.rs`) and only the rows really new are drawn;
//! - style changes are one SGR sequence holding only the difference from the pen the
//!   terminal already has, or a reset plus the new style when that is shorter (`sgr.rs`);
//! - the cursor is tracked and moved by the shortest sequence (`moves.rs`: relative,
//!   to the column, by tabs — a tab past the column and `\b` back too — or absolute);
//!   cells on the way are written over rather than skipped when that is shorter, by
//!   exact byte count: unchanged cells in the pen the terminal has, and cells this
//!   painting writes again later, as one-byte placeholders;
//! - a frame is painted row by row and grouped by style (a blank with the text next
//!   to it), and the shortest is written, counting the move to where the cursor is
//!   parked after it (`paint.rs`): a recolored column costs one style switch, not two
//!   per row;
//! - tab stops are set at the columns a frame moves to often (a table's columns, the
//!   digits that change in aligned numbers) when that costs less than it saves in the
//!   frame; a tab is then a one-byte move. They stay for the frames after; a clear
//!   (resize, back from Ctrl+Z) forgets them, and `terminal::restore` puts the default
//!   ones (every 8 columns) back;
//! - the pen is tracked across frames (no reset at each frame's end); erases reset it
//!   first, and `terminal::restore` resets it on the way out.
//!
//! Each frame's size and the bytes of its cells' text are kept ([`FrameStats`]): the
//! rest is overhead, printed as a ratio by `cargo bench --bench
//! terminal_bytes`. With `no_color` no color parameter is ever written.

mod moves;
mod paint;
mod scroll;
mod sgr;

use moves::{Cursor, TabStops};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use sgr::Pen;
use std::io::{self, Write};

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
/// A blank tail with at least this many changed cells is erased (`ESC [K`) rather
/// than written: fewer would cost about as much as the erase and the pen reset.
const ERASE_MIN_CELLS: usize = 6;
const SYNC_END: &[u8] = b"\x1b[?2026l";
/// Rounds of trying one tab stop fewer or more than the best set found.
const TAB_REFINE_ROUNDS: usize = 2;
/// The most frequent move targets tried as one more stop, at most.
const TAB_REFINE_ADD: usize = 4;

/// The backend set tab stops of its own on the terminal: `terminal::restore` puts the
/// default ones (every 8 columns) back.
pub static TAB_STOPS_SET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// One written frame: all its bytes, and those that are cells' text (the rest is
/// overhead: moves, styles, scrolls, brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameStats {
    pub bytes: usize,
    pub payload: usize,
}

impl FrameStats {
    /// The share of the frame that is not text (moves, styles, scrolls, brackets).
    pub fn overhead(&self) -> f64 {
        if self.bytes == 0 {
            return 0.0;
        }
        (self.bytes - self.payload.min(self.bytes)) as f64 / self.bytes as f64
    }
}

pub struct ThriftyBackend<W: Write> {
    out: W,
    /// The frame being built; written whole by `flush`.
    buffer: Vec<u8>,
    sync_updates: bool,
    frame_open: bool,
    no_color: bool,
    /// Scroll regions in use (`LICADM_SCROLL_REGIONS=0` turns them off).
    scroll_regions: bool,
    /// Tab stops of its own in use (`LICADM_TAB_STOPS=0` turns them off).
    tab_stops: bool,
    pen: Pen,
    /// The tab stops set on the terminal (none known: tabs unused).
    tabs: TabStops,
    /// None when unknown (at start, after a clear, after a glyph of unusual width).
    cursor: Option<Cursor>,
    cursor_visible: Option<bool>,
    /// A fixed size (tests); None asks the terminal.
    fixed_size: Option<Size>,
    /// What the terminal shows, as this backend drew it.
    shown: Buffer,
    /// What ratatui wants shown: its diffs since the last frame applied to `shown`.
    wanted: Buffer,
    /// Diffs arrived that are not written yet.
    pending: bool,
    /// Changed text written in the frame being built.
    payload: usize,
    last_frame: FrameStats,
}

impl<W: Write> ThriftyBackend<W> {
    pub fn new(out: W, no_color: bool) -> ThriftyBackend<W> {
        ThriftyBackend {
            out,
            buffer: Vec::with_capacity(16 * 1024),
            sync_updates: true,
            frame_open: false,
            no_color,
            scroll_regions: std::env::var("LICADM_SCROLL_REGIONS").map_or(true, |v| v != "0"),
            tab_stops: std::env::var("LICADM_TAB_STOPS").map_or(true, |v| v != "0"),
            pen: Pen::DEFAULT,
            tabs: TabStops::default(),
            cursor: None,
            cursor_visible: None,
            fixed_size: None,
            shown: Buffer::empty(Rect::ZERO),
            wanted: Buffer::empty(Rect::ZERO),
            pending: false,
            payload: 0,
            last_frame: FrameStats::default(),
        }
    }

    /// A backend of a fixed size that does not ask the terminal (tests, benchmarks).
    pub fn with_size(out: W, no_color: bool, width: u16, height: u16) -> ThriftyBackend<W> {
        let mut backend = ThriftyBackend::new(out, no_color);
        backend.fixed_size = Some(Size { width, height });
        backend
    }

    /// Without scroll regions (a terminal that lacks them; comparisons in benchmarks).
    pub fn without_scroll_regions(mut self) -> ThriftyBackend<W> {
        self.scroll_regions = false;
        self
    }

    /// Without tab stops of its own (comparisons in tests and benchmarks).
    pub fn without_tab_stops(mut self) -> ThriftyBackend<W> {
        self.tab_stops = false;
        self
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    /// The last frame written (zero bytes when the last flush wrote nothing).
    pub fn last_frame(&self) -> FrameStats {
        self.last_frame
    }

    /// The frame buffer, opened with the synchronized-update bracket at its first byte.
    fn frame(&mut self) -> &mut Vec<u8> {
        if !self.frame_open {
            self.frame_open = true;
            if self.sync_updates {
                self.buffer.extend_from_slice(SYNC_BEGIN);
            }
        }
        &mut self.buffer
    }

    /// Both screens at the terminal's size; a size change starts from a blank screen,
    /// as ratatui does (it clears on resize).
    fn fit(&mut self) {
        let Ok(size) = self.size() else { return };
        let area = Rect::new(0, 0, size.width, size.height);
        if self.shown.area != area {
            self.shown = Buffer::empty(area);
            self.wanted = Buffer::empty(area);
        }
    }

    /// What this frame paints on: the screens and the terminal's settings.
    fn canvas(&self) -> paint::Canvas<'_> {
        paint::Canvas {
            wanted: &self.wanted,
            shown: &self.shown,
            no_color: self.no_color,
            tabs: &self.tabs,
            park: None,
        }
    }

    fn move_to(&mut self, x: u16, y: u16) {
        let mut painter = paint::Painter::new(self.cursor, self.pen);
        painter.move_to(&self.canvas(), x, y);
        self.cursor = painter.cursor;
        if !painter.out.is_empty() {
            self.frame().extend_from_slice(&painter.out);
        }
    }

    fn set_pen(&mut self, to: Pen) {
        let mut painter = paint::Painter::new(self.cursor, self.pen);
        painter.set_pen(to);
        self.pen = painter.pen;
        if !painter.out.is_empty() {
            self.frame().extend_from_slice(&painter.out);
        }
    }

    fn cell_pen(&self, cell: &Cell) -> Pen {
        paint::cell_pen(&self.canvas(), cell)
    }

    /// Writes what changed since the last frame: a scroll when rows moved, then every
    /// cell that still differs.
    fn render_pending(&mut self) {
        self.render_pending_to(None);
    }

    /// `render_pending` for a frame whose cursor goes to `park` after the painting: the
    /// move there is counted in each painting's length (the selection's row painted
    /// last can leave a `\r` to go rather than `CSI 5 H`).
    fn render_pending_to(&mut self, park: Option<Cursor>) {
        if !self.pending {
            return;
        }
        self.pending = false;
        if self.scroll_regions
            && let Some(scroll) = scroll::best(&self.shown, &self.wanted)
        {
            self.scroll(scroll);
        }
        let height = usize::from(self.wanted.area.height);
        let erase_from: Vec<Option<u16>> = (0..self.wanted.area.height)
            .map(|y| self.erasable_tail(y))
            .collect();
        let mut erased = vec![false; height];
        let mut ops = Vec::new();
        for (x, y, _) in self.shown.diff(&self.wanted) {
            let row = usize::from(y);
            match erase_from[row] {
                // The rest of the row is blank: one `ESC [K` from the first change.
                Some(from) if x >= from => {
                    if !erased[row] {
                        erased[row] = true;
                        ops.push(paint::Op::EraseTail { x, y });
                    }
                }
                _ => ops.push(paint::Op::Cell { x, y }),
            }
        }
        // Row by row, grouped by pen, one pen apart: the shortest is written.
        let start = paint::Painter::new(self.cursor, self.pen);
        let orders = paint::orders(&self.canvas(), &ops, self.pen);
        let canvas = paint::Canvas {
            park,
            ..self.canvas()
        };
        // (`orders` always holds the row order: a painting is always found.)
        let (mut painted, best_order) = paint::shortest(&canvas, &start, &orders)
            .unwrap_or_else(|| (start.clone(), ops.as_slice()));
        if self.tab_stops {
            let best_order = best_order.to_vec();
            painted = self.with_tab_stops(&ops, best_order, painted, park);
        }
        if !painted.out.is_empty() {
            self.frame().extend_from_slice(&painted.out);
        }
        self.cursor = painted.cursor;
        self.pen = painted.pen;
        self.payload += painted.payload;
        // The pen is kept into the next frame (it is tracked): a reset here would cost
        // four bytes a frame. Erases reset it first; `terminal::restore` resets it.
        self.shown.clone_from(&self.wanted);
    }

    /// `painted` again with tab stops at the columns its moves went to often, when
    /// setting them costs less than they save in this frame (they stay for the frames
    /// after): the painting to write, its setup first. Tried in the best order, and
    /// row by row in a small frame.
    fn with_tab_stops(
        &mut self,
        ops: &[paint::Op],
        best_order: Vec<paint::Op>,
        mut painted: paint::Painter,
        park: Option<Cursor>,
    ) -> paint::Painter {
        let mut tried = vec![best_order];
        if ops.len() <= paint::FEW_OPS && tried[0] != ops {
            tried.push(ops.to_vec());
        }
        // Every setup starts from the stops the terminal has before this frame.
        let before = self.tabs.clone();
        for candidates in paint::tab_stop_candidates(&painted.targets, &before) {
            self.try_tab_stops(&before, candidates, &tried, &mut painted, park);
        }
        // Then one stop fewer or one more than the best set, one at a time: a stop
        // that serves a few rows costs the others a tab each to pass (docs/DESIGN.md
        // §5.5).
        // (Not on a screen drawn whole: each try is another painting, and a debug build
        // must still answer a key within the bench's quiet period.)
        let rounds = if ops.len() <= paint::FEW_OPS {
            TAB_REFINE_ROUNDS
        } else {
            0
        };
        for _ in 0..rounds {
            let chosen = self.tabs.clone();
            let mut nearby: Vec<TabStops> = chosen
                .0
                .iter()
                .map(|&s| TabStops(chosen.0.iter().copied().filter(|&x| x != s).collect()))
                .filter(|set| !set.0.is_empty())
                .collect();
            let with = |set: &[u16], x: u16| {
                let mut set = set.to_vec();
                set.push(x);
                set.sort_unstable();
                TabStops(set)
            };
            let new: Vec<u16> = paint::frequent_targets(&painted.targets, 2, TAB_REFINE_ADD)
                .into_iter()
                .filter(|x| !chosen.0.contains(x))
                .collect();
            for &x in &new {
                nearby.push(with(&chosen.0, x));
            }
            let mut changed = false;
            for candidates in nearby {
                changed |= self.try_tab_stops(&before, candidates, &tried, &mut painted, park);
            }
            if !changed {
                break;
            }
        }
        painted
    }

    /// `painted` replaced by the painting with `candidates` as the tab stops (set from
    /// `before` first) when that is shorter: whether it was.
    fn try_tab_stops(
        &mut self,
        before: &TabStops,
        candidates: TabStops,
        tried: &[Vec<paint::Op>],
        painted: &mut paint::Painter,
        park: Option<Cursor>,
    ) -> bool {
        if candidates.0.len() > paint::MAX_TAB_STOPS || candidates == self.tabs {
            return false;
        }
        let (setup, last) = paint::tab_setup(before, &candidates);
        if setup.len() >= painted.out.len() {
            return false;
        }
        let now = paint::Canvas {
            park,
            ..self.canvas()
        };
        let canvas = paint::Canvas {
            tabs: &candidates,
            park,
            ..self.canvas()
        };
        // `CSI n G` leaves the cursor on its row, at the last column set.
        let cursor = self.cursor.map(|c| Cursor { x: last, y: c.y });
        let start = paint::Painter::new(cursor, self.pen);
        let Some((mut tabbed, _)) = paint::shortest(&canvas, &start, tried) else {
            return false;
        };
        if setup.len() + paint::cost(&canvas, &tabbed) >= paint::cost(&now, painted) {
            return false;
        }
        let mut out = setup.into_bytes();
        out.append(&mut tabbed.out);
        tabbed.out = out;
        *painted = tabbed;
        self.tabs = candidates;
        TAB_STOPS_SET.store(true, std::sync::atomic::Ordering::SeqCst);
        true
    }

    /// Where row `y`'s blank tail starts, when erasing it (`ESC [K`, three bytes) beats
    /// writing the changes in it: text replaced by blanks (a shorter status, an empty
    /// result, another screen's shorter lines). Erased cells take the background of
    /// the pen, so only blanks in the default background qualify.
    fn erasable_tail(&self, y: u16) -> Option<u16> {
        let width = self.wanted.area.width;
        let erasable = |cell: &Cell| {
            cell.symbol() == " " && sgr::blank_alike(self.cell_pen(cell), Pen::DEFAULT)
        };
        let mut from = width;
        while from > 0 && erasable(&self.wanted[(from - 1, y)]) {
            from -= 1;
        }
        let changed = (from..width)
            .filter(|&x| self.wanted[(x, y)] != self.shown[(x, y)])
            .count();
        (changed >= ERASE_MIN_CELLS).then_some(from)
    }

    /// Scrolls rows `top..=bottom` on the terminal and in `shown`. DECSTBM puts the
    /// cursor home, and the region is reset at once, so nothing else ever runs inside
    /// a region (line feeds in `moves` rely on it).
    fn scroll(&mut self, scroll: scroll::Scroll) {
        // The emptied rows take the current background (and reverse video, in some
        // terminals): those must be the defaults, the rest of the pen may stay.
        if self.pen.bg != ratatui::style::Color::Reset
            || self
                .pen
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        {
            self.set_pen(Pen::DEFAULT);
        }
        let count = match scroll.n {
            1 => String::new(),
            n => n.to_string(),
        };
        let direction = if scroll.up { 'S' } else { 'T' };
        let sequence = format!(
            "\x1b[{};{}r\x1b[{count}{direction}\x1b[r",
            scroll.top + 1,
            scroll.bottom + 1
        );
        self.frame().extend_from_slice(sequence.as_bytes());
        self.cursor = Some(Cursor { x: 0, y: 0 });
        scroll::apply(&mut self.shown, scroll);
    }

    fn write_frame(&mut self) -> io::Result<()> {
        self.render_pending();
        if self.frame_open && self.sync_updates {
            self.buffer.extend_from_slice(SYNC_END);
        }
        self.frame_open = false;
        self.last_frame = FrameStats {
            bytes: self.buffer.len(),
            payload: self.payload,
        };
        self.payload = 0;
        if !self.buffer.is_empty() {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        self.out.flush()
    }
}

impl<W: Write> Backend for ThriftyBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.fit();
        let area = self.wanted.area;
        for (x, y, cell) in content {
            if area.contains(Position { x, y }) {
                self.wanted[(x, y)] = cell.clone();
                self.pending = true;
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        // Before the frame's painting (within its synchronized update): the frame is
        // painted at `flush` or `set_cursor_position`, which knows where it ends.
        if self.cursor_visible != Some(false) {
            self.frame().extend_from_slice(b"\x1b[?25l");
            self.cursor_visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_visible != Some(true) {
            self.frame().extend_from_slice(b"\x1b[?25h");
            self.cursor_visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position().map(|(x, y)| Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        // The painting that ends nearest the cursor's place is the shortest with it.
        self.render_pending_to(Some(Cursor { x, y }));
        self.move_to(x, y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.render_pending();
        // Erasing fills with the current background: clear with the default one.
        self.set_pen(Pen::DEFAULT);
        let sequence: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.frame().extend_from_slice(sequence);
        // A clear comes with a resize, which may have moved the cursor. ratatui draws
        // everything again after it; the backend's screens start blank too (a partial
        // clear is not used full-screen: treated the same, everything is redrawn).
        self.cursor = None;
        self.shown = Buffer::empty(Rect::ZERO);
        // A resize, or back from Ctrl+Z (where `restore` put the default stops back):
        // the stops are not relied on until set again.
        self.tabs = TabStops::default();
        self.fit();
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.render_pending();
        for _ in 0..n {
            self.frame().push(b'\n');
        }
        self.cursor = None;
        Ok(())
    }
    fn size(&self) -> io::Result<Size> {
        match self.fixed_size {
            Some(size) => Ok(size),
            None => {
                let (width, height) = crossterm::terminal::size()?;
                Ok(Size { width, height })
            }
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.fixed_size {
            return Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            });
        }
        let w = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: w.columns,
                height: w.rows,
            },
            pixels: Size {
                width: w.width,
                height: w.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_frame()
    }
}

/// Raw bytes between frames (OSC 52): passed through, written on flush.
impl<W: Write> Write for ThriftyBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.render_pending();
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_frame()
    }
}

#[cfg(test)]
mod tests;
