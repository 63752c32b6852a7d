//! The page's SELECT: its columns and order, the keyset ranges a cursor reads, and the
//! merge of one ordered branch per organization.

use super::{Arg, Builder, ListPlan, MERGED_SCOPE_MAX, PageCursor, SortValue, where_sql};
use crate::client::wire::{ActivationSort, ActivationSortKey};

pub const SUMMARY_COLUMNS: &str =
    "a.number, a.organization_id, o.name, o.inn, a.status, a.vendor, a.license_count,
     a.total_cost, a.created_at, a.completed_at, a.error";

/// The columns a merged branch carries out of its subquery.
const ROW_COLUMNS: &str = "a.number, a.organization_id, a.status, a.vendor, a.license_count,
     a.total_cost, a.created_at, a.completed_at, a.error";

fn sort_column(key: ActivationSortKey) -> &'static str {
    match key {
        ActivationSortKey::Number => "a.number",
        ActivationSortKey::TotalCost => "a.total_cost",
        ActivationSortKey::CreatedAt => "a.created_at",
    }
}

fn order_by(sort: ActivationSort) -> String {
    // Fixed strings only: user input never reaches the SQL text.
    let direction = if sort.descending { "DESC" } else { "ASC" };
    match sort.key {
        ActivationSortKey::Number => format!("a.number {direction}"),
        key => format!("{} {direction}, a.number {direction}", sort_column(key)),
    }
}

impl ListPlan {
    /// `SELECT … ORDER BY sort LIMIT limit OFFSET skip`, merged per organization when
    /// the scope is a handful of organizations (one ordered index range each).
    pub(super) fn select(
        &self,
        b: &mut Builder,
        sort: ActivationSort,
        cursor: Option<&PageCursor>,
        limit: u64,
        skip: u64,
    ) -> String {
        let order = order_by(sort);
        let scope = &self.filter.organizations;
        let merged = !self.every_organization && scope.len() > 1 && scope.len() <= MERGED_SCOPE_MAX;
        let branch_scopes: Vec<Option<i64>> = if merged {
            scope.iter().map(|id| Some(*id)).collect()
        } else {
            vec![None]
        };
        // A keyset on (key, number) is two ranges: the rest of the cursor's key value
        // by number, then the keys beyond it. As one row-value comparison SQLite seeks
        // on the key alone and walks every row sharing it (costs repeat: 8 ms at 1M).
        let parts: Vec<Option<KeysetPart>> = match cursor {
            Some(_) if sort.key != ActivationSortKey::Number => {
                vec![Some(KeysetPart::SameKey), Some(KeysetPart::BeyondKey)]
            }
            Some(_) => vec![Some(KeysetPart::Number)],
            None => vec![None],
        };
        let mut branches = Vec::new();
        for organization in &branch_scopes {
            for part in &parts {
                let mut conditions = self.conditions(b, *organization);
                if let (Some(cursor), Some(part)) = (cursor, part) {
                    conditions.push(keyset(b, cursor, sort, *part));
                }
                branches.push(where_sql(&conditions));
            }
        }
        // The page is chosen from activations alone and joined to its organizations
        // after: with the join inside, SQLite's planner may start from the three
        // organizations and sort a million rows (110 ms for a first page at 1M).
        let page = if let [only] = branches.as_slice() {
            format!(
                "SELECT {ROW_COLUMNS} FROM activations a WHERE {only}
                 ORDER BY {order} LIMIT {limit} OFFSET {skip}"
            )
        } else {
            // One ordered range per organization (and keyset part), merged.
            let branch_limit = limit + skip;
            let union = branches
                .iter()
                .enumerate()
                .map(|(i, conditions)| {
                    format!(
                        "SELECT * FROM (SELECT {ROW_COLUMNS} FROM activations a WHERE {conditions}
                          ORDER BY {order} LIMIT {branch_limit}) b{i}"
                    )
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            format!("SELECT * FROM ({union}) a ORDER BY {order} LIMIT {limit} OFFSET {skip}")
        };
        format!(
            "SELECT {SUMMARY_COLUMNS} FROM ({page}) a JOIN organizations o ON o.id = a.organization_id
             ORDER BY {order}"
        )
    }
}

/// Rows strictly after (or before) the cursor's row in `sort` — the order being read.
/// Which range of a keyset a branch reads (see `select`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeysetPart {
    /// Sorted by number: one range.
    Number,
    /// Rows with the cursor's key value, beyond its number.
    SameKey,
    /// Rows with a key beyond the cursor's.
    BeyondKey,
}

/// Rows strictly after (or before) the cursor's row in `sort` — the order being read.
fn keyset(b: &mut Builder, cursor: &PageCursor, sort: ActivationSort, part: KeysetPart) -> String {
    let op = if sort.descending { "<" } else { ">" };
    let mut value = || {
        b.bind(match &cursor.value {
            SortValue::Int(v) => Arg::Int(*v),
            SortValue::Text(v) => Arg::Text(v.clone()),
        })
    };
    let column = sort_column(sort.key);
    // Bound in the order the marks appear: SQLite's `?` are positional.
    match part {
        KeysetPart::BeyondKey => format!("{column} {op} {}", value()),
        KeysetPart::SameKey => {
            let value = value();
            let number = b.bind(Arg::Int(cursor.number));
            format!("{column} = {value} AND a.number {op} {number}")
        }
        KeysetPart::Number => {
            let number = b.bind(Arg::Int(cursor.number));
            format!("a.number {op} {number}")
        }
    }
}
