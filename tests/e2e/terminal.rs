//! End to end, terminal capabilities: `NO_COLOR` writes no color escapes, a non-UTF-8
//! locale (`LANG=C`) draws pure ASCII, and `--theme` picks a theme. The real portal on
//! loopback and the real console in a pseudo-terminal.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// The SGR (`ESC [ … m`) parameters in the raw output that set a color: 30–49 and
/// 90–107 (including 38/48 extended colors and the 39/49 default-color resets).
fn color_sgr_params(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] == 0x1b && raw[i + 1] == b'[' {
            let start = i + 2;
            let mut end = start;
            // Parameter and intermediate bytes, then one final byte 0x40..=0x7e.
            while end < raw.len() && !(0x40..=0x7e).contains(&raw[end]) {
                end += 1;
            }
            if end < raw.len() && raw[end] == b'm' {
                let params = String::from_utf8_lossy(&raw[start..end]).to_string();
                let colored = params
                    .split([';', ':'])
                    .filter_map(|p| p.parse::<u16>().ok())
                    .any(|p| (30..=49).contains(&p) || (90..=107).contains(&p));
                if colored {
                    found.push(params);
                }
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    found
}

#[test]
fn sgr_parser_finds_colors_and_ignores_modifiers() {
    let raw = b"\x1b[1m\x1b[7mx\x1b[0m\x1b[38;5;12my\x1b[1;31mz\x1b[4m\x1b[22;24;27m\x1b[?2026h";
    assert_eq!(color_sgr_params(raw), vec!["38;5;12", "1;31"]);
    assert!(color_sgr_params(b"\x1b[1m\x1b[7m\x1b[0m\x1b[2J\x1b[10;5H").is_empty());
}

fn table_rows(screen: &str, money: &str) -> usize {
    screen.lines().filter(|l| l.contains(money)).count()
}

fn start(env: &[(&str, &str)], extra: &[&str]) -> (PortalProcess, PtyConsole) {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut args = vec!["--portal", portal.url.as_str(), "--token", token.as_str()];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.into_iter().map(str::to_string).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let console = PtyConsole::spawn(&args, env, 100, 30);
    (portal, console)
}

const EN_UTF8: &[(&str, &str)] = &[
    ("LANG", "en_US.UTF-8"),
    ("LC_ALL", ""),
    ("LC_CTYPE", ""),
    ("LC_MESSAGES", ""),
];

#[test]
fn no_color_writes_no_color_escapes_and_colors_are_there_without_it() {
    let mut env = EN_UTF8.to_vec();
    env.push(("NO_COLOR", "1"));
    let (_portal, mut console) = start(&env, &[]);
    console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "₽") > 0
    });
    // Move the selection so reverse video and redraws happen too.
    console.send("j");
    std::thread::sleep(Duration::from_millis(300));
    let raw = console.raw_since(0);
    let colors = color_sgr_params(&raw);
    assert!(colors.is_empty(), "color escapes with NO_COLOR: {colors:?}");
    // Reverse video still marks the selection.
    assert!(
        raw.windows(3).any(|w| w == b"\x1b[7") || raw.windows(2).any(|w| w == b";7"),
        "no reverse video for the selection"
    );
    console.send("q");

    let (_portal, mut console) = start(EN_UTF8, &[]);
    console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "₽") > 0
    });
    assert!(
        !color_sgr_params(&console.raw_since(0)).is_empty(),
        "without NO_COLOR the dark theme draws colors"
    );
    console.send("q");
}

fn assert_ascii(what: &str, screen: &str) {
    let bad: Vec<char> = screen.chars().filter(|c| !c.is_ascii()).collect();
    assert!(
        bad.is_empty(),
        "{what}: non-ASCII {bad:?} on the screen:\n{screen}"
    );
}

#[test]
fn lang_c_draws_only_ascii_in_the_list_and_the_detail() {
    let env = [
        ("LANG", "C"),
        ("LC_ALL", ""),
        ("LC_CTYPE", ""),
        ("LC_MESSAGES", ""),
    ];
    let (_portal, mut console) = start(&env, &[]);
    let list = console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "RUB") > 0
    });
    assert_ascii("list", &list);
    // Organization names are Cyrillic in the demo data: transliterated, not garbage.
    let rows: Vec<&str> = list.lines().filter(|l| l.contains("RUB")).collect();
    assert!(
        rows.iter().all(|l| !l.contains('?')),
        "untransliterated characters:\n{list}"
    );

    console.send("\r");
    let detail = console.wait_for("the detail with lines", WAIT, |s| {
        s.contains("Serial number") && table_rows(s, "RUB") > 1
    });
    assert_ascii("detail", &detail);
    console.send("?");
    let help = console.wait_for_text("closes", WAIT);
    assert_ascii("help", &help);

    let raw = console.raw_since(0);
    let outside: Vec<u8> = raw.iter().copied().filter(|b| !b.is_ascii()).collect();
    assert!(
        outside.is_empty(),
        "bytes outside ASCII written to the terminal: {:?}",
        String::from_utf8_lossy(&outside)
    );
}

#[test]
fn theme_light_starts_and_draws() {
    let (_portal, mut console) = start(EN_UTF8, &["--theme", "light"]);
    let screen = console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "₽") > 0
    });
    assert!(screen.contains("Activations"), "{screen}");
    // light's header is blue (ANSI 4: `38;5;4` or `34`), which dark never uses.
    let raw = console.raw_since(0);
    assert!(
        color_sgr_params(&raw).iter().any(|p| {
            let params: Vec<&str> = p.split(';').collect();
            params.contains(&"34") || params.windows(3).any(|w| w == ["38", "5", "4"])
        }),
        "light theme colors missing: {:?}",
        color_sgr_params(&raw)
    );
    console.send("q");
}

#[test]
fn unknown_theme_falls_back_to_dark_and_says_so() {
    let (_portal, mut console) = start(EN_UTF8, &["--theme", "nosuch"]);
    let screen = console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "₽") > 0
    });
    assert!(screen.contains("unknown theme"), "{screen}");
    console.send("q");
}

#[test]
fn lang_c_other_screens_are_ascii() {
    let env = [
        ("LANG", "C"),
        ("LC_ALL", ""),
        ("LC_CTYPE", ""),
        ("LC_MESSAGES", ""),
    ];
    let (_portal, mut console) = start(&env, &[]);
    console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "RUB") > 0
    });
    for (key, title) in [
        ("2", "[2 Seats]"),
        ("3", "[3 License info]"),
        ("4", "[4 Keys]"),
    ] {
        console.send(key);
        std::thread::sleep(Duration::from_millis(1500));
        let screen = console.wait_for_text(title, WAIT);
        assert_ascii(title, &screen);
    }
    // The new-activation form and the activation history overlay.
    // The Keys screen's form takes digits; Esc leaves it for the Activations list.
    console.send("\x1b");
    console.wait_for_text("[1 Activations]", WAIT);
    console.send("a");
    std::thread::sleep(Duration::from_millis(1000));
    assert_ascii("new activation", &console.screen());
    console.send("\x1b");
    std::thread::sleep(Duration::from_millis(500));
    console.send("\r");
    console.wait_for_text("Serial number", WAIT);
    console.send("h");
    std::thread::sleep(Duration::from_millis(1500));
    assert_ascii("history", &console.screen());
}

const LANG_C: [(&str, &str); 4] = [
    ("LANG", "C"),
    ("LC_ALL", ""),
    ("LC_CTYPE", ""),
    ("LC_MESSAGES", ""),
];

/// Every byte the console wrote so far is ASCII (else: where the first one was).
fn assert_ascii_bytes(console: &PtyConsole) {
    let raw = console.raw_since(0);
    if let Some(at) = raw.iter().position(|b| !b.is_ascii()) {
        let context = &raw[at.saturating_sub(120)..(at + 40).min(raw.len())];
        panic!(
            "bytes outside ASCII written to the terminal, first here: {:?}",
            String::from_utf8_lossy(context)
        );
    }
}

/// Table rows (the seat number, right-aligned) all with `status`: the filtered page
/// has arrived (the summary line above names every status, so it does not count).
fn seat_rows_with(screen: &str, status: &str) -> bool {
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.starts_with(' ') && l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    !rows.is_empty() && rows.iter().all(|l| l.contains(status))
}

#[test]
fn lang_c_dialogs_are_ascii_blocked_organization_confirmation_bind_unbind() {
    let (portal, mut console) = start(&LANG_C, &[]);
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("demo serials");
    let good = serials
        .ok
        .values()
        .flatten()
        .next()
        .cloned()
        .expect("an ok serial");
    console.wait_for("the list with rows", WAIT, |s| {
        s.contains("Page 1 of") && table_rows(s, "RUB") > 0
    });

    // The third organization is blocked for an unpaid invoice: the chooser says why,
    // in full and in ASCII, and Enter does not take it further.
    console.send("a");
    console.wait_for_text("Choose the organization", WAIT);
    console.send("jj");
    // It names the overdue invoice that blocks it (issue 17).
    let blocked = console.wait_for_text("Activation is blocked: invoice 202610-00003", WAIT);
    assert_ascii("blocked organization", &blocked);
    console.send("\r");
    console.wait_for_text("Choose the organization", WAIT);
    // The first organization (offer accepted): serials, precheck, confirm.
    console.send("kk\r");
    console.wait_for_text("Serial numbers", WAIT);
    console.send(&format!("\x1b[200~{good}\n\x1b[201~"));
    console.wait_for_text("1 serial", WAIT);
    console.send("\x1b[15~");
    console.wait_for_text("To activate: 1", WAIT);
    console.send("A");
    let confirm = console.wait_for_text("[ Activate ]", WAIT);
    assert_ascii("confirmation", &confirm);
    // Cancel, discard the flow (F8, confirmed), and go to the seats.
    console.send("\x1b");
    console.wait_for("the confirmation closed", WAIT, |s| {
        !s.contains("[ Activate ]")
    });
    console.send("\x1b[19~");
    let discard = console.wait_for_text("[ Discard ]", WAIT);
    assert_ascii("discard confirmation", &discard);
    console.send("\t\r");
    console.wait_for_text("[1 Activations]", WAIT);

    console.send("2");
    console.wait_for_text("[2 Seats]", WAIT);
    console.send("s");
    let picker = console.wait_for_text("Filter:", WAIT);
    assert_ascii("status picker", &picker);
    console.send("\x1b");
    console.pick("s", "free", "Status: free");
    console.wait_for("free seats", WAIT, |s| {
        s.contains("Status: free") && seat_rows_with(s, " free ")
    });
    console.send("b");
    let bind = console.wait_for_text("Bind seat", WAIT);
    assert_ascii("bind dialog", &bind);
    console.send("\x1b");
    console.wait_for("the bind dialog closed", WAIT, |s| !s.contains("Bind seat"));
    console.pick("s", "bound", "Status: bound");
    console.wait_for("bound seats", WAIT, |s| {
        s.contains("Status: bound") && seat_rows_with(s, " bound ")
    });
    console.send("u");
    let unbind = console.wait_for_text("Unbind the seat", WAIT);
    assert_ascii("unbind confirmation", &unbind);
    console.send("\x1b");
    assert_ascii_bytes(&console);
}

#[test]
fn lang_c_too_small_message_is_ascii() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", &token],
        &LANG_C,
        60,
        20,
    );
    let screen = console.wait_for_text("too small", WAIT);
    assert!(screen.contains("80x22"), "{screen}");
    assert_ascii("too small", &screen);
    assert_ascii_bytes(&console);
    console.send("q");
}
