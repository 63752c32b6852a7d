//! The parser, byte by byte: keys that arrive together, split sequences, paste,
//! mouse, the replies the console asks for.

use super::*;

fn codes(events: &[Event]) -> Vec<KeyCode> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Key(k) => Some(k.code),
            _ => None,
        })
        .collect()
}

fn parse(bytes: &[u8]) -> Vec<Event> {
    let mut p = Parser::default();
    let mut events = p.feed(bytes);
    events.extend(p.flush());
    events
}

#[test]
fn an_expected_cursor_report_is_taken_and_keys_around_it_stay_keys() {
    let mut p = Parser::default();
    p.expect_cursor_report();
    // Split across reads, between two keys.
    assert_eq!(codes(&p.feed(b"j\x1b[12;")), vec![KeyCode::Char('j')]);
    assert_eq!(p.take_cursor_report(), None);
    assert_eq!(codes(&p.feed(b"40Rk")), vec![KeyCode::Char('k')]);
    assert_eq!(p.take_cursor_report(), Some((12, 40)));
    // Only one was asked for: the same bytes later are a key (xterm's Shift+F3).
    assert_eq!(codes(&p.feed(b"\x1b[1;2R")), vec![KeyCode::F(3)]);
    assert_eq!(p.take_cursor_report(), None);
}

#[test]
fn kitty_keys_and_the_flags_reply_are_read() {
    let mut p = Parser::default();
    let events = p.feed(b"\x1b[?0u\x1b[27u2\x1b[99;5u\x1b[120;3u\x1b[97;2u");
    assert!(p.take_kitty_reply());
    assert!(!p.take_kitty_reply(), "taken once");
    let keys: Vec<(KeyCode, KeyModifiers)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Key(k) => Some((k.code, k.modifiers)),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (KeyCode::Esc, KeyModifiers::NONE),
            (KeyCode::Char('2'), KeyModifiers::NONE),
            (KeyCode::Char('c'), KeyModifiers::CONTROL),
            (KeyCode::Char('x'), KeyModifiers::ALT),
            (KeyCode::Char('A'), KeyModifiers::SHIFT),
        ]
    );
}

#[test]
fn esc_then_a_sequence_in_one_read_is_two_keys() {
    assert_eq!(
        codes(&parse(b"\x1b\x1b[19~")),
        vec![KeyCode::Esc, KeyCode::F(8)]
    );
    assert_eq!(
        codes(&parse(b"\x1b\x1bOP")),
        vec![KeyCode::Esc, KeyCode::F(1)]
    );
    assert_eq!(
        codes(&parse(b"\x1b\x1b\x1b[A")),
        vec![KeyCode::Esc, KeyCode::Esc, KeyCode::Up]
    );
}

#[test]
fn esc_then_a_character_is_esc_and_the_character_not_alt() {
    let events = parse(b"\x1b2\x1bq");
    assert_eq!(
        codes(&events),
        vec![
            KeyCode::Esc,
            KeyCode::Char('2'),
            KeyCode::Esc,
            KeyCode::Char('q')
        ]
    );
    assert!(events.iter().all(|e| match e {
        Event::Key(k) => !k.modifiers.contains(KeyModifiers::ALT),
        _ => true,
    }));
}

#[test]
fn a_lone_esc_waits_for_the_rest_of_a_split_sequence() {
    let mut p = Parser::default();
    assert!(p.feed(b"\x1b").is_empty());
    assert!(p.waiting());
    assert_eq!(codes(&p.feed(b"[19~")), vec![KeyCode::F(8)]);
    assert!(!p.waiting());
    assert!(p.feed(b"\x1b").is_empty());
    assert_eq!(codes(&p.flush()), vec![KeyCode::Esc]);
}

#[test]
fn keys_with_modifiers_control_chars_and_utf8() {
    let events = parse("\x1b[1;2A\x1b[Z\x01\r\tя\x7fG\x1b[3~\x1b[6;5~".as_bytes());
    let keys: Vec<(KeyCode, KeyModifiers)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Key(k) => Some((k.code, k.modifiers)),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (KeyCode::Up, KeyModifiers::SHIFT),
            (KeyCode::BackTab, KeyModifiers::SHIFT),
            (KeyCode::Char('a'), KeyModifiers::CONTROL),
            (KeyCode::Enter, KeyModifiers::NONE),
            (KeyCode::Tab, KeyModifiers::NONE),
            (KeyCode::Char('я'), KeyModifiers::NONE),
            (KeyCode::Backspace, KeyModifiers::NONE),
            (KeyCode::Char('G'), KeyModifiers::SHIFT),
            (KeyCode::Delete, KeyModifiers::NONE),
            (KeyCode::PageDown, KeyModifiers::CONTROL),
        ]
    );
}

#[test]
fn a_utf8_character_split_between_reads_waits() {
    let bytes = "ж".as_bytes();
    let mut p = Parser::default();
    assert!(p.feed(&bytes[..1]).is_empty());
    assert_eq!(codes(&p.feed(&bytes[1..])), vec![KeyCode::Char('ж')]);
}

#[test]
fn a_bracketed_paste_is_one_text_even_across_reads() {
    let mut p = Parser::default();
    let mut events = p.feed(b"x\x1b[200~a\x1b[19~b\r\n\x1b[20");
    assert!(
        !p.waiting(),
        "a paste waits for its end marker, not a timer"
    );
    events.extend(p.feed(b"1~y"));
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[1], Event::Paste("a\x1b[19~b\r\n".to_string()));
    assert_eq!(codes(&events), vec![KeyCode::Char('x'), KeyCode::Char('y')]);
}

#[test]
fn mouse_reports() {
    let events = parse(b"\x1b[<0;10;5M\x1b[<65;1;1M\x1b[M \"#");
    assert_eq!(
        events[0],
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 9,
            row: 4,
            modifiers: KeyModifiers::NONE,
        })
    );
    assert!(matches!(
        events[1],
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            ..
        })
    ));
    assert!(matches!(
        events[2],
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 1,
            row: 2,
            ..
        })
    ));
}

#[test]
fn unknown_sequences_are_dropped_whole() {
    assert_eq!(
        codes(&parse(b"\x1b[?1;2c\x1b[Ia")),
        vec![KeyCode::Char('a')]
    );
}
