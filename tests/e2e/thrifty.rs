//! End to end, bytes on the wire (issues 6 and 14): moving the selection one row at
//! 80×24 with the default theme stays small — also when the table scrolls — an idle
//! console writes nothing, and data that is ready is drawn at once, without a frame
//! with a loading mark first. A byte-count
//! guard against regressions, not a benchmark (`cargo bench --bench terminal_bytes`
//! measures the medians).

use crate::support::portal_process::PortalProcess;
use crate::support::pty::{PtyConsole, text_and_overhead};
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

/// The console on the demo portal (nothing changes by itself), in `lang`, on the list.
fn on_the_list(portal: &PortalProcess, token: &str) -> PtyConsole {
    let console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", token, "--no-mirror"],
        &[("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")],
        80,
        24,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    console
}

#[test]
fn a_row_move_that_scrolls_the_table_is_one_small_frame() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut console = on_the_list(&portal, &token);
    // To the last visible row (17 rows at 80×24), then one more: the table scrolls.
    let (top, _) = console.cursor();
    for step in 1..=16 {
        console.send("j");
        cursor_on_row(&console, top + step);
    }
    let mut sizes = Vec::new();
    for _ in 0..3 {
        let before = console.settle(QUIET, WAIT);
        let first_row = row_text(&console, top);
        console.send("j");
        // The cursor stays on the last row; the first row changes when it scrolled.
        crate::support::wait_until(WAIT, || {
            (row_text(&console, top) != first_row).then_some(())
        })
        .unwrap_or_else(|| panic!("the table did not scroll:\n{}", console.screen()));
        let after = console.settle(QUIET, WAIT);
        let frame = console.raw_since(before);
        let (text, overhead) = text_and_overhead(&frame);
        eprintln!(
            "scrolling row move: {} bytes, {text} text, overhead {:.0}%",
            after - before,
            100.0 * overhead as f64 / frame.len().max(1) as f64
        );
        assert!(
            frame.starts_with(b"\x1b[?2026h") && frame.ends_with(b"\x1b[?2026l"),
            "one synchronized frame: {:?}",
            String::from_utf8_lossy(&frame)
        );
        sizes.push(after - before);
    }
    assert!(
        sizes.iter().all(|&n| n > 0 && n <= ROW_MOVE_LIMIT),
        "bytes per scrolling row move {sizes:?} (limit {ROW_MOVE_LIMIT})"
    );
}

#[test]
fn data_that_is_ready_is_drawn_without_a_loading_frame() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut console = on_the_list(&portal, &token);
    // At start: the first frame already has the rows.
    let start = String::from_utf8_lossy(&console.raw_since(0)).into_owned();
    assert!(
        !start.contains("загрузка"),
        "a loading frame at start: {start:?}"
    );
    // A page flip and the Seats screen, from a portal on loopback (answers in ms).
    for (key, shown) in [("]", "Стр. 2 из"), ("2", "Подписки")] {
        let before = console.settle(QUIET, WAIT);
        console.send(key);
        console.wait_for_text(shown, WAIT);
        console.settle(QUIET, WAIT);
        let frames = String::from_utf8_lossy(&console.raw_since(before)).into_owned();
        assert!(
            !frames.contains("загрузка"),
            "{key}: a frame with a loading mark before the data: {frames:?}"
        );
        assert_eq!(
            frames.matches("\x1b[?2026l").count(),
            1,
            "{key}: one frame, not two: {frames:?}"
        );
    }
}

fn row_text(console: &PtyConsole, row: u16) -> String {
    console
        .screen()
        .lines()
        .nth(usize::from(row))
        .unwrap_or_default()
        .to_string()
}

/// Issue 14: the console times the terminal's round trip once at start (`CSI 6n`) and,
/// on a slow link, says once on the status line how to go faster.
#[test]
fn a_slow_terminal_is_told_about_ssh_compression_once() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let args = ["--portal", &portal.url, "--token", &token, "--no-mirror"];
    let env = [("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
    // 400 ms: the round trip of the 56 kbit/s link in the issue was ~330 ms.
    let console = PtyConsole::spawn_far(&args, &env, 100, 24, Duration::from_millis(400));
    let screen = console.wait_for("the advice on the status line", WAIT, |s| {
        s.contains("ssh -C") && s.contains("Стр. 1 из")
    });
    let status = screen.lines().last().unwrap_or_default().to_string();
    assert!(status.contains("Медленная связь"), "{status}");
    // The probe is answered, not taken as keys: the list is still on page 1 and the
    // answer's bytes never reached a text field.
    assert!(!screen.contains("1;1R"), "{screen}");
}

/// Issue 14: a terminal that speaks the kitty keyboard protocol gets its
/// disambiguation flag pushed (Esc is then `CSI 27 u`, never the start of another
/// key) and popped on the way out; one that does not is never sent it.
#[test]
fn the_kitty_keyboard_flag_is_pushed_where_spoken_and_popped_on_exit() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let args = ["--portal", &portal.url, "--token", &token, "--no-mirror"];
    let env = [("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
    let mut console = PtyConsole::spawn_kitty(&args, &env, 100, 24);
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    let pushed = |c: &PtyConsole| c.raw_since(0).windows(5).any(|w| w == b"\x1b[>1u");
    console.wait_for("the flag pushed", WAIT, |_| pushed(&console));
    // Enter opens the detail; Esc as the protocol sends it goes back to the list.
    console.send("\r");
    console.wait_for_text("Серийный номер", WAIT);
    console.send("\x1b[27u");
    console.wait_for("back on the list", WAIT, |s| {
        s.contains("Стр. 1 из") && !s.contains("Серийный номер")
    });
    console.send("q");
    assert!(console.wait_exit(WAIT).is_some(), "q quits");
    let raw = console.raw_since(0);
    let popped = raw.windows(4).rposition(|w| w == b"\x1b[<u");
    let left = raw.windows(8).rposition(|w| w == b"\x1b[?1049l");
    assert!(
        matches!((popped, left), (Some(p), Some(l)) if p < l),
        "popped before leaving the alternate screen: {popped:?} {left:?}"
    );

    // A terminal that does not answer the query is never sent the flag.
    let plain = PtyConsole::spawn(&args, &env, 100, 24);
    plain.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    assert!(!pushed(&plain));
}

/// Issue 14: the backend sets tab stops of its own at a table's columns (a tab is a
/// one-byte move); the shell must get the default ones back — every 8 columns — on
/// Ctrl+Z and on quitting, and the console's own are set again after `fg`.
#[test]
fn the_default_tab_stops_are_back_on_suspend_and_on_exit() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut shell = PtyConsole::spawn_program(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[("PS1", "sh$ "), ("LANG", "ru_RU.UTF-8")],
        80,
        24,
    );
    shell.wait_for_text("sh$", WAIT);
    // A tab from column 0 ends at column 8 with the default stops.
    let tab_line = |s: &str| s.lines().any(|l| l.starts_with("a       b"));
    shell.send(&format!(
        "{} --portal {} --token {} --no-mirror\r",
        crate::support::licadm_bin(),
        portal.url,
        token
    ));
    shell.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    // Pages flipped: the frames use stops of their own.
    for (key, shown) in [("]", "Стр. 2 из"), ("]", "Стр. 3 из")] {
        shell.send(key);
        shell.wait_for_text(shown, WAIT);
    }
    let console_set =
        |shell: &PtyConsole| String::from_utf8_lossy(&shell.raw_since(0)).contains("\x1b[3g");
    assert!(console_set(&shell), "the console set tab stops of its own");
    shell.send("\x1a");
    shell.wait_for("the shell with the job stopped", WAIT, |s| {
        s.contains("sh$") && !s.contains("Стр. 3 из")
    });
    shell.send("clear; printf 'a\\tb\\n'\r");
    shell.wait_for("a tab at column 8 after Ctrl+Z", WAIT, tab_line);
    shell.send("fg\r");
    shell.wait_for("the console redrawn", WAIT, |s| s.contains("Стр. 3 из"));
    for (key, shown) in [("[", "Стр. 2 из"), ("]", "Стр. 3 из")] {
        shell.send(key);
        shell.wait_for_text(shown, WAIT);
    }
    // The screen after flips with the console's stops is the one a fresh draw gives:
    // each row's columns line up under the header.
    let screen = shell.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains('₽')).collect();
    assert!(rows.len() > 10, "{screen}");
    let column = |l: &str, c: char| l.chars().position(|x| x == c);
    let first = column(rows[0], '₽');
    assert!(
        rows.iter().all(|r| column(r, '₽') == first),
        "the sums line up:\n{screen}"
    );
    shell.send("q");
    shell.wait_for("the shell after quitting", WAIT, |s| {
        !s.contains("Стр. 3 из")
    });
    shell.send("clear; printf 'a\\tb\\n'\r");
    shell.wait_for("a tab at column 8 after quitting", WAIT, tab_line);
    shell.send("exit\r");
}
