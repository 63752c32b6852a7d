//! Text a client sends that is stored or signed is printable and bounded (issue 15,
//! item 4): a newline or an escape sequence in an installation serial or hash, or in an
//! e-mail, is a 400 naming the field, and nothing is signed or stored.

use crate::support::portal::TestPortal;
use serde_json::{Value, json};

async fn post(portal: &TestPortal, path: &str, body: &Value) -> (u16, Value) {
    let response = portal.raw_post(&portal.admin_token, path, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn control_characters_and_overlong_text_are_refused_naming_the_field() {
    let portal = TestPortal::start().await;
    let facts = portal.facts();
    let key = facts.unbound_key(1, "orangeuce").expect("demo key").key.clone();
    let orgs = portal.admin().organizations().await.expect("organizations");
    let activate = |serial: &str, hash: &str| {
        json!({"key": key, "inn": orgs[0].inn, "kpp": orgs[0].kpp,
               "installation": {"serial": serial, "hash": hash}})
    };
    for (body, field) in [
        (activate("SRV-1\nseats: 999999", "abc"), "installation.serial"),
        (activate("SRV-1", "\u{1b}]52;c;ZXZpbA==\u{7}"), "installation.hash"),
        (activate("SRV-\u{202e}1", "abc"), "installation.serial"),
        (activate(&"S".repeat(129), "abc"), "installation.serial"),
    ] {
        let (status, answer) = post(&portal, "/keys/activate", &body).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["code"], "bad_request");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(field), "{message}");
    }
    // Nothing was activated or audited: the key still activates on a clean installation.
    let (status, answer) = post(&portal, "/keys/activate", &activate("SRV-1", "abc")).await;
    assert_eq!(status, 200, "{answer}");

    let seat = *facts.free(1, "orangeuce").first().expect("a free seat");
    let (status, answer) = post(
        &portal,
        &format!("/seats/{seat}/bind"),
        &json!({"email": "user\u{1b}[2J@example.com"}),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap_or_default().starts_with("email"));
}
}
