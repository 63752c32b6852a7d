//! Accounts, login and the token lifecycle (issue 15, "Accounts and login"): a login
//! gives an expiring token with the account's role and organizations; failed logins
//! look alike and are throttled per account and per address; revoked and expired tokens
//! get 401 saying so, within a second; who may list and revoke which tokens; invitations;
//! passwords stored as argon2id hashes. Every test on both backends.

use crate::support::portal::{MovableClock, TestPortal, no_worker, wait_for};
use licadm::portal::rate_limit::{Rate, RateLimits};
use licadm::portal::serve::Limits;
use licadm::portal::{DemoOptions, PortalOptions};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ALSTER: i64 = 1;
const SECOND_ORG: i64 = 2;
const PASSWORD: &str = "correct horse battery";

/// A request with an optional token; the status, `Retry-After` and the JSON body.
async fn call(
    portal: &TestPortal,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Option<u64>, Value) {
    let mut request = reqwest::Client::new().request(method, portal.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (
        status,
        retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn get(portal: &TestPortal, token: &str, path: &str) -> (u16, Value) {
    let (status, _, body) = call(portal, Some(token), reqwest::Method::GET, path, None).await;
    (status, body)
}

async fn delete(portal: &TestPortal, token: &str, path: &str) -> (u16, Value) {
    let (status, _, body) = call(portal, Some(token), reqwest::Method::DELETE, path, None).await;
    (status, body)
}

/// An operator makes an account with a password; answers its id.
async fn account(
    portal: &TestPortal,
    operator: &str,
    email: &str,
    role: &str,
    orgs: &[i64],
) -> i64 {
    let (status, _, body) = call(
        portal,
        Some(operator),
        reqwest::Method::POST,
        "/accounts",
        Some(json!({"email": email, "role": role, "organizations": orgs, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("invitation").is_none(), "{body}");
    body["account"]["id"].as_i64().expect("account id")
}

async fn login_as(portal: &TestPortal, email: &str, password: &str) -> (u16, Option<u64>, Value) {
    call(
        portal,
        None,
        reqwest::Method::POST,
        "/login",
        Some(json!({"email": email, "password": password, "label": "laptop"})),
    )
    .await
}

/// Logs in and answers the token.
async fn login(portal: &TestPortal, email: &str) -> String {
    let (status, _, body) = login_as(portal, email, PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().expect("token").to_string()
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// One text column of the store behind the portal's back.
async fn stored_text(portal: &TestPortal, sql: &str, email: &str) -> Option<String> {
    match &portal.pg_url {
        None => {
            let db = rusqlite::Connection::open(&portal.db).expect("store file");
            db.query_row(&sql.replace("$1", "?1"), [email], |row| row.get(0))
                .expect("row")
        }
        Some(url) => {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            let driver = tokio::spawn(connection);
            let value = client.query_one(sql, &[&email]).await.expect("row").get(0);
            drop(client);
            let _ = driver.await;
            value
        }
    }
}

async fn limited_portal(rate: RateLimits) -> TestPortal {
    let options = PortalOptions {
        limits: Limits {
            rate,
            ..Limits::default()
        },
        ..no_worker()
    };
    TestPortal::start_full(DemoOptions { activations: 20 }, options).await
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_login_gives_an_expiring_token_with_the_accounts_role_and_organizations() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "Anna@Alster.example", "admin", &[ALSTER]).await;

    let started = Instant::now();
    let (status, _, body) = login_as(&portal, " anna@alster.EXAMPLE ", PASSWORD).await;
    let took = started.elapsed();
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().expect("token");
    assert!(token.starts_with(licadm::portal::TOKEN_PREFIX));
    let info = &body["info"];
    assert_eq!(info["role"], "admin");
    assert_eq!(info["account"], "anna@alster.example");
    assert_eq!(info["label"], "laptop");
    assert_eq!(info["organizations"][0]["id"], ALSTER);
    assert_eq!(info["organizations"].as_array().map(Vec::len), Some(1));
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(info["expires_at"].clone()).expect("expiry");
    let days = (expires - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((29.9..=30.1).contains(&days), "expires in {days} days");
    eprintln!("login took {took:?}");

    // The token works, acts as the account, and sees only the account's organization.
    let (status, me) = get(&portal, token, "/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["account"], "anna@alster.example");
    assert_eq!(me["role"], "admin");
    let (_, orgs) = get(&portal, token, "/organizations").await;
    assert_eq!(orgs.as_array().map(Vec::len), Some(1), "{orgs}");

    // Only an argon2id hash is stored, never the password; only the token's hash.
    let hash = stored_text(&portal, "SELECT password_hash FROM accounts WHERE email = $1", "anna@alster.example")
        .await
        .expect("a password hash");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    let stored_token = stored_text(
        &portal,
        "SELECT t.hash FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE a.email = $1",
        "anna@alster.example",
    )
    .await
    .expect("token hash");
    assert_ne!(stored_token, token);
    assert_eq!(stored_token.len(), 64);

    // Its last use is recorded (once a minute at most), seen in the list.
    let seen = wait_for("the last use recorded", Duration::from_secs(5), || async {
        let (_, tokens) = get(&portal, token, "/tokens").await;
        tokens["items"].as_array()?.iter().find(|t| t["current"] == true)?["last_used_at"]
            .as_str()
            .map(str::to_string)
    })
    .await;
    assert!(!seen.is_empty());
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_and_an_unknown_email_look_alike_and_are_throttled_per_account() {
    let portal = limited_portal(RateLimits {
        failed_login_per_account: Some(Rate { burst: 3, per_minute: 1 }),
        ..RateLimits::off()
    })
    .await;
    let operator = portal.operator_token();
    account(&portal, &operator, "boris@alster.example", "viewer", &[ALSTER]).await;
    account(&portal, &operator, "vera@alster.example", "viewer", &[ALSTER]).await;

    let (wrong_status, _, wrong) = login_as(&portal, "boris@alster.example", "not his password").await;
    let (unknown_status, _, unknown) = login_as(&portal, "nobody@alster.example", "not his password").await;
    assert_eq!((wrong_status, unknown_status), (401, 401));
    // Each answer names its own request (issue 16); all else must be the same.
    let without_request = |mut body: serde_json::Value| {
        assert!(body["error"]["request_id"].is_string(), "{body}");
        if let Some(error) = body["error"].as_object_mut() {
            error.remove("request_id");
        }
        body
    };
    assert_eq!(
        without_request(wrong.clone()),
        without_request(unknown.clone()),
        "the same answer: accounts cannot be enumerated"
    );
    assert_eq!(code(&wrong), "login_failed");

    // Two more failures use up Boris's three; then even his right password waits.
    for _ in 0..2 {
        let (status, _, _) = login_as(&portal, "boris@alster.example", "still wrong!").await;
        assert_eq!(status, 401);
    }
    let (status, retry_after, body) = login_as(&portal, "boris@alster.example", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(code(&body), "rate_limited");
    assert!(retry_after.is_some_and(|s| s >= 1), "{retry_after:?}");
    // The same throttle for an e-mail without an account: nothing told apart.
    for _ in 0..2 {
        login_as(&portal, "nobody@alster.example", "x-wrong-x").await;
    }
    let (status, _, _) = login_as(&portal, "nobody@alster.example", "x-wrong-x").await;
    assert_eq!(status, 429);
    // Another account is not held up.
    let (status, _, body) = login_as(&portal, "vera@alster.example", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn failed_logins_are_throttled_per_address() {
    let portal = limited_portal(RateLimits {
        failed_auth_per_address: Some(Rate { burst: 3, per_minute: 1 }),
        ..RateLimits::off()
    })
    .await;
    let operator = portal.operator_token();
    account(&portal, &operator, "gleb@alster.example", "viewer", &[ALSTER]).await;
    for n in 0..3 {
        let (status, _, _) = login_as(&portal, &format!("guess{n}@alster.example"), "whatever1").await;
        assert_eq!(status, 401);
    }
    let (status, retry_after, body) = login_as(&portal, "gleb@alster.example", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(retry_after.is_some());
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_gets_401_token_expired_in_either_language() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let operator = portal.operator_token();
    account(&portal, &operator, "dina@alster.example", "support", &[ALSTER]).await;
    let token = login(&portal, "dina@alster.example").await;
    assert_eq!(get(&portal, &token, "/me").await.0, 200);
    clock.advance_days(31);
    // The cached grant is at most a second old; the expiry is checked on every request.
    let (status, body) = get(&portal, &token, "/me").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(code(&body), "token_expired");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("expired") && message.contains("licadm login"), "{message}");
    let response = reqwest::Client::new()
        .get(portal.url("/me"))
        .bearer_auth(&token)
        .header("Accept-Language", "ru")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("JSON");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("срок действия токена истёк"), "{message}");
    // A token made on the server has no expiry and keeps working.
    assert_eq!(get(&portal, &operator, "/me").await.0, 200);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_token_gets_401_token_revoked_within_a_second() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "egor@alster.example", "viewer", &[ALSTER]).await;
    let laptop = login(&portal, "egor@alster.example").await;
    let phone = login(&portal, "egor@alster.example").await;
    // Both in use (so the token cache holds the laptop's grant).
    assert_eq!(get(&portal, &laptop, "/me").await.0, 200);
    let (_, tokens) = get(&portal, &phone, "/tokens").await;
    let laptop_id = tokens["items"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["current"] == false))
        .and_then(|t| t["id"].as_i64())
        .expect("the laptop's token in the list");

    // Revoked from the phone: the laptop is refused within a second.
    let (status, revoked) = delete(&portal, &phone, &format!("/tokens/{laptop_id}")).await;
    assert_eq!(status, 200, "{revoked}");
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    let revoked_at = Instant::now();
    let body = wait_for("the revoked token refused", Duration::from_secs(1), || async {
        let (status, body) = get(&portal, &laptop, "/me").await;
        (status == 401).then_some(body)
    })
    .await;
    assert!(revoked_at.elapsed() < Duration::from_secs(1));
    assert_eq!(code(&body), "token_revoked");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("revoked"), "{message}");

    // Behind the portal's back too (another portal on the same database): the cache
    // holds a grant at most a second.
    assert_eq!(get(&portal, &phone, "/me").await.0, 200);
    portal
        .execute_behind(
            "UPDATE tokens SET revoked_at = '2026-01-01T00:00:00Z' WHERE id = (SELECT MAX(id) FROM tokens WHERE id > ?)",
            "UPDATE tokens SET revoked_at = '2026-01-01T00:00:00Z' WHERE id = (SELECT MAX(id) FROM tokens WHERE id > $1)",
            laptop_id,
        )
        .await;
    let started = Instant::now();
    wait_for("a revocation in the store seen", Duration::from_millis(1_500), || async {
        (get(&portal, &phone, "/me").await.0 == 401).then_some(())
    })
    .await;
    assert!(started.elapsed() < Duration::from_millis(1_500));

    // Logout revokes the token it is sent with.
    let third = login(&portal, "egor@alster.example").await;
    let (status, _, body) = call(&portal, Some(&third), reqwest::Method::POST, "/logout", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["current"], true);
    let (status, body) = get(&portal, &third, "/me").await;
    assert_eq!((status, code(&body)), (401, "token_revoked"));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn who_may_list_and_revoke_which_tokens() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "admin1@alster.example", "admin", &[ALSTER]).await;
    account(&portal, &operator, "admin2@second.example", "admin", &[SECOND_ORG]).await;
    account(&portal, &operator, "support1@alster.example", "support", &[ALSTER]).await;
    account(&portal, &operator, "viewer1@alster.example", "viewer", &[ALSTER]).await;
    account(&portal, &operator, "both@alster.example", "viewer", &[ALSTER, SECOND_ORG]).await;
    let admin1 = login(&portal, "admin1@alster.example").await;
    let admin2 = login(&portal, "admin2@second.example").await;
    let support1 = login(&portal, "support1@alster.example").await;
    let viewer1 = login(&portal, "viewer1@alster.example").await;
    login(&portal, "both@alster.example").await;

    let listed = |body: &Value| -> Vec<(i64, String)> {
        body["items"].as_array()
            .map(|all| {
                all.iter()
                    .map(|t| {
                        (
                            t["id"].as_i64().unwrap_or(0),
                            t["account"].as_str().unwrap_or(t["label"].as_str().unwrap_or("")).to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let id_of = |list: &[(i64, String)], who: &str| {
        list.iter().find(|(_, a)| a == who).map(|(id, _)| *id)
    };

    // The operator sees every token, its own and the server-made ones included.
    let (status, all) = get(&portal, &operator, "/tokens").await;
    assert_eq!(status, 200, "{all}");
    let all = listed(&all);
    for who in ["admin1@alster.example", "admin2@second.example", "support1@alster.example",
                "viewer1@alster.example", "both@alster.example", "operator@vendor"] {
        assert!(id_of(&all, who).is_some(), "operator sees {who}: {all:?}");
    }
    let admin2_token = id_of(&all, "admin2@second.example").expect("admin2");
    let viewer1_token = id_of(&all, "viewer1@alster.example").expect("viewer1");
    let operator_token = id_of(&all, "operator@vendor").expect("operator's");
    let both_token = id_of(&all, "both@alster.example").expect("both");

    // A partner admin: its organization's accounts, not another's, not the operator's.
    let (_, mine) = get(&portal, &admin1, "/tokens").await;
    let mine = listed(&mine);
    for who in ["admin1@alster.example", "support1@alster.example", "viewer1@alster.example"] {
        assert!(id_of(&mine, who).is_some(), "admin1 sees {who}: {mine:?}");
    }
    for who in ["admin2@second.example", "operator@vendor", "both@alster.example"] {
        assert!(id_of(&mine, who).is_none(), "admin1 must not see {who}: {mine:?}");
    }
    for id in [admin2_token, operator_token, both_token] {
        let (status, body) = delete(&portal, &admin1, &format!("/tokens/{id}")).await;
        assert_eq!((status, code(&body)), (404, "not_found"), "admin1 revoking {id}");
    }
    assert_eq!(get(&portal, &admin2, "/me").await.0, 200, "admin2 untouched");

    // Support and viewer see only their own and revoke nobody else's.
    let (_, theirs) = get(&portal, &support1, "/tokens").await;
    let theirs = listed(&theirs);
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0].1, "support1@alster.example");
    let (status, _) = delete(&portal, &support1, &format!("/tokens/{viewer1_token}")).await;
    assert_eq!(status, 404);
    assert_eq!(get(&portal, &viewer1, "/me").await.0, 200);

    // The admin revokes a token of its organization's account; the operator any.
    let (status, _) = delete(&portal, &admin1, &format!("/tokens/{viewer1_token}")).await;
    assert_eq!(status, 200);
    assert_eq!(get(&portal, &viewer1, "/me").await.0, 401);
    let (status, _) = delete(&portal, &operator, &format!("/tokens/{admin2_token}")).await;
    assert_eq!(status, 200);
    assert_eq!(get(&portal, &admin2, "/me").await.0, 401);
    let (status, body) = delete(&portal, &operator, "/tokens/x").await;
    assert_eq!(status, 400, "{body}");

    // Accounts: an admin makes invitations for its own organizations only.
    let invite = |email: &str, role: &str, orgs: Vec<i64>| json!({"email": email, "role": role, "organizations": orgs});
    let post = |token: String, body: Value| {
        let portal = &portal;
        async move { call(portal, Some(&token), reqwest::Method::POST, "/accounts", Some(body)).await }
    };
    let (status, _, body) = post(admin1.clone(), invite("x@second.example", "viewer", vec![SECOND_ORG])).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let (status, _, body) = post(admin1.clone(), invite("x@alster.example", "operator", vec![ALSTER])).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "a partner admin makes no operator: {body}");
    let mut with_password = invite("x@alster.example", "viewer", vec![ALSTER]);
    with_password["password"] = json!(PASSWORD);
    let (status, _, body) = post(admin1.clone(), with_password).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");
    let (status, _, body) = post(support1.clone(), invite("x@alster.example", "viewer", vec![ALSTER])).await;
    assert_eq!((status, code(&body)), (403, "forbidden"), "{body}");
    let (status, _, body) = post(admin1.clone(), invite("admin2@second.example", "viewer", vec![ALSTER])).await;
    assert_eq!((status, code(&body)), (409, "conflict"), "{body}");
    let (status, _, body) = post(admin1.clone(), invite("not an address", "viewer", vec![ALSTER])).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("email "), "{body}");

    // The account lists follow the same lines.
    let (_, accounts) = get(&portal, &admin1, "/accounts").await;
    let emails: Vec<&str> = accounts["items"].as_array().map(|a| a.iter().filter_map(|x| x["email"].as_str()).collect()).unwrap_or_default();
    assert!(emails.contains(&"viewer1@alster.example") && !emails.contains(&"admin2@second.example"), "{emails:?}");
    let (_, accounts) = get(&portal, &support1, "/accounts").await;
    assert_eq!(accounts["items"].as_array().map(Vec::len), Some(1), "{accounts}");
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_invited_account_sets_its_password_once_and_then_logs_in() {
    let clock = MovableClock::default();
    let portal = TestPortal::start_with_clock(clock.clock()).await;
    let operator = portal.operator_token();
    account(&portal, &operator, "head@alster.example", "admin", &[ALSTER]).await;
    let head = login(&portal, "head@alster.example").await;

    let (status, _, created) = call(
        &portal,
        Some(&head),
        reqwest::Method::POST,
        "/accounts",
        Some(json!({"email": "new@alster.example", "role": "support", "organizations": [ALSTER]})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["account"]["has_password"], false);
    assert_eq!(created["account"]["created_by"], "head@alster.example");
    let code_text = created["invitation"].as_str().expect("an invitation code").to_string();
    assert!(code_text.starts_with("lci_"), "{code_text}");

    // No password yet: a login fails as any other.
    let (status, _, body) = login_as(&portal, "new@alster.example", PASSWORD).await;
    assert_eq!((status, code(&body)), (401, "login_failed"));
    let accept = |password: &str| {
        let (portal, body) = (&portal, json!({"code": code_text, "password": password}));
        async move { call(portal, None, reqwest::Method::POST, "/invitations/accept", Some(body)).await }
    };
    let (status, _, body) = accept("short").await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or_default().starts_with("password "), "{body}");
    let (status, _, body) = accept(PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["has_password"], true);
    let token = login(&portal, "new@alster.example").await;
    let (_, me) = get(&portal, &token, "/me").await;
    assert_eq!(me["role"], "support");
    // Once only: the same code and password again is the first answer (a resend after
    // a lost answer); another password is refused as a used code.
    let resent = reqwest::Client::new()
        .post(portal.url("/invitations/accept"))
        .json(&json!({"code": code_text, "password": PASSWORD}))
        .send()
        .await
        .expect("resend");
    assert_eq!(resent.status().as_u16(), 200);
    let replayed = resent.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(replayed.as_deref(), Some("true"));
    let again: Value = resent.json().await.expect("json");
    assert_eq!(again["id"], body["id"]);
    assert_eq!(get(&portal, &token, "/me").await.0, 200, "the replay revoked nothing");
    let (status, _, body) = accept("another password").await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");

    // An invitation expires after 7 days.
    let (_, _, late) = call(
        &portal,
        Some(&head),
        reqwest::Method::POST,
        "/accounts",
        Some(json!({"email": "late@alster.example", "role": "viewer", "organizations": [ALSTER]})),
    )
    .await;
    let late_code = late["invitation"].as_str().expect("code").to_string();
    clock.advance_days(8);
    let head_again = {
        // The head's own token lasts 30 days: still good.
        head.clone()
    };
    assert_eq!(get(&portal, &head_again, "/me").await.0, 200);
    // A used code is remembered for the idempotency keys' lifetime (24 h), no longer.
    let (status, _, body) = accept(PASSWORD).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let (status, _, _) = call(
        &portal,
        None,
        reqwest::Method::POST,
        "/invitations/accept",
        Some(json!({"code": late_code, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 404);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn disabling_an_account_revokes_its_tokens_and_stops_its_logins() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    let id = account(&portal, &operator, "leaver@alster.example", "admin", &[ALSTER]).await;
    let token = login(&portal, "leaver@alster.example").await;
    // The CLI-made admin token sees every organization: it manages this account.
    let (status, body) = delete(&portal, &portal.admin_token, &format!("/accounts/{id}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["disabled_at"].is_string());
    let (status, body) = get(&portal, &token, "/me").await;
    assert_eq!((status, code(&body)), (401, "token_revoked"));
    let (status, _, body) = login_as(&portal, "leaver@alster.example", PASSWORD).await;
    assert_eq!((status, code(&body)), (401, "login_failed"));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn hostile_or_malformed_login_text_is_a_400_naming_the_field() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "zoe@alster.example", "viewer", &[ALSTER]).await;
    for (body, field) in [
        (json!({"email": "zoe@alster.example\u{1b}]52;c;eA==\u{7}", "password": PASSWORD}), "email"),
        (json!({"email": "zoe", "password": PASSWORD}), "email"),
        (json!({"email": "zoe@alster.example", "password": PASSWORD, "label": "a\nb"}), "label"),
        (json!({"email": "zoe@alster.example", "password": PASSWORD, "label": "x".repeat(101)}), "label"),
    ] {
        let (status, _, answer) = call(&portal, None, reqwest::Method::POST, "/login", Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(field), "{message}");
    }
}
}
