//! End to end, the real console in a pseudo-terminal: key overrides from the config
//! file (and a broken one reported on stderr and the status line), the `:` palette,
//! and `--mouse` turning mouse capture on and, on exit, off again.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

fn start(config: Option<&std::path::Path>, extra: &[&str]) -> (PortalProcess, PtyConsole) {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut args = vec!["--portal", portal.url.as_str(), "--token", token.as_str()];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.into_iter().map(str::to_string).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = config.map(|p| p.display().to_string());
    let mut env = vec![("LANG", "en_US.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
    if let Some(config) = &config {
        env.push(("LICADM_CONFIG", config.as_str()));
    }
    let console = PtyConsole::spawn(&args, &env, 100, 30);
    (portal, console)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn config_overrides_move_keys_and_a_broken_entry_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[keys]\n\"list.quit\" = \"F10\"\n\"list.refresh\" = \"F55\"\n",
    )
    .unwrap();
    let (_portal, mut console) = start(Some(&path), &["--no-mirror"]);
    // A whole frame: the status line (last row) is drawn after the list, and a read
    // can land between the two.
    let screen = console.wait_for("the list", WAIT, |s| {
        s.contains("Page 1 of") && s.lines().last().is_some_and(|l| !l.trim().is_empty())
    });
    assert!(
        screen.contains("config.toml:3: [keys] \"list.refresh\""),
        "the status line names file, line and key:\n{screen}"
    );
    // Printed before the alternate screen, so it stays in the scrollback.
    assert!(contains(&console.raw_since(0), b"\"F55\" is not a key"));
    console.send("q");
    assert!(
        console.wait_exit(Duration::from_millis(800)).is_none(),
        "q no longer quits"
    );
    console.send(":");
    console.wait_for_text("Commands", WAIT);
    console.send("\x1b");
    console.wait_for("the palette closed", WAIT, |s| !s.contains("Commands"));
    console.send("\x1b[21~"); // F10
    assert!(console.wait_exit(WAIT).is_some(), "F10 quits");
}

#[test]
fn mouse_capture_only_with_the_flag_and_restored_on_exit() {
    let (_portal, mut console) = start(None, &["--no-mirror", "--mouse"]);
    console.wait_for("the list", WAIT, |s| s.contains("Page 1 of"));
    assert!(contains(&console.raw_since(0), b"\x1b[?1000h"));
    // A wheel turn down (SGR encoding) moves the selection: the list still answers.
    console.send("\x1b[<65;10;8M");
    console.send("q");
    assert!(console.wait_exit(WAIT).is_some());
    assert!(
        contains(&console.raw_since(0), b"\x1b[?1000l"),
        "mouse capture turned off on exit"
    );

    let (_portal, mut plain) = start(None, &["--no-mirror"]);
    plain.wait_for("the list", WAIT, |s| s.contains("Page 1 of"));
    plain.send("q");
    assert!(plain.wait_exit(WAIT).is_some());
    assert!(!contains(&plain.raw_since(0), b"\x1b[?1000h"));
}
