//! The new-activation flow's precheck table: finding rows, saving them.

use super::Tr;
use crate::domain::Lang;

pub const NO_ERROR_ROWS: Tr = Tr::new("Строк с ошибками нет", "No rows with errors");
pub const PATH_NEEDED: Tr = Tr::new("Укажите имя файла", "Type a file name");
pub const COL_OUTCOME: Tr = Tr::new("Результат проверки", "Precheck result");
pub const SEARCH_LABEL: Tr = Tr::new(
    "Поиск (СН, модель, текст ошибки):",
    "Search (serial, model, error):",
);
pub const SEARCH_KEYS: Tr = Tr::new(
    "↓ ↑ — следующее / предыдущее, Enter — оставить, Esc — вернуться",
    "↓ ↑ next / previous, Enter keeps, Esc goes back",
);
pub const SAVE_ERRORS_LABEL: Tr =
    Tr::new("Строки с ошибками — в файл:", "Rows with errors to file:");
pub const SAVE_ALL_LABEL: Tr = Tr::new("Все строки — в файл:", "All rows to file:");
pub const SAVE_KEYS: Tr = Tr::new(
    "Enter — сохранить (без пути — в папку загрузок; ~ — домашняя папка), Esc — отмена",
    "Enter saves (no path: the downloads folder; ~ is your home), Esc cancels",
);

/// «строка 5 из 10 000».
pub fn row_of(lang: Lang, row: usize, total: usize) -> String {
    let total = group(total);
    let row = group(row);
    match lang {
        Lang::Ru => format!("строка {row} из {total}"),
        Lang::En => format!("row {row} of {total}"),
    }
}

/// «совпадений: 12, это 3-е» / "3 of 12 matches"; «нет совпадений».
pub fn matches(lang: Lang, count: usize, current: Option<usize>) -> String {
    match (lang, current) {
        (Lang::Ru, _) if count == 0 => "нет совпадений".to_string(),
        (Lang::En, _) if count == 0 => "no match".to_string(),
        (Lang::Ru, Some(i)) => format!("совпадение {i} из {count}"),
        (Lang::En, Some(i)) => format!("match {i} of {count}"),
        (Lang::Ru, None) => format!("совпадений: {count}"),
        (Lang::En, None) => super::en_plural(count, "match", "matches"),
    }
}

/// 10000 → «10 000».
fn group(n: usize) -> String {
    super::group_digits(u64::try_from(n).unwrap_or(u64::MAX))
}
