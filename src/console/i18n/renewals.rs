//! The Renewals screen's texts («Продления» / "Renewals", issue 16).

use super::Tr;
use crate::domain::{Kopecks, Lang, format_rub};

pub const SHORT: Tr = Tr::new("Продления", "Renewals");
pub const TITLE: Tr = Tr::new("Продления подписок", "Subscription renewals");
pub const LOADING: Tr = Tr::new("Загрузка устройств…", "Loading devices…");
pub const EMPTY: Tr = Tr::new(
    "Нет устройств с такими фильтрами.",
    "No devices match these filters.",
);
pub const COLUMNS: [Tr; 7] = [
    Tr::new("*", "*"),
    Tr::new("Серийный номер", "Serial"),
    Tr::new("Организация", "Organization"),
    Tr::new("Модель", "Model"),
    Tr::new("Подписка до", "Until"),
    Tr::new("Дней", "Days"),
    Tr::new("Ваша цена", "Your price"),
];
pub const FILTER_VENDOR: Tr = Tr::new("Вендор", "Vendor");
pub const FILTER_WINDOW: Tr = Tr::new("Срок", "Ends within");
pub const ACTION_RENEW: Tr = Tr::new("продлевать подписки", "renew subscriptions");
pub const NOTHING_MARKED: Tr = Tr::new(
    "Ничего не отмечено: Space — отметить устройство, * — все подходящие.",
    "Nothing is marked: Space marks a device, * every matching one.",
);
pub const MIXED_ORGANIZATIONS: Tr = Tr::new(
    "Отмечены устройства разных организаций: продление оформляется на одну. Выберите организацию (o) и отметьте снова.",
    "The marked devices belong to several organizations: a renewal is for one. Pick an organization (o) and mark again.",
);
pub const FLOW_IN_USE: Tr = Tr::new(
    "Начатая новая активация ещё не завершена: закончите её или отмените (a, затем F8), потом продлевайте.",
    "A new activation is still open: finish or discard it (a, then F8) before renewing.",
);
pub const UNKNOWN_ORGANIZATION: Tr = Tr::new(
    "Организация отмеченных устройств ещё не загружена; попробуйте через секунду.",
    "The marked devices' organization is not loaded yet; try again in a second.",
);

/// «до 30 дней» / "30 days"; 0: every device.
pub fn window(lang: Lang, days: u32) -> String {
    match (lang, days) {
        (Lang::Ru, 0) => "все".into(),
        (Lang::En, 0) => "all".into(),
        (Lang::Ru, n) => format!("до {n} дн."),
        (Lang::En, n) => format!("{n} days"),
    }
}

/// «Отмечено: 3 · 8 700 ₽».
pub fn marked(lang: Lang, count: usize, total: Kopecks, ascii: bool) -> String {
    let total = format_rub(total, ascii);
    match lang {
        Lang::Ru => format!("Отмечено: {count} · {total} · a — продлить"),
        Lang::En => format!("Marked: {count} · {total} · a renews"),
    }
}

/// «Итого: 12 устройств · 34 800 ₽».
pub fn total(lang: Lang, count: u64, total: Kopecks, ascii: bool) -> String {
    let total = format_rub(total, ascii);
    let count = super::group_digits(count);
    match lang {
        Lang::Ru => format!("Итого по фильтру: {count} устр. · {total}"),
        Lang::En => format!("Filter total: {count} devices · {total}"),
    }
}

/// «Отмечаю все подходящие…».
pub fn marking_all(lang: Lang, count: u64) -> String {
    match lang {
        Lang::Ru => format!("Отмечаю все подходящие ({count})…"),
        Lang::En => format!("Marking every matching device ({count})…"),
    }
}

pub fn too_many(lang: Lang, count: usize, max: usize) -> String {
    match lang {
        Lang::Ru => {
            format!("Отмечено {count}, а в одну проверку входит не больше {max}: сузьте фильтр.")
        }
        Lang::En => {
            format!("{count} are marked; one precheck takes at most {max}: narrow the filter.")
        }
    }
}

/// End before the filters' count is in (or from a portal without page numbers): the
/// last row read instead of the last page.
pub const LAST_PAGE_UNKNOWN: Tr = Tr::new(
    "Сколько всего страниц, ещё не известно: курсор на последней строке этой страницы. Дальше — → (PgDn).",
    "How many pages there are is not known yet: the cursor is on this page's last row. Step on with → (PgDn).",
);

/// End when the last page starts deeper than page numbers reach (`GET /devices` opens
/// pages by number only within the first 10 000 rows, and not from the end).
pub fn last_page_beyond_reach(lang: Lang, pages: usize) -> String {
    let depth = super::group_digits(crate::client::devices::DEVICES_PAGE_DEPTH);
    match lang {
        Lang::Ru => format!(
            "Последняя стр. {pages} дальше первых {depth} строк — по номеру её не открыть: курсор на последней строке этой страницы; дальше — → (PgDn) или сузьте фильтры"
        ),
        Lang::En => format!(
            "Last page {pages} lies past the first {depth} rows, beyond page numbers: the cursor is on this page's last row; step on with → (PgDn), or narrow the filters"
        ),
    }
}
