//! Bytes the console writes to the terminal per key (issue 14), measured in a
//! pseudo-terminal at 80×24 with the default theme: a row move, a row move that scrolls
//! the table, a page flip, opening the detail and going back, each screen switch, a
//! filter, a search and an idle second. For each: median and max bytes, the median and
//! worst overhead (bytes beyond the changed cells' text, as a share of the frame) and how
//! many frames were over 25%, next to `less` scrolling one line and one page of the same
//! table as plain text.
//!
//! `cargo bench --bench terminal_bytes` (env `LICADM_BENCH_RUNS`, default 20; with
//! `LICADM_TEST_BIN` the debug binary: `cargo test --bench terminal_bytes -- --bench`).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;
use support::portal_process::PortalProcess;
use support::pty::PtyConsole;

const WAIT: Duration = Duration::from_secs(20);

/// Waits until the output has been quiet for `quiet`, then returns its length (a
/// benchmark of bytes, not of time: a quiet period is what it measures between).
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

/// One key's frames: bytes written, and the share of them beyond the text of the
/// cells that changed on screen (0 when a scroll carried rows for less than their text).
struct Sample {
    bytes: usize,
    overhead: f64,
}

/// Presses `key` after `prepare` (not measured), `runs` times, once the screen has
/// settled each time.
fn measure(console: &mut PtyConsole, prepare: &str, key: &str, runs: usize) -> Vec<Sample> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        if !prepare.is_empty() {
            console.send(prepare);
        }
        let before = settle(console, Duration::from_millis(150));
        let screen_before = console.cells();
        console.send(key);
        let after = settle(console, Duration::from_millis(150));
        let changed = support::pty::changed_text(&screen_before, &console.cells());
        let bytes = after - before;
        // `LICADM_BENCH_DUMP=1`: each frame's raw bytes, to see where the overhead goes;
        // `=2` also the screens before and after.
        if std::env::var_os("LICADM_BENCH_DUMP").is_some() {
            let raw = console.raw_since(before);
            eprintln!(
                "{key:?} {bytes} B, text {changed}: {:?}",
                String::from_utf8_lossy(&raw)
            );
            if std::env::var_os("LICADM_BENCH_DUMP").is_some_and(|v| v == "2") {
                eprintln!(
                    "before:\n{}\nafter:\n{}",
                    screen_before.contents(),
                    console.cells().contents()
                );
            }
        }
        // `LICADM_BENCH_SCREENS=DIR`: the screens before and after each key, as the
        // bytes that draw them (vt100's `state_formatted`), for replaying frames
        // through the backend alone (`backend::tests::replay::replay_bench_screens`).
        if let Some(dir) = std::env::var_os("LICADM_BENCH_SCREENS") {
            save_screens(
                std::path::Path::new(&dir),
                key,
                &screen_before,
                &console.cells(),
            );
        }
        let overhead = if bytes == 0 {
            0.0
        } else {
            bytes.saturating_sub(changed) as f64 / bytes as f64
        };
        samples.push(Sample { bytes, overhead });
    }
    samples
}

/// Writes `NNNN-KEY.before` and `.after` into `dir`, numbered in the order measured.
fn save_screens(dir: &std::path::Path, key: &str, before: &vt100::Screen, after: &vt100::Screen) {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let name: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    std::fs::create_dir_all(dir).expect("screens dir");
    for (suffix, screen) in [("before", before), ("after", after)] {
        let file = dir.join(format!("{n:04}-{name}.{suffix}"));
        std::fs::write(file, screen.state_formatted()).expect("write screen");
    }
}

/// The issue's bound on what a frame carries beyond its changed cells' text.
const OVERHEAD_TARGET: f64 = 0.25;

fn row(name: &str, samples: &[Sample], less: &str) {
    let bytes: Vec<usize> = samples.iter().map(|s| s.bytes).collect();
    let mut overheads: Vec<f64> = samples.iter().map(|s| s.overhead).collect();
    overheads.sort_by(f64::total_cmp);
    let worst = overheads.last().copied().unwrap_or(0.0);
    let typical = overheads.get(overheads.len() / 2).copied().unwrap_or(0.0);
    let over = overheads.iter().filter(|&&o| o > OVERHEAD_TARGET).count();
    println!(
        "| {name} | {} | {} | {:.0}% | {:.0}% | {over} of {} | {less} |",
        median(bytes.clone()),
        bytes.iter().max().unwrap_or(&0),
        typical * 100.0,
        worst * 100.0,
        samples.len(),
    );
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
        &["--portal", &portal.url, "--token", &token, "--no-mirror"],
        &[("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")],
        80,
        24,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    // Rows: j moves down within a 25-row page; alternate j/k so the selection stays on it.
    let mut row_moves = measure(&mut console, "", "j", runs / 2);
    row_moves.extend(measure(&mut console, "", "k", runs / 2));
    // To the last visible row (17 at 80×24): each j now scrolls the table; `g` (first
    // row) between runs brings it back, unmeasured.
    let to_bottom = "j".repeat(16);
    let scrolls = measure(&mut console, &format!("g{to_bottom}"), "j", runs);
    let mut page_flips = measure(&mut console, "", "]", runs / 2);
    page_flips.extend(measure(&mut console, "", "[", runs / 2));
    let open_detail = measure(&mut console, "", "\r", 1);
    let back = measure(&mut console, "", "\x1b", 1);
    let mut opens = open_detail;
    let mut backs = back;
    for _ in 1..runs.min(10) {
        opens.extend(measure(&mut console, "", "\r", 1));
        backs.extend(measure(&mut console, "", "\x1b", 1));
    }
    // Each switch from the screen it is usually reached from: 2, 3 and 4 from the
    // list (Keys takes digits as text: Esc leaves it), 1 from Seats.
    let mut switches = Vec::new();
    for (from, key, name) in [
        ("1", "2", "screen 2 (seats)"),
        ("1", "3", "screen 3 (license info)"),
        ("\x1b", "4", "screen 4 (keys)"),
        ("\x1b2", "1", "screen 1 (activations)"),
    ] {
        switches.push((name, measure(&mut console, from, key, runs.min(10))));
        if key == "4" {
            console.send("\x1b");
        }
    }
    console.send("1");
    // A filter: `s` opens the status picker, typing narrows it, Enter applies; two
    // statuses in turn, so each Enter changes the list.
    let mut filters = Vec::new();
    for _ in 0..runs.min(10) / 2 {
        filters.extend(measure(&mut console, "sОшиб", "\r", 1));
        filters.extend(measure(&mut console, "sВыпол", "\r", 1));
    }
    // Search: `/` and the text, then Enter.
    let searches = measure(&mut console, "\x1b/АЛЬСТЕР", "\r", runs.min(10));
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
            let line: Vec<usize> = measure(&mut pager, "", "j", runs)
                .iter()
                .map(|s| s.bytes)
                .collect();
            let page: Vec<usize> = measure(&mut pager, "", " ", runs.min(10))
                .iter()
                .map(|s| s.bytes)
                .collect();
            (median(line), median(page))
        }
        None => (0, 0),
    };

    println!(
        "| key | licadm median bytes | max | overhead (median) | overhead (worst) | frames over 25% | less median bytes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    row("↓ row move", &row_moves, &format!("{less_line} (`j`)"));
    row(
        "↓ row move that scrolls the table",
        &scrolls,
        &format!("{less_line} (`j`)"),
    );
    row(
        "PgDn/PgUp page flip (`]`/`[`)",
        &page_flips,
        &format!("{less_page} (`space`)"),
    );
    row("Enter (open the detail)", &opens, "");
    row("Esc (back to the list)", &backs, "");
    for (name, samples) in &switches {
        row(name, samples, "");
    }
    row("status filter (picker, Enter)", &filters, "");
    row("search (Enter)", &searches, "");
    println!("| idle second | {idle} | | | | | |");
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
