//! Issue 12, end to end in a real terminal: the console at 80×22 (tmux or screen takes
//! a row of 80×24), the sync age that keeps counting by itself, and the precheck's
//! error rows saved to a file whose path starts with `~`.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const F5: &str = "\x1b[15~";

fn paste(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

fn console(
    portal: &PortalProcess,
    extra: &[&str],
    env: &[(&str, &str)],
    cols: u16,
    rows: u16,
) -> PtyConsole {
    let token = portal.token("admin", &[]);
    let mut args = vec!["--portal", portal.url.as_str(), "--token", token.as_str()];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.into_iter().map(str::to_string).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    PtyConsole::spawn(&args, env, cols, rows)
}

#[test]
fn the_console_runs_at_80x22_and_says_so_at_80x21() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let mut at_22 = console(
        &portal,
        &["--no-mirror"],
        &[("LANG", "ru_RU.UTF-8")],
        80,
        22,
    );
    let screen = at_22.wait_for("the list at 80×22", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    let lines: Vec<&str> = screen.lines().collect();
    assert!(
        lines.last().is_some_and(|l| l.contains("подключено")),
        "the status line is the last row:\n{screen}"
    );
    assert!(!screen.contains("слишком маленькое"), "{screen}");
    at_22.send("q");
    assert!(at_22.wait_exit(WAIT).is_some());

    let mut at_21 = console(
        &portal,
        &["--no-mirror"],
        &[("LANG", "ru_RU.UTF-8")],
        80,
        21,
    );
    at_21.wait_for_text("нужно не меньше 80×22 (сейчас 80×21)", WAIT);
    at_21.send("q");
    assert!(at_21.wait_exit(WAIT).is_some());
}

#[test]
fn the_sync_age_counts_by_itself() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    // A sync a minute: any change of the age in between is the clock's.
    let console = console(
        &portal,
        &["--sync-interval", "60"],
        &[("LANG", "en_US.UTF-8")],
        100,
        30,
    );
    console.wait_for_text("synced 0 s ago", WAIT);
    let later = console.wait_for("the age to grow without a key", WAIT, |s| {
        ["synced 2 s ago", "synced 3 s ago", "synced 4 s ago"]
            .iter()
            .any(|t| s.contains(t))
    });
    assert!(later.contains("online"), "{later}");
}

#[test]
fn the_error_rows_are_saved_to_a_path_with_a_tilde() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("demo serials");
    let good = serials
        .ok
        .get("pay-kiosk")
        .and_then(|v| v.first())
        .cloned()
        .expect("an ok serial");
    let home = tempfile::tempdir().expect("home");
    let home_path = home.path().to_string_lossy().into_owned();
    let mut console = console(
        &portal,
        &[],
        &[("LANG", "en_US.UTF-8"), ("HOME", &home_path)],
        100,
        30,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Page 1 of") && s.contains('₽')
    });
    console.send("a");
    console.wait_for_text("Choose the organization", WAIT);
    console.send("\r");
    console.wait_for_text("Serial numbers", WAIT);
    // A 17-digit token and an unknown serial: two error rows.
    console.send(&paste(&format!(
        "{good}\n02393427489065700\n1007512879004126\n"
    )));
    console.wait_for_text("Line 2", WAIT);
    console.send(F5);
    let table = console.wait_for_text("with errors: 2", WAIT);
    assert!(
        table.contains("023934274890657…"),
        "the 17-digit token is marked as cut:\n{table}"
    );
    console.send("w");
    console.wait_for_text("Rows with errors to file: precheck-errors.tsv", WAIT);
    console.send(&"\x7f".repeat("precheck-errors.tsv".len()));
    console.send("~/errors.tsv\r");
    let expected = home.path().join("errors.tsv");
    let saved = console.wait_for_text("File saved:", WAIT);
    assert!(
        saved.contains(&expected.display().to_string()),
        "the full path is shown:\n{saved}"
    );
    let contents = std::fs::read_to_string(&expected).expect("the file was written");
    let lines: Vec<&str> = contents.lines().collect();
    assert_eq!(lines.len(), 3, "{contents}");
    assert!(lines[1].starts_with("02393427489065700\t"), "{contents}");
    assert!(lines[2].starts_with("1007512879004126\t"), "{contents}");
}
