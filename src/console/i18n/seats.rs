//! The seats screen («Управление подпиской»): table, summary, bind, unbind, bulk bind.

use super::Tr;
use crate::client::wire::SeatStatus;
use crate::console::screens::seats::EmailProblem;
use crate::domain::{Lang, format_date};
use chrono::NaiveDate;

pub const COL_SEAT: Tr = Tr::new("№ места", "Seat");
pub const COL_PRODUCT: Tr = Tr::new("Продукт", "Product");
pub const COL_EMAIL: Tr = Tr::new("Привязана к пользователю", "Bound to user");
pub const COL_FROM: Tr = Tr::new("Действует с", "Valid from");
pub const COL_UNTIL: Tr = Tr::new("Действует до", "Valid until");
pub const FILTER_PRODUCT: Tr = Tr::new("Продукт", "Product");
pub const FILTER_EMAIL: Tr = Tr::new("E-mail", "E-mail");
pub const SORT_ID: Tr = Tr::new("№", "No.");
pub const SORT_UNTIL: Tr = Tr::new("до", "until");
pub const SORT_EMAIL: Tr = Tr::new("e-mail", "e-mail");
pub const NO_SEATS: Tr = Tr::new("Мест не найдено", "No seats found");
pub const NO_SUMMARY: Tr = Tr::new("Сводка по местам загружается…", "Loading the seat summary…");

pub fn status(lang: Lang, status: SeatStatus) -> &'static str {
    match status {
        SeatStatus::Free => Tr::new("свободна", "free"),
        SeatStatus::Bound => Tr::new("привязана", "bound"),
        SeatStatus::Expired => Tr::new("истекла", "expired"),
    }
    .get(lang)
}

/// «Orange[uc]e: свободно 12 · занято 25 · истекло 3».
pub fn summary(lang: Lang, product: &str, free: u32, bound: u32, expired: u32) -> String {
    match lang {
        Lang::Ru => format!("{product}: свободно {free} · занято {bound} · истекло {expired}"),
        Lang::En => format!("{product}: free {free} · bound {bound} · expired {expired}"),
    }
}

pub const ACTION_BIND: Tr = Tr::new("привязывать места", "bind seats");
pub const ACTION_UNBIND: Tr = Tr::new("отвязывать места", "unbind seats");
pub const BIND_ONLY_FREE: Tr = Tr::new(
    "Привязать можно только свободное место",
    "Only a free seat can be bound",
);
pub const UNBIND_ONLY_BOUND: Tr = Tr::new(
    "Отвязать можно только привязанное место",
    "Only a bound seat can be unbound",
);

pub fn bind_title(lang: Lang, seat: i64) -> String {
    match lang {
        Lang::Ru => format!("Привязать место {seat}"),
        Lang::En => format!("Bind seat {seat}"),
    }
}

pub fn bind_seat_line(lang: Lang, product: &str, until: NaiveDate) -> String {
    match lang {
        Lang::Ru => format!("{product} · действует до {}", format_date(until)),
        Lang::En => format!("{product} · valid until {}", format_date(until)),
    }
}

pub const BIND_EMAIL_LABEL: Tr = Tr::new("E-mail пользователя:", "User's e-mail:");
pub const EMAIL_OK: Tr = Tr::new("адрес записан верно", "the address looks right");
pub const EMAIL_HINT: Tr = Tr::new(
    "введите e-mail зарегистрированного пользователя",
    "type the e-mail of a registered user",
);
pub const BIND_KEYS: Tr = Tr::new(
    "Enter — привязать, Tab — подсказка, Esc — отмена",
    "Enter binds, Tab picks a suggestion, Esc cancels",
);

pub fn email_problem(lang: Lang, problem: EmailProblem) -> &'static str {
    match problem {
        EmailProblem::Empty => Tr::new("e-mail не указан", "no e-mail given"),
        EmailProblem::Spaces => Tr::new(
            "в адресе не должно быть пробелов",
            "no spaces in an address",
        ),
        EmailProblem::NoAt => Tr::new("в адресе нет символа @", "the address has no @"),
        EmailProblem::NoLocalPart => {
            Tr::new("перед @ должно быть имя", "a name is needed before @")
        }
        EmailProblem::BadDomain => Tr::new(
            "после @ нужен домен вида example.ru",
            "a domain like example.com is needed after @",
        ),
    }
    .get(lang)
}

pub fn bound(lang: Lang, seat: i64, email: &str) -> String {
    match lang {
        Lang::Ru => format!("Место {seat} привязано к {email}"),
        Lang::En => format!("Seat {seat} bound to {email}"),
    }
}

pub fn unbound(lang: Lang, seat: i64) -> String {
    match lang {
        Lang::Ru => format!("Место {seat} отвязано"),
        Lang::En => format!("Seat {seat} unbound"),
    }
}

pub const UNBIND_TITLE: Tr = Tr::new("Отвязать место", "Unbind the seat");

/// «Отвязать место 17 от ivanov@techbiz.ru?»
pub fn unbind_question(lang: Lang, seat: i64, email: &str) -> String {
    match lang {
        Lang::Ru => format!("Отвязать место {seat} от {email}?"),
        Lang::En => format!("Unbind seat {seat} from {email}?"),
    }
}

pub const BULK_TITLE: Tr = Tr::new("Массовая привязка", "Bulk bind");
pub const BULK_INPUT_TITLE: Tr = Tr::new("E-mail пользователей", "Users' e-mails");
pub const BULK_PLACEHOLDER: Tr = Tr::new(
    "Вставьте e-mail: по одному в строке, строки с # пропускаются",
    "Paste e-mails: one per line, lines starting with # are skipped",
);
pub const BULK_KEYS: Tr = Tr::new(
    "F5 — привязать по порядку к свободным местам · F2 — продукт · Esc — закрыть",
    "F5 binds in order to free seats · F2 product · Esc closes",
);
pub const BULK_DONE_KEYS: Tr = Tr::new("Esc — закрыть", "Esc closes");
pub const BULK_NO_PRODUCT: Tr = Tr::new(
    "Нет продукта с местами: сводка ещё не загружена",
    "No product with seats: the summary has not arrived",
);
pub const BULK_EMPTY: Tr = Tr::new(
    "Список пуст: вставьте e-mail, по одному в строке",
    "The list is empty: paste e-mails, one per line",
);
pub const BULK_WAITING: Tr = Tr::new("ожидает…", "waiting…");
pub const NO_FREE_SEATS: Tr = Tr::new("нет свободных мест", "no free seats left");

pub fn bulk_target(lang: Lang, product: &str, org: &str, free: u32) -> String {
    match lang {
        Lang::Ru => format!("Продукт: {product} ({org}) · свободно {free}"),
        Lang::En => format!("Product: {product} ({org}) · free {free}"),
    }
}

/// «место 17 привязано».
pub fn bulk_bound(lang: Lang, seat: i64) -> String {
    match lang {
        Lang::Ru => format!("место {seat} привязано"),
        Lang::En => format!("seat {seat} bound"),
    }
}

pub fn bulk_queued(lang: Lang, seat: i64) -> String {
    match lang {
        Lang::Ru => format!("место {seat}: в очереди (нет связи)"),
        Lang::En => format!("seat {seat}: queued (offline)"),
    }
}

pub fn bulk_running(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Ru => format!("выполняется… {done} из {total}"),
        Lang::En => format!("running… {done} of {total}"),
    }
}

/// «Привязано: 3 · ошибок: 1».
pub fn bulk_done(lang: Lang, bound: usize, failed: usize) -> String {
    match lang {
        Lang::Ru => format!("Привязано: {bound} · ошибок: {failed}"),
        Lang::En => format!("Bound: {bound} · errors: {failed}"),
    }
}
