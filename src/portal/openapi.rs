//! The OpenAPI 3.0 document of `/api/v1`. Enums come from the same constants the
//! parser uses, so the document cannot drift from the server.

use super::params::sort_values;
use crate::client::wire::{API_PREFIX, DEFAULT_PER_PAGE, PAGE_SIZES};
use crate::domain::{ActivationStatus, Vendor};
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

fn ok_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array_of(name: &str) -> Value {
    json!({"type": "array", "items": schema_ref(name)})
}

/// A GET operation that needs the bearer token.
fn authed_get(summary: &str, parameters: Value, ok: Value, extra_errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({
        "200": ok,
        "401": error_response("Missing, malformed or unknown bearer token (`unauthorized`)"),
    });
    for (status, description) in extra_errors {
        responses[*status] = error_response(description);
    }
    json!({"get": {
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "parameters": parameters,
        "responses": responses,
    }})
}

fn components() -> Value {
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let kopecks = json!({"type": "integer", "format": "int64", "description": "Integer kopecks (1/100 ruble)"});
    json!({
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "Token from `licadm token create`"}},
        "schemas": {
            "ErrorBody": {
                "type": "object", "required": ["error"],
                "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": ["bad_request", "unauthorized", "not_found", "method_not_allowed", "internal"]},
                        "message": {"type": "string", "description": "Names the offending parameter or object"}
                    }
                }}
            },
            "Health": {
                "type": "object", "required": ["status", "version"],
                "properties": {"status": {"type": "string", "enum": ["ok"]}, "version": {"type": "string"}}
            },
            "Role": {"type": "string", "enum": ["admin", "support", "viewer"]},
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
                    "activation_blocked": {"type": "boolean"}
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
                    "error": {"type": "string", "nullable": true, "description": "Readable error text when status is error"}
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
         "schema": {"type": "integer", "minimum": 1, "default": 1}},
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
        path("/activations"),
        authed_get(
            "Activations of the token's organizations, filtered, sorted and paged",
            activation_list_parameters(),
            ok_response("One page; a page past the end is empty with the right total", schema_ref("ActivationPage")),
            &[
                ("400", "A parameter has a value outside the allowed ones; the message names it (`bad_request`)"),
                ("404", "The `organization` does not exist or the token cannot see it (`not_found`)"),
            ],
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
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "licadm portal API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "License administration: organizations, prices and device license activations."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": components(),
    })
}
