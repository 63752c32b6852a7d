//! The license information screen («Лицензионная информация») and the emergency license.

use super::Tr;
use crate::domain::{Lang, format_date};
use chrono::NaiveDate;

pub const NO_SUPPORT: Tr = Tr::new("Лицензия на поддержку отсутствует", "No support license");
pub const LITE: Tr = Tr::new(
    "Редакция Lite (до 8 пользователей)",
    "Lite edition (up to 8 users)",
);
pub const NO_PRODUCTS: Tr = Tr::new(
    "У организации нет лицензий",
    "The organization has no licenses",
);
pub const EMERGENCY_HEADER: Tr = Tr::new("Экстренная лицензия", "Emergency license");
pub const NO_EMERGENCY: Tr = Tr::new(
    "Экстренная лицензия не запрашивалась",
    "No emergency license was requested",
);
pub const EMERGENCY_ACTIVE: Tr = Tr::new("действует", "active");
pub const EMERGENCY_LAPSED: Tr = Tr::new("истекла", "lapsed");
pub const EMERGENCY_HOW: Tr = Tr::new(
    "e — запросить экстренную лицензию",
    "e — request an emergency license",
);
pub const EMERGENCY_UNAVAILABLE: Tr = Tr::new(
    "новую экстренную лицензию можно запросить только после покупки постоянной лицензии",
    "a new emergency license can be requested only after a permanent purchase",
);
pub const BLOCKED_PREFIX: Tr = Tr::new("Заблокировано", "Blocked");
pub const ACTION_EMERGENCY: Tr = Tr::new(
    "запрашивать экстренную лицензию",
    "request emergency licenses",
);

/// «Техническая поддержка до 31.10.2027 (осталось 341 дн.)».
pub fn support_until(lang: Lang, until: NaiveDate, days_left: i64) -> String {
    let date = format_date(until);
    match (lang, days_left >= 0) {
        (Lang::Ru, true) => format!("Техническая поддержка до {date} (осталось {days_left} дн.)"),
        (Lang::Ru, false) => format!("Техническая поддержка до {date} (истекла)"),
        (Lang::En, true) => format!(
            "Support until {date} ({} left)",
            super::en_plural(usize::try_from(days_left).unwrap_or(0), "day", "days")
        ),
        (Lang::En, false) => format!("Support until {date} (expired)"),
    }
}

/// «Учётные записи пользователей 19/20».
pub fn accounts(lang: Lang, used: u32, max: u32) -> String {
    match lang {
        Lang::Ru => format!("Учётные записи пользователей {used}/{max}"),
        Lang::En => format!("User accounts {used}/{max}"),
    }
}

/// «Внешние подключения (1С): 2».
pub fn external(lang: Lang, max: u32) -> String {
    match lang {
        Lang::Ru => format!("Внешние подключения (1С): {max}"),
        Lang::En => format!("External connections (1C): {max}"),
    }
}

/// «Срок действия: 13.05.2026 – 13.06.2026 (действует)».
pub fn emergency_period(lang: Lang, from: NaiveDate, until: NaiveDate, state: &str) -> String {
    let (from, until) = (format_date(from), format_date(until));
    match lang {
        Lang::Ru => format!("Срок действия: {from} – {until} ({state})"),
        Lang::En => format!("Valid: {from} – {until} ({state})"),
    }
}

/// «Экстренные учётные записи 3/10».
pub fn emergency_accounts(lang: Lang, used: u32, max: u32) -> String {
    match lang {
        Lang::Ru => format!("Экстренные учётные записи {used}/{max}"),
        Lang::En => format!("Emergency accounts {used}/{max}"),
    }
}

pub fn blocked(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ru => format!("Заблокировано учётных записей: {n}"),
        Lang::En => format!("Blocked accounts: {n}"),
    }
}

pub fn refused(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::Ru => format!("Запрос экстренной лицензии недоступен: {reason}"),
        Lang::En => format!("An emergency license cannot be requested: {reason}"),
    }
}

pub const MODAL_TITLE: Tr = Tr::new(
    "Запросить экстренную лицензию",
    "Request an emergency license",
);
pub const RULES: Tr = Tr::new(
    "Правила: одна экстренная лицензия за раз, на 1 месяц, не больше 10 дополнительных учётных записей. Когда она истечёт, лишние учётные записи блокируются, и новую нельзя запросить до покупки постоянной лицензии.",
    "Rules: one emergency license at a time, for 1 month, at most 10 extra accounts. When it lapses the extra accounts are blocked, and no new one can be requested until a permanent license is bought.",
);
pub const MODAL_KEYS: Tr = Tr::new(
    "←/→ — количество, Enter — далее, Esc — отмена",
    "←/→ count, Enter next, Esc cancels",
);
pub const CONFIRM_KEYS: Tr = Tr::new(
    "Enter — запросить, Esc — назад",
    "Enter requests, Esc goes back",
);

pub fn modal_product(lang: Lang, product: &str) -> String {
    match lang {
        Lang::Ru => format!("Продукт: {product}"),
        Lang::En => format!("Product: {product}"),
    }
}

/// «Учётных записей: ◀ 10 ▶ (1–10)».
pub fn accounts_choice(lang: Lang, n: u32, max: u32) -> String {
    match lang {
        Lang::Ru => format!("Учётных записей: ◀ {n} ▶ (1–{max})"),
        Lang::En => format!("Accounts: ◀ {n} ▶ (1–{max})"),
    }
}

/// «Запросить экстренную лицензию на 10 учётных записей на 1 месяц?»
pub fn confirm_question(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ru => format!(
            "Запросить экстренную лицензию на {} на 1 месяц?",
            super::ru_plural(
                n as usize,
                "учётную запись",
                "учётные записи",
                "учётных записей"
            )
        ),
        Lang::En => format!(
            "Request an emergency license for {} for 1 month?",
            super::en_plural(n as usize, "account", "accounts")
        ),
    }
}

/// «Экстренная лицензия получена: +10 учётных записей на 1 месяц».
pub fn emergency_granted(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ru => format!(
            "Экстренная лицензия получена: +{} на 1 месяц",
            super::ru_plural(
                n as usize,
                "учётная запись",
                "учётные записи",
                "учётных записей"
            )
        ),
        Lang::En => format!(
            "Emergency license granted: +{} for 1 month",
            super::en_plural(n as usize, "account", "accounts")
        ),
    }
}
