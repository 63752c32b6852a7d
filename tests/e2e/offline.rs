//! End to end on the real binaries (docs/DESIGN.md §6.3): the portal process is stopped in the
//! middle of a console session; the console says it is offline, keeps listing,
//! filtering and sorting from its mirror, and queues a bind; when the portal comes
//! back the bind is applied exactly once — also when the console was killed while the
//! bind was queued and started again.

use crate::support::portal_process::PortalProcess;
use crate::support::pty::PtyConsole;
use licadm::client::ApiClient;
use licadm::client::wire::{SeatQuery, SeatStatus};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);
const ORANGEUCE: &str = "orangeuce";

fn console(portal: &PortalProcess, token: &str, cache: &std::path::Path) -> PtyConsole {
    let cache = cache.to_str().expect("utf-8 temp path");
    PtyConsole::spawn(
        &[
            "--portal",
            &portal.url,
            "--token",
            token,
            "--sync-interval",
            "1",
        ],
        &[("LANG", "ru_RU.UTF-8"), ("LICADM_CACHE_DIR", cache)],
        110,
        30,
    )
}

fn status_line(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().to_string()
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

/// Goes offline mid-session and queues a bind of a free Orange[uc]e seat of
/// organization 1 to `email`; answers the seat.
fn go_offline_and_queue_a_bind(
    portal: &mut PortalProcess,
    console: &mut PtyConsole,
    email: &str,
) -> i64 {
    console.wait_for("the first sync", WAIT, |s| {
        status_line(s).contains("в сети") && s.contains("Стр. 1 из")
    });
    portal.stop();
    console.wait_for("the console noticing the portal is gone", WAIT, |s| {
        status_line(s).contains("нет связи · синхр.")
    });

    // Still listing, filtering and sorting — from the mirror.
    console.send("s");
    let filtered = console.wait_for("a status filter from the mirror", WAIT, |s| {
        s.contains("Статус: Выполнена") && s.contains("Стр. 1 из")
    });
    assert!(
        !status_line(&filtered).contains("недоступен"),
        "no request error offline:\n{filtered}"
    );
    console.send("c");
    console.wait_for("a sort by cost from the mirror", WAIT, |s| {
        s.contains("стоимость") && s.contains("Выполнена")
    });

    // Seats: organization 1, Orange[uc]e, free seats; bind one.
    console.send("2");
    console.wait_for_text("Управление подпиской", WAIT);
    console.send("o");
    console.wait_for_text("Организация: АЛЬСТЕР ООО", WAIT);
    console.send("t");
    console.wait_for_text("Продукт: Orange[uc]e", WAIT);
    console.send("s");
    console.wait_for("free seats", WAIT, |s| {
        s.contains("Статус: свободна") && s.contains("свободна  —")
    });
    console.send("b");
    let dialog = console.wait_for_text("Привязать место", WAIT);
    let seat = number_after(&dialog, "Привязать место").expect("seat number in the dialog title");
    console.send(email);
    console.wait_for_text("✓", WAIT);
    console.send("\r");
    let queued = console.wait_for("the bind queued", WAIT, |s| {
        status_line(s).contains("в очереди: 1")
    });
    assert!(
        queued.contains(&format!("→ {email}")) || queued.contains("в очереди"),
        "the row shows the pending bind:\n{queued}"
    );
    seat
}

/// The portal's own view: the seat gets bound to `email` (waiting for the console's
/// sync), and bound exactly once.
fn assert_bound_once(portal: &PortalProcess, token: &str, seat: i64, email: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = ApiClient::new(&portal.url, token).expect("client");
    let bound_ids = || {
        runtime
            .block_on(client.seats(&SeatQuery {
                status: Some(SeatStatus::Bound),
                q: Some(email.to_string()),
                ..SeatQuery::default()
            }))
            .map(|page| page.items.iter().map(|s| s.id).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let bound = crate::support::wait_until(WAIT, || {
        let ids = bound_ids();
        (!ids.is_empty()).then_some(ids)
    });
    assert_eq!(
        bound,
        Some(vec![seat]),
        "the queued bind reached the portal"
    );
    let history = runtime
        .block_on(client.audit(&format!("seat:{seat}"), 1, 50))
        .expect("audit");
    let binds = history
        .items
        .iter()
        .filter(|e| e.action == "seat.bound")
        .count();
    assert_eq!(binds, 1, "bound exactly once: {:?}", history.items);
}

fn seatless_user(portal: &PortalProcess) -> String {
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&portal.db, today).expect("demo facts");
    facts
        .without_seat(1, ORANGEUCE)
        .first()
        .cloned()
        .expect("a seatless user of org 1")
}

#[test]
fn the_portal_stops_mid_session_and_a_queued_bind_lands_once_it_returns() {
    let mut portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let email = seatless_user(&portal);
    let token = portal.token("admin", &[]);
    let cache = tempfile::tempdir().expect("cache dir");
    let mut console = console(&portal, &token, cache.path());
    let seat = go_offline_and_queue_a_bind(&mut portal, &mut console, &email);

    portal.restart();
    let back = console.wait_for("the outbox sent", WAIT, |s| {
        let status = status_line(s);
        status.contains("в сети") && !status.contains("в очереди")
    });
    assert!(
        !back.contains("в очереди  "),
        "no row is marked pending any more:\n{back}"
    );
    assert_bound_once(&portal, &token, seat, &email);
    // Later syncs do not send it again.
    console.wait_for("two more syncs", WAIT, |s| {
        status_line(s).contains("в сети")
    });
    std::thread::sleep(Duration::from_millis(2500));
    assert_bound_once(&portal, &token, seat, &email);
}

#[test]
fn a_console_killed_with_a_queued_bind_sends_it_after_a_restart() {
    let mut portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
    let email = seatless_user(&portal);
    let token = portal.token("admin", &[]);
    let cache = tempfile::tempdir().expect("cache dir");
    let mut first = console(&portal, &token, cache.path());
    let seat = go_offline_and_queue_a_bind(&mut portal, &mut first, &email);
    drop(first); // killed, not quit: the process is killed and its pty hung up

    portal.restart();
    let second = console(&portal, &token, cache.path());
    second.wait_for("the outbox sent after the restart", WAIT, |s| {
        let status = status_line(s);
        status.contains("в сети") && !status.contains("в очереди")
    });
    assert_bound_once(&portal, &token, seat, &email);
}
