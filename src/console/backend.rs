//! The terminal backend: ratatui's buffer diff written with as few bytes as the screen
//! allows. Over SSH on a thin link every byte of a key press is latency, so:
//!
//! - a frame is buffered and written in one `write` (one packet), wrapped in
//!   synchronized-update brackets (`ESC [?2026h` … `l`) only when it writes anything;
//!   a frame that changes nothing writes nothing at all;
//! - style changes are one SGR sequence holding only the difference from the pen the
//!   terminal already has (or a reset plus the new style, when that is shorter),
//!   instead of separate modifier and color sequences per change;
//! - the cursor is tracked, so a move to where it already is costs nothing, the next
//!   row is `\r\n`, a small gap on a row is `ESC [nC`, and showing an already visible
//!   cursor is not repeated;
//! - at the end of a frame one `ESC [0m` leaves the terminal in its default style.
//!
//! With `no_color` no color parameter is ever written (NO_COLOR, `TERM=dumb`).

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

/// The style state of the terminal ("the pen").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };
}

/// Where the hardware cursor is. `x` may be one past the last column: after a glyph
/// in the last column the terminal waits to wrap, and only `\r` or an absolute move
/// are safe from there (`move_to` never uses anything else from that state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    x: u16,
    y: u16,
}

pub struct ThriftyBackend<W: Write> {
    out: W,
    /// The frame being built; written whole by `flush`.
    buffer: Vec<u8>,
    sync_updates: bool,
    frame_open: bool,
    no_color: bool,
    pen: Pen,
    /// None when unknown (at start, after a clear, after a glyph of unusual width).
    cursor: Option<Cursor>,
    cursor_visible: Option<bool>,
    /// A fixed size (tests); None asks the terminal.
    fixed_size: Option<Size>,
}

impl<W: Write> ThriftyBackend<W> {
    pub fn new(out: W, no_color: bool) -> ThriftyBackend<W> {
        ThriftyBackend {
            out,
            buffer: Vec::with_capacity(16 * 1024),
            sync_updates: true,
            frame_open: false,
            no_color,
            pen: Pen::DEFAULT,
            cursor: None,
            cursor_visible: None,
            fixed_size: None,
        }
    }

    /// A backend of a fixed size that does not ask the terminal (tests, benchmarks).
    pub fn with_size(out: W, no_color: bool, width: u16, height: u16) -> ThriftyBackend<W> {
        let mut backend = ThriftyBackend::new(out, no_color);
        backend.fixed_size = Some(Size { width, height });
        backend
    }

    pub fn writer(&self) -> &W {
        &self.out
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

    fn move_to(&mut self, x: u16, y: u16) {
        let target = Cursor { x, y };
        if self.cursor == Some(target) {
            return;
        }
        let absolute = if x == 0 {
            format!("\x1b[{}H", y + 1)
        } else {
            format!("\x1b[{};{}H", y + 1, x + 1)
        };
        let sequence = match self.cursor {
            Some(c) if x == 0 && c.y == y => "\r".to_string(),
            // The target is on screen, so the line feed never scrolls.
            Some(c) if x == 0 && c.y + 1 == y => "\r\n".to_string(),
            Some(c) if c.y == y && x > c.x => {
                let forward = match x - c.x {
                    1 => "\x1b[C".to_string(),
                    n => format!("\x1b[{n}C"),
                };
                if forward.len() < absolute.len() {
                    forward
                } else {
                    absolute
                }
            }
            _ => absolute,
        };
        self.frame().extend_from_slice(sequence.as_bytes());
        self.cursor = Some(target);
    }

    fn set_pen(&mut self, to: Pen) {
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
        let frame = self.frame();
        frame.extend_from_slice(b"\x1b[");
        frame.extend_from_slice(params.as_bytes());
        frame.push(b'm');
        self.pen = to;
    }

    fn cell_pen(&self, cell: &Cell) -> Pen {
        if self.no_color {
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

    fn write_frame(&mut self) -> io::Result<()> {
        if self.frame_open && self.sync_updates {
            self.buffer.extend_from_slice(SYNC_END);
        }
        self.frame_open = false;
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
        for (x, y, cell) in content {
            self.move_to(x, y);
            let pen = self.cell_pen(cell);
            self.set_pen(pen);
            // The last boundary before the terminal: data holding an escape sequence
            // (stored before the portal refused such text) is drawn as text, inert.
            let symbol = crate::domain::text::inert(cell.symbol());
            self.frame().extend_from_slice(symbol.as_bytes());
            // Only a glyph one column wide moves the cursor predictably everywhere.
            self.cursor = match symbol.width() {
                1 => Some(Cursor { x: x + 1, y }),
                _ => None,
            };
        }
        self.set_pen(Pen::DEFAULT);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
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
        self.move_to(x, y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
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
        // A clear comes with a resize, which may have moved the cursor.
        self.cursor = None;
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
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
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_frame()
    }
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
fn sgr_delta(from: Pen, to: Pen) -> String {
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
fn sgr_fresh(to: Pen) -> String {
    let mut fresh = sgr_delta(Pen::DEFAULT, to);
    fresh.insert_str(0, if fresh.is_empty() { "0" } else { "0;" });
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::style::Style;
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;

    fn terminal(no_color: bool) -> Terminal<ThriftyBackend<Vec<u8>>> {
        Terminal::new(ThriftyBackend::with_size(Vec::new(), no_color, 20, 4)).expect("terminal")
    }

    /// Draws rows of (text, style) with the cursor at `cursor` and returns the bytes
    /// this frame wrote.
    fn frame(
        terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>,
        rows: &[(&str, Style)],
        cursor: Option<(u16, u16)>,
    ) -> String {
        let before = terminal.backend().writer().len();
        terminal
            .draw(|f| {
                let lines: Vec<Line> = rows
                    .iter()
                    .map(|(t, s)| Line::styled(t.to_string(), *s))
                    .collect();
                f.render_widget(Paragraph::new(lines), f.area());
                if let Some(c) = cursor {
                    f.set_cursor_position(c);
                }
            })
            .expect("draw");
        String::from_utf8_lossy(&terminal.backend().writer()[before..]).into_owned()
    }

    #[test]
    fn an_escape_sequence_in_a_cell_is_drawn_inert() {
        let mut t = terminal(false);
        let before = t.backend().writer().len();
        t.draw(|f| {
            // Straight into the buffer, past ratatui's own filtering of text.
            f.buffer_mut()[(0, 0)].set_symbol("\x1b]52;c;ZXZpbA==\x07");
        })
        .expect("draw");
        let bytes = String::from_utf8_lossy(&t.backend().writer()[before..]).into_owned();
        assert!(bytes.contains("?]52;c;ZXZpbA==?"), "{bytes:?}");
        assert!(!bytes.contains("\x1b]") && !bytes.contains('\x07'), "{bytes:?}");
    }

    #[test]
    fn an_unchanged_frame_writes_nothing() {
        let mut t = terminal(false);
        let rows = [("ab", Style::new())];
        frame(&mut t, &rows, Some((0, 0)));
        assert_eq!(frame(&mut t, &rows, Some((0, 0))), "");
    }

    #[test]
    fn a_row_move_merges_styles_and_skips_known_cursor_moves() {
        let mut t = terminal(false);
        let sel = Style::new().reversed().light_blue();
        let plain = Style::new();
        frame(&mut t, &[("aa", sel), ("bb", plain)], Some((0, 0)));
        // The selection moves from row 0 to row 1.
        let bytes = frame(&mut t, &[("aa", plain), ("bb", sel)], Some((0, 1)));
        // Row 0 starts where the cursor already is (no move), the unchanged rest of
        // it is skipped with \r\n, one SGR sets the selection, the cursor goes back
        // with \r.
        assert_eq!(bytes, "\x1b[?2026haa\r\n\x1b[7;94mbb\x1b[0m\r\x1b[?2026l");
    }

    #[test]
    fn next_row_is_a_line_feed_and_gaps_move_forward() {
        let mut t = terminal(false);
        frame(&mut t, &[], None);
        let full = "x".repeat(20);
        let bytes = frame(&mut t, &[(&full, Style::new()), ("y", Style::new())], None);
        assert!(bytes.contains(&format!("{full}\r\ny")), "{bytes:?}");
        let bytes = frame(
            &mut t,
            &[(&full, Style::new()), ("y    z", Style::new())],
            None,
        );
        // The cursor is after "y" (unchanged, not redrawn): four columns forward.
        assert_eq!(bytes, "\x1b[?2026h\x1b[4Cz\x1b[?2026l");
    }

    #[test]
    fn shown_cursor_is_not_shown_again() {
        let mut t = terminal(false);
        let first = frame(&mut t, &[("a", Style::new())], Some((0, 0)));
        assert!(first.contains("\x1b[?25h"), "{first:?}");
        let second = frame(&mut t, &[("b", Style::new())], Some((0, 0)));
        assert!(!second.contains("\x1b[?25h"), "{second:?}");
    }

    #[test]
    fn no_color_writes_modifiers_only() {
        let mut t = terminal(true);
        let bytes = frame(
            &mut t,
            &[
                ("a", Style::new().red().on_blue().bold()),
                ("b", Style::new().reversed()),
            ],
            None,
        );
        assert!(bytes.contains("\x1b[1ma"), "{bytes:?}");
        for color in ["31", "44", "39", "49", "38;", "48;"] {
            assert!(
                !bytes.contains(&format!("[{color}")),
                "{color} in {bytes:?}"
            );
            assert!(
                !bytes.contains(&format!(";{color}")),
                "{color} in {bytes:?}"
            );
        }
    }

    #[test]
    fn sgr_delta_is_the_difference_or_a_shorter_reset() {
        let bold_red = Pen {
            fg: Color::Red,
            modifier: Modifier::BOLD,
            ..Pen::DEFAULT
        };
        let dim = Pen {
            modifier: Modifier::DIM,
            ..Pen::DEFAULT
        };
        assert_eq!(sgr_delta(Pen::DEFAULT, bold_red), "1;31");
        // 22 ends bold and dim alike: dim is set again.
        assert_eq!(sgr_delta(bold_red, dim), "22;2;39");
        assert_eq!(sgr_fresh(dim), "0;2");
        let rgb = Pen {
            bg: Color::Rgb(1, 2, 3),
            underline: Color::Indexed(200),
            ..Pen::DEFAULT
        };
        assert_eq!(sgr_delta(Pen::DEFAULT, rgb), "48;2;1;2;3;58;5;200");
        assert_eq!(sgr_fresh(Pen::DEFAULT), "0");
    }
}
