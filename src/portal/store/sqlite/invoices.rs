//! Monthly invoices on SQLite (docs/DESIGN.md §3.11): the monthly job's issue and
//! overdue steps, an operator's payment, and the reads. Every write records its audit
//! rows (`invoice.issued|overdue|paid`, and `organization.blocked|unblocked` when the
//! block changes) in its own transaction.
//!
//! Once per month: a run claims its month in `invoice_runs` in the same IMMEDIATE
//! transaction as the invoices it writes; a second run of the month (another process
//! on the file) finds the claim and writes nothing.

use super::audit::{self, Record};
use super::{StoreError, catalog, date_to_sql, placeholders, timestamp_to_sql};
use crate::client::invoices::{Invoice, InvoiceDetail};
use crate::client::wire::Page;
use crate::domain::{InvoiceNumber, Period};
use crate::portal::error::ApiError;
use crate::portal::store::Actor;
use crate::portal::store::invoice_rows::{
    INVOICE_COLUMNS, InvoiceFilter, InvoiceRow, IssueRun, Issued, LINE_COLUMNS, LineRow,
    invoice_not_found,
};
use crate::portal::store::sqlite::access::blocked_action;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

fn invoice_row(row: &Row<'_>) -> rusqlite::Result<InvoiceRow> {
    Ok(InvoiceRow {
        number: row.get(0)?,
        organization_id: row.get(1)?,
        organization_name: row.get(2)?,
        organization_inn: row.get(3)?,
        period: row.get(4)?,
        issued_on: row.get(5)?,
        due_on: row.get(6)?,
        status: row.get(7)?,
        total: row.get(8)?,
        license_count: row.get(9)?,
        activation_count: row.get(10)?,
        paid_at: row.get(11)?,
    })
}

fn line_row(row: &Row<'_>) -> rusqlite::Result<LineRow> {
    Ok(LineRow {
        invoice_number: row.get(0)?,
        activation: row.get(1)?,
        vendor: row.get(2)?,
        license_count: row.get(3)?,
        amount: row.get(4)?,
        completed_at: row.get(5)?,
    })
}

/// The last month a run issued (claimed), if any.
pub fn last_issued_period(conn: &Connection) -> Result<Option<Period>, StoreError> {
    let last: Option<String> =
        conn.query_row("SELECT MAX(period) FROM invoice_runs", [], |row| row.get(0))?;
    last.map(|text| {
        text.parse().map_err(|_| StoreError::BadValue {
            column: "invoice_runs.period",
            value: text,
        })
    })
    .transpose()
}

/// Issues one month's invoices (see the module comment); None when it was issued.
pub fn issue(conn: &mut Connection, run: &IssueRun) -> Result<Issued, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let issued = issue_in(&tx, run, Actor::WORKER)?;
    tx.commit()?;
    Ok(issued)
}

/// [`issue`] inside the caller's transaction (the demo data issues its past months).
pub fn issue_in(tx: &Connection, run: &IssueRun, actor: Actor<'_>) -> Result<Issued, StoreError> {
    let period = run.period.to_string();
    let claimed = tx
        .prepare_cached(
            "INSERT INTO invoice_runs (period, ran_at, issued) VALUES (?, ?, 0)
             ON CONFLICT (period) DO NOTHING",
        )?
        .execute(params![period, timestamp_to_sql(run.now)])?;
    if claimed == 0 {
        return Ok(None);
    }
    let (from, to) = run.completed_range();
    let totals: Vec<(i64, i64, i64, i64)> = tx
        .prepare_cached(
            "SELECT organization_id, SUM(total_cost), SUM(license_count), COUNT(*)
               FROM activations
              WHERE status = 'done' AND completed_at >= ? AND completed_at < ?
              GROUP BY organization_id ORDER BY organization_id",
        )?
        .query_map(params![from, to], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let (issued_on, due_on) = (date_to_sql(run.issued_on), date_to_sql(run.due_on));
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO invoices (number, organization_id, period, issued_on, due_on, status,
                                   total, license_count, activation_count)
             VALUES (?, ?, ?, ?, ?, 'issued', ?, ?, ?)
             ON CONFLICT DO NOTHING",
        )?;
        for (organization, total, licenses, activations) in &totals {
            insert.execute(params![
                InvoiceNumber::of(run.period, *organization).as_str(),
                organization,
                period,
                issued_on,
                due_on,
                total,
                licenses,
                activations
            ])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO invoice_lines (invoice_number, activation_number, vendor, license_count,
                                    amount, completed_at)
         SELECT i.number, a.number, a.vendor, a.license_count, a.total_cost, a.completed_at
           FROM activations a
           JOIN invoices i ON i.organization_id = a.organization_id AND i.period = ?
          WHERE a.status = 'done' AND a.completed_at >= ? AND a.completed_at < ?
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![period, from, to])?;
    let invoices = of_period(tx, &period)?;
    for invoice in &invoices {
        audit::record(
            tx,
            &Record {
                at: run.now,
                actor,
                action: "invoice.issued",
                object: format!("invoice:{}", invoice.number),
                organization_id: invoice.organization.id,
                before: None,
                after: audit::json(invoice),
            },
        )?;
    }
    tx.prepare_cached("UPDATE invoice_runs SET issued = ? WHERE period = ?")?
        .execute(params![invoices.len() as i64, period])?;
    Ok(Some(invoices.len()))
}

fn of_period(conn: &Connection, period: &str) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          WHERE i.period = ? ORDER BY i.number"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([period], invoice_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(InvoiceRow::into_wire).collect()
}

/// Marks every issued invoice whose due date is before `today` overdue and blocks its
/// organization; answers the numbers marked.
pub fn mark_overdue(
    conn: &mut Connection,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let marked = mark_overdue_in(&tx, today, now, Actor::WORKER)?;
    tx.commit()?;
    Ok(marked)
}

pub fn mark_overdue_in(
    tx: &Connection,
    today: NaiveDate,
    now: DateTime<Utc>,
    actor: Actor<'_>,
) -> Result<Vec<String>, StoreError> {
    let due: Vec<String> = tx
        .prepare_cached(
            "SELECT number FROM invoices WHERE status = 'issued' AND due_on < ?
              ORDER BY organization_id, number",
        )?
        .query_map([date_to_sql(today)], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut organizations = Vec::new();
    for number in &due {
        let Some(before) = invoice(tx, number, None)? else {
            continue;
        };
        tx.prepare_cached("UPDATE invoices SET status = 'overdue' WHERE number = ?")?
            .execute([number])?;
        let after = invoice(tx, number, None)?;
        audit::record(
            tx,
            &Record {
                at: now,
                actor,
                action: "invoice.overdue",
                object: format!("invoice:{number}"),
                organization_id: before.organization.id,
                before: audit::json(&before),
                after: after.as_ref().and_then(audit::json),
            },
        )?;
        if !organizations.contains(&before.organization.id) {
            organizations.push(before.organization.id);
        }
    }
    for organization in organizations {
        set_blocked(tx, organization, true, actor, now)?;
    }
    Ok(due)
}

/// Sets the organization's block (touching the row even when it is already blocked,
/// so the feed carries the invoice that blocks it now); audits a change of the flag.
fn set_blocked(
    tx: &Connection,
    organization: i64,
    blocked: bool,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(before) = catalog::organizations(tx, &[organization])?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    tx.prepare_cached("UPDATE organizations SET activation_blocked = ? WHERE id = ?")?
        .execute(params![i64::from(blocked), organization])?;
    if before.activation_blocked != blocked {
        let after = catalog::organizations(tx, &[organization])?
            .into_iter()
            .next();
        audit::record(
            tx,
            &Record {
                at: now,
                actor,
                action: blocked_action(blocked),
                object: format!("organization:{organization}"),
                organization_id: organization,
                before: audit::json(&before),
                after: after.as_ref().and_then(audit::json),
            },
        )?;
    }
    Ok(())
}

/// An operator's payment, inside `once::write_once`: 404 for no such invoice, 409 for
/// one paid already. The organization is unblocked when this invoice was overdue and
/// no other one is.
pub fn pay(
    tx: &Connection,
    number: &str,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<InvoiceDetail, ApiError>, StoreError> {
    let Some(before) = invoice(tx, number, None)? else {
        return Ok(Err(invoice_not_found(number)));
    };
    if let Some(refusal) = crate::portal::rules::payment_refusal(&before) {
        return Ok(Err(refusal));
    }
    tx.prepare_cached("UPDATE invoices SET status = 'paid', paid_at = ? WHERE number = ?")?
        .execute(params![timestamp_to_sql(now), number])?;
    let after = detail(tx, number, None)?
        .ok_or_else(|| StoreError::Invalid(format!("invoice {number} vanished")))?;
    audit::record(
        tx,
        &Record {
            at: now,
            actor,
            action: "invoice.paid",
            object: format!("invoice:{number}"),
            organization_id: before.organization.id,
            before: audit::json(&before),
            after: audit::json(&after.invoice),
        },
    )?;
    let organization = before.organization.id;
    let still_overdue: i64 = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM invoices WHERE organization_id = ? AND status = 'overdue'",
        )?
        .query_row([organization], |row| row.get(0))?;
    if before.status == crate::domain::InvoiceStatus::Overdue && still_overdue == 0 {
        set_blocked(tx, organization, false, actor, now)?;
    }
    Ok(Ok(after))
}

/// `scope` None: any organization's (the operator, the worker).
pub fn invoice(
    conn: &Connection,
    number: &str,
    scope: Option<&[i64]>,
) -> Result<Option<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          WHERE i.number = ?"
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row([number], invoice_row)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    if let Some(scope) = scope
        && !scope.contains(&row.organization_id)
    {
        return Ok(None);
    }
    row.into_wire().map(Some)
}

/// One invoice with its lines, oldest activation first.
pub fn detail(
    conn: &Connection,
    number: &str,
    scope: Option<&[i64]>,
) -> Result<Option<InvoiceDetail>, StoreError> {
    let Some(invoice) = invoice(conn, number, scope)? else {
        return Ok(None);
    };
    let lines = lines_of(conn, std::slice::from_ref(&invoice.number))?
        .into_iter()
        .map(|(_, line)| line)
        .collect();
    Ok(Some(InvoiceDetail { invoice, lines }))
}

/// The lines of these invoices, by invoice then activation.
fn lines_of(
    conn: &Connection,
    numbers: &[String],
) -> Result<Vec<(String, crate::client::invoices::InvoiceLine)>, StoreError> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(5_000) {
        let sql = format!(
            "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_number IN ({})
              ORDER BY invoice_number, activation_number",
            placeholders(chunk.len())
        );
        let rows = conn
            .prepare(&sql)?
            .query_map(params_from_iter(chunk), line_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for row in rows {
            let number = row.invoice_number.clone();
            out.push((number, row.into_wire()?));
        }
    }
    Ok(out)
}

/// Invoices with their lines, for the change feed (numbers it no longer finds are
/// left out: the feed reports them deleted).
pub fn details(conn: &Connection, numbers: &[String]) -> Result<Vec<InvoiceDetail>, StoreError> {
    let mut invoices = Vec::new();
    for chunk in numbers.chunks(5_000) {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
              WHERE i.number IN ({})",
            placeholders(chunk.len())
        );
        let rows = conn
            .prepare(&sql)?
            .query_map(params_from_iter(chunk), invoice_row)?
            .collect::<Result<Vec<_>, _>>()?;
        for row in rows {
            invoices.push(row.into_wire()?);
        }
    }
    let mut lines: std::collections::HashMap<String, Vec<_>> = std::collections::HashMap::new();
    for (number, line) in lines_of(conn, numbers)? {
        lines.entry(number).or_default().push(line);
    }
    let out = invoices
        .into_iter()
        .map(|invoice| InvoiceDetail {
            lines: lines.remove(&invoice.number).unwrap_or_default(),
            invoice,
        })
        .collect();
    Ok(out)
}

/// A page of `GET /invoices`: newest period first, then by number.
pub fn list(conn: &Connection, filter: &InvoiceFilter) -> Result<Page<Invoice>, StoreError> {
    let mut conditions = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(scope) = &filter.scope {
        if scope.is_empty() {
            return Ok(Page::new(Vec::new(), filter.page, filter.per_page, 0));
        }
        conditions.push(format!(
            "i.organization_id IN ({})",
            placeholders(scope.len())
        ));
        args.extend(scope.iter().map(|id| Value::Integer(*id)));
    }
    if let Some(status) = filter.status {
        conditions.push("i.status = ?".to_string());
        args.push(Value::Text(status.as_api().to_string()));
    }
    let filtered = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let total: i64 = conn
        .prepare(&format!("SELECT COUNT(*) FROM invoices i {filtered}"))?
        .query_row(params_from_iter(&args), |row| row.get(0))?;
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(filter.per_page);
    let sql = format!(
        "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id
          {filtered} ORDER BY i.period DESC, i.number LIMIT ? OFFSET ?"
    );
    args.push(Value::Integer(i64::from(filter.per_page)));
    args.push(Value::Integer(offset));
    let rows = conn
        .prepare(&sql)?
        .query_map(params_from_iter(&args), invoice_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let items = rows
        .into_iter()
        .map(InvoiceRow::into_wire)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(
        items,
        filter.page,
        filter.per_page,
        u64::try_from(total).unwrap_or(0),
    ))
}
