//! The backend's bytes for typical frames.

use super::*;
use ratatui::Terminal;
use ratatui::style::Style;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use sgr::{sgr_delta, sgr_fresh};

/// Tab stops in front of vt100, which does not keep them (shared with the pty tests;
/// the path is from `src/console/backend/`).
#[path = "../../../tests/support/tabs.rs"]
mod tabs;

mod encodings;
mod replay;

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
    // Grouped by pen: the terminal still has the selection's pen, so row 1 is drawn
    // in it first (`\n` from the cursor on row 0), then row 0 after one reset
    // (`CSI m`), and the cursor goes to the selection: 14 bytes against 15 row by row
    // (`aa\r\n\e[7;94mbb\r`).
    assert_eq!(bytes, "\x1b[?2026h\nbb\x1b[1H\x1b[maa\r\n\x1b[?2026l");
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

/// Draws lines of a table whose rows are `first..first + rows` with row `selected`
/// reversed, like the Activations list.
fn table_frame(
    terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>,
    first: usize,
    selected: usize,
) -> (String, FrameStats) {
    let before = terminal.backend().writer().len();
    terminal
        .draw(|f| {
            let area = f.area();
            let mut lines = vec![Line::styled(
                format!("Activations · row {selected}"),
                Style::new().bold(),
            )];
            for i in first..first + usize::from(area.height) - 2 {
                let text = format!(
                    "{i:>6}  Alster LLC  {:>12} ₽  done  2025-12-{:02}",
                    i * 1900,
                    i % 28 + 1
                );
                let style = if i == selected {
                    Style::new().reversed()
                } else {
                    Style::new()
                };
                lines.push(Line::styled(format!("{text:<80}"), style));
            }
            lines.push(Line::styled("online · synced 3 s ago", Style::new().dim()));
            f.render_widget(Paragraph::new(lines), area);
            f.set_cursor_position((0, 1 + (selected - first) as u16));
        })
        .expect("draw");
    let bytes = String::from_utf8_lossy(&terminal.backend().writer()[before..]).into_owned();
    (bytes, terminal.backend().last_frame())
}

#[test]
fn a_row_move_that_scrolls_moves_the_rows_and_draws_one() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    table_frame(&mut t, 0, 21);
    // ↓ at the bottom of the view: the table moves up a row.
    let (bytes, stats) = table_frame(&mut t, 1, 22);
    assert!(
        bytes.contains("r\x1b[S\x1b[r"),
        "a scroll region: {bytes:?}"
    );
    assert!(stats.bytes <= 400, "{} bytes: {bytes:?}", stats.bytes);
    // (The overhead ratio is measured on the real console: `terminal_bytes`, e2e.)
    // Without scroll regions every row is written again.
    let mut t = Terminal::new(
        ThriftyBackend::with_size(Vec::new(), false, 80, 24).without_scroll_regions(),
    )
    .expect("terminal");
    table_frame(&mut t, 0, 21);
    let (_, rewritten) = table_frame(&mut t, 1, 22);
    assert!(
        rewritten.bytes > 2 * stats.bytes,
        "{rewritten:?} vs {stats:?}"
    );
}

#[test]
fn the_screen_after_a_scroll_is_the_screen_wanted() {
    // Replayed through a terminal emulator: scrolled, drawn, and exactly the frame.
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    let mut parser = vt100_parser();
    for (first, selected) in [
        (0, 21),
        (1, 22),
        (2, 23),
        (1, 1),
        (0, 0),
        (20, 25),
        (0, 3),
        (0, 4),
        (3, 24),
        (5, 26),
    ] {
        let before = t.backend().writer().len();
        table_frame(&mut t, first, selected);
        parser.process(&t.backend().writer()[before..]);
        let mut fresh =
            Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
        table_frame(&mut fresh, first, selected);
        let mut expected = vt100_parser();
        expected.process(fresh.backend().writer());
        assert_eq!(
            cells(parser.screen()),
            cells(expected.screen()),
            "rows from {first}"
        );
    }
}

#[test]
fn a_short_gap_is_written_over_not_skipped() {
    let mut t = terminal(false);
    frame(&mut t, &[("abcdef", Style::new())], None);
    let bytes = frame(&mut t, &[("aXcYef", Style::new())], None);
    // One unchanged cell (c) costs one byte written, three skipped.
    assert!(bytes.contains("XcY"), "{bytes:?}");
}

/// A terminal to replay frames on: vt100, with tab stops.
struct Replay {
    parser: vt100::Parser,
    tabs: tabs::TabbedParser,
}

impl Replay {
    fn process(&mut self, bytes: &[u8]) {
        self.tabs.process(&mut self.parser, bytes);
    }

    fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }
}

fn vt100_parser() -> Replay {
    let rows = std::num::NonZeroU16::new(24).expect("rows");
    let cols = std::num::NonZeroU16::new(80).expect("cols");
    Replay {
        parser: vt100::Parser::new(rows, cols, 0),
        tabs: tabs::TabbedParser::default(),
    }
}

/// Every cell's text (a blank one as a space, written or not) and style.
fn cells(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    (0..rows.get())
        .map(|row| {
            (0..cols.get())
                .map(|col| match screen.cell(row, col) {
                    // A blank shows only its background and reverse video (its
                    // foreground then): the backend may paint one in any pen alike.
                    Some(c) if !c.has_contents() || c.contents() == " " => {
                        let fg = c.inverse().then(|| c.fgcolor());
                        format!(" {:?}", (c.inverse(), c.underline(), fg, c.bgcolor()))
                    }
                    Some(c) => {
                        let style = (c.bold(), c.dim(), c.inverse(), c.fgcolor(), c.bgcolor());
                        format!("{}{style:?}", c.contents())
                    }
                    None => String::new(),
                })
                .collect()
        })
        .collect()
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
    assert!(
        !bytes.contains("\x1b]") && !bytes.contains('\x07'),
        "{bytes:?}"
    );
}

#[test]
fn a_blank_tail_is_erased_not_written_and_the_screen_is_the_one_wanted() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    let mut parser = vt100_parser();
    let long = "synced 3 s ago · the portal refused page 600: it lies too deep in the list";
    let green = Style::new().green();
    // Rows unlike each other under the message, so that no scroll helps.
    let table: Vec<String> = (0..10)
        .map(|i| format!("{i} {}", "x".repeat(i * 5)))
        .collect();
    let screen = |message: &'static str| {
        let mut rows = vec![("Activations", Style::new()), (message, green)];
        rows.extend(table.iter().map(|r| (r.as_str(), Style::new())));
        rows
    };
    for rows in [screen(long), screen("synced 4 s ago")] {
        let before = t.backend().writer().len();
        frame(&mut t, &rows, None);
        parser.process(&t.backend().writer()[before..]);
    }
    let bytes = String::from_utf8_lossy(t.backend().writer()).into_owned();
    let last = bytes.rsplit("\x1b[?2026h").next().unwrap_or_default();
    // "3" → "4", then the old message's tail goes with one erase.
    assert!(last.contains("\x1b[K"), "{last:?}");
    assert!(last.len() < 40, "{} bytes: {last:?}", last.len());
    let mut fresh =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    frame(&mut fresh, &screen("synced 4 s ago"), None);
    let mut expected = vt100_parser();
    expected.process(fresh.backend().writer());
    assert_eq!(cells(parser.screen()), cells(expected.screen()));
}

#[test]
fn a_tail_in_reverse_video_is_written_not_erased() {
    let mut t = terminal(false);
    frame(&mut t, &[("abcdefghijklmnopqrst", Style::new())], None);
    let bytes = frame(
        &mut t,
        &[("ab                  ", Style::new().reversed())],
        None,
    );
    assert!(!bytes.contains("\x1b[K"), "{bytes:?}");
}

/// A list whose status column is colored by status, filtered to `status` (issue 14's
/// status filter: every row's status changes color at once).
fn status_frame(terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>, status: &str) -> String {
    let before = terminal.backend().writer().len();
    terminal
        .draw(|f| {
            let area = f.area();
            let color = match status {
                "Ошибка" => Style::new().light_red().bold(),
                _ => Style::new().light_green(),
            };
            let offset = if status == "Ошибка" { 7 } else { 3 };
            let mut lines = vec![Line::raw(format!("Статус: {status}"))];
            for i in 0..usize::from(area.height) - 2 {
                let n = 400 - i * offset;
                lines.push(Line::from(vec![
                    ratatui::text::Span::raw(format!("{n:>6} АЛЬСТЕР ООО  ")),
                    ratatui::text::Span::styled(format!("{status:<12}"), color),
                    ratatui::text::Span::raw(format!("{:>9} ₽ {:02}.11", n * 19, n % 28 + 1)),
                ]));
            }
            lines.push(Line::styled("● в сети", Style::new().green()));
            f.render_widget(Paragraph::new(lines), area);
            f.set_cursor_position((0, 1));
        })
        .expect("draw");
    String::from_utf8_lossy(&terminal.backend().writer()[before..]).into_owned()
}

#[test]
fn a_recolored_column_is_painted_one_style_at_a_time_and_the_screen_is_the_one_wanted() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    let mut parser = vt100_parser();
    let mut last = String::new();
    for status in ["Выполнена", "Ошибка", "Выполнена", "Ошибка"] {
        last = status_frame(&mut t, status);
        parser.process(last.as_bytes());
        let mut fresh =
            Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
        status_frame(&mut fresh, status);
        let mut expected = vt100_parser();
        expected.process(fresh.backend().writer());
        assert_eq!(cells(parser.screen()), cells(expected.screen()), "{status}");
    }
    // 22 rows recolored: a style switch or two for the column, not two per row.
    let sgr = style_sequences(&last);
    assert!(sgr <= 4, "{sgr} style sequences: {last:?}");
}

/// How many SGR sequences (`CSI … m`) `bytes` holds.
fn style_sequences(bytes: &str) -> usize {
    bytes
        .split("\x1b[")
        .skip(1)
        .filter(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|i| rest[i..].starts_with('m'))
        })
        .count()
}

/// Pages of a table: the same columns, other values (issue 14's page flip).
fn page_frame(terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>, page: usize) -> FrameStats {
    terminal
        .draw(|f| {
            let area = f.area();
            let mut lines = vec![Line::raw(format!("Page {page}"))];
            for i in 0..usize::from(area.height) - 2 {
                let n = 400 - page * 22 - i;
                let vendor = ["Pay Kiosk ", "PP-Electro"][(n / 3) % 2];
                let org = ["ALSTER LLC", "TECHBIZ+  "][(n / 5) % 2];
                lines.push(Line::raw(format!(
                    "{n:>6} {org}    done      {vendor}    {:>2} {:>9} ₽ {:02}.11.2026",
                    n % 7,
                    n * 19,
                    n % 28 + 1
                )));
            }
            lines.push(Line::raw("online"));
            f.render_widget(Paragraph::new(lines), area);
            f.set_cursor_position((0, 1));
        })
        .expect("draw");
    terminal.backend().last_frame()
}

#[test]
fn tab_stops_at_the_columns_make_a_page_flip_shorter_and_the_screen_is_the_one_wanted() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    let mut plain =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24).without_tab_stops())
            .expect("terminal");
    let mut parser = vt100_parser();
    let mut with_tabs = Vec::new();
    let mut without = Vec::new();
    for page in [0, 1, 2, 1, 0, 3] {
        let before = t.backend().writer().len();
        with_tabs.push(page_frame(&mut t, page).bytes);
        without.push(page_frame(&mut plain, page).bytes);
        parser.process(&t.backend().writer()[before..]);
        let mut fresh =
            Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
        page_frame(&mut fresh, page);
        let mut expected = vt100_parser();
        expected.process(fresh.backend().writer());
        assert_eq!(
            cells(parser.screen()),
            cells(expected.screen()),
            "page {page}"
        );
    }
    let all = String::from_utf8_lossy(t.backend().writer()).into_owned();
    assert!(
        all.contains("\x1b[3g") && all.contains("\x1bH"),
        "stops set"
    );
    assert!(all.contains('\t'), "tabs used: {all:?}");
    // Stops are set only when they pay within the frame: no frame is longer than
    // without them, and the flips are shorter.
    eprintln!("with tab stops {with_tabs:?}, without {without:?}");
    for (i, (w, wo)) in with_tabs.iter().zip(&without).enumerate() {
        assert!(w <= wo, "frame {i}: {w} bytes with tab stops, {wo} without");
    }
    let (w, wo): (usize, usize) = (with_tabs[1..].iter().sum(), without[1..].iter().sum());
    assert!(
        w * 10 < wo * 9,
        "flips: {w} bytes with tab stops, {wo} without"
    );
}

#[test]
fn tab_stops_are_added_and_removed_one_by_one_or_all_set_again() {
    let stops = |xs: &[u16]| TabStops(xs.to_vec());
    // Unknown stops (none set by the backend): all cleared first.
    assert_eq!(
        paint::tab_setup(&stops(&[]), &stops(&[3, 20])),
        ("\x1b[3g\x1b[4G\x1bH\x1b[21G\x1bH".to_string(), 20)
    );
    // One more: just that one.
    assert_eq!(
        paint::tab_setup(&stops(&[3, 20]), &stops(&[3, 20, 30])),
        ("\x1b[31G\x1bH".to_string(), 30)
    );
    // One fewer and one more.
    assert_eq!(
        paint::tab_setup(&stops(&[3, 20, 30]), &stops(&[3, 25, 30])),
        ("\x1b[21G\x1b[g\x1b[26G\x1bH".to_string(), 25)
    );
    // Everything else: cleared and set again when that is shorter.
    assert_eq!(
        paint::tab_setup(&stops(&[1, 2, 3, 4]), &stops(&[9])),
        ("\x1b[3g\x1b[10G\x1bH".to_string(), 9)
    );
}
