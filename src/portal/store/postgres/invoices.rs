//! Monthly invoices on PostgreSQL (see `sqlite/invoices.rs`; docs/DESIGN.md §3.11).
//!
//! Once per month across portals: a run takes the feed lock, then claims its month in
//! `invoice_runs` (`ON CONFLICT DO NOTHING`) in the same transaction as the invoices;
//! a concurrent run of the same month waits for the lock, finds the claim and issues
//! nothing. The unique `(organization_id, period)` key is the second guard. Invoices,
//! lines and audit records go in as a few set-based statements (arrays through
//! `UNNEST`), so a month of 10 000 organizations is a handful of round trips.

use super::writes::{audit, json};
use super::{StoreError, lock_feed};
use crate::client::invoices::{Invoice, InvoiceDetail};
use crate::client::wire::Page;
use crate::domain::{InvoiceNumber, InvoiceStatus, Period};
use crate::portal::error::ApiError;
use crate::portal::store::Actor;
use crate::portal::store::invoice_rows::{
    INVOICE_COLUMNS, InvoiceFilter, InvoiceRow, IssueRun, Issued, LINE_COLUMNS, LineRow,
    invoice_not_found,
};
use crate::portal::store::sqlite::access::blocked_action;
use crate::portal::store::text::{date_to_sql, timestamp_to_sql};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row, Transaction};

fn invoice_row(row: &Row) -> Result<InvoiceRow, StoreError> {
    Ok(InvoiceRow {
        number: row.try_get(0)?,
        organization_id: row.try_get(1)?,
        organization_name: row.try_get(2)?,
        organization_inn: row.try_get(3)?,
        period: row.try_get(4)?,
        issued_on: row.try_get(5)?,
        due_on: row.try_get(6)?,
        status: row.try_get(7)?,
        total: row.try_get(8)?,
        license_count: row.try_get(9)?,
        activation_count: row.try_get(10)?,
        paid_at: row.try_get(11)?,
    })
}

fn line_row(row: &Row) -> Result<LineRow, StoreError> {
    Ok(LineRow {
        invoice_number: row.try_get(0)?,
        activation: row.try_get(1)?,
        vendor: row.try_get(2)?,
        license_count: row.try_get(3)?,
        amount: row.try_get(4)?,
        completed_at: row.try_get(5)?,
    })
}

pub async fn last_issued_period(db: &impl GenericClient) -> Result<Option<Period>, StoreError> {
    let last: Option<String> = db
        .query_one("SELECT MAX(period) FROM invoice_runs", &[])
        .await?
        .try_get(0)?;
    last.map(|text| {
        text.parse().map_err(|_| StoreError::BadValue {
            column: "invoice_runs.period",
            value: text,
        })
    })
    .transpose()
}

/// Issues one month's invoices inside the caller's transaction; None when issued.
pub async fn issue(tx: &Transaction<'_>, run: &IssueRun) -> Result<Issued, StoreError> {
    lock_feed(tx).await?;
    let period = run.period.to_string();
    let claimed = tx
        .execute(
            "INSERT INTO invoice_runs (period, ran_at, issued) VALUES ($1, $2, 0)
             ON CONFLICT (period) DO NOTHING",
            &[&period, &timestamp_to_sql(run.now)],
        )
        .await?;
    if claimed == 0 {
        return Ok(None);
    }
    let (from, to) = run.completed_range();
    let totals = tx
        .query(
            "SELECT organization_id, SUM(total_cost)::BIGINT, SUM(license_count)::BIGINT,
                    COUNT(*)::BIGINT
               FROM activations
              WHERE status = 'done' AND completed_at >= $1 AND completed_at < $2
              GROUP BY organization_id ORDER BY organization_id",
            &[&from, &to],
        )
        .await?;
    let mut numbers = Vec::with_capacity(totals.len());
    let mut organizations = Vec::with_capacity(totals.len());
    let mut sums = Vec::with_capacity(totals.len());
    let mut licenses = Vec::with_capacity(totals.len());
    let mut counts = Vec::with_capacity(totals.len());
    for row in &totals {
        let organization: i64 = row.try_get(0)?;
        numbers.push(InvoiceNumber::of(run.period, organization).to_string());
        organizations.push(organization);
        sums.push(row.try_get::<_, i64>(1)?);
        licenses.push(row.try_get::<_, i64>(2)?);
        counts.push(row.try_get::<_, i64>(3)?);
    }
    let (issued_on, due_on) = (date_to_sql(run.issued_on), date_to_sql(run.due_on));
    tx.execute(
        "INSERT INTO invoices (number, organization_id, period, issued_on, due_on, status,
                               total, license_count, activation_count)
         SELECT n, o, $6, $7, $8, 'issued', t, l, c
           FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
                AS u(n, o, t, l, c)
         ON CONFLICT DO NOTHING",
        &[
            &numbers,
            &organizations,
            &sums,
            &licenses,
            &counts,
            &period,
            &issued_on,
            &due_on,
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO invoice_lines (invoice_number, activation_number, vendor, license_count,
                                    amount, completed_at)
         SELECT i.number, a.number, a.vendor, a.license_count, a.total_cost, a.completed_at
           FROM activations a
           JOIN invoices i ON i.organization_id = a.organization_id AND i.period = $1
          WHERE a.status = 'done' AND a.completed_at >= $2 AND a.completed_at < $3
         ON CONFLICT DO NOTHING",
        &[&period, &from, &to],
    )
    .await?;
    let invoices = of_period(tx, &period).await?;
    let objects: Vec<String> = invoices
        .iter()
        .map(|i| format!("invoice:{}", i.number))
        .collect();
    let owners: Vec<i64> = invoices.iter().map(|i| i.organization.id).collect();
    let afters: Vec<Option<String>> = invoices
        .iter()
        .map(|i| json(i).map(|v| v.to_string()))
        .collect();
    tx.execute(
        "INSERT INTO audit (at, actor, action, object, organization_id, before, after, request_id)
         SELECT $1, $2, 'invoice.issued', o, g, NULL, a, NULL
           FROM UNNEST($3::text[], $4::bigint[], $5::text[]) AS u(o, g, a)",
        &[
            &timestamp_to_sql(run.now),
            &Actor::WORKER.label,
            &objects,
            &owners,
            &afters,
        ],
    )
    .await?;
    tx.execute(
        "UPDATE invoice_runs SET issued = $1 WHERE period = $2",
        &[&(invoices.len() as i64), &period],
    )
    .await?;
    Ok(Some(invoices.len()))
}

async fn of_period(db: &impl GenericClient, period: &str) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          WHERE i.period = $1 ORDER BY i.number"
    );
    let rows = db.query(&sql, &[&period]).await?;
    rows.iter()
        .map(|row| invoice_row(row)?.into_wire())
        .collect()
}

/// Marks issued invoices due before `today` overdue and blocks their organizations,
/// inside the caller's transaction.
pub async fn mark_overdue(
    tx: &Transaction<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    // A cheap look first: most ticks find nothing and take no lock.
    let any = tx
        .query_opt(
            "SELECT 1 FROM invoices WHERE status = 'issued' AND due_on < $1 LIMIT 1",
            &[&date_to_sql(today)],
        )
        .await?;
    if any.is_none() {
        return Ok(Vec::new());
    }
    lock_feed(tx).await?;
    let due: Vec<String> = tx
        .query(
            "SELECT number FROM invoices WHERE status = 'issued' AND due_on < $1
              ORDER BY organization_id, number FOR UPDATE",
            &[&date_to_sql(today)],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut organizations = Vec::new();
    for number in &due {
        let Some(before) = invoice(tx, number, None).await? else {
            continue;
        };
        tx.execute(
            "UPDATE invoices SET status = 'overdue' WHERE number = $1",
            &[number],
        )
        .await?;
        let after = invoice(tx, number, None).await?;
        audit(
            tx,
            now,
            Actor::WORKER,
            "invoice.overdue",
            format!("invoice:{number}"),
            before.organization.id,
            json(&before),
            after.as_ref().and_then(json),
        )
        .await?;
        if !organizations.contains(&before.organization.id) {
            organizations.push(before.organization.id);
        }
    }
    for organization in organizations {
        set_blocked(tx, organization, true, Actor::WORKER, now).await?;
    }
    Ok(due)
}

/// As SQLite's: touches the row even when already blocked; audits a change of the flag.
async fn set_blocked(
    tx: &Transaction<'_>,
    organization: i64,
    blocked: bool,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(before) = super::reads::organization(tx, organization).await? else {
        return Ok(());
    };
    tx.execute(
        "UPDATE organizations SET activation_blocked = $1 WHERE id = $2",
        &[&blocked, &organization],
    )
    .await?;
    if before.activation_blocked != blocked {
        let after = super::reads::organization(tx, organization).await?;
        audit(
            tx,
            now,
            actor,
            blocked_action(blocked),
            format!("organization:{organization}"),
            organization,
            json(&before),
            after.as_ref().and_then(json),
        )
        .await?;
    }
    Ok(())
}

/// An operator's payment inside `once::write_once`, under the invoice's row lock.
pub async fn pay(
    tx: &Transaction<'_>,
    number: &str,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<InvoiceDetail, ApiError>, StoreError> {
    lock_feed(tx).await?;
    tx.query_opt(
        "SELECT number FROM invoices WHERE number = $1 FOR UPDATE",
        &[&number],
    )
    .await?;
    let Some(before) = invoice(tx, number, None).await? else {
        return Ok(Err(invoice_not_found(number)));
    };
    if let Some(refusal) = crate::portal::rules::payment_refusal(&before) {
        return Ok(Err(refusal));
    }
    tx.execute(
        "UPDATE invoices SET status = 'paid', paid_at = $1 WHERE number = $2",
        &[&timestamp_to_sql(now), &number],
    )
    .await?;
    let after = detail(tx, number, None)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("invoice {number} vanished")))?;
    audit(
        tx,
        now,
        actor,
        "invoice.paid",
        format!("invoice:{number}"),
        before.organization.id,
        json(&before),
        json(&after.invoice),
    )
    .await?;
    let organization = before.organization.id;
    let still_overdue: i64 = tx
        .query_one(
            "SELECT COUNT(*) FROM invoices WHERE organization_id = $1 AND status = 'overdue'",
            &[&organization],
        )
        .await?
        .try_get(0)?;
    if before.status == InvoiceStatus::Overdue && still_overdue == 0 {
        set_blocked(tx, organization, false, actor, now).await?;
    }
    Ok(Ok(after))
}

pub async fn invoice(
    db: &impl GenericClient,
    number: &str,
    scope: Option<&[i64]>,
) -> Result<Option<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          WHERE i.number = $1"
    );
    let Some(row) = db.query_opt(&sql, &[&number]).await? else {
        return Ok(None);
    };
    let row = invoice_row(&row)?;
    if let Some(scope) = scope
        && !scope.contains(&row.organization_id)
    {
        return Ok(None);
    }
    row.into_wire().map(Some)
}

pub async fn detail(
    db: &impl GenericClient,
    number: &str,
    scope: Option<&[i64]>,
) -> Result<Option<InvoiceDetail>, StoreError> {
    let Some(invoice) = invoice(db, number, scope).await? else {
        return Ok(None);
    };
    let mut lines = lines_of(db, std::slice::from_ref(&invoice.number)).await?;
    Ok(Some(InvoiceDetail {
        lines: lines.remove(&invoice.number).unwrap_or_default(),
        invoice,
    }))
}

async fn lines_of(
    db: &impl GenericClient,
    numbers: &[String],
) -> Result<HashMap<String, Vec<crate::client::invoices::InvoiceLine>>, StoreError> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_number = ANY($1)
          ORDER BY invoice_number, activation_number"
    );
    let mut out: HashMap<String, Vec<_>> = HashMap::new();
    for row in db.query(&sql, &[&numbers]).await? {
        let row = line_row(&row)?;
        out.entry(row.invoice_number.clone())
            .or_default()
            .push(row.into_wire()?);
    }
    Ok(out)
}

/// Invoices with their lines, for the change feed.
pub async fn details(
    db: &impl GenericClient,
    numbers: &[String],
) -> Result<Vec<InvoiceDetail>, StoreError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          WHERE i.number = ANY($1)"
    );
    let rows = db.query(&sql, &[&numbers]).await?;
    let mut lines = lines_of(db, numbers).await?;
    rows.iter()
        .map(|row| {
            let invoice = invoice_row(row)?.into_wire()?;
            Ok(InvoiceDetail {
                lines: lines.remove(&invoice.number).unwrap_or_default(),
                invoice,
            })
        })
        .collect()
}

/// A page of `GET /invoices`, as SQLite's `invoices::list`.
pub async fn list(
    db: &impl GenericClient,
    filter: &InvoiceFilter,
) -> Result<Page<Invoice>, StoreError> {
    let mut conditions = Vec::new();
    let mut args: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    if let Some(scope) = &filter.scope {
        if scope.is_empty() {
            return Ok(Page::new(Vec::new(), filter.page, filter.per_page, 0));
        }
        args.push(Box::new(scope.clone()));
        conditions.push(format!("i.organization_id = ANY(${})", args.len()));
    }
    if let Some(status) = filter.status {
        args.push(Box::new(status.as_api().to_string()));
        conditions.push(format!("i.status = ${}", args.len()));
    }
    let filtered = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let params: Vec<&(dyn ToSql + Sync)> = args
        .iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let total: i64 = db
        .query_one(
            &format!("SELECT COUNT(*) FROM invoices i {filtered}"),
            &params,
        )
        .await?
        .try_get(0)?;
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(filter.per_page);
    let limit = i64::from(filter.per_page);
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          {filtered} ORDER BY i.period DESC, i.number LIMIT ${} OFFSET ${}",
        params.len() + 1,
        params.len() + 2
    );
    let mut page_params = params.clone();
    page_params.push(&limit);
    page_params.push(&offset);
    let rows = db.query(&sql, &page_params).await?;
    let items = rows
        .iter()
        .map(|row| invoice_row(row)?.into_wire())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(
        items,
        filter.page,
        filter.per_page,
        u64::try_from(total).unwrap_or(0),
    ))
}
