//! `licadm activations list --view NAME` (issue 16 b): a view saved in the config's
//! `[views]` lists exactly what the API answers for its filters and sort, flags given
//! with it win, and an unknown view is a usage error naming the saved ones.

use crate::scripting::{Env, code, json, stderr};
use licadm::client::wire::{
    ActivationQuery, ActivationSort, ActivationSortKey, ActivationSummary, Page,
};
use licadm::domain::ActivationStatus;

const CONFIG: &str = r#"# kept as written
[views.errors]
list = "activations"
status = "error"
sort = "number"
per_page = 10

[views.free-seats]
list = "seats"
status = "free"
"#;

fn numbers(page: &Page<ActivationSummary>) -> Vec<i64> {
    page.items.iter().map(|a| a.number).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_view_lists_what_its_filters_say_and_flags_win_over_it() {
    let env = Env::start();
    let config = env.file("config.toml", CONFIG);
    let ascending = ActivationSort {
        key: ActivationSortKey::Number,
        descending: false,
    };
    let expected = env
        .client()
        .activations(&ActivationQuery {
            status: Some(ActivationStatus::Error),
            sort: ascending,
            per_page: 10,
            ..ActivationQuery::default()
        })
        .await
        .expect("the API's answer");
    assert_eq!(expected.items.len(), 10, "the demo has more than 10 errors");

    let listed: Page<ActivationSummary> = json(&env.run(&[
        "--config",
        &config,
        "activations",
        "list",
        "--view",
        "errors",
        "--json",
    ]));
    assert_eq!(numbers(&listed), numbers(&expected));
    assert_eq!((listed.per_page, listed.total), (10, expected.total));

    // A flag given with the view wins over the view's value; the rest of it holds.
    let done: Page<ActivationSummary> = json(&env.run(&[
        "--config",
        &config,
        "activations",
        "list",
        "--view",
        "errors",
        "--status",
        "done",
        "--json",
    ]));
    assert_eq!(done.items.len(), 10);
    assert!(
        done.items
            .iter()
            .all(|a| a.status == ActivationStatus::Done)
    );
    assert!(done.items.windows(2).all(|w| w[0].number < w[1].number));

    // An unknown view, or one of another list: exit 2, saying what there is.
    let out = env.run(&["--config", &config, "activations", "list", "--view", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("saved: errors, free-seats"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "--config",
        &config,
        "activations",
        "list",
        "--view",
        "free-seats",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("seats list"), "{}", stderr(&out));
}

const SCREENS: &str = r#"[views.org2]
list = "activity"
organization = 2
per_page = 100

[views.pp]
list = "renewals"
vendor = "pp-electro"
window = 0

[views.free-seats]
list = "seats"
status = "free"
"#;

/// `licadm events --view NAME` (a view saved on the Activity screen) lists what the
/// API answers for its filters; a view of another screen is refused, naming it.
#[tokio::test(flavor = "multi_thread")]
async fn events_take_an_activity_view_and_refuse_another_screens() {
    use licadm::client::events::{EventPage, EventQuery};
    let env = Env::start();
    // The log must hold still between the two reads compared below.
    env.portal.wait_until_the_queue_is_done();
    let config = env.file("config.toml", SCREENS);
    let expected = env
        .client()
        .events(&EventQuery {
            organization: Some(2),
            per_page: Some(100),
            ..EventQuery::default()
        })
        .await
        .expect("the API's answer");
    assert!(!expected.items.is_empty());
    let listed: EventPage =
        json(&env.run(&["--config", &config, "events", "--view", "org2", "--json"]));
    let ids = |page: &EventPage| page.items.iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(&listed), ids(&expected));
    assert_eq!(listed.per_page, 100);

    // A Renewals view of the window "all": every device of its vendor.
    let totals = env
        .client()
        .device_totals(&licadm::client::devices::DeviceQuery {
            vendor: Some("pp-electro".into()),
            ..Default::default()
        })
        .await
        .expect("totals");
    let renewals: serde_json::Value =
        json(&env.run(&["--config", &config, "renewals", "--view", "pp", "--json"]));
    let devices = renewals["devices"].as_array().expect("devices");
    assert_eq!(devices.len() as u64, totals.count);
    assert!(
        devices.iter().all(|d| d["vendor"]["id"] == "pp-electro"),
        "{renewals}"
    );

    for (command, view, kind) in [
        (&["events"][..], "pp", "renewals list"),
        (&["renewals"][..], "free-seats", "seats list"),
        (&["invoices", "list"][..], "org2", "activity list"),
    ] {
        let mut args = vec!["--config", config.as_str()];
        args.extend_from_slice(command);
        args.extend(["--view", view]);
        let out = env.run(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(kind), "{args:?}: {}", stderr(&out));
    }
}
