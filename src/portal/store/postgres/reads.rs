//! Reads on PostgreSQL: tokens, the catalog, the activation list and detail and the
//! audit log (the precheck's lookups are in `precheck.rs`). The SQL mirrors SQLite's
//! (`sqlite/activations.rs`, `catalog.rs`, `registry.rs`, `audit.rs`) statement by
//! statement, so pages, orders and totals are the same.

use super::StoreError;
use crate::client::wire::{
    ActivationDetail, ActivationLine, ActivationSummary, AuditEntry, OrgRef, Organization, Page,
    Price, VendorRef,
};
use crate::domain::{ActivationFailure, ActivationStatus, Kopecks, Vendor};
use crate::portal::error::ApiError;
use crate::portal::rules;
use crate::portal::store::ActivationFilter;
use crate::portal::store::activation_list::{Arg, Dialect, ListPlan, Query, SUMMARY_COLUMNS};
use crate::portal::store::text::{date_from_sql, optional, timestamp_from_sql};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

pub type Param<'a> = &'a (dyn ToSql + Sync);

pub fn parse_vendor(value: &str) -> Result<Vendor, StoreError> {
    value.parse().map_err(|_| StoreError::BadValue {
        column: "vendor",
        value: value.to_string(),
    })
}

pub fn parse_status(value: &str) -> Result<ActivationStatus, StoreError> {
    value.parse().map_err(|_| StoreError::BadValue {
        column: "status",
        value: value.to_string(),
    })
}

/// The organizations with these ids, ordered by id.
pub async fn organizations(
    db: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<Organization>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // As SQLite's `catalog::organizations`: the oldest overdue invoice names the block.
    let rows = db
        .query(
            "SELECT o.id, o.name, o.inn, o.kpp, o.offer_accepted_at, o.activation_blocked,
                    i.number, i.total, i.due_on
               FROM organizations o
               LEFT JOIN invoices i ON o.activation_blocked AND i.number = (
                    SELECT number FROM invoices
                     WHERE organization_id = o.id AND status = 'overdue'
                     ORDER BY due_on, number LIMIT 1)
              WHERE o.id = ANY($1) ORDER BY o.id",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Organization {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                inn: row.try_get(2)?,
                kpp: row.try_get(3)?,
                offer_accepted_at: optional(row.try_get(4)?, |v| {
                    timestamp_from_sql("offer_accepted_at", v)
                })?,
                activation_blocked: row.try_get(5)?,
                blocked_by: crate::portal::store::sqlite::catalog::blocking_invoice((
                    row.try_get(6)?,
                    row.try_get(7)?,
                    row.try_get(8)?,
                ))?,
            })
        })
        .collect()
}

pub async fn organization(
    db: &impl GenericClient,
    id: i64,
) -> Result<Option<Organization>, StoreError> {
    Ok(organizations(db, &[id]).await?.into_iter().next())
}

pub async fn organization_refs(
    db: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<OrgRef>, StoreError> {
    Ok(organizations(db, ids)
        .await?
        .iter()
        .map(Organization::as_ref)
        .collect())
}

pub async fn prices(db: &impl GenericClient) -> Result<Vec<Price>, StoreError> {
    let rows = db
        .query(
            "SELECT vendor, name, price_kopecks, retail_kopecks FROM models ORDER BY vendor, name",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Price {
                vendor: VendorRef::from(parse_vendor(row.try_get(0)?)?),
                model: row.try_get(1)?,
                price: Kopecks(row.try_get(2)?),
                retail_price: Kopecks(row.try_get(3)?),
            })
        })
        .collect()
}

pub(super) fn summary_of(row: &Row) -> Result<ActivationSummary, StoreError> {
    Ok(ActivationSummary {
        number: row.try_get(0)?,
        organization: OrgRef {
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            inn: row.try_get(3)?,
        },
        status: parse_status(row.try_get(4)?)?,
        vendor: VendorRef::from(parse_vendor(row.try_get(5)?)?),
        license_count: row.try_get(6)?,
        total_cost: Kopecks(row.try_get(7)?),
        created_at: timestamp_from_sql("created_at", row.try_get(8)?)?,
        completed_at: optional(row.try_get(9)?, |v| timestamp_from_sql("completed_at", v))?,
        failure: row
            .try_get::<_, Option<&str>>(10)?
            .and_then(ActivationFailure::recognize),
        error: row.try_get(10)?,
    })
}

/// `GET /activations`, planned by `store::activation_list` exactly as on SQLite; run in
/// the caller's read-only snapshot.
pub async fn list_activations(
    db: &deadpool_postgres::Transaction<'_>,
    filter: &ActivationFilter,
) -> Result<Result<Page<ActivationSummary>, ApiError>, StoreError> {
    let mut plan = ListPlan::new(filter.clone(), Dialect::Postgres);
    if plan.is_empty() {
        return Ok(Ok(plan.finish(None, Vec::new(), 0)));
    }
    // The statements stay prepared on the connection (`cached`) but are planned with
    // their values, as unnamed ones were: a generic plan fits no filter well. Sent
    // ahead of the first statement on the same connection, so no round trip of its own.
    let custom_plans = async {
        db.batch_execute("SET LOCAL plan_cache_mode = force_custom_plan")
            .await
            .map_err(StoreError::from)
    };
    let scope_query = plan.scope_query();
    let ((), scope) = tokio::try_join!(custom_plans, cached_one(db, &scope_query))?;
    let every: bool = scope.try_get(0)?;
    plan.set_every_organization(every);
    if let Some(lines) = plan.lines_query() {
        let lines: i64 = cached_one(db, &lines).await?.try_get(0)?;
        plan.set_matching_lines(lines);
    }
    let total: i64 = cached_one(db, &plan.total_query()).await?.try_get(0)?;
    let page_query = match plan.page_query(total) {
        Ok(query) => query,
        Err(too_deep) => return Ok(Err(rules::page_too_deep(&too_deep))),
    };
    let mut items = Vec::new();
    if let Some(query) = &page_query {
        let args = sql_args(&query.query.args);
        let refs: Vec<Param<'_>> = args.iter().map(|a| a.as_ref() as Param<'_>).collect();
        let rows = db
            .query(&cached(db, &query.query.sql).await?, &refs)
            .await?;
        items = rows.iter().map(summary_of).collect::<Result<Vec<_>, _>>()?;
    }
    Ok(Ok(plan.finish(page_query.as_ref(), items, total)))
}

pub(super) fn sql_args(args: &[Arg]) -> Vec<Box<dyn ToSql + Sync + Send>> {
    args.iter()
        .map(|arg| -> Box<dyn ToSql + Sync + Send> {
            match arg {
                Arg::Int(v) => Box::new(*v),
                Arg::OptInt(v) => Box::new(*v),
                Arg::Text(v) => Box::new(v.clone()),
                Arg::Ints(ids) => Box::new(ids.clone()),
            }
        })
        .collect()
}

/// Statements a connection keeps prepared, at most: the list's SQL varies with its
/// filters, sort and page (the offset is in the text), so the cache starts over rather
/// than grow without end.
const STATEMENTS_KEPT: usize = 256;

/// `sql` prepared once per connection: a list request's three statements then cost a
/// round trip each instead of two (parse and describe, then bind and execute), and
/// the server does not parse them again (docs/DESIGN.md §7.2).
async fn cached(
    db: &deadpool_postgres::Transaction<'_>,
    sql: &str,
) -> Result<tokio_postgres::Statement, StoreError> {
    if db.statement_cache.size() >= STATEMENTS_KEPT {
        db.statement_cache.clear();
    }
    Ok(db.prepare_cached(sql).await?)
}

async fn cached_one(
    db: &deadpool_postgres::Transaction<'_>,
    query: &Query,
) -> Result<Row, StoreError> {
    let args = sql_args(&query.args);
    let refs: Vec<Param<'_>> = args.iter().map(|a| a.as_ref() as Param<'_>).collect();
    Ok(db.query_one(&cached(db, &query.sql).await?, &refs).await?)
}

/// One activation's summary, unscoped (the caller checks the scope).
pub async fn summary(
    db: &impl GenericClient,
    number: i64,
) -> Result<Option<ActivationSummary>, StoreError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM activations a JOIN organizations o ON o.id = a.organization_id
         WHERE a.number = $1"
    );
    db.query_opt(&sql, &[&number])
        .await?
        .as_ref()
        .map(summary_of)
        .transpose()
}

pub async fn lines(
    db: &impl GenericClient,
    number: i64,
) -> Result<Vec<ActivationLine>, StoreError> {
    let rows = db
        .query(
            "SELECT serial, model, current_until, new_until, price FROM activation_lines
             WHERE activation_number = $1 ORDER BY serial",
            &[&number],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ActivationLine {
                serial: row.try_get(0)?,
                model: row.try_get(1)?,
                current_until: optional(row.try_get(2)?, |v| date_from_sql("current_until", v))?,
                new_until: date_from_sql("new_until", row.try_get(3)?)?,
                price: Kopecks(row.try_get(4)?),
            })
        })
        .collect()
}

/// The activation with its lines, or None when it does not exist or is out of scope.
pub async fn activation(
    db: &impl GenericClient,
    number: i64,
    scope: &[i64],
) -> Result<Option<ActivationDetail>, StoreError> {
    let Some(summary) = summary(db, number).await? else {
        return Ok(None);
    };
    if !scope.contains(&summary.organization.id) {
        return Ok(None);
    }
    let lines = lines(db, number).await?;
    Ok(Some(ActivationDetail { summary, lines }))
}

/// The organization an audited object belongs to, None when there is no such object.
pub async fn object_organization(
    db: &impl GenericClient,
    kind: &str,
    id: &str,
) -> Result<Option<i64>, StoreError> {
    let numeric = || id.parse::<i64>().ok();
    let row = match kind {
        "activation" => match numeric() {
            Some(n) => {
                db.query_opt(
                    "SELECT organization_id FROM activations WHERE number = $1",
                    &[&n],
                )
                .await?
            }
            None => None,
        },
        "seat" => match numeric() {
            Some(n) => {
                db.query_opt("SELECT organization_id FROM seats WHERE id = $1", &[&n])
                    .await?
            }
            None => None,
        },
        "organization" => match numeric() {
            Some(n) => {
                db.query_opt("SELECT id FROM organizations WHERE id = $1", &[&n])
                    .await?
            }
            None => None,
        },
        "key" => {
            db.query_opt(
                "SELECT organization_id FROM product_keys WHERE key = $1",
                &[&id],
            )
            .await?
        }
        "invoice" => {
            db.query_opt(
                "SELECT organization_id FROM invoices WHERE number = $1",
                &[&id],
            )
            .await?
        }
        _ => None,
    };
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// One object's history, newest first.
pub async fn audit(
    db: &impl GenericClient,
    object: &str,
    page: u32,
    per_page: u32,
) -> Result<Page<AuditEntry>, StoreError> {
    let total: i64 = db
        .query_one("SELECT COUNT(*) FROM audit WHERE object = $1", &[&object])
        .await?
        .try_get(0)?;
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let rows = db
        .query(
            "SELECT id, at, actor, action, object, before, after FROM audit WHERE object = $1
             ORDER BY id DESC LIMIT $2 OFFSET $3",
            &[&object, &i64::from(per_page), &offset],
        )
        .await?;
    let parse_json = |column: &'static str, text: Option<String>| {
        text.map(|t| {
            serde_json::from_str(&t).map_err(|_| StoreError::BadValue { column, value: t })
        })
        .transpose()
    };
    let items = rows
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get(0)?,
                at: timestamp_from_sql("audit.at", row.try_get(1)?)?,
                actor: row.try_get(2)?,
                action: row.try_get(3)?,
                object: row.try_get(4)?,
                before: parse_json("audit.before", row.try_get(5)?)?,
                after: parse_json("audit.after", row.try_get(6)?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::new(
        items,
        page,
        per_page,
        u64::try_from(total).unwrap_or(0),
    ))
}
