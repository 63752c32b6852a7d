//! Bytes the console writes to the terminal, measured in a pseudo-terminal at 80×24 with
//! the default theme: moving the selection one row, flipping a page, an idle second —
//! next to `less` scrolling one line and one page of the same table as plain text.
//!
//! `cargo bench --bench terminal_bytes` (env `LICADM_BENCH_RUNS`, default 20).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;
use support::portal_process::PortalProcess;
use support::pty::PtyConsole;

const WAIT: Duration = Duration::from_secs(20);

/// Waits until the output has been quiet for `quiet`, then returns its length.
fn settle(console: &PtyConsole, quiet: Duration) -> usize {
    let mut last = console.raw_len();
    loop {
        std::thread::sleep(quiet);
        let now = console.raw_len();
        if now == last {
            return now;
        }
        last = now;
    }
}

fn median(mut v: Vec<usize>) -> usize {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Bytes written for each press of `key`, once the screen has settled.
fn per_key(console: &mut PtyConsole, key: &str, runs: usize) -> Vec<usize> {
    let mut sizes = Vec::with_capacity(runs);
    for _ in 0..runs {
        let before = settle(console, Duration::from_millis(150));
        console.send(key);
        let after = settle(console, Duration::from_millis(150));
        sizes.push(after - before);
    }
    sizes
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("LICADM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", &token],
        &[("LANG", "ru_RU.UTF-8")],
        80,
        24,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    // Rows: j moves down within a 25-row page; alternate j/k so the selection stays on it.
    let mut row_moves = per_key(&mut console, "j", runs / 2);
    row_moves.extend(per_key(&mut console, "k", runs / 2));
    let mut page_flips = per_key(&mut console, "]", runs / 2);
    page_flips.extend(per_key(&mut console, "[", runs / 2));
    let before_idle = settle(&console, Duration::from_millis(200));
    std::thread::sleep(Duration::from_secs(1));
    let idle = console.raw_len() - before_idle;

    // The same table as plain text in `less`.
    let table = std::process::Command::new(support::licadm_bin())
        .args([
            "activations",
            "list",
            "--all",
            "--portal",
            &portal.url,
            "--token",
            &token,
        ])
        .env("LICADM_CONFIG", "/nonexistent")
        .output()
        .expect("licadm activations list");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("table.txt");
    std::fs::write(&file, &table.stdout).expect("write table");
    let less = which_less();
    let (less_line, less_page) = match &less {
        Some(less) => {
            let mut pager = PtyConsole::spawn_program(
                less,
                &[file.to_string_lossy().as_ref()],
                &[("LANG", "C.UTF-8"), ("LESSCHARSET", "utf-8")],
                80,
                24,
            );
            pager.wait_for("less shows the table", WAIT, |s| s.contains("NUMBER"));
            (
                median(per_key(&mut pager, "j", runs)),
                median(per_key(&mut pager, " ", runs.min(10))),
            )
        }
        None => (0, 0),
    };

    println!("| action | licadm median bytes | max | less median bytes |");
    println!("|---|---:|---:|---:|");
    println!(
        "| move the selection one row | {} | {} | {} (one line) |",
        median(row_moves.clone()),
        row_moves.iter().max().unwrap_or(&0),
        less_line
    );
    println!(
        "| flip a page | {} | {} | {} (one page) |",
        median(page_flips.clone()),
        page_flips.iter().max().unwrap_or(&0),
        less_page
    );
    println!("| idle second | {idle} | | |");
    if less.is_none() {
        println!("(less is not installed: its column is 0)");
    }
}

fn which_less() -> Option<String> {
    ["/usr/bin/less", "/bin/less"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(String::from)
}
