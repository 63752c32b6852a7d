//! OpenAPI of many rows at once (issue 16 b; docs/DESIGN.md §4.9): the bulk retry, the
//! bulk unbind and the triage of errors. Bounds come from the wire module's own constants.

use super::{
    BAD_BODY, REPLAYED, authed_get, authed_post, idempotency_header, ok_response, schema_ref,
};
use crate::client::bulk::{BULK_MAX, GROUP_NUMBERS_MAX};
use crate::client::wire::API_PREFIX;
use crate::domain::FailureReason;
use serde_json::{Map, Value, json};

/// `since`: 1–2208 hours or 1–92 days back, a date, or an RFC 3339 moment
/// (`routes_bulk::parse_since`).
const SINCE_PATTERN: &str = r"^(([1-9]|[1-9][0-9]|[1-9][0-9][0-9]|1[0-9]{3}|2[01][0-9]{2}|220[0-8])h|([1-9]|[1-8][0-9]|9[0-2])d|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])|[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))$";

pub fn schemas() -> Map<String, Value> {
    let id = json!({"type": "integer", "format": "int64"});
    let reasons: Vec<Value> = FailureReason::ALL
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    let schemas = json!({
        "BulkRetryRequest": {
            "type": "object", "required": ["numbers"],
            "properties": {"numbers": {"type": "array", "minItems": 1, "maxItems": BULK_MAX,
                                       "items": {"type": "integer", "format": "int64", "minimum": 1}}}
        },
        "BulkRetryResponse": {
            "type": "object", "required": ["results"],
            "properties": {"results": {"type": "array", "description": "One per number, in the order given", "items": {
                "type": "object", "required": ["number", "outcome"],
                "properties": {
                    "number": id,
                    "outcome": {"type": "string", "enum": ["retried", "refused"]},
                    "activation": schema_ref("ActivationSummary"),
                    "error": {"type": "object", "required": ["code", "message"],
                              "description": "Why this number was refused: what the single retry would have answered (not_found, conflict)",
                              "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
                }
            }}}
        },
        "BulkUnbindRequest": {
            "type": "object", "required": ["seats"],
            "properties": {"seats": {"type": "array", "minItems": 1, "maxItems": BULK_MAX,
                                     "items": {"type": "integer", "format": "int64", "minimum": 1}}}
        },
        "BulkUnbindResponse": {
            "type": "object", "required": ["results"],
            "properties": {"results": {"type": "array", "description": "One per seat id, in the order given", "items": {
                "type": "object", "required": ["seat_id", "outcome"],
                "properties": {
                    "seat_id": id,
                    "outcome": {"type": "string", "enum": ["unbound", "refused"]},
                    "seat": schema_ref("Seat"),
                    "error": {"type": "object", "required": ["code", "message"],
                              "description": "Why this seat was refused: what the single unbind would have answered (not_found for an unknown seat or another organization's, conflict for one not bound)",
                              "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
                }
            }}}
        },
        "ErrorTriage": {
            "type": "object", "required": ["since", "total", "groups"],
            "properties": {
                "since": {"type": "string", "format": "date-time"},
                "total": {"type": "integer", "minimum": 0},
                "groups": {"type": "array", "description": "Largest first", "items": {
                    "type": "object",
                    "required": ["error", "reason", "retryable", "count", "organizations", "numbers"],
                    "properties": {
                        "error": {"type": "string", "description": "The error text with the serial shown as …, in the client's language"},
                        "reason": {"type": "string", "nullable": true, "enum": reasons},
                        "retryable": {"type": "boolean", "description": "false when the registry refused for good: a retry fails again"},
                        "count": {"type": "integer", "minimum": 1},
                        "organizations": {"type": "array", "items": {"type": "object", "required": ["id", "name", "inn", "count"],
                            "properties": {"id": id, "name": {"type": "string"}, "inn": {"type": "string"}, "count": {"type": "integer"}}}},
                        "numbers": {"type": "array", "maxItems": GROUP_NUMBERS_MAX, "items": id,
                                    "description": "The group's activation numbers, newest first"}
                    }
                }}
            }
        }
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn paths(paths: &mut Map<String, Value>) {
    paths.insert(
        format!("{API_PREFIX}/activations/retry"),
        authed_post(
            "Queue up to 100 activations in error again in one request (admin, support)",
            json!([idempotency_header(REPLAYED)]),
            Some("BulkRetryRequest"),
            &[(
                "200",
                ok_response(
                    "One answer per number: retried (with the activation) or refused (with the reason); one transaction",
                    schema_ref("BulkRetryResponse"),
                ),
            )],
            &[
                ("400", BAD_BODY),
                ("403", "The token's role may not retry (`forbidden`)"),
                (
                    "422",
                    "The Idempotency-Key was used with another request (`unprocessable`)",
                ),
            ],
        ),
    );
    paths.insert(
        format!("{API_PREFIX}/seats/unbind"),
        authed_post(
            "Free up to 100 bound seats in one request (admin)",
            json!([idempotency_header(REPLAYED)]),
            Some("BulkUnbindRequest"),
            &[(
                "200",
                ok_response(
                    "One answer per seat: unbound (with the seat, free) or refused (with the reason); one transaction, each unbind audited as `seat.unbound`",
                    schema_ref("BulkUnbindResponse"),
                ),
            )],
            &[
                ("400", BAD_BODY),
                ("403", "The token's role may not unbind seats (`forbidden`)"),
                (
                    "422",
                    "The Idempotency-Key was used with another request (`unprocessable`)",
                ),
            ],
        ),
    );
    let mut triage = authed_get(
        "Errored activations of a period grouped by error text, with counts and organizations",
        json!([
            {"name": "since", "in": "query", "required": false,
             "description": "Hours or days back (24h, 7d; at most 92 days), a date (its first second UTC) or an RFC 3339 moment (an older one counts from 92 days back: the answer's `since` says where the period starts); default 24h. An activation counts when it was ordered or failed (its `activation.failed` record) in the period",
             "schema": {"type": "string", "default": "24h", "examples": ["24h", "7d", "2026-11-01"],
                        "pattern": SINCE_PATTERN}},
            {"name": "organization", "in": "query", "required": false,
             "description": "Only this organization (404 outside the token's)",
             "schema": {"type": "integer", "format": "int64"}}
        ]),
        ok_response("The groups", schema_ref("ErrorTriage")),
        &[
            (
                "400",
                "since or organization is not one the portal accepts (`bad_request`)",
            ),
            (
                "404",
                "The organization is not among the token's (`not_found`)",
            ),
        ],
    );
    triage["get"]["description"] = json!(
        "Scoped to the token's organizations. Read from the status-and-date index: only the period's errored rows are read."
    );
    paths.insert(format!("{API_PREFIX}/activations/errors"), triage);
}
