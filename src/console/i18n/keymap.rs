//! Key overrides from the config file: where each set of keys works (for messages)
//! and why an override was not applied.

use super::Tr;
use crate::console::keymap::{Key, KeyNameError, KeymapError, KeymapProblem};
use crate::domain::Lang;

// Where keys work, as a message names it (Russian: prepositional, «в …»).
pub const IN_LIST: Tr = Tr::new("списке активаций", "the activations list");
pub const IN_DETAIL: Tr = Tr::new("карточке активации", "the activation detail");
pub const IN_SEATS: Tr = Tr::new("списке мест", "the seats list");
pub const IN_BIND: Tr = Tr::new("окне привязки места", "the bind dialog");
pub const IN_BULK: Tr = Tr::new("массовой привязке", "the bulk bind");
pub const IN_CAPACITY: Tr = Tr::new("экране лицензий", "the capacity screen");
pub const IN_EMERGENCY: Tr = Tr::new("окне экстренной лицензии", "the emergency license dialog");
pub const IN_ACCESS: Tr = Tr::new("экране «Доступ»", "the Access screen");
pub const IN_PRICES: Tr = Tr::new("окне «Цены»", "the Prices dialog");
pub const IN_INVOICES: Tr = Tr::new("экране «Счета»", "the Invoices screen");
pub const IN_ACTIVITY: Tr = Tr::new("экране «Журнал»", "the Activity screen");
pub const IN_WEBHOOKS: Tr = Tr::new("экране «Вебхуки»", "the Webhooks screen");
pub const IN_URL: Tr = Tr::new("окне адреса вебхука", "the webhook URL prompt");
pub const IN_RENEWALS: Tr = Tr::new("экране «Продления»", "the Renewals screen");
pub const IN_KEYS_ONLINE: Tr = Tr::new("экране ключей (онлайн)", "the keys screen (online)");
pub const IN_KEYS_REQUEST: Tr = Tr::new(
    "экране ключей (файловый запрос)",
    "the keys screen (request file)",
);
pub const IN_KEYS_IMPORT: Tr = Tr::new("экране ключей (импорт ответа)", "the keys screen (import)");
pub const IN_NEW_ORGANIZATION: Tr = Tr::new("выборе организации", "the organization step");
pub const IN_NEW_OFFER: Tr = Tr::new("шаге оферты", "the offer step");
pub const IN_NEW_SERIALS: Tr = Tr::new("вводе серийных номеров", "the serials step");
pub const IN_NEW_PRECHECK: Tr = Tr::new("таблице проверки", "the precheck table");
pub const IN_NEW_SEARCH: Tr = Tr::new("поиске в таблице проверки", "the precheck search");
pub const IN_NEW_SAVE: Tr = Tr::new("сохранении строк в файл", "saving rows to a file");
pub const IN_HISTORY: Tr = Tr::new("истории изменений", "the history");
pub const IN_OUTBOX: Tr = Tr::new("очереди отправки", "the outbox");
pub const IN_COLUMNS: Tr = Tr::new("выборе столбцов", "the column chooser");
pub const IN_HELP: Tr = Tr::new("справке", "the help");
pub const IN_MESSAGES: Tr = Tr::new("журнале сообщений", "the message log");
pub const IN_PALETTE: Tr = Tr::new("строке команд (:)", "the command palette (:)");
pub const IN_CONFIRM: Tr = Tr::new("окне подтверждения", "a confirmation");
pub const IN_STORY: Tr = Tr::new("окне «История СН» (:why)", "a serial's story (:why)");
pub const IN_NOTICE: Tr = Tr::new("окне сообщения", "a notice");
pub const IN_PICKER: Tr = Tr::new("выборе из списка", "a picker");
pub const IN_PAGE: Tr = Tr::new("переходе на страницу", "the page prompt");

/// Shown on the status line when there is more than one problem.
pub fn more(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!(" (и ещё {n}, см. stderr)"),
        Lang::En => format!(" (and {n} more, see stderr)"),
    }
}

/// `config.toml:4: [keys] "list.refresh" = "F55": … — default keys kept`.
pub fn error(lang: Lang, e: &KeymapError) -> String {
    let place = if e.line > 0 {
        format!("{}:{}", e.file, e.line)
    } else {
        e.file.clone()
    };
    let problem = problem(lang, &e.problem);
    match lang {
        Lang::Ru => format!(
            "{place}: [keys] \"{}\" = {}: {problem} — оставлены клавиши по умолчанию",
            e.action, e.value
        ),
        Lang::En => format!(
            "{place}: [keys] \"{}\" = {}: {problem} — default keys kept",
            e.action, e.value
        ),
    }
}

fn problem(lang: Lang, problem: &KeymapProblem) -> String {
    let ru = lang == Lang::Ru;
    match problem {
        KeymapProblem::UnknownAction { suggestion } => match (suggestion, ru) {
            (Some(name), true) => format!("нет такого действия (может быть, \"{name}\"?)"),
            (Some(name), false) => format!("no such action (did you mean \"{name}\"?)"),
            (None, true) => "нет такого действия (список — в README, «Клавиши»)".into(),
            (None, false) => "no such action (the README lists them)".into(),
        },
        KeymapProblem::NotKeys if ru => {
            "нужно имя клавиши или список имён, например \"F5\" или [\"a\", \"Ctrl+N\"]".into()
        }
        KeymapProblem::NotKeys => {
            "write a key name or a list of them, e.g. \"F5\" or [\"a\", \"Ctrl+N\"]".into()
        }
        KeymapProblem::NoKeys if ru => "пустой список оставил бы действие без клавиш".into(),
        KeymapProblem::NoKeys => "an empty list would leave the action without keys".into(),
        KeymapProblem::BadKey { key, error } => bad_key(lang, key, *error),
        KeymapProblem::TypesText { key, screen } => match lang {
            Lang::Ru => format!(
                "{} в {} печатается как текст; нужны Ctrl+буква, F1–F12, Enter, Esc, Tab или стрелки",
                key_name(*key),
                screen.get(lang)
            ),
            Lang::En => format!(
                "{} types text in {}; use Ctrl+letter, F1–F12, Enter, Esc, Tab or arrows",
                key_name(*key),
                screen.get(lang)
            ),
        },
        KeymapProblem::Conflict { key, other, screen } => match lang {
            Lang::Ru => format!(
                "{} в {} уже означает \"{other}\", переназначение не применено",
                key_name(*key),
                screen.get(lang)
            ),
            Lang::En => format!(
                "{} already does \"{other}\" in {}, so this override is not applied",
                key_name(*key),
                screen.get(lang)
            ),
        },
    }
}

fn bad_key(lang: Lang, key: &str, error: KeyNameError) -> String {
    let ru = lang == Lang::Ru;
    match error {
        KeyNameError::Empty if ru => "пустое имя клавиши".into(),
        KeyNameError::Empty => "an empty key name".into(),
        KeyNameError::Unknown if ru => format!(
            "\"{key}\" — не клавиша (пишите a, G, Ctrl+N, F5, Enter, Esc, Up, PgDn, Space, Tab…)"
        ),
        KeyNameError::Unknown => format!(
            "\"{key}\" is not a key (write a, G, Ctrl+N, F5, Enter, Esc, Up, PgDn, Space, Tab…)"
        ),
        KeyNameError::CtrlLetter if ru => format!("\"{key}\": после Ctrl+ нужна одна буква"),
        KeyNameError::CtrlLetter => format!("\"{key}\": Ctrl+ takes one letter"),
        KeyNameError::CtrlC if ru => "Ctrl+C всегда означает выход".into(),
        KeyNameError::CtrlC => "Ctrl+C always quits".into(),
        KeyNameError::Alt if ru => format!("\"{key}\": сочетания с Alt не поддерживаются"),
        KeyNameError::Alt => format!("\"{key}\": Alt chords are not supported"),
    }
}

/// A key in a sentence: quoted, so `,` or `Space` reads as a key.
fn key_name(key: Key) -> String {
    format!("\"{}\"", key.label())
}
