//! Copying (OSC 52): what was copied, and why it may not have arrived.

use super::Tr;
use crate::console::app::ClipboardCaveat;
use crate::domain::Lang;

pub fn copied_number(lang: Lang, number: i64) -> String {
    match lang {
        Lang::Ru => format!("скопирован номер активации: {number}"),
        Lang::En => format!("copied the activation number: {number}"),
    }
}

pub fn copied_row(lang: Lang, number: i64) -> String {
    match lang {
        Lang::Ru => format!("скопирована строка активации № {number} (поля через табуляцию)"),
        Lang::En => format!("copied the row of activation No. {number} (tab-separated)"),
    }
}

/// Added to the first copy's notice when the terminal may not pass OSC 52 on.
pub fn caveat(lang: Lang, caveat: ClipboardCaveat) -> &'static str {
    let tr = match caveat {
        ClipboardCaveat::Tmux => Tr::new(
            "если не скопировалось: в tmux нужно set -g set-clipboard on",
            "if nothing was copied: tmux needs set -g set-clipboard on",
        ),
        ClipboardCaveat::Screen => Tr::new(
            "GNU screen не передаёт OSC 52 — текст мог не скопироваться",
            "GNU screen does not pass OSC 52 on: the text may not be copied",
        ),
        ClipboardCaveat::Multiplexer => Tr::new(
            "если не скопировалось: в tmux нужно set -g set-clipboard on, screen OSC 52 не передаёт",
            "if nothing was copied: tmux needs set -g set-clipboard on, screen does not pass OSC 52",
        ),
        ClipboardCaveat::UnknownTerminal => Tr::new(
            "терминал может не поддерживать копирование OSC 52",
            "this terminal may not support copying via OSC 52",
        ),
    };
    tr.get(lang)
}
