//! The `:` command palette.

use super::Tr;
use crate::config_views::ViewKind;
use crate::console::screens::Tab;
use crate::console::screens::palette::{Jump, JumpError};
use crate::domain::Lang;

pub const TITLE: Tr = Tr::new("Команды", "Commands");
pub const NO_MATCH: Tr = Tr::new("ничего не найдено", "no match");
pub const CMD_ACTIVATION: Tr = Tr::new(
    "открыть активацию по номеру (даже не с этой страницы)",
    "open an activation by its number (on this page or not)",
);
/// `act №28` works as well as `act 28`, so the Russian template shows `№`.
pub const ACT_TEMPLATE: Tr = Tr::new("act №", "act N");
pub const SN_TEMPLATE: Tr = Tr::new("sn СН", "sn SERIAL");
pub const CMD_SERIAL: Tr = Tr::new(
    "найти серийный номер во всех активациях",
    "find a serial number in every activation",
);
pub const CMD_QUIT: Tr = Tr::new("выход", "quit");
pub const CMD_MESSAGES: Tr = Tr::new(
    "все сообщения сеанса (полностью, со временем)",
    "every message of the session (in full, with time)",
);

/// What a complete command will do.
pub fn jump(lang: Lang, jump: &Jump) -> String {
    match (jump, lang) {
        (Jump::Activation(n), Lang::Ru) => format!("открыть активацию № {n}"),
        (Jump::Activation(n), Lang::En) => format!("open activation No. {n}"),
        (Jump::Serial(s), Lang::Ru) => format!("найти СН {} во всех активациях", s.as_str()),
        (Jump::Serial(s), Lang::En) => format!("find serial {} in every activation", s.as_str()),
        (Jump::Why(s), Lang::Ru) => format!(
            "история СН {}: устройство, активации, файл лицензии",
            s.as_str()
        ),
        (Jump::Why(s), Lang::En) => format!(
            "the story of serial {}: device, activations, license file",
            s.as_str()
        ),
        (Jump::Tab(tab), _) => tab_title(lang, *tab),
        (Jump::Quit, _) => CMD_QUIT.get(lang).to_string(),
        (Jump::Export(file), Lang::Ru) => format!("выгрузить текущий вид в {file}"),
        (Jump::Export(file), Lang::En) => format!("export the current view to {file}"),
        (Jump::ViewSave(name), Lang::Ru) => format!("сохранить текущий вид как «{name}»"),
        (Jump::ViewSave(name), Lang::En) => format!("save the current view as “{name}”"),
        (Jump::ViewOpen(name), Lang::Ru) => format!("открыть вид «{name}»"),
        (Jump::ViewOpen(name), Lang::En) => format!("open the view “{name}”"),
        (Jump::Errors, _) => super::bulk::CMD_ERRORS.get(lang).to_string(),
        (Jump::Messages, _) => CMD_MESSAGES.get(lang).to_string(),
    }
}

pub const SAVED_VIEW: Tr = Tr::new("Вид", "View");

/// A saved view in the match list: «Вид: NAME (Продления)», the list by the name the
/// tab line gives it.
pub fn saved_view(lang: Lang, name: &str, kind: Option<ViewKind>) -> String {
    let list = match kind {
        Some(ViewKind::Activations) => Some(Tab::Activations.short()),
        Some(ViewKind::Seats) => Some(Tab::Seats.short()),
        Some(ViewKind::Activity) => Some(Tab::Activity.short()),
        Some(ViewKind::Renewals) => Some(Tab::Renewals.short()),
        Some(ViewKind::Invoices) => Some(Tab::Invoices.short()),
        Some(ViewKind::Webhooks) => Some(Tab::Webhooks.short()),
        Some(ViewKind::Access) => Some(Tab::Access.short()),
        Some(ViewKind::Triage) => Some(super::bulk::TRIAGE_TITLE),
        None => None,
    };
    let word = SAVED_VIEW.get(lang);
    match list {
        Some(list) => format!("{word}: {name} ({})", list.get(lang)),
        None => format!("{word}: {name}"),
    }
}

fn tab_title(lang: Lang, tab: Tab) -> String {
    match lang {
        Lang::Ru => format!("экран «{}»", tab.title().get(lang)),
        Lang::En => format!("the {} screen", tab.title().get(lang)),
    }
}

/// Why a command cannot run as typed.
pub fn jump_error(lang: Lang, error: JumpError) -> &'static str {
    let tr = match error {
        JumpError::NeedsNumber | JumpError::BadNumber => Tr::new(
            "нужен номер активации: act 28",
            "an activation number is needed: act 28",
        ),
        JumpError::NeedsSerial | JumpError::BadSerial => Tr::new(
            "серийный номер — 16 цифр: sn 0239110138900130, why 0239110138900130",
            "a serial number is 16 digits: sn 0239110138900130, why 0239110138900130",
        ),
        JumpError::NeedsFile => super::bulk::NEEDS_FILE,
        JumpError::NeedsViewName | JumpError::BadViewName => super::bulk::NEEDS_NAME,
    };
    tr.get(lang)
}
