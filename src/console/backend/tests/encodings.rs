//! The backend's choices of encoding for a frame's changed cells (issue 14, docs/DESIGN.md
//! §5.5): each test fails when its choice is taken out.

use super::*;

/// Draws `rows` (spans of text and style) on `terminal` with the cursor at `cursor`:
/// the frame's bytes.
fn spans_frame(
    terminal: &mut Terminal<ThriftyBackend<Vec<u8>>>,
    rows: &[Vec<(String, Style)>],
    cursor: (u16, u16),
) -> String {
    let before = terminal.backend().writer().len();
    terminal
        .draw(|f| {
            let lines: Vec<Line> = rows
                .iter()
                .map(|spans| {
                    Line::from(
                        spans
                            .iter()
                            .map(|(t, s)| ratatui::text::Span::styled(t.clone(), *s))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            f.render_widget(Paragraph::new(lines), f.area());
            f.set_cursor_position(cursor);
        })
        .expect("draw");
    String::from_utf8_lossy(&terminal.backend().writer()[before..]).into_owned()
}

/// The same frames drawn by `terminal` and by a fresh backend show the same screen.
fn assert_replays(all: &[u8], rows: &[Vec<(String, Style)>], cursor: (u16, u16)) {
    let mut parser = vt100_parser();
    parser.process(all);
    let mut fresh =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    spans_frame(&mut fresh, rows, cursor);
    let mut expected = vt100_parser();
    expected.process(fresh.backend().writer());
    assert_eq!(cells(parser.screen()), cells(expected.screen()));
}

fn span(text: &str, style: Style) -> (String, Style) {
    (text.to_string(), style)
}

#[test]
fn blanks_left_by_a_shorter_recolored_word_are_written_with_it() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    // The status and its padding are apart, as the list draws them: «Ошибка» leaves
    // three blanks of «Выполнена» in the default pen.
    // Another page of rows, too: the numbers change in the default pen.
    let rows = |status: &str, style: Style| -> Vec<Vec<(String, Style)>> {
        (0..20)
            .map(|i| {
                let n = if status == "Ошибка" {
                    400 - i
                } else {
                    377 + i
                };
                vec![
                    span(&format!("{n:>6} АЛЬСТЕР ООО  "), Style::new()),
                    span(status, style),
                    span(&" ".repeat(12 - status.chars().count()), Style::new()),
                    span("Пэй Киоск  1   2 900 ₽", Style::new()),
                ]
            })
            .collect()
    };
    spans_frame(
        &mut t,
        &rows("Выполнена", Style::new().light_green()),
        (0, 0),
    );
    let after = rows("Ошибка", Style::new().light_red().bold());
    let bytes = spans_frame(&mut t, &after, (0, 0));
    // Each row's blanks go with the red word, not reached again in the default pen.
    assert_eq!(bytes.matches("Ошибка   ").count(), 20, "{bytes:?}");
    assert_replays(t.backend().writer(), &after, (0, 0));
}

#[test]
fn a_one_letter_key_in_another_color_is_passed_with_a_placeholder() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24)).expect("terminal");
    let before = vec![vec![span(&"-".repeat(60), Style::new())]];
    spans_frame(&mut t, &before, (0, 0));
    // Key hints: a letter in the accent color, then its word.
    let hints: Vec<(String, Style)> = ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .flat_map(|k| {
            [
                span(k, Style::new().light_cyan()),
                span(" xy ", Style::new()),
            ]
        })
        .collect();
    let after = vec![hints];
    let bytes = spans_frame(&mut t, &after, (0, 0));
    // The words are written in one run, the letters in it as one-byte placeholders
    // (not skipped with `CSI C`), then each letter again in its color.
    assert!(bytes.contains("a xy b xy c xy d xy"), "{bytes:?}");
    assert_replays(t.backend().writer(), &after, (0, 0));
}

#[test]
fn the_painting_that_ends_where_the_cursor_goes_is_chosen() {
    let area = Rect::new(0, 0, 20, 4);
    let shown = Buffer::empty(area);
    let mut wanted = Buffer::empty(area);
    wanted[(0, 0)].set_symbol("x");
    wanted[(10, 3)].set_symbol("y");
    let tabs = TabStops::default();
    let canvas = |park| paint::Canvas {
        wanted: &wanted,
        shown: &shown,
        no_color: false,
        tabs: &tabs,
        park,
    };
    let x_first = vec![
        paint::Op::Cell { x: 0, y: 0 },
        paint::Op::Cell { x: 10, y: 3 },
    ];
    let y_first = vec![
        paint::Op::Cell { x: 10, y: 3 },
        paint::Op::Cell { x: 0, y: 0 },
    ];
    let orders = [x_first.clone(), y_first.clone()];
    let start = paint::Painter::new(Some(Cursor { x: 0, y: 0 }), Pen::DEFAULT);
    let pick = |park| {
        paint::shortest(&canvas(park), &start, &orders)
            .map(|(_, order)| order.to_vec())
            .expect("a painting")
    };
    // Alone, x first is shorter; with the cursor going back next to x, y first is.
    assert_eq!(pick(None), x_first);
    assert_eq!(pick(Some(Cursor { x: 1, y: 0 })), y_first);
}

#[test]
fn a_stop_that_costs_every_row_a_tab_is_taken_away() {
    // (Rows this alike would be scrolled: the stops are the point here.)
    let mut t = Terminal::new(
        ThriftyBackend::with_size(Vec::new(), false, 80, 24).without_scroll_regions(),
    )
    .expect("terminal");
    let rows = |page: usize| -> Vec<Vec<(String, Style)>> {
        (0..22)
            .map(|i| {
                let n = 100 + page * 133 + i;
                vec![span(&format!("   {n}{:14}{n}", ""), Style::new())]
            })
            .collect()
    };
    spans_frame(&mut t, &rows(0), (0, 0));
    // Stops at the two columns that change, and one between them that nothing uses.
    t.backend_mut().tabs = TabStops(vec![3, 10, 20]);
    let bytes = spans_frame(&mut t, &rows(1), (0, 0));
    assert_eq!(t.backend().tabs, TabStops(vec![3, 20]), "{bytes:?}");
    assert!(bytes.starts_with("\x1b[?2026h\x1b[11G\x1b[g"), "{bytes:?}");
}

#[test]
fn a_change_just_after_a_tab_stop_is_reached_by_the_tab_and_the_cells_before_it() {
    let mut t =
        Terminal::new(ThriftyBackend::with_size(Vec::new(), false, 80, 24).without_tab_stops())
            .expect("terminal");
    let rows = |digit: u8, end: &str| -> Vec<Vec<(String, Style)>> {
        (0..4)
            .map(|_| {
                vec![span(
                    &format!("        a{digit}{:20}{end}", ""),
                    Style::new(),
                )]
            })
            .collect()
    };
    spans_frame(&mut t, &rows(0, "p"), (0, 0));
    // The terminal's own stops, every 8 columns, known.
    t.backend_mut().tabs = TabStops((1..10).map(|i| i * 8).collect());
    let after = rows(1, "q");
    let bytes = spans_frame(&mut t, &after, (0, 0));
    // From the end of a row to column 9 of the next: `\n\r\t` and the «a» at the
    // stop (4 bytes), not `\n CSI 10 G` (5).
    assert_eq!(bytes.matches("\n\r\ta1").count(), 3, "{bytes:?}");
    assert_replays(t.backend().writer(), &after, (0, 0));
}

#[test]
fn a_reversed_blank_is_alike_only_in_the_same_weight_where_bold_is_bright() {
    let selection = |fg: Color, modifier: Modifier| Pen {
        fg,
        modifier: Modifier::REVERSED | modifier,
        ..Pen::DEFAULT
    };
    // Light blue is bright already: bold does not change the blank's color.
    let light = selection(Color::LightBlue, Modifier::empty());
    assert!(sgr::blank_alike(
        selection(Color::LightBlue, Modifier::BOLD),
        light
    ));
    // Blue in bold is shown bright by many terminals; dim changes any color.
    let blue = selection(Color::Blue, Modifier::empty());
    assert!(!sgr::blank_alike(
        selection(Color::Blue, Modifier::BOLD),
        blue
    ));
    assert!(!sgr::blank_alike(
        selection(Color::LightBlue, Modifier::DIM),
        light
    ));
}
