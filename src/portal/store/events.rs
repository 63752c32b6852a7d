//! `GET /events` as SQL written once for both backends (docs/DESIGN.md §4.8): the
//! audit log newest first by `(at, id)`, filtered, one keyset page at a time.
//!
//! A page never sorts the table: with one organization (or the operator's "all") it
//! walks one index (`audit_organization_at` / `audit_at`, migration 8) down from the
//! cursor; a scope of 2–16 organizations is one ordered branch per organization,
//! merged, as the activation list does; a wider one walks `audit_at` and filters.

use super::StoreError;
use super::activation_list::{Arg, Builder, Dialect, Query};
use super::text::timestamp_from_sql;
use crate::client::events::{Event, EventOrganization, EventPage};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};

/// Scopes up to this size are merged branches; wider ones one filtered walk.
const MERGED_SCOPE_MAX: usize = 16;

/// A validated `GET /events` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFilter {
    /// The organizations whose events may be read; None: every event (an operator).
    pub scope: Option<Vec<i64>>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub object_kind: Option<String>,
    /// Inclusive, in the stored text form (`timestamp_to_sql`).
    pub from: Option<String>,
    /// Exclusive, in the stored text form.
    pub to: Option<String>,
    pub per_page: u32,
    pub cursor: Option<EventCursor>,
}

/// Where the next page starts: just older than this record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCursor {
    /// `audit.at` as stored.
    pub at: String,
    pub id: i64,
}

impl EventCursor {
    /// Opaque to clients: URL-safe base64 of `e~at~id`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("e~{}~{}", self.at, self.id))
    }

    /// None for anything this portal did not hand out.
    pub fn decode(encoded: &str) -> Option<EventCursor> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).ok()?).ok()?;
        let mut parts = raw.split('~');
        if parts.next()? != "e" {
            return None;
        }
        let at = parts.next()?;
        DateTime::parse_from_rfc3339(at).ok()?;
        let id = parts.next()?.parse::<i64>().ok().filter(|id| *id >= 1)?;
        if parts.next().is_some() {
            return None;
        }
        Some(EventCursor {
            at: at.to_string(),
            id,
        })
    }
}

pub const EVENT_COLUMNS: &str = "a.id, a.at, a.actor, a.action, a.object, a.organization_id,
     o.name, a.request_id, a.before, a.after";

/// The conditions of one branch (all but the organization).
fn conditions(filter: &EventFilter, b: &mut Builder) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(actor) = &filter.actor {
        out.push(format!("actor = {}", b.bind(Arg::Text(actor.clone()))));
    }
    if let Some(action) = &filter.action {
        out.push(format!("action = {}", b.bind(Arg::Text(action.clone()))));
    }
    if let Some(kind) = &filter.object_kind {
        // `kind:` up to `kind;` (the next byte): a range, not LIKE, so `_` means nothing.
        let low = b.bind(Arg::Text(format!("{kind}:")));
        let high = b.bind(Arg::Text(format!("{kind};")));
        out.push(format!("object >= {low} AND object < {high}"));
    }
    if let Some(from) = &filter.from {
        out.push(format!("at >= {}", b.bind(Arg::Text(from.clone()))));
    }
    if let Some(to) = &filter.to {
        out.push(format!("at < {}", b.bind(Arg::Text(to.clone()))));
    }
    if let Some(cursor) = &filter.cursor {
        let at = b.bind(Arg::Text(cursor.at.clone()));
        let id = b.bind(Arg::Int(cursor.id));
        out.push(format!("(at, id) < ({at}, {id})"));
    }
    out
}

fn branch(filter: &EventFilter, b: &mut Builder, organization: Option<String>, n: usize) -> String {
    let mut conds: Vec<String> = organization.into_iter().collect();
    conds.extend(conditions(filter, b));
    let limit = b.bind(Arg::Int(filter.per_page as i64 + 1));
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    format!(
        "SELECT * FROM (SELECT id, at FROM audit {clause}
         ORDER BY at DESC, id DESC LIMIT {limit}) AS b{n}"
    )
}

/// The page's query: one more row than a page, to know whether there is a next one.
/// None when the scope is empty (nothing to read).
pub fn page_query(filter: &EventFilter, dialect: Dialect) -> Option<Query> {
    let mut b = Builder::new(dialect);
    let branches = match &filter.scope {
        Some(scope) if scope.is_empty() => return None,
        None => vec![branch(filter, &mut b, None, 0)],
        Some(scope) if scope.len() == 1 || scope.len() > MERGED_SCOPE_MAX => {
            let org = if scope.len() == 1 {
                format!("organization_id = {}", b.bind(Arg::Int(scope[0])))
            } else {
                b.in_list("organization_id", scope)
            };
            vec![branch(filter, &mut b, Some(org), 0)]
        }
        Some(scope) => scope
            .iter()
            .enumerate()
            .map(|(n, id)| {
                let org = format!("organization_id = {}", b.bind(Arg::Int(*id)));
                branch(filter, &mut b, Some(org), n)
            })
            .collect(),
    };
    let limit = b.bind(Arg::Int(filter.per_page as i64 + 1));
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM ({}) AS page
         JOIN audit a ON a.id = page.id
         LEFT JOIN organizations o ON o.id = a.organization_id
         ORDER BY a.at DESC, a.id DESC LIMIT {limit}",
        branches.join(" UNION ALL ")
    );
    Some(b.finish(sql))
}

/// One row of [`EVENT_COLUMNS`] as the driver read it.
pub struct RawEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub request_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn parse_json(
    column: &'static str,
    text: Option<String>,
) -> Result<Option<serde_json::Value>, StoreError> {
    text.map(|t| serde_json::from_str(&t).map_err(|_| StoreError::BadValue { column, value: t }))
        .transpose()
}

impl RawEvent {
    pub fn into_event(self) -> Result<Event, StoreError> {
        Ok(Event {
            id: self.id,
            at: timestamp_from_sql("audit.at", &self.at)?,
            actor: self.actor,
            action: self.action,
            object: self.object,
            organization: self.organization_id.map(|id| EventOrganization {
                id,
                name: self.organization_name.unwrap_or_default(),
            }),
            request_id: self.request_id,
            before: parse_json("audit.before", self.before)?,
            after: parse_json("audit.after", self.after)?,
        })
    }
}

/// The page from the rows of [`page_query`] (at most `per_page + 1`).
pub fn finish(filter: &EventFilter, mut rows: Vec<RawEvent>) -> Result<EventPage, StoreError> {
    let per_page = filter.per_page as usize;
    let more = rows.len() > per_page;
    rows.truncate(per_page);
    let next = match rows.last() {
        Some(last) if more => Some(
            EventCursor {
                at: last.at.clone(),
                id: last.id,
            }
            .encode(),
        ),
        _ => None,
    };
    Ok(EventPage {
        items: rows
            .into_iter()
            .map(RawEvent::into_event)
            .collect::<Result<_, _>>()?,
        per_page: filter.per_page,
        next,
    })
}

/// "now" as the filter's bounds are written, for callers that build one.
pub fn bound(at: DateTime<Utc>) -> String {
    super::text::timestamp_to_sql(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_was_not_handed_out() {
        let cursor = EventCursor {
            at: "2026-11-30T10:00:00Z".into(),
            id: 42,
        };
        assert_eq!(EventCursor::decode(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "e~x~1",
            "ZX5u",
            &URL_SAFE_NO_PAD.encode("e~2026-11-30T10:00:00Z~0"),
        ] {
            assert_eq!(EventCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn scopes_pick_a_plan() {
        let filter = |scope: Option<Vec<i64>>| EventFilter {
            scope,
            actor: None,
            action: None,
            object_kind: Some("seat".into()),
            from: None,
            to: None,
            per_page: 25,
            cursor: None,
        };
        assert!(page_query(&filter(Some(vec![])), Dialect::Sqlite).is_none());
        let one = page_query(&filter(Some(vec![3])), Dialect::Postgres).expect("query");
        assert!(one.sql.contains("organization_id = $1"));
        assert_eq!(one.sql.matches("UNION ALL").count(), 0);
        let merged = page_query(&filter(Some(vec![1, 2, 3])), Dialect::Sqlite).expect("query");
        assert_eq!(merged.sql.matches("UNION ALL").count(), 2);
        let all = page_query(&filter(None), Dialect::Sqlite).expect("query");
        assert!(!all.sql.contains("organization_id ="));
    }
}
