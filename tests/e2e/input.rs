//! Every key goes where the user meant (issue 12), on the real binary in a pty against
//! a portal process; the portal's own store (its audit log) says whether anything
//! changed.

use crate::support;
use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use licadm::client::ApiClient;
use licadm::client::wire::{SeatQuery, SeatStatus};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A demo portal (its worker idle) and an admin token.
fn portal() -> (PortalProcess, String) {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    (portal, token)
}

/// Where the console may write (downloads, remembered columns): never the developer's.
struct Dirs {
    downloads: tempfile::TempDir,
    state: tempfile::TempDir,
}

impl Dirs {
    fn new() -> Dirs {
        Dirs {
            downloads: tempfile::tempdir().expect("downloads dir"),
            state: tempfile::tempdir().expect("state dir"),
        }
    }
}

/// The console, English UI, every write straight to the portal (no mirror, no outbox).
fn console(portal: &PortalProcess, token: &str, dirs: &Dirs, lang: &str) -> PtyConsole {
    let downloads = dirs.downloads.path().display().to_string();
    let state = dirs.state.path().display().to_string();
    let console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", token, "--no-mirror"],
        &[
            ("LANG", lang),
            ("LICADM_DOWNLOAD_DIR", &downloads),
            ("LICADM_STATE_DIR", &state),
        ],
        100,
        30,
    );
    console.wait_for("the list", WAIT, |s| {
        (s.contains("Page 1 of") || s.contains("Стр. 1 из")) && s.contains('₽')
    });
    console
}

/// The audit log's size and its newest entries («action object»), from the store.
fn audit(db: &Path) -> (i64, Vec<String>) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the portal's store");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("count the audit log");
    let mut newest = conn
        .prepare("SELECT action || ' ' || object FROM audit ORDER BY id DESC LIMIT 10")
        .expect("audit query");
    let newest = newest
        .query_map([], |r| r.get::<_, String>(0))
        .expect("read the audit log")
        .filter_map(Result::ok)
        .collect();
    (count, newest)
}

/// The table rows of the seats list.
fn seat_rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .filter(|l| {
            l.starts_with("   ") && l.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        .collect()
}

#[test]
fn the_issues_unbind_sequence_leaves_the_seat_bound() {
    // Seats, a bound seat selected, `b` (refused: only a free seat can be bound), then
    // the e-mail one meant to bind and Enter. It used to run as list keys: `u` opened
    // Unbind and Enter confirmed it (every `.ru` address ends in `u`).
    let (portal, token) = portal();
    let dirs = Dirs::new();
    let mut console = console(&portal, &token, &dirs, "ru_RU.UTF-8");
    console.send("2");
    let seats = console.wait_for("the seats", WAIT, |s| {
        s.contains("Управление подпиской") && seat_rows(s).iter().any(|l| l.contains(" привязана "))
    });
    let rows = seat_rows(&seats);
    let index = rows
        .iter()
        .position(|l| l.contains(" привязана "))
        .expect("a bound seat on the first page");
    let seat: i64 = rows[index]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the seat number");
    console.send(&"j".repeat(index));
    console.settle(Duration::from_millis(300), WAIT);
    let before = audit(&portal.db);

    console.send("b");
    console.send("x.user@alster.ru\r");
    // Everything typed has been read and answered.
    console.settle(Duration::from_millis(500), WAIT);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let query = SeatQuery {
        per_page: 100,
        ..SeatQuery::default()
    };
    let now = runtime
        .block_on(client.seats(&query))
        .expect("seats")
        .items
        .into_iter()
        .find(|s| s.id == seat)
        .expect("the seat");
    assert_eq!(now.status, SeatStatus::Bound, "seat {seat} is still bound");
    assert_eq!(audit(&portal.db), before, "nothing changed on the portal");
    let screen = console.screen();
    assert!(
        screen.contains("Привязать можно только свободное место"),
        "the refusal is shown:\n{screen}"
    );
}

#[test]
fn keys_that_arrive_together_are_read_one_at_a_time() {
    let (portal, token) = portal();
    let dirs = Dirs::new();
    let mut console = console(&portal, &token, &dirs, "en_US.UTF-8");
    // ESC and 2 in one read: Esc leaves the detail, 2 opens Seats (not Alt+2).
    console.send("\r");
    console.wait_for_text("Serial number", WAIT);
    console.send("\x1b2");
    console.wait_for_text("Subscription management", WAIT);

    // ESC ESC [19~ in one read is Esc then F8: the import prompt closes and F8 asks to
    // discard the new activation — nothing is typed into the serial list.
    console.send("1");
    console.wait_for_text("[1 Activations]", WAIT);
    console.send("a");
    console.wait_for_text("Choose the organization", WAIT);
    console.send("\r");
    console.wait_for_text("Serial numbers", WAIT);
    console.send("\x1b[200~0239110138900130\n\x1b[201~");
    console.wait_for_text("1 serial", WAIT);
    console.send("\x0f");
    console.wait_for_text("File .txt:", WAIT);
    console.send("\x1b\x1b[19~");
    let asked = console.wait_for_text("[ Discard ]", WAIT);
    assert!(!asked.contains("[19~"), "typed as text:\n{asked}");
    assert!(!asked.contains("File .txt:"), "the prompt closed:\n{asked}");
    console.send("\x1b");
    let kept = console.wait_for("the confirmation closed", WAIT, |s| {
        !s.contains("[ Discard ]")
    });
    assert!(
        kept.contains("0239110138900130") && !kept.contains("[19~"),
        "{kept}"
    );
}

#[test]
fn ctrl_z_suspends_and_fg_brings_the_screen_back() {
    let (portal, token) = portal();
    let mut shell = PtyConsole::spawn_program(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[("PS1", "sh$ "), ("LANG", "en_US.UTF-8")],
        100,
        30,
    );
    shell.wait_for_text("sh$", WAIT);
    shell.send(&format!(
        "{} --portal {} --token {} --no-mirror\r",
        support::licadm_bin(),
        portal.url,
        token
    ));
    shell.wait_for("the list", WAIT, |s| {
        s.contains("Page 1 of") && s.contains('₽')
    });
    shell.send("\x1a");
    let stopped = shell.wait_for("the shell with the job stopped", WAIT, |s| {
        s.contains("Stopped") && !s.contains("Page 1 of")
    });
    assert!(stopped.contains("sh$"), "{stopped}");
    shell.send("fg\r");
    shell.wait_for("the console redrawn", WAIT, |s| {
        s.contains("Page 1 of") && s.contains("[1 Activations]") && s.contains('₽')
    });
    // Keys work again: q quits back to the shell.
    shell.send("q");
    shell.wait_for("the shell after quitting", WAIT, |s| {
        !s.contains("Page 1 of")
    });
    shell.send("exit\r");
}

/// A small seeded generator (a 64-bit LCG): the same keys on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// `n` printable ASCII characters and Enters (about one in 16). `q` is left out:
    /// it is the quit key, and a quit changes nothing but would end the burst.
    fn keys(&mut self, n: usize) -> Vec<u8> {
        (0..n)
            .map(|_| match self.next() % 16 {
                0 => b'\r',
                _ => loop {
                    let c = 0x20 + u8::try_from(self.next() % 95).unwrap_or(0);
                    if c != b'q' {
                        break c;
                    }
                },
            })
            .collect()
    }
}

/// One step towards a screen or dialog: keys, then what the screen must show.
type Step = (String, Box<dyn Fn(&str) -> bool>);

fn step(keys: &str, shown: &'static str) -> Step {
    (keys.to_string(), Box::new(move |s: &str| s.contains(shown)))
}

/// A filter picked, and the page of rows that has it.
fn filtered(picked: &str, row_has: &'static str) -> Vec<Step> {
    vec![
        step(picked.get(..1).unwrap_or_default(), "Filter:"),
        (
            format!("{}\r", picked.get(1..).unwrap_or_default()),
            Box::new(move |s: &str| {
                let rows: Vec<&str> = s
                    .lines()
                    .filter(|l| {
                        l.starts_with("   ")
                            && l.trim_start().starts_with(|c: char| c.is_ascii_digit())
                    })
                    .collect();
                !rows.is_empty() && rows.iter().all(|l| l.contains(row_has))
            }),
        ),
    ]
}

/// Every screen and dialog, and how to reach it from the list.
fn targets(good: &str, bad: &str) -> Vec<(&'static str, Vec<Step>)> {
    let paste = |list: String| format!("\x1b[200~{list}\n\x1b[201~");
    let new = || {
        vec![
            step("a", "Choose the organization"),
            step("\r", "Serial numbers"),
        ]
    };
    let with = |mut steps: Vec<Step>, more: Vec<Step>| {
        steps.extend(more);
        steps
    };
    let good_list = || step(&paste(good.to_string()), "1 serial");
    let with_error = || step(&paste(format!("{good}\n{bad}")), "2 serials");
    let seats = || step("2", "Subscription management");
    let precheck = || step("\x1b[15~", "To activate:");
    vec![
        ("activations list", vec![]),
        ("activation detail", vec![step("\r", "Serial number")]),
        ("history", vec![step("h", "History")]),
        (
            // The confirmation, or the notice when this error is one a retry cannot
            // mend (the vendor refused a serial for good).
            "retry confirmation",
            with(
                filtered("serror", " Error "),
                vec![(
                    "R".to_string(),
                    Box::new(|s: &str| s.contains("[ Retry ]") || s.contains("Not possible")),
                )],
            ),
        ),
        ("page prompt", vec![step("#", "Page (1")]),
        ("organization picker", vec![step("o", "Filter:")]),
        ("column chooser", vec![step("C", "Columns")]),
        ("command palette", vec![step(":", "Commands")]),
        ("help", vec![step("?", "Esc or ? closes")]),
        ("seats", vec![seats()]),
        (
            "bind dialog",
            with(
                with(vec![seats()], filtered("sfree", " free ")),
                vec![step("b", "Bind seat")],
            ),
        ),
        (
            "unbind confirmation",
            with(
                with(vec![seats()], filtered("sbound", " bound ")),
                vec![step("u", "[ Unbind ]")],
            ),
        ),
        (
            "refusal notice",
            with(
                with(vec![seats()], filtered("sbound", " bound ")),
                vec![step("b", "Not possible")],
            ),
        ),
        ("bulk bind", vec![seats(), step("B", "Bulk bind")]),
        ("capacity", vec![step("3", "User accounts")]),
        (
            "emergency license",
            vec![step("3", "User accounts"), step("e", "Rules:")],
        ),
        (
            "emergency confirmation",
            vec![
                step("3", "User accounts"),
                step("e", "Rules:"),
                step("\r", "[ Request ]"),
            ],
        ),
        ("keys: online", vec![step("4", "Online")]),
        (
            "keys: request file",
            vec![step("4", "Online"), step("\x1b[13~", "Request file")],
        ),
        (
            "keys: import",
            vec![
                step("4", "Online"),
                step("\x1b[14~", "Activation from a file"),
            ],
        ),
        (
            "new activation: organization",
            vec![step("a", "Choose the organization")],
        ),
        ("new activation: serials", new()),
        (
            "new activation: precheck",
            with(new(), vec![with_error(), precheck()]),
        ),
        (
            "delete confirmation",
            with(
                new(),
                vec![with_error(), precheck(), step("D", "[ Delete ]")],
            ),
        ),
        (
            "activate confirmation",
            with(
                new(),
                vec![good_list(), precheck(), step("A", "[ Activate ]")],
            ),
        ),
        (
            "discard confirmation",
            with(new(), vec![good_list(), step("\x1b[19~", "[ Discard ]")]),
        ),
        (
            "quit confirmation",
            with(
                new(),
                vec![
                    good_list(),
                    step("\x1b", "Choose the organization"),
                    step("\x1b", "[1 Activations]"),
                    step("q", "[ Quit ]"),
                ],
            ),
        ),
    ]
}

/// A new console, taken by `steps` to the target.
fn reach(portal: &PortalProcess, token: &str, dirs: &Dirs, steps: &[Step]) -> PtyConsole {
    let mut console = console(portal, token, dirs, "en_US.UTF-8");
    for (keys, shown) in steps {
        console.send(keys);
        console.wait_for(&format!("after {keys:?}"), WAIT, |s| shown(s));
    }
    console
}

#[test]
fn random_typing_on_every_screen_and_dialog_changes_nothing_on_the_portal() {
    // 5 000 keys per screen or dialog, in bursts that each start there on a fresh
    // console (typed text soon lands in some text field, where it is harmless and
    // would hide the rest).
    const KEYS: usize = 5000;
    const BURST: usize = 1000;
    const SEED: u64 = 0x0001_ce12;
    let (portal, token) = portal();
    let dirs = Dirs::new();
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("demo serials");
    let good = serials
        .ok
        .values()
        .flatten()
        .next()
        .cloned()
        .expect("an ok serial");
    // The offer is a consent given with Enter by design; accepted beforehand here so
    // that a random Enter cannot give it.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    for org in runtime
        .block_on(client.organizations())
        .expect("organizations")
    {
        if org.offer_accepted_at.is_none() {
            runtime
                .block_on(client.accept_offer(org.id))
                .expect("accept the offer");
        }
    }
    portal.wait_until_the_queue_is_done();
    let before = audit(&portal.db);
    let mut rng = Lcg(SEED);
    for (name, steps) in targets(&good, "1111222233334444") {
        for burst in 0..KEYS / BURST {
            let mut console = reach(&portal, &token, &dirs, &steps);
            for chunk in rng.keys(BURST).chunks(250) {
                // A quit (the palette's «quit» matched what was typed) ends the burst.
                if !console.try_send(chunk) || console.exited() {
                    break;
                }
            }
            console.settle(Duration::from_millis(250), Duration::from_secs(120));
            let now = audit(&portal.db);
            assert_eq!(
                now.0, before.0,
                "{name}, burst {burst}: the portal changed (seed {SEED:#x}): {:?}",
                now.1
            );
        }
    }
    assert_eq!(audit(&portal.db), before, "nothing changed on the portal");
}
