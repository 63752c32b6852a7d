//! `:export FILE` of every list beyond Activations and Seats (issue 16 b), through the
//! console's data seam against a real portal: every page read (small pages here, so
//! there are several), the screen's filters respected, the rows in the list's order,
//! the progress reported after each page.

use crate::support::portal::TestPortal;
use licadm::client::devices::DeviceQuery;
use licadm::client::events::EventQuery;
use licadm::client::invoices::InvoiceQuery;
use licadm::console::data::DataSource;
use licadm::console::runtime::export::export_to_file;
use licadm::console::screens::export::ExportList;

/// The CSV's rows (header dropped), each split into fields (the fields checked here
/// hold no separators).
fn rows(text: &str) -> Vec<Vec<String>> {
    text.split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

async fn export(source: &DataSource, list: ExportList) -> (String, Vec<(u64, u64)>) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("view.csv");
    let mut progress = Vec::new();
    let (written, count) = export_to_file(source, list, &path, |done, total| {
        progress.push((done, total))
    })
    .await
    .expect("exported");
    assert_eq!(written, path);
    let text = std::fs::read_to_string(&path).expect("the file");
    assert_eq!(rows(&text).len() as u64, count, "{text}");
    (text, progress)
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_exports_every_page_of_its_filters() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let query = EventQuery {
        organization: Some(2),
        per_page: Some(10),
        ..EventQuery::default()
    };
    let mut expected = Vec::new();
    let mut walk = query.clone();
    loop {
        let page = admin.events(&walk).await.expect("events");
        expected.extend(page.items);
        match page.next {
            Some(next) => walk.cursor = Some(next),
            None => break,
        }
    }
    assert!(
        expected.len() > 20,
        "several pages of 10: {}",
        expected.len()
    );
    let source = DataSource::Live(admin);
    let (text, progress) = export(&source, ExportList::Events { query }).await;
    let rows = rows(&text);
    let objects: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|e| e.object.as_str()).collect();
    assert_eq!(objects, wanted, "every event of the filter, newest first");
    let name = &expected[0].organization.as_ref().expect("org").name;
    assert!(rows.iter().all(|r| &r[4] == name), "{text}");
    assert_eq!(progress.len(), expected.len().div_ceil(10));
    assert_eq!(progress.last(), Some(&(expected.len() as u64, 0)));
}

#[tokio::test(flavor = "multi_thread")]
async fn renewals_exports_every_device_of_its_filters_with_the_total_as_progress() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let today = chrono::Local::now().date_naive();
    let query = DeviceQuery {
        vendor: Some("pp-electro".into()),
        per_page: Some(100),
        ..DeviceQuery::within(400, today)
    };
    let mut expected = Vec::new();
    let mut walk = query.clone();
    loop {
        let page = admin.devices(&walk).await.expect("devices");
        expected.extend(page.items);
        match page.next {
            Some(next) => walk.cursor = Some(next),
            None => break,
        }
    }
    assert!(expected.len() > 100, "several pages: {}", expected.len());
    let source = DataSource::Live(admin);
    let (text, progress) = export(&source, ExportList::Devices { query, today }).await;
    let serials: Vec<String> = rows(&text).into_iter().map(|r| r[0].clone()).collect();
    let wanted: Vec<String> = expected.iter().map(|d| d.serial.clone()).collect();
    assert_eq!(
        serials, wanted,
        "the filter's devices, least time left first"
    );
    let n = expected.len() as u64;
    assert_eq!(progress.last(), Some(&(n, n)));
    assert!(progress.len() > 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn invoices_tokens_webhooks_and_the_triage_export_what_the_api_lists() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let today = chrono::Local::now().date_naive();
    let invoices = admin
        .invoices(&InvoiceQuery {
            per_page: 100,
            ..InvoiceQuery::default()
        })
        .await
        .expect("invoices");
    let tokens = admin.tokens_page(None).await.expect("tokens");
    let hooks = admin.webhooks().await.expect("webhooks");
    let triage = admin.error_triage("30d", None).await.expect("triage");
    assert!(!triage.groups.is_empty(), "the demo has errors");
    let source = DataSource::Live(admin);

    let (text, _) = export(&source, ExportList::Invoices { today }).await;
    let numbers: Vec<String> = rows(&text).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(numbers.len() as u64, invoices.total);
    assert_eq!(numbers[0], invoices.items[0].number);

    let (text, _) = export(&source, ExportList::Tokens).await;
    assert_eq!(rows(&text).len(), tokens.items.len(), "{text}");

    let (text, _) = export(&source, ExportList::Webhooks).await;
    assert_eq!(rows(&text).len(), hooks.len(), "{text}");

    let since = "30d".to_string();
    let (text, _) = export(&source, ExportList::Triage { since }).await;
    let counts: Vec<String> = rows(&text).into_iter().map(|r| r[0].clone()).collect();
    let wanted: Vec<String> = triage.groups.iter().map(|g| g.count.to_string()).collect();
    assert_eq!(counts, wanted, "{text}");
}
