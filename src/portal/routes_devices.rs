//! Handlers of the device list (`GET /devices`, `GET /devices/totals`; issue 16 part A,
//! docs/DESIGN.md §4.8): parse, scope, ask the store, answer. The parser is shared
//! with the mirror (`Replica::devices`), so a list from the mirror is the portal's.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::params::{last, organization_param};
use super::routes::{Pairs, pairs};
use super::store::devices::{DeviceCursor, DeviceFilter, DeviceSort};
use crate::client::devices::{
    DEVICE_SORTS, DEVICES_DEFAULT_PER_PAGE, DEVICES_MAX_PER_PAGE, DEVICES_PAGE_DEPTH, DevicePage,
    DeviceTotals,
};
use crate::client::wire::{API_PREFIX, Role};
use crate::domain::Vendor;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/devices"), get(list_devices))
        .route(&at("/devices/totals"), get(device_totals))
}

/// The filter of a request: its organizations (an operator's: all; 404 outside the
/// token), then the parameters.
async fn filter_of(
    state: &AppState,
    caller: &Caller,
    query: Pairs,
    paged: bool,
) -> Result<DeviceFilter, ApiError> {
    let mut pairs = pairs(query)?;
    if !paged {
        // The totals take the list's filters; a page number means nothing to them.
        pairs.retain(|(name, _)| name != "page");
    }
    let organization = organization_param(&pairs)?;
    let scope = match (caller.role, organization) {
        (Role::Operator, None) => None,
        (Role::Operator, Some(id)) => Some(vec![id]),
        (_, organization) => Some(caller.organization_scope(organization)?),
    };
    let models: Vec<String> = state
        .store
        .prices()
        .await?
        .into_iter()
        .map(|p| p.model)
        .collect();
    parse(&pairs, scope, &models)
}

/// The devices the token's organizations activated, by time left (or serial), one
/// keyset page at a time (or by page number near the start).
async fn list_devices(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<DevicePage>, ApiError> {
    let filter = filter_of(&state, &caller, query, true).await?;
    Ok(Json(state.store.devices(filter).await?))
}

/// What renewing the filter's devices costs today, per organization and vendor.
async fn device_totals(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<DeviceTotals>, ApiError> {
    let filter = filter_of(&state, &caller, query, false).await?;
    Ok(Json(state.store.device_totals(filter).await?))
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

/// The filters of `GET /devices`, each bad value a 400 naming the parameter and what is
/// allowed (docs/DESIGN.md §4.4's rules: unknown parameters ignored, the last of a
/// repeated one kept, an empty value absent). `models`: the catalog's model names.
pub fn parse(
    pairs: &[(String, String)],
    scope: Option<Vec<i64>>,
    models: &[String],
) -> Result<DeviceFilter, ApiError> {
    let get = |name: &str| last(pairs, name);
    let vendor = get("vendor")
        .map(|raw| {
            raw.parse::<Vendor>().map_err(|_| {
                bad(format!(
                    "vendor must be one of pay-kiosk, pp-electro (got {})",
                    shown(raw)
                ))
            })
        })
        .transpose()?;
    let model = get("model")
        .map(|raw| {
            models
                .iter()
                .find(|known| known.as_str() == raw)
                .cloned()
                .ok_or_else(|| {
                    bad(format!(
                        "model must be one of {} (got {})",
                        models.join(", "),
                        shown(raw)
                    ))
                })
        })
        .transpose()?;
    let date = |name: &str| {
        get(name)
            .map(|raw| {
                NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .map_err(|_| {
                        bad(format!(
                            "{name} must be a date like 2026-12-31 (got {})",
                            shown(raw)
                        ))
                    })
            })
            .transpose()
    };
    let ending_before = date("ending_before")?;
    let ending_after = date("ending_after")?;
    let serial_prefix = get("q")
        .map(|raw| {
            if raw.len() <= 16 && raw.bytes().all(|b| b.is_ascii_digit()) {
                Ok(raw.to_string())
            } else {
                Err(bad(format!(
                    "q must be a serial or its first digits (1 to 16 digits) (got {})",
                    shown(raw)
                )))
            }
        })
        .transpose()?;
    let (sort, descending) = match get("sort") {
        None => (DeviceSort::Until, false),
        Some(raw) => {
            let (descending, name) = match raw.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, raw),
            };
            let sort = match name {
                "subscription_until" => DeviceSort::Until,
                "serial" => DeviceSort::Serial,
                _ => {
                    return Err(bad(format!(
                        "sort must be one of {}, with - before it for descending (got {})",
                        DEVICE_SORTS.join(", "),
                        shown(raw)
                    )));
                }
            };
            (sort, descending)
        }
    };
    let per_page = match get("per_page") {
        None => DEVICES_DEFAULT_PER_PAGE,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=DEVICES_MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                bad(format!(
                    "per_page must be a whole number from 1 to {DEVICES_MAX_PER_PAGE} (got {})",
                    shown(raw)
                ))
            })?,
    };
    let cursor = get("cursor")
        .map(|raw| {
            DeviceCursor::decode(raw)
                .filter(|c| c.sort == sort && c.descending == descending)
                .ok_or_else(|| {
                    bad(format!(
                        "cursor {} was not handed out by this portal for this sort: pass the `next` of a page of GET /devices",
                        shown(raw)
                    ))
                })
        })
        .transpose()?;
    // A cursor wins over `page` (as on the activation list): it knows its page.
    let page = match (&cursor, get("page")) {
        (Some(cursor), _) => cursor.page,
        (None, None) => 1,
        (None, Some(raw)) => page_number(raw, per_page)?,
    };
    Ok(DeviceFilter {
        scope,
        vendor,
        model,
        ending_before,
        ending_after,
        serial_prefix,
        sort,
        descending,
        per_page,
        page,
        cursor,
    })
}

/// `page`: a whole number from 1 whose first row lies at most `DEVICES_PAGE_DEPTH`
/// rows in; a deeper one is a 400 naming the bound and the way there.
fn page_number(raw: &str, per_page: u32) -> Result<u32, ApiError> {
    let page = raw.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        bad(format!(
            "page must be a whole number from 1 (got {})",
            shown(raw)
        ))
    })?;
    let skipped = u64::from(page - 1) * u64::from(per_page);
    if skipped > DEVICES_PAGE_DEPTH {
        return Err(bad(format!(
            "page {page} starts {skipped} rows into the list; page numbers reach the first {DEVICES_PAGE_DEPTH} rows: follow the next cursor of GET /devices, or narrow the filters"
        )));
    }
    Ok(page)
}

/// A rejected value, cut so a huge one cannot flood the message.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 40;
    if value.chars().count() > MAX_CHARS {
        format!("{}…", value.chars().take(MAX_CHARS).collect::<String>())
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(query: &[(&str, &str)]) -> Result<DeviceFilter, String> {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&pairs, Some(vec![1]), &["aQsi 5".to_string()]).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_sort_by_time_left() {
        let f = parsed(&[]).expect("defaults");
        assert_eq!(
            (f.sort, f.descending, f.per_page, f.page),
            (DeviceSort::Until, false, 25, 1)
        );
        let f = parsed(&[("page", "3"), ("per_page", "50")]).expect("page");
        assert_eq!((f.page, f.offset()), (3, 100));
        let f = parsed(&[("sort", "-serial"), ("model", "aQsi 5")]).expect("sort");
        assert_eq!((f.sort, f.descending), (DeviceSort::Serial, true));
        assert_eq!(f.model.as_deref(), Some("aQsi 5"));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (query, named) in [
            (("vendor", "acme"), "vendor must be one of"),
            (("model", "Nokia"), "model must be one of aQsi 5"),
            (
                ("ending_before", "tomorrow"),
                "ending_before must be a date",
            ),
            (
                ("ending_after", "2026-02-30"),
                "ending_after must be a date",
            ),
            (("q", "15ab"), "q must be a serial"),
            (
                ("sort", "price"),
                "sort must be one of subscription_until, serial",
            ),
            (("per_page", "0"), "per_page must be"),
            (("cursor", "abc"), "cursor abc was not handed out"),
            (("page", "0"), "page must be a whole number from 1"),
            (("page", "x"), "page must be a whole number from 1"),
            (
                ("page", "402"),
                "page 402 starts 10025 rows into the list; page numbers reach the first 10000 rows: follow the next cursor",
            ),
        ] {
            let error = parsed(&[query]).expect_err("refused");
            assert!(error.contains(named), "{query:?}: {error}");
        }
    }

    #[test]
    fn a_cursor_of_another_sort_is_refused() {
        let cursor = DeviceCursor {
            sort: DeviceSort::Serial,
            descending: false,
            until: "2026-12-01".into(),
            serial: "1520000000000001".into(),
            organization: 1,
            page: 4,
        }
        .encode();
        let error = parsed(&[("cursor", &cursor)]).expect_err("another sort");
        assert!(error.contains("for this sort"), "{error}");
        let f = parsed(&[("cursor", &cursor), ("sort", "serial"), ("page", "9")]).expect("cursor");
        assert_eq!(
            (f.page, f.offset()),
            (4, 0),
            "the cursor wins, and knows its page"
        );
        // The deepest page a number reaches: its first row is the 10 001st.
        assert!(parsed(&[("page", "401")]).is_ok());
    }
}
