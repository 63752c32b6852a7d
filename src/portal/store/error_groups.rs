//! The triage of errors (`GET /activations/errors`, docs/DESIGN.md §4.9), written once
//! for both backends: one query for the errored activations ordered since a moment in
//! the caller's scope, then grouped here by their error text with the serial taken out.
//!
//! An activation is in the period when it was ordered in it or failed in it: the
//! failure's time is its `activation.failed` audit record, so an old activation
//! retried and failing again today is in today's triage. Two index walks, their
//! numbers united: `activations_status_created` (status, created_at, …) or, for one
//! organization, `activations_org_status_created` for the orders, and `audit_action_at`
//! for the failures; only the rows of the period are read, however large the store.

use super::activation_list::{Arg, Builder, Dialect, Query, SUMMARY_COLUMNS};
use super::text::timestamp_to_sql;
use crate::client::bulk::{ErrorGroup, ErrorTriage, GROUP_NUMBERS_MAX, GroupOrganization};
use crate::client::wire::{ActivationSummary, OrgRef};
use crate::domain::{ActivationFailure, FailureReason, Lang};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Errored activations read for one triage at most: beyond this the answer would be
/// megabytes and the store's own trouble (the total says how many there are).
pub const TRIAGE_ROWS_MAX: i64 = 50_000;

/// The activations in error now, in `scope`, that were ordered or failed at or after
/// `since`, newest order first. (SQLite's `?` are bound in the order they appear.)
pub fn errored_since(dialect: Dialect, scope: &[i64], since: DateTime<Utc>) -> Query {
    let mut b = Builder::new(dialect);
    let since = timestamp_to_sql(since);
    let ordered_since = b.bind(Arg::Text(since.clone()));
    let ordered_in = b.in_list("organization_id", scope);
    let failed_since = b.bind(Arg::Text(since));
    let organizations = b.in_list("a.organization_id", scope);
    let limit = b.bind(Arg::Int(TRIAGE_ROWS_MAX));
    b.finish(format!(
        "SELECT {SUMMARY_COLUMNS} FROM activations a JOIN organizations o ON o.id = a.organization_id
         WHERE a.number IN (
                 SELECT number FROM activations
                  WHERE status = 'error' AND created_at >= {ordered_since} AND {ordered_in}
                 UNION
                 SELECT CAST(substr(object, {NUMBER_AT}) AS BIGINT) FROM audit
                  WHERE action = 'activation.failed' AND at >= {failed_since}
                    AND object LIKE 'activation:%')
           AND a.status = 'error' AND {organizations}
         ORDER BY a.created_at DESC, a.number DESC LIMIT {limit}"
    ))
}

/// Where the number starts in an audit object `activation:421` (1-based, for `substr`).
const NUMBER_AT: usize = "activation:".len() + 1;

/// How a group is known: the registry's reason, or the text as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GroupKey {
    Reason(FailureReason),
    Text(String),
}

/// A group being filled: its key, the answer so far, its organizations with counts.
type Grouping = (GroupKey, ErrorGroup, HashMap<i64, (OrgRef, u64)>);

/// The rows grouped by error, largest group first (then by text, so the order is
/// stable); organizations in a group by count, then name.
pub fn group(rows: Vec<ActivationSummary>, since: DateTime<Utc>) -> ErrorTriage {
    let total = rows.len() as u64;
    let mut groups: Vec<Grouping> = Vec::new();
    let mut index: HashMap<GroupKey, usize> = HashMap::new();
    for row in rows {
        let text = row.error.clone().unwrap_or_default();
        let failure = ActivationFailure::recognize(&text);
        let key = match &failure {
            Some(f) => GroupKey::Reason(f.reason),
            None => GroupKey::Text(text.trim().to_string()),
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            let error = match &failure {
                // Written as the worker writes it (Russian), so the language layer
                // answers it in the client's language like any activation's error.
                Some(f) => f.reason.template(Lang::Ru).replace("{0}", "…"),
                None => text.trim().to_string(),
            };
            groups.push((
                key,
                ErrorGroup {
                    error,
                    reason: failure.as_ref().map(|f| f.reason),
                    retryable: failure.as_ref().is_none_or(|f| !f.reason.is_final()),
                    count: 0,
                    organizations: Vec::new(),
                    numbers: Vec::new(),
                },
                HashMap::new(),
            ));
            groups.len() - 1
        });
        let (_, group, organizations) = &mut groups[at];
        group.count += 1;
        if group.numbers.len() < GROUP_NUMBERS_MAX {
            group.numbers.push(row.number);
        }
        organizations
            .entry(row.organization.id)
            .or_insert_with(|| (row.organization.clone(), 0))
            .1 += 1;
    }
    let mut groups: Vec<ErrorGroup> = groups
        .into_iter()
        .map(|(_, mut group, organizations)| {
            let mut organizations: Vec<GroupOrganization> = organizations
                .into_values()
                .map(|(organization, count)| GroupOrganization {
                    organization,
                    count,
                })
                .collect();
            organizations.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| a.organization.name.cmp(&b.organization.name))
            });
            group.organizations = organizations;
            group
        })
        .collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.error.cmp(&b.error)));
    ErrorTriage {
        since,
        total,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::VendorRef;
    use crate::domain::{ActivationStatus, Kopecks, Vendor};

    fn errored(number: i64, org: i64, error: &str) -> ActivationSummary {
        ActivationSummary {
            number,
            organization: OrgRef {
                id: org,
                name: format!("org {org}"),
                inn: String::new(),
            },
            status: ActivationStatus::Error,
            vendor: VendorRef::from(Vendor::PayKiosk),
            license_count: 1,
            total_cost: Kopecks(290_000),
            created_at: Utc::now(),
            completed_at: None,
            failure: ActivationFailure::recognize(error),
            error: Some(error.into()),
        }
    }

    #[test]
    fn texts_that_differ_only_by_serial_are_one_group_and_final_reasons_are_not_retryable() {
        let gone = |serial: &str| {
            FailureReason::Deregistered
                .template(Lang::Ru)
                .replace("{0}", serial)
        };
        let down = FailureReason::Unavailable
            .template(Lang::Ru)
            .replace("{0}", "0239110138900130");
        let rows = vec![
            errored(5, 1, &gone("0239110138900130")),
            errored(4, 2, &gone("0239110138900131")),
            errored(3, 2, &gone("0239110138900132")),
            errored(2, 1, &down),
            errored(1, 1, "something else"),
        ];
        let triage = group(rows, Utc::now());
        assert_eq!(triage.total, 5);
        assert_eq!(triage.groups.len(), 3);
        let first = &triage.groups[0];
        assert_eq!(
            (first.count, first.retryable, first.numbers.clone()),
            (3, false, vec![5, 4, 3])
        );
        assert!(first.error.contains('…') && !first.error.contains("0239"));
        assert_eq!(first.organizations[0].organization.id, 2);
        assert_eq!(first.organizations[0].count, 2);
        assert!(triage.groups[1..].iter().all(|g| g.retryable));
    }
}
