//! The keys & offline screen through `update` and `view`: the form checked as typed,
//! online activation, the request file, importing a signed response (a real signing
//! key), the installation file, roles.

use crate::support::console::issue4::*;
use crate::support::console::*;
use crossterm::event::KeyCode;
use ed25519_dalek::SigningKey;
use licadm::client::wire::{Installation, KeyActivationRequest, ServerLicense, SigningKeyInfo};
use licadm::console::app::{Command, Msg, ReadPurpose, State, update};
use licadm::console::screens::keys::{Field, KeysPending};
use licadm::domain::Lang;
use licadm::domain::ProductKey;
use licadm::domain::license::encode_public_key;
use licadm::domain::offline::{ActivationRequest, ActivationResponse, InstallationId};
use std::path::PathBuf;

fn filled(lang: Lang, inn: &str, kpp: &str) -> State {
    let mut state = keys_state(lang);
    fill(&mut state, &[KEY, inn, kpp, "SRV-1", "5f0c9a"]);
    state
}

fn request() -> ActivationRequest {
    ActivationRequest {
        key: ProductKey::parse(KEY).expect("seed key"),
        inn: INN_LEGAL.into(),
        kpp: KPP.into(),
        installation: InstallationId {
            serial: "SRV-1".into(),
            hash: "5f0c9a".into(),
        },
        created_at: utc(2025, 12, 13, 9),
    }
}

fn signed_response(req: &ActivationRequest, key: &SigningKey) -> String {
    ActivationResponse {
        request_digest: req.digest(),
        key: req.key.clone(),
        product: "Orange[uc]e".into(),
        organization_inn: req.inn.clone(),
        seats: 20,
        installation: req.installation.clone(),
        issued_at: req.created_at,
    }
    .sign(&licadm::domain::signing::PortalKey::new(key.clone()))
}

#[test]
fn a_bad_key_shows_the_reason_and_sends_nothing() {
    let mut state = keys_state(Lang::Ru);
    update(&mut state, Msg::Paste("DB49-XYZ".into()));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("символ «X» в позиции 6 — не шестнадцатеричная цифра (0-9, A-F)"),
        "{text}"
    );
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(commands.is_empty(), "{commands:?}");
    assert!(
        state
            .keys
            .error
            .as_deref()
            .unwrap_or("")
            .starts_with("Ключ продукта: символ «X»"),
        "{:?}",
        state.keys.error
    );
    // Digits and letters type into the field: `2` does not switch screens here.
    update(&mut state, ch('2'));
    assert_eq!(state.keys.form.key, "DB49-XYZ2");
}

#[test]
fn a_legal_entity_needs_a_kpp_and_a_bad_inn_is_named() {
    let mut state = filled(Lang::Ru, INN_LEGAL, "");
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.keys.error.as_deref(),
        Some("КПП: для юрлица (ИНН из 10 цифр) КПП обязателен")
    );
    let mut state = filled(Lang::En, "7842175622", KPP);
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.keys.error.as_deref(),
        Some("INN: INN check digit does not match: the number is mistyped")
    );
}

#[test]
fn online_activation_sends_the_form_and_shows_and_saves_the_license() {
    // An entrepreneur (12-digit INN) needs no KPP.
    let mut state = filled(Lang::Ru, INN_ENTREPRENEUR, "");
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::ActivateKey(KeyActivationRequest {
            key: KEY.into(),
            inn: INN_ENTREPRENEUR.into(),
            kpp: None,
            installation: Installation {
                serial: "SRV-1".into(),
                hash: "5f0c9a".into()
            },
        })]
    );
    assert_eq!(state.keys.pending, Some(KeysPending::Activate));
    assert!(
        update(&mut state, key(KeyCode::Enter)).is_empty(),
        "not twice"
    );
    // A refusal keeps everything typed.
    update(
        &mut state,
        Msg::KeyActivated(Err(api_error(
            422,
            "key_inn_mismatch",
            "Ключ куплен другой организацией (ИНН не совпадает)",
        ))),
    );
    assert_eq!(
        state.keys.error.as_deref(),
        Some("Ключ куплен другой организацией (ИНН не совпадает)")
    );
    assert_eq!(state.keys.form.key, KEY);
    update(&mut state, key(KeyCode::Enter));
    update(
        &mut state,
        Msg::KeyActivated(Ok(ServerLicense {
            key: KEY.into(),
            product: orange(),
            organization: techbusiness(),
            seats: 20,
            installation: Installation {
                serial: "SRV-1".into(),
                hash: "5f0c9a".into(),
            },
            issued_at: utc(2025, 12, 13, 9),
            license: "LICADM SERVER LICENSE\n…".into(),
        })),
    );
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("Лицензия получена: Orange[uc]e, мест: 20"),
        "{text}"
    );
    let commands = update(&mut state, ctrl('l'));
    assert_eq!(
        commands,
        vec![Command::SaveText {
            file_name: "server-license-SRV-1.lic".into(),
            contents: "LICADM SERVER LICENSE\n…".into()
        }]
    );
}

#[test]
fn the_request_is_written_shown_and_copied() {
    let mut state = filled(Lang::Ru, INN_LEGAL, KPP);
    update(&mut state, fkey(3));
    assert!(
        update(&mut state, ctrl('y')).is_empty(),
        "nothing to copy yet"
    );
    let commands = update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        commands,
        vec![Command::WriteActivationRequest {
            key: ProductKey::parse(KEY).unwrap(),
            inn: INN_LEGAL.into(),
            kpp: KPP.into(),
            installation: InstallationId {
                serial: "SRV-1".into(),
                hash: "5f0c9a".into()
            },
        }]
    );
    let text = request().to_text();
    update(
        &mut state,
        Msg::RequestWritten {
            text: text.clone(),
            result: Ok(PathBuf::from("/tmp/dl/licadm-request-SRV-1.txt")),
        },
    );
    assert_eq!(state.keys.request, Some(request()));
    let (lines, _) = render(&state, 80, 24);
    let screen = screen_text(&lines);
    assert!(screen.contains("LICADM ACTIVATION REQUEST 1"), "{screen}");
    assert!(
        screen.contains("Запрос записан: /tmp/dl/licadm-request-SRV-1.txt"),
        "{screen}"
    );
    assert_eq!(
        update(&mut state, ctrl('y')),
        vec![Command::CopyToClipboard(text)]
    );
}

#[test]
fn import_verifies_with_the_portal_key_and_saves_the_license() {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let mut state = keys_state(Lang::Ru);
    update(&mut state, fkey(4));
    // No request yet: explained, nothing sent.
    update(
        &mut state,
        Msg::Paste(signed_response(&request(), &signing)),
    );
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(
        state
            .keys
            .error
            .as_deref()
            .unwrap_or("")
            .starts_with("Нет запроса")
    );
    // Load the request from a file path.
    update(&mut state, key(KeyCode::Tab));
    update(&mut state, Msg::Paste("/tmp/req.txt".into()));
    let commands = update(&mut state, ctrl('r'));
    assert_eq!(
        commands,
        vec![Command::ReadTextFile {
            path: PathBuf::from("/tmp/req.txt"),
            purpose: ReadPurpose::Request
        }]
    );
    update(
        &mut state,
        Msg::TextFileRead {
            purpose: ReadPurpose::Request,
            path: PathBuf::from("/tmp/req.txt"),
            result: Ok(request().to_text()),
        },
    );
    assert_eq!(state.keys.request, Some(request()));
    // The portal's key is fetched once, then the response is checked.
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        vec![Command::FetchSigningKey]
    );
    let commands = update(
        &mut state,
        Msg::SigningKeyLoaded(Ok(SigningKeyInfo {
            algorithm: "ed25519".into(),
            public_key: encode_public_key(&signing.verifying_key()),
            key_id: None,
            keys: Vec::new(),
        })),
    );
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(
        matches!(&commands[0], Command::SaveText { file_name, contents }
            if file_name == "server-license-SRV-1.lic" && contents.contains("LICADM ACTIVATION RESPONSE 1")),
        "{commands:?}"
    );
    assert_eq!(state.keys.error, None);
    assert_eq!(
        state.notice.as_deref(),
        Some("Лицензия установлена: Orange[uc]e, мест: 20")
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("Лицензия установлена: Orange[uc]e, мест: 20"));
}

#[test]
fn ctrl_r_with_no_path_asks_for_one_and_enter_reads_it_as_the_request() {
    let mut state = keys_state(Lang::Ru);
    update(&mut state, fkey(4));
    // No path yet: the path field takes the focus and says so; nothing is read.
    assert!(update(&mut state, ctrl('r')).is_empty());
    assert!(state.keys.path_focused);
    update(&mut state, Msg::Paste("/tmp/req.txt".into()));
    // Enter in the path field reads the file Ctrl+R asked for (not an install).
    assert_eq!(
        update(&mut state, key(KeyCode::Enter)),
        vec![Command::ReadTextFile {
            path: PathBuf::from("/tmp/req.txt"),
            purpose: ReadPurpose::Request
        }]
    );
}

#[test]
fn import_refuses_a_tampered_or_foreign_response() {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let mut state = keys_state(Lang::Ru);
    state.keys.request = Some(request());
    state.keys.verifying_key = Some(licadm::domain::signing::KeyRing::single(
        signing.verifying_key(),
    ));
    update(&mut state, fkey(4));
    let tampered = signed_response(&request(), &signing).replace("seats: 20", "seats: 99");
    update(&mut state, Msg::Paste(tampered));
    let commands = update(&mut state, key(KeyCode::Enter));
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(
        state.keys.error.as_deref(),
        Some("подпись ответа не сходится: его изменили или выдал не этот портал")
    );
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("подпись ответа не сходится"));
    // A response for another installation.
    let mut other = request();
    other.installation.serial = "SRV-2".into();
    state
        .keys
        .response
        .set_text(&signed_response(&other, &signing));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.keys.error.as_deref(),
        Some("ответ для другой установки: SRV-2, а эта — SRV-1")
    );
    // Cut short.
    let full = signed_response(&request(), &signing);
    state.keys.response.set_text(&full[..full.len() - 30]);
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert!(state.keys.installed.is_none());
    assert!(state.keys.error.is_some());
}

#[test]
fn the_installation_file_fills_serial_and_hash() {
    let mut state = keys_state(Lang::En);
    assert!(update(&mut state, ctrl('o')).is_empty(), "no path yet");
    assert_eq!(state.keys.form.focus, Field::File);
    update(&mut state, Msg::Paste("/srv/installation.txt".into()));
    let commands = update(&mut state, ctrl('o'));
    assert_eq!(
        commands,
        vec![Command::ReadTextFile {
            path: PathBuf::from("/srv/installation.txt"),
            purpose: ReadPurpose::Installation
        }]
    );
    update(
        &mut state,
        Msg::TextFileRead {
            purpose: ReadPurpose::Installation,
            path: PathBuf::from("/srv/installation.txt"),
            result: Ok("# server\nserial: SRV-9\nhash: abc123\n".into()),
        },
    );
    assert_eq!(
        (
            state.keys.form.serial.as_str(),
            state.keys.form.hash.as_str()
        ),
        ("SRV-9", "abc123")
    );
}

#[test]
fn viewers_cannot_activate_keys() {
    let mut state = filled(Lang::Ru, INN_LEGAL, KPP);
    update(&mut state, Msg::MeLoaded(Ok(viewer())));
    assert!(update(&mut state, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        state.last_error.as_deref(),
        Some("Роль «просмотр» не может активировать ключи")
    );
}

#[test]
fn keys_view_at_80x24_in_russian_and_english() {
    let state = filled(Lang::Ru, INN_LEGAL, KPP);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(lines[0].contains("[4 Ключи]"), "{}", lines[0]);
    for needle in [
        "F2 Через Интернет · F3 Файловый запрос · F4 Активация из файла",
        "Ключ продукта:",
        "ИНН:",
        "КПП:",
        "Хэш установки:",
        "Enter — Установить автоматически через Интернет",
        "✓",
    ] {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
    let mut state = filled(Lang::En, INN_LEGAL, KPP);
    update(&mut state, fkey(4));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    for needle in [
        "Activation from a file",
        "Request: none — F3 writes one, Ctrl+R loads a file",
        "The portal's response",
        "Enter — Install",
    ] {
        assert!(text.contains(needle), "no {needle}:\n{text}");
    }
}

/// Tab in every path field asks for the same completion, and the answer lands in the
/// field that asked (issue 12: only the serial import completed).
fn tab_completes(state: &mut State, typed: &str) {
    let commands = update(state, key(KeyCode::Tab));
    assert_eq!(
        commands,
        vec![Command::CompletePath {
            typed: typed.into()
        }],
        "Tab after {typed:?}"
    );
    update(
        state,
        Msg::PathCompleted {
            typed: typed.into(),
            completed: Some(format!("{typed}p/")),
        },
    );
}

#[test]
fn tab_completes_every_path_field() {
    // The installation file on the online and request sections.
    let mut state = keys_state(Lang::En);
    state.keys.form.focus = Field::File;
    for c in "/tm".chars() {
        update(&mut state, ch(c));
    }
    tab_completes(&mut state, "/tm");
    assert_eq!(state.keys.form.file, "/tmp/");
    assert_eq!(
        state.keys.form.focus,
        Field::File,
        "Tab completed, did not move"
    );
    // An empty path field: Tab moves on as before.
    state.keys.form.file.clear();
    update(&mut state, key(KeyCode::Tab));
    assert_eq!(state.keys.form.focus, Field::Key);
    // The import section's response / request file.
    update(&mut state, fkey(4));
    update(&mut state, key(KeyCode::Tab));
    assert!(state.keys.path_focused);
    update(&mut state, Msg::Paste("/va".into()));
    tab_completes(&mut state, "/va");
    assert_eq!(state.keys.import_path, "/vap/");
    update(&mut state, key(KeyCode::BackTab));
    assert!(
        !state.keys.path_focused,
        "Shift+Tab goes back to the response"
    );
    // The precheck's save prompt (`W`).
    let mut state = precheck_state(Lang::En);
    update(&mut state, ch('W'));
    for _ in 0.."precheck.tsv".len() {
        update(&mut state, key(KeyCode::Backspace));
    }
    update(&mut state, Msg::Paste("~/ou".into()));
    tab_completes(&mut state, "~/ou");
    let flow = state.new_activation.as_ref().expect("flow");
    assert_eq!(flow.save.as_ref().map(|p| p.path.as_str()), Some("~/oup/"));
    // A late answer for text that has changed since is dropped.
    update(&mut state, ch('x'));
    update(
        &mut state,
        Msg::PathCompleted {
            typed: "~/oup/".into(),
            completed: Some("~/oup/zzz".into()),
        },
    );
    let flow = state.new_activation.as_ref().expect("flow");
    assert_eq!(flow.save.as_ref().map(|p| p.path.as_str()), Some("~/oup/x"));
}
