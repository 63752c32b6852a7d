//! Seats on PostgreSQL: the list, the summary, users, and bind/unbind under row locks
//! (see mod.rs). The SQL mirrors `sqlite/seats.rs`; the checks are `portal::rules`.

use super::reads::Param;
use super::{StoreError, count, lock_feed};
use crate::client::bulk::BulkUnbindResponse;
use crate::client::wire::{
    OrgRef, Page, ProductRef, Seat, SeatSortKey, SeatStatus, SeatSummary, User,
};
use crate::portal::error::ApiError;
use crate::portal::rules::{
    already_holds, bind_refusal, normalize_email, not_registered, seat_not_found, seat_status,
    unbind_refusal,
};
use crate::portal::store::SeatFilter;
use crate::portal::store::text::{date_from_sql, date_to_sql};
use crate::portal::store::{Actor, bulk_rows};
use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::{GenericClient, Row, Transaction};

const SEAT_COLUMNS: &str = "s.id, s.organization_id, o.name, o.inn, s.product_id, p.name, s.email,
     s.valid_from, s.valid_until";
const SEAT_FROM: &str = "seats s JOIN organizations o ON o.id = s.organization_id
     JOIN products p ON p.id = s.product_id";

fn seat_of(row: &Row, today: NaiveDate) -> Result<Seat, StoreError> {
    let email: Option<String> = row.try_get(6)?;
    let valid_until = date_from_sql("seats.valid_until", row.try_get(8)?)?;
    Ok(Seat {
        id: row.try_get(0)?,
        organization: OrgRef {
            id: row.try_get(1)?,
            name: row.try_get(2)?,
            inn: row.try_get(3)?,
        },
        product: ProductRef {
            id: row.try_get(4)?,
            name: row.try_get(5)?,
        },
        status: seat_status(email.as_deref(), valid_until, today),
        email,
        valid_from: date_from_sql("seats.valid_from", row.try_get(7)?)?,
        valid_until,
    })
}

/// SQLite sorts NULL first ascending and last descending; so do these.
fn order_by(sort: SeatSortKey, descending: bool) -> &'static str {
    match (sort, descending) {
        (SeatSortKey::Id, false) => "s.id ASC",
        (SeatSortKey::Id, true) => "s.id DESC",
        (SeatSortKey::ValidUntil, false) => "s.valid_until ASC, s.id ASC",
        (SeatSortKey::ValidUntil, true) => "s.valid_until DESC, s.id DESC",
        (SeatSortKey::Email, false) => "s.email ASC NULLS FIRST, s.id ASC",
        (SeatSortKey::Email, true) => "s.email DESC NULLS LAST, s.id DESC",
    }
}

/// `LIKE` pattern for "contains", with the wildcards of the text escaped.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// SQLite's `LIKE` ignores the case of ASCII letters only; this folds them alike.
const ASCII_UPPER: &str = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
const ASCII_LOWER: &str = "'abcdefghijklmnopqrstuvwxyz'";

fn ascii_lower(expr: &str) -> String {
    format!("translate({expr}, {ASCII_UPPER}, {ASCII_LOWER})")
}

pub async fn product_ids(db: &impl GenericClient) -> Result<Vec<String>, StoreError> {
    Ok(db
        .query("SELECT id FROM products ORDER BY id", &[])
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?)
}

pub async fn list(db: &impl GenericClient, filter: &SeatFilter) -> Result<Page<Seat>, StoreError> {
    let mut page = Page::new(Vec::new(), filter.page, filter.per_page, 0);
    if filter.organizations.is_empty() {
        return Ok(page);
    }
    let today = date_to_sql(filter.today);
    let pattern = filter.email_contains.as_deref().map(contains_pattern);
    let mut args: Vec<Param<'_>> = vec![&filter.organizations];
    let mut conditions = vec!["s.organization_id = ANY($1)".to_string()];
    if let Some(product) = &filter.product {
        args.push(product);
        conditions.push(format!("s.product_id = ${}", args.len()));
    }
    if let Some(status) = filter.status {
        args.push(&today);
        let n = args.len();
        conditions.push(match status {
            SeatStatus::Expired => format!("s.valid_until < ${n}"),
            SeatStatus::Bound => format!("s.valid_until >= ${n} AND s.email IS NOT NULL"),
            SeatStatus::Free => format!("s.valid_until >= ${n} AND s.email IS NULL"),
        });
    }
    if let Some(pattern) = &pattern {
        args.push(pattern);
        conditions.push(format!(
            "{} LIKE {} ESCAPE '\\'",
            ascii_lower("s.email"),
            ascii_lower(&format!("${}", args.len()))
        ));
    }
    let where_sql = conditions.join(" AND ");
    let total: i64 = db
        .query_one(
            &format!("SELECT COUNT(*) FROM seats s WHERE {where_sql}"),
            &args,
        )
        .await?
        .try_get(0)?;
    page.total = u64::try_from(total).unwrap_or(0);
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(filter.per_page);
    if offset >= total {
        return Ok(page);
    }
    let limit = i64::from(filter.per_page);
    args.push(&limit);
    args.push(&offset);
    let n = args.len();
    let sql = format!(
        "SELECT {SEAT_COLUMNS} FROM {SEAT_FROM} WHERE {where_sql} ORDER BY {} LIMIT ${} OFFSET ${n}",
        order_by(filter.sort, filter.descending),
        n - 1
    );
    for row in db.query(&sql, &args).await? {
        page.items.push(seat_of(&row, filter.today)?);
    }
    Ok(page)
}

/// One seat, unscoped; `FOR UPDATE` locks it for the rest of the transaction.
async fn get(
    db: &impl GenericClient,
    id: i64,
    today: NaiveDate,
    lock: bool,
) -> Result<Option<Seat>, StoreError> {
    let sql = format!(
        "SELECT {SEAT_COLUMNS} FROM {SEAT_FROM} WHERE s.id = $1{}",
        if lock { " FOR UPDATE OF s" } else { "" }
    );
    db.query_opt(&sql, &[&id])
        .await?
        .map(|row| seat_of(&row, today))
        .transpose()
}

pub async fn summary(
    db: &impl GenericClient,
    organizations: &[i64],
    today: NaiveDate,
) -> Result<Vec<SeatSummary>, StoreError> {
    if organizations.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT s.organization_id, MIN(o.name), MIN(o.inn), s.product_id, MIN(p.name),
                COUNT(*) FILTER (WHERE s.valid_until >= $1 AND s.email IS NULL),
                COUNT(*) FILTER (WHERE s.valid_until >= $1 AND s.email IS NOT NULL),
                COUNT(*) FILTER (WHERE s.valid_until < $1)
         FROM {SEAT_FROM} WHERE s.organization_id = ANY($2)
         GROUP BY s.organization_id, s.product_id ORDER BY s.organization_id, s.product_id"
    );
    let rows = db
        .query(&sql, &[&date_to_sql(today), &organizations])
        .await?;
    rows.iter()
        .map(|row| {
            Ok(SeatSummary {
                organization: OrgRef {
                    id: row.try_get(0)?,
                    name: row.try_get(1)?,
                    inn: row.try_get(2)?,
                },
                product: ProductRef {
                    id: row.try_get(3)?,
                    name: row.try_get(4)?,
                },
                free: count(row.try_get(5)?),
                bound: count(row.try_get(6)?),
                expired: count(row.try_get(7)?),
            })
        })
        .collect()
}

pub async fn users(
    db: &impl GenericClient,
    organization: i64,
    text: &str,
    limit: u32,
) -> Result<Vec<User>, StoreError> {
    let pattern = contains_pattern(&text.to_lowercase());
    let raw = contains_pattern(text);
    let sql = format!(
        "SELECT email, name FROM users WHERE organization_id = $1
         AND ({email} LIKE {p2} ESCAPE '\\' OR {name} LIKE {p2} ESCAPE '\\'
              OR {name} LIKE {p3} ESCAPE '\\')
         ORDER BY email LIMIT $4",
        email = ascii_lower("email"),
        name = ascii_lower("name"),
        p2 = ascii_lower("$2"),
        p3 = ascii_lower("$3"),
    );
    let rows = db
        .query(&sql, &[&organization, &pattern, &raw, &i64::from(limit)])
        .await?;
    rows.iter()
        .map(|row| {
            Ok(User {
                email: row.try_get(0)?,
                name: row.try_get(1)?,
            })
        })
        .collect()
}

/// The non-expired seat this user holds of this product in this organization.
async fn held_by(
    db: &impl GenericClient,
    seat: &Seat,
    email: &str,
    today: NaiveDate,
) -> Result<Option<i64>, StoreError> {
    Ok(db
        .query_opt(
            "SELECT id FROM seats WHERE organization_id = $1 AND product_id = $2 AND email = $3
             AND valid_until >= $4 ORDER BY id LIMIT 1",
            &[
                &seat.organization.id,
                &seat.product.id,
                &email,
                &date_to_sql(today),
            ],
        )
        .await?
        .map(|row| row.try_get(0))
        .transpose()?)
}

async fn find(
    tx: &Transaction<'_>,
    id: i64,
    scope: &[i64],
    today: NaiveDate,
) -> Result<Result<Seat, ApiError>, StoreError> {
    Ok(get(tx, id, today, true)
        .await?
        .filter(|seat| scope.contains(&seat.organization.id))
        .ok_or_else(|| seat_not_found(id)))
}

/// Bind: the seat row is locked first, then the user's row, so two binds of one seat,
/// or of one e-mail, run one after the other and see each other's result.
pub async fn bind(
    tx: &Transaction<'_>,
    id: i64,
    raw_email: &str,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let today = now.date_naive();
    let email = normalize_email(raw_email);
    let seat = match find(tx, id, scope, today).await? {
        Ok(seat) => seat,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(refusal) = bind_refusal(&seat, &email) {
        return Ok(Err(refusal));
    }
    let user = tx
        .query_opt(
            "SELECT email FROM users WHERE organization_id = $1 AND email = $2 FOR UPDATE",
            &[&seat.organization.id, &email],
        )
        .await?;
    if user.is_none() {
        return Ok(Err(not_registered(&email, &seat)));
    }
    if let Some(held) = held_by(tx, &seat, &email, today).await? {
        return Ok(Err(already_holds(&email, held, &seat)));
    }
    let after = set_email(tx, &seat, Some(&email), "seat.bound", actor, now).await?;
    Ok(Ok(after))
}

pub async fn unbind(
    tx: &Transaction<'_>,
    id: i64,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    lock_feed(tx).await?;
    unbind_locked(tx, id, scope, actor, now).await
}

/// Many unbinds in the caller's transaction (`POST /seats/unbind`, docs/DESIGN.md
/// §4.9): the feed lock once, then each seat as [`unbind`] does it; a refusal is its
/// row's answer (it changed nothing before refusing).
pub async fn unbind_many(
    tx: &Transaction<'_>,
    ids: &[i64],
    writer: &crate::portal::store::Writer,
) -> Result<Result<BulkUnbindResponse, ApiError>, StoreError> {
    lock_feed(tx).await?;
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        let answer = unbind_locked(tx, id, &writer.scope, writer.actor(), writer.now).await?;
        results.push(bulk_rows::unbind_row(id, answer));
    }
    Ok(Ok(BulkUnbindResponse { results }))
}

/// Unbind under the feed lock the caller holds: the seat row locked, checked, freed.
async fn unbind_locked(
    tx: &Transaction<'_>,
    id: i64,
    scope: &[i64],
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Result<Seat, ApiError>, StoreError> {
    let seat = match find(tx, id, scope, now.date_naive()).await? {
        Ok(seat) => seat,
        Err(e) => return Ok(Err(e)),
    };
    if let Some(refusal) = unbind_refusal(&seat) {
        return Ok(Err(refusal));
    }
    let after = set_email(tx, &seat, None, "seat.unbound", actor, now).await?;
    Ok(Ok(after))
}

async fn set_email(
    tx: &Transaction<'_>,
    seat: &Seat,
    email: Option<&str>,
    action: &str,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<Seat, StoreError> {
    tx.execute(
        "UPDATE seats SET email = $1 WHERE id = $2",
        &[&email, &seat.id],
    )
    .await?;
    let after = get(tx, seat.id, now.date_naive(), false)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("seat {} vanished", seat.id)))?;
    super::writes::audit(
        tx,
        now,
        actor,
        action,
        format!("seat:{}", seat.id),
        seat.organization.id,
        super::writes::json(seat),
        super::writes::json(&after),
    )
    .await?;
    Ok(after)
}
