//! Bytes from the terminal → key, paste and mouse events, one key at a time.
//!
//! crossterm's parser reads `ESC ESC [ 1 9 ~` (Esc, then F8, arriving in one read over
//! a slow link) as one Esc followed by the characters `[19~`, and `ESC 2` as Alt+2.
//! Here an ESC that does not start a sequence is the Esc key on its own, and the next
//! byte is read afresh: Esc then F8, Esc then `2`. Nothing here binds Alt, so nothing
//! is lost. An ESC at the very end of what arrived waits for more bytes (the rest of a
//! sequence split between reads); when none come in time (`flush`), it is the Esc key.
//!
//! The one reply the console asks for — the cursor position report `CSI row ; col R`
//! that answers `CSI 6n`, sent once at start to time the terminal's round trip — is
//! taken as a report only while it is expected: the same bytes are Shift+F3 and the
//! like in xterm's key encoding.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

const ESC: u8 = 0x1b;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";
/// A CSI this long without its final byte is not one.
const MAX_CSI: usize = 64;

#[derive(Debug, Default)]
pub struct Parser {
    buf: Vec<u8>,
    /// Inside a bracketed paste: its bytes so far.
    paste: Option<Vec<u8>>,
    /// A cursor position report is awaited (`CSI 6n` was sent).
    report_expected: bool,
    /// The report that arrived (row, column; from 1), until taken.
    report: Option<(u16, u16)>,
    /// The terminal answered `CSI ? u`: it speaks the kitty keyboard protocol.
    kitty: bool,
}

/// What the bytes at the start of the buffer are.
enum Token {
    Event(Option<Event>, usize),
    /// Not complete yet: wait for more bytes.
    Incomplete,
}

impl Parser {
    /// Takes what arrived; returns the events that are complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buf.extend_from_slice(bytes);
        self.drain(false)
    }

    /// `CSI 6n` went out: the next `CSI row ; col R` is its answer, not a key.
    pub fn expect_cursor_report(&mut self) {
        self.report_expected = true;
    }

    /// Whether the terminal answered the kitty keyboard query (`CSI ? flags u`); taken
    /// once.
    pub fn take_kitty_reply(&mut self) -> bool {
        std::mem::take(&mut self.kitty)
    }

    /// The cursor position report, once it arrived.
    pub fn take_cursor_report(&mut self) -> Option<(u16, u16)> {
        self.report.take()
    }

    /// Whether bytes wait for the rest of a sequence (a paste waits on its own: its
    /// end marker always comes).
    pub fn waiting(&self) -> bool {
        self.paste.is_none() && !self.buf.is_empty()
    }

    /// Nothing more came in time: what waits is read as typed (a lone ESC is the Esc
    /// key; the start of a sequence that never finished is Esc and characters).
    pub fn flush(&mut self) -> Vec<Event> {
        self.drain(true)
    }

    fn drain(&mut self, flush: bool) -> Vec<Event> {
        let mut events = Vec::new();
        let mut at = 0;
        loop {
            if let Some(paste) = self.paste.as_mut() {
                let rest = &self.buf[at..];
                match find(rest, PASTE_END) {
                    Some(end) => {
                        paste.extend_from_slice(&rest[..end]);
                        let text = String::from_utf8_lossy(paste).into_owned();
                        self.paste = None;
                        events.push(Event::Paste(text));
                        at += end + PASTE_END.len();
                        continue;
                    }
                    None => {
                        // Keep a possible partial end marker for the next read.
                        let keep = partial_suffix(rest, PASTE_END);
                        paste.extend_from_slice(&rest[..rest.len() - keep]);
                        at = self.buf.len() - keep;
                        break;
                    }
                }
            }
            if at >= self.buf.len() {
                break;
            }
            let rest = &self.buf[at..];
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                at += PASTE_START.len();
                continue;
            }
            if let Some(used) = kitty_flags_reply(rest) {
                self.kitty = true;
                at += used;
                continue;
            }
            if self.report_expected
                && let Some((report, used)) = cursor_report(rest)
            {
                self.report_expected = false;
                self.report = Some(report);
                at += used;
                continue;
            }
            match token(rest) {
                Token::Event(event, used) => {
                    events.extend(event);
                    at += used.max(1);
                }
                Token::Incomplete if flush => {
                    if rest[0] == ESC {
                        // A lone ESC, or a sequence that never finished: Esc, and the
                        // rest is read afresh.
                        events.push(key(KeyCode::Esc, KeyModifiers::NONE));
                    }
                    // (A cut UTF-8 character is dropped.)
                    at += 1;
                }
                Token::Incomplete => break,
            }
        }
        self.buf.drain(..at.min(self.buf.len()));
        events
    }
}

/// `ESC [ row ; col R` at the start of `bytes`: the position and the bytes it takes.
fn cursor_report(bytes: &[u8]) -> Option<((u16, u16), usize)> {
    let body = bytes.strip_prefix(b"\x1b[")?;
    let end = body
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b';'))?;
    if body[end] != b'R' {
        return None;
    }
    let text = std::str::from_utf8(&body[..end]).ok()?;
    let (row, col) = text.split_once(';')?;
    Some(((row.parse().ok()?, col.parse().ok()?), 2 + end + 1))
}

/// `ESC [ ? flags u` at the start of `bytes`, the kitty protocol's answer to `CSI ? u`:
/// the bytes it takes.
fn kitty_flags_reply(bytes: &[u8]) -> Option<usize> {
    let body = bytes.strip_prefix(b"\x1b[?")?;
    let digits = body.iter().take_while(|b| b.is_ascii_digit()).count();
    (body.get(digits) == Some(&b'u')).then_some(3 + digits + 1)
}

/// A key in the kitty keyboard protocol, `CSI code[:alternates] [; modifiers[:event]] u`
/// (only what disambiguation, flag 1, sends: Esc, and keys with Ctrl or Alt).
fn kitty_key(params: &[u8]) -> Option<Event> {
    let text = std::str::from_utf8(params).ok()?;
    let mut fields = text.split(';');
    let code: u32 = fields.next()?.split(':').next()?.parse().ok()?;
    let mut modifier_field = fields.next().unwrap_or("").split(':');
    let bits = match modifier_field.next() {
        None | Some("") => None,
        Some(m) => Some(m.parse::<u16>().ok()?),
    };
    // A release (event type 3) is never asked for; ignore one all the same.
    if modifier_field.next() == Some("3") {
        return None;
    }
    let mut modifiers = modifiers(bits);
    let code = match code {
        27 => KeyCode::Esc,
        13 => KeyCode::Enter,
        9 if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        9 => KeyCode::Tab,
        127 | 8 => KeyCode::Backspace,
        // The private-use range: keys reported only under flags not asked for.
        57_344..=63_743 => return None,
        c => {
            let c = char::from_u32(c)?;
            // As the legacy encoding reads it: Shift+a is 'A' with Shift.
            if modifiers.contains(KeyModifiers::SHIFT) && c.is_lowercase() {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            } else {
                if c.is_uppercase() {
                    modifiers |= KeyModifiers::SHIFT;
                }
                KeyCode::Char(c)
            }
        }
    };
    Some(key(code, modifiers))
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How many bytes at the end of `bytes` could be the start of `marker`.
fn partial_suffix(bytes: &[u8], marker: &[u8]) -> usize {
    (1..marker.len())
        .rev()
        .find(|&n| bytes.len() >= n && bytes[bytes.len() - n..] == marker[..n])
        .unwrap_or(0)
}

fn token(bytes: &[u8]) -> Token {
    let Some(&first) = bytes.first() else {
        return Token::Incomplete;
    };
    let none = KeyModifiers::NONE;
    let event = |code: KeyCode| Token::Event(Some(key(code, none)), 1);
    match first {
        ESC => escape(bytes),
        b'\r' | b'\n' => event(KeyCode::Enter),
        b'\t' => event(KeyCode::Tab),
        0x7f | 0x08 => event(KeyCode::Backspace),
        0x00 => Token::Event(Some(key(KeyCode::Char(' '), KeyModifiers::CONTROL)), 1),
        c @ 0x01..=0x1a => Token::Event(
            Some(key(
                KeyCode::Char(char::from(c - 1 + b'a')),
                KeyModifiers::CONTROL,
            )),
            1,
        ),
        c @ 0x1c..=0x1f => Token::Event(
            Some(key(
                KeyCode::Char(char::from(c - 0x1c + b'4')),
                KeyModifiers::CONTROL,
            )),
            1,
        ),
        _ => utf8(bytes),
    }
}

fn utf8(bytes: &[u8]) -> Token {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        // Not the start of a character: skipped.
        _ => return Token::Event(None, 1),
    };
    if bytes.len() < len {
        return Token::Incomplete;
    }
    match std::str::from_utf8(&bytes[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => {
            let modifiers = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Token::Event(Some(key(KeyCode::Char(c), modifiers)), len)
        }
        None => Token::Event(None, 1),
    }
}

/// `bytes` starts with ESC.
fn escape(bytes: &[u8]) -> Token {
    let esc = Token::Event(Some(key(KeyCode::Esc, KeyModifiers::NONE)), 1);
    match bytes.get(1) {
        None => Token::Incomplete,
        Some(b'[') => csi(bytes),
        Some(b'O') => match bytes.get(2) {
            None => Token::Incomplete,
            Some(&b) => {
                let code = match b {
                    b'A' => Some(KeyCode::Up),
                    b'B' => Some(KeyCode::Down),
                    b'C' => Some(KeyCode::Right),
                    b'D' => Some(KeyCode::Left),
                    b'H' => Some(KeyCode::Home),
                    b'F' => Some(KeyCode::End),
                    b'P'..=b'S' => Some(KeyCode::F(1 + b - b'P')),
                    _ => None,
                };
                match code {
                    Some(code) => Token::Event(Some(key(code, KeyModifiers::NONE)), 3),
                    // Not a key we know: Esc, and the rest read afresh.
                    None => esc,
                }
            }
        },
        // Esc on its own (ESC ESC: Esc, then whatever the second ESC starts;
        // ESC 2: Esc, then 2 — never Alt+2, nothing here uses Alt).
        Some(_) => esc,
    }
}

/// `ESC [` …: a control sequence (keys, mouse).
fn csi(bytes: &[u8]) -> Token {
    let esc = Token::Event(Some(key(KeyCode::Esc, KeyModifiers::NONE)), 1);
    // The Linux console's F1–F5: ESC [ [ A … E.
    if bytes.get(2) == Some(&b'[') {
        return match bytes.get(3) {
            None => Token::Incomplete,
            Some(&b @ b'A'..=b'E') => {
                Token::Event(Some(key(KeyCode::F(1 + b - b'A'), KeyModifiers::NONE)), 4)
            }
            Some(_) => Token::Event(None, 4),
        };
    }
    // X10 mouse: ESC [ M and three bytes.
    if bytes.get(2) == Some(&b'M') {
        if bytes.len() < 6 {
            return Token::Incomplete;
        }
        let b = u16::from(bytes[3]).saturating_sub(32);
        let x = u16::from(bytes[4]).saturating_sub(33);
        let y = u16::from(bytes[5]).saturating_sub(33);
        return Token::Event(mouse(b, x, y, b & 3 == 3), 6);
    }
    let mut end = 2;
    loop {
        let Some(&b) = bytes.get(end) else {
            return if bytes.len() > MAX_CSI {
                esc
            } else {
                Token::Incomplete
            };
        };
        match b {
            0x20..=0x3f => end += 1,
            0x40..=0x7e => break,
            // Not a sequence after all: Esc, and the rest read afresh.
            _ => return esc,
        }
    }
    let used = end + 1;
    let params = &bytes[2..end];
    let final_byte = bytes[end];
    Token::Event(csi_event(params, final_byte), used)
}

fn numbers(params: &[u8]) -> Vec<u16> {
    params
        .split(|b| *b == b';')
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        })
        .collect()
}

/// xterm's modifier parameter: 1 + (Shift 1, Alt 2, Ctrl 4).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    let bits = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

fn csi_event(params: &[u8], final_byte: u8) -> Option<Event> {
    if params.first() == Some(&b'<') {
        // SGR mouse: ESC [ < b ; x ; y M|m
        let n = numbers(&params[1..]);
        let (b, x, y) = (
            *n.first()?,
            n.get(1)?.saturating_sub(1),
            n.get(2)?.saturating_sub(1),
        );
        return mouse(b, x, y, final_byte == b'm');
    }
    if final_byte == b'u' {
        return kitty_key(params);
    }
    if params.iter().any(|b| !(b.is_ascii_digit() || *b == b';')) {
        // Private sequences (focus, replies we never asked for): nothing.
        return None;
    }
    let n = numbers(params);
    let code = match final_byte {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => return Some(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b'P'..=b'S' => KeyCode::F(1 + final_byte - b'P'),
        b'~' => match n.first().copied().unwrap_or(0) {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            v @ 11..=15 => KeyCode::F(u8::try_from(v - 10).ok()?),
            v @ 17..=21 => KeyCode::F(u8::try_from(v - 11).ok()?),
            v @ 23..=24 => KeyCode::F(u8::try_from(v - 12).ok()?),
            _ => return None,
        },
        _ => return None,
    };
    Some(key(code, modifiers(n.get(1).copied())))
}

fn mouse(b: u16, column: u16, row: u16, release: bool) -> Option<Event> {
    let button = match b & 3 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        _ => MouseButton::Right,
    };
    let kind = if b & 64 != 0 {
        match b & 3 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        }
    } else if b & 32 != 0 {
        if b & 3 == 3 {
            MouseEventKind::Moved
        } else {
            MouseEventKind::Drag(button)
        }
    } else if release {
        MouseEventKind::Up(button)
    } else {
        MouseEventKind::Down(button)
    };
    let mut modifiers = KeyModifiers::NONE;
    if b & 4 != 0 {
        modifiers |= KeyModifiers::SHIFT;
    }
    if b & 8 != 0 {
        modifiers |= KeyModifiers::ALT;
    }
    if b & 16 != 0 {
        modifiers |= KeyModifiers::CONTROL;
    }
    Some(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers,
    }))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
