//! End to end: a column hidden in the real console stays hidden after a restart (the
//! choice lives in `LICADM_STATE_DIR`), with the embedded portal in a temp directory.

use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// The table's header line: the one that names the licenses column.
fn header(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("Licenses") && l.contains("No."))
        .unwrap_or_default()
        .to_string()
}

fn start(env: &[(&str, &str)]) -> PtyConsole {
    let console = PtyConsole::spawn(&[], env, 100, 30);
    console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && s.contains('₽')
    });
    console
}

#[test]
fn a_hidden_column_stays_hidden_after_a_restart() {
    let data = tempfile::tempdir().expect("data dir");
    let state = tempfile::tempdir().expect("state dir");
    let data_dir = data.path().to_string_lossy().to_string();
    let state_dir = state.path().to_string_lossy().to_string();
    let env = [
        ("LANG", "en_US.UTF-8"),
        ("LC_ALL", ""),
        ("LC_MESSAGES", ""),
        ("LICADM_DATA_DIR", data_dir.as_str()),
        ("LICADM_STATE_DIR", state_dir.as_str()),
    ];

    let mut console = start(&env);
    let screen = console.screen();
    assert!(header(&screen).contains("Vendor"), "{screen}");
    console.send("C");
    console.wait_for_text("Columns: Activations", WAIT);
    console.send("jjj ");
    console.wait_for_text("[ ] Vendor", WAIT);
    console.send("\r");
    let screen = console.wait_for("the list without the vendor column", WAIT, |s| {
        !s.contains("Columns:") && !header(s).is_empty() && !header(s).contains("Vendor")
    });
    assert!(
        !screen.contains("Pay Kiosk") && !screen.contains("PP-Electro"),
        "vendor cells are gone too:\n{screen}"
    );
    console.send("q");
    assert!(console.wait_exit(WAIT).is_some_and(|s| s.success()));
    let saved = std::fs::read_to_string(state.path().join("state.toml")).expect("state file");
    assert!(saved.contains("\"vendor\""), "{saved}");

    let mut again = start(&env);
    let screen = again.screen();
    let head = header(&screen);
    assert!(!head.is_empty() && !head.contains("Vendor"), "{screen}");
    assert!(
        head.contains("Organization") && head.contains("Order date"),
        "{head}"
    );
    again.send("q");
    assert!(again.wait_exit(WAIT).is_some_and(|s| s.success()));
}
