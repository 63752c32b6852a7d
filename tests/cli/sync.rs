//! `licadm sync` as cron runs it: the real binary against a real portal process — a
//! full sync, then a delta of what changed, `--json` parsed back, queued changes sent
//! or refused (exit 1), and exit 3 when the portal is unreachable.

use crate::support::portal_process::PortalProcess;
use licadm::client::ApiClient;
use licadm::mirror::{Mirror, OutboxAction};
use std::process::{Command, Output};

const ORANGEUCE: &str = "orangeuce";

fn sync(url: &str, token: &str, cache: &std::path::Path, json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_licadm"));
    cmd.args(["sync", "--portal", url, "--token", token])
        .env("LICADM_CONFIG", "/nonexistent")
        .env("LICADM_CACHE_DIR", cache)
        .env_remove("LICADM_PORTAL")
        .env_remove("LICADM_TOKEN");
    if json {
        cmd.arg("--json");
    }
    cmd.output().expect("run licadm sync")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.code().is_some(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn sync_prints_a_full_sync_then_only_the_delta() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let cache = tempfile::tempdir().expect("cache");

    let first = sync(&portal.url, &token, cache.path(), false);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.starts_with("full sync:"), "{text}");
    assert!(text.contains("420 activations"), "{text}");

    // One seat changes on the portal: the next sync brings that seat and nothing else.
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&portal.db, today).expect("facts");
    let seat = facts.free(1, ORANGEUCE)[0];
    let email = facts.without_seat(1, ORANGEUCE)[0].clone();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    runtime
        .block_on(client.bind_seat(seat, &email, None))
        .expect("bind");
    let delta = sync(&portal.url, &token, cache.path(), true);
    assert_eq!(delta.status.code(), Some(0));
    let value = json(&delta);
    assert_eq!(value["full"], false);
    assert_eq!(value["changes"]["seats"], 1, "{value}");
    assert_eq!(value["changes"]["activations"], 0, "{value}");
    assert_eq!(value["outbox"]["sent"], 0);

    // Nothing listens here: exit 3, and the mirror keeps what it had.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let unreachable = sync(&dead, &token, cache.path(), false);
    assert_eq!(unreachable.status.code(), Some(3), "{unreachable:?}");
    assert!(String::from_utf8_lossy(&unreachable.stderr).contains("unreachable"));
}

#[test]
fn queued_changes_are_sent_and_a_refused_one_exits_1() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let cache = tempfile::tempdir().expect("cache");
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&portal.db, today).expect("facts");
    let free = facts.free(1, ORANGEUCE);
    let users = facts.without_seat(1, ORANGEUCE);
    let (taken_seat, taken_by) = facts.bound(1, ORANGEUCE)[0].clone();

    // The console queued two binds while offline (same mirror file as the CLI's).
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let mirror = Mirror::open(&Mirror::path_for(cache.path(), &client)).expect("mirror");
    let now = chrono::Utc::now();
    mirror
        .enqueue(
            &OutboxAction::Bind {
                seat: free[0],
                email: users[0].clone(),
            },
            "cli-sync-test-1",
            now,
        )
        .expect("queue");
    mirror
        .enqueue(
            &OutboxAction::Bind {
                seat: taken_seat,
                email: users[1].clone(),
            },
            "cli-sync-test-2",
            now,
        )
        .expect("queue");
    drop(mirror);

    let out = sync(&portal.url, &token, cache.path(), true);
    assert_eq!(out.status.code(), Some(1), "a refusal exits 1: {out:?}");
    let value = json(&out);
    assert_eq!(value["outbox"]["sent"], 1, "{value}");
    let conflicts = value["outbox"]["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{value}");
    assert_eq!(conflicts[0]["action"]["seat"], taken_seat);
    let message = conflicts[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&taken_by), "says who holds it: {message}");

    // The refusal stays in the outbox (not resent, not dropped).
    let again = sync(&portal.url, &token, cache.path(), true);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(json(&again)["outbox"]["sent"], 0);
    let mirror = Mirror::open(&Mirror::path_for(cache.path(), &client)).expect("mirror");
    assert_eq!(mirror.outbox().expect("outbox").len(), 1);
}
