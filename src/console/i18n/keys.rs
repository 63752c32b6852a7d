//! The keys & offline screen: key activation, request files, importing responses.

use super::Tr;
use crate::console::screens::keys::Field;
use crate::domain::offline::OfflineError;
use crate::domain::signing::KeyRingError;
use crate::domain::{Lang, ProductKeyError, TaxIdError};

pub const SECTION_ONLINE: Tr = Tr::new("Через Интернет", "Online");
pub const SECTION_REQUEST: Tr = Tr::new("Файловый запрос", "Request file");
pub const SECTION_IMPORT: Tr = Tr::new("Активация из файла", "Activation from a file");
pub const ONLINE_ACTION: Tr = Tr::new(
    "Enter — Установить автоматически через Интернет",
    "Enter — Install automatically over the Internet",
);
pub const REQUEST_ACTION: Tr = Tr::new(
    "Enter — Создать файловый запрос… (в папку загрузок), Ctrl+Y — копировать",
    "Enter — Create a request file… (downloads folder), Ctrl+Y copies",
);
pub const IMPORT_ACTION: Tr = Tr::new(
    "Enter — Установить · Ctrl+O — ответ из файла · Ctrl+R — запрос из файла",
    "Enter — Install · Ctrl+O response file · Ctrl+R request file",
);
pub const RESPONSE_TITLE: Tr = Tr::new("Ответ портала", "The portal's response");
pub const RESPONSE_PLACEHOLDER: Tr = Tr::new(
    "Вставьте текст ответа портала (файл ответа с машины, где есть связь)",
    "Paste the response text (LICADM ACTIVATION RESPONSE 1 …)",
);
pub const FILE_LABEL: Tr = Tr::new("Файл:", "File:");
pub const NO_LICENSE_YET: Tr = Tr::new(
    "Лицензии ещё нет: сначала Enter — установить через Интернет",
    "No license yet: press Enter to install over the Internet first",
);
pub const NO_REQUEST_YET: Tr = Tr::new(
    "Запроса ещё нет: Enter — создать файловый запрос",
    "No request yet: press Enter to write one",
);
pub const NO_REQUEST: Tr = Tr::new(
    "Нет запроса, на который отвечает ответ: создайте его (F3) или загрузите файл запроса (Ctrl+R)",
    "No request to match the response: write one (F3) or load a request file (Ctrl+R)",
);
pub const NO_RESPONSE: Tr = Tr::new(
    "Вставьте текст ответа или прочитайте его из файла (Ctrl+O)",
    "Paste the response text or read it from a file (Ctrl+O)",
);
pub const PATH_NEEDED: Tr = Tr::new("Укажите путь к файлу", "Type the file's path");
pub const REQUIRED: Tr = Tr::new("обязательное поле", "required");
pub const KPP_REQUIRED: Tr = Tr::new(
    "для юрлица (ИНН из 10 цифр) КПП обязателен",
    "required for a legal entity (10-digit INN)",
);
pub const ACTION_ACTIVATE: Tr = Tr::new("активировать ключи", "activate keys");
pub const BAD_PORTAL_KEY: Tr = Tr::new(
    "Открытый ключ портала не читается",
    "The portal's public key is unreadable",
);
pub const PENDING_REQUEST: Tr = Tr::new("Запрос:", "Request:");
pub const REQUEST_NONE: Tr = Tr::new(
    "не выбран — F3 создать, Ctrl+R загрузить из файла",
    "none — F3 writes one, Ctrl+R loads a file",
);

pub fn field_label(lang: Lang, field: Field) -> &'static str {
    match field {
        Field::Key => Tr::new("Ключ продукта", "Product key"),
        Field::Inn => Tr::new("ИНН", "INN"),
        Field::Kpp => Tr::new("КПП", "KPP"),
        Field::Serial => Tr::new("Серийный номер установки", "Installation serial"),
        Field::Hash => Tr::new("Хэш установки", "Installation hash"),
        Field::File => Tr::new("Файл установки", "Installation file"),
    }
    .get(lang)
}

pub fn key_error(lang: Lang, error: &ProductKeyError) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        ProductKeyError::Empty => "ключ не указан".into(),
        ProductKeyError::NotHex { ch, position } => {
            format!("символ «{ch}» в позиции {position} — не шестнадцатеричная цифра (0-9, A-F)")
        }
        ProductKeyError::WrongLength(n) => format!("в ключе 24 цифры, здесь {n}"),
        ProductKeyError::MisplacedDash => {
            "дефисы разделяют группы по 4 цифры: XXXX-XXXX-XXXX-XXXX-XXXX-XXXX".into()
        }
    }
}

pub fn tax_error(lang: Lang, error: &TaxIdError) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        TaxIdError::NotDigits { kind } => format!("{} — только цифры", ru_kind(kind)),
        TaxIdError::WrongLength { kind, got, .. } if *kind == "INN" => {
            format!("в ИНН 10 цифр (юрлицо) или 12 (ИП), здесь {got}")
        }
        TaxIdError::WrongLength {
            kind,
            expected,
            got,
        } => {
            format!("{}: нужно цифр {expected}, здесь {got}", ru_kind(kind))
        }
        TaxIdError::CheckDigit { kind } => {
            format!(
                "{}: не сходится контрольная цифра — номер набран с ошибкой",
                ru_kind(kind)
            )
        }
        TaxIdError::KppFormat => {
            "КПП — 9 знаков: 4 цифры, 2 цифры или заглавные буквы A-Z, 3 цифры".into()
        }
    }
}

fn ru_kind(kind: &str) -> &str {
    match kind {
        "INN" => "ИНН",
        "KPP" => "КПП",
        "OGRN" => "ОГРН",
        other => other,
    }
}

/// Why a request, response or installation file was refused.
pub fn offline_error(lang: Lang, error: &OfflineError) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        OfflineError::WrongKind(_) => {
            "это не текст licadm нужного вида (неверная первая строка)".into()
        }
        OfflineError::Damaged(why) => format!("текст обрезан или повреждён: {why}"),
        OfflineError::Malformed { line, reason } => format!("строка {line}: {reason}"),
        OfflineError::SignatureMismatch => {
            "подпись ответа не сходится: его изменили или выдал не этот портал".into()
        }
        OfflineError::OtherRequest { expected, got } => {
            format!("ответ на другой запрос (его проверка {got} ≠ {expected} у этого запроса)")
        }
        OfflineError::OtherInstallation { expected, got } => {
            format!("ответ для другой установки: {got}, а эта — {expected}")
        }
        OfflineError::Key(KeyRingError::UnknownKey(id)) => format!(
            "ответ подписан ключом {id}, которого нет среди известных открытых ключей \
             (GET /api/v1/signing-key перечисляет все ключи портала)"
        ),
        OfflineError::Key(other) => format!("открытый ключ непригоден: {other}"),
    }
}

/// «Лицензия получена: Orange[uc]e, мест: 20».
pub fn activated(lang: Lang, product: &str, seats: u32) -> String {
    match lang {
        Lang::Ru => format!("Лицензия получена: {product}, мест: {seats}"),
        Lang::En => format!("License received: {product}, seats: {seats}"),
    }
}

/// «Лицензия установлена: Orange[uc]e, мест: 20».
pub fn installed(lang: Lang, product: &str, seats: u32) -> String {
    match lang {
        Lang::Ru => format!("Лицензия установлена: {product}, мест: {seats}"),
        Lang::En => format!("License installed: {product}, seats: {seats}"),
    }
}

pub fn license_line(lang: Lang, product: &str, seats: u32, serial: &str, org: &str) -> String {
    match lang {
        Lang::Ru => format!("{product} · мест: {seats} · установка {serial} · {org}"),
        Lang::En => format!("{product} · seats: {seats} · installation {serial} · {org}"),
    }
}

pub const SAVE_HINT: Tr = Tr::new(
    "Ctrl+L — сохранить лицензию в папку загрузок",
    "Ctrl+L saves the license to the downloads folder",
);

pub fn request_summary(lang: Lang, key: &str, serial: &str) -> String {
    match lang {
        Lang::Ru => format!("ключ {key}, установка {serial}"),
        Lang::En => format!("key {key}, installation {serial}"),
    }
}

pub fn written_to(lang: Lang, path: &std::path::Path) -> String {
    match lang {
        Lang::Ru => format!("Запрос записан: {}", path.display()),
        Lang::En => format!("Request written: {}", path.display()),
    }
}
