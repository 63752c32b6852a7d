//! The console side of a big precheck: paste 10 000 serials into the real console in a
//! pseudo-terminal (bracketed paste), press F5, and stop the clock when the precheck
//! table's summary is drawn. Portal: a real `licadm serve` with 100 002 devices.
//!
//! `cargo bench --bench paste_precheck` (env `LICADM_BENCH_RUNS`, default 5).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::portal_process::PortalProcess;
use support::pty::PtyConsole;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("LICADM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let seeding = Instant::now();
    // 33 334 activations → 100 002 devices; the worker stays idle.
    let portal = PortalProcess::start_demo(&["--scale", "33334", "--worker-delay-ms", "3600000"]);
    eprintln!(
        "portal with 100 002 devices up in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let found = licadm::portal::demo_serials(&portal.db, 5_000).expect("demo serials");
    let serials: Vec<String> = found.ok.values().flatten().take(10_000).cloned().collect();
    assert_eq!(serials.len(), 10_000, "need 10 000 ok serials");
    let text = serials.join("\n");
    let token = portal.token("admin", &[]);

    let mut paste_times = Vec::new();
    let mut table_times = Vec::new();
    for _ in 0..runs {
        let mut console = PtyConsole::spawn(
            &["--portal", &portal.url, "--token", &token],
            &[("LANG", "ru_RU.UTF-8")],
            100,
            30,
        );
        console.wait_for("the list", Duration::from_secs(20), |s| {
            s.contains("Стр. 1 из") && s.contains('₽')
        });
        console.send("a");
        console.wait_for_text("Выбор организации", Duration::from_secs(10));
        console.send("\r");
        console.wait_for_text("Серийные номера", Duration::from_secs(10));

        let start = Instant::now();
        console.send(&format!("\x1b[200~{text}\x1b[201~"));
        console.wait_for_text("10000 номеров", Duration::from_secs(60));
        let pasted = start.elapsed();
        console.send("\x1b[15~");
        console.wait_for_text("К активации: 10000", Duration::from_secs(60));
        table_times.push(start.elapsed());
        paste_times.push(pasted);
        console.send("\x1b[19~"); // F8 discards the flow
        drop(console);
    }
    paste_times.sort();
    table_times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "paste 10 000 serials → counted: median {:.0} ms (min {:.0}, max {:.0})",
        ms(paste_times[runs / 2]),
        ms(paste_times[0]),
        ms(paste_times[runs - 1])
    );
    println!(
        "paste → precheck table drawn: median {:.0} ms (min {:.0}, max {:.0}) over {runs} runs",
        ms(table_times[runs / 2]),
        ms(table_times[0]),
        ms(table_times[runs - 1])
    );
}
