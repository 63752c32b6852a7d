//! Time from `licadm` start to the first drawn page of activations, on an already
//! seeded data directory (the embedded default), measured in a real pseudo-terminal.
//!
//! `cargo bench --bench startup` (env `LICADM_BENCH_RUNS`, default 20).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::pty::PtyConsole;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("LICADM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let data = tempfile::tempdir().expect("temp data dir");
    let data_dir = data.path().to_string_lossy().to_string();
    let env = [
        ("LANG", "ru_RU.UTF-8"),
        ("LICADM_DATA_DIR", data_dir.as_str()),
    ];

    // The first start seeds the demo store; it is not measured.
    let seed_start = Instant::now();
    let mut first = PtyConsole::spawn(&[], &env, 80, 24);
    first.wait_for_text("Стр. 1 из", Duration::from_secs(60));
    let seeding = seed_start.elapsed();
    first.send("q");
    first.wait_exit(Duration::from_secs(10));
    drop(first);

    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let mut console = PtyConsole::spawn(&[], &env, 80, 24);
        // A page is drawn when a money cell of a row is on screen.
        console.wait_for("first page", Duration::from_secs(10), |s| {
            s.contains("Стр. 1 из") && s.contains('₽')
        });
        times.push(t.elapsed());
        console.send("q");
        console.wait_exit(Duration::from_secs(10));
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "first start (seeding the demo store): {:.0} ms",
        ms(seeding)
    );
    println!(
        "start → first drawn page over {runs} runs: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[((times.len() as f64 - 1.0) * 0.95).round() as usize]),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
}
