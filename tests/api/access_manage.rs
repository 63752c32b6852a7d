//! Managing access (issue 15, "Accounts and login", "Two sides"): operator accounts made
//! only by operators (the first on the server), password change and reset codes that
//! revoke the account's other tokens, `Idempotency-Key` on account creation and on
//! password changes, token and account lists paged by cursor, and account and token
//! changes in the audit log, readable through `GET /events` within the token's
//! organizations and never holding a secret. Every test on both backends.

use super::postgres_support::another_portal;
use crate::support::portal::{Backend, TestPortal, no_worker, on_backend, wait_for};
use licadm::client::ApiClient;
use licadm::client::wire::{NewAccountRequest, Role};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

const ALSTER: i64 = 1;
const SECOND_ORG: i64 = 2;
const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "another long passphrase";

struct Answer {
    status: u16,
    replayed: bool,
    body: Value,
}

async fn send(
    portal: &TestPortal,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> Answer {
    let mut request = reqwest::Client::new().request(method, portal.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true");
    Answer {
        status,
        replayed,
        body: response.json().await.unwrap_or(Value::Null),
    }
}

async fn get(portal: &TestPortal, token: &str, path: &str) -> Answer {
    send(portal, Some(token), Method::GET, path, None, None).await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

async fn account(
    portal: &TestPortal,
    operator: &str,
    email: &str,
    role: &str,
    orgs: &[i64],
) -> i64 {
    let answer = send(
        portal,
        Some(operator),
        Method::POST,
        "/accounts",
        Some(json!({"email": email, "role": role, "organizations": orgs, "password": PASSWORD})),
        None,
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["account"]["id"].as_i64().expect("account id")
}

async fn login_with(portal: &TestPortal, email: &str, password: &str) -> Answer {
    send(
        portal,
        None,
        Method::POST,
        "/login",
        Some(json!({"email": email, "password": password})),
        None,
    )
    .await
}

async fn login(portal: &TestPortal, email: &str) -> String {
    let answer = login_with(portal, email, PASSWORD).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["token"].as_str().expect("token").to_string()
}

/// Every item of a paged list, following `next`, `per_page` at a time.
async fn every_page(
    portal: &TestPortal,
    token: &str,
    path: &str,
    per_page: u32,
) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{joiner}per_page={per_page}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let answer = get(portal, token, &url).await;
        assert_eq!(answer.status, 200, "{url}: {}", answer.body);
        let page = answer.body["items"].as_array().expect("items").clone();
        assert!(page.len() <= per_page as usize);
        items.extend(page);
        pages += 1;
        match answer.body["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return (items, pages),
        }
    }
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_account_made_under_an_idempotency_key_is_made_once() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    let invite = json!({"email": "once@alster.example", "role": "viewer", "organizations": [ALSTER]});
    let post = |body: Value, key: &'static str| {
        send(&portal, Some(&operator), Method::POST, "/accounts", Some(body), Some(key))
    };
    let first = post(invite.clone(), "acct-1").await;
    assert_eq!((first.status, first.replayed), (201, false), "{}", first.body);
    assert!(first.body["invitation"].as_str().is_some_and(|c| c.starts_with("lci_")));
    // The resend (a lost answer): the same account, marked, without a code (not kept).
    let again = post(invite.clone(), "acct-1").await;
    assert_eq!((again.status, again.replayed), (200, true), "{}", again.body);
    assert_eq!(again.body["account"]["id"], first.body["account"]["id"]);
    assert!(again.body.get("invitation").is_none(), "{}", again.body);
    let listed = get(&portal, &operator, "/accounts?email=once@alster.example").await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1), "{}", listed.body);
    // The same key with another request: 422; without a key the same e-mail is a 409.
    let other = post(json!({"email": "other@alster.example", "role": "viewer", "organizations": [ALSTER]}), "acct-1").await;
    assert_eq!((other.status, code(&other.body)), (422, "unprocessable"), "{}", other.body);
    let twice = send(&portal, Some(&operator), Method::POST, "/accounts", Some(invite), None).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    // A refusal is remembered under its key too.
    let bad = json!({"email": "x@alster.example", "role": "viewer", "organizations": [999]});
    assert_eq!(post(bad.clone(), "acct-2").await.status, 404);
    let replay = post(bad, "acct-2").await;
    assert_eq!((replay.status, replay.replayed), (404, true), "{}", replay.body);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn operators_have_accounts_that_only_operators_make() {
    let portal = TestPortal::start().await;
    // The first one on the server, without a token.
    let created = licadm::portal::create_account_in(
        &portal.db_arg(),
        NewAccountRequest {
            email: " Boss@Vendor.example ".into(),
            role: Role::Operator,
            organizations: vec![],
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("an operator account on the server");
    assert_eq!((created.email.as_str(), created.role), ("boss@vendor.example", Role::Operator));
    assert!(created.organizations.is_empty());
    let refused = licadm::portal::create_account_in(
        &portal.db_arg(),
        NewAccountRequest {
            email: "nobody@vendor.example".into(),
            role: Role::Operator,
            organizations: vec![ALSTER],
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect_err("an operator with organizations");
    assert!(refused.to_string().contains("organizations"), "{refused}");

    // It logs in as an operator over every organization.
    let boss = login(&portal, "boss@vendor.example").await;
    let me = get(&portal, &boss, "/me").await;
    assert_eq!(me.body["role"], "operator", "{}", me.body);
    let orgs = get(&portal, &boss, "/organizations").await;
    assert!(orgs.body.as_array().map_or(0, Vec::len) >= 2, "{}", orgs.body);

    // An operator makes another; a partner admin may not, nor give one organizations.
    let second = send(&portal, Some(&boss), Method::POST, "/accounts",
        Some(json!({"email": "staff@vendor.example", "role": "operator", "organizations": [], "password": PASSWORD})), None).await;
    assert_eq!(second.status, 201, "{}", second.body);
    let with_orgs = send(&portal, Some(&boss), Method::POST, "/accounts",
        Some(json!({"email": "x@vendor.example", "role": "operator", "organizations": [ALSTER]})), None).await;
    assert_eq!(with_orgs.status, 400, "{}", with_orgs.body);
    assert!(message(&with_orgs.body).starts_with("organizations"), "{}", with_orgs.body);
    account(&portal, &boss, "admin@alster.example", "admin", &[ALSTER]).await;
    let admin = login(&portal, "admin@alster.example").await;
    let by_admin = send(&portal, Some(&admin), Method::POST, "/accounts",
        Some(json!({"email": "y@vendor.example", "role": "operator", "organizations": []})), None).await;
    assert_eq!((by_admin.status, code(&by_admin.body)), (403, "forbidden"), "{}", by_admin.body);
    // The admin sees no operator account, and cannot disable or reset one.
    let (accounts, _) = every_page(&portal, &admin, "/accounts", 50).await;
    assert!(accounts.iter().all(|a| a["role"] != "operator"), "{accounts:?}");
    let boss_id = created.id;
    for (method, path) in [(Method::DELETE, format!("/accounts/{boss_id}")), (Method::POST, format!("/accounts/{boss_id}/reset"))] {
        let answer = send(&portal, Some(&admin), method, &path, None, None).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_revokes_the_accounts_other_tokens_and_a_resend_replays() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "ira@alster.example", "viewer", &[ALSTER]).await;
    let laptop = login(&portal, "ira@alster.example").await;
    let phone = login(&portal, "ira@alster.example").await;
    let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let wrong = send(&portal, Some(&phone), Method::POST, "/password", Some(change("not it at all", NEW_PASSWORD)), None).await;
    assert_eq!((wrong.status, code(&wrong.body)), (422, "unprocessable"), "{}", wrong.body);
    assert!(message(&wrong.body).contains("current_password"), "{}", wrong.body);
    let short = send(&portal, Some(&phone), Method::POST, "/password", Some(change(PASSWORD, "short")), None).await;
    assert_eq!(short.status, 400, "{}", short.body);
    assert!(message(&short.body).starts_with("new_password"), "{}", short.body);
    assert_eq!(get(&portal, &laptop, "/me").await.status, 200, "nothing changed yet");

    let changed = send(&portal, Some(&phone), Method::POST, "/password", Some(change(PASSWORD, NEW_PASSWORD)), Some("pw-1")).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["revoked_tokens"], 1, "{}", changed.body);
    // The other token is refused as revoked; the one that asked keeps working.
    let refused = get(&portal, &laptop, "/me").await;
    assert_eq!((refused.status, code(&refused.body)), (401, "token_revoked"), "{}", refused.body);
    assert_eq!(get(&portal, &phone, "/me").await.status, 200);
    // Only the new password logs in.
    assert_eq!(login_with(&portal, "ira@alster.example", PASSWORD).await.status, 401);
    assert_eq!(login_with(&portal, "ira@alster.example", NEW_PASSWORD).await.status, 201);
    // The resend after a lost answer replays it, although its current password is old.
    let resent = send(&portal, Some(&phone), Method::POST, "/password", Some(change(PASSWORD, NEW_PASSWORD)), Some("pw-1")).await;
    assert_eq!((resent.status, resent.replayed), (200, true), "{}", resent.body);
    assert_eq!(resent.body["revoked_tokens"], 1);
    // A token made on the server has no account, so no password.
    let server_token = send(&portal, Some(&operator), Method::POST, "/password", Some(change(PASSWORD, NEW_PASSWORD)), None).await;
    assert_eq!((server_token.status, code(&server_token.body)), (403, "forbidden"), "{}", server_token.body);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_reset_code_sets_a_new_password_once_and_revokes_every_token() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "admin@alster.example", "admin", &[ALSTER]).await;
    account(&portal, &operator, "support@alster.example", "support", &[ALSTER]).await;
    let lost = account(&portal, &operator, "lost@alster.example", "viewer", &[ALSTER]).await;
    let elsewhere = account(&portal, &operator, "far@second.example", "viewer", &[SECOND_ORG]).await;
    let admin = login(&portal, "admin@alster.example").await;
    let support = login(&portal, "support@alster.example").await;
    let old_session = login(&portal, "lost@alster.example").await;

    // Who may: a partner admin for its organizations' accounts, not support, not others'.
    let by_support = send(&portal, Some(&support), Method::POST, &format!("/accounts/{lost}/reset"), None, None).await;
    assert_eq!((by_support.status, code(&by_support.body)), (403, "forbidden"));
    let other_org = send(&portal, Some(&admin), Method::POST, &format!("/accounts/{elsewhere}/reset"), None, None).await;
    assert_eq!(other_org.status, 404, "{}", other_org.body);
    let reset = send(&portal, Some(&admin), Method::POST, &format!("/accounts/{lost}/reset"), None, None).await;
    assert_eq!(reset.status, 201, "{}", reset.body);
    let code_text = reset.body["code"].as_str().expect("code").to_string();
    assert!(code_text.starts_with("lcr_"), "{code_text}");
    // Until it is used, the old password still works.
    assert_eq!(get(&portal, &old_session, "/me").await.status, 200);

    // An invitation's route does not take it; the reset route sets the password once.
    let as_invitation = send(&portal, None, Method::POST, "/invitations/accept",
        Some(json!({"code": code_text, "password": NEW_PASSWORD})), None).await;
    assert_eq!(as_invitation.status, 404, "{}", as_invitation.body);
    let weak = send(&portal, None, Method::POST, "/password/reset",
        Some(json!({"code": code_text, "password": "short"})), None).await;
    assert_eq!(weak.status, 400, "{}", weak.body);
    let used = send(&portal, None, Method::POST, "/password/reset",
        Some(json!({"code": code_text, "password": NEW_PASSWORD})), None).await;
    assert_eq!(used.status, 200, "{}", used.body);
    assert_eq!(used.body["email"], "lost@alster.example");
    assert!(!used.replayed);
    // The answer was lost: the same code and password again is the same answer, marked
    // replayed, and nothing is done twice (the session made after it stays).
    let after = login_with(&portal, "lost@alster.example", NEW_PASSWORD).await;
    assert_eq!(after.status, 201, "{}", after.body);
    let after = after.body["token"].as_str().expect("token").to_string();
    let resent = send(&portal, None, Method::POST, "/password/reset",
        Some(json!({"code": code_text, "password": NEW_PASSWORD})), None).await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    assert_eq!(resent.body, used.body);
    assert!(resent.replayed, "marked Idempotent-Replayed");
    assert_eq!(get(&portal, &after, "/me").await.status, 200, "a replay revokes nothing");
    let bad_key = send(&portal, None, Method::POST, "/password/reset",
        Some(json!({"code": code_text, "password": NEW_PASSWORD})), Some(" ")).await;
    assert_eq!(bad_key.status, 400, "{}", bad_key.body);
    let revoked = get(&portal, &old_session, "/me").await;
    assert_eq!((revoked.status, code(&revoked.body)), (401, "token_revoked"));
    assert_eq!(login_with(&portal, "lost@alster.example", NEW_PASSWORD).await.status, 201);
    assert_eq!(login_with(&portal, "lost@alster.example", PASSWORD).await.status, 401);
    let again = send(&portal, None, Method::POST, "/password/reset",
        Some(json!({"code": code_text, "password": "yet another passphrase"})), None).await;
    assert_eq!(again.status, 404, "a code works once: {}", again.body);
    assert!(message(&again.body).contains("reset code"), "{}", again.body);

    // A disabled account gets no code.
    assert_eq!(send(&portal, Some(&admin), Method::DELETE, &format!("/accounts/{lost}"), None, None).await.status, 200);
    let disabled = send(&portal, Some(&admin), Method::POST, &format!("/accounts/{lost}/reset"), None, None).await;
    assert_eq!((disabled.status, code(&disabled.body)), (409, "conflict"), "{}", disabled.body);
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn token_and_account_lists_are_paged_by_cursor_within_what_the_caller_manages() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    account(&portal, &operator, "admin@alster.example", "admin", &[ALSTER]).await;
    for n in 0..6 {
        let org = if n % 2 == 0 { ALSTER } else { SECOND_ORG };
        let email = format!("user{n}@org{org}.example");
        account(&portal, &operator, &email, "viewer", &[org]).await;
        login(&portal, &email).await;
    }
    let admin = login(&portal, "admin@alster.example").await;

    // The operator's pages: every token once, newest first, the same as one big page.
    let (paged, pages) = every_page(&portal, &operator, "/tokens", 3).await;
    assert!(pages >= 3, "{pages} pages");
    let ids: Vec<i64> = paged.iter().filter_map(|t| t["id"].as_i64()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids, sorted, "newest first, no repeats");
    let (whole, one) = every_page(&portal, &operator, "/tokens", 100).await;
    assert_eq!((whole.len(), one), (ids.len(), 1));

    // The admin's pages hold its organization's accounts' tokens only.
    let (mine, _) = every_page(&portal, &admin, "/tokens", 2).await;
    let accounts: BTreeSet<&str> = mine.iter().filter_map(|t| t["account"].as_str()).collect();
    let expected: BTreeSet<&str> = ["admin@alster.example", "user0@org1.example", "user2@org1.example", "user4@org1.example"].into();
    assert_eq!(accounts, expected);

    // Accounts by e-mail, a page at a time.
    let (listed, _) = every_page(&portal, &operator, "/accounts", 2).await;
    let emails: Vec<&str> = listed.iter().filter_map(|a| a["email"].as_str()).collect();
    let mut by_email = emails.clone();
    by_email.sort_unstable();
    assert_eq!(emails, by_email);
    assert_eq!(emails.len(), 7);
    let (theirs, _) = every_page(&portal, &admin, "/accounts", 1).await;
    assert_eq!(theirs.len(), 4, "{theirs:?}");

    // What the lists refuse, naming the parameter.
    let token_cursor = get(&portal, &operator, "/tokens?per_page=1").await.body["next"].as_str().expect("next").to_string();
    for (path, named) in [
        ("/tokens?per_page=0".to_string(), "per_page"),
        ("/tokens?per_page=101".to_string(), "per_page"),
        ("/tokens?cursor=bm9wZQ".to_string(), "cursor"),
        (format!("/accounts?cursor={token_cursor}"), "cursor"),
        ("/accounts?email=nobody".to_string(), "email"),
    ] {
        let answer = get(&portal, &operator, &path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert!(message(&answer.body).starts_with(named), "{path}: {}", answer.body);
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn account_and_token_changes_are_in_the_activity_log_without_secrets() {
    let portal = TestPortal::start().await;
    let operator = portal.operator_token();
    let admin_id = account(&portal, &operator, "admin@alster.example", "admin", &[ALSTER]).await;
    account(&portal, &operator, "far@second.example", "viewer", &[SECOND_ORG]).await;
    let admin = login(&portal, "admin@alster.example").await;
    let invited = send(&portal, Some(&admin), Method::POST, "/accounts",
        Some(json!({"email": "new@alster.example", "role": "viewer", "organizations": [ALSTER]})), None).await;
    assert_eq!(invited.status, 201);
    let invitation = invited.body["invitation"].as_str().expect("code").to_string();
    let new_id = invited.body["account"]["id"].as_i64().expect("id");
    let accepted = send(&portal, None, Method::POST, "/invitations/accept",
        Some(json!({"code": invitation, "password": PASSWORD})), None).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let newcomer = login(&portal, "new@alster.example").await;
    let second = login(&portal, "new@alster.example").await;
    let changed = send(&portal, Some(&newcomer), Method::POST, "/password",
        Some(json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD})), None).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let reset = send(&portal, Some(&admin), Method::POST, &format!("/accounts/{new_id}/reset"), None, None).await;
    assert_eq!(reset.status, 201);
    let reset_code = reset.body["code"].as_str().expect("code").to_string();
    let logout = send(&portal, Some(&newcomer), Method::POST, "/logout", None, None).await;
    assert_eq!(logout.status, 200);
    assert_eq!(send(&portal, Some(&admin), Method::DELETE, &format!("/accounts/{new_id}"), None, None).await.status, 200);
    let _ = second;

    // The operator reads them all, by the account and its tokens.
    let (events, _) = every_page(&portal, &operator, "/events", 100).await;
    let of = |kind: &str| -> Vec<(String, String, String)> {
        events
            .iter()
            .filter(|e| e["object"].as_str().is_some_and(|o| o.starts_with(kind)))
            .map(|e| (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["object"].as_str().unwrap_or_default().to_string(),
                e["actor"].as_str().unwrap_or_default().to_string(),
            ))
            .collect()
    };
    let accounts = of("account:");
    let newcomer_object = format!("account:{new_id}");
    for (action, actor) in [
        ("account.invited", "admin@alster.example"),
        ("account.invitation_accepted", "new@alster.example"),
        ("account.password_changed", "new@alster.example"),
        ("account.password_reset", "admin@alster.example"),
        ("account.disabled", "admin@alster.example"),
    ] {
        assert!(
            accounts.contains(&(action.to_string(), newcomer_object.clone(), actor.to_string())),
            "{action} by {actor} missing: {accounts:?}"
        );
    }
    assert!(accounts.contains(&("account.created".into(), format!("account:{admin_id}"), "operator@vendor".into())), "{accounts:?}");
    let tokens = of("token:");
    let created = tokens.iter().filter(|(a, _, actor)| a == "token.created" && actor == "new@alster.example").count();
    assert_eq!(created, 2, "two logins: {tokens:?}");
    // The password change revoked the second token, logout the first, the disable none left.
    let revoked = tokens.iter().filter(|(a, _, _)| a == "token.revoked").count();
    assert_eq!(revoked, 2, "{tokens:?}");

    // Filters work on the new kinds and actions; the organization is the account's.
    let filtered = get(&portal, &operator, "/events?object_kind=account&action=account.password_reset").await;
    let items = filtered.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", filtered.body);
    assert_eq!(items[0]["organization"]["id"], ALSTER);
    assert!(items[0]["request_id"].is_string(), "{}", filtered.body);

    // Nothing secret is recorded: no password, hash, token or code.
    let text = serde_json::to_string(&events).expect("json");
    for secret in [PASSWORD, NEW_PASSWORD, "$argon2", &admin, &newcomer, &invitation, &reset_code, "lca_", "lci_", "lcr_"] {
        assert!(!text.contains(secret), "{secret} in the log");
    }

    // A partner admin reads its organization's access changes, not another's.
    let (seen, _) = every_page(&portal, &admin, "/events?object_kind=account", 100).await;
    let objects: BTreeSet<&str> = seen.iter().filter_map(|e| e["object"].as_str()).collect();
    assert!(objects.contains(newcomer_object.as_str()), "{objects:?}");
    assert!(seen.iter().all(|e| e["organization"]["id"] == ALSTER), "{seen:?}");
    assert!(
        seen.iter().all(|e| !e["after"]["email"].as_str().is_some_and(|m| m.ends_with("second.example"))),
        "another organization's account: {seen:?}"
    );
    assert!(
        events.iter().any(|e| e["after"]["email"] == "far@second.example"),
        "the operator sees it"
    );
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_running_portal_signs_with_a_rotated_key_within_seconds() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let before = admin.signing_key().await.expect("key");
    let rotated = licadm::portal::rotate_signing_key_in(&portal.db_arg(), None)
        .await
        .expect("rotate");
    assert_ne!(Some(rotated.current.clone()), before.key_id);
    // No restart: the running portal switches within its check interval.
    wait_for("the rotated key in use", Duration::from_secs(10), || async {
        let now = admin.signing_key().await.ok()?;
        (now.key_id.as_deref() == Some(rotated.current.as_str())).then_some(())
    })
    .await;
    // And what it signs now names the new key.
    let org = admin.organizations().await.expect("orgs")[0].clone();
    let product_key = portal.facts().unbound_key(1, "orangeuce").expect("demo key").key.clone();
    let license = admin
        .activate_key(&licadm::client::wire::KeyActivationRequest {
            key: product_key,
            inn: org.inn.clone(),
            kpp: org.kpp.clone(),
            installation: licadm::client::wire::Installation { serial: "SRV-LIVE-1".into(), hash: "live-hash".into() },
        })
        .await
        .expect("activate");
    assert!(license.license.contains(&format!("key-id: {}\n", rotated.current)), "{}", license.license);
}
}

/// Several portals on one PostgreSQL sharing the key file (one host): after a rotation
/// every one of them signs with the new key within seconds, none restarted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_portal_on_one_database_signs_with_a_rotated_key_within_seconds() {
    on_backend(Backend::Postgres, async {
        let first = TestPortal::start().await;
        let url = first.pg_url.clone().expect("a PostgreSQL portal");
        let extras = vec![
            another_portal(&url, no_worker()).await,
            another_portal(&url, no_worker()).await,
        ];
        let mut clients = vec![first.admin()];
        for extra in &extras {
            clients.push(ApiClient::new(&extra.base, &first.admin_token).expect("client"));
        }
        let rotated = licadm::portal::rotate_signing_key_in(&url, None)
            .await
            .expect("rotate");
        for (n, client) in clients.iter().enumerate() {
            wait_for(
                &format!("portal {n} on the rotated key"),
                Duration::from_secs(10),
                || async {
                    let key = client.signing_key().await.ok()?;
                    (key.key_id.as_deref() == Some(rotated.current.as_str())).then_some(())
                },
            )
            .await;
        }
    })
    .await;
}
