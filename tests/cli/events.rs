//! `licadm events` (issue 16) as a script runs it: the real binary against a real
//! portal process, its JSON and CSV compared with what the API answers, its errors
//! naming the request.

use crate::scripting::{Env, code, json, stderr, stdout};
use licadm::client::events::{EventPage, EventQuery};

#[tokio::test(flavor = "multi_thread")]
async fn events_json_csv_and_table_follow_the_api_and_errors_name_the_request() {
    let env = Env::start();
    // The log must hold still between the API's read and the CLI's: the demo's queued
    // activations complete on the portal's worker, each an event.
    env.portal.wait_until_the_queue_is_done();
    let client = env.client();

    // --all follows every cursor: the same events, in the same order, as the API.
    let mut expected = Vec::new();
    let mut query = EventQuery {
        per_page: Some(100),
        ..Default::default()
    };
    loop {
        let page = client.events(&query).await.expect("events");
        expected.extend(page.items.into_iter().map(|e| e.id));
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    assert!(
        expected.len() > 25,
        "the demo has more than a page of history"
    );
    let all: EventPage = json(&env.run(&["events", "--all", "--json"]));
    assert_eq!(all.items.iter().map(|e| e.id).collect::<Vec<_>>(), expected);
    assert_eq!(all.next, None);

    // Filters reach the portal; CSV has a header and one machine row per event.
    let out = env.run(&[
        "events",
        "--action",
        "seat.bound",
        "--organization",
        "2",
        "--all",
        "--csv",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("ID,AT,ACTOR,ACTION,OBJECT,ORGANIZATION,REQUEST_ID,BEFORE,AFTER")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let cells: Vec<&str> = row.splitn(7, ',').collect();
        assert_eq!((cells[3], cells[5]), ("seat.bound", "2"), "{row}");
    }

    // One page for people, then the next by its cursor.
    let first = client
        .events(&EventQuery {
            per_page: Some(3),
            ..Default::default()
        })
        .await
        .expect("first page");
    let next = first.next.clone().expect("more than 3 events");
    let out = env.run(&["events", "--per-page", "3"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("ID"), "{text}");
    assert!(text.contains(&format!("older: --cursor {next}")), "{text}");
    let second: EventPage =
        json(&env.run(&["events", "--per-page", "3", "--cursor", &next, "--json"]));
    assert_eq!(second.items.first().map(|e| e.id), Some(expected[3]));

    // A refusal exits 1 and names the request it was, for the ticket.
    let out = env.run(&["events", "--action", "seat.stolen"]);
    assert_eq!(code(&out), 1);
    let error = stderr(&out);
    assert!(error.contains("action"), "{error}");
    let id = error
        .split("request ")
        .nth(1)
        .and_then(|rest| rest.get(..16))
        .unwrap_or_else(|| panic!("no request id in {error:?}"));
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn why_tells_a_serials_story_and_verifies_its_license_file() {
    let env = Env::start();
    let client = env.client();
    let done = client
        .activations(&licadm::client::wire::ActivationQuery {
            status: Some(licadm::domain::ActivationStatus::Done),
            ..Default::default()
        })
        .await
        .expect("done activations")
        .items[0]
        .number;
    let serial = client.activation(done).await.expect("detail").lines[0]
        .serial
        .clone();

    let why: licadm::client::serials::Why = json(&env.run(&["why", &serial, "--json"]));
    assert_eq!(why.story.serial, serial);
    assert!(why.story.lines.iter().any(|l| l.activation == done));
    let license = why.license.expect("a license check");
    assert!(license.verified, "{license:?}");

    // For people, in the CLI's language (Russian here).
    let out = env.run(&["why", &serial]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(&format!("История СН {serial}")), "{text}");
    assert!(text.contains("Устройство: "), "{text}");
    assert!(
        text.contains(&format!(
            "(активация № {}): подпись верна",
            license.activation
        )),
        "{text}"
    );

    assert_eq!(
        code(&env.run(&["why", "12345"])),
        2,
        "a malformed serial is usage"
    );
    let out = env.run(&["why", "9999000000000001"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("request "), "{}", stderr(&out));
}
