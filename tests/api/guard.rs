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

/// What a raw TCP client gets back for `request`: status, the parsed JSON body and the
/// whole answer (the connection is read until the portal closes it).
async fn raw_exchange(portal: &TestPortal, request: &[u8]) -> (u16, Value, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = portal.base.trim_start_matches("http://");
    let address = address.split('/').next().unwrap_or(address);
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the portal answers and closes")
    .expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (
        status,
        serde_json::from_str(body).unwrap_or(Value::Null),
        text.clone(),
    )
}

/// Bytes hyper cannot parse (a control character in the request line or a header, a
/// line that is not HTTP) and heads beyond hyper's own limits were answered by hyper
/// with an empty body: they get the JSON error body too (issue 15, item 7).
#[tokio::test(flavor = "multi_thread")]
async fn bad_bytes_and_hyper_s_own_limits_get_the_json_error_body() {
    let portal = TestPortal::start().await;
    let cases: [(Vec<u8>, u16, &str); 5] = [
        (
            b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            b"GET /api/v1/he\x7falth HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (b"NOT HTTP AT ALL\r\n\r\n".to_vec(), 400, "bad_request"),
        (
            [
                b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ".as_slice(),
                &vec![b'a'; 500_000],
                b"\r\n\r\n",
            ]
            .concat(),
            431,
            "headers_too_large",
        ),
        (
            [
                b"GET /api/v1/".as_slice(),
                &vec![b'a'; 70_000],
                b" HTTP/1.1\r\nHost: x\r\n\r\n",
            ]
            .concat(),
            414,
            "uri_too_long",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body, head) = raw_exchange(&portal, &request).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{head}"
        );
        assert!(
            !body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
        assert!(head.contains("content-type: application/json"), "{head}");
    }
    // After a good request on the same connection, the bad one's answer is JSON too.
    let (status, body, head) = raw_exchange(
        &portal,
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad\x01: y\r\n\r\n",
    )
    .await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(body, Value::Null, "two answers: not one JSON document");
    let (_, second) = head
        .split_once("HTTP/1.1 400 Bad Request\r\n")
        .unwrap_or_default();
    assert!(
        second.contains("content-type: application/json"),
        "{head:?}"
    );
    let body = second.split_once("\r\n\r\n").unwrap_or_default().1;
    let body: Value = serde_json::from_str(body).expect("the second answer is JSON");
    assert_eq!(body["error"]["code"], "bad_request");
}

/// Every write a client may resend documents the `Idempotency-Key` header with its
/// bounds and pattern, and `Idempotent-Replayed` on the answers a resend may replay;
/// the signing-key answer documents key ids (issue 15).
#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_describes_idempotency_and_key_ids() {
    let portal = TestPortal::start().await;
    let doc: Value = portal
        .raw_get("/openapi.json")
        .await
        .json()
        .await
        .expect("document");
    let writes = [
        "/activations",
        "/activations/{number}/retry",
        "/seats/{id}/bind",
        "/seats/{id}/unbind",
        "/emergency-license",
        "/purchases",
        "/organizations/{id}/accept-offer",
        "/organizations/{id}/block",
        "/organizations/{id}/unblock",
        "/keys/activate",
        "/offline/response",
    ];
    for write in writes {
        let operation = &doc["paths"][format!("/api/v1{write}")]["post"];
        let key = operation["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == "Idempotency-Key"))
            .unwrap_or_else(|| panic!("{write} takes an Idempotency-Key: {operation}"));
        assert_eq!(key["schema"]["pattern"], "^[!-~]+$", "{write}");
        assert_eq!(key["schema"]["maxLength"], 255, "{write}");
        let responses = operation["responses"].as_object().expect("responses");
        let ok = responses
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .expect("a success");
        assert!(
            ok.1["headers"].get("Idempotent-Replayed").is_some(),
            "{write} {}",
            ok.0
        );
        assert!(
            responses["422"]["headers"]
                .get("Idempotent-Replayed")
                .is_some(),
            "{write}: a replayed refusal"
        );
        assert!(
            responses["401"]["headers"]
                .get("Idempotent-Replayed")
                .is_none()
        );
    }
    let signing = &doc["components"]["schemas"]["SigningKeyInfo"]["properties"];
    assert_eq!(signing["key_id"]["pattern"], "^[0-9a-f]{16}$");
    assert!(signing["keys"]["items"].get("$ref").is_some());
}

/// The document's patterns say what the portal refuses with a 400, no more and no less:
/// each sample is matched against the pattern the document gives and sent to the
/// portal, and the two must agree (issue 15; what schemathesis checks by fuzzing,
/// `benches/schemathesis.sh`).
#[tokio::test(flavor = "multi_thread")]
async fn the_documents_patterns_agree_with_what_the_portal_refuses() {
    let portal = TestPortal::start().await;
    let operator = portal.token(licadm::client::wire::Role::Operator, &[], "operator@vendor");
    let doc: Value = portal
        .raw_get("/openapi.json")
        .await
        .json()
        .await
        .expect("document");
    let pattern = |pointer: &str| {
        let text = doc
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no pattern at {pointer}"));
        regex::Regex::new(text).expect("a pattern Rust's regex reads")
    };
    let param = |path: &str, name: &str| {
        let parameters = doc["paths"][format!("/api/v1{path}")]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let index = parameters
            .iter()
            .position(|p| p["name"] == name)
            .expect("the parameter");
        format!(
            "/paths/{}/get/parameters/{index}/schema/pattern",
            format!("/api/v1{path}").replace('/', "~1")
        )
    };
    let status = |path: String| {
        let portal = &portal;
        async move { portal.raw_get(&path).await.status().as_u16() }
    };

    let invoice = pattern(&param("/invoices/{number}", "number"));
    for (number, valid) in [
        ("202610-00001", true),
        ("202613-00001", false),
        ("202600-00001", false),
        ("2026-00001", false),
    ] {
        assert_eq!(invoice.is_match(number), valid, "{number}");
        let answered = status(format!("/invoices/{number}")).await;
        assert_eq!(answered == 400, !valid, "{number}: {answered}");
    }
    let since = pattern(&param("/activations/errors", "since"));
    for (raw, valid) in [
        ("24h", true),
        ("2208h", true),
        ("2209h", false),
        ("92d", true),
        ("93d", false),
        ("0d", false),
        ("2001-01-01", true),
        ("2026-11-30T10:00:00+03:00", true),
        ("yesterday", false),
    ] {
        assert_eq!(since.is_match(raw), valid, "{raw}");
        let answered = status(format!(
            "/activations/errors?since={}",
            raw.replace('+', "%2B")
        ))
        .await;
        assert_eq!(answered == 400, !valid, "{raw}: {answered}");
    }
    let object = pattern(&param("/audit", "object"));
    for (raw, valid) in [
        ("key:DB49-A2C1-0F3E-77B0-1C2D-9E8F", true),
        ("key:DB49A2C10F3E77B01C2D9E8F", true),
        ("key:'x", false),
        ("key:DB49", false),
        ("activation:1", true),
        ("device:1", false),
    ] {
        assert_eq!(object.is_match(raw), valid, "{raw}");
        let answered = status(format!("/audit?object={raw}")).await;
        assert_eq!(answered == 400, !valid, "{raw}: {answered}");
    }
    let url = pattern("/components/schemas/NewWebhook/properties/url/pattern");
    for (raw, valid) in [
        ("https://hooks.example/licadm?x=1", true),
        ("https://hooks.example:8443/", true),
        ("http://127.0.0.1:9/x", true),
        ("http://hooks.example/x", false),
        ("ftp://hooks.example/", false),
        ("", false),
    ] {
        assert_eq!(url.is_match(raw), valid, "{raw}");
        let answer = portal
            .raw_post(
                &operator,
                "/webhooks",
                &serde_json::json!({"url": raw, "events": ["activation.done"]}),
            )
            .await;
        assert_eq!(
            answer.status().is_success(),
            valid,
            "{raw}: {}",
            answer.status()
        );
    }

    // Every action the log records is one the audit answer's schema allows.
    let actions = doc["components"]["schemas"]["AuditEntry"]["properties"]["action"]["enum"]
        .as_array()
        .expect("enum");
    for action in licadm::client::events::ACTIONS {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} missing from AuditEntry.action"
        );
    }
}
