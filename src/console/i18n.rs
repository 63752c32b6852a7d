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
    pub const fn new(ru: &'static str, en: &'static str) -> Tr {
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

/// "Стр. 2 из 17 · всего 420".
pub fn page_counter(lang: Lang, page: u32, pages: u32, total: u64) -> String {
    match lang {
        Lang::Ru => format!("Стр. {page} из {pages} · всего {total}"),
        Lang::En => format!("Page {page} of {pages} · {total} total"),
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
        } => format!("{message} (HTTP {status})"),
        ClientError::Rejected { message, .. } => format!("{message} (HTTP 422)"),
        ClientError::Decode(cause) => format!("непонятный ответ портала: {cause}"),
    }
}
