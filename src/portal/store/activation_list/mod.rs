//! `GET /activations` as SQL that does not grow with the store, written once for both
//! backends (each renders its own placeholders and runs the steps in one snapshot).
//! Why it is shaped like this — counters, keyset cursors, bounded page numbers, the
//! two serial-search plans — is in docs/DESIGN.md §4.4.
//!
//! The steps, each one query: [`ListPlan::lines_query`] (serial search only: how many
//! lines match, counted up to a cap), [`ListPlan::total_query`], [`ListPlan::page_query`],
//! then [`ListPlan::finish`] turns the rows into a page with its cursors.

use crate::client::wire::{ActivationSort, ActivationSortKey, ActivationSummary, Page};
use crate::domain::{ActivationStatus, Vendor};

mod cursor;
mod select;
mod sql;

pub use cursor::{PageCursor, SortValue};
pub use select::SUMMARY_COLUMNS;
pub(crate) use sql::Builder;
use sql::where_sql;
pub use sql::{Arg, Dialect, Query};

/// Page numbers reach this many rows from either end of the list; further in, pages
/// are reached by their cursors (an OFFSET walks every row it skips).
pub const PAGE_NUMBER_DEPTH: u64 = 10_000;
/// A serial search counts its activations exactly up to this many ("200+"): a count
/// walks the list like a page does, one probe per activation passed, and on
/// PostgreSQL 500 of a frequent prefix cost ~10 ms at 1M.
pub const SEARCH_TOTAL_CAP: i64 = 200;
/// A serial prefix matching at most this many lines is answered from those lines,
/// sorted; a wider one walks the list in order and keeps activations with a match.
pub const SMALL_SEARCH_LINES: i64 = 5_000;
/// A scope of up to this many organizations is read as one ordered branch per
/// organization, merged; a wider one is filtered with IN and sorted.
const MERGED_SCOPE_MAX: usize = 16;

/// What `q` asks for, already interpreted by the request parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextSearch {
    /// All digits: the activation with this number (written without leading zeros), or
    /// any activation with a line whose serial starts with these digits.
    NumberOrSerialPrefix(String),
    /// Text that can be neither a number nor a serial.
    Nothing,
}

/// A fully validated list request. `organizations` is the caller's scope (already
/// narrowed to one when the `organization` filter was given).
#[derive(Debug, Clone)]
pub struct ActivationFilter {
    pub organizations: Vec<i64>,
    pub status: Option<ActivationStatus>,
    pub vendor: Option<Vendor>,
    pub search: Option<TextSearch>,
    pub sort: ActivationSort,
    pub page: u32,
    pub per_page: u32,
    /// A cursor handed out with an earlier page; wins over `page`.
    pub cursor: Option<PageCursor>,
}
/// How a serial search is answered (see [`SMALL_SEARCH_LINES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SearchPlan {
    /// Few lines match: start from them.
    FromLines,
    /// Many match: walk the list in order, keep activations with a matching line.
    Walk,
}

/// The rows one page query asks for, and how to read them back.
#[derive(Debug, Clone)]
pub struct PageQuery {
    pub query: Query,
    /// The rows come in the opposite order of the list (a backward cursor or a page
    /// read from the end) and are flipped.
    reversed: bool,
    /// How many rows belong on the page; one more was asked for to learn whether the
    /// list goes on in the direction read.
    limit: u64,
    page: u32,
    /// Rows exist before the first one read (forward) or after the last (backward).
    beyond_start: bool,
}

/// The page number asked for lies deeper than [`PAGE_NUMBER_DEPTH`] from both ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    pub page: u32,
    pub depth: u64,
}

/// One list request, planned step by step.
#[derive(Debug, Clone)]
pub struct ListPlan {
    filter: ActivationFilter,
    dialect: Dialect,
    /// The scope covers every organization of the store, so it filters nothing.
    every_organization: bool,
    search: Option<SearchPlan>,
}

impl ListPlan {
    pub fn new(filter: ActivationFilter, dialect: Dialect) -> ListPlan {
        ListPlan {
            filter,
            dialect,
            every_organization: false,
            search: None,
        }
    }

    /// Nothing can match: no organization in scope, or text that is no number/serial.
    pub fn is_empty(&self) -> bool {
        self.filter.organizations.is_empty() || self.filter.search == Some(TextSearch::Nothing)
    }

    /// Answers one boolean: whether the scope covers every organization.
    pub fn scope_query(&self) -> Query {
        let mut b = Builder::new(self.dialect);
        let scope = b.in_list("id", &self.filter.organizations);
        b.finish(format!(
            "SELECT NOT EXISTS (SELECT 1 FROM organizations WHERE NOT ({scope}))"
        ))
    }

    pub fn set_every_organization(&mut self, every: bool) {
        self.every_organization = every;
    }

    fn prefix(&self) -> Option<(String, String, Option<i64>)> {
        match &self.filter.search {
            Some(TextSearch::NumberOrSerialPrefix(digits)) => {
                // A range on the serial index instead of LIKE: `:` sorts right after
                // `9`, so [digits, digits + ":") is exactly the digit strings starting
                // with `digits`. Numbers are written without leading zeros.
                let number = match digits.parse::<i64>() {
                    Ok(number) if !digits.starts_with('0') => Some(number),
                    _ => None,
                };
                Some((digits.clone(), format!("{digits}:"), number))
            }
            _ => None,
        }
    }

    /// Serial search only: one count, of matching lines up to [`SMALL_SEARCH_LINES`] + 1.
    pub fn lines_query(&self) -> Option<Query> {
        let (from, to, _) = self.prefix()?;
        let mut b = Builder::new(self.dialect);
        let from = b.bind(Arg::Text(from));
        let to = b.bind(Arg::Text(to));
        let cap = b.bind(Arg::Int(SMALL_SEARCH_LINES + 1));
        Some(b.finish(format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM activation_lines
              WHERE serial >= {from} AND serial < {to} LIMIT {cap}) m"
        )))
    }

    pub fn set_matching_lines(&mut self, lines: i64) {
        self.search = Some(if lines <= SMALL_SEARCH_LINES {
            SearchPlan::FromLines
        } else {
            SearchPlan::Walk
        });
    }

    /// The filter conditions for one branch (`organization`: one organization of a
    /// merged scope; None: the whole scope).
    fn conditions(&self, b: &mut Builder, organization: Option<i64>) -> Vec<String> {
        let mut conditions = Vec::new();
        match organization {
            Some(id) => conditions.push(format!("a.organization_id = {}", b.bind(Arg::Int(id)))),
            None if !self.every_organization => {
                conditions.push(b.in_list("a.organization_id", &self.filter.organizations))
            }
            None => {}
        }
        if let Some(status) = self.filter.status {
            let mark = b.bind(Arg::Text(status.as_api().into()));
            conditions.push(format!("a.status = {mark}"));
        }
        if let Some(vendor) = self.filter.vendor {
            let mark = b.bind(Arg::Text(vendor.id().into()));
            // Only cost orders have vendor-led indexes. On the others SQLite would still
            // take one for the equality and sort 35 000 rows (35 ms at 100k) instead of
            // walking the order's index; a unary `+` keeps the term off every index.
            let column = match (self.dialect, self.filter.sort.key) {
                (Dialect::Sqlite, ActivationSortKey::Number | ActivationSortKey::CreatedAt) => {
                    "+a.vendor"
                }
                _ => "a.vendor",
            };
            conditions.push(format!("{column} = {mark}"));
        }
        // Bound in the order the marks appear: SQLite's `?` are positional.
        if let Some((from, to, number)) = self.prefix() {
            conditions.push(match self.search {
                Some(SearchPlan::FromLines) => {
                    let from = b.bind(Arg::Text(from));
                    let to = b.bind(Arg::Text(to));
                    let number = b.bind(Arg::OptInt(number));
                    format!(
                        "a.number IN (SELECT activation_number FROM activation_lines
                                      WHERE serial >= {from} AND serial < {to}
                                      UNION ALL SELECT {number})"
                    )
                }
                _ => {
                    let number = b.bind(Arg::OptInt(number));
                    let from = b.bind(Arg::Text(from));
                    let to = b.bind(Arg::Text(to));
                    // A scalar probe, not EXISTS: PostgreSQL hashes an EXISTS under OR
                    // (every matching line, 33 ms at 100k) where a walk wants one
                    // index probe per activation it passes (0.7 ms).
                    format!(
                        "(a.number = {number} OR (SELECT 1 FROM activation_lines l
                            WHERE l.activation_number = a.number AND l.serial >= {from} AND l.serial < {to}
                            LIMIT 1) IS NOT NULL)"
                    )
                }
            });
        }
        conditions
    }

    /// The total: from the counters kept with the data, or (serial search) counted up
    /// to [`SEARCH_TOTAL_CAP`] + 1.
    pub fn total_query(&self) -> Query {
        let mut b = Builder::new(self.dialect);
        if self.filter.search.is_some() {
            let conditions = self.conditions(&mut b, None);
            let cap = b.bind(Arg::Int(SEARCH_TOTAL_CAP + 1));
            return b.finish(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM activations a WHERE {} LIMIT {cap}) m",
                where_sql(&conditions)
            ));
        }
        let mut conditions = Vec::new();
        if !self.every_organization {
            conditions.push(b.in_list("organization_id", &self.filter.organizations));
        }
        if let Some(status) = self.filter.status {
            conditions.push(format!(
                "status = {}",
                b.bind(Arg::Text(status.as_api().into()))
            ));
        }
        if let Some(vendor) = self.filter.vendor {
            conditions.push(format!(
                "vendor = {}",
                b.bind(Arg::Text(vendor.id().into()))
            ));
        }
        b.finish(format!(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM activation_counts WHERE {}",
            where_sql(&conditions)
        ))
    }

    /// Whether `total` (from [`Self::total_query`]) is a lower bound.
    pub fn total_is_capped(&self, total: i64) -> bool {
        self.filter.search.is_some() && total > SEARCH_TOTAL_CAP
    }

    /// The query for the page's rows; None when the page is past the end.
    pub fn page_query(&self, total: i64) -> Result<Option<PageQuery>, TooDeep> {
        let per_page = u64::from(self.filter.per_page.max(1));
        let capped = self.total_is_capped(total);
        let total = u64::try_from(total).unwrap_or(0);
        let mut b = Builder::new(self.dialect);
        if let Some(cursor) = &self.filter.cursor {
            let sort = ActivationSort {
                descending: self.filter.sort.descending == cursor.forward,
                ..self.filter.sort
            };
            let query = self.select(&mut b, sort, Some(cursor), per_page + 1, 0);
            return Ok(Some(PageQuery {
                query: b.finish(query),
                reversed: !cursor.forward,
                limit: per_page,
                page: cursor.page,
                beyond_start: true,
            }));
        }
        let page = self.filter.page.max(1);
        let offset = u64::from(page - 1) * per_page;
        if !capped && offset >= total {
            return Ok(None);
        }
        // A page in the back half is read from the other end and flipped, so the last
        // page costs what the first does; only an exact total tells where the end is.
        let from_the_end = !capped && offset > total / 2;
        let (sort, skip, limit) = if from_the_end {
            let limit = per_page.min(total - offset);
            let sort = ActivationSort {
                descending: !self.filter.sort.descending,
                ..self.filter.sort
            };
            (sort, total - offset - limit, limit)
        } else {
            (self.filter.sort, offset, per_page)
        };
        if skip > PAGE_NUMBER_DEPTH {
            return Err(TooDeep {
                page,
                depth: PAGE_NUMBER_DEPTH,
            });
        }
        let query = self.select(&mut b, sort, None, limit + 1, skip);
        Ok(Some(PageQuery {
            query: b.finish(query),
            reversed: from_the_end,
            limit,
            page,
            beyond_start: skip > 0,
        }))
    }
    /// The page, with cursors to its neighbours.
    pub fn finish(
        &self,
        query: Option<&PageQuery>,
        mut rows: Vec<ActivationSummary>,
        total: i64,
    ) -> Page<ActivationSummary> {
        let total_capped = self.total_is_capped(total);
        let shown_total = if total_capped {
            SEARCH_TOTAL_CAP
        } else {
            total.max(0)
        };
        let mut page = Page {
            items: Vec::new(),
            page: self.filter.page.max(1),
            per_page: self.filter.per_page,
            total: u64::try_from(shown_total).unwrap_or(0),
            total_capped,
            next: None,
            prev: None,
        };
        let Some(query) = query else {
            return page;
        };
        let more = rows.len() as u64 > query.limit;
        rows.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
        if query.reversed {
            rows.reverse();
        }
        // Read forward: `more` is after the page. Read backward: before it.
        let (before, after) = if query.reversed {
            (more, query.beyond_start)
        } else {
            (query.beyond_start, more)
        };
        page.page = query.page;
        let sort = self.filter.sort;
        if let (true, Some(first)) = (before, rows.first()) {
            page.prev =
                Some(PageCursor::at(first, sort, query.page.saturating_sub(1), false).encode());
        }
        if let (true, Some(last)) = (after, rows.last()) {
            page.next =
                Some(PageCursor::at(last, sort, query.page.saturating_add(1), true).encode());
        }
        page.items = rows;
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(page: u32) -> ActivationFilter {
        ActivationFilter {
            organizations: vec![1],
            status: None,
            vendor: None,
            search: None,
            sort: ActivationSort::default(),
            page,
            per_page: 25,
            cursor: None,
        }
    }

    #[test]
    fn page_numbers_reach_a_bounded_depth_from_either_end() {
        let plan = ListPlan::new(filter(401), Dialect::Sqlite);
        assert!(plan.page_query(1_000_000).unwrap().is_some());
        let plan = ListPlan::new(filter(402), Dialect::Sqlite);
        assert_eq!(
            plan.page_query(1_000_000).err(),
            Some(TooDeep {
                page: 402,
                depth: PAGE_NUMBER_DEPTH
            })
        );
        let last = ListPlan::new(filter(40_000), Dialect::Sqlite);
        assert!(last.page_query(1_000_000).unwrap().is_some());
        let past = ListPlan::new(filter(40_001), Dialect::Sqlite);
        assert!(past.page_query(1_000_000).unwrap().is_none());
    }
}
