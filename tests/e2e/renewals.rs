//! End to end, the renewal path (issue 16): from «7 Продления» in a real console at
//! 80×24 against a real portal, mark the device with the least time left, `a` opens the
//! new activation with it prechecked, confirm, and the portal has created the
//! activation — with the renewal's derived key, so sending the same renewal again
//! (another console, a lost answer) answers the same activation.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn a_device_marked_on_the_renewals_screen_is_renewed_through_precheck_and_confirmation() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "300"]);
    let serials = licadm::portal::demo_serials(&portal.db, 1).expect("demo serials");
    let serial = serials
        .ok
        .get("pay-kiosk")
        .and_then(|v| v.first())
        .cloned()
        .expect("an ok Пэй Киоск serial");
    // Organization 1 (АЛЬСТЕР ООО, offer accepted) owns the device: one activation
    // completed by the worker.
    let token = portal.token("admin", &[1]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = licadm::client::ApiClient::new(&portal.url, &token).expect("client");
    let first = runtime
        .block_on(client.create_activations(1, std::slice::from_ref(&serial), "owned-1"))
        .expect("the device's first activation")
        .activations[0]
        .number;
    let deadline = std::time::Instant::now() + WAIT;
    while runtime
        .block_on(client.activation(first))
        .map(|d| d.summary.status)
        != Ok(licadm::domain::ActivationStatus::Done)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker completed it"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Its subscription ended long ago (the registry's date, set as the vendor would):
    // the least time left of the organization's devices, first on the screen.
    let db = rusqlite::Connection::open(&portal.db).expect("the portal's store");
    db.busy_timeout(Duration::from_secs(10)).expect("timeout");
    db.execute(
        "UPDATE devices SET current_until = '2001-01-01' WHERE serial = ?",
        [&serial],
    )
    .expect("an ended subscription");
    let before = runtime
        .block_on(client.activations(&Default::default()))
        .expect("list")
        .total;

    let mut console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", &token],
        &[("LANG", "ru_RU.UTF-8")],
        80,
        24,
    );
    console.wait_for("the list", WAIT, |s| s.contains("Стр. 1 из"));
    console.send("7");
    let screen = console.wait_for("the device on the Renewals screen", WAIT, |s| {
        s.contains("Продления подписок") && s.contains(&serial)
    });
    assert!(screen.contains("[7 Продления]"), "{screen}");
    assert!(screen.contains("01.01.2001"), "{screen}");
    assert!(
        screen
            .lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80),
        "{screen}"
    );
    console.send(" ");
    console.wait_for_text("Отмечено: 1", WAIT);
    console.send("a");
    let table = console.wait_for_text("с ошибками: 0", WAIT);
    assert!(
        table.contains(&serial),
        "the marked serial, prechecked:\n{table}"
    );
    console.send("A");
    console.wait_for_text("[ Активировать ]", WAIT);
    // Enter alone presses Cancel: Tab to «Активировать», then Enter.
    console.send("\t\r");
    console.wait_for_text("Создано:", WAIT);

    let after = runtime
        .block_on(client.activations(&Default::default()))
        .expect("list");
    assert_eq!(after.total, before + 1, "one activation created");
    let created = after.items[0].number;
    let lines = runtime
        .block_on(client.activation(created))
        .expect("the renewal")
        .lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].serial, serial);
    // The same renewal sent again with its derived key answers the same activation.
    let key = licadm::client::devices::renewal_key(
        1,
        &[(serial.clone(), chrono::NaiveDate::from_ymd_opt(2001, 1, 1))],
    );
    let again = runtime
        .block_on(client.create_activations(1, std::slice::from_ref(&serial), &key))
        .expect("replayed");
    assert_eq!(again.activations[0].number, created, "not paid twice");
}
