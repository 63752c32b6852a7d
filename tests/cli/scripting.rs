//! The scripting CLI (`activations`, `precheck`, `activate`, `seats`, `capacity`,
//! `audit`) as a script runs it: the real binary against a real portal process, its
//! JSON parsed back and compared with what the API answers, and its exit codes.

use crate::support::portal_process::PortalProcess;
use licadm::client::ApiClient;
use licadm::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSort, ActivationSortKey, ActivationSummary,
    AuditEntry, CreatedActivations, LicenseInfo, Page, PrecheckResponse, Seat, SeatStatus,
};
use licadm::domain::{ActivationStatus, PrecheckOutcome, Vendor};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Organization 1 of the demo data may activate.
const ALSTER: i64 = 1;
/// No model's serials start with 9999, so the registry cannot know this one.
const UNKNOWN_SERIAL: &str = "9999000000000001";

pub(crate) struct Env {
    pub(crate) portal: PortalProcess,
    token: String,
    dir: tempfile::TempDir,
}

impl Env {
    pub(crate) fn start() -> Env {
        let portal = PortalProcess::start_demo(&["--worker-delay-ms", "3600000"]);
        let token = portal.token("admin", &[]);
        Env {
            portal,
            token,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The portal's store (for the demo's facts).
    pub(crate) fn portal_db(&self) -> std::path::PathBuf {
        self.portal.db.clone()
    }

    pub(crate) fn client(&self) -> ApiClient {
        ApiClient::new(&self.portal.url, &self.token).expect("client")
    }

    /// `licadm --portal URL --token T ARGS…`, with `stdin` piped in, never reading the
    /// developer's config or data directory.
    fn run_with(&self, url: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_licadm"))
            .args(["--portal", url, "--token", &self.token])
            .args(args)
            .env("LICADM_CONFIG", "/nonexistent")
            // The portal's own texts are compared in Russian, whatever the machine's locale.
            .env("LANG", "ru_RU.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LICADM_DATA_DIR", self.dir.path().join("no-data"))
            .env_remove("LICADM_PORTAL")
            .env_remove("LICADM_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn licadm");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(pipe);
        child.wait_with_output().expect("licadm output")
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_with(&self.portal.url, args, None)
    }

    pub(crate) fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path.display().to_string()
    }
}

pub(crate) fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(out: &Output) -> T {
    assert_eq!(code(out), 0, "licadm failed: {}", stderr(out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON expected ({e}): {}", stdout(out)))
}

fn ok_serials(env: &Env, vendor: Vendor, n: usize) -> Vec<String> {
    let found = licadm::portal::demo_serials(&env.portal.db, n).expect("demo serials");
    let ok = found.ok.get(vendor.id()).cloned().unwrap_or_default();
    assert!(ok.len() >= n, "demo data has {n} ok serials of {vendor:?}");
    ok.into_iter().take(n).collect()
}

async fn activation_total(client: &ApiClient) -> u64 {
    client
        .activations(&ActivationQuery::default())
        .await
        .expect("activations")
        .total
}

#[tokio::test(flavor = "multi_thread")]
async fn activations_list_json_matches_the_api_and_filters_sort() {
    let env = Env::start();
    let client = env.client();

    let page: Page<ActivationSummary> =
        json(&env.run(&["activations", "list", "--organization", "1", "--json"]));
    let api = client
        .activations(&ActivationQuery {
            organization: Some(ALSTER),
            ..ActivationQuery::default()
        })
        .await
        .expect("api list");
    assert_eq!(page, api);
    assert_eq!(page.per_page, 25);
    assert!(page.items.iter().all(|a| a.organization.id == ALSTER));

    let errors: Page<ActivationSummary> = json(&env.run(&[
        "activations",
        "list",
        "--status",
        "error",
        "--per-page",
        "100",
        "--json",
    ]));
    assert!(!errors.items.is_empty());
    assert!(
        errors
            .items
            .iter()
            .all(|a| a.status == ActivationStatus::Error)
    );

    let by_cost: Page<ActivationSummary> = json(&env.run(&[
        "activations",
        "list",
        "--sort",
        "-total_cost",
        "--per-page",
        "50",
        "--json",
    ]));
    let costs: Vec<i64> = by_cost.items.iter().map(|a| a.total_cost.0).collect();
    assert!(costs.len() > 1);
    assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{costs:?}");
    let api = client
        .activations(&ActivationQuery {
            sort: ActivationSort {
                key: ActivationSortKey::TotalCost,
                descending: true,
            },
            per_page: 50,
            ..ActivationQuery::default()
        })
        .await
        .expect("api list by cost");
    assert_eq!(by_cost, api);

    // --all walks every page.
    let all: Page<ActivationSummary> =
        json(&env.run(&["activations", "list", "--status", "done", "--all", "--json"]));
    assert_eq!(all.items.len() as u64, all.total);
    assert!(all.total > 100, "more than one page of done activations");
}

#[tokio::test(flavor = "multi_thread")]
async fn activations_csv_table_and_show() {
    let env = Env::start();
    let client = env.client();

    let csv = env.run(&["activations", "list", "--per-page", "10", "--csv"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "NUMBER,ORGANIZATION,STATUS,VENDOR,LICENSES,COST,CREATED,ERROR"
    );
    assert_eq!(lines.len(), 11, "header + 10 rows: {text}");

    let table = env.run(&["activations", "list", "--per-page", "10"]);
    assert_eq!(code(&table), 0);
    let text = stdout(&table);
    let header = text.lines().next().expect("a header line");
    for column in [
        "NUMBER",
        "ORGANIZATION",
        "STATUS",
        "VENDOR",
        "COST",
        "CREATED",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert_eq!(text.lines().count(), 11);

    let newest = client
        .activations(&ActivationQuery::default())
        .await
        .expect("list")
        .items[0]
        .number;
    let shown: ActivationDetail =
        json(&env.run(&["activations", "show", &newest.to_string(), "--json"]));
    assert_eq!(shown, client.activation(newest).await.expect("detail"));
    assert!(!shown.lines.is_empty());

    let missing = env.run(&["activations", "show", "999999", "--json"]);
    assert_eq!(code(&missing), 1);
    assert!(
        stderr(&missing).contains("не найдена"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn precheck_from_stdin_reports_bad_rows_and_exits_1() {
    let env = Env::start();
    let good = ok_serials(&env, Vendor::PayKiosk, 1);
    let input = format!("{}\n123\n{UNKNOWN_SERIAL}\n", good[0]);
    let out = env.run_with(
        &env.portal.url,
        &["precheck", "-", "--organization", "1", "--json"],
        Some(&input),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    let response: PrecheckResponse = serde_json::from_slice(&out.stdout).expect("rows JSON");
    let outcomes: Vec<PrecheckOutcome> = response.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            PrecheckOutcome::Ok,
            PrecheckOutcome::FormatError,
            PrecheckOutcome::NotFound
        ]
    );

    let all_ok = env.run_with(
        &env.portal.url,
        &["precheck", "-", "--organization", "1", "--json"],
        Some(&good[0]),
    );
    assert_eq!(code(&all_ok), 0, "{}", stderr(&all_ok));

    // The admin token sees several organizations: which one must be said.
    let ambiguous = env.run_with(&env.portal.url, &["precheck", "-"], Some(&good[0]));
    assert_eq!(code(&ambiguous), 2);
    assert!(stderr(&ambiguous).contains("--organization"));
}

#[tokio::test(flavor = "multi_thread")]
async fn activate_creates_only_when_every_row_is_ok() {
    let env = Env::start();
    let client = env.client();
    let serials = ok_serials(&env, Vendor::PpElectro, 2);
    let before = activation_total(&client).await;

    let bad = env.file("bad.txt", &format!("{}\n{UNKNOWN_SERIAL}\n", serials[0]));
    let refused = env.run(&["activate", &bad, "--organization", "1", "--json"]);
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    let rows: PrecheckResponse = serde_json::from_slice(&refused.stdout).expect("bad rows");
    assert_eq!(rows.rows.len(), 1);
    assert_eq!(rows.rows[0].serial, UNKNOWN_SERIAL);
    assert_eq!(activation_total(&client).await, before, "nothing created");

    let good = env.file("good.txt", &serials.join("\n"));
    let created: CreatedActivations =
        json(&env.run(&["activate", &good, "--organization", "1", "--json"]));
    assert_eq!(created.activations.len(), 1, "one vendor, one activation");
    assert_eq!(activation_total(&client).await, before + 1);
    let detail = client
        .activation(created.activations[0].number)
        .await
        .expect("the activation exists");
    let mut lines: Vec<String> = detail.lines.iter().map(|l| l.serial.clone()).collect();
    let mut expected = serials.clone();
    lines.sort();
    expected.sort();
    assert_eq!(lines, expected);

    // The new activation's history.
    let object = format!("activation:{}", detail.summary.number);
    let audit: Page<AuditEntry> = json(&env.run(&["audit", &object, "--json"]));
    assert!(
        audit
            .items
            .iter()
            .any(|e| e.action == "activation.created" && e.object == object),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn seats_bind_unbind_round_trip_and_capacity() {
    let env = Env::start();
    let client = env.client();
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&env.portal.db, today).expect("demo facts");
    let product = "orangeuce";
    let seat = *facts.free(ALSTER, product).first().expect("a free seat");
    let email = facts
        .without_seat(ALSTER, product)
        .first()
        .expect("a user without a seat")
        .clone();

    let listed: Page<Seat> = json(&env.run(&[
        "seats",
        "list",
        "--organization",
        "1",
        "--status",
        "free",
        "--per-page",
        "100",
        "--json",
    ]));
    assert!(listed.items.iter().all(|s| s.status == SeatStatus::Free));
    assert!(listed.items.iter().any(|s| s.id == seat));

    let bound: Seat = json(&env.run(&["seats", "bind", &seat.to_string(), &email, "--json"]));
    assert_eq!(bound.id, seat);
    assert_eq!(bound.status, SeatStatus::Bound);
    assert_eq!(bound.email.as_deref(), Some(email.as_str()));

    let again = env.run(&["seats", "bind", &seat.to_string(), &email, "--json"]);
    assert_eq!(code(&again), 1, "binding a bound seat is refused");

    // With a key, a resend answers the first call's seat instead of a refusal.
    let keyed = [
        "seats",
        "unbind",
        &seat.to_string(),
        "--idempotency-key",
        "cli-unbind-1",
        "--json",
    ];
    let freed_once: Seat = json(&env.run(&keyed));
    let freed_twice: Seat = json(&env.run(&keyed));
    assert_eq!(freed_twice, freed_once);
    let rebound: Seat = json(&env.run(&[
        "seats",
        "bind",
        &seat.to_string(),
        &email,
        "--idempotency-key",
        "cli-bind-1",
        "--json",
    ]));
    assert_eq!(rebound.status, SeatStatus::Bound);

    let freed: Seat = json(&env.run(&["seats", "unbind", &seat.to_string(), "--json"]));
    assert_eq!(freed.status, SeatStatus::Free);
    assert_eq!(freed.email, None);
    let page = client
        .seats(&licadm::client::wire::SeatQuery {
            organization: Some(ALSTER),
            status: Some(SeatStatus::Free),
            per_page: 100,
            ..Default::default()
        })
        .await
        .expect("api seats");
    assert!(page.items.iter().any(|s| s.id == seat));

    let info: LicenseInfo = json(&env.run(&["capacity", "--organization", "1", "--json"]));
    assert_eq!(info, client.license_info(ALSTER).await.expect("api info"));
    assert!(info.products.iter().any(|p| p.product.id == product));
}

#[test]
fn exit_codes_for_usage_and_an_unreachable_portal() {
    let env = Env::start();
    let closed = env.run_with(
        "http://127.0.0.1:9",
        &["activations", "list", "--json"],
        None,
    );
    assert_eq!(code(&closed), 3, "{}", stderr(&closed));
    assert!(stderr(&closed).contains("portal unreachable"));

    let bad_per_page = env.run(&["activations", "list", "--per-page", "7"]);
    assert_eq!(code(&bad_per_page), 2);

    let missing = env.run(&[
        "precheck",
        "/nonexistent/serials.txt",
        "--organization",
        "1",
    ]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("cannot read"));

    let both = env.run(&["capacity", "--json", "--csv"]);
    assert_eq!(code(&both), 2);
}

/// Data stored before the portal refused control characters (here written into the
/// store behind its back) reaches the terminal inert: the escape sequence shows as text.
#[tokio::test(flavor = "multi_thread")]
async fn a_stored_escape_sequence_is_printed_inert() {
    let env = Env::start();
    let today = chrono::Utc::now().date_naive();
    let facts = licadm::portal::demo_facts(&env.portal.db, today).expect("demo facts");
    let seat = *facts
        .free(ALSTER, "orangeuce")
        .first()
        .expect("a free seat");
    // Lower case: the column holds e-mails as the portal normalizes them.
    let hostile = "\u{1b}]52;c;zxzpba==\u{7}evil@example.com";
    let db = rusqlite::Connection::open(&env.portal.db).expect("store");
    db.busy_timeout(std::time::Duration::from_secs(5))
        .expect("timeout");
    db.execute(
        "UPDATE seats SET email = ?1 WHERE id = ?2",
        rusqlite::params![hostile, seat],
    )
    .expect("stored behind the portal's back");
    let out = env.run(&[
        "seats",
        "list",
        "--organization",
        "1",
        "--q",
        "evil",
        "--per-page",
        "100",
    ]);
    let text = stdout(&out);
    assert!(text.contains("?]52;c;zxzpba==?evil@example.com"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
}
