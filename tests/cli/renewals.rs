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
    assert_eq!(got.totals, expected);
    assert_eq!(got.devices.len() as u64, expected.count, "every page");
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
    assert_eq!(lines.count() as u64, expected.count);

    // For people: the table, then the totals at today's prices.
    let out = env.run(&["renewals", "--within", "400", "--organization", "2"]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{} devices ending within 400 days",
            expected.count
        )),
        "{text}"
    );
    assert!(text.contains("₽"), "{text}");
    // A vendor the portal does not know is its 400, exit status 1.
    let out = env.run(&["renewals", "--vendor", "acme"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("vendor must be one of"),
        "{}",
        stderr(&out)
    );
}
