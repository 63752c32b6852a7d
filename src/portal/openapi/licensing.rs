//! OpenAPI paths and schemas of seats, users, capacity, purchases, product keys, the
//! air gap and the audit log. Enums come from the parser's own constants.

use super::super::params::{AUDIT_KINDS, seat_sort_values};
use super::super::routes_licensing::MAX_USERS;
use super::super::rules::{EMERGENCY_MAX_ACCOUNTS, LITE_MAX_ACCOUNTS, PURCHASE_MAX_ACCOUNTS};
use super::{
    BAD_BODY, REPLAYED, array_of, authed_get, authed_post, idempotency_header, ok_response,
    schema_ref,
};
use crate::client::wire::{API_PREFIX, DEFAULT_PER_PAGE, PAGE_SIZES, SeatStatus};
use serde_json::{Map, Value, json};

fn page_of(item: &str) -> Value {
    json!({
        "type": "object", "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": array_of(item),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "enum": PAGE_SIZES},
            "total": {"type": "integer", "minimum": 0}
        }
    })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

pub fn schemas() -> Map<String, Value> {
    let date = json!({"type": "string", "format": "date"});
    let date_time = json!({"type": "string", "format": "date-time"});
    let count = json!({"type": "integer", "minimum": 0});
    let statuses = SeatStatus::ALL.map(SeatStatus::as_api);
    let schemas = json!({
        "ProductRef": object(&["id", "name"], json!({"id": {"type": "string"}, "name": {"type": "string"}})),
        "Seat": object(
            &["id", "organization", "product", "status", "email", "valid_from", "valid_until"],
            json!({
                "id": {"type": "integer", "format": "int64"},
                "organization": schema_ref("OrgRef"),
                "product": schema_ref("ProductRef"),
                "status": {"type": "string", "enum": statuses,
                           "description": "expired when valid_until is before today (never renewed); else bound with an e-mail, else free"},
                "email": {"type": "string", "nullable": true, "description": "Lower case; kept on an expired seat"},
                "valid_from": date.clone(),
                "valid_until": date.clone()
            }),
        ),
        "SeatPage": page_of("Seat"),
        "BindRequest": object(&["email"], json!({"email": {"type": "string", "maxLength": 254, "pattern": super::PRINTABLE, "description": "A registered user of the seat's organization; trimmed, case-insensitive"}})),
        "SeatSummary": object(
            &["organization", "product", "free", "bound", "expired"],
            json!({"organization": schema_ref("OrgRef"), "product": schema_ref("ProductRef"),
                   "free": count.clone(), "bound": count.clone(), "expired": count.clone()}),
        ),
        "User": object(&["email", "name"], json!({"email": {"type": "string"}, "name": {"type": "string"}})),
        "EmergencyLicense": object(
            &["valid_from", "valid_until", "accounts_used", "accounts_max", "active"],
            json!({"valid_from": date.clone(), "valid_until": date.clone(),
                   "accounts_used": count.clone(),
                   "accounts_max": {"type": "integer", "minimum": 1, "maximum": EMERGENCY_MAX_ACCOUNTS},
                   "active": {"type": "boolean"}}),
        ),
        "ProductCapacity": object(
            &["product", "support_until", "accounts_used", "accounts_max", "external_connections_max", "lite",
              "emergency", "emergency_available", "emergency_refusal", "accounts_blocked"],
            json!({
                "product": schema_ref("ProductRef"),
                "support_until": {"type": "string", "format": "date", "nullable": true, "description": "Null: no support license"},
                "accounts_used": {"type": "integer", "minimum": 0, "description": "Bound, unexpired seats of the product"},
                "accounts_max": {"type": "integer", "minimum": 0, "description": "Purchased (permanent) user accounts"},
                "external_connections_max": count.clone(),
                "lite": {"type": "boolean", "description": format!("accounts_max ≤ {LITE_MAX_ACCOUNTS}: the free Lite edition")},
                "emergency": {"allOf": [schema_ref("EmergencyLicense")], "nullable": true, "description": "The current or last one"},
                "emergency_available": {"type": "boolean"},
                "emergency_refusal": {"type": "string", "nullable": true, "description": "Why none may be requested now"},
                "accounts_blocked": {"type": "integer", "minimum": 0, "description": "Accounts in use beyond accounts_max plus an active emergency license"}
            }),
        ),
        "LicenseInfo": object(&["organization", "products"], json!({"organization": schema_ref("OrgRef"), "products": array_of("ProductCapacity")})),
        "EmergencyRequest": object(
            &["organization", "product", "accounts"],
            json!({"organization": {"type": "integer", "format": "int64"}, "product": {"type": "string"},
                   "accounts": {"type": "integer", "minimum": 1, "maximum": EMERGENCY_MAX_ACCOUNTS}}),
        ),
        "PurchaseRequest": object(
            &["organization", "product", "accounts"],
            json!({"organization": {"type": "integer", "format": "int64"}, "product": {"type": "string"},
                   "accounts": {"type": "integer", "minimum": 1, "maximum": PURCHASE_MAX_ACCOUNTS}}),
        ),
        "Installation": object(&["serial", "hash"], json!({
            "serial": {"type": "string", "maxLength": 128, "pattern": super::PRINTABLE},
            "hash": {"type": "string", "maxLength": 256, "pattern": super::PRINTABLE}})),
        "KeyActivationRequest": object(
            &["key", "inn", "installation"],
            json!({"key": {"type": "string", "pattern": "^\\s*([0-9A-Fa-f]{24}|[0-9A-Fa-f]{4}(-[0-9A-Fa-f]{4}){5})\\s*$", "description": "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX, any case, dashes optional"},
                   "inn": {"type": "string", "maxLength": 32, "pattern": super::PRINTABLE},
                   "kpp": {"type": "string", "nullable": true, "maxLength": 32, "pattern": super::PRINTABLE, "description": "Empty or absent for an individual entrepreneur"},
                   "installation": schema_ref("Installation")}),
        ),
        "ServerLicense": object(
            &["key", "product", "organization", "seats", "installation", "issued_at", "license"],
            json!({"key": {"type": "string"}, "product": schema_ref("ProductRef"), "organization": schema_ref("OrgRef"),
                   "seats": count.clone(), "installation": schema_ref("Installation"), "issued_at": date_time.clone(),
                   "license": {"type": "string", "description": "Signed LICADM ACTIVATION RESPONSE text; its request digest is that of the canonical request built from the online fields with created-at = issued_at"}}),
        ),
        "OfflineResponseRequest": object(&["request"], json!({"request": {"type": "string", "description": "The request text from `licadm offline request`"}})),
        "OfflineResponse": object(&["response"], json!({"response": {"type": "string", "description": "Signed response text for `licadm offline import`"}})),
        "AuditEntry": object(
            &["id", "at", "actor", "action", "object", "before", "after"],
            json!({"id": {"type": "integer", "format": "int64"}, "at": date_time, "actor": {"type": "string"},
                   "action": {"type": "string", "enum": crate::client::events::ACTIONS},
                   "object": {"type": "string"},
                   "before": {"type": "object", "nullable": true}, "after": {"type": "object", "nullable": true}}),
        ),
        "AuditPage": page_of("AuditEntry"),
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn query(name: &str, description: &str, schema: Value, required: bool) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": description, "schema": schema})
}

fn organization_query(required_note: &str) -> Value {
    query(
        "organization",
        &format!("Organization id; one the token cannot see answers 404. {required_note}"),
        json!({"type": "integer", "format": "int64"}),
        false,
    )
}

fn paging() -> [Value; 2] {
    [
        query(
            "page",
            "From 1",
            json!({"type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1}),
            false,
        ),
        query(
            "per_page",
            "Page size",
            json!({"type": "integer", "enum": PAGE_SIZES, "default": DEFAULT_PER_PAGE}),
            false,
        ),
    ]
}

fn seat_id() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

const FORBIDDEN: &str = "The token's role is not admin (`forbidden`)";
const ORG_404: &str = "The organization does not exist or the token cannot see it (`not_found`)";
const ONE_ORG: &str = "Required unless the token sees exactly one organization.";

pub fn paths(paths: &mut Map<String, Value>) {
    let path = |p: &str| format!("{API_PREFIX}{p}");
    let [page, per_page] = paging();
    paths.insert(
        path("/seats"),
        authed_get(
            "Seats of the token's organizations, filtered, sorted and paged",
            json!([
                organization_query(""),
                query(
                    "product",
                    "Product id, e.g. orangeuce",
                    json!({"type": "string"}),
                    false
                ),
                query(
                    "status",
                    "Status today",
                    json!({"type": "string", "enum": SeatStatus::ALL.map(SeatStatus::as_api)}),
                    false
                ),
                query(
                    "q",
                    "Text the e-mail contains (case-insensitive)",
                    json!({"type": "string"}),
                    false
                ),
                query(
                    "sort",
                    "Sort key; `-` prefix = descending; ties by id",
                    json!({"type": "string", "enum": seat_sort_values(), "default": "id"}),
                    false
                ),
                page.clone(),
                per_page.clone()
            ]),
            ok_response("One page", schema_ref("SeatPage")),
            &[
                (
                    "400",
                    "A parameter has a value outside the allowed ones (`bad_request`)",
                ),
                ("404", ORG_404),
            ],
        ),
    );
    paths.insert(
        path("/seats/summary"),
        authed_get(
            "Free/bound/expired seat counts per organization and product",
            json!([organization_query(
                "Absent: every organization of the token."
            )]),
            ok_response("By organization, then product", array_of("SeatSummary")),
            &[
                ("400", "organization is not a number (`bad_request`)"),
                ("404", ORG_404),
            ],
        ),
    );
    paths.insert(
        path("/seats/{id}/bind"),
        authed_post(
            "Bind a free seat to a registered user (admin); one transaction, so of concurrent binds exactly one wins",
            json!([seat_id(), idempotency_header(REPLAYED)]),
            Some("BindRequest"),
            &[("200", ok_response("The seat, bound", schema_ref("Seat")))],
            &[
                ("400", BAD_BODY),
                ("403", FORBIDDEN),
                ("404", "No such seat among the token's organizations (`not_found`)"),
                ("409", "The seat is not free (bound or expired), or the user already holds a seat of this product; the message names it (`conflict`)"),
                ("422", "The e-mail is empty or not a registered user of the seat's organization, or the Idempotency-Key was used with another request (`unprocessable`)"),
            ],
        ),
    );
    paths.insert(
        path("/seats/{id}/unbind"),
        authed_post(
            "Free a bound seat (admin)",
            json!([seat_id(), idempotency_header(REPLAYED)]),
            None,
            &[("200", ok_response("The seat, free", schema_ref("Seat")))],
            &[
                ("400", "The id is not a whole number from 1 (`bad_request`)"),
                ("403", FORBIDDEN),
                (
                    "404",
                    "No such seat among the token's organizations (`not_found`)",
                ),
                ("409", "The seat is not bound (`conflict`)"),
                (
                    "422",
                    "The Idempotency-Key was used with another request (`unprocessable`)",
                ),
            ],
        ),
    );
    paths.insert(
        path("/users"),
        authed_get(
            "Registered users of an organization whose e-mail or name contains q (bind suggestions)",
            json!([organization_query(ONE_ORG), query("q", "Text to look for", json!({"type": "string"}), false)]),
            ok_response(&format!("At most {MAX_USERS}, by e-mail"), array_of("User")),
            &[("400", "organization missing or not a number (`bad_request`)"), ("404", ORG_404)],
        ),
    );
    paths.insert(
        path("/license-info"),
        authed_get(
            "Capacity per product: support, user accounts used/max, external connections, Lite, emergency license",
            json!([organization_query(ONE_ORG)]),
            ok_response("The organization's products", schema_ref("LicenseInfo")),
            &[("400", "organization missing or not a number (`bad_request`)"), ("404", ORG_404)],
        ),
    );
    paths.insert(
        path("/emergency-license"),
        authed_post(
            "Request an emergency license (admin): one at a time, one month from today, 1 to 10 extra accounts, none again until a purchase raised max after the last one",
            json!([idempotency_header(REPLAYED)]),
            Some("EmergencyRequest"),
            &[("200", ok_response("The product's capacity with the new license", schema_ref("ProductCapacity")))],
            &[
                ("400", BAD_BODY),
                ("403", FORBIDDEN),
                ("404", "The organization or its product does not exist for the token (`not_found`)"),
                ("422", "Refused by a rule, named in the message, or the Idempotency-Key was used with another request (`unprocessable`)"),
            ],
        ),
    );
    paths.insert(
        path("/purchases"),
        authed_post(
            "Record a permanent purchase of user accounts (operator only; a partner's roles get 403): raises max, adds as many seats valid 12 months, raises the seats of the organization's keys",
            json!([idempotency_header(REPLAYED)]),
            Some("PurchaseRequest"),
            &[("200", ok_response("The product's capacity after the purchase", schema_ref("ProductCapacity")))],
            &[
                ("400", BAD_BODY),
                ("403", FORBIDDEN),
                ("404", "The organization or its product does not exist for the token (`not_found`)"),
                ("422", "accounts out of range, or the Idempotency-Key was used with another request (`unprocessable`)"),
            ],
        ),
    );
    let key_refusals = "Malformed or unknown key, INN/KPP invalid, key of another organization, KPP mismatch, no installation, key already activated on another installation — each with its own message (`unprocessable`)";
    paths.insert(
        path("/keys/activate"),
        authed_post(
            "Activate a product key on a server installation (admin); the same installation again re-activates with the key's current seats",
            json!([idempotency_header(REPLAYED)]),
            Some("KeyActivationRequest"),
            &[("200", ok_response("The signed server license", schema_ref("ServerLicense")))],
            &[("400", BAD_BODY), ("403", FORBIDDEN), ("422", key_refusals)],
        ),
    );
    paths.insert(
        path("/offline/response"),
        authed_post(
            "Turn an air-gapped activation request into a signed response (admin); the same rules as /keys/activate",
            json!([idempotency_header(REPLAYED)]),
            Some("OfflineResponseRequest"),
            &[("200", ok_response("The signed response text", schema_ref("OfflineResponse")))],
            &[
                ("400", BAD_BODY),
                ("403", FORBIDDEN),
                ("422", "The request text is truncated or damaged (the reason is named), or a key refusal as for /keys/activate (`unprocessable`)"),
            ],
        ),
    );
    paths.insert(
        path("/audit"),
        authed_get(
            "The history of one object, newest first",
            json!([
                query("object", &format!("kind:id with kind one of {}, e.g. activation:421, seat:17, organization:1, key:DB49-…", AUDIT_KINDS.join(", ")), json!({"type": "string", "pattern": audit_object_pattern()}), true),
                page,
                per_page
            ]),
            ok_response("One page of entries", schema_ref("AuditPage")),
            &[
                ("400", "object missing or malformed, or a bad page parameter (`bad_request`)"),
                ("404", "No such object among the token's organizations (`not_found`)"),
            ],
        ),
    );
}

/// `kind:id`; a product key (`key:`) is 24 hex digits, bare or in six groups of four
/// (`domain::product_key`), the other kinds any text after the colon.
fn audit_object_pattern() -> String {
    let others: Vec<&str> = AUDIT_KINDS.into_iter().filter(|k| *k != "key").collect();
    format!(
        "^(({}):.+|key:\\s*([0-9A-Fa-f]{{24}}|[0-9A-Fa-f]{{4}}(-[0-9A-Fa-f]{{4}}){{5}})\\s*)$",
        others.join("|")
    )
}
