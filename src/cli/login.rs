//! `licadm login` and `licadm logout`: an account's e-mail and password for a token
//! kept in `session.toml` beside the config file (0600), which the console and the
//! other commands then use for that portal when no `--token` is given.
//!
//! The password is read without echo from a terminal (crossterm's raw mode: no new
//! crate), and as a plain line when standard input is not a terminal, so scripts and
//! tests can pipe it in.
//!
//! Exit status: 0 done; 1 the portal refused (wrong e-mail or password, throttled);
//! 2 usage (no portal, unreadable input, the session file cannot be written); 3 the
//! portal could not be reached.

use super::PortalArgs;
use licadm::client::{ApiClient, ClientError};
use licadm::config::{self, Connection, Overrides, Session};
use licadm::secret::Secret;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn config_path(args: &PortalArgs) -> Option<PathBuf> {
    args.config.clone().or_else(config::default_config_path)
}

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("licadm: {message}");
    ExitCode::from(code)
}

fn client_failure(e: ClientError) -> ExitCode {
    match e {
        ClientError::Unreachable(reason) => fail(3, format!("portal unreachable: {reason}")),
        ClientError::Timeout => fail(3, "portal unreachable: request timed out"),
        ClientError::BadUrl { .. } => fail(2, e),
        // A throttled login: the portal's own words and how long to wait.
        ClientError::Busy {
            message,
            retry_after_secs,
            request_id,
        } => fail(
            1,
            format!(
                "{message} (wait {retry_after_secs} s){}",
                quoted(request_id)
            ),
        ),
        ClientError::Api {
            message,
            request_id,
            ..
        } => fail(1, format!("{message}{}", quoted(request_id))),
        other => fail(1, other),
    }
}

/// ` (request 3f9a…)`: the request the portal named, for a ticket.
fn quoted(request_id: Option<String>) -> String {
    request_id.map_or_else(String::new, |id| format!(" (request {id})"))
}

/// One line of standard input, without its line end; None at the end of input.
fn read_line() -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

/// Asks on stderr (when a person is there) and reads a line.
fn ask(prompt: &str) -> std::io::Result<Option<String>> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    read_line()
}

/// The password: typed without echo on a terminal, else one line of standard input.
pub fn read_password(prompt: &str) -> std::io::Result<Option<Secret>> {
    if !std::io::stdin().is_terminal() {
        return Ok(read_line()?.map(Secret::from));
    }
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    crossterm::terminal::enable_raw_mode()?;
    let typed = read_hidden();
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    typed
}

/// Keys until Enter, shown as nothing; Esc or Ctrl+C cancels (None).
fn read_hidden() -> std::io::Result<Option<Secret>> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    let mut text = String::new();
    loop {
        match read()? {
            Event::Key(key) if key.kind != KeyEventKind::Release => match key.code {
                KeyCode::Enter => return Ok(Some(Secret::from(text))),
                KeyCode::Esc => return Ok(None),
                KeyCode::Char('c' | 'd') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    return Ok(None);
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    text.clear();
                }
                KeyCode::Char(c) => text.push(c),
                KeyCode::Backspace => {
                    text.pop();
                }
                _ => {}
            },
            Event::Paste(pasted) => text.push_str(pasted.trim_end_matches(['\r', '\n'])),
            _ => {}
        }
    }
}

/// The portal to log in to: `--portal`, else the configured one, else the last login's.
pub fn portal_url(args: &PortalArgs, file: &config::ConfigFile) -> Option<String> {
    if let Some(portal) = args.portal.as_ref().filter(|p| !p.trim().is_empty()) {
        return Some(portal.trim().to_string());
    }
    let overrides = Overrides {
        profile: args.profile.clone(),
        ..Overrides::default()
    };
    match config::resolve(&overrides, file) {
        Ok(Connection::Remote { portal, .. }) => Some(portal),
        Err(config::ConfigError::MissingToken { portal }) => Some(portal),
        _ => file.session.as_ref().map(|s| s.portal.clone()),
    }
}

/// With `--reset-code`: the code and the new password (twice), read without echo.
fn read_reset() -> Result<(Secret, Secret), ExitCode> {
    let read = |prompt: &str| match read_password(prompt) {
        Ok(Some(secret)) if !secret.is_empty() => Ok(secret),
        Ok(_) => Err(fail(
            2,
            format!("no {} given", prompt.trim_end_matches(": ").to_lowercase()),
        )),
        Err(e) => Err(fail(2, format!("cannot read the input: {e}"))),
    };
    let code = read("Reset code: ")?;
    let password = read("New password: ")?;
    let again = read("New password again: ")?;
    if password != again {
        return Err(fail(2, "the new passwords differ; nothing changed"));
    }
    Ok((code, password))
}

pub fn login(
    args: &PortalArgs,
    email: Option<&str>,
    label: Option<&str>,
    reset_code: bool,
) -> ExitCode {
    let Some(path) = config_path(args) else {
        return fail(2, "no config directory on this system: give --config FILE");
    };
    let file = match config::load(&path) {
        Ok(file) => file,
        Err(e) => return fail(2, e),
    };
    let Some(portal) = portal_url(args, &file) else {
        return fail(
            2,
            "which portal? give --portal URL (or set portal in the config file)",
        );
    };
    let lang = match super::language(args.lang.as_deref(), &file) {
        Ok(lang) => lang,
        Err(e) => return fail(2, format!("{e:#}")),
    };
    let Some(runtime) = super::runtime() else {
        return ExitCode::from(2);
    };
    // A reset first: the code names the account, so its e-mail is the one to log in.
    let reset = if reset_code {
        let (code, password) = match read_reset() {
            Ok(read) => read,
            Err(code) => return code,
        };
        let account = runtime.block_on(async {
            let client = ApiClient::anonymous(&portal)?.with_lang(lang);
            client.reset_with_code(&code, &password).await
        });
        match account {
            Ok(account) => {
                eprintln!(
                    "new password set for {}; its earlier tokens are revoked",
                    licadm::domain::text::inert(&account.email)
                );
                Some((account.email, password))
            }
            Err(e) => return client_failure(e),
        }
    } else {
        None
    };
    let (email, password) = match reset {
        Some(found) => found,
        None => {
            let email = match email {
                Some(email) => email.to_string(),
                None => match ask("E-mail: ") {
                    Ok(Some(email)) if !email.trim().is_empty() => email,
                    Ok(_) => return fail(2, "no e-mail given"),
                    Err(e) => return fail(2, format!("cannot read the e-mail: {e}")),
                },
            };
            let password = match read_password("Password: ") {
                Ok(Some(password)) => password,
                Ok(None) => return fail(2, "no password given"),
                Err(e) => return fail(2, format!("cannot read the password: {e}")),
            };
            (email, password)
        }
    };
    let answer = runtime.block_on(async {
        let client = ApiClient::anonymous(&portal)?.with_lang(lang);
        client.login(email.trim(), &password, label).await
    });
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) => return client_failure(e),
    };
    let info = answer.info;
    let session = Session {
        portal: portal.clone(),
        token: answer.token,
        email: info
            .account
            .clone()
            .unwrap_or_else(|| email.trim().to_string()),
        token_id: info.id,
        expires_at: info.expires_at,
    };
    let session_file = config::session_path(&path);
    if let Err(e) = config::save_session(&session_file, &session) {
        return fail(
            2,
            format!("cannot store the token in {}: {e}", session_file.display()),
        );
    }
    let organizations: Vec<String> = info
        .organizations
        .iter()
        .map(|o| licadm::domain::text::inert(&o.name).into_owned())
        .collect();
    let expires = info
        .expires_at
        .map(|at| {
            at.with_timezone(&chrono::Local)
                .format("%d.%m.%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "never".into());
    println!(
        "logged in to {} as {} ({}; {}); token {} expires {}; stored in {}",
        licadm::domain::text::inert(&portal),
        licadm::domain::text::inert(&session.email),
        info.role.as_str(),
        organizations.join(", "),
        info.id,
        expires,
        session_file.display()
    );
    ExitCode::SUCCESS
}

pub fn logout(args: &PortalArgs) -> ExitCode {
    let Some(path) = config_path(args) else {
        return fail(2, "no config directory on this system: give --config FILE");
    };
    let session_file = config::session_path(&path);
    let session = match config::load_session(&session_file) {
        Ok(Some(session)) => session,
        Ok(None) => return fail(1, "not logged in (no stored token)"),
        Err(e) => {
            // Unreadable: nothing to revoke with; delete it so a new login can write.
            let _ = config::remove_session(&session_file);
            return fail(1, format!("{e}; deleted"));
        }
    };
    let Some(runtime) = super::runtime() else {
        return ExitCode::from(2);
    };
    let revoked = runtime.block_on(async {
        ApiClient::new(&session.portal, session.token.expose())?
            .logout()
            .await
    });
    let note = match revoked {
        Ok(_) => "the token is revoked".to_string(),
        // Already unusable on the portal: nothing left to revoke.
        Err(ClientError::Api {
            status: 401,
            message,
            ..
        }) => format!("the portal no longer accepted it ({message})"),
        Err(e) if e.is_connection() => {
            return fail(
                3,
                format!(
                    "portal unreachable ({e}); the token is kept in {} so logout can be tried again",
                    session_file.display()
                ),
            );
        }
        Err(e) => return client_failure(e),
    };
    if let Err(e) = config::remove_session(&session_file) {
        return fail(2, format!("cannot delete {}: {e}", session_file.display()));
    }
    println!(
        "logged out of {}: {note}; {} deleted",
        licadm::domain::text::inert(&session.portal),
        session_file.display()
    );
    ExitCode::SUCCESS
}
