//! OpenAPI of the device list (`GET /devices`, `GET /devices/totals`; issue 16 part A).

use super::{authed_get, ok_response, schema_ref};
use crate::client::devices::{
    DEVICE_SORTS, DEVICES_DEFAULT_PER_PAGE, DEVICES_MAX_PER_PAGE, DEVICES_PAGE_DEPTH,
};
use crate::client::wire::API_PREFIX;
use serde_json::{Map, Value, json};

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

pub fn schemas() -> Map<String, Value> {
    let id = json!({"type": "integer", "format": "int64"});
    let organization = json!({"type": "object", "required": ["id", "name"],
                              "properties": {"id": id, "name": {"type": "string"}}});
    let kopecks = json!({"type": "integer", "format": "int64", "description": "Kopecks"});
    let schemas = json!({
        "DeviceItem": {
            "type": "object",
            "required": ["serial", "organization", "vendor", "model", "subscription_until", "price", "retail_price"],
            "properties": {
                "serial": {"type": "string", "pattern": "^[0-9]{16}$"},
                "organization": organization,
                "vendor": schema_ref("VendorRef"),
                "model": {"type": "string"},
                "subscription_until": {"type": "string", "format": "date"},
                "price": kopecks,
                "retail_price": kopecks
            }
        },
        "DevicePage": {
            "type": "object", "required": ["items", "per_page", "page"],
            "properties": {
                "items": {"type": "array", "items": schema_ref("DeviceItem")},
                "per_page": {"type": "integer"},
                "page": {"type": "integer", "minimum": 1, "description": "The page's number, asked by `page` or reached by cursor; with GET /devices/totals's count: page N of M"},
                "next": {"type": "string", "description": "Pass as `cursor` for the next page; absent on the last page"}
            }
        },
        "DeviceTotals": {
            "type": "object", "required": ["groups", "count", "total"],
            "properties": {
                "groups": {"type": "array", "items": {
                    "type": "object", "required": ["organization", "vendor", "count", "total"],
                    "properties": {
                        "organization": organization,
                        "vendor": schema_ref("VendorRef"),
                        "count": {"type": "integer", "minimum": 0},
                        "total": kopecks
                    }
                }},
                "count": {"type": "integer", "minimum": 0},
                "total": kopecks
            }
        }
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn filters(paged: bool) -> Value {
    let mut list = vec![
        query(
            "organization",
            "Only this organization's devices (404 outside the token's)",
            json!({"type": "integer", "format": "int64"}),
        ),
        query(
            "vendor",
            "Only this vendor's devices",
            json!({"type": "string", "enum": ["pay-kiosk", "pp-electro"]}),
        ),
        query(
            "model",
            "Only this model (a name from GET /prices)",
            json!({"type": "string"}),
        ),
        query(
            "ending_before",
            "Subscription ends before this day (exclusive)",
            json!({"type": "string", "format": "date"}),
        ),
        query(
            "ending_after",
            "Subscription ends after this day (exclusive)",
            json!({"type": "string", "format": "date"}),
        ),
        query(
            "q",
            "The serial's first digits",
            json!({"type": "string", "pattern": "^[0-9]{1,16}$"}),
        ),
    ];
    if paged {
        let sorts: Vec<String> = DEVICE_SORTS
            .iter()
            .flat_map(|s| [s.to_string(), format!("-{s}")])
            .collect();
        list.push(query(
            "sort",
            "The order; `-` before it: descending. Default: subscription_until (least time left first)",
            json!({"type": "string", "enum": sorts}),
        ));
        list.push(query(
            "per_page",
            "Devices per page",
            json!({"type": "integer", "minimum": 1, "maximum": DEVICES_MAX_PER_PAGE, "default": DEVICES_DEFAULT_PER_PAGE}),
        ));
        list.push(query(
            "page",
            &format!("The page's number from 1, for pages starting within the first {DEVICES_PAGE_DEPTH} rows ((page − 1) × per_page ≤ {DEVICES_PAGE_DEPTH}); deeper is a 400: follow `next`. A cursor wins over it"),
            json!({"type": "integer", "minimum": 1, "maximum": DEVICES_PAGE_DEPTH + 1, "default": 1}),
        ));
        list.push(query(
            "cursor",
            "The `next` of the previous page (of the same sort)",
            json!({"type": "string"}),
        ));
    }
    Value::Array(list)
}

pub fn paths(paths: &mut Map<String, Value>) {
    let errors: &[(&str, &str)] = &[
        (
            "400",
            "A filter, sort, per_page, page or cursor is not one the portal accepts (a page deeper than page numbers reach names the bound); the message names it (`bad_request`)",
        ),
        (
            "404",
            "The organization is not among the token's (`not_found`)",
        ),
    ];
    let mut list = authed_get(
        "The devices the token's organizations activated, by time left: the renewals list",
        filters(true),
        ok_response("One page of devices", schema_ref("DevicePage")),
        errors,
    );
    list["get"]["description"] = json!(
        "Scoped to the token's organizations (a device is an organization's once one of its activations completed it); an operator sees every organization's. Keyset-paged: follow `next`, or ask a page by number near the start (`page`); every page says its number; the count is GET /devices/totals."
    );
    paths.insert(format!("{API_PREFIX}/devices"), list);
    paths.insert(
        format!("{API_PREFIX}/devices/totals"),
        authed_get(
            "How many devices the filters match and what renewing them costs today, per organization and vendor",
            filters(false),
            ok_response("The totals", schema_ref("DeviceTotals")),
            errors,
        ),
    );
}
