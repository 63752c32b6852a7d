//! Headers every answer carries and sizes every request must fit, with the JSON error
//! body (issue 15, items 5 and 6).

use crate::support::portal::TestPortal;
use serde_json::Value;

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn personal_data_is_not_stored_by_caches_and_nothing_is_sniffed() {
    let portal = TestPortal::start().await;
    for path in ["/activations", "/seats", "/me", "/no-such-route"] {
        let response = portal.raw_get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    let health = portal.raw_get("/health").await;
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert!(health.headers().get("cache-control").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overlong_uri_or_oversized_headers_get_the_json_error_body() {
    let portal = TestPortal::start().await;
    let long = format!("/activations?q={}", "1".repeat(10_000));
    assert_eq!(
        error_code(portal.raw_get(&long).await).await,
        (414, "uri_too_long".to_string())
    );
    let response = reqwest::Client::new()
        .get(portal.url("/me"))
        .bearer_auth(&portal.admin_token)
        .header("x-padding", "p".repeat(40_000))
        .send()
        .await
        .expect("request");
    assert_eq!(
        error_code(response).await,
        (431, "headers_too_large".to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_describes_the_limits_of_every_route() {
    let portal = TestPortal::start().await;
    let doc: Value = portal
        .raw_get("/openapi.json")
        .await
        .json()
        .await
        .expect("document");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("operations") {
            let authed = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            if !authed {
                continue;
            }
            let responses = &operation["responses"];
            for status in ["414", "429", "431"] {
                assert!(
                    responses.get(status).is_some(),
                    "{method} {path} documents {status}"
                );
            }
            assert!(
                responses["429"]["headers"].get("Retry-After").is_some(),
                "{method} {path}"
            );
        }
    }
}
