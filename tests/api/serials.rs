//! One serial's story (`GET /serials/{serial}`, `ApiClient::why`; issue 16): the
//! device, every activation line with the serial in the token's organizations with its
//! status, error, retries and who did what (with the request), and the license file
//! it is in verified against the portal's public key.

use crate::support::portal::{TestPortal, fast_worker, wait_for};
use licadm::client::serials::check;
use licadm::client::wire::Role;
use licadm::domain::ActivationStatus;
use licadm::portal::demo_serials;
use std::time::Duration;

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_serials_story_has_its_device_lines_retries_and_who_did_what() {
    let portal = TestPortal::start_worker(fast_worker(30)).await;
    let admin = portal.admin();
    let serials = demo_serials(&portal.db, 1).expect("serials");
    let refused = serials.refused_permanently["pay-kiosk"][0].clone();
    let number = admin
        .create_activations(1, std::slice::from_ref(&refused), "why-refused")
        .await
        .expect("create")
        .activations[0]
        .number;
    let failures = |expected: usize| {
        let admin = admin.clone();
        let object = format!("activation:{number}");
        async move {
            wait_for("the worker to fail it", Duration::from_secs(20), || {
                let (admin, object) = (admin.clone(), object.clone());
                async move {
                    let page = admin.audit(&object, 1, 100).await.ok()?;
                    let failed = page.items.iter().filter(|e| e.action == "activation.failed").count();
                    (failed == expected).then_some(())
                }
            })
            .await
        }
    };
    failures(1).await;
    for round in 2..=3 {
        admin.retry(number, None).await.expect("retry");
        failures(round).await;
    }

    let story = admin.serial(&refused).await.expect("story");
    assert_eq!(story.serial, refused);
    let device = story.device.as_ref().expect("the registry knows the serial");
    assert!(!device.model.is_empty());
    let line = story.lines.iter().find(|l| l.activation == number).expect("its line");
    assert_eq!(line.status, ActivationStatus::Error);
    assert!(line.error.as_deref().is_some_and(|e| !e.is_empty()), "{line:?}");
    assert_eq!(line.retries, 2);
    let actions: Vec<&str> = line.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "activation.created",
            "activation.failed",
            "activation.retried",
            "activation.failed",
            "activation.retried",
            "activation.failed"
        ]
    );
    // People's changes name the request that made them; the worker's name none.
    for event in &line.history {
        if event.actor == "worker" {
            assert_eq!(event.request_id, None, "{event:?}");
        } else {
            assert_eq!(event.actor, "admin@test");
            assert!(event.request_id.is_some(), "{event:?}");
        }
    }

    // The error text comes in the language asked for, as on the activation itself.
    let english = admin.clone().with_lang(licadm::domain::Lang::En);
    let worded = english.serial(&refused).await.expect("story in English");
    let activation = english.activation(number).await.expect("activation in English");
    assert_eq!(worded.lines[0].error, activation.summary.error);
    let events = english
        .events(&licadm::client::events::EventQuery {
            action: Some("activation.failed".into()),
            ..Default::default()
        })
        .await
        .expect("events in English");
    assert_eq!(
        events.items[0].after.as_ref().and_then(|a| a["error"].as_str()),
        activation.summary.error.as_deref()
    );

    // Another organization's token sees the device, not organization 1's lines.
    let other = portal.client(&portal.token(Role::Admin, &[2], "admin-2@test"));
    let theirs = other.serial(&refused).await.expect("the device is known");
    assert!(theirs.lines.iter().all(|l| l.organization.id == 2), "{theirs:?}");
    // A serial nobody knows is 404, a malformed one 400.
    assert_eq!(admin.serial("9999000000000001").await.expect_err("unknown").status(), Some(404));
    assert_eq!(admin.serial("12345").await.expect_err("malformed").status(), Some(400));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn why_verifies_the_license_file_the_serial_is_in() {
    let portal = TestPortal::start_worker(fast_worker(30)).await;
    let admin = portal.admin();
    let serials = demo_serials(&portal.db, 1).expect("serials");
    let ok = serials.ok["pay-kiosk"][0].clone();
    let number = admin
        .create_activations(1, std::slice::from_ref(&ok), "why-ok")
        .await
        .expect("create")
        .activations[0]
        .number;
    wait_for("the activation to be done", Duration::from_secs(20), || {
        let admin = admin.clone();
        async move {
            let a = admin.activation(number).await.ok()?;
            (a.summary.status == ActivationStatus::Done).then_some(())
        }
    })
    .await;
    let why = admin.why(&ok).await.expect("why");
    let line = &why.story.lines[0];
    assert_eq!((line.activation, line.status), (number, ActivationStatus::Done));
    let license = why.license.as_ref().expect("a done activation has a license file");
    assert_eq!(license.activation, number);
    assert!(license.verified, "{license:?}");
    assert_eq!(license.valid_until, Some(line.new_until));

    // One byte changed in the file: not verified, and the check says why.
    let file = admin.license_file(number).await.expect("file");
    let key = admin.signing_key().await.expect("key");
    let tampered = file.contents.replacen(&ok, &format!("{}9", &ok[..15]), 1);
    let checked = check(number, &ok, &file.file_name, &tampered, &key.public_key);
    assert!(!checked.verified);
    assert!(checked.problem.is_some_and(|p| p.contains("SIGNATURE")));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn offline_the_mirror_tells_the_device_lines_and_history_it_holds_and_says_what_it_lacks() {
    use licadm::console::data::{DataSource, MirrorSource};
    use licadm::mirror::Mirror;
    use licadm::mirror::sync::sync_once;
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let done = admin
        .activations(&licadm::client::wire::ActivationQuery {
            status: Some(ActivationStatus::Done),
            ..Default::default()
        })
        .await
        .expect("done")
        .items[0]
        .number;
    let serial = admin.activation(done).await.expect("detail").lines[0].serial.clone();
    // An errored activation retried: its line has a history (who retried, which request).
    let errored = admin
        .activations(&licadm::client::wire::ActivationQuery {
            status: Some(ActivationStatus::Error),
            ..Default::default()
        })
        .await
        .expect("errored")
        .items[0]
        .number;
    admin.retry(errored, None).await.expect("retry");
    let retried = admin.activation(errored).await.expect("detail").lines[0].serial.clone();
    let dir = tempfile::tempdir().expect("dir");
    let mirror = Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror");
    sync_once(&admin, &mirror, &|_| {}).await.expect("full sync");
    let online = admin.why(&serial).await.expect("online");
    let online_retried = admin.why(&retried).await.expect("online");

    // Nothing listens where the client points: the portal is gone.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let offline = DataSource::Mirror(MirrorSource {
        client: licadm::client::ApiClient::new(&url, &portal.admin_token).expect("client"),
        mirror,
    });
    let why = offline.why(&serial).await.expect("from the mirror");
    assert!(why.offline);
    // The feed brought the device (its organization completed an activation of it) and
    // the audit records (issue 16): only the license file check needs the portal.
    assert_eq!(why.story, online.story, "the same story offline");
    assert!(why.story.device.is_some() && why.license.is_none());
    let why_retried = offline.why(&retried).await.expect("from the mirror");
    let line = |why: &licadm::client::serials::Why| {
        why.story
            .lines
            .iter()
            .find(|l| l.activation == errored)
            .cloned()
            .expect("the retried line")
    };
    let offline_line = line(&why_retried);
    assert_eq!(offline_line, line(&online_retried), "the history offline too");
    assert_eq!(offline_line.retries, 1);
    assert!(offline_line.history.iter().any(|e| e.action == "activation.retried"));
    let text = licadm::console::i18n::why::lines(licadm::domain::Lang::En, &why).join("\n");
    assert!(text.starts_with("The portal is unreachable"), "{text}");
    assert!(!text.contains("License file"), "{text}");
}
}
