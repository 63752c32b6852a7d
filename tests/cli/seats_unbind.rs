//! `licadm seats unbind` with several seats (issue 16; docs/DESIGN.md §4.9): one row per
//! seat through `POST /seats/unbind`, exit 1 when one was refused, and the same
//! `--idempotency-key` answering the same rows without unbinding again.

use crate::scripting::{Env, code, stderr, stdout};
use licadm::client::bulk::{BulkUnbindResult, UnbindOutcome};
use licadm::client::wire::SeatStatus;

const ALSTER: i64 = 1;

#[test]
fn several_seats_are_answered_one_row_each_and_a_resend_does_nothing_twice() {
    let env = Env::start();
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&env.portal_db(), today).expect("demo facts");
    let bound: Vec<String> = facts.bound(ALSTER, "orangeuce")[..2]
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    let free = facts.free(ALSTER, "orangeuce")[0].to_string();
    let args = [
        "seats",
        "unbind",
        &bound[0],
        &free,
        &bound[1],
        "--idempotency-key",
        "cli-unbind-many-1",
        "--json",
    ];
    let first = env.run(&args);
    assert_eq!(
        code(&first),
        1,
        "a refused seat: exit 1 ({})",
        stderr(&first)
    );
    let rows: Vec<BulkUnbindResult> = serde_json::from_slice(&first.stdout).expect("JSON rows");
    let got: Vec<(String, UnbindOutcome)> = rows
        .iter()
        .map(|r| (r.seat_id.to_string(), r.outcome))
        .collect();
    assert_eq!(
        got,
        vec![
            (bound[0].clone(), UnbindOutcome::Unbound),
            (free.clone(), UnbindOutcome::Refused),
            (bound[1].clone(), UnbindOutcome::Unbound),
        ]
    );
    assert_eq!(
        rows[0].seat.as_ref().map(|s| s.status),
        Some(SeatStatus::Free)
    );
    // The same key: the same rows (a new request would refuse all three now).
    let again = env.run(&args);
    assert_eq!(stdout(&again), stdout(&first));
    // The table names each refusal's reason.
    let table = env.run(&["seats", "unbind", &bound[0], &free]);
    assert_eq!(code(&table), 1);
    let text = stdout(&table);
    assert!(text.contains("only a bound seat can be unbound"), "{text}");
}
