//! The history overlay (audit log of one object).

use super::Tr;
use crate::domain::Lang;

pub const EMPTY: Tr = Tr::new("Изменений не было", "No changes recorded");
pub const CLOSE: Tr = Tr::new("Esc — закрыть", "Esc closes");

/// «История: seat:17».
pub fn title(lang: Lang, object: &str) -> String {
    match lang {
        Lang::Ru => format!("История: {object}"),
        Lang::En => format!("History: {object}"),
    }
}

/// The action in words; an unknown one as it came.
pub fn action(lang: Lang, action: &str) -> String {
    let tr = match action {
        "activation.created" => Tr::new("активация создана", "activation created"),
        "activation.completed" => Tr::new("активация выполнена", "activation completed"),
        "activation.failed" => Tr::new("ошибка активации", "activation failed"),
        "activation.retried" => Tr::new("запрос повторён", "activation retried"),
        "seat.bound" => Tr::new("место привязано", "seat bound"),
        "seat.unbound" => Tr::new("место отвязано", "seat unbound"),
        "emergency.requested" => Tr::new(
            "запрошена экстренная лицензия",
            "emergency license requested",
        ),
        "key.activated" => Tr::new("ключ активирован", "key activated"),
        "offer.accepted" => Tr::new("оферта принята", "offer accepted"),
        other => return other.to_string(),
    };
    tr.get(lang).to_string()
}
