//! Copying with OSC 52 (works over SSH): what the list and the detail copy, and the
//! one-time caveat when the terminal may not pass OSC 52 on — tmux without
//! `set-clipboard`, GNU screen, an unknown `TERM`. The environment is looked at once,
//! at start (`Clipboard::detect`, given the facts), so `update` stays pure.

use super::{Command, State};
use crate::client::wire::ActivationSummary;
use crate::console::i18n::{self, clipboard as tr};
use crate::domain::{Lang, format_date, format_rub};

/// Why a copy may not reach the system clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipboardCaveat {
    /// Inside tmux (`TMUX` set): it needs `set -g set-clipboard on`.
    Tmux,
    /// Inside GNU screen (`STY` set): it does not pass OSC 52 on.
    Screen,
    /// `TERM=screen…`/`tmux…` without either variable (e.g. over SSH from inside one).
    Multiplexer,
    /// `TERM` unset, `dumb`, or not a terminal known to support OSC 52.
    UnknownTerminal,
}

/// What the console knows about copying in this terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Clipboard {
    /// Inside tmux: the runtime also sends the sequence wrapped for tmux's passthrough.
    pub tmux: bool,
    pub caveat: Option<ClipboardCaveat>,
    /// The caveat has been added to a copy's notice (once a session is enough).
    pub caveat_told: bool,
}

/// `TERM` prefixes of terminals that take OSC 52 (or pass it on, as tmux does when set).
const KNOWN_TERMS: &[&str] = &[
    "xterm",
    "alacritty",
    "kitty",
    "wezterm",
    "foot",
    "rxvt",
    "st-",
    "vte",
    "konsole",
    "gnome",
    "iterm",
    "contour",
    "ghostty",
    "mintty",
    "putty",
];

impl Clipboard {
    /// From the environment's facts: `TMUX` and `STY` set (non-empty), and `TERM`.
    pub fn detect(tmux: bool, screen: bool, term: Option<&str>) -> Clipboard {
        let term = term.unwrap_or("").trim();
        let caveat = if tmux {
            Some(ClipboardCaveat::Tmux)
        } else if screen {
            Some(ClipboardCaveat::Screen)
        } else if term.starts_with("screen") || term.starts_with("tmux") {
            Some(ClipboardCaveat::Multiplexer)
        } else if term == "st" || KNOWN_TERMS.iter().any(|known| term.starts_with(known)) {
            None
        } else {
            Some(ClipboardCaveat::UnknownTerminal)
        };
        Clipboard {
            tmux,
            caveat,
            caveat_told: false,
        }
    }
}

/// After a copy: the first one in a session says what may stop it from arriving.
pub(super) fn note_first_copy(state: &mut State, commands: &[Command]) {
    let copied = commands
        .iter()
        .any(|c| matches!(c, Command::CopyToClipboard(_)));
    if !copied || state.clipboard.caveat_told {
        return;
    }
    if let Some(caveat) = state.clipboard.caveat {
        state.clipboard.caveat_told = true;
        let caveat = tr::caveat(state.lang, caveat);
        state.notice = Some(match state.notice.take() {
            Some(notice) => format!("{notice} · {caveat}"),
            None => caveat.to_string(),
        });
    }
}

/// `y` on the list: the selected activation's number.
pub(super) fn copy_number(state: &mut State) -> Vec<Command> {
    let Some(number) = state.list.selected_row().map(|a| a.number) else {
        return Vec::new();
    };
    state.set_notice(tr::copied_number(state.lang, number));
    vec![Command::CopyToClipboard(number.to_string())]
}

/// `Y` on the list: the selected row as tab-separated text (pastes into a sheet).
pub(super) fn copy_row(state: &mut State) -> Vec<Command> {
    let ascii = state.theme.glyphs.ascii;
    let Some(text) = state
        .list
        .selected_row()
        .map(|a| row_text(a, state.lang, ascii))
    else {
        return Vec::new();
    };
    let number = state.list.selected_row().map(|a| a.number).unwrap_or(0);
    state.set_notice(tr::copied_row(state.lang, number));
    vec![Command::CopyToClipboard(text)]
}

/// `y` in the detail: the serial of the selected line.
pub(super) fn copy_serial(state: &mut State) -> Vec<Command> {
    let Some(serial) = state.detail.as_ref().and_then(|d| {
        let lines = d.visible_lines();
        lines.get(d.selected).map(|l| l.serial.clone())
    }) else {
        return Vec::new();
    };
    state.set_notice(i18n::copied(state.lang, &serial));
    vec![Command::CopyToClipboard(serial)]
}

/// The columns of the list, as shown, separated by tabs: number, organization,
/// status, vendor, licenses, cost, order date.
pub fn row_text(a: &ActivationSummary, lang: Lang, ascii: bool) -> String {
    let date = a.created_at.with_timezone(&chrono::Local).date_naive();
    [
        a.number.to_string(),
        a.organization.name.clone(),
        a.status.label(lang).to_string(),
        a.vendor.id.name(lang).to_string(),
        a.license_count.to_string(),
        format_rub(a.total_cost, ascii),
        format_date(date),
    ]
    .join("\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caveat_is_decided_from_the_environment() {
        let detect = |tmux, sty, term| Clipboard::detect(tmux, sty, term).caveat;
        assert_eq!(detect(false, false, Some("xterm-256color")), None);
        assert_eq!(detect(false, false, Some("alacritty")), None);
        assert_eq!(detect(false, false, Some("st-256color")), None);
        assert_eq!(
            detect(true, false, Some("tmux-256color")),
            Some(ClipboardCaveat::Tmux)
        );
        assert_eq!(
            detect(false, true, Some("screen")),
            Some(ClipboardCaveat::Screen)
        );
        assert_eq!(
            detect(false, false, Some("screen.xterm-256color")),
            Some(ClipboardCaveat::Multiplexer)
        );
        for term in [None, Some(""), Some("dumb"), Some("linux"), Some("vt100")] {
            assert_eq!(
                detect(false, false, term),
                Some(ClipboardCaveat::UnknownTerminal),
                "{term:?}"
            );
        }
        assert!(Clipboard::detect(true, false, None).tmux);
    }
}
