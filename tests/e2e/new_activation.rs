//! End to end, the heart of the product: paste a serial list with one bad line and one
//! unknown serial into the real console, precheck against the real portal, delete the
//! errored rows, activate all, and watch the new activation reach «Выполнена» without
//! pressing anything.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const F5: &str = "\x1b[15~";

fn paste(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

/// The line of the list that shows activation `number` (marked `*` when new).
fn list_row(screen: &str, number: i64) -> Option<String> {
    screen
        .lines()
        .find(|l| {
            l.contains('₽')
                && l.split_whitespace()
                    .next()
                    .is_some_and(|first| first.trim_start_matches('*') == number.to_string())
        })
        .map(str::to_string)
}

#[test]
fn paste_precheck_delete_errors_activate_all_and_see_it_done() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "500"]);
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("demo serials");
    let good = serials
        .ok
        .get("pay-kiosk")
        .and_then(|v| v.first())
        .cloned()
        .expect("an ok Пэй Киоск serial");
    let token = portal.token("admin", &[]);
    let mut console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", &token],
        &[("LANG", "ru_RU.UTF-8")],
        120,
        32,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });

    // New activation: several organizations → the chooser; the first (АЛЬСТЕР ООО) has
    // accepted the offer, so the serials step follows.
    console.send("a");
    console.wait_for_text("Выбор организации", WAIT);
    console.send("\r");
    console.wait_for_text("Серийные номера", WAIT);

    // Line 2 is not a serial; line 3 is well-formed but not in the registry.
    console.send(&paste(&format!("{good}\n12345\n1007512879004126\n")));
    let serials_screen = console.wait_for_text("Строка 2", WAIT);
    assert!(
        serials_screen.contains("12345"),
        "the bad line is named:\n{serials_screen}"
    );

    console.send(F5);
    let table = console.wait_for_text("с ошибками: 2", WAIT);
    assert!(
        table.contains("Серийный номер не найден"),
        "unknown serial row:\n{table}"
    );
    assert!(table.contains(&good));

    // Delete every row with an error, then activate all.
    console.send("D");
    console.wait_for_text("с ошибками: 0", WAIT);
    console.send("A");
    let confirm = console.wait_for_text("Enter — активировать", WAIT);
    assert!(
        confirm.contains("Пэй Киоск"),
        "the vendor split is shown:\n{confirm}"
    );
    console.send("\r");

    // Back on the list with the new activation marked; the number comes from the
    // status line («Создано: 1 активация (№ N)»).
    let created = console.wait_for_text("Создано:", WAIT);
    let number: i64 = created
        .lines()
        .find(|l| l.contains("Создано:"))
        .unwrap_or_default()
        .split("№ ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no activation number in:\n{created}"));
    let row = console.wait_for("the new row", WAIT, |s| list_row(s, number).is_some());
    let line = list_row(&row, number).unwrap_or_default();
    assert!(
        line.trim_start().starts_with('*'),
        "the new activation is highlighted: {line}"
    );

    // The worker completes it; the console polls by itself.
    let done = console.wait_for("Выполнена on the new row", WAIT, |s| {
        list_row(s, number).is_some_and(|l| l.contains("Выполнена"))
    });
    let shown = list_row(&done, number).unwrap_or_default();

    // The portal agrees: one line, the good serial, done, and the cost on screen is its total.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = licadm::client::ApiClient::new(&portal.url, &token).expect("client");
    let detail = runtime
        .block_on(client.activation(number))
        .expect("the new activation");
    assert_eq!(
        detail.summary.status,
        licadm::domain::ActivationStatus::Done
    );
    assert_eq!(detail.lines.len(), 1);
    assert_eq!(detail.lines[0].serial, good);
    let cost = licadm::domain::format_rub(detail.summary.total_cost, false);
    assert!(shown.contains(&cost), "row {shown:?} shows {cost}");

    console.send("q");
    assert!(console.wait_exit(WAIT).is_some_and(|s| s.success()));
}
