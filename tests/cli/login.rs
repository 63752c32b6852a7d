//! `licadm login`, `logout`, `tokens` and `accounts` as a person or a script runs them
//! (issue 15): the real binary against a real portal process, the password piped in
//! (standard input is not a terminal here), the token kept 0600 beside the config file
//! and used when no `--token` is given, logout revoking it on the portal.

use crate::support::portal_process::PortalProcess;
use licadm::client::wire::{NewAccountRequest, Role, TokenInfo};
use licadm::client::{ApiClient, ClientError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "correct horse battery";

/// `licadm --config DIR/config.toml ARGS…` with `stdin`, never the developer's own
/// config, token or data directory.
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

struct Env {
    portal: PortalProcess,
    _dir: tempfile::TempDir,
    config: PathBuf,
    operator: String,
}

impl Env {
    fn start() -> Env {
        let portal = PortalProcess::start_demo(&[]);
        let operator = portal.token("operator", &[]);
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("licadm").join("config.toml");
        Env {
            portal,
            _dir: dir,
            config,
            operator,
        }
    }

    fn session(&self) -> PathBuf {
        self.config.with_file_name("session.toml")
    }

    /// An account made by the operator through the API.
    async fn account(&self, email: &str, role: Role) {
        ApiClient::new(&self.portal.url, &self.operator)
            .expect("client")
            .create_account(&NewAccountRequest {
                email: email.into(),
                role,
                organizations: vec![1],
                password: Some(PASSWORD.into()),
            })
            .await
            .expect("account");
    }

    fn stored_token(&self) -> String {
        let text = std::fs::read_to_string(self.session()).expect("session file");
        let value: toml::Value = toml::from_str(&text).expect("session TOML");
        value["token"].as_str().expect("token").to_string()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_stores_a_0600_token_that_the_cli_uses_and_logout_revokes_it() {
    let env = Env::start();
    env.account("anna@alster.example", Role::Admin).await;

    // A wrong password: refused, nothing stored.
    let out = licadm(
        &env.config,
        &["login", "--portal", &env.portal.url],
        "anna@alster.example\nnot her password\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("wrong e-mail or password"),
        "{}",
        text(&out)
    );
    assert!(!env.session().exists());

    let out = licadm(
        &env.config,
        &["login", "--portal", &env.portal.url, "--label", "laptop"],
        &format!("anna@alster.example\n{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("logged in"), "{}", text(&out));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.session())
            .expect("session")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let token = env.stored_token();
    assert!(token.starts_with("lca_"));
    assert!(!text(&out).contains(&token), "the token is never printed");
    assert!(!text(&out).contains(PASSWORD));

    // Without --portal or --token the CLI uses the stored login.
    let out = licadm(&env.config, &["tokens", "list", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let tokens: Vec<TokenInfo> = serde_json::from_slice(&out.stdout).expect("token list JSON");
    let mine = tokens
        .iter()
        .find(|t| t.current)
        .expect("the current token");
    assert_eq!(mine.account.as_deref(), Some("anna@alster.example"));
    assert_eq!(mine.label, "laptop");
    assert!(mine.expires_at.is_some());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));

    let client = ApiClient::new(&env.portal.url, &token).expect("client");
    assert_eq!(
        client.me().await.expect("me").account,
        "anna@alster.example"
    );

    let out = licadm(&env.config, &["logout"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!env.session().exists(), "the token file is deleted");
    match client.me().await {
        Err(ClientError::Api {
            status: 401, code, ..
        }) => assert_eq!(code, "token_revoked"),
        other => panic!("expected 401 token_revoked, got {other:?}"),
    }
    // Logged out: nothing left to log out.
    let out = licadm(&env.config, &["logout"], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_revokes_a_token_and_invites_an_account_from_the_cli() {
    let env = Env::start();
    env.account("head@alster.example", Role::Admin).await;
    env.account("clerk@alster.example", Role::Viewer).await;
    let clerk = ApiClient::anonymous(&env.portal.url)
        .expect("client")
        .login("clerk@alster.example", &PASSWORD.into(), None)
        .await
        .expect("clerk logs in");
    let out = licadm(
        &env.config,
        &[
            "login",
            "--portal",
            &env.portal.url,
            "--email",
            "head@alster.example",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = licadm(
        &env.config,
        &["tokens", "revoke", &clerk.info.id.to_string()],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let clerk_client = ApiClient::new(&env.portal.url, clerk.token.expose()).expect("client");
    assert!(matches!(
        clerk_client.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));

    let out = licadm(
        &env.config,
        &[
            "accounts",
            "invite",
            "--email",
            "new@alster.example",
            "--role",
            "support",
            "--organization",
            "1",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(code.starts_with("lci_"), "{code}");
    // The invitee, with no token of its own, sets the password and logs in.
    let other = env.config.with_file_name("invitee").join("config.toml");
    let out = licadm(
        &other,
        &["--portal", &env.portal.url, "accounts", "accept"],
        &format!("{code}\nnew password 1\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = licadm(
        &other,
        &["login", "--portal", &env.portal.url],
        "new@alster.example\nnew password 1\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = licadm(&env.config, &["accounts", "list"], "");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("new@alster.example"),
        "{}",
        text(&out)
    );
}
