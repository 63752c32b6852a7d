//! `licadm webhooks …` (issue 17) as a script runs it: the real binary against a real
//! portal process and a real receiver on loopback.

use crate::scripting::{Env, code, json, stderr, stdout};
use crate::support::receiver::Receiver;
use licadm::client::webhooks::{CreatedWebhook, DeliveryStatus, WebhookDelivery};
use licadm::client::wire::{Page, SeatQuery, SeatStatus};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn add_list_deliveries_redeliver_rotate_and_remove() {
    let env = Env::start();
    let client = env.client();
    let receiver = Receiver::start(vec![]).await;

    // https only (loopback http for testing): a refusal exits 1 and says why.
    let out = env.run(&[
        "webhooks",
        "add",
        "http://hooks.example.com/x",
        "--event",
        "seat.unbound",
        "--organization",
        "1",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));

    let created: CreatedWebhook = json(&env.run(&[
        "webhooks",
        "add",
        &receiver.url,
        "--event",
        "seat.unbound",
        "--organization",
        "1",
        "--json",
    ]));
    assert!(created.secret.expose().starts_with("whsec_"));
    let id = created.endpoint.id.to_string();
    let out = env.run(&["webhooks", "list", "--csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("ID,URL,EVENTS,ORGANIZATION,PENDING,FAILED,CREATED,BY\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{id},{},seat.unbound,1,", receiver.url)),
        "{text}"
    );
    assert!(!text.contains("whsec_"), "a list never shows the secret");

    let bound = client
        .seats(&SeatQuery {
            organization: Some(1),
            status: Some(SeatStatus::Bound),
            ..Default::default()
        })
        .await
        .expect("bound seats")
        .items[0]
        .id;
    client
        .unbind_seat(bound, Some("cli-webhooks-unbind"))
        .await
        .expect("unbound");
    receiver.wait_for(1, Duration::from_secs(20)).await;
    let log: Page<WebhookDelivery> = crate::support::portal::wait_for(
        "the delivery logged",
        Duration::from_secs(20),
        || async {
            let log: Page<WebhookDelivery> =
                json(&env.run(&["webhooks", "deliveries", &id, "--json"]));
            (log.items.first().map(|d| d.status) == Some(DeliveryStatus::Delivered)).then_some(log)
        },
    )
    .await;
    assert_eq!(log.items[0].object, format!("seat:{bound}"));
    let delivery = log.items[0].id.to_string();
    let out = env.run(&["webhooks", "redeliver", &id, &delivery]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let got = receiver.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(got[0].body, got[1].body);

    let out = env.run(&["webhooks", "rotate-secret", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("whsec_") && !text.contains(created.secret.expose()),
        "{text}"
    );

    let out = env.run(&["webhooks", "remove", &id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = env.run(&["webhooks", "deliveries", &id]);
    assert_eq!(code(&out), 1, "gone: {}", stdout(&out));
}
