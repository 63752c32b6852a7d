//! The Webhooks screen's texts (issue 17).

use super::Tr;
use crate::client::webhooks::DeliveryStatus;
use crate::domain::Lang;

pub const SHORT: Tr = Tr::new("Вебхуки", "Webhooks");
pub const TITLE: Tr = Tr::new(
    "Вебхуки: адреса и доставки",
    "Webhooks: endpoints and deliveries",
);
pub const LOADING: Tr = Tr::new("Загрузка вебхуков…", "Loading webhooks…");
pub const EMPTY: Tr = Tr::new(
    "Адресов нет: a — добавить (или licadm webhooks add).",
    "No endpoints: a adds one (or licadm webhooks add).",
);
pub const NO_DELIVERIES: Tr = Tr::new("Доставок пока нет.", "No deliveries yet.");
pub const ONLY_MANAGERS: Tr = Tr::new(
    "Экран «Вебхуки» — для администраторов и операторов.",
    "The Webhooks screen is for admins and operators.",
);
pub const ACTION_MANAGE: Tr = Tr::new("управлять вебхуками", "manage webhooks");
pub const ENDPOINT_COLUMNS: [Tr; 5] = [
    Tr::new("№", "ID"),
    Tr::new("Адрес", "URL"),
    Tr::new("События", "Events"),
    Tr::new("Ждут", "Pending"),
    Tr::new("Сбой", "Failed"),
];
pub const DELIVERY_COLUMNS: [Tr; 6] = [
    Tr::new("№", "ID"),
    Tr::new("Событие", "Event"),
    Tr::new("Объект", "Object"),
    Tr::new("Статус", "Status"),
    Tr::new("Попыток", "Tries"),
    Tr::new("Ответ / ошибка", "Answer / error"),
];
pub const DELIVERIES_OF: Tr = Tr::new("Доставки адреса № ", "Deliveries of endpoint ");
pub const REMOVE_TITLE: Tr = Tr::new("Удалить адрес", "Remove the endpoint");
pub const REMOVE_BUTTON: Tr = Tr::new("Удалить", "Remove");
pub const REDELIVER_TITLE: Tr = Tr::new("Доставить снова", "Deliver again");
pub const REDELIVER_BUTTON: Tr = Tr::new("Доставить", "Deliver");
pub const STILL_PENDING: Tr = Tr::new(
    "Доставка ещё в очереди: она повторится сама.",
    "The delivery is still queued: it is retried by itself.",
);
pub const ADD_TITLE: Tr = Tr::new("Новый адрес вебхука", "New webhook endpoint");
pub const ADD_LABEL: Tr = Tr::new("URL (https://…):", "URL (https://…):");
pub const ADD_KEYS: Tr = Tr::new(
    "Enter — добавить (все события) · Esc — отмена",
    "Enter adds it (every event) · Esc cancels",
);
pub const SEVERAL_ORGANIZATIONS: Tr = Tr::new(
    "У токена несколько организаций: добавьте адрес командой licadm webhooks add --organization N.",
    "The token has several organizations: add the endpoint with licadm webhooks add --organization N.",
);
pub const SECRET_TITLE: Tr = Tr::new("Секрет вебхука", "Webhook secret");

pub fn status(lang: Lang, status: DeliveryStatus) -> &'static str {
    match (status, lang) {
        (DeliveryStatus::Pending, Lang::Ru) => "В очереди",
        (DeliveryStatus::Pending, Lang::En) => "Queued",
        (DeliveryStatus::Delivered, Lang::Ru) => "Доставлено",
        (DeliveryStatus::Delivered, Lang::En) => "Delivered",
        (DeliveryStatus::Failed, Lang::Ru) => "Не доставлено",
        (DeliveryStatus::Failed, Lang::En) => "Failed",
    }
}

pub fn remove_question(lang: Lang, id: i64, url: &str, pending: u64) -> Vec<String> {
    let mut lines = vec![match lang {
        Lang::Ru => format!("Удалить адрес № {id} ({url})?"),
        Lang::En => format!("Remove endpoint {id} ({url})?"),
    }];
    if pending > 0 {
        lines.push(match lang {
            Lang::Ru => format!("{pending} доставок в очереди не будут отправлены."),
            Lang::En => format!("{pending} queued deliveries will not be sent."),
        });
    }
    lines
}

pub fn redeliver_question(lang: Lang, id: i64, event: &str, object: &str) -> Vec<String> {
    vec![
        match lang {
            Lang::Ru => format!("Отправить доставку № {id} ({event}, {object}) ещё раз?"),
            Lang::En => format!("Send delivery {id} ({event}, {object}) again?"),
        },
        match lang {
            Lang::Ru => "Получатель получит то же событие с тем же id.",
            Lang::En => "The receiver gets the same event with the same id.",
        }
        .to_string(),
    ]
}

pub fn removed(lang: Lang, id: i64) -> String {
    match lang {
        Lang::Ru => format!("Адрес № {id} удалён"),
        Lang::En => format!("Endpoint {id} removed"),
    }
}

pub fn redelivered(lang: Lang, id: i64, new_id: i64) -> String {
    match lang {
        Lang::Ru => format!("Доставка № {id} поставлена в очередь снова (№ {new_id})"),
        Lang::En => format!("Delivery {id} queued again (as {new_id})"),
    }
}

pub fn secret_text(lang: Lang, id: i64, secret: &str) -> String {
    match lang {
        Lang::Ru => format!(
            "Адрес № {id} добавлен. Секрет для проверки подписи X-Licadm-Signature показан один раз — сохраните его:\n{secret}"
        ),
        Lang::En => format!(
            "Endpoint {id} added. The secret that verifies X-Licadm-Signature is shown this once — keep it:\n{secret}"
        ),
    }
}
