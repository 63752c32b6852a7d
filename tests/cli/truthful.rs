//! The CLI tells the truth (issue 12): a repeated `activate --idempotency-key` answers
//! the first run's activations with their current status; `verify` with a configured
//! portal uses its key (and keeps it for offline use); the console's flags stay on
//! the console; no terminal, a failed first sync, the audit log, completions and
//! --version each say what they should. The real binary against a real portal process.

use crate::support::portal_process::PortalProcess;
use crate::support::{licadm_bin, wait_until};
use licadm::client::ApiClient;
use licadm::client::wire::{ActivationQuery, CreatedActivations};
use licadm::domain::ActivationStatus;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// `licadm ARGS…` with no config file, no data or cache directory of the user's, and
/// `LANG=C` (English).
fn licadm(args: &[&str], dir: &Path) -> Output {
    Command::new(licadm_bin())
        .args(args)
        .env("LICADM_CONFIG", "/nonexistent")
        .env("LICADM_DATA_DIR", dir.join("data"))
        .env("LICADM_CACHE_DIR", dir.join("cache"))
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LICADM_PORTAL")
        .env_remove("LICADM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("run licadm")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Serials the demo registry accepts, one per line.
fn ok_serials(portal: &PortalProcess, n: usize) -> String {
    let serials = licadm::portal::demo_serials(&portal.db, n).expect("demo serials");
    serials.ok["pay-kiosk"][..n].join("\n")
}

#[test]
fn a_repeated_activate_with_its_key_answers_the_same_activations_with_their_status() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "1500"]);
    let token = portal.token("admin", &[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("serials.txt");
    std::fs::write(&list, ok_serials(&portal, 3)).expect("write list");
    let args = [
        "--portal",
        portal.url.as_str(),
        "--token",
        token.as_str(),
        "activate",
        list.to_str().expect("utf-8"),
        "--organization",
        "1",
        "--idempotency-key",
        "cron-2026-11-30",
        "--json",
    ];
    let run = || {
        let out = licadm(&args, dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<CreatedActivations>(&out.stdout).expect("JSON activations")
    };
    let first = run();
    let numbers: Vec<i64> = first.activations.iter().map(|a| a.number).collect();
    // While the first run's activations are in progress: the same ones, exit 0.
    let again = run();
    assert_eq!(
        again
            .activations
            .iter()
            .map(|a| a.number)
            .collect::<Vec<_>>(),
        numbers
    );
    assert!(
        again
            .activations
            .iter()
            .all(|a| a.status == ActivationStatus::InProgress)
    );
    // Once they are done: the same ones, as they are now.
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    wait_until(Duration::from_secs(30), || {
        let detail = runtime.block_on(client.activation(numbers[0])).ok()?;
        (detail.summary.status == ActivationStatus::Done).then_some(())
    })
    .expect("the worker completes the activation");
    let after = run();
    assert_eq!(
        after
            .activations
            .iter()
            .map(|a| a.number)
            .collect::<Vec<_>>(),
        numbers
    );
    assert!(
        after
            .activations
            .iter()
            .all(|a| a.status == ActivationStatus::Done),
        "{:?}",
        after.activations
    );

    // Its history reads as rows, not 500-character JSON lines.
    let object = format!("activation:{}", numbers[0]);
    let out = licadm(
        &["--portal", &portal.url, "--token", &token, "audit", &object],
        dir.path(),
    );
    let history = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        history.lines().all(|l| l.chars().count() <= 100),
        "{history}"
    );
    assert!(
        history.contains("activation.completed") && history.contains("status: in_progress → done"),
        "{history}"
    );
}

#[test]
fn verify_with_a_configured_portal_uses_its_key_and_keeps_it_for_offline_use() {
    let mut portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("viewer", &[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let license = runtime.block_on(async {
        let done = client
            .activations(&ActivationQuery {
                status: Some(ActivationStatus::Done),
                ..Default::default()
            })
            .await
            .expect("done activations")
            .items[0]
            .number;
        client.license_file(done).await.expect("license file")
    });
    let file = dir.path().join(&license.file_name);
    std::fs::write(&file, &license.contents).expect("write license");
    let file = file.to_str().expect("utf-8");
    let url = portal.url.clone();
    let verify = || {
        licadm(
            &["--portal", &url, "--token", &token, "verify", file],
            dir.path(),
        )
    };

    let out = verify();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).starts_with("GENUINE")
            && text(&out.stdout).contains(&format!("key from portal {url}")),
        "{}",
        text(&out.stdout)
    );
    // The portal goes away: the kept key still verifies.
    portal.stop();
    let out = verify();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("the mirror of"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn console_flags_stay_on_the_console_and_completions_and_version_are_there() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sync_help = text(&licadm(&["sync", "--help"], dir.path()).stdout);
    assert!(
        sync_help.contains("--portal") && !sync_help.contains("--mouse"),
        "{sync_help}"
    );
    let help = text(&licadm(&["--help"], dir.path()).stdout);
    assert!(
        help.contains("--mouse") && help.contains("completions"),
        "{help}"
    );
    let out = licadm(&["--mouse", "sync"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--mouse is an option of the console"),
        "{}",
        text(&out.stderr)
    );

    for (shell, marker) in [
        ("bash", "_licadm()"),
        ("zsh", "#compdef licadm"),
        ("fish", "complete -c licadm"),
    ] {
        let out = licadm(&["completions", shell], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains(marker) && script.contains("activations"),
            "{shell}: {script}"
        );
    }
    let out = licadm(&["--version"], dir.path());
    assert_eq!(
        text(&out.stdout).trim(),
        format!("licadm {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn without_a_terminal_the_console_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    // setsid: no controlling terminal either, as under cron or a service.
    let Ok(out) = Command::new("setsid")
        .arg(licadm_bin())
        .env("LICADM_CONFIG", "/nonexistent")
        .env("LICADM_DATA_DIR", dir.path().join("data"))
        .env("LANG", "C")
        .stdin(Stdio::null())
        .output()
    else {
        eprintln!("no setsid here: skipped");
        return;
    };
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("the console needs a terminal"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}

#[test]
fn a_failed_first_sync_leaves_no_mirror_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Nothing listens on port 9 (discard) on loopback.
    let out = licadm(
        &[
            "--portal",
            "http://127.0.0.1:9",
            "--token",
            "lca_nothing",
            "sync",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let cache = dir.path().join("cache");
    let left: Vec<String> = std::fs::read_dir(&cache)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}
