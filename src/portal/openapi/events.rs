//! OpenAPI of the activity log (`GET /events`) and `X-Request-Id` on every operation
//! (issue 16). Actions, kinds and bounds come from the wire module's own constants.

use super::{authed_get, ok_response, schema_ref};
use crate::client::events::{ACTIONS, EVENTS_DEFAULT_PER_PAGE, EVENTS_MAX_PER_PAGE, OBJECT_KINDS};
use crate::client::wire::API_PREFIX;
use crate::domain::ActivationStatus;
use serde_json::{Map, Value, json};

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

pub fn schemas() -> Map<String, Value> {
    let id = json!({"type": "integer", "format": "int64"});
    let schemas = json!({
        "Event": {
            "type": "object",
            "required": ["id", "at", "actor", "action", "object", "organization", "request_id", "before", "after"],
            "properties": {
                "id": id,
                "at": {"type": "string", "format": "date-time"},
                "actor": {"type": "string", "description": "The token's account label, or `worker`"},
                "action": {"type": "string", "enum": ACTIONS},
                "object": {"type": "string", "description": "kind:id — activation:421, seat:17, organization:1, key:DB49-…"},
                "organization": {"type": "object", "nullable": true, "required": ["id", "name"],
                                 "properties": {"id": id, "name": {"type": "string"}}},
                "request_id": {"type": "string", "nullable": true,
                               "description": "The X-Request-Id of the request that made the change; null for the worker's changes and older records"},
                "before": {"type": "object", "nullable": true},
                "after": {"type": "object", "nullable": true}
            }
        },
        "SerialStory": {
            "type": "object", "required": ["serial", "device", "lines"],
            "properties": {
                "serial": {"type": "string", "pattern": "^[0-9]{16}$"},
                "device": {"type": "object", "nullable": true, "required": ["vendor", "model", "subscription_until"],
                           "description": "The device in the vendor registry, as the precheck shows it",
                           "properties": {
                               "vendor": schema_ref("VendorRef"),
                               "model": {"type": "string"},
                               "subscription_until": {"type": "string", "format": "date", "nullable": true}
                           }},
                "lines": {"type": "array", "description": "Every activation line with the serial in the token's organizations, newest first",
                          "items": {
                    "type": "object",
                    "required": ["activation", "organization", "status", "created_at", "completed_at", "error", "new_until", "retries", "history"],
                    "properties": {
                        "activation": id,
                        "organization": {"type": "object", "required": ["id", "name"], "properties": {"id": id, "name": {"type": "string"}}},
                        "status": {"type": "string", "enum": ActivationStatus::ALL.map(ActivationStatus::as_api)},
                        "created_at": {"type": "string", "format": "date-time"},
                        "completed_at": {"type": "string", "format": "date-time", "nullable": true},
                        "error": {"type": "string", "nullable": true, "description": "In the client's language (Accept-Language)"},
                        "new_until": {"type": "string", "format": "date"},
                        "retries": {"type": "integer", "minimum": 0},
                        "history": {"type": "array", "items": schema_ref("Event"), "description": "The activation's audit records, oldest first"}
                    }
                }}
            }
        },
        "EventPage": {
            "type": "object", "required": ["items", "per_page"],
            "properties": {
                "items": {"type": "array", "items": schema_ref("Event")},
                "per_page": {"type": "integer"},
                "next": {"type": "string", "description": "Pass as `cursor` for the next, older page; absent on the last page"}
            }
        }
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub fn paths(paths: &mut Map<String, Value>) {
    let mut events = authed_get(
        "The activity log: every audited change the token may see, newest first",
        json!([
            query(
                "actor",
                "Only changes by this account label (exact), or `worker`",
                json!({"type": "string", "maxLength": 254})
            ),
            query(
                "action",
                "Only this action",
                json!({"type": "string", "enum": ACTIONS})
            ),
            query(
                "object_kind",
                "Only changes to objects of this kind",
                json!({"type": "string", "enum": OBJECT_KINDS})
            ),
            query(
                "organization",
                "Only this organization's changes (404 outside the token's)",
                json!({"type": "integer", "format": "int64"})
            ),
            query(
                "from",
                "From this moment on (inclusive): RFC 3339, or a date meaning its first second UTC",
                json!({"type": "string", "examples": ["2026-11-01", "2026-11-30T13:45:00Z"]})
            ),
            query(
                "to",
                "Before this moment (exclusive): RFC 3339, or a date meaning the whole of that day UTC",
                json!({"type": "string"})
            ),
            query(
                "per_page",
                "Events per page",
                json!({"type": "integer", "minimum": 1, "maximum": EVENTS_MAX_PER_PAGE, "default": EVENTS_DEFAULT_PER_PAGE})
            ),
            query(
                "cursor",
                "The `next` of the previous page",
                json!({"type": "string"})
            )
        ]),
        ok_response("One page of events", schema_ref("EventPage")),
        &[
            (
                "400",
                "A filter, per_page or cursor is not one the portal accepts; the message names it (`bad_request`)",
            ),
            (
                "404",
                "The organization is not among the token's (`not_found`)",
            ),
        ],
    );
    events["get"]["description"] = json!(
        "Scoped to the token's organizations; an operator sees every organization's. Keyset-paged: follow `next`; there is no total."
    );
    paths.insert(format!("{API_PREFIX}/events"), events);
    paths.insert(
        format!("{API_PREFIX}/serials/{{serial}}"),
        authed_get(
            "One serial's story: the device, and every activation line with it and what happened to it",
            json!([{"name": "serial", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{16}$"}}]),
            ok_response("The story", schema_ref("SerialStory")),
            &[
                ("400", "The serial is not 16 digits (`bad_request`)"),
                ("404", "Neither the registry nor the token's activations know the serial (`not_found`)"),
            ],
        ),
    );
}

/// `X-Request-Id` on every operation: a client may send its own (1–64 visible ASCII
/// characters; anything else is replaced), and every answer carries the id.
pub fn add_request_id(paths: &mut Map<String, Value>) {
    let parameter = json!({"$ref": "#/components/parameters/RequestId"});
    let header = json!({"$ref": "#/components/headers/RequestId"});
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            match operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            {
                Some(parameters) => parameters.push(parameter.clone()),
                None => operation["parameters"] = json!([parameter.clone()]),
            }
            if let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            {
                for response in responses.values_mut() {
                    response["headers"]["X-Request-Id"] = header.clone();
                }
            }
        }
    }
}

pub fn components(components: &mut Value) {
    // Any value is accepted (an unusable one is replaced, never refused), so the
    // request's schema is a plain string: a pattern here would promise a 400 the
    // portal does not give (schemathesis ST201, issue 15).
    components["parameters"]["RequestId"] = json!({
        "name": "X-Request-Id", "in": "header", "required": false, "schema": {"type": "string"},
        "description": format!(
            "Your own id for this request: kept when it is 1–{} visible ASCII characters; otherwise (or without it) the portal makes one",
            crate::portal::request_id::MAX_LEN
        )
    });
    components["headers"]["RequestId"] = json!({
        "description": "The request's id: the client's own, or one the portal made. Error bodies repeat it as `error.request_id`, and the changes the request made show it in GET /events",
        "schema": {"type": "string"}
    });
}
