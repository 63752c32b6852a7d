//! Query-string and path parsing with named 400 errors. Parsed by hand (not with
//! serde) so every bad value gets a message naming the parameter and what is allowed.

use super::error::ApiError;
use super::store::{ActivationFilter, PageCursor, TextSearch};
use crate::client::feed::{FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, FeedWindow};
use crate::client::wire::{
    ActivationSort, ActivationSortKey, DEFAULT_PER_PAGE, PAGE_SIZES, SeatQuery, SeatSortKey,
    SeatStatus,
};
use crate::domain::{ActivationStatus, Vendor};
use chrono::{DateTime, NaiveDate, Utc};

/// `GET /activations` parameters, validated; the organization is not yet checked
/// against the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationListParams {
    pub organization: Option<i64>,
    pub status: Option<ActivationStatus>,
    pub vendor: Option<Vendor>,
    pub search: Option<TextSearch>,
    pub sort: ActivationSort,
    pub page: u32,
    pub per_page: u32,
    pub cursor: Option<PageCursor>,
}

/// Shows a rejected value without letting a huge one flood the message.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 40;
    if value.chars().count() > MAX_CHARS {
        format!("{}…", value.chars().take(MAX_CHARS).collect::<String>())
    } else {
        value.to_string()
    }
}

fn join<T: ToString>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every accepted `sort` value, ascending then descending per key.
pub fn sort_values() -> Vec<String> {
    ActivationSortKey::ALL
        .into_iter()
        .flat_map(|key| {
            [false, true].map(|descending| ActivationSort { key, descending }.to_param())
        })
        .collect()
}

impl ActivationListParams {
    /// The store's filter for these parameters within `organizations` (the caller's
    /// scope, already narrowed by the `organization` parameter).
    pub fn into_filter(self, organizations: Vec<i64>) -> ActivationFilter {
        ActivationFilter {
            organizations,
            status: self.status,
            vendor: self.vendor,
            search: self.search,
            sort: self.sort,
            page: self.page,
            per_page: self.per_page,
            cursor: self.cursor,
        }
    }

    /// Unknown parameters are ignored; a repeated one keeps its last value; an empty
    /// value means "not given" (what an HTML form sends for an unset filter).
    pub fn parse(pairs: &[(String, String)]) -> Result<ActivationListParams, ApiError> {
        let get = |name: &str| last(pairs, name);
        let organization = organization_param(pairs)?;
        let status = get("status")
            .map(|raw| {
                raw.parse::<ActivationStatus>().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "status must be one of {} (got {})",
                        join(ActivationStatus::ALL.map(ActivationStatus::as_api)),
                        shown(raw)
                    ))
                })
            })
            .transpose()?;
        let vendor = get("vendor")
            .map(|raw| {
                raw.parse::<Vendor>().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "vendor must be one of {} (got {})",
                        join(Vendor::ALL.map(Vendor::id)),
                        shown(raw)
                    ))
                })
            })
            .transpose()?;
        let search = get("q").map(|q| {
            if q.bytes().all(|b| b.is_ascii_digit()) {
                TextSearch::NumberOrSerialPrefix(q.to_string())
            } else {
                TextSearch::Nothing
            }
        });
        let sort = match get("sort") {
            None => ActivationSort::default(),
            Some(raw) => ActivationSort::parse(raw).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "sort must be one of {} (got {})",
                    sort_values().join(", "),
                    shown(raw)
                ))
            })?,
        };
        let (page, per_page) = page_params(pairs)?;
        let cursor = get("cursor")
            .map(|raw| {
                let cursor = PageCursor::decode(raw).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "cursor is not one this portal handed out (got {})",
                        shown(raw)
                    ))
                })?;
                if cursor.sort != sort {
                    return Err(ApiError::BadRequest(format!(
                        "cursor was handed out for sort {}, not {}",
                        cursor.sort.to_param(),
                        sort.to_param()
                    )));
                }
                Ok(cursor)
            })
            .transpose()?;
        Ok(ActivationListParams {
            organization,
            status,
            vendor,
            search,
            sort,
            page,
            per_page,
            cursor,
        })
    }
}

/// The last non-empty value of a query parameter, trimmed.
pub fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty())
}

/// `page` and `per_page`, shared by every paged list.
pub fn page_params(pairs: &[(String, String)]) -> Result<(u32, u32), ApiError> {
    let page = match last(pairs, "page") {
        None => 1,
        Some(raw) => raw.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "page must be a whole number from 1 (got {})",
                shown(raw)
            ))
        })?,
    };
    let per_page = match last(pairs, "per_page") {
        None => DEFAULT_PER_PAGE,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|size| PAGE_SIZES.contains(size))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "per_page must be one of {} (got {})",
                    join(PAGE_SIZES),
                    shown(raw)
                ))
            })?,
    };
    Ok((page, per_page))
}

/// An optional numeric `organization` parameter.
pub fn organization_param(pairs: &[(String, String)]) -> Result<Option<i64>, ApiError> {
    last(pairs, "organization")
        .map(|raw| {
            raw.parse::<i64>().map_err(|_| {
                ApiError::BadRequest(format!(
                    "organization must be a numeric organization id (got {})",
                    shown(raw)
                ))
            })
        })
        .transpose()
}

/// Every accepted `sort` value of `GET /seats`.
pub fn seat_sort_values() -> Vec<String> {
    SeatSortKey::ALL
        .into_iter()
        .flat_map(|key| [false, true].map(|descending| key.to_param(descending)))
        .collect()
}

/// `GET /seats` parameters, parsed into the wire query the client sends (one type for
/// both ends); `product` is checked against the store by the handler, `q` is lower-cased.
pub fn parse_seat_query(pairs: &[(String, String)]) -> Result<SeatQuery, ApiError> {
    let status = last(pairs, "status")
        .map(|raw| {
            SeatStatus::ALL
                .into_iter()
                .find(|s| s.as_api() == raw)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "status must be one of {} (got {})",
                        join(SeatStatus::ALL.map(SeatStatus::as_api)),
                        shown(raw)
                    ))
                })
        })
        .transpose()?;
    let (sort, descending) = match last(pairs, "sort") {
        None => (SeatSortKey::Id, false),
        Some(raw) => SeatSortKey::parse_param(raw).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "sort must be one of {} (got {})",
                seat_sort_values().join(", "),
                shown(raw)
            ))
        })?,
    };
    let (page, per_page) = page_params(pairs)?;
    Ok(SeatQuery {
        organization: organization_param(pairs)?,
        product: last(pairs, "product").map(str::to_string),
        status,
        q: last(pairs, "q").map(str::to_lowercase),
        sort,
        descending,
        page,
        per_page,
    })
}

/// `GET /audit` parameters: the object (`kind:id`) and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditParams {
    pub kind: String,
    pub id: String,
    pub page: u32,
    pub per_page: u32,
}

/// Object kinds the audit log answers for.
pub const AUDIT_KINDS: [&str; 4] = ["activation", "seat", "organization", "key"];

impl AuditParams {
    pub fn parse(pairs: &[(String, String)]) -> Result<AuditParams, ApiError> {
        let object = last(pairs, "object").ok_or_else(|| {
            ApiError::BadRequest(
                "object is required: kind:id, e.g. activation:421, seat:17, organization:1, key:DB49-…"
                    .into(),
            )
        })?;
        let bad = || {
            ApiError::BadRequest(format!(
                "object must be kind:id with kind one of {} (got {})",
                AUDIT_KINDS.join(", "),
                shown(object)
            ))
        };
        let (kind, id) = object.split_once(':').ok_or_else(bad)?;
        if !AUDIT_KINDS.contains(&kind) || id.trim().is_empty() {
            return Err(bad());
        }
        let (page, per_page) = page_params(pairs)?;
        Ok(AuditParams {
            kind: kind.to_string(),
            id: id.trim().to_string(),
            page,
            per_page,
        })
    }
}

/// `GET /changes` parameters: the cursor to continue after and the page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedParams {
    pub since: i64,
    pub limit: u32,
    pub window: Option<FeedWindow>,
}

impl FeedParams {
    /// `since` defaults to 0 (a full sync), `limit` to [`FEED_DEFAULT_LIMIT`].
    pub fn parse(pairs: &[(String, String)]) -> Result<FeedParams, ApiError> {
        let since = match last(pairs, "since") {
            None => 0,
            Some(raw) => raw.parse::<i64>().ok().filter(|s| *s >= 0).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "since must be a cursor from an earlier answer, a whole number from 0 (got {})",
                    shown(raw)
                ))
            })?,
        };
        let limit = match last(pairs, "limit") {
            None => FEED_DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|l| (1..=FEED_MAX_LIMIT).contains(l))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "limit must be a whole number from 1 to {FEED_MAX_LIMIT} (got {})",
                        shown(raw)
                    ))
                })?,
        };
        let head = match last(pairs, "window_head") {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().ok().filter(|h| *h >= 0).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "window_head must be the window_head of an earlier answer, a whole number from 0 (got {})",
                    shown(raw)
                ))
            })?),
        };
        let window = match last(pairs, "window_from") {
            None if head.is_some() => {
                return Err(ApiError::BadRequest(
                    "window_head needs window_from (the start of the window)".into(),
                ));
            }
            None => None,
            Some(raw) => Some(FeedWindow {
                from: window_start(raw)?,
                head,
            }),
        };
        Ok(FeedParams {
            since,
            limit,
            window,
        })
    }
}

/// `window_from`: a date (`2026-09-30`, midnight UTC) or an RFC 3339 time.
fn window_start(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "window_from must be a date (2026-09-30) or an RFC 3339 time (got {})",
                shown(raw)
            ))
        })
}

/// The `{number}` path segment of `/activations/{number}`.
pub fn activation_number(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|number| *number >= 1)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "activation number must be a whole number from 1 (got {})",
                shown(raw)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn parse(query: &[(&str, &str)]) -> Result<ActivationListParams, String> {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ActivationListParams::parse(&pairs).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_full_query() {
        let p = parse(&[]).expect("empty query is fine");
        assert_eq!(
            (p.page, p.per_page, p.sort),
            (1, 25, ActivationSort::default())
        );
        let p = parse(&[
            ("organization", "2"),
            ("status", "in_progress"),
            ("vendor", "pp-electro"),
            ("q", "  0239 "),
            ("sort", "-total_cost"),
            ("page", "3"),
            ("per_page", "100"),
            ("unknown", "x"),
        ])
        .expect("valid query");
        assert_eq!(p.organization, Some(2));
        assert_eq!(p.status, Some(ActivationStatus::InProgress));
        assert_eq!(p.vendor, Some(Vendor::PpElectro));
        assert_eq!(
            p.search,
            Some(TextSearch::NumberOrSerialPrefix("0239".into()))
        );
        assert_eq!(p.sort.to_param(), "-total_cost");
        assert_eq!((p.page, p.per_page), (3, 100));
        assert_eq!(
            parse(&[("q", "abc")]).expect("text q").search,
            Some(TextSearch::Nothing)
        );
        assert_eq!(parse(&[("q", "   ")]).expect("blank q").search, None);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        assert_eq!(
            parse(&[("per_page", "7")]).unwrap_err(),
            "per_page must be one of 10, 25, 50, 100 (got 7)"
        );
        assert!(
            parse(&[("sort", "cost")])
                .unwrap_err()
                .starts_with("sort must be one of number, -number,")
        );
        assert!(
            parse(&[("status", "finished")])
                .unwrap_err()
                .starts_with("status must be one of done,")
        );
        assert!(
            parse(&[("vendor", "acme")])
                .unwrap_err()
                .starts_with("vendor must be one of pay-kiosk")
        );
        assert!(
            parse(&[("page", "0")])
                .unwrap_err()
                .starts_with("page must be")
        );
        assert!(
            parse(&[("page", "abc")])
                .unwrap_err()
                .starts_with("page must be")
        );
        assert!(
            parse(&[("organization", "abc")])
                .unwrap_err()
                .starts_with("organization must be")
        );
        assert!(activation_number("x1").is_err());
        assert_eq!(activation_number("40").ok(), Some(40));
    }

    #[test]
    fn feed_parameters_default_to_a_full_sync_and_name_bad_values() {
        let parse = |query: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            FeedParams::parse(&pairs).map_err(|e| e.to_string())
        };
        assert_eq!(
            parse(&[]),
            Ok(FeedParams {
                since: 0,
                limit: FEED_DEFAULT_LIMIT,
                window: None,
            })
        );
        assert_eq!(
            parse(&[("since", "417"), ("limit", "5000")]),
            Ok(FeedParams {
                since: 417,
                limit: 5000,
                window: None,
            })
        );
        let window_from = chrono::Utc
            .with_ymd_and_hms(2026, 9, 30, 0, 0, 0)
            .single()
            .expect("a time");
        for (raw, head) in [
            (&[("window_from", "2026-09-30")][..], None),
            (
                &[
                    ("window_from", "2026-09-30T03:00:00+03:00"),
                    ("window_head", "12"),
                ][..],
                Some(12),
            ),
        ] {
            assert_eq!(
                parse(raw).map(|p| p.window),
                Ok(Some(FeedWindow {
                    from: window_from,
                    head
                }))
            );
        }
        for (name, value) in [
            ("since", "-1"),
            ("since", "abc"),
            ("since", "1.5"),
            ("limit", "0"),
            ("limit", "5001"),
            ("limit", "-3"),
        ] {
            let error = parse(&[(name, value)]).expect_err(value);
            assert!(error.starts_with(&format!("{name} must be")), "{error}");
            assert!(error.ends_with(&format!("(got {value})")), "{error}");
        }
    }
}
