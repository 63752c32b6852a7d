//! `licadm renewals` (issue 16) as a script runs it: the real binary against a real
//! portal process, its JSON and CSV compared with what the API answers.

use crate::scripting::{Env, code, json, stderr, stdout};
use licadm::client::devices::{DeviceItem, DeviceQuery, DeviceTotals};

#[derive(serde::Deserialize)]
struct Renewals {
    devices: Vec<DeviceItem>,
    totals: DeviceTotals,
}

#[tokio::test(flavor = "multi_thread")]
async fn renewals_lists_every_device_within_the_window_with_totals_as_the_api_does() {
    let env = Env::start();
    let client = env.client();
    let today = chrono::Local::now().date_naive();
    let query = DeviceQuery {
        organization: Some(2),
        ..DeviceQuery::within(400, today)
    };
    let expected = client.device_totals(&query).await.expect("totals");
    assert!(
        expected.count > 0,
        "the demo has devices ending within 400 days"
    );

    // The demo portal's worker may complete an activation meanwhile: the CLI's answer
    // is compared with itself (every page, its totals) and with the filters.
    let out = env.run(&[
        "renewals",
        "--within",
        "400",
        "--organization",
        "2",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got: Renewals = json(&out);
    assert!(got.totals.count > 0);
    assert_eq!(got.devices.len() as u64, got.totals.count, "every page");
    assert!(got.totals.groups.iter().all(|g| g.organization.id == 2));
    assert!(got.devices.iter().all(|d| d.organization.id == 2));
    let limit = today
        .checked_add_days(chrono::Days::new(401))
        .expect("a date");
    assert!(got.devices.iter().all(|d| d.subscription_until < limit));
    assert!(
        got.devices
            .windows(2)
            .all(|w| w[0].subscription_until <= w[1].subscription_until),
        "least time left first"
    );

    let out = env.run(&[
        "renewals",
        "--within",
        "400",
        "--organization",
        "2",
        "--csv",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("SERIAL,ORGANIZATION,VENDOR,MODEL,UNTIL,DAYS_LEFT,PRICE")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.split(',').nth(1) == Some("2")),
        "machine cells"
    );

    // For people: the table, then the totals at today's prices.
    let out = env.run(&["renewals", "--within", "400", "--organization", "2"]);
    let text = stdout(&out);
    assert!(text.contains("devices ending within 400 days"), "{text}");
    assert!(text.contains("₽"), "{text}");
    // A vendor the portal does not know is its 400, exit status 1.
    let out = env.run(&["renewals", "--vendor", "acme"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let error = stderr(&out);
    assert!(
        error.contains("vendor") && error.contains("acme"),
        "{error}"
    );
}
