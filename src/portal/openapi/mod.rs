//! The OpenAPI 3.0 document of `/api/v1`. Enums come from the same constants the
//! parser uses, so the document cannot drift from the server.

mod access;
mod bulk;
mod devices;
mod events;
mod feed;
mod idempotent;
mod invoices;
mod licensing;
mod webhooks;

use super::params::sort_values;
use crate::client::wire::IDEMPOTENCY_HEADER;
use crate::client::wire::{API_PREFIX, DEFAULT_PER_PAGE, PAGE_SIZES};
use crate::domain::{ActivationStatus, FailureReason, MAX_SERIALS, PrecheckOutcome, Vendor};
use serde_json::{Value, json};

/// Every `error.code` an answer may carry (`error.rs`, `http_errors.rs`, `rate_limit.rs`).
const ERROR_CODES: [&str; 21] = [
    "bad_request",
    "unauthorized",
    "token_revoked",
    "token_expired",
    "login_failed",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "request_timeout",
    "conflict",
    "seat_not_free",
    "cursor_gone",
    "payload_too_large",
    "uri_too_long",
    "unsupported_media_type",
    "unprocessable",
    "rate_limited",
    "headers_too_large",
    "refused",
    "busy",
    "internal",
];

/// Text the portal stores or signs: no control or invisible character
/// (`domain::text::is_hostile`), as a regular expression for the document.
pub(super) const PRINTABLE: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]*$";

/// An e-mail as the portal reads it: trimmed, one `@` with text around it, no white
/// space or hostile character inside (`access_rules::email`).
pub(super) const EMAIL: &str = "^\\s*[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029\\ufeff]+\\s*$";

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

fn ok_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// A 201 whose `Location` header names the created resource, which a GET answers.
fn created_response(description: &str, schema: Value, location: &str) -> Value {
    let mut response = ok_response(description, schema);
    response["headers"]["Location"] = json!({
        "description": location,
        "schema": {"type": "string", "format": "uri-reference"}
    });
    response
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// What any authenticated route may answer besides its own statuses (issue 15): the
/// guard's size limits and the rate limits, the latter with their headers.
fn common_errors(responses: &mut Value) {
    if responses.get("400").is_none() {
        responses["400"] = error_response(
            "The request is not valid HTTP: a byte not allowed in the request line or a header (`bad_request`)",
        );
    }
    responses["414"] = error_response("The URI is over 8 KiB (`uri_too_long`)");
    responses["431"] = error_response("The headers are over 32 KiB (`headers_too_large`)");
    let mut limited = error_response(
        "A rate limit ran out: per address, per token, or failed authentications per address (`rate_limited`)",
    );
    limited["headers"] = json!({
        "Retry-After": {"description": "Whole seconds until a request is allowed again", "schema": {"type": "integer", "minimum": 1}},
        "RateLimit-Limit": {"schema": {"type": "integer"}},
        "RateLimit-Remaining": {"schema": {"type": "integer"}},
        "RateLimit-Reset": {"schema": {"type": "integer"}},
    });
    responses["429"] = limited;
}

fn array_of(name: &str) -> Value {
    json!({"type": "array", "items": schema_ref(name)})
}

/// A GET operation that needs the bearer token.
fn authed_get(summary: &str, parameters: Value, ok: Value, extra_errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({
        "200": ok,
        "304": {"description": "Not Modified: `If-None-Match` names the `ETag` of the answer (a strong SHA-256 tag of the uncompressed JSON); empty body"},
        "401": error_response("Missing, malformed or unknown bearer token (`unauthorized`), a revoked one (`token_revoked`) or an expired one (`token_expired`)"),
    });
    for (status, description) in extra_errors {
        responses[*status] = error_response(description);
    }
    common_errors(&mut responses);
    json!({"get": {
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "parameters": parameters,
        "responses": responses,
    }})
}

/// An authenticated POST: `body` is a schema name or None (no body needed).
fn authed_post(
    summary: &str,
    parameters: Value,
    body: Option<&str>,
    ok: &[(&str, Value)],
    errors: &[(&str, &str)],
) -> Value {
    let mut responses = json!({
        "401": error_response("Missing, malformed or unknown bearer token (`unauthorized`), a revoked one (`token_revoked`) or an expired one (`token_expired`)"),
    });
    for (status, response) in ok {
        responses[*status] = response.clone();
    }
    for (status, description) in errors {
        responses[*status] = error_response(description);
    }
    common_errors(&mut responses);
    let mut operation = json!({
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(name) = body {
        operation["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": schema_ref(name)}}
        });
    }
    json!({"post": operation})
}

/// The optional `Idempotency-Key` header of a write a client may send again.
fn idempotency_header(repeat: &str) -> Value {
    json!({"name": IDEMPOTENCY_HEADER, "in": "header", "required": false,
           "description": format!("{repeat}; the same key with another request is 422. Remembered 24 hours (the portal's `--idempotency-hours`), then a new request. Scoped per token."),
           "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}})
}

fn number_parameter() -> Value {
    json!({"name": "number", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

/// What a repeat under the same Idempotency-Key answers, for the writes without a 201.
const REPLAYED: &str = "Repeating the request with the same key answers what the first one did — its answer, or its refusal with the same status and body — without doing it again, marked `Idempotent-Replayed: true`";
const BAD_BODY: &str = "The body is not JSON of the request shape (bad JSON, wrong type, missing field, wrong Content-Type) (`bad_request`)";
const TOO_MANY: &str = "More than 10 000 serials, or a body over 2 MiB (`payload_too_large`)";

fn components() -> Value {
    let mut components = activation_components();
    if let Some(schemas) = components["schemas"].as_object_mut() {
        schemas.extend(licensing::schemas());
        schemas.extend(access::schemas());
        schemas.extend(feed::schemas());
        schemas.extend(events::schemas());
        schemas.extend(bulk::schemas());
        schemas.extend(invoices::schemas());
        schemas.extend(webhooks::schemas());
        schemas.extend(devices::schemas());
    }
    events::components(&mut components);
    components
}

fn activation_components() -> Value {
    let outcomes: Vec<Value> = PrecheckOutcome::ALL
        .iter()
        .map(|o| serde_json::to_value(o).unwrap_or(Value::Null))
        .collect();
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let kopecks = json!({"type": "integer", "format": "int64", "description": "Integer kopecks (1/100 ruble)"});
    json!({
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "Token from `POST /login` (`licadm login`) or `licadm token create`"}},
        "schemas": {
            "ErrorBody": {
                "type": "object", "required": ["error"],
                "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": ERROR_CODES},
                        "message": {"type": "string", "description": "Names the offending parameter or object"},
                        "rejected": {"type": "array", "items": schema_ref("PrecheckRow"),
                                     "description": "Only on a 422 of POST /activations: every serial that is not ok, and why"},
                        "request_id": {"type": "string", "description": "The request's X-Request-Id, to quote in a ticket"}
                    }
                }}
            },
            "Health": {
                "type": "object", "required": ["status", "version"],
                "properties": {"status": {"type": "string", "enum": ["ok"]}, "version": {"type": "string"}}
            },
            "Role": {"type": "string", "enum": ["admin", "support", "viewer", "operator"]},
            "OrgRef": {
                "type": "object", "required": ["id", "name", "inn"],
                "properties": {"id": {"type": "integer", "format": "int64"}, "name": {"type": "string"}, "inn": {"type": "string"}}
            },
            "Me": {
                "type": "object", "required": ["account", "role", "organizations"],
                "properties": {
                    "account": {"type": "string", "description": "The token's label"},
                    "role": schema_ref("Role"),
                    "organizations": array_of("OrgRef")
                }
            },
            "Organization": {
                "type": "object", "required": ["id", "name", "inn", "kpp", "offer_accepted_at", "activation_blocked"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "name": {"type": "string"},
                    "inn": {"type": "string", "description": "10 digits (legal entity) or 12 (individual entrepreneur)"},
                    "kpp": {"type": "string", "nullable": true, "description": "Null for an individual entrepreneur"},
                    "offer_accepted_at": nullable_date_time,
                    "activation_blocked": {"type": "boolean"},
                    "blocked_by": {"$ref": "#/components/schemas/BlockingInvoice"}
                }
            },
            "VendorRef": {
                "type": "object", "required": ["id", "name"],
                "properties": {"id": {"type": "string", "enum": Vendor::ALL.map(Vendor::id)}, "name": {"type": "string"}}
            },
            "Price": {
                "type": "object", "required": ["vendor", "model", "price", "retail_price"],
                "properties": {"vendor": schema_ref("VendorRef"), "model": {"type": "string"}, "price": kopecks, "retail_price": kopecks}
            },
            "ActivationSummary": {
                "type": "object",
                "required": ["number", "organization", "status", "vendor", "license_count", "total_cost", "created_at", "completed_at", "error"],
                "properties": {
                    "number": {"type": "integer", "format": "int64"},
                    "organization": schema_ref("OrgRef"),
                    "status": {"type": "string", "enum": ActivationStatus::ALL.map(ActivationStatus::as_api)},
                    "vendor": schema_ref("VendorRef"),
                    "license_count": {"type": "integer", "format": "int64"},
                    "total_cost": kopecks,
                    "created_at": date_time,
                    "completed_at": nullable_date_time,
                    "error": {"type": "string", "nullable": true, "description": "Readable error text when status is error, in the client's language (Accept-Language)"},
                    "failure": {
                        "type": "object", "nullable": true, "required": ["serial", "reason"],
                        "description": "The serial the vendor registry refused and why; deregistered, other_owner and unsupported_model are final (a retry fails again), no_answer and unavailable are not",
                        "properties": {
                            "serial": {"type": "string"},
                            "reason": {"type": "string", "enum": FailureReason::ALL.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect::<Vec<_>>()}
                        }
                    }
                }
            },
            "ActivationLine": {
                "type": "object", "required": ["serial", "model", "current_until", "new_until", "price"],
                "properties": {
                    "serial": {"type": "string", "pattern": "^[0-9]{16}$"},
                    "model": {"type": "string"},
                    "current_until": {"type": "string", "format": "date", "nullable": true},
                    "new_until": {"type": "string", "format": "date"},
                    "price": kopecks
                }
            },
            "ActivationDetail": {
                "allOf": [
                    schema_ref("ActivationSummary"),
                    {"type": "object", "required": ["lines"], "properties": {"lines": array_of("ActivationLine")}}
                ]
            },
            "SerialsRequest": {
                "type": "object", "required": ["organization", "serials"],
                "properties": {
                    "organization": {"type": "integer", "format": "int64"},
                    "serials": {"type": "array", "maxItems": MAX_SERIALS, "items": {"type": "string"},
                                "description": "Raw serials as entered; the portal classifies each"}
                }
            },
            "PrecheckRow": {
                "type": "object",
                "required": ["serial", "outcome", "message", "model", "vendor", "current_until", "new_until", "price", "retail_price"],
                "properties": {
                    "serial": {"type": "string"},
                    "outcome": {"type": "string", "enum": outcomes},
                    "message": {"type": "string", "nullable": true, "description": "Readable reason (Russian) for anything but ok"},
                    "model": {"type": "string", "nullable": true},
                    "vendor": {"allOf": [schema_ref("VendorRef")], "nullable": true},
                    "current_until": {"type": "string", "format": "date", "nullable": true},
                    "new_until": {"type": "string", "format": "date", "nullable": true,
                                  "description": "max(current_until, today) + 12 months; only for ok"},
                    "price": {"type": "integer", "format": "int64", "nullable": true, "description": "Your price, kopecks"},
                    "retail_price": {"type": "integer", "format": "int64", "nullable": true, "description": "Recommended retail price, kopecks"}
                }
            },
            "PrecheckResponse": {
                "type": "object", "required": ["rows"],
                "properties": {"rows": array_of("PrecheckRow")}
            },
            "CreatedActivations": {
                "type": "object", "required": ["activations"],
                "properties": {"activations": array_of("ActivationSummary")}
            },
            "SigningKeyInfo": {
                "type": "object", "required": ["algorithm", "public_key", "key_id", "keys"],
                "properties": {
                    "algorithm": {"type": "string", "enum": ["ed25519"]},
                    "public_key": {"type": "string", "format": "byte", "description": "Base64 of the 32-byte public key this portal signs with now"},
                    "key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$", "description": "Its key id (the first 8 bytes of SHA-256 of the public key, hex), as license files, server licenses and offline responses name it on their `key-id:` line"},
                    "keys": {"type": "array", "minItems": 1, "items": schema_ref("PublicKeyInfo"), "description": "Every public key the portal signed with, oldest first (`licadm keys rotate` adds one). A document names its key by id; one without a `key-id:` line (from before key ids) was signed by the first"}
                }
            },
            "PublicKeyInfo": {
                "type": "object", "required": ["key_id", "public_key", "created_at"],
                "properties": {
                    "key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                    "public_key": {"type": "string", "format": "byte", "description": "Base64 of the 32-byte ed25519 public key"},
                    "created_at": {"type": "string", "format": "date-time"}
                }
            },
            "ActivationPage": {
                "type": "object", "required": ["items", "page", "per_page", "total"],
                "properties": {
                    "items": array_of("ActivationSummary"),
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "enum": PAGE_SIZES},
                    "total": {"type": "integer", "minimum": 0}
                }
            }
        }
    })
}

fn activation_list_parameters() -> Value {
    json!([
        {"name": "organization", "in": "query", "required": false,
         "description": "Organization id; one the token cannot see answers 404",
         "schema": {"type": "integer", "format": "int64"}},
        {"name": "status", "in": "query", "required": false,
         "schema": {"type": "string", "enum": ActivationStatus::ALL.map(ActivationStatus::as_api)}},
        {"name": "vendor", "in": "query", "required": false,
         "schema": {"type": "string", "enum": Vendor::ALL.map(Vendor::id)}},
        {"name": "q", "in": "query", "required": false,
         "description": "Digits: the activation with this number (no leading zeros), or any activation with a serial starting with them. Other text matches nothing.",
         "schema": {"type": "string"}},
        {"name": "sort", "in": "query", "required": false,
         "description": "Sort key; `-` prefix = descending. Ties are ordered by number.",
         "schema": {"type": "string", "enum": sort_values(), "default": "-number"}},
        {"name": "page", "in": "query", "required": false,
         "schema": {"type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1}},
        {"name": "per_page", "in": "query", "required": false,
         "schema": {"type": "integer", "enum": PAGE_SIZES, "default": DEFAULT_PER_PAGE}}
    ])
}

pub fn document() -> Value {
    let path = |p: &str| format!("{API_PREFIX}{p}");
    let mut paths = serde_json::Map::new();
    paths.insert(
        path("/health"),
        json!({"get": {
            "summary": "Liveness; no authentication",
            "security": [],
            "responses": {"200": ok_response("The portal is up", schema_ref("Health"))}
        }}),
    );
    paths.insert(
        path("/openapi.json"),
        json!({"get": {
            "summary": "This document; no authentication",
            "security": [],
            "responses": {"200": ok_response("OpenAPI 3.0 document", json!({"type": "object"}))}
        }}),
    );
    paths.insert(
        path("/me"),
        authed_get(
            "The token's account, role and organizations",
            json!([]),
            ok_response("Who the token is", schema_ref("Me")),
            &[],
        ),
    );
    paths.insert(
        path("/organizations"),
        authed_get(
            "Organizations the token can see",
            json!([]),
            ok_response("Ordered by id", array_of("Organization")),
            &[],
        ),
    );
    paths.insert(
        path("/prices"),
        authed_get(
            "Partner and retail price per vendor and model",
            json!([]),
            ok_response("All models", array_of("Price")),
            &[],
        ),
    );
    paths.insert(
        path("/activations/{number}"),
        authed_get(
            "One activation with its lines (ordered by serial)",
            json!([{"name": "number", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}}]),
            ok_response("The activation", schema_ref("ActivationDetail")),
            &[
                ("400", "The number is not a whole number from 1 (`bad_request`)"),
                ("404", "No such activation among the token's organizations (`not_found`)"),
            ],
        ),
    );
    paths.insert(
        path("/organizations/{id}/accept-offer"),
        authed_post(
            "Accept the sublicense offer and the personal-data consent (admin). Idempotent: the first acceptance time stays",
            json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}},
                idempotency_header(REPLAYED),
            ]),
            None,
            &[("200", ok_response("The organization with offer_accepted_at set", schema_ref("Organization")))],
            &[
                ("400", "The id is not a whole number from 1, or a malformed Idempotency-Key (`bad_request`)"),
                ("403", "The token's role may not accept the offer (`forbidden`)"),
                ("404", "No such organization among the token's (`not_found`)"),
                ("422", "The Idempotency-Key was used with another request (`unprocessable`)"),
            ],
        ),
    );
    for (verb, blocked) in [("block", "blocks"), ("unblock", "unblocks")] {
        paths.insert(
            path(&format!("/organizations/{{id}}/{verb}")),
            authed_post(
                &format!("The vendor's operator {blocked} new activations of the organization (operator only; a partner's roles get 403). The same state again changes nothing"),
                json!([
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}},
                    idempotency_header(REPLAYED),
                ]),
                None,
                &[("200", ok_response("The organization with activation_blocked set", schema_ref("Organization")))],
                &[
                    ("400", "The id is not a whole number from 1, or a malformed Idempotency-Key (`bad_request`)"),
                    ("403", "Only an operator may block or unblock (`forbidden`)"),
                    ("404", "No such organization among the token's (`not_found`)"),
                    ("422", "The Idempotency-Key was used with another request (`unprocessable`)"),
                ],
            ),
        );
    }
    paths.insert(
        path("/precheck"),
        authed_post(
            "Classify serials for activation; changes nothing. One row per input serial, in input order",
            json!([]),
            Some("SerialsRequest"),
            &[("200", ok_response("One row per serial", schema_ref("PrecheckResponse")))],
            &[
                ("400", BAD_BODY),
                ("404", "The organization does not exist or the token cannot see it (`not_found`)"),
                ("413", TOO_MANY),
            ],
        ),
    );
    let mut activations = authed_get(
        "Activations of the token's organizations, filtered, sorted and paged",
        activation_list_parameters(),
        ok_response(
            "One page; a page past the end is empty with the right total",
            schema_ref("ActivationPage"),
        ),
        &[
            (
                "400",
                "A parameter has a value outside the allowed ones; the message names it (`bad_request`)",
            ),
            (
                "404",
                "The `organization` does not exist or the token cannot see it (`not_found`)",
            ),
        ],
    );
    activations["post"] = authed_post(
        "Create one activation per vendor from serials that are all ok (admin); all or nothing",
        json!([idempotency_header(
            "Repeating a request with the same key returns the same activations (200)"
        )]),
        Some("SerialsRequest"),
        &[
            ("201", created_response("Created, in_progress, numbered sequentially in vendor order", schema_ref("CreatedActivations"), &format!("`{API_PREFIX}/activations/{{number}}` of the first activation created (the lowest number); the body lists them all"))),
            ("200", ok_response("A repeat with the same Idempotency-Key: the activations created the first time", schema_ref("CreatedActivations"))),
        ],
        &[
            ("400", BAD_BODY),
            ("403", "The token's role may not create activations (`forbidden`)"),
            ("404", "The organization does not exist or the token cannot see it (`not_found`)"),
            ("413", TOO_MANY),
            ("422", "Offer not accepted, organization blocked for an unpaid invoice, no serials, or serials that are not ok (listed in `rejected`); nothing was created; or the Idempotency-Key was used with another request (`unprocessable`)"),
        ],
    )["post"]
        .take();
    paths.insert(path("/activations"), activations);
    paths.insert(
        path("/activations/{number}/retry"),
        authed_post(
            "Queue an activation in error again (admin, support)",
            json!([number_parameter(), idempotency_header(REPLAYED)]),
            None,
            &[(
                "200",
                ok_response(
                    "The activation, in_progress again",
                    schema_ref("ActivationSummary"),
                ),
            )],
            &[
                (
                    "400",
                    "The number is not a whole number from 1 (`bad_request`)",
                ),
                ("403", "The token's role may not retry (`forbidden`)"),
                (
                    "404",
                    "No such activation among the token's organizations (`not_found`)",
                ),
                ("409", "The activation is not in error (`conflict`)"),
                (
                    "422",
                    "The Idempotency-Key was used with another request (`unprocessable`)",
                ),
            ],
        ),
    );
    let mut license = authed_get(
        "The signed license file license-<number>.lic of a done activation",
        json!([number_parameter()]),
        json!({"description": "The file (Content-Disposition: attachment; filename=\"license-<number>.lic\")",
               "content": {"text/plain; charset=utf-8": {"schema": {"type": "string"}}}}),
        &[
            (
                "400",
                "The number is not a whole number from 1 (`bad_request`)",
            ),
            (
                "404",
                "No such activation among the token's organizations (`not_found`)",
            ),
            ("409", "The activation is not done (`conflict`)"),
        ],
    );
    license["get"]["description"] = json!(
        "Canonical payload (activation, organization INN, issue time, each serial with valid-until and model, the signing key's id) and an ed25519 signature over its exact bytes; check it with `licadm verify` and GET /signing-key."
    );
    // A file, not JSON: no ETag, so no 304.
    if let Some(responses) = license["get"]["responses"].as_object_mut() {
        responses.remove("304");
    }
    paths.insert(path("/activations/{number}/license-file"), license);
    paths.insert(
        path("/signing-key"),
        authed_get(
            "The portal's public keys for checking license files, server licenses and offline responses offline",
            json!([]),
            ok_response("The key signing now and every earlier one", schema_ref("SigningKeyInfo")),
            &[],
        ),
    );
    licensing::paths(&mut paths);
    access::paths(&mut paths);
    feed::paths(&mut paths);
    bulk::paths(&mut paths);
    invoices::paths(&mut paths);
    webhooks::paths(&mut paths);
    idempotent::mark_replays(&mut paths);
    events::paths(&mut paths);
    devices::paths(&mut paths);
    events::add_request_id(&mut paths);
    access::single_query_values(&mut paths);
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "licadm portal API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "License administration: organizations, prices, device license activations, seats, capacity and emergency licenses, product keys (online and air-gapped) and the audit log. Texts for people (error messages, precheck messages, an activation's error, an emergency-license refusal) come in the language `Accept-Language` prefers, `ru` or `en` (`Content-Language` says which); without either they are worded as the portal stores them."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": components(),
    })
}
