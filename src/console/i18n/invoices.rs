//! The Invoices screen's texts (issue 17).

use super::Tr;
use crate::domain::Lang;

pub const SHORT: Tr = Tr::new("Счета", "Invoices");
pub const TITLE: Tr = Tr::new(
    "Счета: ежемесячные счета за активации",
    "Invoices: monthly invoices for activations",
);
pub const LOADING: Tr = Tr::new("Загрузка счетов…", "Loading invoices…");
pub const EMPTY: Tr = Tr::new(
    "Счетов пока нет: их выставляют в начале месяца за активации прошлого.",
    "No invoices yet: they are issued at the start of a month for the month before.",
);
/// The chooser's mark of a blocked organization: «✕ не оплачен счёт 202610-00003».
pub const UNPAID: Tr = Tr::new("не оплачен счёт", "unpaid invoice");
pub const DUE: Tr = Tr::new("оплатить до", "due");
pub const COL_NUMBER: Tr = Tr::new("Счёт", "Invoice");
pub const COL_ORGANIZATION: Tr = Tr::new("Организация", "Organization");
pub const COL_STATUS: Tr = Tr::new("Статус", "Status");
pub const COL_AMOUNT: Tr = Tr::new("Сумма", "Amount");
pub const COL_DUE: Tr = Tr::new("Срок", "Due");
pub const COL_LEFT: Tr = Tr::new("Осталось", "Left");
pub const COL_ACTIVATION: Tr = Tr::new("Активация", "Activation");
pub const COL_VENDOR: Tr = Tr::new("Вендор", "Vendor");
pub const COL_COMPLETED: Tr = Tr::new("Выполнена", "Done");
pub const COL_LICENSES: Tr = Tr::new("Лицензий", "Licenses");

pub fn invoice_title(lang: Lang, number: &str, issued: &str) -> String {
    match lang {
        Lang::Ru => format!("Счёт № {number} от {issued}"),
        Lang::En => format!("Invoice No. {number} of {issued}"),
    }
}

pub fn paid_on(lang: Lang, date: &str) -> String {
    match lang {
        Lang::Ru => format!("оплачен {date}"),
        Lang::En => format!("paid {date}"),
    }
}

/// Days to the due date: «через 3 дн.», «сегодня», «просрочен 4 дн.».
pub fn days_left(lang: Lang, days: i64) -> String {
    match (lang, days) {
        (Lang::Ru, 0) => "сегодня".into(),
        (Lang::En, 0) => "today".into(),
        (Lang::Ru, d) if d > 0 => format!("через {d} дн."),
        (Lang::En, d) if d > 0 => format!("in {d} d"),
        (Lang::Ru, d) => format!("просрочен {} дн.", -d),
        (Lang::En, d) => format!("{} d overdue", -d),
    }
}

pub fn summary_line(lang: Lang, period: &str, activations: i64, licenses: i64) -> String {
    match lang {
        Lang::Ru => {
            format!("за {period}: активаций {activations}, лицензий {licenses} · Enter — открыть")
        }
        Lang::En => {
            format!("for {period}: {activations} activations, {licenses} licenses · Enter opens")
        }
    }
}

/// The chooser's and the blocked message's naming of the invoice that blocks.
pub fn blocking(lang: Lang, number: &str, amount: &str, due: &str) -> String {
    match lang {
        Lang::Ru => format!("не оплачен счёт {number} на {amount}, срок {due}"),
        Lang::En => format!("invoice {number} for {amount}, due {due}, unpaid"),
    }
}
