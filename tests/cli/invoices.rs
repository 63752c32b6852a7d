//! `licadm invoices …` and `licadm prices` (issue 17) as a script runs them: the real
//! binary against a real demo portal process; JSON equal to the API's, CSV with its
//! header and machine values, the document in Russian, the payment refused to an admin.

use crate::scripting::{Env, code, json, stderr, stdout};
use licadm::client::invoices::{Invoice, InvoiceDetail, InvoiceQuery};
use licadm::client::wire::Page;

#[tokio::test(flavor = "multi_thread")]
async fn invoices_and_prices_as_json_csv_tables_and_documents() {
    let env = Env::start();
    let client = env.client();
    let expected = client
        .invoices(&InvoiceQuery::default())
        .await
        .expect("invoices");
    assert!(expected.total > 0, "the demo has invoices");
    let listed: Page<Invoice> = json(&env.run(&["invoices", "list", "--json"]));
    assert_eq!(listed, expected);

    let out = env.run(&["invoices", "list", "--status", "overdue", "--csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("NUMBER,ORGANIZATION,PERIOD,ISSUED,DUE,STATUS,LICENSES,TOTAL")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert!(
        rows[0].starts_with("202610-00003,3,2026-10,2026-11-01,2026-11-09,overdue,"),
        "{text}"
    );

    let shown: InvoiceDetail = json(&env.run(&["invoices", "show", "202610-00001", "--json"]));
    assert_eq!(
        shown,
        client.invoice("202610-00001").await.expect("invoice")
    );
    let table = stdout(&env.run(&["invoices", "show", "202610-00001"]));
    assert!(table.contains("Оплачен"), "{table}");
    assert!(table.contains("ACTIVATION"), "{table}");

    let document = env.run(&["invoices", "download", "202610-00001", "--out", "-"]);
    assert_eq!(code(&document), 0, "{}", stderr(&document));
    let document = stdout(&document);
    assert!(
        document.starts_with("Счёт на оплату № 202610-00001 от 01.11.2026"),
        "{document}"
    );
    assert!(document.contains("Акт приема-передачи"), "{document}");

    let refused = env.run(&["invoices", "pay", "202610-00003"]);
    assert_eq!(code(&refused), 1);
    assert!(stderr(&refused).contains("403"), "{}", stderr(&refused));
    let bad = env.run(&["invoices", "show", "nonsense"]);
    assert_eq!(code(&bad), 1, "{}", stderr(&bad));

    let prices = stdout(&env.run(&["prices", "--csv"]));
    let mut lines = prices.lines();
    assert_eq!(lines.next(), Some("VENDOR,MODEL,YOUR PRICE,RETAIL PRICE"));
    assert!(
        prices.contains("pay-kiosk,NETPAY-FC,390000,470000"),
        "{prices}"
    );
    let table = stdout(&env.run(&["prices"]));
    assert!(
        table.contains("3 900 ₽") && table.contains("4 700 ₽"),
        "{table}"
    );
}
