//! End to end: the real `licadm serve` on loopback and the real `licadm` console in a
//! pseudo-terminal, driven by keys and read back from the screen.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// The activation numbers in the table rows, read off the screen's left column.
fn row_numbers(screen: &str) -> Vec<i64> {
    screen
        .lines()
        .filter_map(|line| {
            let first = line
                .trim_start_matches(['│', '|', ' ', '▶', '>'])
                .split_whitespace()
                .next()?;
            first.parse::<i64>().ok().filter(|_| line.contains('₽'))
        })
        .collect()
}

#[test]
fn browse_pages_filter_open_detail_and_come_back() {
    // The worker stays idle so the demo data holds still while the test reads it.
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let mut console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", &token],
        &[("LANG", "ru_RU.UTF-8")],
        100,
        30,
    );

    // The first frame is drawn before the data arrives; wait for rows.
    let first = console.wait_for("page 1 with rows", WAIT, |s| {
        s.contains("Стр. 1 из") && !row_numbers(s).is_empty()
    });
    assert!(
        first.contains("Организация") && first.contains("Дата заказа"),
        "headers:\n{first}"
    );
    let first_rows = row_numbers(&first);
    assert!(!first_rows.is_empty(), "no rows on page 1:\n{first}");
    // Default order is newest first.
    assert!(
        first_rows.windows(2).all(|w| w[0] > w[1]),
        "not descending: {first_rows:?}"
    );

    console.send("]");
    let second = console.wait_for("page 2 with rows", WAIT, |s| {
        s.contains("Стр. 2 из")
            && row_numbers(s)
                .first()
                .is_some_and(|n| !first_rows.contains(n))
    });
    let second_rows = row_numbers(&second);
    assert!(!second_rows.is_empty());
    assert!(
        second_rows[0] < *first_rows.last().unwrap_or(&0),
        "page 2 must continue page 1"
    );

    // Status filter: cycle to «Выполнена» — every row then shows it; page resets to 1.
    console.send("s");
    let filtered = console.wait_for("status filter applied", WAIT, |s| {
        s.contains("Стр. 1 из")
            && rows_with_status(s).iter().all(|st| *st == "Выполнена")
            && !rows_with_status(s).is_empty()
    });
    let filtered_rows = row_numbers(&filtered);

    // Move down two rows and open that activation.
    console.send("jj");
    let wanted = filtered_rows[2];
    console.send("\r");
    let detail = console.wait_for_text(&format!("Активация № {wanted}"), WAIT);
    assert!(
        detail.contains("Выполнена") && detail.contains("Сумма"),
        "detail:\n{detail}"
    );
    assert!(detail.contains("Серийный номер"), "detail lines:\n{detail}");

    // Back: same filter, page and rows.
    console.send("\x1b");
    let back = console.wait_for("the list again", WAIT, |s| {
        s.contains("Стр. 1 из") && !row_numbers(s).is_empty()
    });
    assert_eq!(
        row_numbers(&back),
        filtered_rows,
        "list changed after returning from the detail"
    );
    assert!(rows_with_status(&back).iter().all(|st| *st == "Выполнена"));

    console.send("q");
    let status = console.wait_exit(WAIT).expect("console exits on q");
    assert!(status.success(), "exit status {status:?}");
}

fn rows_with_status(screen: &str) -> Vec<&'static str> {
    screen
        .lines()
        .filter(|l| l.contains('₽'))
        .filter_map(|l| {
            ["Выполнена", "В работе", "Ошибка"]
                .into_iter()
                .find(|st| l.contains(st))
        })
        .collect()
}

/// With no portal configured, `licadm` runs an embedded portal on the data directory
/// (demo data on first start) and shows real activations; a second start reuses the
/// same store and token.
#[test]
fn embedded_portal_on_first_and_second_start() {
    let data = tempfile::tempdir().expect("temp data dir");
    let data_dir = data.path().to_string_lossy().to_string();
    let env = [
        ("LANG", "en_US.UTF-8"),
        ("LICADM_DATA_DIR", data_dir.as_str()),
    ];
    let token_path = data.path().join("console.token");
    let mut first_token = None;
    for start in 1..=2 {
        let mut console = PtyConsole::spawn(&[], &env, 80, 24);
        let screen = console.wait_for("embedded rows", WAIT, |s| {
            s.contains("Page 1 of") && !row_numbers(s).is_empty()
        });
        assert!(
            screen.contains("online"),
            "start {start}: status line:\n{screen}"
        );
        assert!(
            screen.contains("No.") && screen.contains("Order date"),
            "English headers:\n{screen}"
        );
        console.send("q");
        let status = console.wait_exit(WAIT).expect("console exits on q");
        assert!(status.success());
        let token = std::fs::read_to_string(&token_path).expect("token kept beside the store");
        assert!(token.starts_with("lca_"));
        match &first_token {
            None => first_token = Some(token),
            Some(first) => assert_eq!(first, &token, "the second start reuses the token"),
        }
    }
    assert!(data.path().join("portal.sqlite").exists());
}
