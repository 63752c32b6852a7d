//! Reads on PostgreSQL: tokens, the catalog, the activation list and detail, the
//! precheck's registry lookups and the audit log. The SQL mirrors SQLite's
//! (`sqlite/activations.rs`, `catalog.rs`, `registry.rs`, `audit.rs`) statement by
//! statement, so pages, orders and totals are the same.

use super::StoreError;
use crate::client::wire::{
    ActivationDetail, ActivationLine, ActivationSort, ActivationSortKey, ActivationSummary,
    AuditEntry, OrgRef, Organization, Page, Price, Role, VendorRef,
};
use crate::domain::{
    ActivationFailure, ActivationStatus, Checked, DeviceInfo, Kopecks, Serial, Vendor, precheck,
};
use crate::portal::store::text::{date_from_sql, optional, timestamp_from_sql};
use crate::portal::store::{ActivationFilter, TextSearch};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
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

pub struct TokenRecord {
    pub id: i64,
    pub role: Role,
    pub label: String,
    pub organizations: Vec<i64>,
}

pub async fn token(db: &impl GenericClient, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    let Some(row) = db
        .query_opt(
            "SELECT id, role, label FROM tokens WHERE hash = $1",
            &[&hash],
        )
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get(0)?;
    let role: String = row.try_get(1)?;
    let role = role.parse::<Role>().map_err(|_| StoreError::BadValue {
        column: "role",
        value: role.clone(),
    })?;
    let organizations = db
        .query(
            "SELECT organization_id FROM token_organizations WHERE token_id = $1
             ORDER BY organization_id",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(Some(TokenRecord {
        id,
        role,
        label: row.try_get(2)?,
        organizations,
    }))
}

/// The organizations with these ids, ordered by id.
pub async fn organizations(
    db: &impl GenericClient,
    ids: &[i64],
) -> Result<Vec<Organization>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .query(
            "SELECT id, name, inn, kpp, offer_accepted_at, activation_blocked FROM organizations
             WHERE id = ANY($1) ORDER BY id",
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

const SUMMARY_COLUMNS: &str =
    "a.number, a.organization_id, o.name, o.inn, a.status, a.vendor, a.license_count,
     a.total_cost, a.created_at, a.completed_at, a.error";

fn summary_of(row: &Row) -> Result<ActivationSummary, StoreError> {
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

fn order_by(sort: ActivationSort) -> &'static str {
    match (sort.key, sort.descending) {
        (ActivationSortKey::Number, false) => "a.number ASC",
        (ActivationSortKey::Number, true) => "a.number DESC",
        (ActivationSortKey::TotalCost, false) => "a.total_cost ASC, a.number ASC",
        (ActivationSortKey::TotalCost, true) => "a.total_cost DESC, a.number DESC",
        (ActivationSortKey::CreatedAt, false) => "a.created_at ASC, a.number ASC",
        (ActivationSortKey::CreatedAt, true) => "a.created_at DESC, a.number DESC",
    }
}

/// `GET /activations`: the same filters, order and paging as SQLite's `activations::list`.
pub async fn list_activations(
    db: &impl GenericClient,
    filter: &ActivationFilter,
) -> Result<Page<ActivationSummary>, StoreError> {
    let empty = Page {
        items: Vec::new(),
        page: filter.page,
        per_page: filter.per_page,
        total: 0,
    };
    if filter.organizations.is_empty() || filter.search == Some(TextSearch::Nothing) {
        return Ok(empty);
    }
    let status = filter.status.map(|s| s.as_api().to_string());
    let vendor = filter.vendor.map(|v| v.id().to_string());
    let (prefix, prefix_end, number) = match &filter.search {
        Some(TextSearch::NumberOrSerialPrefix(digits)) => {
            let number = match digits.parse::<i64>() {
                Ok(number) if !digits.starts_with('0') => Some(number),
                _ => None,
            };
            (Some(digits.clone()), Some(format!("{digits}:")), number)
        }
        _ => (None, None, None),
    };
    let mut conditions = Vec::new();
    let mut args: Vec<Param<'_>> = Vec::new();
    let every: bool = db
        .query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM organizations WHERE NOT (id = ANY($1)))",
            &[&filter.organizations],
        )
        .await?
        .try_get(0)?;
    if !every {
        args.push(&filter.organizations);
        conditions.push(format!("a.organization_id = ANY(${})", args.len()));
    }
    if let Some(status) = &status {
        args.push(status);
        conditions.push(format!("a.status = ${}", args.len()));
    }
    if let Some(vendor) = &vendor {
        args.push(vendor);
        conditions.push(format!("a.vendor = ${}", args.len()));
    }
    if let (Some(prefix), Some(end)) = (&prefix, &prefix_end) {
        args.push(prefix);
        args.push(end);
        args.push(&number);
        let n = args.len();
        conditions.push(format!(
            "a.number IN (SELECT activation_number FROM activation_lines
                          WHERE serial >= ${} AND serial < ${}
                          UNION ALL SELECT ${n}::bigint)",
            n - 2,
            n - 1
        ));
    }
    let where_sql = if conditions.is_empty() {
        "TRUE".to_string()
    } else {
        conditions.join(" AND ")
    };
    let total: i64 = db
        .query_one(
            &format!("SELECT COUNT(*) FROM activations a WHERE {where_sql}"),
            &args,
        )
        .await?
        .try_get(0)?;
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(filter.per_page);
    let per_page = i64::from(filter.per_page);
    if offset >= total {
        return Ok(Page {
            total: u64::try_from(total).unwrap_or(0),
            ..empty
        });
    }
    let from_the_end = offset > total / 2;
    let (sort, limit, skip) = if from_the_end {
        let reversed = ActivationSort {
            descending: !filter.sort.descending,
            ..filter.sort
        };
        let limit = per_page.min(total - offset);
        (reversed, limit, total - offset - limit)
    } else {
        (filter.sort, per_page, offset)
    };
    args.push(&limit);
    args.push(&skip);
    let n = args.len();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM activations a JOIN organizations o ON o.id = a.organization_id
         WHERE {where_sql} ORDER BY {} LIMIT ${} OFFSET ${n}",
        order_by(sort),
        n - 1
    );
    let rows = db.query(&sql, &args).await?;
    let mut items = rows.iter().map(summary_of).collect::<Result<Vec<_>, _>>()?;
    if from_the_end {
        items.reverse();
    }
    Ok(Page {
        items,
        total: u64::try_from(total).unwrap_or(0),
        ..empty
    })
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

/// The domain precheck over the registry and the in-progress serials.
pub async fn precheck_rows(
    db: &impl GenericClient,
    inputs: &[String],
    today: NaiveDate,
) -> Result<Vec<Checked>, StoreError> {
    let mut serials: Vec<String> = inputs
        .iter()
        .filter_map(|input| Serial::parse(input).ok())
        .map(|serial| serial.as_str().to_string())
        .collect();
    serials.sort();
    serials.dedup();
    let rows = db
        .query(
            "SELECT d.serial, d.current_until, m.name, m.vendor, m.price_kopecks, m.retail_kopecks
             FROM devices d JOIN models m ON m.id = d.model_id WHERE d.serial = ANY($1)",
            &[&serials],
        )
        .await?;
    let mut devices = HashMap::with_capacity(rows.len());
    for row in &rows {
        let serial: String = row.try_get(0)?;
        devices.insert(
            serial,
            DeviceInfo {
                model: row.try_get(2)?,
                vendor: parse_vendor(row.try_get(3)?)?,
                current_until: optional(row.try_get(1)?, |v| date_from_sql("current_until", v))?,
                price: Kopecks(row.try_get(4)?),
                retail_price: Kopecks(row.try_get(5)?),
            },
        );
    }
    let pending: HashSet<String> = db
        .query(
            "SELECT l.serial FROM activations a
             JOIN activation_lines l ON l.activation_number = a.number
             WHERE a.status = 'in_progress'",
            &[],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    // Refused for good: named by the failure of an activation still in error (the rule
    // of SQLite's `registry::refused_serials`, read from the same texts).
    let mut refused = HashSet::new();
    for row in db
        .query(
            "SELECT error FROM activations WHERE status = 'error' AND error IS NOT NULL",
            &[],
        )
        .await?
    {
        if let Some(failure) = ActivationFailure::recognize(row.try_get(0)?)
            && failure.reason.is_final()
        {
            refused.insert(failure.serial);
        }
    }
    Ok(precheck(
        inputs,
        today,
        |serial| devices.get(serial.as_str()).cloned(),
        |serial| refused.contains(serial.as_str()),
        |serial| pending.contains(serial.as_str()),
    ))
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
    Ok(Page {
        items,
        page,
        per_page,
        total: u64::try_from(total).unwrap_or(0),
    })
}
