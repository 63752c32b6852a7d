//! The message log and the status line's part in it.

use super::Tr;
use crate::domain::Lang;

pub const EMPTY: Tr = Tr::new("Сообщений пока не было", "No messages yet");
pub const CLOSE: Tr = Tr::new(
    "Esc — закрыть, j k PgUp PgDn — прокрутка",
    "Esc closes, j k PgUp PgDn scroll",
);
/// The hint shown when the status line had to cut its message.
pub const FULL_MESSAGE: Tr = Tr::new("сообщение целиком", "full message");

/// «Сообщения сеанса: 12».
pub fn title(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("Сообщения сеанса: {n}"),
        Lang::En => format!("Messages of this session: {n}"),
    }
}

/// «строки 3–20 из 41».
pub fn position(lang: Lang, first: usize, last: usize, total: usize) -> String {
    match lang {
        Lang::Ru => format!("строки {first}–{last} из {total}"),
        Lang::En => format!("lines {first}–{last} of {total}"),
    }
}
