//! The key form shared by online activation and the request file: key, INN, KPP and the
//! installation (serial and hash, or the installation file), each checked as typed.

use crate::console::i18n::keys as tr;
use crate::domain::offline::InstallationId;
use crate::domain::{Inn, Kpp, Lang, ProductKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    #[default]
    Key,
    Inn,
    Kpp,
    Serial,
    Hash,
    File,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Key,
        Field::Inn,
        Field::Kpp,
        Field::Serial,
        Field::Hash,
        Field::File,
    ];

    pub fn next(self) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Field::ALL[(i + 1) % Field::ALL.len()]
    }

    pub fn prev(self) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Field::ALL[(i + Field::ALL.len() - 1) % Field::ALL.len()]
    }
}

/// The live check of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldCheck {
    /// Nothing typed (and nothing needed yet).
    Empty,
    Ok,
    Problem(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    pub key: String,
    pub inn: String,
    pub kpp: String,
    pub serial: String,
    pub hash: String,
    /// Path of an installation file (`serial: …` / `hash: …`).
    pub file: String,
    pub focus: Field,
}

/// A form that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub key: ProductKey,
    pub inn: String,
    pub kpp: String,
    pub installation: InstallationId,
}

impl Form {
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Key => &self.key,
            Field::Inn => &self.inn,
            Field::Kpp => &self.kpp,
            Field::Serial => &self.serial,
            Field::Hash => &self.hash,
            Field::File => &self.file,
        }
    }

    pub fn value_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Key => &mut self.key,
            Field::Inn => &mut self.inn,
            Field::Kpp => &mut self.kpp,
            Field::Serial => &mut self.serial,
            Field::Hash => &mut self.hash,
            Field::File => &mut self.file,
        }
    }

    /// An individual entrepreneur's INN (12 digits) needs no KPP.
    fn kpp_optional(&self) -> bool {
        Inn::parse(&self.inn).is_ok_and(|inn| !inn.is_legal_entity())
    }

    pub fn check(&self, field: Field, lang: Lang) -> FieldCheck {
        let value = self.value(field).trim();
        match field {
            Field::Key if value.is_empty() => FieldCheck::Empty,
            Field::Key => match ProductKey::parse(value) {
                Ok(_) => FieldCheck::Ok,
                Err(e) => FieldCheck::Problem(tr::key_error(lang, &e)),
            },
            Field::Inn if value.is_empty() => FieldCheck::Empty,
            Field::Inn => match Inn::parse(value) {
                Ok(_) => FieldCheck::Ok,
                Err(e) => FieldCheck::Problem(tr::tax_error(lang, &e)),
            },
            Field::Kpp if value.is_empty() => {
                if self.kpp_optional() {
                    FieldCheck::Ok
                } else {
                    FieldCheck::Empty
                }
            }
            Field::Kpp => match Kpp::parse(value) {
                Ok(_) => FieldCheck::Ok,
                Err(e) => FieldCheck::Problem(tr::tax_error(lang, &e)),
            },
            Field::Serial | Field::Hash | Field::File if value.is_empty() => FieldCheck::Empty,
            Field::Serial | Field::Hash | Field::File => FieldCheck::Ok,
        }
    }

    /// Every field right, or the first problem («ИНН: …»).
    pub fn validated(&self, lang: Lang) -> Result<Valid, String> {
        for field in [
            Field::Key,
            Field::Inn,
            Field::Kpp,
            Field::Serial,
            Field::Hash,
        ] {
            match self.check(field, lang) {
                FieldCheck::Ok => {}
                FieldCheck::Empty if field == Field::Kpp => {
                    return Err(format!(
                        "{}: {}",
                        tr::field_label(lang, field),
                        tr::KPP_REQUIRED.get(lang)
                    ));
                }
                FieldCheck::Empty => {
                    return Err(format!(
                        "{}: {}",
                        tr::field_label(lang, field),
                        tr::REQUIRED.get(lang)
                    ));
                }
                FieldCheck::Problem(p) => {
                    return Err(format!("{}: {p}", tr::field_label(lang, field)));
                }
            }
        }
        let key = ProductKey::parse(self.key.trim()).map_err(|e| tr::key_error(lang, &e))?;
        Ok(Valid {
            key,
            inn: self.inn.trim().to_string(),
            kpp: self.kpp.trim().to_string(),
            installation: InstallationId {
                serial: self.serial.trim().to_string(),
                hash: self.hash.trim().to_string(),
            },
        })
    }
}
