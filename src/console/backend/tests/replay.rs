//! The bench's frames replayed through the backend alone (issue 14): `LICADM_BENCH_SCREENS=DIR
//! cargo test --bench terminal_bytes -- --bench` saves the screens before and after each
//! measured key; `LICADM_REPLAY_SCREENS=DIR cargo test --lib replay_bench_screens --
//! --ignored --nocapture` draws them again here, in the same order, and prints each key's
//! bytes and overhead as the bench counts them — seconds per try instead of a minute in
//! a pty, and every replayed screen checked against the one wanted.

use super::tabs;
use super::*;
use ratatui::style::{Color, Modifier};

const ROWS: u16 = 24;
const COLS: u16 = 80;

fn parse(bytes: &[u8]) -> vt100::Parser {
    let rows = std::num::NonZeroU16::new(ROWS).expect("rows");
    let cols = std::num::NonZeroU16::new(COLS).expect("cols");
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes);
    parser
}

fn color(c: vt100::Color) -> Color {
    const NAMED: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match c {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(i) if i < 16 => NAMED[usize::from(i)],
        vt100::Color::Idx(i) => Color::Indexed(i),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// The ratatui buffer that shows as `screen`.
fn buffer(screen: &vt100::Screen) -> Buffer {
    let mut buffer = Buffer::empty(Rect::new(0, 0, COLS, ROWS));
    for y in 0..ROWS {
        for x in 0..COLS {
            let Some(c) = screen.cell(y, x) else { continue };
            let cell = &mut buffer[(x, y)];
            let text = c.contents();
            cell.set_symbol(if text.is_empty() { " " } else { text });
            cell.fg = color(c.fgcolor());
            cell.bg = color(c.bgcolor());
            let mut m = Modifier::empty();
            for (on, modifier) in [
                (c.bold(), Modifier::BOLD),
                (c.dim(), Modifier::DIM),
                (c.italic(), Modifier::ITALIC),
                (c.underline(), Modifier::UNDERLINED),
                (c.inverse(), Modifier::REVERSED),
            ] {
                if on {
                    m |= modifier;
                }
            }
            cell.modifier = m;
        }
    }
    buffer
}

/// `tests/support/pty.rs::changed_text`: the text of the cells that differ.
fn changed_text(before: &vt100::Screen, after: &vt100::Screen) -> usize {
    let mut bytes = 0;
    for row in 0..ROWS {
        for col in 0..COLS {
            let (Some(a), Some(b)) = (before.cell(row, col), after.cell(row, col)) else {
                continue;
            };
            if a != b && !b.is_wide_continuation() {
                bytes += b.contents().len().max(1);
            }
        }
    }
    bytes
}

fn draw(terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>, screen: &vt100::Screen) -> Vec<u8> {
    let wanted = buffer(screen);
    let before = terminal.backend().writer().len();
    terminal
        .draw(|f| {
            f.buffer_mut().clone_from(&wanted);
            if !screen.hide_cursor() {
                let (y, x) = screen.cursor_position();
                f.set_cursor_position((x, y));
            }
        })
        .expect("draw");
    terminal.backend().writer()[before..].to_vec()
}

#[test]
#[ignore = "needs LICADM_REPLAY_SCREENS (saved by the terminal_bytes bench)"]
fn replay_bench_screens() {
    let Some(dir) = std::env::var_os("LICADM_REPLAY_SCREENS") else {
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("screens dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".before").map(str::to_string))
        .collect();
    names.sort();
    let mut terminal =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, COLS, ROWS)).expect("terminal");
    let mut shown = parse(b"");
    let mut stops = tabs::TabbedParser::default();
    // Per key: (bytes, overhead) of each frame.
    let mut by_key: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    let verbose = std::env::var_os("LICADM_REPLAY_VERBOSE").is_some();
    for name in names {
        let read = |suffix: &str| {
            std::fs::read(std::path::Path::new(&dir).join(format!("{name}.{suffix}")))
                .expect("screen file")
        };
        let before = parse(&read("before"));
        let after = parse(&read("after"));
        // What the prepare keys drew, unmeasured.
        let bytes = draw(&mut terminal, before.screen());
        stops.process(&mut shown, &bytes);
        let started = std::time::Instant::now();
        let bytes = draw(&mut terminal, after.screen());
        let took = started.elapsed();
        let screen_before = shown.screen().clone();
        stops.process(&mut shown, &bytes);
        // (A blank written and one never written differ only in `contents`' tail.)
        let text = |s: &vt100::Screen| {
            s.rows(0, COLS)
                .map(|r| r.trim_end().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            text(shown.screen()),
            text(after.screen()),
            "{name}: replayed screen"
        );
        let changed = changed_text(&screen_before, shown.screen());
        let overhead = if bytes.is_empty() {
            0.0
        } else {
            bytes.len().saturating_sub(changed) as f64 / bytes.len() as f64
        };
        if verbose {
            eprintln!(
                "{name} {} B text {changed} {:.0}% in {took:?} stops {:?}: {:?}",
                bytes.len(),
                overhead * 100.0,
                terminal.backend().tabs.0,
                String::from_utf8_lossy(&bytes)
            );
        }
        let key = name.split_once('-').map_or("", |(_, k)| k).to_string();
        match by_key.last_mut() {
            Some((k, frames)) if *k == key => frames.push((bytes.len(), overhead)),
            _ => by_key.push((key, vec![(bytes.len(), overhead)])),
        }
    }
    for (key, frames) in by_key {
        let mut sizes: Vec<usize> = frames.iter().map(|f| f.0).collect();
        sizes.sort_unstable();
        let worst = frames.iter().map(|f| f.1).fold(0.0, f64::max);
        let all: Vec<String> = frames
            .iter()
            .map(|f| format!("{:.0}", f.1 * 100.0))
            .collect();
        eprintln!(
            "{key:>10}: median {} max {} worst {:.0}%  [{}]",
            sizes[sizes.len() / 2],
            sizes[sizes.len() - 1],
            worst * 100.0,
            all.join(" ")
        );
    }
}
