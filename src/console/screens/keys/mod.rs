//! «Ключи и офлайн-активация»: activate a product key online; write an activation request
//! for an air-gapped server; import the signed response (pasted or from a file), checked
//! with the portal's public key.
//!
//! The form (`form`) is shared by the first two sections; the drawing is in `view`.

mod form;
mod view;

pub use form::{Field, FieldCheck, Form};
pub use view::{ViewContext, view};

use super::{Ctx, Reply, Tab, error_text};
use crate::client::wire::{Installation, KeyActivationRequest, ServerLicense, SigningKeyInfo};
use crate::console::app::{Command, ReadPurpose, SaveError};
use crate::console::data::DataError;
use crate::console::i18n::{self, Tr, keys as tr};
use crate::console::keymap::Key::{BackTab, Ctrl, Down, Enter, Esc, F, Tab as TabKey, Up};
use crate::console::keymap::{Binding, bind};
use crate::console::paths::{self, PathEdit};
use crate::console::theme::Theme;
use crate::console::widgets::text_box::TextBox;
use crate::domain::Lang;
use crate::domain::offline::{ActivationRequest, ActivationResponse, parse_installation};
use crate::domain::signing::KeyRing;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Online,
    Request,
    Import,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysAction {
    Online,
    Request,
    Import,
    NextField,
    PrevField,
    Submit,
    ReadFile,
    ReadRequest,
    SaveLicense,
    WriteRequest,
    Copy,
    Help,
    Back,
}

const ONLINE: Binding<KeysAction> = bind(
    "keys.online",
    &[F(2)],
    KeysAction::Online,
    Tr::new("раздел «Через Интернет»", "section: online"),
    Some(Tr::new("онлайн", "online")),
);
const REQUEST: Binding<KeysAction> = bind(
    "keys.request",
    &[F(3)],
    KeysAction::Request,
    Tr::new("раздел «Файловый запрос»", "section: request file"),
    Some(Tr::new("запрос", "request")),
);
const IMPORT: Binding<KeysAction> = bind(
    "keys.import",
    &[F(4)],
    KeysAction::Import,
    Tr::new("раздел «Активация из файла»", "section: import a response"),
    Some(Tr::new("импорт", "import")),
);
const NEXT: Binding<KeysAction> = bind(
    "keys.next_field",
    &[TabKey, Down],
    KeysAction::NextField,
    Tr::new(
        "следующее поле (Tab в поле пути с текстом дополняет путь)",
        "next field (Tab in a path with text completes it)",
    ),
    None,
);
const PREV: Binding<KeysAction> = bind(
    "keys.prev_field",
    &[BackTab, Up],
    KeysAction::PrevField,
    Tr::new("предыдущее поле", "previous field"),
    None,
);
const HELP: Binding<KeysAction> = bind(
    "keys.help",
    &[F(1)],
    KeysAction::Help,
    Tr::new("справка", "help"),
    None,
);
const BACK: Binding<KeysAction> = bind(
    "keys.back",
    &[Esc],
    KeysAction::Back,
    Tr::new(
        "назад к активациям (введённое сохраняется)",
        "back to the activations (input is kept)",
    ),
    Some(Tr::new("назад", "back")),
);

/// Fields take typed text, so the actions are Enter, Ctrl chords and F keys.
#[rustfmt::skip]
pub const ONLINE_BINDINGS: &[Binding<KeysAction>] = &[
    bind("keys.install", &[Enter], KeysAction::Submit, Tr::new("установить автоматически через Интернет", "install automatically over the Internet"), Some(Tr::new("установить", "install"))),
    bind("keys.read_installation", &[Ctrl('o')], KeysAction::ReadFile, Tr::new("прочитать серийный номер и хэш из файла установки (путь в поле «Файл установки»)", "read serial and hash from the installation file (path in its field)"), Some(Tr::new("файл установки", "install file"))),
    bind("keys.save_license", &[Ctrl('l')], KeysAction::SaveLicense, Tr::new("сохранить полученную лицензию в папку загрузок", "save the license to the downloads folder"), Some(Tr::new("сохранить", "save"))),
    NEXT, PREV, ONLINE, REQUEST, IMPORT, HELP, BACK,
];

#[rustfmt::skip]
pub const REQUEST_BINDINGS: &[Binding<KeysAction>] = &[
    bind("keys.write_request", &[Enter, Ctrl('w')], KeysAction::WriteRequest, Tr::new("создать файловый запрос (в папку загрузок) и показать его", "write the request file (downloads folder) and show it"), Some(Tr::new("создать запрос", "write request"))),
    bind("keys.copy_request", &[Ctrl('y')], KeysAction::Copy, Tr::new("скопировать текст запроса в буфер обмена", "copy the request text (OSC 52)"), Some(Tr::new("копировать", "copy"))),
    bind("keys.read_installation", &[Ctrl('o')], KeysAction::ReadFile, Tr::new("прочитать серийный номер и хэш из файла установки", "read serial and hash from the installation file"), None),
    NEXT, PREV, ONLINE, REQUEST, IMPORT, HELP, BACK,
];

#[rustfmt::skip]
pub const IMPORT_BINDINGS: &[Binding<KeysAction>] = &[
    bind("keys.import_install", &[Enter, F(5)], KeysAction::Submit, Tr::new("установить: проверить подпись ответа и сохранить лицензию", "install: check the response's signature and save the license"), Some(Tr::new("установить", "install"))),
    bind("keys.read_response", &[Ctrl('o')], KeysAction::ReadFile, Tr::new("прочитать ответ из файла (путь в поле «Файл»)", "read the response from a file (path in the File field)"), Some(Tr::new("файл ответа", "response file"))),
    bind("keys.read_request", &[Ctrl('r')], KeysAction::ReadRequest, Tr::new("загрузить запрос из файла (путь в поле «Файл»)", "load the request from a file (path in the File field)"), Some(Tr::new("файл запроса", "request file"))),
    bind("keys.switch_field", &[TabKey, BackTab], KeysAction::NextField, Tr::new("ответ / путь к файлу (Tab в пути с текстом дополняет путь)", "response / file path (Tab in a path with text completes it)"), None),
    ONLINE, REQUEST, IMPORT, HELP, BACK,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysPending {
    Activate,
    WriteRequest,
    ReadFile,
    SigningKey,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeysScreen {
    pub section: Section,
    pub form: Form,
    pub pending: Option<KeysPending>,
    /// Shown in the section: the last refusal or problem (inputs are kept).
    pub error: Option<String>,
    /// The online activation's answer.
    pub license: Option<ServerLicense>,
    /// The request written (or loaded) and where it was written.
    pub request: Option<ActivationRequest>,
    pub request_text: Option<String>,
    pub request_path: Option<PathBuf>,
    /// The response pasted or read from a file.
    pub response: TextBox,
    /// The import section's file path (response or request file).
    pub import_path: String,
    /// Typing goes into the path, not the response.
    pub path_focused: bool,
    /// The file the path field was focused for (Ctrl+O response, Ctrl+R request), so
    /// Enter in the path field reads that one.
    pub path_purpose: Option<ReadPurpose>,
    /// The portal's public key, fetched once.
    pub verifying_key: Option<KeyRing>,
    /// Verify as soon as the key arrives.
    pub verify_after_key: bool,
    /// The response verified and installed.
    pub installed: Option<ActivationResponse>,
}

impl KeysScreen {
    pub fn new(theme: &Theme, lang: Lang) -> KeysScreen {
        KeysScreen {
            section: Section::Online,
            form: Form::default(),
            pending: None,
            error: None,
            license: None,
            request: None,
            request_text: None,
            request_path: None,
            response: {
                let mut response = TextBox::new(
                    tr::RESPONSE_TITLE.get(lang),
                    tr::RESPONSE_PLACEHOLDER.get(lang),
                    theme,
                );
                // A signed response has long lines: wrapped, it is read whole and the
                // box never stays scrolled sideways.
                response.0.set_wrap_mode(ratatui_textarea::WrapMode::Glyph);
                response
            },
            import_path: String::new(),
            path_focused: false,
            path_purpose: None,
            verifying_key: None,
            verify_after_key: false,
            installed: None,
        }
    }

    pub fn bindings(&self) -> &'static [Binding<KeysAction>] {
        match self.section {
            Section::Online => ONLINE_BINDINGS,
            Section::Request => REQUEST_BINDINGS,
            Section::Import => IMPORT_BINDINGS,
        }
    }

    /// The focused field when it holds a path (installation, response or request file).
    fn path_field(&mut self) -> Option<&mut String> {
        match self.section {
            Section::Import if self.path_focused => Some(&mut self.import_path),
            Section::Import => None,
            _ if self.form.focus == Field::File => Some(&mut self.form.file),
            _ => None,
        }
    }

    /// Tab's completion arrived: the path field still holding `typed` takes it.
    pub fn path_completed(&mut self, typed: &str, completed: Option<&str>) -> bool {
        paths::accept_completion(&mut self.import_path, typed, completed)
            || paths::accept_completion(&mut self.form.file, typed, completed)
    }

    pub fn on_key(&mut self, event: &KeyEvent, ctx: &Ctx) -> Reply {
        // In a path field that has text, Tab completes it as in every other path field
        // (`paths::edit`); in an empty one it moves on, as declared in NEXT.
        if event.code == KeyCode::Tab
            && let Some(field) = self.path_field()
            && let PathEdit::Complete(command) = paths::edit(field, event)
        {
            return Reply::command(command);
        }
        let Some(action) = ctx.keymap.lookup(self.bindings(), event) else {
            self.type_key(event);
            return Reply::default();
        };
        let lang = ctx.lang;
        match action {
            KeysAction::Online => self.section = Section::Online,
            KeysAction::Request => self.section = Section::Request,
            KeysAction::Import => self.section = Section::Import,
            KeysAction::NextField if self.section == Section::Import => {
                self.path_focused = !self.path_focused
            }
            KeysAction::NextField => self.form.focus = self.form.focus.next(),
            KeysAction::PrevField => self.form.focus = self.form.focus.prev(),
            KeysAction::Help => {
                return Reply::help();
            }
            KeysAction::Back => {
                return Reply::tab(Tab::Activations);
            }
            KeysAction::Submit if self.section == Section::Online => return self.activate(ctx),
            KeysAction::Submit if self.section == Section::Import && self.path_focused => {
                let purpose = self.path_purpose.take().unwrap_or(ReadPurpose::Response);
                return self.read_path(purpose, lang);
            }
            KeysAction::Submit => return self.install(ctx),
            KeysAction::WriteRequest => return self.write_request(lang),
            KeysAction::ReadFile => return self.read_file(lang),
            KeysAction::ReadRequest => return self.read_path(ReadPurpose::Request, lang),
            KeysAction::SaveLicense => {
                return match &self.license {
                    Some(license) => Reply::command(Command::SaveText {
                        file_name: license_file_name(&license.installation.serial),
                        contents: license.license.clone(),
                    }),
                    None => Reply::error(tr::NO_LICENSE_YET.get(lang)),
                };
            }
            KeysAction::Copy => {
                return match &self.request_text {
                    Some(text) => Reply {
                        commands: vec![Command::CopyToClipboard(text.clone())],
                        notice: Some(i18n::COPIED.get(lang).to_string()),
                        ..Reply::default()
                    },
                    None => Reply::error(tr::NO_REQUEST_YET.get(lang)),
                };
            }
        }
        Reply::default()
    }

    /// A key that is not an action types into the focused field.
    fn type_key(&mut self, event: &KeyEvent) {
        let plain = !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let text: &mut String = match self.section {
            Section::Import if !self.path_focused => {
                self.response.0.input(*event);
                return;
            }
            Section::Import => &mut self.import_path,
            _ => self.form.value_mut(self.form.focus),
        };
        match event.code {
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if plain => text.push(c),
            _ => {}
        }
    }

    pub fn paste(&mut self, text: &str) {
        if self.section == Section::Import && !self.path_focused {
            self.response.paste(text);
            return;
        }
        let one_line: String = text.chars().filter(|c| !c.is_control()).collect();
        match self.section {
            Section::Import => self.import_path.push_str(one_line.trim()),
            _ => self
                .form
                .value_mut(self.form.focus)
                .push_str(one_line.trim()),
        }
    }

    fn activate(&mut self, ctx: &Ctx) -> Reply {
        if let Some(text) = ctx.denied(tr::ACTION_ACTIVATE) {
            return Reply::error(text);
        }
        if self.pending.is_some() {
            return Reply::default();
        }
        match self.form.validated(ctx.lang) {
            Err(problem) => {
                self.error = Some(problem);
                Reply::default()
            }
            Ok(valid) => {
                self.error = None;
                self.pending = Some(KeysPending::Activate);
                Reply::command(Command::ActivateKey(KeyActivationRequest {
                    key: valid.key.to_string(),
                    inn: valid.inn,
                    kpp: (!valid.kpp.is_empty()).then_some(valid.kpp),
                    installation: Installation {
                        serial: valid.installation.serial,
                        hash: valid.installation.hash,
                    },
                }))
            }
        }
    }

    fn write_request(&mut self, lang: Lang) -> Reply {
        if self.pending.is_some() {
            return Reply::default();
        }
        match self.form.validated(lang) {
            Err(problem) => {
                self.error = Some(problem);
                Reply::default()
            }
            Ok(valid) => {
                self.error = None;
                self.pending = Some(KeysPending::WriteRequest);
                Reply::command(Command::WriteActivationRequest {
                    key: valid.key,
                    inn: valid.inn,
                    kpp: valid.kpp,
                    installation: valid.installation,
                })
            }
        }
    }

    fn read_file(&mut self, lang: Lang) -> Reply {
        match self.section {
            Section::Import => self.read_path(ReadPurpose::Response, lang),
            _ => {
                let path = self.form.file.trim().to_string();
                if path.is_empty() {
                    self.form.focus = Field::File;
                    return Reply::error(tr::PATH_NEEDED.get(lang));
                }
                self.pending = Some(KeysPending::ReadFile);
                Reply::command(Command::ReadTextFile {
                    path: PathBuf::from(path),
                    purpose: ReadPurpose::Installation,
                })
            }
        }
    }

    fn read_path(&mut self, purpose: ReadPurpose, lang: Lang) -> Reply {
        let path = self.import_path.trim().to_string();
        if path.is_empty() {
            self.path_focused = true;
            self.path_purpose = Some(purpose);
            return Reply::error(tr::PATH_NEEDED.get(lang));
        }
        self.pending = Some(KeysPending::ReadFile);
        Reply::command(Command::ReadTextFile {
            path: PathBuf::from(path),
            purpose,
        })
    }

    /// Import: check the response against the pending request with the portal's key.
    fn install(&mut self, ctx: &Ctx) -> Reply {
        let lang = ctx.lang;
        if let Some(text) = ctx.denied(tr::ACTION_ACTIVATE) {
            return Reply::error(text);
        }
        if self.pending.is_some() {
            return Reply::default();
        }
        if self.request.is_none() {
            self.error = Some(tr::NO_REQUEST.get(lang).to_string());
            return Reply::default();
        }
        if self.response.text().trim().is_empty() {
            self.error = Some(tr::NO_RESPONSE.get(lang).to_string());
            return Reply::default();
        }
        if self.verifying_key.is_none() {
            self.pending = Some(KeysPending::SigningKey);
            self.verify_after_key = true;
            return Reply::command(Command::FetchSigningKey);
        }
        self.verify(lang)
    }

    fn verify(&mut self, lang: Lang) -> Reply {
        let (Some(key), Some(request)) = (self.verifying_key.as_ref(), self.request.as_ref())
        else {
            return Reply::default();
        };
        let text = self.response.text();
        match ActivationResponse::verify_with(&text, key, request) {
            Ok(response) => {
                self.error = None;
                let file_name = license_file_name(&response.installation.serial);
                let notice = tr::installed(lang, &response.product, response.seats);
                self.installed = Some(response);
                Reply {
                    commands: vec![Command::SaveText {
                        file_name,
                        contents: text,
                    }],
                    notice: Some(notice),
                    ..Reply::default()
                }
            }
            Err(error) => {
                self.installed = None;
                self.error = Some(tr::offline_error(lang, &error));
                Reply::default()
            }
        }
    }

    pub fn on_activated(&mut self, result: Result<ServerLicense, DataError>, lang: Lang) -> Reply {
        if self.pending == Some(KeysPending::Activate) {
            self.pending = None;
        }
        match result {
            Ok(license) => {
                self.error = None;
                let notice = tr::activated(lang, &license.product.name, license.seats);
                self.license = Some(license);
                Reply::notice(notice)
            }
            Err(error) => {
                self.error = Some(error_text(lang, &error));
                Reply::default()
            }
        }
    }

    pub fn on_request_written(
        &mut self,
        text: String,
        result: Result<PathBuf, SaveError>,
        lang: Lang,
    ) -> Reply {
        if self.pending == Some(KeysPending::WriteRequest) {
            self.pending = None;
        }
        self.request = ActivationRequest::parse(&text).ok();
        self.request_text = Some(text);
        match result {
            Ok(path) => {
                self.request_path = Some(path.clone());
                Reply::notice(i18n::saved_to(lang, &path))
            }
            Err(SaveError::Write { path, error }) => {
                self.request_path = None;
                Reply::error(i18n::save_failed(lang, &path, &error))
            }
            Err(SaveError::Request(error)) => Reply::error(error_text(lang, &error)),
        }
    }

    pub fn on_file_read(
        &mut self,
        purpose: ReadPurpose,
        path: PathBuf,
        result: Result<String, String>,
        lang: Lang,
    ) -> Reply {
        if self.pending == Some(KeysPending::ReadFile) {
            self.pending = None;
        }
        let text = match result {
            Ok(text) => text,
            Err(error) => return Reply::error(i18n::import_failed(lang, &path, &error)),
        };
        match purpose {
            ReadPurpose::Installation => match parse_installation(&text) {
                Ok(installation) => {
                    self.form.serial = installation.serial;
                    self.form.hash = installation.hash;
                    self.error = None;
                    Reply::notice(i18n::imported(lang, &path, text.lines().count()))
                }
                Err(error) => {
                    self.error = Some(tr::offline_error(lang, &error));
                    Reply::default()
                }
            },
            ReadPurpose::Response => {
                self.response.set_text(text.trim_end());
                self.path_focused = false;
                self.error = None;
                Reply::notice(i18n::imported(lang, &path, text.lines().count()))
            }
            ReadPurpose::Request => match ActivationRequest::parse(&text) {
                Ok(request) => {
                    self.request = Some(request);
                    self.request_text = Some(text);
                    self.request_path = Some(path);
                    // Back to the response, so Enter installs.
                    self.path_focused = false;
                    self.error = None;
                    Reply::default()
                }
                Err(error) => {
                    self.error = Some(tr::offline_error(lang, &error));
                    Reply::default()
                }
            },
        }
    }

    pub fn on_signing_key(
        &mut self,
        result: Result<SigningKeyInfo, DataError>,
        lang: Lang,
    ) -> Reply {
        if self.pending == Some(KeysPending::SigningKey) {
            self.pending = None;
        }
        let verify = std::mem::take(&mut self.verify_after_key);
        match result {
            Ok(info) => match KeyRing::parse(&info.ring_text()) {
                Ok(key) => {
                    self.verifying_key = Some(key);
                    if verify {
                        return self.verify(lang);
                    }
                    Reply::default()
                }
                Err(error) => {
                    self.error = Some(format!("{}: {error}", tr::BAD_PORTAL_KEY.get(lang)));
                    Reply::default()
                }
            },
            Err(error) => {
                self.error = Some(error_text(lang, &error));
                Reply::default()
            }
        }
    }
}

/// `server-license-SRV-1.lic`; only safe characters of the serial.
pub fn license_file_name(serial: &str) -> String {
    let safe: String = serial
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("server-license-{safe}.lic")
}

/// `licadm-request-SRV-1.txt`.
pub fn request_file_name(serial: &str) -> String {
    license_file_name(serial)
        .replace("server-license-", "licadm-request-")
        .replace(".lic", ".txt")
}
