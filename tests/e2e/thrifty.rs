//! End to end, bytes on the wire (issue 6): moving the selection one row at 80×24 with
//! the default theme stays small, and an idle console writes nothing. A byte-count
//! guard against regressions, not a benchmark (`cargo bench --bench terminal_bytes`
//! measures the medians).

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const QUIET: Duration = Duration::from_millis(300);
/// Twice the target (300 bytes): generous, so only a real regression trips it.
const ROW_MOVE_LIMIT: usize = 600;

#[test]
fn a_row_move_is_a_few_hundred_bytes_and_idle_writes_nothing() {
    // The worker never completes anything, so nothing on screen changes by itself.
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
    let mut sizes = Vec::new();
    for key in ["j", "j", "k", "j"] {
        let before = console.settle(QUIET, WAIT);
        let (row, _) = console.cursor();
        console.send(key);
        let moved_to = if key == "j" { row + 1 } else { row - 1 };
        // The cursor sits on the selection, so it tells when the frame has arrived.
        cursor_on_row(&console, moved_to);
        let after = console.settle(QUIET, WAIT);
        let frame = console.raw_since(before);
        assert!(
            frame.ends_with(b"\x1b[?2026l"),
            "a frame is one synchronized update: {:?}",
            String::from_utf8_lossy(&frame)
        );
        sizes.push(after - before);
    }
    eprintln!("bytes per row move: {sizes:?}");
    assert!(
        sizes.iter().all(|&n| n > 0 && n <= ROW_MOVE_LIMIT),
        "bytes per row move {sizes:?} (limit {ROW_MOVE_LIMIT})"
    );

    let before = console.settle(QUIET, WAIT);
    // Two seconds of nothing is what is being checked: no timer, no redraw.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        console.raw_len() - before,
        0,
        "an idle console wrote {:?}",
        String::from_utf8_lossy(&console.raw_since(before))
    );
    console.send("q");
    assert!(console.wait_exit(WAIT).is_some_and(|s| s.success()));
}

/// Waits until the terminal cursor is on `row`.
fn cursor_on_row(console: &PtyConsole, row: u16) {
    if crate::support::wait_until(WAIT, || (console.cursor().0 == row).then_some(())).is_none() {
        panic!(
            "the cursor never reached row {row}; the screen is:\n{}",
            console.screen()
        );
    }
}
