//! Tab stops for the vt100 parser the tests read screens with: vt100 0.18 keeps fixed
//! stops every 8 columns and ignores setting them (`ESC H`) and clearing them
//! (`CSI g`, `CSI 3 g`), which the console's backend uses (issue 14: a tab is a one-byte
//! move to a table's column). This sits in front of the parser and does what a
//! terminal does: it keeps the stops, and turns each `\t` into a move to the next stop.
//! Sequences split across reads are held until they are whole. Also included by the
//! backend's own unit tests (`src/console/backend/tests.rs`).

use std::collections::BTreeSet;

#[derive(Default)]
pub struct TabbedParser {
    /// None: the terminal's default stops, every 8 columns.
    stops: Option<BTreeSet<u16>>,
    /// An escape sequence begun and not yet ended (at most a CSI's parameters).
    pending: Vec<u8>,
}

impl TabbedParser {
    /// Feeds `bytes` to `parser`, with the tab stops done here.
    pub fn process(&mut self, parser: &mut vt100::Parser, bytes: &[u8]) {
        let mut chunk: Vec<u8> = Vec::with_capacity(bytes.len());
        for &byte in bytes {
            if !self.pending.is_empty() {
                self.pending.push(byte);
                match self.pending.as_slice() {
                    [0x1b, b'H'] => {
                        // HTS: a stop at the cursor's column.
                        parser.process(&chunk);
                        chunk.clear();
                        let col = parser.screen().cursor_position().1;
                        self.stops_mut().insert(col);
                        self.pending.clear();
                    }
                    [0x1b, b'['] => {}
                    [0x1b, 0x1b] => {
                        chunk.push(0x1b);
                        self.pending = vec![0x1b];
                    }
                    [0x1b, _] => chunk.append(&mut self.pending),
                    [0x1b, b'[', .., last] if (0x40..=0x7e).contains(last) => {
                        if *last == b'g' {
                            // TBC: `CSI g` / `CSI 0 g` clears the stop at the cursor,
                            // `CSI 3 g` every stop.
                            parser.process(&chunk);
                            chunk.clear();
                            let params = &self.pending[2..self.pending.len() - 1];
                            if params == b"3" {
                                self.stops = Some(BTreeSet::new());
                            } else if params.is_empty() || params == b"0" {
                                let col = parser.screen().cursor_position().1;
                                self.stops_mut().remove(&col);
                            }
                            self.pending.clear();
                        } else {
                            chunk.append(&mut self.pending);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match byte {
                0x1b => self.pending.push(byte),
                b'\t' => {
                    parser.process(&chunk);
                    chunk.clear();
                    let (_, cols) = parser.screen().size();
                    let col = parser.screen().cursor_position().1;
                    let last = cols.get().saturating_sub(1);
                    let next = match &self.stops {
                        None => (col / 8 + 1) * 8,
                        Some(stops) => stops.range(col + 1..).next().copied().unwrap_or(last),
                    };
                    chunk.extend_from_slice(format!("\x1b[{}G", next.min(last) + 1).as_bytes());
                }
                _ => chunk.push(byte),
            }
        }
        parser.process(&chunk);
    }

    fn stops_mut(&mut self) -> &mut BTreeSet<u16> {
        self.stops
            .get_or_insert_with(|| (1..32).map(|i| i * 8).collect())
    }
}
