//! `GET /devices` and `GET /devices/totals` as SQL written once for both backends
//! (issue 16; docs/DESIGN.md §4.8): `organization_devices` (migration 11 / PostgreSQL
//! 8), the devices each organization's completed activations hold, one keyset page at
//! a time; `page=N` reaches pages within `DEVICES_PAGE_DEPTH` rows of the start.
//!
//! A page never sorts the table: it walks an index from its cursor — one per filter ×
//! sort (organization, vendor or model, then the subscription end, serial,
//! organization). A scope of 2–16 organizations is one ordered branch per organization,
//! merged, as the activation list does; a wider one walks with `IN`.

use super::StoreError;
use super::activation_list::{Arg, Builder, Dialect, Query};
use super::text::date_from_sql;
use crate::client::devices::{DeviceGroup, DeviceItem, DevicePage, DeviceTotals};
use crate::client::events::EventOrganization;
use crate::client::wire::VendorRef;
use crate::domain::{Kopecks, Vendor};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Scopes up to this size are merged branches; wider ones one filtered walk.
const MERGED_SCOPE_MAX: usize = 16;

// `page=N` reaches pages starting at most `DEVICES_PAGE_DEPTH` rows in (the activation
// list's depth): the rows before the page are skipped on the index, so a page number
// costs what it skips; deeper, the cursors go (docs/DESIGN.md §4.8).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceSort {
    /// By time left: the subscription end, then serial and organization.
    Until,
    /// By serial, then organization.
    Serial,
}

/// A validated `GET /devices` request (the totals use all but the sort and page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceFilter {
    /// The organizations whose devices may be read; None: every one (an operator).
    pub scope: Option<Vec<i64>>,
    pub vendor: Option<Vendor>,
    /// A model's name (checked against the catalog by the route).
    pub model: Option<String>,
    /// `current_until < this` (stored date text).
    pub ending_before: Option<String>,
    /// `current_until > this`.
    pub ending_after: Option<String>,
    /// The serial's first digits.
    pub serial_prefix: Option<String>,
    pub sort: DeviceSort,
    pub descending: bool,
    pub per_page: u32,
    /// The page's number from 1 (`page=N`; with a cursor, the cursor's page).
    pub page: u32,
    pub cursor: Option<DeviceCursor>,
}

impl DeviceFilter {
    /// Rows skipped before the page: none after a cursor (it is where the page starts).
    pub fn offset(&self) -> u64 {
        if self.cursor.is_some() {
            0
        } else {
            u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
        }
    }
}

/// Where the next page starts: just after this row in the page's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCursor {
    pub sort: DeviceSort,
    pub descending: bool,
    /// The subscription end of the row (for the `Until` sort).
    pub until: String,
    pub serial: String,
    pub organization: i64,
    /// The number of the page it leads to (so a page read by cursor knows its number).
    pub page: u32,
}

impl DeviceCursor {
    /// Opaque to clients: URL-safe base64 of `d~sort~until~serial~organization~page`.
    pub fn encode(&self) -> String {
        let sort = match (self.sort, self.descending) {
            (DeviceSort::Until, false) => "u",
            (DeviceSort::Until, true) => "-u",
            (DeviceSort::Serial, false) => "s",
            (DeviceSort::Serial, true) => "-s",
        };
        URL_SAFE_NO_PAD.encode(format!(
            "d~{sort}~{}~{}~{}~{}",
            self.until, self.serial, self.organization, self.page
        ))
    }

    /// None for anything this portal did not hand out.
    pub fn decode(encoded: &str) -> Option<DeviceCursor> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).ok()?).ok()?;
        let parts: Vec<&str> = raw.split('~').collect();
        let [tag, sort, until, serial, organization, page] = parts.as_slice() else {
            return None;
        };
        if *tag != "d" {
            return None;
        }
        let (sort, descending) = match *sort {
            "u" => (DeviceSort::Until, false),
            "-u" => (DeviceSort::Until, true),
            "s" => (DeviceSort::Serial, false),
            "-s" => (DeviceSort::Serial, true),
            _ => return None,
        };
        date_from_sql("cursor", until).ok()?;
        if serial.len() != 16 || !serial.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let organization = organization.parse::<i64>().ok().filter(|id| *id >= 1)?;
        let page = page.parse::<u32>().ok().filter(|p| *p >= 2)?;
        Some(DeviceCursor {
            sort,
            descending,
            until: until.to_string(),
            serial: serial.to_string(),
            organization,
            page,
        })
    }
}

/// The conditions every branch shares (all but the organization and the cursor).
fn conditions(filter: &DeviceFilter, b: &mut Builder) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(vendor) = filter.vendor {
        out.push(format!(
            "vendor = {}",
            b.bind(Arg::Text(vendor.id().into()))
        ));
    }
    if let Some(model) = &filter.model {
        let name = b.bind(Arg::Text(model.clone()));
        out.push(format!(
            "model_id = (SELECT id FROM models WHERE name = {name})"
        ));
    }
    if let Some(before) = &filter.ending_before {
        out.push(format!(
            "current_until < {}",
            b.bind(Arg::Text(before.clone()))
        ));
    }
    if let Some(after) = &filter.ending_after {
        out.push(format!(
            "current_until > {}",
            b.bind(Arg::Text(after.clone()))
        ));
    }
    if let Some(prefix) = &filter.serial_prefix {
        // Digits only (checked by the route): `prefix` up to `prefix:` (the byte after
        // '9'), a range on the serial, not LIKE.
        let low = b.bind(Arg::Text(prefix.clone()));
        let high = b.bind(Arg::Text(format!("{prefix}:")));
        out.push(format!("serial >= {low} AND serial < {high}"));
    }
    out
}

/// `(key…) > (cursor…)` in the page's direction.
fn after_cursor(filter: &DeviceFilter, b: &mut Builder) -> Option<String> {
    let cursor = filter.cursor.as_ref()?;
    let op = if filter.descending { "<" } else { ">" };
    // Bound in the order the text names them: SQLite's `?` are positional.
    let until = match filter.sort {
        DeviceSort::Until => Some(b.bind(Arg::Text(cursor.until.clone()))),
        DeviceSort::Serial => None,
    };
    let serial = b.bind(Arg::Text(cursor.serial.clone()));
    let organization = b.bind(Arg::Int(cursor.organization));
    Some(match until {
        Some(until) => format!(
            "(current_until, serial, organization_id) {op} ({until}, {serial}, {organization})"
        ),
        None => format!("(serial, organization_id) {op} ({serial}, {organization})"),
    })
}

fn order_by(filter: &DeviceFilter, prefix: &str) -> String {
    // Fixed strings only: user input never reaches the SQL text.
    let direction = if filter.descending { "DESC" } else { "ASC" };
    let columns: &[&str] = match filter.sort {
        DeviceSort::Until => &["current_until", "serial", "organization_id"],
        DeviceSort::Serial => &["serial", "organization_id"],
    };
    columns
        .iter()
        .map(|c| format!("{prefix}{c} {direction}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The organization part of one branch.
enum Organizations<'a> {
    One(i64),
    Any(&'a [i64]),
}

fn branch(
    filter: &DeviceFilter,
    b: &mut Builder,
    organizations: Option<Organizations>,
    n: usize,
) -> String {
    // Bound here, in the order the text names them: SQLite's `?` are positional.
    let mut conds: Vec<String> = organizations
        .map(|o| match o {
            Organizations::One(id) => format!("organization_id = {}", b.bind(Arg::Int(id))),
            Organizations::Any(ids) => b.in_list("organization_id", ids),
        })
        .into_iter()
        .collect();
    conds.extend(conditions(filter, b));
    conds.extend(after_cursor(filter, b));
    // Each branch reads as far as the page's end, so the merge can skip to its start.
    let limit = b.bind(Arg::Int(page_end(filter)));
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    format!(
        "SELECT * FROM (SELECT organization_id, serial, current_until FROM organization_devices
         {clause} ORDER BY {} LIMIT {limit}) AS b{n}",
        order_by(filter, "")
    )
}

/// The organization part of the scope, one entry per branch.
fn scope_branches(scope: &Option<Vec<i64>>) -> Option<Vec<Option<Organizations<'_>>>> {
    Some(match scope {
        Some(scope) if scope.is_empty() => return None,
        None => vec![None],
        Some(scope) if scope.len() == 1 => vec![Some(Organizations::One(scope[0]))],
        Some(scope) if scope.len() > MERGED_SCOPE_MAX => vec![Some(Organizations::Any(scope))],
        Some(scope) => scope
            .iter()
            .map(|id| Some(Organizations::One(*id)))
            .collect(),
    })
}

/// Rows up to the page's end and one more (to know whether there is a next page).
fn page_end(filter: &DeviceFilter) -> i64 {
    i64::try_from(filter.offset() + u64::from(filter.per_page) + 1).unwrap_or(i64::MAX)
}

pub const DEVICE_COLUMNS: &str = "d.organization_id, o.name, d.serial, d.vendor, m.name,
     d.current_until, m.price_kopecks, m.retail_kopecks";

/// The page's query: one more row than a page, to know whether there is a next one.
/// None when the scope is empty (nothing to read).
pub fn page_query(filter: &DeviceFilter, dialect: Dialect) -> Option<Query> {
    let mut b = Builder::new(dialect);
    let branches: Vec<String> = {
        let orgs = scope_branches(&filter.scope)?;
        orgs.into_iter()
            .enumerate()
            .map(|(n, org)| branch(filter, &mut b, org, n))
            .collect()
    };
    let limit = b.bind(Arg::Int(i64::from(filter.per_page) + 1));
    let offset = b.bind(Arg::Int(i64::try_from(filter.offset()).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT {DEVICE_COLUMNS} FROM ({}) AS page
         JOIN organization_devices d
           ON d.organization_id = page.organization_id AND d.serial = page.serial
         JOIN models m ON m.id = d.model_id
         JOIN organizations o ON o.id = d.organization_id
         ORDER BY {} LIMIT {limit} OFFSET {offset}",
        branches.join(" UNION ALL "),
        order_by(filter, "page.")
    );
    Some(b.finish(sql))
}

/// Count and today's price per organization and vendor of the filter (no cursor).
pub fn totals_query(filter: &DeviceFilter, dialect: Dialect) -> Option<Query> {
    let mut b = Builder::new(dialect);
    let mut conds: Vec<String> = match &filter.scope {
        Some(scope) if scope.is_empty() => return None,
        None => Vec::new(),
        Some(scope) => vec![b.in_list("d.organization_id", scope)],
    };
    conds.extend(conditions(filter, &mut b).into_iter().map(|c| qualify(&c)));
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let sql = format!(
        "SELECT d.organization_id, o.name, d.vendor, COUNT(*),
                CAST(SUM(m.price_kopecks) AS BIGINT)
         FROM organization_devices d
         JOIN models m ON m.id = d.model_id
         JOIN organizations o ON o.id = d.organization_id
         {clause}
         GROUP BY d.organization_id, o.name, d.vendor
         ORDER BY o.name, d.organization_id, d.vendor"
    );
    Some(b.finish(sql))
}

/// A branch condition on the joined totals query: its columns are `d.`'s.
fn qualify(condition: &str) -> String {
    ["vendor", "model_id", "current_until", "serial"]
        .iter()
        .fold(condition.to_string(), |text, column| {
            text.replace(&format!("{column} "), &format!("d.{column} "))
        })
}

/// One row of [`DEVICE_COLUMNS`] as the driver read it.
pub struct RawDevice {
    pub organization_id: i64,
    pub organization_name: String,
    pub serial: String,
    pub vendor: String,
    pub model: String,
    pub current_until: String,
    pub price: i64,
    pub retail_price: i64,
}

fn vendor(value: &str) -> Result<Vendor, StoreError> {
    value.parse().map_err(|_| StoreError::BadValue {
        column: "organization_devices.vendor",
        value: value.to_string(),
    })
}

impl RawDevice {
    fn into_item(self) -> Result<DeviceItem, StoreError> {
        Ok(DeviceItem {
            serial: self.serial,
            organization: EventOrganization {
                id: self.organization_id,
                name: self.organization_name,
            },
            vendor: VendorRef::from(vendor(&self.vendor)?),
            model: self.model,
            subscription_until: date_from_sql(
                "organization_devices.current_until",
                &self.current_until,
            )?,
            price: Kopecks(self.price),
            retail_price: Kopecks(self.retail_price),
        })
    }
}

/// The page from the rows of [`page_query`] (at most `per_page + 1`).
pub fn finish(filter: &DeviceFilter, mut rows: Vec<RawDevice>) -> Result<DevicePage, StoreError> {
    let per_page = filter.per_page as usize;
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let next = match rows.last() {
        Some(last) if more => Some(
            DeviceCursor {
                sort: filter.sort,
                descending: filter.descending,
                until: last.current_until.clone(),
                serial: last.serial.clone(),
                organization: last.organization_id,
                page: filter.page.saturating_add(1),
            }
            .encode(),
        ),
        _ => None,
    };
    Ok(DevicePage {
        items: rows
            .into_iter()
            .map(RawDevice::into_item)
            .collect::<Result<_, _>>()?,
        per_page: filter.per_page,
        page: filter.page,
        next,
    })
}

/// One row of [`totals_query`].
pub struct RawGroup {
    pub organization_id: i64,
    pub organization_name: String,
    pub vendor: String,
    pub count: i64,
    pub total: i64,
}

pub fn totals(rows: Vec<RawGroup>) -> Result<DeviceTotals, StoreError> {
    let groups = rows
        .into_iter()
        .map(|row| {
            Ok(DeviceGroup {
                organization: EventOrganization {
                    id: row.organization_id,
                    name: row.organization_name,
                },
                vendor: VendorRef::from(vendor(&row.vendor)?),
                count: u64::try_from(row.count).unwrap_or(0),
                total: Kopecks(row.total),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(DeviceTotals {
        count: groups.iter().map(|g| g.count).sum(),
        total: groups.iter().map(|g| g.total).sum(),
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(scope: Option<Vec<i64>>) -> DeviceFilter {
        DeviceFilter {
            scope,
            vendor: Some(Vendor::PayKiosk),
            model: None,
            ending_before: Some("2027-01-01".into()),
            ending_after: None,
            serial_prefix: Some("15".into()),
            sort: DeviceSort::Until,
            descending: false,
            per_page: 25,
            page: 1,
            cursor: None,
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_what_was_not_handed_out() {
        let cursor = DeviceCursor {
            sort: DeviceSort::Serial,
            descending: true,
            until: "2026-12-01".into(),
            serial: "1520000000000001".into(),
            organization: 3,
            page: 7,
        };
        assert_eq!(DeviceCursor::decode(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "abc",
            &URL_SAFE_NO_PAD.encode("d~u~2026-12-01~15~1~2"),
            &URL_SAFE_NO_PAD.encode("d~x~2026-12-01~1520000000000001~1~2"),
            &URL_SAFE_NO_PAD.encode("e~u~2026-12-01~1520000000000001~1~2"),
            // A cursor always leads to page 2 or later; one without a page is not ours.
            &URL_SAFE_NO_PAD.encode("d~u~2026-12-01~1520000000000001~1~1"),
            &URL_SAFE_NO_PAD.encode("d~u~2026-12-01~1520000000000001~1"),
        ] {
            assert_eq!(DeviceCursor::decode(bad), None, "{bad}");
        }
    }

    /// SQLite's placeholders are positional: the arguments follow the text.
    #[test]
    fn a_cursor_binds_in_the_order_of_the_text() {
        let mut f = filter(Some(vec![3]));
        f.vendor = None;
        f.ending_before = None;
        f.serial_prefix = None;
        f.cursor = Some(DeviceCursor {
            sort: DeviceSort::Until,
            descending: false,
            until: "2026-12-01".into(),
            serial: "1520000000000001".into(),
            organization: 3,
            page: 2,
        });
        let query = page_query(&f, Dialect::Sqlite).expect("query");
        // Merged branches: each branch's organization, then its limit.
        let merged = page_query(&filter(Some(vec![1, 2])), Dialect::Sqlite).expect("query");
        let ints: Vec<&Arg> = merged
            .args
            .iter()
            .filter(|a| matches!(a, Arg::Int(_)))
            .collect();
        assert_eq!(
            ints,
            [
                &Arg::Int(1),
                &Arg::Int(26),
                &Arg::Int(2),
                &Arg::Int(26),
                &Arg::Int(26),
                &Arg::Int(0)
            ]
        );
        // Page 3 of 25: each branch reads to the page's end, the merge skips 50.
        let mut third = filter(Some(vec![1, 2]));
        third.page = 3;
        let merged = page_query(&third, Dialect::Sqlite).expect("query");
        let ints: Vec<&Arg> = merged
            .args
            .iter()
            .filter(|a| matches!(a, Arg::Int(_)))
            .collect();
        assert_eq!(
            ints,
            [
                &Arg::Int(1),
                &Arg::Int(76),
                &Arg::Int(2),
                &Arg::Int(76),
                &Arg::Int(26),
                &Arg::Int(50)
            ]
        );
        assert_eq!(
            &query.args[..4],
            &[
                Arg::Int(3),
                Arg::Text("2026-12-01".into()),
                Arg::Text("1520000000000001".into()),
                Arg::Int(3)
            ]
        );
    }

    #[test]
    fn scopes_pick_a_plan() {
        assert!(page_query(&filter(Some(vec![])), Dialect::Sqlite).is_none());
        assert!(totals_query(&filter(Some(vec![])), Dialect::Sqlite).is_none());
        let one = page_query(&filter(Some(vec![3])), Dialect::Postgres).expect("query");
        assert!(one.sql.contains("organization_id = $1"));
        assert_eq!(one.sql.matches("UNION ALL").count(), 0);
        let merged = page_query(&filter(Some(vec![1, 2, 3])), Dialect::Sqlite).expect("query");
        assert_eq!(merged.sql.matches("UNION ALL").count(), 2);
        let all = page_query(&filter(None), Dialect::Sqlite).expect("query");
        assert!(!all.sql.contains("WHERE organization_id"));
        let totals = totals_query(&filter(Some(vec![1, 2])), Dialect::Postgres).expect("totals");
        assert!(totals.sql.contains("d.vendor = $2"), "{}", totals.sql);
        assert!(
            totals.sql.contains("d.serial >= $4 AND d.serial < $5"),
            "{}",
            totals.sql
        );
    }
}
