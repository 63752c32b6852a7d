//! The column chooser and the file that remembers the choice.

use super::Tr;
use crate::console::ui_state::UiStateError;
use crate::domain::Lang;

pub const TITLE: Tr = Tr::new("Столбцы", "Columns");
pub const LIST_ACTIVATIONS: Tr = super::SCREEN_ACTIVATIONS;
pub const LIST_SEATS: Tr = super::tabs::SEATS_SHORT;
pub const ALWAYS_SHOWN: Tr = Tr::new("всегда виден", "always shown");

/// «Столбцы: Активации».
pub fn title(lang: Lang, list: Tr) -> String {
    format!("{}: {}", TITLE.get(lang), list.get(lang))
}

pub fn cannot_hide(lang: Lang, column: Tr) -> String {
    match lang {
        Lang::Ru => format!(
            "Столбец «{}» скрыть нельзя: по нему различают строки",
            column.ru
        ),
        Lang::En => format!(
            "The {} column cannot be hidden: it tells the rows apart",
            column.en
        ),
    }
}

/// The state file could not be read: its name, line and problem, and what happens.
pub fn load_failed(lang: Lang, error: &UiStateError) -> String {
    let path = error.path().display();
    match (lang, error) {
        (Lang::Ru, UiStateError::Parse { line, message, .. }) => {
            format!("{path}, строка {line}: {message} — столбцы по умолчанию")
        }
        (Lang::Ru, UiStateError::Io { message, .. }) => {
            format!("Не удалось прочитать {path}: {message} — столбцы по умолчанию")
        }
        (Lang::En, UiStateError::Parse { line, message, .. }) => {
            format!("{path}:{line}: {message} — using the default columns")
        }
        (Lang::En, UiStateError::Io { message, .. }) => {
            format!("Could not read {path}: {message} — using the default columns")
        }
    }
}

/// The choice could not be written (`error` names the file).
pub fn save_failed(lang: Lang, error: &str) -> String {
    match lang {
        Lang::Ru => format!("Не удалось сохранить выбор столбцов: {error}"),
        Lang::En => format!("Could not save the column choice: {error}"),
    }
}
