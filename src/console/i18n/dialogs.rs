//! The dialogs on the app's stack: confirmations, notices, pickers, the page prompt,
//! and the questions each confirmation asks.

use super::Tr;
use crate::domain::Lang;

pub const CANCEL: Tr = Tr::new("Отмена", "Cancel");
pub const OK: Tr = Tr::new("OK", "OK");
pub const CONFIRM_KEYS: Tr = Tr::new(
    "Tab, ←/→ — выбрать кнопку · Enter — нажать · Esc — отмена",
    "Tab, ←/→ choose a button · Enter presses it · Esc cancels",
);
pub const TYPED_KEYS: Tr = Tr::new(
    "цифры — число · Tab, ←/→ — кнопка · Enter — нажать · Esc — отмена",
    "digits: the count · Tab, ←/→ button · Enter presses · Esc cancels",
);
pub const STORY_KEYS: Tr = Tr::new(
    "j k PgUp PgDn — прокрутка, Esc или Enter — закрыть",
    "j k PgUp PgDn scroll, Esc or Enter closes",
);
pub const NOTICE_KEYS: Tr = Tr::new("Enter или Esc — закрыть", "Enter or Esc closes");
pub const REFUSED_TITLE: Tr = Tr::new("Действие недоступно", "Not possible");
pub const PICKER_KEYS: Tr = Tr::new(
    "буквы — фильтр · ↑/↓ — выбор · Enter — применить · Esc — отмена",
    "type to filter · ↑/↓ choose · Enter applies · Esc cancels",
);
pub const PICKER_FILTER: Tr = Tr::new("Фильтр:", "Filter:");
pub const PICKER_NO_MATCH: Tr = Tr::new("ничего не найдено", "no match");
pub const PAGE_TITLE: Tr = Tr::new("Перейти на страницу", "Go to page");
pub const PAGE_KEYS: Tr = Tr::new(
    "цифры — номер · Enter — перейти · Esc — отмена",
    "digits: the number · Enter goes · Esc cancels",
);

// The confirmations.
pub const UNBIND_BUTTON: Tr = Tr::new("Отвязать", "Unbind");
pub const RETRY_TITLE: Tr = Tr::new("Повторить запрос", "Retry the request");
pub const RETRY_BUTTON: Tr = Tr::new("Повторить", "Retry");
pub const ACTIVATE_BUTTON: Tr = Tr::new("Активировать", "Activate");
pub const EMERGENCY_BUTTON: Tr = Tr::new("Запросить", "Request");
pub const DELETE_TITLE: Tr = Tr::new("Удалить строки", "Delete rows");
pub const DELETE_BUTTON: Tr = Tr::new("Удалить", "Delete");
pub const DISCARD_TITLE: Tr = Tr::new("Отменить новую активацию", "Discard the new activation");
pub const DISCARD_QUESTION: Tr = Tr::new(
    "Отменить новую активацию? Введённый список номеров и результаты проверки будут удалены.",
    "Discard the new activation? The serial list and the precheck results are cleared.",
);
pub const DISCARD_BUTTON: Tr = Tr::new("Отменить активацию", "Discard");
pub const QUIT_TITLE: Tr = Tr::new("Выход", "Quit");
pub const QUIT_BUTTON: Tr = Tr::new("Выйти", "Quit");
pub const QUIT_QUESTION: Tr = Tr::new("Выйти из licadm?", "Quit licadm?");
pub const QUIT_HINT: Tr = Tr::new(
    "Esc не выходит из программы: выход — q или Ctrl+C",
    "Esc does not quit: q or Ctrl+C quits",
);

/// «Повторить запрос по активации № 24? …»
pub fn retry_question(lang: Lang, number: i64) -> String {
    match lang {
        Lang::Ru => format!(
            "Повторить запрос по активации № {number}? Портал снова отправит её серийные номера вендору."
        ),
        Lang::En => format!(
            "Retry activation {number}? The portal sends its serial numbers to the vendor again."
        ),
    }
}

/// «Удалить выбранные строки (3) из таблицы проверки?»
pub fn delete_selected_question(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!(
            "Удалить выбранные строки ({n}) из таблицы проверки? Текст в списке номеров не меняется."
        ),
        Lang::En => format!(
            "Delete the {n} selected rows from the precheck table? The serial list text stays as it is."
        ),
    }
}

/// «Удалить строки с ошибками (2) из таблицы проверки?»
pub fn delete_errors_question(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!(
            "Удалить строки с ошибками ({n}) из таблицы проверки? Текст в списке номеров не меняется."
        ),
        Lang::En => format!(
            "Delete the {n} rows with errors from the precheck table? The serial list text stays as it is."
        ),
    }
}

/// A large order: the count has to be typed.
pub fn typed_count_prompt(lang: Lang, count: usize) -> String {
    match lang {
        Lang::Ru => format!("Крупный заказ: для подтверждения введите число лицензий ({count}):"),
        Lang::En => format!("A large order: type the number of licenses ({count}) to confirm:"),
    }
}

pub fn typed_count_wrong(lang: Lang, count: usize) -> String {
    match lang {
        Lang::Ru => format!("Введите {count}, чтобы подтвердить"),
        Lang::En => format!("Type {count} to confirm"),
    }
}

/// Why quitting asks: changes waiting in the outbox.
pub fn quit_outbox(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Ru => format!(
            "В очереди отправки неотправленных изменений: {n}. Они сохранятся и уйдут на портал при следующем запуске с доступом к нему."
        ),
        Lang::En => {
            let (what, verb) = if n == 1 {
                ("change", "has")
            } else {
                ("changes", "have")
            };
            format!(
                "{n} {what} in the outbox {verb} not been sent yet. They are kept and sent the next time licadm runs with the portal reachable."
            )
        }
    }
}

/// Why quitting asks: a new activation in progress would be lost.
pub fn quit_new_activation(lang: Lang, serials: usize) -> String {
    match lang {
        Lang::Ru => format!(
            "Новая активация не завершена (номеров в списке: {serials}): при выходе она будет потеряна."
        ),
        Lang::En => format!(
            "A new activation is in progress ({serials} serials in its list): it is lost on quitting."
        ),
    }
}

pub fn page_range(lang: Lang, pages: u32) -> String {
    match lang {
        Lang::Ru => format!("Страница (1–{pages}):"),
        Lang::En => format!("Page (1–{pages}):"),
    }
}
