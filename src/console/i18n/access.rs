//! The Access screen's texts.

use super::Tr;
use crate::domain::Lang;

pub const SHORT: Tr = Tr::new("Доступ", "Access");
pub const TITLE: Tr = Tr::new("Доступ: токены", "Access: tokens");
pub const LOADING: Tr = Tr::new("Загрузка токенов…", "Loading tokens…");
pub const EMPTY: Tr = Tr::new("Токенов нет.", "No tokens.");
pub const ONLY_MANAGERS: Tr = Tr::new(
    "Экран «Доступ» — для администраторов и операторов; свои токены: licadm tokens list.",
    "The Access screen is for admins and operators; your own tokens: licadm tokens list.",
);
pub const ACTION_MANAGE: Tr = Tr::new("управлять доступом", "manage access");
pub const COLUMNS: [Tr; 8] = [
    Tr::new("Метка", "Label"),
    Tr::new("Учётная запись", "Account"),
    Tr::new("Роль", "Role"),
    Tr::new("Организации", "Organizations"),
    Tr::new("Действует до", "Expires"),
    Tr::new("Использован", "Last used"),
    Tr::new("Отозван", "Revoked"),
    Tr::new("№", "ID"),
];
pub const NEVER: Tr = Tr::new("бессрочно", "never");
pub const CURRENT: Tr = Tr::new("(этот)", "(this one)");
pub const REVOKE_TITLE: Tr = Tr::new("Отозвать токен", "Revoke the token");
pub const REVOKE_BUTTON: Tr = Tr::new("Отозвать", "Revoke");
pub const ALREADY_REVOKED: Tr = Tr::new("Токен уже отозван.", "The token is revoked already.");

pub fn revoke_question(lang: Lang, label: &str, account: &str, current: bool) -> Vec<String> {
    let mut lines = vec![match lang {
        Lang::Ru => format!("Отозвать токен «{label}» ({account})?"),
        Lang::En => format!("Revoke the token “{label}” ({account})?"),
    }];
    lines.push(
        match lang {
            Lang::Ru => "Запросы с ним будут отклонены в течение секунды.",
            Lang::En => "Requests with it are refused within a second.",
        }
        .to_string(),
    );
    if current {
        lines.push(
            match lang {
                Lang::Ru => "Это токен этой консоли: после отзыва войдите снова (licadm login).",
                Lang::En => "It is this console's token: log in again afterwards (licadm login).",
            }
            .to_string(),
        );
    }
    lines
}

pub fn revoked(lang: Lang, label: &str) -> String {
    match lang {
        Lang::Ru => format!("Токен «{label}» отозван"),
        Lang::En => format!("Token “{label}” revoked"),
    }
}
