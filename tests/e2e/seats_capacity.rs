//! End to end on the real binaries: bind and unbind a seat on the Seats screen, and
//! request an emergency license on the License information screen; the portal's own
//! answers (over the API) confirm each step.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use licadm::client::ApiClient;
use licadm::client::wire::{SeatQuery, SeatStatus};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const ORANGEUCE: &str = "orangeuce";

fn start(portal: &PortalProcess, token: &str) -> PtyConsole {
    let console = PtyConsole::spawn(
        &["--portal", &portal.url, "--token", token],
        &[("LANG", "ru_RU.UTF-8")],
        100,
        30,
    );
    console.wait_for("the list", WAIT, |s| {
        s.contains("Стр. 1 из") && s.contains('₽')
    });
    console
}

/// The number after `prefix` on the screen (e.g. «Привязать место 29»).
fn number_after(screen: &str, prefix: &str) -> Option<i64> {
    let rest = &screen[screen.find(prefix)? + prefix.len()..];
    rest.trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn bind_and_unbind_a_seat() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&portal.db, today).expect("demo facts");
    let email = facts
        .without_seat(1, ORANGEUCE)
        .first()
        .cloned()
        .expect("a seatless user of org 1");
    let token = portal.token("admin", &[]);
    let mut console = start(&portal, &token);

    // Seats screen, narrowed to organization 1, Orange[uc]e, free seats. The title is
    // drawn at once; `t` steps through the products of the summary line, so wait for it.
    console.send("2");
    console.wait_for_text("Управление подпиской", WAIT);
    console.wait_for_text("Orange[uc]e: свободно", WAIT);
    // Each filter is picked from a list, narrowed by typing.
    console.pick("o", "альстер", "Организация: АЛЬСТЕР ООО");
    console.pick("t", "[uc]", "Продукт: Orange[uc]e");
    console.pick("s", "своб", "Статус: свободна");
    let free = console.wait_for("free seats", WAIT, |s| {
        s.contains("Статус: свободна") && s.contains("свободна  —")
    });
    assert!(
        free.contains("Orange[uc]e: свободно"),
        "the per-product count is visible:\n{free}"
    );

    // Bind the selected free seat to a registered user.
    console.send("b");
    let dialog = console.wait_for_text("Привязать место", WAIT);
    let seat = number_after(&dialog, "Привязать место").expect("seat number in the dialog title");
    console.send(&email);
    console.wait_for_text("✓", WAIT);
    console.send("\r");
    console.wait_for_text(&format!("Место {seat} привязано к {email}"), WAIT);

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let find = |status| {
        let query = SeatQuery {
            organization: Some(1),
            product: Some(ORANGEUCE.into()),
            status: Some(status),
            q: Some(email.clone()),
            ..SeatQuery::default()
        };
        runtime.block_on(client.seats(&query)).expect("seats").items
    };
    let bound = find(SeatStatus::Bound);
    assert_eq!(
        bound.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![seat],
        "the portal has the seat bound to {email}"
    );

    // Unbind it: a confirmation on Cancel first; Tab to «Отвязать», then Enter.
    console.send("u");
    console.wait_for_text(&format!("Отвязать место {seat} от {email}?"), WAIT);
    assert_eq!(
        find(SeatStatus::Bound).len(),
        1,
        "still bound while the confirmation is open"
    );
    console.send("\t");
    console.send("\r");
    console.wait_for_text(&format!("Место {seat} отвязано"), WAIT);
    assert!(find(SeatStatus::Bound).is_empty(), "unbound on the portal");

    console.send("q");
    assert!(console.wait_exit(WAIT).is_some_and(|s| s.success()));
}

#[test]
fn request_an_emergency_license() {
    let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let token = portal.token("admin", &[]);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, &token).expect("client");
    let before = runtime
        .block_on(client.license_info(1))
        .expect("license info");
    let product = before
        .products
        .iter()
        .find(|p| p.product.id == ORANGEUCE)
        .expect("Orange[uc]e capacity");
    assert!(
        product.emergency_available,
        "the demo leaves org 1 free to ask"
    );

    let mut console = start(&portal, &token);
    console.send("3");
    console.wait_for_text("Учётные записи пользователей", WAIT);
    console.send("e");
    console.wait_for_text("Правила:", WAIT);
    console.send("\r");
    console.wait_for_text(
        "Запросить экстренную лицензию на 10 учётных записей на 1 месяц?",
        WAIT,
    );
    console.send("\t");
    console.send("\r");
    console.wait_for_text(
        "Экстренная лицензия получена: +10 учётных записей на 1 месяц",
        WAIT,
    );

    let after = runtime
        .block_on(client.license_info(1))
        .expect("license info");
    let product = after
        .products
        .iter()
        .find(|p| p.product.id == ORANGEUCE)
        .expect("Orange[uc]e capacity");
    let emergency = product.emergency.clone().expect("an emergency license now");
    assert!(
        emergency.active && emergency.accounts_max == 10,
        "{emergency:?}"
    );
    assert!(!product.emergency_available);

    // A second request is refused, and the console says why (in the UI's language).
    console.send("e");
    let refused = console.wait_for("the refusal", WAIT, |s| {
        // In the console's language: the portal answers Accept-Language.
        s.contains("Правила:") && s.contains("уже действует")
    });
    assert!(
        refused.contains(&licadm::domain::format_date(emergency.valid_until)),
        "the refusal names the end date:\n{refused}"
    );
    // Esc closes the dialog, Esc goes back to the list (sent at once: keys that
    // arrive together are still read one by one), q quits.
    console.send("\x1b\x1b");
    console.wait_for("the list", WAIT, |s| {
        !s.contains("Правила:") && s.contains("Стр. 1 из")
    });
    console.send("q");
    assert!(console.wait_exit(WAIT).is_some_and(|s| s.success()));
}
