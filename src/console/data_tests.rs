//! The mirror answers in the console's language, as the portal would (issue 12: offline,
//! the emergency-license refusal and the mirror's own refusals came out as stored).

use super::{DataSource, MirrorSource};
use crate::client::feed::{CapacityRecord, Change, ChangeFeed, EmergencyRecord};
use crate::client::wire::{Me, Organization, ProductRef, Role};
use crate::client::{ApiClient, ClientError};
use crate::domain::Lang;
use crate::mirror::Mirror;
use chrono::{Duration, Utc};

/// A synced mirror of one organization whose product has an active emergency license
/// (so none may be requested: the refusal is the portal's English text), read through
/// a client whose portal is gone and whose language is `lang`.
fn offline_source(dir: &tempfile::TempDir, lang: Lang) -> DataSource {
    let mirror = Mirror::open(&dir.path().join("mirror.sqlite")).expect("mirror");
    let organization = Organization {
        id: 7,
        name: "ООО Альстер".into(),
        inn: "7701234567".into(),
        kpp: None,
        offer_accepted_at: None,
        activation_blocked: false,
        blocked_by: None,
    };
    mirror
        .save_me(&Me {
            account: "admin".into(),
            role: Role::Admin,
            organizations: vec![organization.as_ref()],
        })
        .expect("me");
    let now = Utc::now();
    let today = now.date_naive();
    let changes = vec![
        Change::Organization(organization),
        Change::Product(ProductRef {
            id: "orangeuce".into(),
            name: "OrangeUCE".into(),
        }),
        Change::Capacity(CapacityRecord {
            organization: 7,
            product: "orangeuce".into(),
            support_until: None,
            accounts_max: 10,
            external_connections_max: 1,
            max_raised_at: None,
            emergency: vec![EmergencyRecord {
                id: 1,
                requested_at: now - Duration::days(1),
                valid_from: today - Duration::days(1),
                valid_until: today + Duration::days(20),
                accounts: 2,
            }],
        }),
    ];
    let feed = ChangeFeed {
        epoch: "e1".into(),
        changes,
        cursor: 3,
        more: false,
        window_head: None,
    };
    mirror.apply_page(&feed, now).expect("page");
    // Nothing listens on the port: every answer below comes from the mirror.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = ApiClient::new(&url, "t").expect("client").with_lang(lang);
    DataSource::Mirror(MirrorSource { client, mirror })
}

#[tokio::test]
async fn the_emergency_refusal_offline_is_in_the_consoles_language() {
    let dir = tempfile::tempdir().expect("dir");
    let info = offline_source(&dir, Lang::Ru)
        .license_info(7)
        .await
        .expect("from the mirror");
    let refusal = info.products[0]
        .emergency_refusal
        .clone()
        .unwrap_or_default();
    assert!(refusal.contains("уже действует"), "{refusal}");
    let dir = tempfile::tempdir().expect("dir");
    let info = offline_source(&dir, Lang::En)
        .license_info(7)
        .await
        .expect("from the mirror");
    let refusal = info.products[0]
        .emergency_refusal
        .clone()
        .unwrap_or_default();
    assert!(refusal.contains("already active"), "{refusal}");
}

#[tokio::test]
async fn a_refusal_of_the_mirror_is_in_the_consoles_language() {
    let dir = tempfile::tempdir().expect("dir");
    match offline_source(&dir, Lang::Ru).license_info(99).await {
        Err(ClientError::Api {
            status, message, ..
        }) => {
            assert_eq!(status, 404);
            assert_eq!(message, "организация 99 не найдена");
        }
        other => panic!("{other:?}"),
    }
}
