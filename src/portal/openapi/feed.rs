//! OpenAPI path and schemas of the change feed (`GET /changes`). Limits and kinds come
//! from the wire module's own constants.

use super::{authed_get, ok_response, schema_ref};
use crate::client::feed::{CURSOR_GONE_CODE, FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, ObjectKind};
use crate::client::wire::API_PREFIX;
use crate::domain::{ActivationStatus, Vendor};
use serde_json::{Map, Value, json};

const KINDS: [ObjectKind; 9] = [
    ObjectKind::Organization,
    ObjectKind::Product,
    ObjectKind::Price,
    ObjectKind::Activation,
    ObjectKind::Seat,
    ObjectKind::Capacity,
    ObjectKind::Invoice,
    ObjectKind::Device,
    ObjectKind::Event,
];

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

/// `{"<variant>": <schema>}`: serde's form of one `Change` variant.
fn variant(name: &str, schema: Value) -> Value {
    json!({"type": "object", "required": [name], "additionalProperties": false,
           "properties": {name: schema}})
}

pub fn schemas() -> Map<String, Value> {
    let id = json!({"type": "integer", "format": "int64"});
    let date = json!({"type": "string", "format": "date"});
    let nullable_date = json!({"type": "string", "format": "date", "nullable": true});
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let kopecks = json!({"type": "integer", "format": "int64", "description": "Integer kopecks"});
    let count = json!({"type": "integer", "minimum": 0});
    let vendor = json!({"type": "string", "enum": Vendor::ALL.map(Vendor::id)});
    let schemas = json!({
        "ChangeFeed": object(
            &["epoch", "changes", "cursor", "more"],
            json!({
                "epoch": {"type": "string", "description": "Identifies the store; a mirror synced from another epoch starts over"},
                "changes": {"type": "array", "items": schema_ref("Change"),
                            "description": "Each object at most once, in its current state, in the order of its latest change"},
                "cursor": {"type": "integer", "format": "int64", "minimum": 0,
                           "description": "Pass as `since` next time"},
                "more": {"type": "boolean", "description": "More changes were already waiting beyond `cursor`"},
                "window_head": {"type": "integer", "format": "int64", "minimum": 0,
                                "description": "With window_from: the seq the window ends at; send it back as window_head on the next pages"}
            }),
        ),
        "Change": {
            "description": "A created or updated object (its whole current state), or a deleted one",
            "oneOf": [
                variant("organization", schema_ref("Organization")),
                variant("product", schema_ref("ProductRef")),
                variant("price", schema_ref("PriceRecord")),
                variant("activation", schema_ref("ActivationRecord")),
                variant("seat", schema_ref("SeatRecord")),
                variant("capacity", schema_ref("CapacityRecord")),
                variant("invoice", schema_ref("InvoiceRecord")),
                variant("device", schema_ref("DeviceRecord")),
                variant("event", schema_ref("Event")),
                variant("deleted", schema_ref("DeletedRecord"))
            ]
        },
        "PriceRecord": object(
            &["id", "vendor", "model", "price", "retail_price"],
            json!({"id": id, "vendor": vendor, "model": {"type": "string"},
                   "price": kopecks, "retail_price": kopecks}),
        ),
        "ActivationRecord": object(
            &["number", "organization", "status", "vendor", "created_at", "lines"],
            json!({
                "number": id, "organization": id,
                "status": {"type": "string", "enum": ActivationStatus::ALL.map(ActivationStatus::as_api)},
                "vendor": vendor, "created_at": date_time,
                "completed_at": {"type": "string", "format": "date-time", "description": "Absent until done"},
                "error": {"type": "string", "description": "Absent unless status is error"},
                "lines": {"type": "array", "items": schema_ref("ActivationLine"), "description": "By serial"}
            }),
        ),
        "SeatRecord": object(
            &["id", "organization", "product", "valid_from", "valid_until"],
            json!({"id": id, "organization": id, "product": {"type": "string"},
                   "email": {"type": "string", "description": "Absent on a free seat"},
                   "valid_from": date, "valid_until": date}),
        ),
        "CapacityRecord": object(
            &["organization", "product", "support_until", "accounts_max", "external_connections_max", "max_raised_at", "emergency"],
            json!({"organization": id, "product": {"type": "string"},
                   "support_until": nullable_date, "accounts_max": count, "external_connections_max": count,
                   "max_raised_at": nullable_date_time,
                   "emergency": {"type": "array", "items": schema_ref("EmergencyRecord"), "description": "By id"}}),
        ),
        "DeviceRecord": object(
            &["organization", "serial", "model", "vendor", "subscription_until"],
            json!({"organization": id, "serial": {"type": "string", "pattern": "^[0-9]{16}$"},
                   "model": {"type": "integer", "format": "int64", "description": "The id of the model's PriceRecord"},
                   "vendor": vendor, "subscription_until": date}),
        ),
        "EmergencyRecord": object(
            &["id", "requested_at", "valid_from", "valid_until", "accounts"],
            json!({"id": id, "requested_at": date_time, "valid_from": date, "valid_until": date,
                   "accounts": {"type": "integer", "minimum": 1}}),
        ),
        "DeletedRecord": object(
            &["object", "key"],
            json!({"object": {"type": "string", "enum": KINDS.map(ObjectKind::as_str)},
                   "key": {"type": "string", "description": "The id as text (\"17\"), or \"ORG:PRODUCT\" for capacity, \"ORG:SERIAL\" for a device"}}),
        ),
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn paths(paths: &mut Map<String, Value>) {
    paths.insert(
        format!("{API_PREFIX}/changes"),
        authed_get(
            "The change feed for a mirror: what the token sees that changed after a cursor, each object once in its current state",
            json!([
                {"name": "since", "in": "query", "required": false,
                 "description": "The cursor of the previous answer; 0 (the default) is a full sync",
                 "schema": {"type": "integer", "format": "int64", "minimum": 0, "default": 0}},
                {"name": "limit", "in": "query", "required": false,
                 "description": "Most changes in one answer",
                 "schema": {"type": "integer", "minimum": 1, "maximum": FEED_MAX_LIMIT, "default": FEED_DEFAULT_LIMIT}},
                {"name": "window_from", "in": "query", "required": false,
                 "description": "A windowed full sync: of the activations recorded up to the window's head, only those created from this time on or not done are sent; everything else whole. A date (midnight UTC) or an RFC 3339 time",
                 "schema": {"type": "string", "examples": ["2026-09-30", "2026-09-30T00:00:00Z"]}},
                {"name": "window_head", "in": "query", "required": false,
                 "description": "The `window_head` of the sync's first answer; changes after it come whatever their age. Needs window_from",
                 "schema": {"type": "integer", "format": "int64", "minimum": 0}}
            ]),
            ok_response("One page of changes", schema_ref("ChangeFeed")),
            &[
                ("400", "since, limit, window_from or window_head out of range; the message names it (`bad_request`)"),
                ("410", &format!("The cursor is from another store or older than the kept history: start over with since=0 (`{CURSOR_GONE_CODE}`)")),
            ],
        ),
    );
}
