//! The Activity screen's texts («Журнал» / "Activity", issue 16).

use super::Tr;
use crate::domain::Lang;

pub const SHORT: Tr = Tr::new("Журнал", "Activity");
pub const TITLE: Tr = Tr::new("Журнал изменений", "Activity log");
pub const LOADING: Tr = Tr::new("Загрузка журнала…", "Loading the log…");
pub const EMPTY: Tr = Tr::new(
    "Нет изменений с такими фильтрами.",
    "No changes match these filters.",
);
pub const COLUMNS: [Tr; 5] = [
    Tr::new("Когда", "When"),
    Tr::new("Кто", "Who"),
    Tr::new("Действие", "Action"),
    Tr::new("Объект", "Object"),
    Tr::new("Организация", "Organization"),
];
pub const FILTER_ACTION: Tr = Tr::new("Действие", "Action");
pub const FILTER_KIND: Tr = Tr::new("Вид объекта", "Object kind");
pub const FILTER_PERIOD: Tr = Tr::new("Период", "Period");
pub const FILTER_ACTOR: Tr = Tr::new("Кто", "Who");
pub const ANY: Tr = Tr::new("все", "any");
pub const REQUEST: Tr = Tr::new("запрос", "request");
pub const NO_REQUEST: Tr = Tr::new("без запроса", "no request");
pub const BEFORE: Tr = Tr::new("было", "before");
pub const AFTER: Tr = Tr::new("стало", "after");
pub const NO_CHANGES: Tr = Tr::new("(поля не изменились)", "(no field changed)");
pub const NO_REQUEST_TO_COPY: Tr = Tr::new(
    "У этого изменения нет запроса (его сделал обработчик или оно старше журнала запросов).",
    "This change has no request (the worker made it, or it predates request ids).",
);

pub fn copied(lang: Lang, id: &str) -> String {
    match lang {
        Lang::Ru => format!("Номер запроса {id} скопирован."),
        Lang::En => format!("Request id {id} copied."),
    }
}

/// «стр. 2 · ещё есть» — pages have no total (the log is read by cursor).
pub fn page_line(lang: Lang, page: usize, more: bool) -> String {
    match (lang, more) {
        (Lang::Ru, true) => format!("Стр. {page} · дальше ещё (→)"),
        (Lang::Ru, false) => format!("Стр. {page} · последняя"),
        (Lang::En, true) => format!("Page {page} · more (→)"),
        (Lang::En, false) => format!("Page {page} · last"),
    }
}

pub fn period(lang: Lang, days: u32) -> String {
    match (lang, days) {
        (Lang::Ru, 1) => "сегодня".into(),
        (Lang::En, 1) => "today".into(),
        (Lang::Ru, n) => format!("{n} дней"),
        (Lang::En, n) => format!("{n} days"),
    }
}

/// An action in words (the API's name stays visible in the detail pane).
pub fn action(lang: Lang, action: &str) -> String {
    let (ru, en) = match action {
        "activation.created" => ("активация создана", "activation created"),
        "activation.completed" => ("активация выполнена", "activation completed"),
        "activation.failed" => ("активация с ошибкой", "activation failed"),
        "activation.retried" => ("активация повторена", "activation retried"),
        "offer.accepted" => ("оферта принята", "offer accepted"),
        "seat.bound" => ("место привязано", "seat bound"),
        "seat.unbound" => ("место освобождено", "seat unbound"),
        "emergency.requested" => ("экстренная лицензия", "emergency license"),
        "purchase.recorded" => ("покупка", "purchase"),
        "key.activated" => ("ключ активирован", "key activated"),
        "organization.blocked" => ("организация заблокирована", "organization blocked"),
        "organization.unblocked" => ("организация разблокирована", "organization unblocked"),
        // issue 15: accounts and tokens
        "account.created" => ("учётная запись создана", "account created"),
        "account.invited" => ("приглашение", "account invited"),
        "account.invitation_accepted" => ("приглашение принято", "invitation accepted"),
        "account.disabled" => ("учётная запись отключена", "account disabled"),
        "account.password_changed" => ("пароль изменён", "password changed"),
        "account.password_reset" => ("код сброса пароля", "password reset code"),
        "token.created" => ("новый токен", "new token"),
        "token.revoked" => ("токен отозван", "token revoked"),
        "invoice.issued" => ("счёт выставлен", "invoice issued"),
        "invoice.overdue" => ("счёт просрочен", "invoice overdue"),
        "invoice.paid" => ("счёт оплачен", "invoice paid"),
        other => (other, other),
    };
    match lang {
        Lang::Ru => ru.to_string(),
        Lang::En => en.to_string(),
    }
}

pub fn kind(lang: Lang, kind: &str) -> String {
    let (ru, en) = match kind {
        "activation" => ("активация", "activation"),
        "seat" => ("место", "seat"),
        "organization" => ("организация", "organization"),
        "key" => ("ключ", "key"),
        "account" => ("учётная запись", "account"),
        "token" => ("токен", "token"),
        "invoice" => ("счёт", "invoice"),
        other => (other, other),
    };
    match lang {
        Lang::Ru => ru.to_string(),
        Lang::En => en.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::events::{ACTIONS, OBJECT_KINDS};

    #[test]
    fn every_action_and_kind_the_log_records_has_words() {
        for name in ACTIONS {
            assert_ne!(action(Lang::Ru, name), name, "{name} has no Russian words");
        }
        for name in OBJECT_KINDS {
            assert_ne!(kind(Lang::Ru, name), name, "{name} has no Russian words");
        }
    }
}
