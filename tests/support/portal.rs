//! A real portal on loopback for API tests: demo store in a temp dir, served by the
//! same `Portal::serve` the CLI uses, reached over real HTTP.

use licadm::client::wire::{ActivationQuery, ActivationSummary, Role};
use licadm::client::{ApiClient, ClientError, install_tls_provider};
use licadm::portal::{Clock, DemoFacts, DemoOptions, Portal, PortalOptions, create_token};

use super::pg;

/// Which store a test's portal runs on. A test written with [`both_backends!`] runs
/// once per backend; `TestPortal::start…` reads the backend of the running test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    static BACKEND: Backend;
}

/// The backend of the running test (SQLite outside [`both_backends!`]).
pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// Runs a test body on `backend`. On PostgreSQL without the server binaries the body
/// is skipped with a loud message (a failure when `LICADM_REQUIRE_PG=1`).
pub async fn on_backend(backend: Backend, body: impl std::future::Future<Output = ()>) {
    if backend == Backend::Postgres && pg::cluster().is_none() {
        return;
    }
    BACKEND.scope(backend, body).await
}

/// Writes each test twice: `name::sqlite` and `name::postgres`, the same body on each
/// backend. Use around `#[tokio::test…] async fn name() { … }`.
#[macro_export]
macro_rules! both_backends {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(#[$attr])*
            async fn sqlite() {
                $crate::support::portal::on_backend(
                    $crate::support::portal::Backend::Sqlite,
                    async move $body,
                )
                .await
            }
            $(#[$attr])*
            async fn postgres() {
                $crate::support::portal::on_backend(
                    $crate::support::portal::Backend::Postgres,
                    async move $body,
                )
                .await
            }
        }
    };
}
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

pub struct TestPortal {
    /// Kept so the store lives as long as the portal.
    _dir: tempfile::TempDir,
    /// The SQLite store; on PostgreSQL, the SQLite demo store the database was filled
    /// from (demo facts and serials are read there: the same data set).
    pub db: PathBuf,
    /// The PostgreSQL store's URL when the portal runs on PostgreSQL.
    pub pg_url: Option<String>,
    /// The running portal (tokens are created through it).
    portal: Portal,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// An admin token over every organization.
    pub admin_token: String,
    /// One raw client, so connections are reused (building one per request costs ~20 ms).
    raw: reqwest::Client,
    server: JoinHandle<std::io::Result<()>>,
}

/// Portal options without the worker: read tests see the demo data exactly as seeded
/// (the worker would complete its in-progress activations).
pub fn no_worker() -> PortalOptions {
    PortalOptions {
        run_worker: false,
        ..PortalOptions::default()
    }
}

/// A worker that takes queued activations after `delay_ms`, looking every 20 ms.
pub fn fast_worker(delay_ms: u64) -> PortalOptions {
    PortalOptions {
        run_worker: true,
        worker_delay: Duration::from_millis(delay_ms),
        worker_tick: Duration::from_millis(20),
        ..PortalOptions::default()
    }
}

impl TestPortal {
    pub async fn start() -> TestPortal {
        TestPortal::start_with(DemoOptions::default()).await
    }

    pub async fn start_with(options: DemoOptions) -> TestPortal {
        TestPortal::start_full(options, no_worker()).await
    }

    /// The default demo data with the given worker options.
    pub async fn start_worker(portal: PortalOptions) -> TestPortal {
        TestPortal::start_full(DemoOptions::default(), portal).await
    }

    pub async fn start_full(options: DemoOptions, portal_options: PortalOptions) -> TestPortal {
        TestPortal::start_clocked(options, portal_options, Clock::system()).await
    }

    /// The default demo data, no worker, and the portal reading time from `clock`.
    pub async fn start_with_clock(clock: Clock) -> TestPortal {
        TestPortal::start_clocked(DemoOptions::default(), no_worker(), clock).await
    }

    pub async fn start_clocked(
        options: DemoOptions,
        portal_options: PortalOptions,
        clock: Clock,
    ) -> TestPortal {
        install_tls_provider();
        let dir = tempfile::tempdir().expect("temp dir for the store");
        let db = dir.path().join("portal.sqlite");
        let open_db = db.clone();
        let sqlite = tokio::task::spawn_blocking(move || {
            Portal::open_with(&open_db, Some(options), portal_options)
        })
        .await
        .expect("open task")
        .expect("portal opens with demo data");
        assert!(sqlite.demo_filled(), "a fresh store gets the demo data");
        let (portal, pg_url) = match backend() {
            Backend::Sqlite => (sqlite, None),
            Backend::Postgres => {
                let cluster = pg::cluster().expect("on_backend checked the cluster");
                let url = cluster.create_database();
                let portal = Portal::connect_postgres_from(&url, &db, portal_options)
                    .await
                    .expect("portal on PostgreSQL with the demo data");
                assert!(portal.demo_filled(), "a fresh database gets the demo data");
                (portal, Some(url))
            }
        };
        let portal = portal.with_clock(clock);
        let (base, server) = serve(portal.clone()).await;
        let admin_token = portal
            .create_token(Role::Admin, &[], "admin@test")
            .await
            .expect("admin token");
        let raw = reqwest::Client::new();
        TestPortal {
            _dir: dir,
            db,
            pg_url,
            portal,
            base,
            admin_token,
            raw,
            server,
        }
    }

    /// Runs one SQL statement on the store behind the portal's back (SQLite `?` or
    /// PostgreSQL `$1` placeholders: give `sqlite` and `postgres` spellings).
    pub async fn execute_behind(&self, sqlite: &str, postgres: &str, id: i64) {
        match &self.pg_url {
            None => {
                let db = rusqlite::Connection::open(&self.db).expect("store file");
                db.busy_timeout(Duration::from_secs(5)).expect("timeout");
                db.execute(sqlite, [id]).expect("statement");
            }
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                let driver = tokio::spawn(connection);
                client.execute(postgres, &[&id]).await.expect("statement");
                drop(client);
                let _ = driver.await;
            }
        }
    }

    /// One count read from the store behind the portal's back (SQL both backends
    /// read alike, without parameters).
    pub async fn count_behind(&self, sql: &str) -> i64 {
        match &self.pg_url {
            None => {
                let db = rusqlite::Connection::open(&self.db).expect("store file");
                db.query_row(sql, [], |row| row.get(0)).expect("count")
            }
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                let driver = tokio::spawn(connection);
                let count = client.query_one(sql, &[]).await.expect("count").get(0);
                drop(client);
                let _ = driver.await;
                count
            }
        }
    }

    /// Runs the monthly invoice job once as of `now` (issue 17), with the portal's
    /// holiday calendar, or `calendar` when given.
    pub async fn run_invoices(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        calendar: Option<licadm::domain::HolidayCalendar>,
    ) -> licadm::portal::invoicing::InvoiceRunReport {
        let portal = match calendar {
            Some(calendar) => self.portal.clone().with_holidays(calendar),
            None => self.portal.clone(),
        };
        portal.run_invoice_job(now).await.expect("invoice job")
    }

    /// Where the store is, as `--db` names it: the SQLite file or the PostgreSQL URL.
    pub fn db_arg(&self) -> String {
        self.pg_url
            .clone()
            .unwrap_or_else(|| self.db.display().to_string())
    }

    /// Stops the portal (its worker too) and opens the same store file again with
    /// `options`, as a restarted process would. The address changes; tokens stay valid.
    pub async fn restart(&mut self, options: PortalOptions) {
        self.server.abort();
        let _ = (&mut self.server).await;
        let portal = Portal::connect(&self.db_arg(), Some(DemoOptions::default()), options)
            .await
            .expect("portal reopens");
        assert!(!portal.demo_filled(), "a reopened store keeps its data");
        let (base, server) = serve(portal.clone()).await;
        self.portal = portal;
        self.base = base;
        self.server = server;
    }

    /// A token made in the portal's store (from a thread of its own, so a sync caller
    /// inside any runtime can wait for the async store).
    pub fn token(&self, role: Role, organizations: &[i64], label: &str) -> String {
        if self.pg_url.is_none() {
            return create_token(&self.db, role, organizations, label).expect("token");
        }
        let (portal, organizations, label) = (
            self.portal.clone(),
            organizations.to_vec(),
            label.to_string(),
        );
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(portal.create_token(role, &organizations, &label))
        })
        .join()
        .expect("token thread")
        .expect("token")
    }

    /// A token of the vendor's operator over every organization (purchases, blocks).
    pub fn operator_token(&self) -> String {
        self.token(Role::Operator, &[], "operator@vendor")
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

    /// Seats, users and keys of the store as they are today.
    pub fn facts(&self) -> DemoFacts {
        licadm::portal::demo_facts(&self.db, chrono::Utc::now().date_naive()).expect("demo facts")
    }

    /// A raw POST of JSON with `token`, for status and body checks.
    pub async fn raw_post(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.raw
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("raw request")
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

async fn serve(portal: Portal) -> (String, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("local addr"));
    (base, tokio::spawn(portal.serve(listener)))
}

/// Polls `probe` every 20 ms until it yields a value or `timeout` passes (then panics
/// naming `what`). The wait is on the condition, never a fixed sleep.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
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
        // A capped total (a serial search) is a lower bound: walk until a short page.
        let done = got.items.is_empty()
            || (got.total_capped && got.items.len() < 100)
            || (!got.total_capped && all.len() + got.items.len() >= got.total as usize);
        all.extend(got.items);
        if done {
            if got.total_capped {
                assert!(
                    all.len() as u64 >= got.total,
                    "a capped total is a lower bound"
                );
            } else {
                assert_eq!(
                    all.len() as u64,
                    got.total,
                    "walking pages yields exactly `total` items"
                );
            }
            return all;
        }
        page += 1;
    }
}

/// A clock the test moves forward by whole days.
#[derive(Clone, Default)]
pub struct MovableClock {
    offset_days: Arc<AtomicI64>,
}

impl MovableClock {
    pub fn clock(&self) -> Clock {
        let offset = self.offset_days.clone();
        Clock::from_fn(move || {
            chrono::Utc::now() + chrono::Duration::days(offset.load(Ordering::SeqCst))
        })
    }

    pub fn advance_days(&self, days: i64) {
        self.offset_days.fetch_add(days, Ordering::SeqCst);
    }

    pub fn today(&self) -> chrono::NaiveDate {
        (chrono::Utc::now() + chrono::Duration::days(self.offset_days.load(Ordering::SeqCst)))
            .date_naive()
    }
}

/// The status, `error.code` and `error.message` of an error answer.
pub fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, String) {
    match result {
        Err(ClientError::Api {
            status,
            code,
            message,
            ..
        }) => (status, code, message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The status and the `error.message` of an error answer.
pub fn status_message(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    if let Ok(value) = &result {
        panic!("expected an error, got {value:?}");
    }
    let (status, _code, message) = api_error(result);
    (status, message)
}
