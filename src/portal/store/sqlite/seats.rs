//! Products, registered users and seats. A seat's status is derived, never stored:
//! `expired` when `valid_until < today`, else `bound` with an e-mail, else `free`.

use super::{StoreError, date_from_sql, date_to_sql, placeholders};
use crate::client::wire::{
    OrgRef, Page, ProductRef, Seat, SeatSortKey, SeatStatus, SeatSummary, User,
};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// A validated `GET /seats` (organizations already narrowed to the caller's scope).
#[derive(Debug, Clone)]
pub struct SeatFilter {
    pub organizations: Vec<i64>,
    pub product: Option<String>,
    pub status: Option<SeatStatus>,
    /// Lower-case e-mail text.
    pub email_contains: Option<String>,
    pub sort: SeatSortKey,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
    pub today: NaiveDate,
}

pub struct NewSeat {
    pub organization_id: i64,
    pub product_id: String,
    pub email: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

const SEAT_COLUMNS: &str = "s.id, s.organization_id, o.name, o.inn, s.product_id, p.name, s.email,
     s.valid_from, s.valid_until";
const SEAT_FROM: &str = "seats s JOIN organizations o ON o.id = s.organization_id
     JOIN products p ON p.id = s.product_id";

/// The status rule, shared by every read and the bind/unbind checks (`portal::rules`).
pub use crate::portal::rules::seat_status as status_of;

fn seat_from_row(row: &Row<'_>, today: NaiveDate) -> Result<Seat, StoreError> {
    let email: Option<String> = row.get(6)?;
    let valid_from = date_from_sql("seats.valid_from", &row.get::<_, String>(7)?)?;
    let valid_until = date_from_sql("seats.valid_until", &row.get::<_, String>(8)?)?;
    Ok(Seat {
        id: row.get(0)?,
        organization: OrgRef {
            id: row.get(1)?,
            name: row.get(2)?,
            inn: row.get(3)?,
        },
        product: ProductRef {
            id: row.get(4)?,
            name: row.get(5)?,
        },
        status: status_of(email.as_deref(), valid_until, today),
        email,
        valid_from,
        valid_until,
    })
}

fn order_by(sort: SeatSortKey, descending: bool) -> &'static str {
    match (sort, descending) {
        (SeatSortKey::Id, false) => "s.id ASC",
        (SeatSortKey::Id, true) => "s.id DESC",
        (SeatSortKey::ValidUntil, false) => "s.valid_until ASC, s.id ASC",
        (SeatSortKey::ValidUntil, true) => "s.valid_until DESC, s.id DESC",
        // Free seats (no e-mail) sort first ascending, last descending.
        (SeatSortKey::Email, false) => "s.email ASC, s.id ASC",
        (SeatSortKey::Email, true) => "s.email DESC, s.id DESC",
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

pub fn list(conn: &Connection, filter: &SeatFilter) -> Result<Page<Seat>, StoreError> {
    let mut page = Page::new(Vec::new(), filter.page, filter.per_page, 0);
    if filter.organizations.is_empty() {
        return Ok(page);
    }
    let mut conditions = vec![format!(
        "s.organization_id IN ({})",
        placeholders(filter.organizations.len())
    )];
    let mut args: Vec<Value> = filter
        .organizations
        .iter()
        .map(|id| Value::Integer(*id))
        .collect();
    if let Some(product) = &filter.product {
        conditions.push("s.product_id = ?".into());
        args.push(Value::Text(product.clone()));
    }
    let today = Value::Text(date_to_sql(filter.today));
    match filter.status {
        Some(SeatStatus::Expired) => conditions.push("s.valid_until < ?".into()),
        Some(SeatStatus::Bound) => {
            conditions.push("s.valid_until >= ? AND s.email IS NOT NULL".into())
        }
        Some(SeatStatus::Free) => conditions.push("s.valid_until >= ? AND s.email IS NULL".into()),
        None => {}
    }
    if filter.status.is_some() {
        args.push(today);
    }
    if let Some(text) = &filter.email_contains {
        conditions.push("s.email LIKE ? ESCAPE '\\'".into());
        args.push(Value::Text(contains_pattern(text)));
    }
    let where_sql = conditions.join(" AND ");
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM seats s WHERE {where_sql}"))?
        .query_row(params_from_iter(&args), |row| row.get(0))?;
    page.total = u64::try_from(total).unwrap_or(0);
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(filter.per_page);
    if offset >= total {
        return Ok(page);
    }
    args.push(Value::Integer(i64::from(filter.per_page)));
    args.push(Value::Integer(offset));
    let sql = format!(
        "SELECT {SEAT_COLUMNS} FROM {SEAT_FROM} WHERE {where_sql} ORDER BY {} LIMIT ? OFFSET ?",
        order_by(filter.sort, filter.descending)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(&args))?;
    while let Some(row) = rows.next()? {
        page.items.push(seat_from_row(row, filter.today)?);
    }
    Ok(page)
}

/// One seat, unscoped (the caller checks the organization).
pub fn get(conn: &Connection, id: i64, today: NaiveDate) -> Result<Option<Seat>, StoreError> {
    let sql = format!("SELECT {SEAT_COLUMNS} FROM {SEAT_FROM} WHERE s.id = ?");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    rows.next()?
        .map(|row| seat_from_row(row, today))
        .transpose()
}

/// Free/bound/expired counts per organization and product, ordered by both.
pub fn summary(
    conn: &Connection,
    organizations: &[i64],
    today: NaiveDate,
) -> Result<Vec<SeatSummary>, StoreError> {
    if organizations.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT s.organization_id, o.name, o.inn, s.product_id, p.name,
                SUM(s.valid_until >= ?1 AND s.email IS NULL),
                SUM(s.valid_until >= ?1 AND s.email IS NOT NULL),
                SUM(s.valid_until < ?1)
         FROM {SEAT_FROM} WHERE s.organization_id IN ({})
         GROUP BY s.organization_id, s.product_id ORDER BY s.organization_id, s.product_id",
        placeholders(organizations.len())
    );
    let mut args = vec![Value::Text(date_to_sql(today))];
    args.extend(organizations.iter().map(|id| Value::Integer(*id)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&args), |row| {
        let count = |i: usize| -> rusqlite::Result<u32> {
            Ok(u32::try_from(row.get::<_, i64>(i)?).unwrap_or(0))
        };
        Ok(SeatSummary {
            organization: OrgRef {
                id: row.get(0)?,
                name: row.get(1)?,
                inn: row.get(2)?,
            },
            product: ProductRef {
                id: row.get(3)?,
                name: row.get(4)?,
            },
            free: count(5)?,
            bound: count(6)?,
            expired: count(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The non-expired seat this user holds of this product in this organization.
pub fn held_by(
    conn: &Connection,
    organization: i64,
    product: &str,
    email: &str,
    today: NaiveDate,
) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM seats WHERE organization_id = ? AND product_id = ? AND email = ?
             AND valid_until >= ? ORDER BY id LIMIT 1",
        )?
        .query_row(
            params![organization, product, email, date_to_sql(today)],
            |row| row.get(0),
        )
        .optional()?)
}

/// Sets (or clears) the seat's e-mail.
pub fn set_email(conn: &Connection, id: i64, email: Option<&str>) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE seats SET email = ? WHERE id = ?")?
        .execute(params![email, id])?;
    Ok(())
}

/// Bound, non-expired seats of a product (the accounts in use).
pub fn bound_count(
    conn: &Connection,
    organization: i64,
    product: &str,
    today: NaiveDate,
) -> Result<u32, StoreError> {
    let count: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM seats WHERE organization_id = ? AND product_id = ?
             AND email IS NOT NULL AND valid_until >= ?",
        )?
        .query_row(params![organization, product, date_to_sql(today)], |row| {
            row.get(0)
        })?;
    Ok(u32::try_from(count).unwrap_or(0))
}

pub fn insert(conn: &Connection, seat: &NewSeat) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO seats (organization_id, product_id, email, valid_from, valid_until)
         VALUES (?, ?, ?, ?, ?)",
    )?
    .execute(params![
        seat.organization_id,
        seat.product_id,
        seat.email,
        date_to_sql(seat.valid_from),
        date_to_sql(seat.valid_until)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_product(conn: &Connection, product: &ProductRef) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO products (id, name) VALUES (?, ?)")?
        .execute(params![product.id, product.name])?;
    Ok(())
}

/// Every product, by id.
pub fn products(conn: &Connection) -> Result<Vec<ProductRef>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM products ORDER BY id")?;
    let rows = stmt.query_map([], |row| {
        Ok(ProductRef {
            id: row.get(0)?,
            name: row.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn product(conn: &Connection, id: &str) -> Result<Option<ProductRef>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id, name FROM products WHERE id = ?")?
        .query_row([id], |row| {
            Ok(ProductRef {
                id: row.get(0)?,
                name: row.get(1)?,
            })
        })
        .optional()?)
}

pub fn insert_user(
    conn: &Connection,
    organization: i64,
    email: &str,
    name: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO users (email, organization_id, name) VALUES (?, ?, ?)")?
        .execute(params![email, organization, name])?;
    Ok(())
}

/// The registered user with this (normalized) e-mail in this organization.
pub fn user(conn: &Connection, organization: i64, email: &str) -> Result<Option<User>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT email, name FROM users WHERE organization_id = ? AND email = ?")?
        .query_row(params![organization, email], |row| {
            Ok(User {
                email: row.get(0)?,
                name: row.get(1)?,
            })
        })
        .optional()?)
}

/// Users of an organization whose e-mail or name contains `text` (case-insensitive for
/// e-mails and ASCII; names compare as typed otherwise), by e-mail, at most `limit`.
pub fn users(
    conn: &Connection,
    organization: i64,
    text: &str,
    limit: u32,
) -> Result<Vec<User>, StoreError> {
    let pattern = contains_pattern(&text.to_lowercase());
    let raw = contains_pattern(text);
    let mut stmt = conn.prepare_cached(
        "SELECT email, name FROM users WHERE organization_id = ?
         AND (email LIKE ?2 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\' OR name LIKE ?3 ESCAPE '\\')
         ORDER BY email LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![organization, pattern, raw, limit], |row| {
        Ok(User {
            email: row.get(0)?,
            name: row.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Every seat, by id (demo facts and tests; not an API path).
pub fn all(conn: &Connection, today: NaiveDate) -> Result<Vec<Seat>, StoreError> {
    let sql = format!("SELECT {SEAT_COLUMNS} FROM {SEAT_FROM} ORDER BY s.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(seat_from_row(row, today)?);
    }
    Ok(out)
}

/// Every registered user's e-mail with its organization, by e-mail.
pub fn all_users(conn: &Connection) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT organization_id, email FROM users ORDER BY email")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
