//! Operator accounts, password change and reset from the command line (issue 15): the
//! first operator made on the server (`accounts create --db`), `accounts reset` printing
//! a one-time code alone on stdout, `login --reset-code` setting the new password and
//! logging in, `password` changing it (the other tokens revoked), `tokens list`
//! following the pages, and the changes in `licadm events`. The real binary against a
//! real portal process; passwords piped in (standard input is not a terminal here).

use crate::support::portal_process::PortalProcess;
use licadm::client::wire::TokenInfo;
use licadm::client::{ApiClient, ClientError};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "another long passphrase";
const NEWER_PASSWORD: &str = "and yet another one";

fn licadm(config: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_licadm"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LICADM_PORTAL")
        .env_remove("LICADM_TOKEN")
        .env_remove("LICADM_CONFIG")
        .env_remove("LICADM_DB")
        .env("LICADM_DATA_DIR", config.with_file_name("no-data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn licadm");
    let mut pipe = child.stdin.take().expect("stdin");
    pipe.write_all(stdin.as_bytes()).expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("licadm output")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stored_token(config: &Path) -> String {
    let text = std::fs::read_to_string(config.with_file_name("session.toml")).expect("session");
    let value: toml::Value = toml::from_str(&text).expect("session TOML");
    value["token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_made_on_the_server_resets_a_password_its_owner_sets_and_changes() {
    let portal = PortalProcess::start_demo(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let boss = dir.path().join("boss").join("config.toml");
    let clerk = dir.path().join("clerk").join("config.toml");
    let db = portal.db.display().to_string();

    // The first operator account, on the server.
    let out = licadm(
        &boss,
        &[
            "accounts",
            "create",
            "--db",
            &db,
            "--email",
            "boss@vendor.example",
            "--role",
            "operator",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains(PASSWORD));
    let out = licadm(
        &boss,
        &[
            "login",
            "--portal",
            &portal.url,
            "--email",
            "boss@vendor.example",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("(operator;"), "{}", text(&out));

    // The operator makes a partner account; its owner logs in twice.
    let out = licadm(
        &boss,
        &[
            "accounts",
            "create",
            "--email",
            "clerk@alster.example",
            "--role",
            "viewer",
            "--organization",
            "1",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let elsewhere = ApiClient::anonymous(&portal.url)
        .expect("client")
        .login("clerk@alster.example", &PASSWORD.into(), None)
        .await
        .expect("clerk logs in elsewhere");
    let out = licadm(
        &clerk,
        &[
            "login",
            "--portal",
            &portal.url,
            "--email",
            "clerk@alster.example",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let before_reset = stored_token(&clerk);

    // A reset code, alone on stdout.
    let out = licadm(&boss, &["accounts", "reset", "clerk@alster.example"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(code.starts_with("lcr_"), "{}", text(&out));
    let out = licadm(&boss, &["accounts", "reset", "nobody@alster.example"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // Mistyped twice: nothing changes.
    let out = licadm(
        &clerk,
        &["login", "--reset-code"],
        &format!("{code}\n{NEW_PASSWORD}\nsomething else entirely\n"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = licadm(
        &clerk,
        &["login", "--reset-code"],
        &format!("{code}\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("logged in"), "{}", text(&out));
    assert!(!text(&out).contains(&code));
    let after_reset = stored_token(&clerk);
    assert_ne!(after_reset, before_reset);
    for old in [before_reset.as_str(), elsewhere.token.expose()] {
        let old = ApiClient::new(&portal.url, old).expect("client");
        assert!(matches!(
            old.me().await,
            Err(ClientError::Api { status: 401, .. })
        ));
    }

    // A password change keeps this session and revokes the others.
    let other = ApiClient::anonymous(&portal.url)
        .expect("client")
        .login("clerk@alster.example", &NEW_PASSWORD.into(), None)
        .await
        .expect("the new password logs in");
    let out = licadm(
        &clerk,
        &["password"],
        &format!("{NEW_PASSWORD}\n{NEWER_PASSWORD}\n{NEWER_PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1 other token(s)"), "{}", text(&out));
    let other = ApiClient::new(&portal.url, other.token.expose()).expect("client");
    assert!(matches!(
        other.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));
    let this = ApiClient::new(&portal.url, &after_reset).expect("client");
    assert!(this.me().await.is_ok(), "the session that changed it stays");
    let out = licadm(
        &clerk,
        &["password"],
        &format!("{NEW_PASSWORD}\n{PASSWORD}\n{PASSWORD}\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the old password no longer: {}",
        text(&out)
    );

    // The operator reads it all in the activity log.
    let out = licadm(
        &boss,
        &["events", "--object-kind", "account", "--all", "--json"],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let log = String::from_utf8_lossy(&out.stdout);
    for action in [
        "account.created",
        "account.password_reset",
        "account.password_changed",
    ] {
        assert!(log.contains(action), "{action} missing: {log}");
    }
    for secret in [PASSWORD, NEW_PASSWORD, NEWER_PASSWORD, code.as_str()] {
        assert!(!log.contains(secret));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_list_follows_every_page() {
    let portal = PortalProcess::start_demo(&[]);
    let operator = portal.token("operator", &[]);
    // More than a page (50) of tokens.
    for _ in 0..55 {
        portal.token("viewer", &[1]);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    let out = licadm(
        &config,
        &[
            "--portal",
            &portal.url,
            "--token",
            &operator,
            "tokens",
            "list",
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let tokens: Vec<TokenInfo> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(tokens.len() >= 57, "{} tokens", tokens.len());
    let mut ids: Vec<i64> = tokens.iter().map(|t| t.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), tokens.len(), "no token twice");
}
