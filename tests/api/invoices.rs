//! Monthly invoices (issue 17): the job on a fixed clock (once per month, catch-up
//! after downtime, due dates over weekends, holidays, the New Year and a leap year),
//! the block that names its invoice and the payment that lifts it, through the real
//! API on both backends; two portals on one PostgreSQL racing to issue.

use crate::support::portal::{TestPortal, api_error, fast_worker, wait_for, walk_all};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use licadm::client::events::EventQuery;
use licadm::client::invoices::{DocumentFormat, InvoiceQuery};
use licadm::client::wire::{ActivationQuery, Role};
use licadm::domain::{ActivationStatus, HolidayCalendar, InvoiceStatus, Kopecks, Lang, Period};
use licadm::portal::{Clock, DemoOptions, demo_serials};
use std::collections::BTreeMap;
use std::time::Duration;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("time")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn period(y: i32, m: u32) -> Period {
    Period::new(y, m).expect("period")
}

/// Per organization: the total and the activation numbers of its activations done in
/// `month` (UTC), as the activation list tells them.
async fn done_in(portal: &TestPortal, month: Period) -> BTreeMap<i64, (Kopecks, Vec<i64>)> {
    let query = ActivationQuery {
        status: Some(ActivationStatus::Done),
        ..ActivationQuery::default()
    };
    let mut out: BTreeMap<i64, (Kopecks, Vec<i64>)> = BTreeMap::new();
    for activation in walk_all(&portal.admin(), &query).await {
        let Some(completed) = activation.completed_at else {
            continue;
        };
        if Period::of(completed.date_naive()) == month {
            let entry = out.entry(activation.organization.id).or_default();
            entry.0 = entry.0 + activation.total_cost;
            entry.1.push(activation.number);
        }
    }
    for (_, numbers) in out.values_mut() {
        numbers.sort_unstable();
    }
    out
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn the_first_of_the_month_issues_one_invoice_per_organization_for_the_month_before() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    // The demo's months up to October were issued when it was filled.
    let before = admin.invoices(&InvoiceQuery::default()).await.expect("invoices");
    assert!(before.total > 0, "the demo has invoices");
    assert!(before.items.iter().all(|i| i.period <= period(2026, 10)));

    // On the last day of November nothing is due yet.
    let report = portal.run_invoices(at(2026, 11, 30, 23), None).await;
    assert!(report.issued.is_empty(), "{report:?}");

    // 1 December (Tuesday): November's invoices, due five working days later.
    let expected = done_in(&portal, period(2026, 11)).await;
    assert!(!expected.is_empty(), "the demo completed activations in November");
    let report = portal.run_invoices(at(2026, 12, 1, 0), None).await;
    assert_eq!(report.issued, vec![(period(2026, 11), expected.len())]);
    let november = admin
        .invoices(&InvoiceQuery { per_page: 100, ..InvoiceQuery::default() })
        .await
        .expect("invoices");
    let issued: Vec<_> = november
        .items
        .iter()
        .filter(|i| i.period == period(2026, 11))
        .collect();
    assert_eq!(issued.len(), expected.len());
    for invoice in issued {
        let (total, numbers) = &expected[&invoice.organization.id];
        assert_eq!(invoice.total, *total, "{}", invoice.number);
        assert_eq!(invoice.status, InvoiceStatus::Issued);
        assert_eq!(invoice.issued_on, date(2026, 12, 1));
        assert_eq!(invoice.due_on, date(2026, 12, 8), "Wed–Fri, Mon, Tue");
        assert_eq!(
            invoice.number,
            format!("202611-{:05}", invoice.organization.id)
        );
        let detail = admin.invoice(&invoice.number).await.expect("detail");
        let lines: Vec<i64> = detail.lines.iter().map(|l| l.activation).collect();
        assert_eq!(&lines, numbers, "one line per activation done in November");
        assert_eq!(
            detail.lines.iter().map(|l| l.amount).sum::<Kopecks>(),
            invoice.total
        );
    }

    // Again the same day, and later in the month: nothing more.
    assert!(portal.run_invoices(at(2026, 12, 1, 1), None).await.issued.is_empty());
    assert!(portal.run_invoices(at(2026, 12, 31, 23), None).await.issued.is_empty());
    let again = admin.invoices(&InvoiceQuery::default()).await.expect("invoices");
    assert_eq!(again.total, november.total);

    // Every issue is in the activity log.
    let issued_events = admin
        .events(&EventQuery {
            action: Some("invoice.issued".into()),
            per_page: Some(100),
            ..EventQuery::default()
        })
        .await
        .expect("events");
    assert!(issued_events.items.iter().any(|e| e.object == "invoice:202611-00001"
        || expected.keys().any(|org| e.object == format!("invoice:202611-{org:05}"))));
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_overdue_invoice_blocks_its_organization_by_name_and_paying_it_unblocks_at_once() {
    let portal = TestPortal::start().await;
    portal.run_invoices(at(2026, 12, 1, 0), None).await;
    let admin = portal.client(&portal.token(Role::Admin, &[1], "admin-1@test"));
    let operator = portal.client(&portal.operator_token());
    let number = "202611-00001";
    let invoice = admin.invoice(number).await.expect("organization 1 has a November invoice");

    // The due date itself is still in time.
    let report = portal.run_invoices(at(2026, 12, 8, 23), None).await;
    assert!(report.overdue.is_empty(), "{report:?}");
    // The day after it is not.
    let report = portal.run_invoices(at(2026, 12, 9, 0), None).await;
    assert!(report.overdue.contains(&number.to_string()), "{report:?}");
    let overdue = admin.invoice(number).await.expect("invoice");
    assert_eq!(overdue.invoice.status, InvoiceStatus::Overdue);

    let organizations = admin.organizations().await.expect("organizations");
    let alster = organizations.iter().find(|o| o.id == 1).expect("organization 1");
    assert!(alster.activation_blocked);
    let blocking = alster.blocked_by.as_ref().expect("the block names its invoice");
    assert_eq!(blocking.number, number);
    assert_eq!(blocking.total, invoice.invoice.total);
    assert_eq!(blocking.due_on, date(2026, 12, 8));

    // A new activation is refused, naming the invoice, the amount and the due date.
    let serials = demo_serials(&portal.db, 2).expect("serials");
    let ok = serials.ok["pay-kiosk"][..1].to_vec();
    let (status, _, message) = api_error(admin.create_activations(1, &ok, "k-blocked").await);
    assert_eq!(status, 422);
    let amount = licadm::domain::format_rub(invoice.invoice.total, false);
    assert!(message.contains(number), "{message}");
    assert!(message.contains(&amount), "{message}");
    assert!(message.contains("08.12.2026"), "{message}");
    // In English too.
    let english = portal
        .client(&portal.token(Role::Admin, &[1], "admin-1-en@test"))
        .with_lang(Lang::En);
    let (_, _, message) = api_error(english.create_activations(1, &ok, "k-en").await);
    assert!(message.starts_with("Activation is blocked: invoice 202611-00001"), "{message}");

    // Only the vendor's operator pays.
    let (status, _, _) = api_error(admin.pay_invoice(number, Some("pay-1")).await);
    assert_eq!(status, 403);
    let paid = operator.pay_invoice(number, Some("pay-1")).await.expect("paid");
    assert_eq!(paid.invoice.status, InvoiceStatus::Paid);
    assert!(paid.invoice.paid_at.is_some());
    // The same key again replays; a new key is a conflict.
    let replayed = operator.pay_invoice(number, Some("pay-1")).await.expect("replay");
    assert_eq!(replayed, paid);
    let (status, _, _) = api_error(operator.pay_invoice(number, Some("pay-2")).await);
    assert_eq!(status, 409);

    // Unblocked at once: the activation goes through.
    let organizations = admin.organizations().await.expect("organizations");
    let alster = organizations.iter().find(|o| o.id == 1).expect("organization 1");
    assert!(!alster.activation_blocked);
    assert!(alster.blocked_by.is_none());
    admin
        .create_activations(1, &ok, "k-after-payment")
        .await
        .expect("activation after payment");

    // The history: overdue by the worker, paid by the operator.
    let history = admin
        .events(&EventQuery {
            organization: Some(1),
            per_page: Some(100),
            ..EventQuery::default()
        })
        .await
        .expect("events");
    let actions: Vec<&str> = history
        .items
        .iter()
        .filter(|e| e.object == format!("invoice:{number}") || e.object == "organization:1")
        .map(|e| e.action.as_str())
        .collect();
    for action in ["invoice.issued", "invoice.overdue", "invoice.paid", "organization.blocked", "organization.unblocked"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn an_organization_stays_blocked_while_another_of_its_invoices_is_overdue() {
    let portal = TestPortal::start().await;
    // Down for December: on 5 January 2027 both November and December are issued.
    let report = portal.run_invoices(at(2027, 1, 5, 9), None).await;
    assert_eq!(
        report.issued.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        vec![period(2026, 11), period(2026, 12)]
    );
    // The ИП (organization 3) has its October invoice overdue already (the demo's).
    let operator = portal.client(&portal.operator_token());
    let ip = portal.client(&portal.token(Role::Viewer, &[3], "viewer-3@test"));
    let before = ip.organizations().await.expect("organizations");
    assert_eq!(before[0].blocked_by.as_ref().map(|b| b.number.as_str()), Some("202610-00003"));
    // March: November's is overdue too. The oldest names the block; paying it leaves
    // the organization blocked by the other.
    let report = portal.run_invoices(at(2027, 3, 1, 0), None).await;
    assert!(report.overdue.contains(&"202611-00003".to_string()), "{report:?}");
    operator.pay_invoice("202610-00003", Some("p-oct")).await.expect("paid");
    let after = ip.organizations().await.expect("organizations");
    assert!(after[0].activation_blocked);
    assert_eq!(after[0].blocked_by.as_ref().map(|b| b.number.as_str()), Some("202611-00003"));
    operator.pay_invoice("202611-00003", Some("p-nov")).await.expect("paid");
    let invoices = ip
        .invoices(&InvoiceQuery { status: Some(InvoiceStatus::Overdue), ..InvoiceQuery::default() })
        .await
        .expect("invoices");
    assert_eq!(invoices.total, 0, "{:?}", invoices.items);
    let after = ip.organizations().await.expect("organizations");
    assert!(!after[0].activation_blocked);
}
}

#[tokio::test(flavor = "multi_thread")]
async fn due_dates_skip_weekends_holidays_the_new_year_and_count_a_leap_day() {
    let portal = TestPortal::start().await;
    let admin = portal.admin();
    let due_of = |issued: &[licadm::client::invoices::Invoice], month: Period| {
        issued
            .iter()
            .find(|i| i.period == month)
            .map(|i| (i.issued_on, i.due_on))
    };
    // A holiday on the due date: with 8 December a holiday, 1 December's invoices are
    // due on the 9th.
    let calendar = HolidayCalendar::weekends_only().with_holiday(date(2026, 12, 8));
    portal
        .run_invoices(at(2026, 12, 1, 0), Some(calendar))
        .await;
    let all = admin
        .invoices(&InvoiceQuery {
            per_page: 100,
            ..InvoiceQuery::default()
        })
        .await
        .expect("invoices");
    assert_eq!(
        due_of(&all.items, period(2026, 11)),
        Some((date(2026, 12, 1), date(2026, 12, 9)))
    );

    // A second store: the first run on 28 December 2026 (Monday) — due across the New
    // Year: 29, 30 December, then 11–13 January 2027 (the Russian calendar).
    let late = TestPortal::start().await;
    late.run_invoices(at(2026, 12, 28, 10), None).await;
    let all = late
        .admin()
        .invoices(&InvoiceQuery {
            per_page: 100,
            ..InvoiceQuery::default()
        })
        .await
        .expect("invoices");
    assert_eq!(
        due_of(&all.items, period(2026, 11)),
        Some((date(2026, 12, 28), date(2027, 1, 13)))
    );

    // Down until 29 February 2028: every month from November 2026 to January 2028 is
    // issued that day (the months without activations issue nothing), due 7 March.
    let leap = TestPortal::start().await;
    let report = leap.run_invoices(at(2028, 2, 29, 8), None).await;
    let months: Vec<Period> = report.issued.iter().map(|(p, _)| *p).collect();
    assert_eq!(months.first(), Some(&period(2026, 11)));
    assert_eq!(months.last(), Some(&period(2028, 1)));
    assert_eq!(months.len(), 15);
    let all = leap
        .admin()
        .invoices(&InvoiceQuery {
            per_page: 100,
            ..InvoiceQuery::default()
        })
        .await
        .expect("invoices");
    assert_eq!(
        due_of(&all.items, period(2026, 11)),
        Some((date(2028, 2, 29), date(2028, 3, 7)))
    );
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn a_portal_down_on_the_first_issues_when_its_worker_starts() {
    // The clock says 3 December: the worker's first tick issues November.
    let clock = Clock::from_fn(|| at(2026, 12, 3, 7));
    let portal =
        TestPortal::start_clocked(DemoOptions::default(), fast_worker(60_000), clock).await;
    let admin = portal.admin();
    let issued = wait_for("November's invoices", Duration::from_secs(20), || {
        let admin = admin.clone();
        async move {
            let page = admin.invoices(&InvoiceQuery::default()).await.ok()?;
            let november: Vec<_> = page
                .items
                .into_iter()
                .filter(|i| i.period == period(2026, 11))
                .collect();
            (!november.is_empty()).then_some(november)
        }
    })
    .await;
    for invoice in issued {
        assert_eq!(invoice.issued_on, date(2026, 12, 3));
        // Thu 3 → Fri 4, Mon 7 – Thu 10.
        assert_eq!(invoice.due_on, date(2026, 12, 10));
    }
}
}

crate::both_backends! {
#[tokio::test(flavor = "multi_thread")]
async fn invoices_are_scoped_filtered_and_documented() {
    let portal = TestPortal::start().await;
    let viewer = portal.client(&portal.token(Role::Viewer, &[2], "viewer-2@test"));
    let mine = viewer.invoices(&InvoiceQuery::default()).await.expect("invoices");
    assert!(mine.total > 0);
    assert!(mine.items.iter().all(|i| i.organization.id == 2));
    // Another organization's invoice is not found; a bad number is a 400.
    let (status, _, _) = api_error(viewer.invoice("202610-00001").await);
    assert_eq!(status, 404);
    let (status, _, message) = api_error(viewer.invoice("nonsense").await);
    assert_eq!(status, 400, "{message}");
    let (status, _, _) = api_error(
        viewer
            .invoices(&InvoiceQuery { organization: Some(1), ..InvoiceQuery::default() })
            .await,
    );
    assert_eq!(status, 404);
    let bad = portal.raw_get("/invoices?status=unpaid").await;
    assert_eq!(bad.status(), 400);

    // The operator sees every organization's; the status filter narrows.
    let operator = portal.client(&portal.operator_token());
    let overdue = operator
        .invoices(&InvoiceQuery { status: Some(InvoiceStatus::Overdue), ..InvoiceQuery::default() })
        .await
        .expect("invoices");
    assert_eq!(
        overdue.items.iter().map(|i| i.number.as_str()).collect::<Vec<_>>(),
        vec!["202610-00003"]
    );

    // The document: Russian by default, English on request, text or HTML.
    let number = &mine.items[0].number;
    let text = viewer
        .invoice_document(number, DocumentFormat::Text)
        .await
        .expect("document");
    assert_eq!(text.file_name, format!("invoice-{number}.txt"));
    assert!(text.contents.contains(&format!("Счёт на оплату № {number}")));
    assert!(text.contents.contains("Акт приема-передачи"));
    let total = licadm::domain::format_rub(mine.items[0].total, false);
    assert!(text.contents.contains(&format!("Вознаграждение: {total}")), "{}", text.contents);
    let html = viewer
        .clone()
        .with_lang(Lang::En)
        .invoice_document(number, DocumentFormat::Html)
        .await
        .expect("document");
    assert!(html.contents.contains("<html lang=\"en\">"));
    assert!(html.contents.contains("Act of transfer"));
}
}

/// Two portals on one PostgreSQL run the job at the same moment: one issues the month,
/// the other finds it issued; every organization has one invoice for it.
#[tokio::test(flavor = "multi_thread")]
async fn two_portals_racing_on_one_postgresql_issue_each_invoice_once() {
    crate::support::portal::on_backend(crate::support::portal::Backend::Postgres, async {
        let first = TestPortal::start().await;
        let url = first.pg_url.clone().expect("on PostgreSQL");
        let second =
            licadm::portal::Portal::connect(&url, None, crate::support::portal::no_worker())
                .await
                .expect("second portal");
        let now = at(2026, 12, 1, 0);
        for _ in 0..3 {
            let (a, b) = tokio::join!(first.run_invoices(now, None), second.run_invoice_job(now));
            let b = b.expect("second run");
            let issued: usize = a.issued.len() + b.issued.len();
            assert!(issued <= 1, "at most one run issues the month: {a:?} {b:?}");
        }
        let all = first
            .admin()
            .invoices(&InvoiceQuery {
                per_page: 100,
                ..InvoiceQuery::default()
            })
            .await
            .expect("invoices");
        let november: Vec<_> = all
            .items
            .iter()
            .filter(|i| i.period == period(2026, 11))
            .collect();
        let expected = done_in(&first, period(2026, 11)).await;
        assert_eq!(november.len(), expected.len());
        let events = first
            .admin()
            .events(&EventQuery {
                action: Some("invoice.issued".into()),
                per_page: Some(100),
                ..EventQuery::default()
            })
            .await
            .expect("events");
        let november_events = events
            .items
            .iter()
            .filter(|e| e.object.starts_with("invoice:202611-"))
            .count();
        assert_eq!(
            november_events,
            expected.len(),
            "one issue record per invoice"
        );
    })
    .await
}
