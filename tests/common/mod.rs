//! A real portal on loopback for API tests: demo store in a temp dir, served by the
//! same `Portal::serve` the CLI uses, reached over real HTTP.
#![allow(dead_code)] // each test binary uses a different subset

use licadm::client::wire::{ActivationQuery, ActivationSummary, Role};
use licadm::client::{ApiClient, install_tls_provider};
use licadm::portal::{DemoOptions, Portal, create_token};
use std::path::PathBuf;
use tokio::task::JoinHandle;

pub struct TestPortal {
    /// Kept so the store lives as long as the portal.
    _dir: tempfile::TempDir,
    pub db: PathBuf,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// An admin token over every organization.
    pub admin_token: String,
    /// One raw client, so connections are reused (building one per request costs ~20 ms).
    raw: reqwest::Client,
    server: JoinHandle<std::io::Result<()>>,
}

impl TestPortal {
    pub async fn start() -> TestPortal {
        TestPortal::start_with(DemoOptions::default()).await
    }

    pub async fn start_with(options: DemoOptions) -> TestPortal {
        install_tls_provider();
        let dir = tempfile::tempdir().expect("temp dir for the store");
        let db = dir.path().join("portal.sqlite");
        let open_db = db.clone();
        let portal = tokio::task::spawn_blocking(move || Portal::open(&open_db, Some(options)))
            .await
            .expect("open task")
            .expect("portal opens with demo data");
        assert!(portal.demo_filled(), "a fresh store gets the demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let server = tokio::spawn(portal.serve(listener));
        let admin_token = create_token(&db, Role::Admin, &[], "admin@test").expect("admin token");
        let raw = reqwest::Client::new();
        TestPortal {
            _dir: dir,
            db,
            base,
            admin_token,
            raw,
            server,
        }
    }

    pub fn token(&self, role: Role, organizations: &[i64], label: &str) -> String {
        create_token(&self.db, role, organizations, label).expect("token")
    }

    pub fn client(&self, token: &str) -> ApiClient {
        ApiClient::new(&self.base, token).expect("client")
    }

    pub fn admin(&self) -> ApiClient {
        self.client(&self.admin_token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// A raw GET with the admin token, for status/header/body checks the typed client hides.
    pub async fn raw_get(&self, path_and_query: &str) -> reqwest::Response {
        self.raw
            .get(self.url(path_and_query))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("raw request")
    }
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Every activation matching `query` (its page/per_page ignored), walking pages of 100.
pub async fn walk_all(client: &ApiClient, query: &ActivationQuery) -> Vec<ActivationSummary> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let q = ActivationQuery {
            page,
            per_page: 100,
            ..query.clone()
        };
        let got = client.activations(&q).await.expect("activation page");
        let done = got.items.is_empty() || all.len() + got.items.len() >= got.total as usize;
        all.extend(got.items);
        if done {
            assert_eq!(
                all.len() as u64,
                got.total,
                "walking pages yields exactly `total` items"
            );
            return all;
        }
        page += 1;
    }
}
