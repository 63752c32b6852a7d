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

/// The object in words: «активация № 421», «место 17»; an unknown kind as it came.
pub fn object(lang: Lang, object: &str) -> String {
    let Some((kind, id)) = object.split_once(':') else {
        return object.to_string();
    };
    let (ru, en) = match kind {
        "activation" => ("активация №", "activation No."),
        "seat" => ("место", "seat"),
        "organization" => ("организация", "organization"),
        "key" => ("ключ", "key"),
        _ => return object.to_string(),
    };
    match lang {
        Lang::Ru => format!("{ru} {id}"),
        Lang::En => format!("{en} {id}"),
    }
}

/// A field of an audited object's before/after state; an unknown one as it came.
pub fn field(lang: Lang, key: &str) -> String {
    let tr = match key {
        "status" => Tr::new("статус", "status"),
        "email" => Tr::new("e-mail", "e-mail"),
        "error" => Tr::new("ошибка", "error"),
        "completed_at" => Tr::new("выполнена", "completed"),
        "created_at" => Tr::new("создана", "created"),
        "license_count" => Tr::new("лицензий", "licenses"),
        "total_cost" => Tr::new("стоимость", "cost"),
        "offer_accepted_at" => Tr::new("оферта принята", "offer accepted"),
        "offer_accepted_by" => Tr::new("кем принята", "accepted by"),
        "activation_blocked" => Tr::new("активация заблокирована", "activation blocked"),
        "valid_from" => Tr::new("действует с", "valid from"),
        "valid_until" => Tr::new("действует до", "valid until"),
        "product" => Tr::new("продукт", "product"),
        "accounts" => Tr::new("учётных записей", "accounts"),
        "key" => Tr::new("ключ", "key"),
        "seats" => Tr::new("мест", "seats"),
        "installation" => Tr::new("установка", "installation"),
        "issued_at" => Tr::new("выдан", "issued"),
        "channel" => Tr::new("способ", "channel"),
        _ => return key.to_string(),
    };
    tr.get(lang).to_string()
}

pub const YES: Tr = Tr::new("да", "yes");
pub const NO: Tr = Tr::new("нет", "no");
