//! List queries take each parameter once and not empty (issue 15, schemathesis's last
//! real findings): `status=` or `status=a&status=b` is a 400 whose JSON error names the
//! parameter, on every route that reads a query. Both backends.

use crate::support::portal::TestPortal;

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn every_list_refuses_an_empty_or_repeated_parameter_naming_it() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    let client = reqwest::Client::new();
    let ask = |query: String| {
        let (client, url, token) = (client.clone(), portal.url(&query), operator.clone());
        async move {
            let response = client.get(url).bearer_auth(token).send().await.expect("request");
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            (status, body)
        }
    };
    for (route, parameter, value) in [
        ("/activations", "status", "done"),
        ("/activations", "q", "1"),
        ("/seats", "status", "free"),
        ("/seats", "product", "orangeuce"),
        ("/audit?object=organization:1", "per_page", "25"),
        ("/events", "action", "seat.bound"),
        ("/changes", "since", "0"),
        ("/tokens", "per_page", "10"),
        ("/accounts", "per_page", "10"),
        ("/users?organization=1", "q", "a"),
        ("/license-info?organization=1", "x", "1"),
    ] {
        let joiner = if route.contains('?') { '&' } else { '?' };
        // The parameter once with a value is fine.
        let (status, body) = ask(format!("{route}{joiner}{parameter}={value}")).await;
        assert_eq!(status, 200, "{route} {parameter}={value}: {body}");
        for query in [
            format!("{route}{joiner}{parameter}="),
            format!("{route}{joiner}{parameter}=%20"),
            format!("{route}{joiner}{parameter}={value}&{parameter}={value}"),
        ] {
            let (status, body) = ask(query.clone()).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert_eq!(body["error"]["code"], "bad_request", "{query}: {body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.starts_with(parameter), "{query}: {message}");
        }
    }
}
}
