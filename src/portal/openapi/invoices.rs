//! OpenAPI of the monthly invoices (issue 17; docs/DESIGN.md §3.11): the list, one
//! invoice, its document and the operator's payment, and the feed's invoice record.

use super::{REPLAYED, authed_get, authed_post, idempotency_header, ok_response, schema_ref};
use crate::client::wire::API_PREFIX;
use crate::client::wire::{DEFAULT_PER_PAGE, PAGE_SIZES};
use crate::domain::{InvoiceStatus, Vendor};
use serde_json::{Map, Value, json};

pub fn schemas() -> Map<String, Value> {
    let id = json!({"type": "integer", "format": "int64"});
    let date = json!({"type": "string", "format": "date"});
    let kopecks = json!({"type": "integer", "format": "int64", "description": "Integer kopecks"});
    let count = json!({"type": "integer", "minimum": 0});
    let status = json!({"type": "string", "enum": InvoiceStatus::ALL.map(InvoiceStatus::as_api),
                        "description": "issued → paid, or overdue (the day after due_on) → paid"});
    let number = json!({"type": "string", "pattern": "^[0-9]{6}-[0-9]{5,12}$",
                        "description": "YYYYMM-organization: the period and the organization"});
    let period = json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "The month billed, UTC"});
    let paid_at = json!({"type": "string", "format": "date-time", "nullable": true});
    let invoice_properties = json!({
        "number": number, "period": period, "issued_on": date,
        "due_on": {"type": "string", "format": "date", "description": "Five working days after issued_on (weekends and public holidays skipped)"},
        "status": status, "total": kopecks, "license_count": count,
        "activation_count": count, "paid_at": paid_at
    });
    let mut invoice = invoice_properties.clone();
    invoice["organization"] = schema_ref("OrgRef");
    let mut detail = invoice.clone();
    detail["lines"] = json!({"type": "array", "items": schema_ref("InvoiceLine"), "description": "One per activation completed in the period, by number"});
    let mut record = invoice_properties;
    record["organization"] = id.clone();
    record["lines"] = json!({"type": "array", "items": schema_ref("InvoiceLine")});
    let required = [
        "number",
        "organization",
        "period",
        "issued_on",
        "due_on",
        "status",
        "total",
        "license_count",
        "activation_count",
    ];
    let mut with_lines = required.to_vec();
    with_lines.push("lines");
    let schemas = json!({
        "Invoice": {"type": "object", "required": required, "properties": invoice},
        "InvoiceDetail": {"type": "object", "required": with_lines, "properties": detail},
        "InvoiceRecord": {"type": "object", "required": with_lines, "properties": record,
                          "description": "The change feed's invoice: the organization by id"},
        "InvoiceLine": {
            "type": "object", "required": ["activation", "vendor", "license_count", "amount", "completed_at"],
            "properties": {
                "activation": id,
                "vendor": {"type": "object", "required": ["id", "name"],
                           "properties": {"id": {"type": "string", "enum": Vendor::ALL.map(Vendor::id)}, "name": {"type": "string"}}},
                "license_count": count, "amount": kopecks,
                "completed_at": {"type": "string", "format": "date-time"}
            }
        },
        "BlockingInvoice": {
            "type": "object", "required": ["number", "total", "due_on"],
            "description": "The overdue invoice that blocks the organization (the oldest when several are)",
            "properties": {"number": number, "total": kopecks, "due_on": date}
        },
        "InvoicePage": {
            "type": "object", "required": ["items", "page", "per_page", "total"],
            "properties": {
                "items": {"type": "array", "items": schema_ref("Invoice")},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}
            }
        }
    });
    match schemas {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn number_parameter() -> Value {
    json!({"name": "number", "in": "path", "required": true,
           "schema": {"type": "string", "pattern": "^[0-9]{4}(0[1-9]|1[0-2])-[0-9]{5,12}$"}})
}

pub fn paths(paths: &mut Map<String, Value>) {
    let path = |p: &str| format!("{API_PREFIX}{p}");
    paths.insert(
        path("/invoices"),
        authed_get(
            "Monthly invoices of the token's organizations (an operator's: all), newest period first",
            json!([
                {"name": "organization", "in": "query", "required": false, "schema": {"type": "integer", "format": "int64"},
                 "description": "Only this organization's (404 outside the token's)"},
                {"name": "status", "in": "query", "required": false,
                 "schema": {"type": "string", "enum": InvoiceStatus::ALL.map(InvoiceStatus::as_api)}},
                {"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": u32::MAX, "default": 1}},
                {"name": "per_page", "in": "query", "required": false,
                 "schema": {"type": "integer", "enum": PAGE_SIZES, "default": DEFAULT_PER_PAGE}}
            ]),
            ok_response("One page of invoices", schema_ref("InvoicePage")),
            &[
                ("400", "A filter, page or per_page is not one the portal accepts (`bad_request`)"),
                ("404", "The organization is not among the token's (`not_found`)"),
            ],
        ),
    );
    paths.insert(
        path("/invoices/{number}"),
        authed_get(
            "One invoice with its lines (one per activation)",
            json!([number_parameter()]),
            ok_response("The invoice", schema_ref("InvoiceDetail")),
            &[
                ("400", "Not an invoice number (`bad_request`)"),
                (
                    "404",
                    "No such invoice among the token's organizations (`not_found`)",
                ),
            ],
        ),
    );
    let mut document = authed_get(
        "The invoice as a document with the act of transfer of rights (акт приема-передачи) totals: Russian unless Accept-Language prefers English",
        json!([
            number_parameter(),
            {"name": "format", "in": "query", "required": false,
             "schema": {"type": "string", "enum": ["text", "html"], "default": "text"}}
        ]),
        json!({"description": "The document, as an attachment `invoice-<number>.txt|html`",
               "content": {"text/plain": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}}}}),
        &[
            (
                "400",
                "Not an invoice number, or a format other than text or html (`bad_request`)",
            ),
            (
                "404",
                "No such invoice among the token's organizations (`not_found`)",
            ),
        ],
    );
    if let Some(responses) = document["get"]["responses"].as_object_mut() {
        responses.remove("304");
    }
    paths.insert(path("/invoices/{number}/document"), document);
    paths.insert(
        path("/invoices/{number}/pay"),
        authed_post(
            "The vendor's operator marks an invoice paid; the organization unblocks at once when none of its invoices is overdue any more",
            json!([number_parameter(), idempotency_header(REPLAYED)]),
            None,
            &[("200", ok_response("The invoice, paid", schema_ref("InvoiceDetail")))],
            &[
                ("400", "Not an invoice number, or a malformed Idempotency-Key (`bad_request`)"),
                ("403", "Only an operator may mark invoices paid (`forbidden`)"),
                ("404", "No such invoice (`not_found`)"),
                ("409", "The invoice was paid already (`conflict`)"),
                ("422", "The Idempotency-Key was used with another request (`unprocessable`)"),
            ],
        ),
    );
}
