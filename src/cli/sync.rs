//! `licadm sync`: one sync of the offline mirror from the command line (for cron) —
//! sends the outbox, pulls the change feed, prints what changed.
//!
//! Exit status: 0 synced; 1 synced, but the portal refused queued changes (printed);
//! 2 the mirror could not be opened; 3 the portal could not be reached.

use super::output::OutputArgs;
use anyhow::Context;
use licadm::client::ApiClient;
use licadm::mirror::sync::{SyncError, SyncReport, sync_once};
use licadm::mirror::{Mirror, OutboxItem, WindowPolicy};
use licadm::secret::Secret;
use serde::Serialize;
use std::process::ExitCode;

/// The mirror of this portal and token, in the cache directory.
pub fn open_mirror_for(client: &ApiClient, policy: WindowPolicy) -> anyhow::Result<Mirror> {
    let dir =
        Mirror::default_dir().context("no cache directory for the mirror: set LICADM_CACHE_DIR")?;
    let path = Mirror::path_for(&dir, client);
    Mirror::open(&path)
        .map(|mirror| mirror.with_window_policy(policy))
        .with_context(|| format!("cannot open the mirror {}", path.display()))
}

/// For the console (the token is known there, the client may not be built yet).
pub fn open_mirror(portal: &str, token: &Secret, policy: WindowPolicy) -> anyhow::Result<Mirror> {
    open_mirror_for(&ApiClient::new(portal, token.expose())?, policy)
}

#[derive(Serialize)]
struct SyncOutput<'a> {
    mirror: String,
    full: bool,
    cursor: i64,
    changes: Changes,
    outbox: OutboxOutput<'a>,
}

#[derive(Serialize)]
struct Changes {
    organizations: u64,
    activations: u64,
    seats: u64,
    capacity: u64,
    catalog: u64,
    devices: u64,
    events: u64,
    deleted: u64,
}

#[derive(Serialize)]
struct OutboxOutput<'a> {
    sent: u32,
    pending: usize,
    conflicts: Vec<Conflict<'a>>,
}

#[derive(Serialize)]
struct Conflict<'a> {
    id: i64,
    action: &'a licadm::mirror::OutboxAction,
    message: Option<&'a str>,
}

fn conflicts(items: &[OutboxItem]) -> Vec<Conflict<'_>> {
    items
        .iter()
        .map(|item| Conflict {
            id: item.id,
            action: &item.action,
            message: item.message.as_deref(),
        })
        .collect()
}

pub async fn run(client: &ApiClient, out: OutputArgs, policy: WindowPolicy) -> ExitCode {
    let path = Mirror::default_dir().map(|dir| Mirror::path_for(&dir, client));
    let existed = path.as_ref().is_some_and(|p| p.exists());
    let mirror = match open_mirror_for(client, policy) {
        Ok(mirror) => mirror,
        Err(e) => {
            eprintln!("licadm: {e:#}");
            return ExitCode::from(2);
        }
    };
    let progress = |p: licadm::mirror::sync::SyncProgress| {
        super::scripting::progress(&format!("sync: {} objects", p.received));
    };
    let result = sync_once(client, &mirror, &progress).await;
    super::scripting::progress_done();
    let failed = match result {
        Ok(report) => return print(&mirror, &report, out),
        Err(SyncError::Client(e)) if e.is_connection() => {
            let kept = if existed {
                "; the mirror keeps its data"
            } else {
                ""
            };
            eprintln!("licadm: {e}{kept}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("licadm: sync failed: {e}");
            ExitCode::from(1)
        }
    };
    // A first sync that got nothing leaves nothing behind (no empty mirror files).
    if !existed && let Some(path) = path {
        let empty = mirror
            .state()
            .is_ok_and(|state| state.epoch.is_none() && !state.complete)
            && mirror.outbox().is_ok_and(|items| items.is_empty());
        drop(mirror);
        if empty {
            remove_mirror_files(&path);
        }
    }
    failed
}

/// The mirror's SQLite file and its journal files.
fn remove_mirror_files(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(name));
    }
}

fn print(mirror: &Mirror, report: &SyncReport, out: OutputArgs) -> ExitCode {
    let c = report.counts;
    if out.json {
        let output = SyncOutput {
            mirror: mirror.path().display().to_string(),
            full: report.full,
            cursor: report.cursor,
            changes: Changes {
                organizations: c.organizations,
                activations: c.activations,
                seats: c.seats,
                capacity: c.capacity,
                catalog: c.catalog,
                devices: c.devices,
                events: c.events,
                deleted: c.deleted,
            },
            outbox: OutboxOutput {
                sent: report.flush.sent,
                pending: report.flush.pending,
                conflicts: conflicts(&report.flush.conflicts),
            },
        };
        match serde_json::to_string_pretty(&output) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("licadm: {e}"),
        }
    } else {
        let kind = if report.full { "full sync" } else { "delta" };
        println!(
            "{kind}: {} changed ({} activations, {} seats, {} organizations, {} capacity, {} prices/products, {} devices, {} events, {} deleted); cursor {}",
            c.total(),
            c.activations,
            c.seats,
            c.organizations,
            c.capacity,
            c.catalog,
            c.devices,
            c.events,
            c.deleted,
            report.cursor
        );
        println!(
            "outbox: {} sent, {} refused, {} waiting",
            report.flush.sent,
            report.flush.conflicts.len(),
            report.flush.pending
        );
        for item in &report.flush.conflicts {
            println!(
                "refused #{}: {:?}: {}",
                item.id,
                item.action,
                item.message.as_deref().unwrap_or_default()
            );
        }
        println!("mirror: {}", mirror.path().display());
    }
    if report.flush.conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
