//! Every string the console shows, in Russian and English. Screens never spell UI text
//! inline, so the Russian UI cannot leak English (product names aside).

use crate::client::ClientError;
use crate::client::wire::Role;
use crate::domain::Lang;

/// One UI string in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub ru: &'static str,
    pub en: &'static str,
}

impl Tr {
    /// Both languages or nothing: an empty text stops the build when the `Tr` is a
    /// constant (every binding table and every `pub const`), and the test below finds
    /// the rest in the sources.
    pub const fn new(ru: &'static str, en: &'static str) -> Tr {
        assert!(
            !ru.is_empty() && !en.is_empty(),
            "a UI text needs both Russian and English"
        );
        Tr { ru, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

// Activations list: column headers (the seed's words, shortened to fit 80 columns).
pub const COL_NUMBER: Tr = Tr::new("№", "No.");
pub const COL_ORGANIZATION: Tr = Tr::new("Организация", "Organization");
pub const COL_STATUS: Tr = Tr::new("Статус", "Status");
pub const COL_VENDOR: Tr = Tr::new("Вендор", "Vendor");
pub const COL_LICENSES: Tr = Tr::new("Лицензий", "Licenses");
pub const COL_COST: Tr = Tr::new("Стоимость", "Cost");
pub const COL_ORDER_DATE: Tr = Tr::new("Дата заказа", "Order date");
pub const COL_ERROR: Tr = Tr::new("Ошибка", "Error");

pub const SCREEN_ACTIVATIONS: Tr = Tr::new("Активации", "Activations");
pub const SCREEN_DETAIL: Tr = Tr::new("Активация", "Activation");

// Filter bar.
pub const FILTER_ORGANIZATION: Tr = Tr::new("Организация", "Organization");
pub const FILTER_STATUS: Tr = Tr::new("Статус", "Status");
pub const FILTER_VENDOR: Tr = Tr::new("Вендор", "Vendor");
pub const FILTER_SEARCH: Tr = Tr::new("Поиск", "Search");
pub const FILTER_SORT: Tr = Tr::new("Сортировка", "Sort");
pub const FILTER_PER_PAGE: Tr = Tr::new("Строк на странице", "Rows per page");
pub const FILTER_ALL: Tr = Tr::new("все", "all");
pub const FILTER_NONE: Tr = Tr::new("—", "—");
pub const SORT_NUMBER: Tr = Tr::new("№", "No.");
pub const SORT_COST: Tr = Tr::new("стоимость", "cost");
pub const SORT_DATE: Tr = Tr::new("дата", "date");
pub const SEARCH_EDIT_HINT: Tr = Tr::new(
    "Enter — применить, Esc — отмена",
    "Enter applies, Esc cancels",
);

pub const LOADING: Tr = Tr::new("загрузка…", "loading…");
pub const STALE_ROWS: Tr = Tr::new(
    "показаны прежние строки, r — повторить",
    "showing earlier rows, r to retry",
);
pub const NO_ACTIVATIONS: Tr = Tr::new("Активаций не найдено", "No activations found");

// Detail screen.
pub const DETAIL_ORGANIZATION: Tr = Tr::new("Организация:", "Organization:");
pub const DETAIL_INN: Tr = Tr::new("ИНН", "INN");
pub const DETAIL_VENDOR: Tr = Tr::new("Вендор:", "Vendor:");
pub const DETAIL_SUM: Tr = Tr::new("Сумма:", "Sum:");
pub const DETAIL_LICENSES: Tr = Tr::new("лицензий", "licenses");
pub const DETAIL_STATUS: Tr = Tr::new("Статус:", "Status:");
pub const DETAIL_ORDERED: Tr = Tr::new("Дата заказа:", "Ordered:");
pub const DETAIL_COMPLETED: Tr = Tr::new("Дата выполнения:", "Completed:");
pub const DETAIL_ERROR: Tr = Tr::new("Ошибка:", "Error:");
pub const DETAIL_SEARCH: Tr = Tr::new("Поиск по СН:", "Search by serial:");
pub const DETAIL_NO_LINES: Tr = Tr::new("Нет строк", "No lines");
pub const DETAIL_NO_MATCH: Tr = Tr::new(
    "Нет серийных номеров с такой подстрокой",
    "No serial contains this text",
);
pub const COL_SERIAL: Tr = Tr::new("Серийный номер", "Serial number");
pub const COL_MODEL: Tr = Tr::new("Модель", "Model");
pub const COL_CURRENT_UNTIL: Tr = Tr::new("Текущая подписка", "Current until");
pub const COL_NEW_UNTIL: Tr = Tr::new("Новая подписка", "New until");
pub const COL_PRICE: Tr = Tr::new("Цена", "Price");

// Status line.
pub const CONN_ONLINE: Tr = Tr::new("● подключено", "● online");
pub const CONN_CONNECTING: Tr = Tr::new("○ подключение…", "○ connecting…");
pub const CONN_OFFLINE: Tr = Tr::new("✕ нет связи", "✕ offline");

// Help overlay.
pub const HELP_TITLE: Tr = Tr::new("Справка", "Help");
pub const HELP_CLOSE: Tr = Tr::new("Esc или ? — закрыть", "Esc or ? closes");

pub fn activation_title(lang: Lang, number: i64, status: &str) -> String {
    match lang {
        Lang::Ru => format!("Активация № {number} ({status})"),
        Lang::En => format!("Activation No. {number} ({status})"),
    }
}

/// "показано 3 из 5" under the serial search of the detail screen.
pub fn shown_of(lang: Lang, shown: usize, total: usize) -> String {
    match lang {
        Lang::Ru => format!("показано {shown} из {total}"),
        Lang::En => format!("{shown} of {total} shown"),
    }
}

pub fn too_small(lang: Lang, min_w: u16, min_h: u16, w: u16, h: u16) -> String {
    match lang {
        Lang::Ru => format!(
            "Окно терминала слишком маленькое: нужно не меньше {min_w}×{min_h} (сейчас {w}×{h})"
        ),
        Lang::En => format!(
            "The terminal window is too small: at least {min_w}×{min_h} is needed (now {w}×{h})"
        ),
    }
}

pub fn help_title(lang: Lang, screen: Tr) -> String {
    format!("{} — {}", HELP_TITLE.get(lang), screen.get(lang))
}

/// The account's role as the status line shows it.
pub fn role(lang: Lang, role: Role) -> &'static str {
    match (role, lang) {
        (Role::Admin, Lang::Ru) => "администратор",
        (Role::Support, Lang::Ru) => "поддержка",
        (Role::Viewer, Lang::Ru) => "просмотр",
        (Role::Admin, Lang::En) => "admin",
        (Role::Support, Lang::En) => "support",
        (Role::Viewer, Lang::En) => "viewer",
        (Role::Operator, Lang::Ru) => "оператор",
        (Role::Operator, Lang::En) => "operator",
    }
}

/// A failed request, worded for the status line. English is `ClientError`'s own
/// message; Russian translates the fixed part and keeps the portal's own text (which
/// the portal may already write in Russian) and technical causes as they are.
pub fn request_error(lang: Lang, error: &ClientError) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        ClientError::BadUrl { url, reason } => format!("неверный адрес портала {url:?}: {reason}"),
        ClientError::Unreachable(cause) => format!("портал недоступен: {cause}"),
        ClientError::Timeout => "портал не ответил вовремя".to_string(),
        ClientError::Api {
            status, message, ..
        } => format!("{message} (HTTP {status}{})", request_suffix(error)),
        ClientError::Rejected { message, .. } => {
            format!("{message} (HTTP 422{})", request_suffix(error))
        }
        ClientError::Decode(cause) => format!("непонятный ответ портала: {cause}"),
        ClientError::Local(cause) => format!("локальная копия: {cause}"),
        ClientError::Busy {
            retry_after_secs, ..
        } => format!(
            "портал занят, ничего не изменено: повторите через {retry_after_secs} с (HTTP 503{})",
            request_suffix(error)
        ),
    }
}

/// A portal's message followed by the request it answered: «… (запрос 3f9a…)».
pub fn with_request(lang: Lang, message: &str, request_id: &str) -> String {
    let id = crate::domain::text::inert(request_id);
    match lang {
        Lang::Ru => format!("{message} (запрос {id})"),
        Lang::En => format!("{message} (request {id})"),
    }
}

/// «, запрос 3f9a…»: the request the portal named, for the user to quote in a ticket.
fn request_suffix(error: &ClientError) -> String {
    error.request_id().map_or_else(String::new, |id| {
        format!(", запрос {}", crate::domain::text::inert(id))
    })
}

// ---- New activation (issue 3) ----

pub const SCREEN_NEW_ACTIVATION: Tr = Tr::new("Новая активация", "New activation");
pub const STEP_ORGANIZATION: Tr = Tr::new("Выбор организации", "Choose the organization");
pub const STEP_OFFER: Tr = Tr::new("Акцепт договора", "Accept the offer");
pub const STEP_SERIALS: Tr = Tr::new("Серийные номера", "Serial numbers");
pub const STEP_PRECHECK: Tr = Tr::new("Проверка номеров", "Precheck");
pub const ACTIVATION_BLOCKED: Tr = Tr::new("активация заблокирована", "activation blocked");
pub const NO_ORGANIZATIONS: Tr = Tr::new(
    "Нет организаций, доступных этому токену",
    "No organizations are available to this token",
);
/// The offer, naming the key that accepts it.
pub fn offer_text(lang: Lang, key: &str) -> String {
    match lang {
        Lang::Ru => format!(
            "Нажимая {key}, вы даёте согласие на обработку персональных данных и подтверждаете, что ознакомлены и согласны с условиями оферты сублицензионного договора в последней редакции."
        ),
        Lang::En => format!(
            "By pressing {key} you consent to the processing of personal data and confirm that you have read and agree to the terms of the sublicense agreement offer in its latest version."
        ),
    }
}

pub fn offer_confirm(lang: Lang, accept: &str, back: &str) -> String {
    match lang {
        Lang::Ru => format!("{accept} — принять и продолжить · {back} — назад"),
        Lang::En => format!("{accept} — accept and continue · {back} — back"),
    }
}
pub const SENDING: Tr = Tr::new("отправка…", "sending…");
pub const SERIALS_PLACEHOLDER: Tr = Tr::new(
    "Вставьте серийные номера: по одному в строке или через запятую, пробел, ;",
    "Paste or type serial numbers: one per line, or separated by commas, spaces, ;",
);
pub const IMPORT_PROMPT: Tr = Tr::new("Текстовый файл:", "File .txt:");
pub const IMPORT_HINT: Tr = Tr::new(
    "Tab — дополнить путь (~ — домашняя папка), Enter — импортировать, Esc — отмена",
    "Tab completes the path (~ is home), Enter imports, Esc cancels",
);
pub const FORMAT_OK: Tr = Tr::new("ошибок формата нет", "no format errors");
pub const PRECHECK_EMPTY_LIST: Tr = Tr::new(
    "Список пуст: вставьте или введите серийные номера",
    "The list is empty: paste or type serial numbers",
);
pub const COL_SEL: Tr = Tr::new("[x]", "[x]");
pub const COL_CURRENT_SHORT: Tr = Tr::new("Тек. подписка", "Current until");
pub const COL_NEW_SHORT: Tr = Tr::new("Новая до", "New until");
pub const COL_YOUR_PRICE: Tr = Tr::new("Ваша цена", "Your price");
pub const COL_RETAIL: Tr = Tr::new("Розн. цена", "Retail");
pub const NOTHING_SELECTED: Tr = Tr::new(
    "Ничего не выбрано: Space — выбрать строку, A — активировать все проверенные",
    "Nothing selected: Space selects a row, A activates all checked rows",
);
pub const ERRORS_IN_TARGET: Tr = Tr::new(
    "Строки с ошибками нельзя активировать: удалите строки с ошибками (D) или выберите только проверенные",
    "Rows with errors cannot be activated: delete the rows with errors (D) or select only checked rows",
);
pub const NOTHING_TO_ACTIVATE: Tr = Tr::new(
    "Нет проверенных номеров для активации",
    "No checked serials to activate",
);
pub const CONFIRM_TITLE: Tr = Tr::new("Подтверждение", "Confirmation");
pub const COPIED: Tr = Tr::new("скопировано", "copied");
pub const ROWS_EMPTY: Tr = Tr::new(
    "Строк не осталось: Esc — назад к списку номеров",
    "No rows left: Esc goes back to the serial list",
);
pub const HIGHLIGHT_LEGEND: Tr = Tr::new("* — новые активации", "* — new activations");
pub const RETRY_ONLY_ERROR: Tr = Tr::new(
    "Повторить можно только активацию со статусом «Ошибка»",
    "Only an activation with status Error can be retried",
);
pub const LICENSE_ONLY_DONE: Tr = Tr::new(
    "Файл лицензий есть только у выполненной активации",
    "Only a completed activation has a license file",
);
pub const RETRY_SENT: Tr = Tr::new("запрос повторён", "request retried");
pub const DISCARDED: Tr = Tr::new("новая активация отменена", "new activation discarded");

/// «3 лицензии», «12 лицензий» — Russian plural by the last digits.
pub fn ru_plural(n: usize, one: &str, few: &str, many: &str) -> String {
    format!("{n} {}", ru_form(n, one, few, many))
}

/// The form of a word agreeing with `n`: «лицензия» for 1 and 21, «лицензии» for 2–4
/// and 22, «лицензий» for 5–20 and 11–14.
pub fn ru_form<'a>(n: usize, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

/// «1 device», «2 devices».
pub fn en_plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn licenses(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => ru_plural(n, "лицензию", "лицензии", "лицензий"),
        Lang::En => en_plural(n, "license", "licenses"),
    }
}

pub fn activations_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => ru_plural(n, "активация", "активации", "активаций"),
        Lang::En => en_plural(n, "activation", "activations"),
    }
}

/// «1 устройство», «2 устройства», «5 устройств» / "1 device", "5 devices".
pub fn devices(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => ru_plural(n, "устройство", "устройства", "устройств"),
        Lang::En => en_plural(n, "device", "devices"),
    }
}

/// «1 серийный номер», «5 серийных номеров».
pub fn serial_numbers(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => ru_plural(n, "серийный номер", "серийных номера", "серийных номеров"),
        Lang::En => en_plural(n, "serial number", "serial numbers"),
    }
}

/// «14 номеров» under the text area.
pub fn serial_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => ru_plural(n, "номер", "номера", "номеров"),
        Lang::En => en_plural(n, "serial", "serials"),
    }
}

/// «Строка 4: «12345» — нужно 16 цифр».
pub fn format_error_line(lang: Lang, error: &crate::domain::SerialListError) -> String {
    use crate::domain::SerialError;
    let reason = match (&error.reason, lang) {
        (SerialError::WrongLength(n), Lang::Ru) => format!("нужно 16 цифр, здесь {n}"),
        (SerialError::WrongLength(n), Lang::En) => format!("16 digits expected, got {n}"),
        (SerialError::NotDigits, Lang::Ru) => "нужно 16 цифр, здесь не только цифры".to_string(),
        (SerialError::NotDigits, Lang::En) => {
            "16 digits expected, not only digits here".to_string()
        }
        (SerialError::Empty, Lang::Ru) => "пусто".to_string(),
        (SerialError::Empty, Lang::En) => "empty".to_string(),
    };
    match lang {
        Lang::Ru => format!("Строка {}: «{}» — {reason}", error.line, error.token),
        Lang::En => format!("Line {}: \"{}\" — {reason}", error.line, error.token),
    }
}

pub fn more_errors(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("…и ещё ошибок: {n}"),
        Lang::En => format!("…and {} more", en_plural(n, "error", "errors")),
    }
}

pub fn too_many_serials(lang: Lang, n: usize, max: usize) -> String {
    match lang {
        Lang::Ru => format!("Слишком много номеров: {n}, можно не больше {max}"),
        Lang::En => format!("Too many serials: {n}, at most {max} allowed"),
    }
}

/// The precheck summary; `selected` says whether the count is of the selected rows.
pub fn precheck_summary(
    lang: Lang,
    to_activate: usize,
    selected: bool,
    errors: usize,
    total: &str,
) -> String {
    match (lang, selected) {
        (Lang::Ru, true) => {
            format!("К активации: {to_activate} (выбранные) · с ошибками: {errors} · итого {total}")
        }
        (Lang::Ru, false) => format!(
            "К активации: {to_activate} (все проверенные) · с ошибками: {errors} · итого {total}"
        ),
        (Lang::En, true) => {
            format!("To activate: {to_activate} (selected) · with errors: {errors} · total {total}")
        }
        (Lang::En, false) => format!(
            "To activate: {to_activate} (all checked) · with errors: {errors} · total {total}"
        ),
    }
}

/// First line of the confirmation: «Активировать 12 лицензий? Будут созданы 2 активации:»
/// (the verb agrees with the count: «Будет создана 1 активация», «Будет создано 5 …»).
pub fn confirm_question(lang: Lang, licenses_n: usize, activations_n: usize) -> String {
    match lang {
        Lang::Ru => format!(
            "Активировать {}? {} {}:",
            licenses(lang, licenses_n),
            ru_form(
                activations_n,
                "Будет создана",
                "Будут созданы",
                "Будет создано"
            ),
            activations_count(lang, activations_n)
        ),
        Lang::En => format!(
            "Activate {}? {} will be created:",
            licenses(lang, licenses_n),
            activations_count(lang, activations_n)
        ),
    }
}

/// «Пэй Киоск — 9 устройств, 34 900 ₽».
pub fn confirm_vendor_line(lang: Lang, vendor: &str, count: usize, sum: &str) -> String {
    format!("{vendor} — {}, {sum}", devices(lang, count))
}

pub fn confirm_total(lang: Lang, total: &str) -> String {
    match lang {
        Lang::Ru => format!("Итого {total}."),
        Lang::En => format!("Total {total}."),
    }
}

pub fn created(lang: Lang, numbers: &[i64]) -> String {
    let list = numbers
        .iter()
        .map(|n| format!("№ {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::Ru => format!(
            "Создано: {} ({list})",
            activations_count(lang, numbers.len())
        ),
        Lang::En => format!(
            "Created {} ({list})",
            activations_count(lang, numbers.len())
        ),
    }
}

pub fn copied(lang: Lang, serial: &str) -> String {
    format!("{}: {serial}", COPIED.get(lang))
}

pub fn saved_to(lang: Lang, path: &std::path::Path) -> String {
    match lang {
        Lang::Ru => format!("Файл сохранён: {}", path.display()),
        Lang::En => format!("File saved: {}", path.display()),
    }
}

pub fn save_failed(lang: Lang, path: &std::path::Path, error: &str) -> String {
    match lang {
        Lang::Ru => format!("Не удалось записать {}: {error}", path.display()),
        Lang::En => format!("Could not write {}: {error}", path.display()),
    }
}

pub fn imported(lang: Lang, path: &std::path::Path, lines: usize) -> String {
    match lang {
        Lang::Ru => format!("Импортировано из {}: строк {lines}", path.display()),
        Lang::En => format!(
            "Imported from {}: {}",
            path.display(),
            en_plural(lines, "line", "lines")
        ),
    }
}

pub fn import_failed(lang: Lang, path: &std::path::Path, error: &str) -> String {
    match lang {
        Lang::Ru => format!("Не удалось прочитать {}: {error}", path.display()),
        Lang::En => format!("Could not read {}: {error}", path.display()),
    }
}

/// A role may not do something: «Роль «просмотр» не может создавать активации».
pub fn role_denied(lang: Lang, role: Role, action: Tr) -> String {
    match lang {
        Lang::Ru => format!("Роль «{}» не может {}", self::role(lang, role), action.ru),
        Lang::En => format!("The {} role may not {}", self::role(lang, role), action.en),
    }
}

pub const ACTION_CREATE: Tr = Tr::new("создавать активации", "create activations");
pub const ACTION_RETRY: Tr = Tr::new("повторять запрос активации", "retry activations");

/// The sample serial list written by Ctrl+S, with comment lines.
pub fn sample_file(lang: Lang) -> String {
    let comments = match lang {
        Lang::Ru => [
            "# Пример списка серийных номеров для licadm.",
            "# Один номер в строке (или через запятую, точку с запятой, пробел).",
            "# Номер — ровно 16 цифр. Строки с # и пустые строки пропускаются.",
        ],
        Lang::En => [
            "# Sample serial number list for licadm.",
            "# One serial per line (or separated by commas, semicolons, spaces).",
            "# A serial is exactly 16 digits. Lines starting with # and empty lines are skipped.",
        ],
    };
    let mut text = comments.join("\n");
    text.push_str("\n0239110138900130\n0408420138900124\n\n1007512879004126, 1007512879004127\n");
    text
}

pub const RETAIL_PRICE: Tr = Tr::new("рек. розн. цена", "retail price");

/// «ошибок формата: 2» next to the serial count.
pub fn format_errors_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!("ошибок формата: {n}"),
        Lang::En => format!("format errors: {n}"),
    }
}

pub mod access;
pub mod activation;
pub mod activity;
pub mod bulk;
pub mod capacity;
pub mod clipboard;
pub mod columns;
pub mod dialogs;
pub mod history;
pub mod invoices;
pub mod keymap;
pub mod keys;
pub mod messages;
pub mod new_activation;
pub mod paging;
pub mod palette;
pub mod renewals;
pub mod seats;
pub mod sync;
pub mod tabs;
pub mod webhooks;
pub mod why;

// The list counters and the terminal-link texts, under their old names.
pub use paging::{group_digits, page_beyond_reach, page_counter, slow_terminal};

#[cfg(test)]
mod tests {
    use super::Tr;
    use std::path::Path;

    /// The string literal at the start of `text` (after spaces and commas), unescaped
    /// enough to judge it, and what follows it.
    fn literal(text: &str) -> Option<(String, &str)> {
        let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let body = text.strip_prefix('"')?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        out.push(escaped);
                    }
                }
                '"' => return Some((out, &body[i + 1..])),
                _ => out.push(c),
            }
        }
        None
    }

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The confirmation's verb agrees with the number of activations, as the noun does.
    #[test]
    fn the_confirmation_verb_agrees_with_the_count() {
        use super::{Lang, confirm_question};
        let cases = [
            (1, "Активировать 3 лицензии? Будет создана 1 активация:"),
            (2, "Активировать 3 лицензии? Будут созданы 2 активации:"),
            (5, "Активировать 3 лицензии? Будет создано 5 активаций:"),
            (11, "Активировать 3 лицензии? Будет создано 11 активаций:"),
            (21, "Активировать 3 лицензии? Будет создана 21 активация:"),
        ];
        for (n, expected) in cases {
            assert_eq!(confirm_question(Lang::Ru, 3, n), expected);
        }
        assert_eq!(
            confirm_question(Lang::En, 1, 1),
            "Activate 1 license? 1 activation will be created:"
        );
    }

    /// A device count in the thousands reads as the activations' totals do.
    #[test]
    fn the_renewal_total_groups_its_digits() {
        use super::Lang;
        use crate::domain::Kopecks;
        assert_eq!(
            super::renewals::total(Lang::Ru, 1_829_204, Kopecks(290_000), false),
            "Итого по фильтру: 1 829 204 устр. · 2 900 ₽"
        );
    }

    /// Every `Tr::new("…", "…")` in the console: both texts there, and no Cyrillic in
    /// the English one (a Russian text pasted into both places).
    #[test]
    fn every_ui_text_has_russian_and_english() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/console");
        let mut files = Vec::new();
        sources(&root, &mut files);
        // Spelled in two pieces so that this test does not find itself.
        let needle = ["Tr", "::new("].concat();
        let mut checked = 0;
        let mut problems = Vec::new();
        for (file, text) in &files {
            for (at, _) in text.match_indices(&needle) {
                let rest = &text[at + needle.len()..];
                let Some((ru, rest)) = literal(rest) else {
                    continue;
                };
                let Some((en, _)) = literal(rest) else {
                    problems.push(format!("{file}: {ru:?} has no English literal"));
                    continue;
                };
                checked += 1;
                if ru.trim().is_empty() || en.trim().is_empty() {
                    problems.push(format!("{file}: empty text in ({ru:?}, {en:?})"));
                }
                if en.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
                    problems.push(format!("{file}: Cyrillic in the English {en:?}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        // The scan found the texts (a changed spelling of the constructor would not).
        assert!(checked > 300, "only {checked} texts found");
        assert_eq!(Tr::new("да", "yes").get(crate::domain::Lang::En), "yes");
    }
}
