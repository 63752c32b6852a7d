//! OpenAPI paths and schemas of webhooks (issue 17; docs/DESIGN.md §4.10).

use super::{
    BAD_BODY, REPLAYED, array_of, authed_get, authed_post, common_errors, created_response,
    error_response, idempotency_header, ok_response, schema_ref,
};
use crate::client::wire::{API_PREFIX, DEFAULT_PER_PAGE, PAGE_SIZES};
use crate::domain::webhook::{EMERGENCY_ANY, EVENT_TYPES};
use serde_json::{Map, Value, json};

pub fn schemas() -> Map<String, Value> {
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let mut subscriptions: Vec<&str> = EVENT_TYPES.to_vec();
    subscriptions.push(EMERGENCY_ANY);
    let events =
        json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": subscriptions}});
    let schemas = json!({
        "NewWebhook": {"type": "object", "required": ["url", "events"], "properties": {
            "url": {"type": "string", "maxLength": 2048, "pattern": WEBHOOK_URL_PATTERN, "description": "`https://…`; `http://` only to 127.0.0.1, ::1 or localhost (testing). No user name or password"},
            "events": events.clone(),
            "organization": {"type": "integer", "format": "int64", "minimum": 1, "description": "Whose events; an admin's only organization by default; an operator's endpoint without it hears every organization"}
        }},
        "WebhookEndpoint": {"type": "object",
            "required": ["id", "url", "events", "organization", "created_at", "created_by", "pending", "failed"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "url": {"type": "string"},
                "events": events,
                "organization": {"type": "integer", "format": "int64", "nullable": true},
                "created_at": date_time.clone(),
                "created_by": {"type": "string"},
                "pending": {"type": "integer", "description": "Deliveries queued or retrying"},
                "failed": {"type": "integer", "description": "Deliveries given up"}
            }},
        "CreatedWebhook": {"type": "object", "required": ["endpoint", "secret"], "properties": {
            "endpoint": schema_ref("WebhookEndpoint"),
            "secret": {"type": "string", "description": "The signing secret (`whsec_…`), shown this once: `X-Licadm-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>`"}
        }},
        "WebhookDelivery": {"type": "object",
            "required": ["id", "endpoint", "event_id", "event_type", "object", "organization", "created_at", "status", "attempts", "response_status", "last_error", "next_attempt_at", "delivered_at", "redelivery_of"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "endpoint": {"type": "integer", "format": "int64"},
                "event_id": {"type": "string", "description": "`evt_…`, the same on every attempt and redelivery"},
                "event_type": {"type": "string", "enum": EVENT_TYPES},
                "object": {"type": "string"},
                "organization": {"type": "integer", "format": "int64", "nullable": true},
                "created_at": date_time,
                "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
                "attempts": {"type": "integer"},
                "response_status": {"type": "integer", "nullable": true},
                "last_error": {"type": "string", "nullable": true},
                "next_attempt_at": nullable_date_time.clone(),
                "delivered_at": nullable_date_time,
                "redelivery_of": {"type": "integer", "format": "int64", "nullable": true}
            }},
        "WebhookDeliveryPage": {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
            "items": array_of("WebhookDelivery"),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "enum": PAGE_SIZES},
            "total": {"type": "integer"}
        }},
    });
    schemas.as_object().cloned().unwrap_or_default()
}

fn id_parameter() -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": "The endpoint's id",
           "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

/// `https://` to a host name or address, or `http://` to the loopback (for testing),
/// without a user name or password (`routes_webhooks::check_url`).
const WEBHOOK_URL_PATTERN: &str = r"^(https://[A-Za-z0-9.-]+|https://\[[0-9A-Fa-f:.]+\]|http://(127\.0\.0\.1|localhost|\[::1\]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?([/?#][A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?$";

const NOT_YOURS: &str = "No such endpoint the token may manage: another organization's, or (for an admin) an operator's (`not_found`)";
const ROLE: &str = "Only admins and operators manage webhooks (`forbidden`)";

pub fn paths(paths: &mut Map<String, Value>) {
    let path = |p: &str| format!("{API_PREFIX}{p}");
    let mut list = authed_get(
        "Webhook endpoints the token may manage (admin: its organizations'; operator: all), oldest first",
        json!([]),
        ok_response(
            "The endpoints, without secrets",
            array_of("WebhookEndpoint"),
        ),
        &[("403", ROLE)],
    );
    list["post"] = authed_post(
        "Register an endpoint (admin, operator): its secret is in this answer only",
        json!([idempotency_header(REPLAYED)]),
        Some("NewWebhook"),
        &[
            ("201", created_response("The endpoint and its secret", schema_ref("CreatedWebhook"), &format!("`{API_PREFIX}/webhooks/{{id}}` of the new endpoint"))),
            ("200", ok_response("A replay under the same Idempotency-Key", schema_ref("CreatedWebhook"))),
        ],
        &[
            ("400", &format!("{BAD_BODY}; a URL that is not an absolute https:// URL, or an unknown event; no organization from a token with several (`bad_request`)")),
            ("403", ROLE),
            ("404", "The organization is not the token's, or does not exist (`not_found`)"),
            ("422", "`http://` to a host other than the loopback address, or the key sent again with another request (`unprocessable`)"),
        ],
    )["post"]
        .clone();
    paths.insert(path("/webhooks"), list);

    let mut one = authed_get(
        "One endpoint",
        json!([id_parameter()]),
        ok_response("The endpoint", schema_ref("WebhookEndpoint")),
        &[
            ("400", "The id is not a whole number from 1 (`bad_request`)"),
            ("403", ROLE),
            ("404", NOT_YOURS),
        ],
    );
    let mut responses = json!({
        "200": ok_response("The endpoint removed, with its deliveries (queued ones are never sent)", schema_ref("WebhookEndpoint")),
        "400": error_response("The id is not a whole number from 1 (`bad_request`)"),
        "401": error_response("Missing, malformed, unknown, revoked (`token_revoked`) or expired (`token_expired`) bearer token"),
        "403": error_response(ROLE),
        "404": error_response(NOT_YOURS),
        "422": error_response("The key sent again with another request (`unprocessable`)"),
    });
    common_errors(&mut responses);
    one["delete"] = json!({
        "summary": "Remove an endpoint (admin, operator)",
        "security": [{"bearerAuth": []}],
        "parameters": [id_parameter(), idempotency_header(REPLAYED)],
        "responses": responses,
    });
    paths.insert(path("/webhooks/{id}"), one);

    paths.insert(
        path("/webhooks/{id}/rotate-secret"),
        authed_post(
            "A new signing secret, in this answer only; deliveries from now on are signed with it",
            json!([id_parameter(), idempotency_header(REPLAYED)]),
            None,
            &[(
                "200",
                ok_response(
                    "The endpoint and its new secret",
                    schema_ref("CreatedWebhook"),
                ),
            )],
            &[
                ("400", "The id is not a whole number from 1 (`bad_request`)"),
                ("403", ROLE),
                ("404", NOT_YOURS),
                (
                    "422",
                    "The key sent again with another request (`unprocessable`)",
                ),
            ],
        ),
    );
    paths.insert(
        path("/webhooks/{id}/deliveries"),
        authed_get(
            "The endpoint's delivery log, newest first: status, attempts, the receiver's last status and error, the next attempt",
            json!([
                id_parameter(),
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "enum": PAGE_SIZES, "default": DEFAULT_PER_PAGE}},
            ]),
            ok_response("A page of deliveries", schema_ref("WebhookDeliveryPage")),
            &[("400", "A bad id, page or per_page (`bad_request`)"), ("403", ROLE), ("404", NOT_YOURS)],
        ),
    );
    paths.insert(
        path("/webhooks/{id}/deliveries/{delivery}/redeliver"),
        authed_post(
            "Send a delivered or failed delivery's event again: a new delivery with the same event id and body",
            json!([
                id_parameter(),
                {"name": "delivery", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}},
                idempotency_header(REPLAYED),
            ]),
            None,
            &[("200", ok_response("The new delivery, pending", schema_ref("WebhookDelivery")))],
            &[
                ("400", "A bad id (`bad_request`)"),
                ("403", ROLE),
                ("404", "No such delivery of an endpoint the token may manage (`not_found`)"),
                ("409", "The delivery is still pending: it is sent again by itself (`conflict`)"),
                ("422", "The key sent again with another request (`unprocessable`)"),
            ],
        ),
    );
}
