//! Handlers of the activity log (`GET /events`) and one serial's story
//! (`GET /serials/{serial}`), issue 16; docs/DESIGN.md §4.8. Like `routes`: parse,
//! scope, ask the store, answer.

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::params::{last, organization_param};
use super::routes::{Pairs, pairs};
use super::store::{EventCursor, EventFilter, events};
use crate::client::events::{
    ACTIONS, EVENTS_DEFAULT_PER_PAGE, EVENTS_MAX_PER_PAGE, EventPage, OBJECT_KINDS,
};
use crate::client::serials::SerialStory;
use crate::client::wire::{API_PREFIX, Role};
use crate::domain::Serial;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};

/// Longest `actor` filter: an account's e-mail or a token's label fits.
const MAX_ACTOR: usize = 254;

pub fn add(router: Router<AppState>) -> Router<AppState> {
    let at = |path: &str| format!("{API_PREFIX}{path}");
    router
        .route(&at("/events"), get(list_events))
        .route(&at("/serials/{serial}"), get(serial_story))
}

/// One serial's story: the device (as the precheck shows it to any token), every
/// activation line with it in the token's organizations (an operator's: all) with its
/// status, error and history. 404 when neither the registry nor those lines know it.
async fn serial_story(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<SerialStory>, ApiError> {
    let Path(raw) = path.map_err(|e| bad(format!("unreadable serial: {e}")))?;
    let serial = Serial::parse(raw.trim())
        .map_err(|e| bad(format!("serial {}: {e}", shown(&raw))))?
        .to_string();
    let scope = match caller.role {
        Role::Operator => None,
        _ => Some(caller.organization_ids()),
    };
    let story = state.store.serial_story(serial.clone(), scope).await?;
    if story.device.is_none() && story.lines.is_empty() {
        return Err(ApiError::NotFound(format!("serial {serial} not found")));
    }
    Ok(Json(story))
}

/// Every audited change the token may see: its organizations' (an operator's: all),
/// filtered, newest first, one keyset page at a time.
async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Json<EventPage>, ApiError> {
    let pairs = pairs(query)?;
    let organization = organization_param(&pairs)?;
    // The vendor's operator sees every organization's history, those created after
    // its token too; everyone else only its own organizations' (404 outside them).
    let scope = match (caller.role, organization) {
        (Role::Operator, None) => None,
        (Role::Operator, Some(id)) => Some(vec![id]),
        (_, organization) => Some(caller.organization_scope(organization)?),
    };
    let filter = parse(&pairs, scope)?;
    Ok(Json(state.store.events(filter).await?))
}

fn bad(message: String) -> ApiError {
    ApiError::BadRequest(message)
}

/// The filters of `GET /events`, each bad value a 400 naming the parameter and what is
/// allowed (docs/DESIGN.md §4.4's rules: unknown parameters ignored, the last of a
/// repeated one kept, an empty value absent).
pub fn parse(pairs: &[(String, String)], scope: Option<Vec<i64>>) -> Result<EventFilter, ApiError> {
    let get = |name: &str| last(pairs, name);
    let actor = get("actor")
        .map(|actor| {
            super::routes_licensing::printable("actor", actor, MAX_ACTOR)
                .map(|()| actor.to_string())
        })
        .transpose()?;
    let action = get("action")
        .map(|action| {
            ACTIONS
                .iter()
                .find(|known| **known == action)
                .map(|known| known.to_string())
                .ok_or_else(|| {
                    bad(format!(
                        "action must be one of {} (got {})",
                        ACTIONS.join(", "),
                        shown(action)
                    ))
                })
        })
        .transpose()?;
    let object_kind = get("object_kind")
        .map(|kind| {
            OBJECT_KINDS
                .iter()
                .find(|known| **known == kind)
                .map(|known| known.to_string())
                .ok_or_else(|| {
                    bad(format!(
                        "object_kind must be one of {} (got {})",
                        OBJECT_KINDS.join(", "),
                        shown(kind)
                    ))
                })
        })
        .transpose()?;
    let from = get("from")
        .map(|raw| moment("from", raw, false))
        .transpose()?;
    let to = get("to").map(|raw| moment("to", raw, true)).transpose()?;
    if let (Some(from), Some(to)) = (&from, &to)
        && from >= to
    {
        return Err(bad(format!(
            "from must be before to (got from {from}, to {to})"
        )));
    }
    let per_page = match get("per_page") {
        None => EVENTS_DEFAULT_PER_PAGE,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=EVENTS_MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                bad(format!(
                    "per_page must be a whole number from 1 to {EVENTS_MAX_PER_PAGE} (got {})",
                    shown(raw)
                ))
            })?,
    };
    let cursor = get("cursor")
        .map(|raw| {
            EventCursor::decode(raw).ok_or_else(|| {
                bad(format!(
                    "cursor {} was not handed out by this portal: pass the `next` of a page of GET /events",
                    shown(raw)
                ))
            })
        })
        .transpose()?;
    Ok(EventFilter {
        scope,
        actor,
        action,
        object_kind,
        from,
        to,
        per_page,
        cursor,
    })
}

/// A bound as the store writes moments: RFC 3339 (any offset), or a date, UTC — the
/// start of that day for `from`, the start of the next for `to`, so `to=2026-11-30`
/// includes the 30th.
fn moment(name: &str, raw: &str, end: bool) -> Result<String, ApiError> {
    let refuse = || {
        bad(format!(
            "{name} must be a date (2026-11-30) or a moment in RFC 3339 (2026-11-30T13:45:00Z) (got {})",
            shown(raw)
        ))
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(events::bound(at.with_timezone(&Utc)));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| refuse())?;
    let day = if end {
        day.succ_opt().ok_or_else(refuse)?
    } else {
        day
    };
    let start = day.and_hms_opt(0, 0, 0).ok_or_else(refuse)?.and_utc();
    Ok(events::bound(start))
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

    fn parsed(query: &[(&str, &str)]) -> Result<EventFilter, String> {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&pairs, Some(vec![1])).map_err(|e| e.to_string())
    }

    #[test]
    fn dates_cover_whole_days_and_moments_are_normalised() {
        let f = parsed(&[("from", "2026-11-01"), ("to", "2026-11-30")]).expect("dates");
        assert_eq!(f.from.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(f.to.as_deref(), Some("2026-12-01T00:00:00Z"));
        let f = parsed(&[("from", "2026-11-30T15:00:00+03:00")]).expect("moment");
        assert_eq!(f.from.as_deref(), Some("2026-11-30T12:00:00Z"));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (query, named) in [
            (("action", "seat.stolen"), "action must be one of"),
            (("object_kind", "device"), "object_kind must be one of"),
            (("from", "yesterday"), "from must be a date"),
            (("per_page", "1000"), "per_page must be"),
            (("cursor", "abc"), "cursor abc was not handed out"),
            (("actor", "a\u{7}b"), "actor"),
        ] {
            let error = parsed(&[query]).expect_err("refused");
            assert!(error.contains(named), "{query:?}: {error}");
        }
        let error = parsed(&[("from", "2026-11-30"), ("to", "2026-11-01")]).expect_err("order");
        assert!(error.contains("from must be before to"), "{error}");
    }
}
