//! Helpers of the PostgreSQL-only tests: more portals on the test's database.

use crate::support::portal::TestPortal;
use licadm::client::ApiClient;
use licadm::portal::{DemoOptions, Portal, PortalOptions};

pub const ORANGEUCE: &str = "orangeuce";

/// Another portal process's worth of state on the same database, served on loopback.
pub struct Extra {
    pub base: String,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Extra {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub async fn another_portal(url: &str, options: PortalOptions) -> Extra {
    let portal = Portal::connect(url, Some(DemoOptions::default()), options)
        .await
        .expect("a second portal on the same database");
    assert!(!portal.demo_filled(), "the database was filled once");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    Extra {
        base,
        server: tokio::spawn(portal.serve(listener)),
    }
}

/// The first portal (which filled the database) and two more on the same database;
/// admin clients of all three.
pub async fn three_portals(options: PortalOptions) -> (TestPortal, Vec<Extra>, Vec<ApiClient>) {
    let first = TestPortal::start_full(DemoOptions::default(), options).await;
    let url = first.pg_url.clone().expect("a PostgreSQL portal");
    let extras = vec![
        another_portal(&url, options).await,
        another_portal(&url, options).await,
    ];
    let mut clients = vec![first.admin()];
    for extra in &extras {
        clients.push(ApiClient::new(&extra.base, &first.admin_token).expect("client"));
    }
    (first, extras, clients)
}

pub fn status(result: &Result<impl std::fmt::Debug, licadm::client::ClientError>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(licadm::client::ClientError::Api { status, .. }) => *status,
        Err(other) => panic!("expected an API answer, got {other}"),
    }
}

/// A connection of the test's own to the database (to look at claims, hold locks, read the catalog).
pub async fn connect(url: &str) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect to the test database");
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    (client, driver)
}
