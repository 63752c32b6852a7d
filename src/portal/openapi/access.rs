//! OpenAPI paths and schemas of accounts, login and tokens (issue 15).

use super::super::access_rules::{MAX_EMAIL_CHARS, MAX_LABEL_CHARS};
use super::super::password::{MAX_CHARS, MIN_CHARS};
use super::{
    REPLAYED, authed_get, authed_post, common_errors, error_response, idempotency_header,
    ok_response, schema_ref,
};
use crate::client::access::{ACCESS_DEFAULT_PER_PAGE, ACCESS_MAX_PER_PAGE};
use crate::client::wire::{API_PREFIX, IDEMPOTENCY_HEADER};
use serde_json::{Map, Value, json};

const ROLES: [&str; 4] = ["admin", "support", "viewer", "operator"];

pub fn schemas() -> Map<String, Value> {
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let email = json!({"type": "string", "minLength": 3, "maxLength": MAX_EMAIL_CHARS, "pattern": super::EMAIL, "description": "Compared trimmed and case-insensitively"});
    let password_field = json!({"type": "string", "nullable": true, "minLength": MIN_CHARS, "maxLength": MAX_CHARS, "description": "Operator only; without it the answer carries an invitation code"});
    let password = json!({"type": "string", "minLength": MIN_CHARS, "maxLength": MAX_CHARS, "pattern": super::PRINTABLE, "description": "Printable text; stored only as an argon2id hash"});
    let orgs = json!({"type": "array", "items": schema_ref("OrgRef")});
    let schemas = json!({
        "LoginRequest": {"type": "object", "required": ["email", "password"], "properties": {
            "email": email,
            "password": {"type": "string", "maxLength": MAX_CHARS, "pattern": super::PRINTABLE},
            "label": {"type": "string", "maxLength": MAX_LABEL_CHARS, "pattern": super::PRINTABLE, "description": "What the token is for, shown in the token list (default `login`)"}
        }},
        "LoginResponse": {"type": "object", "required": ["token", "info"], "properties": {
            "token": {"type": "string", "description": "The bearer token, shown this once (`lca_…`)"},
            "info": schema_ref("TokenInfo")
        }},
        "TokenInfo": {"type": "object",
            "required": ["id", "label", "account", "role", "organizations", "created_at", "expires_at", "last_used_at", "revoked_at", "current"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "label": {"type": "string"},
                "account": {"type": "string", "nullable": true, "description": "The account's e-mail; null for a token made on the server"},
                "role": {"type": "string", "enum": ROLES},
                "organizations": orgs.clone(),
                "created_at": date_time.clone(),
                "expires_at": nullable_date_time.clone(),
                "last_used_at": {"type": "string", "format": "date-time", "nullable": true, "description": "Updated at most about once a minute"},
                "revoked_at": nullable_date_time.clone(),
                "current": {"type": "boolean", "description": "The token that asked"}
            }},
        // A partner account names its organizations, an operator's none: one schema
        // for each, so the document says what `access_rules::new_account` refuses.
        "NewAccountRequest": {"oneOf": [
            {"type": "object", "required": ["email", "role", "organizations"], "properties": {
                "email": email.clone(),
                "role": {"type": "string", "enum": ["admin", "support", "viewer"]},
                "organizations": {"type": "array", "minItems": 1, "items": {"type": "integer", "format": "int64", "minimum": 1}, "description": "The partner organizations the account works for"},
                "password": password_field.clone()
            }},
            {"type": "object", "required": ["email", "role", "organizations"], "properties": {
                "email": email,
                "role": {"type": "string", "enum": ["operator"], "description": "Only by an operator"},
                "organizations": {"type": "array", "maxItems": 0, "items": {"type": "integer", "format": "int64", "minimum": 1}, "description": "None: an operator sees every organization"},
                "password": password_field
            }}
        ]},
        "TokenPage": {"type": "object", "required": ["items", "per_page"], "properties": {
            "items": {"type": "array", "items": schema_ref("TokenInfo")},
            "per_page": {"type": "integer"},
            "next": {"type": "string", "description": "Pass as `cursor` for the next page; absent on the last"}
        }},
        "AccountPage": {"type": "object", "required": ["items", "per_page"], "properties": {
            "items": {"type": "array", "items": schema_ref("AccountInfo")},
            "per_page": {"type": "integer"},
            "next": {"type": "string", "description": "Pass as `cursor` for the next page; absent on the last"}
        }},
        "PasswordChange": {"type": "object", "required": ["current_password", "new_password"], "properties": {
            "current_password": {"type": "string", "maxLength": MAX_CHARS},
            "new_password": password.clone()
        }},
        "PasswordChanged": {"type": "object", "required": ["account", "revoked_tokens"], "properties": {
            "account": schema_ref("AccountInfo"),
            "revoked_tokens": {"type": "integer", "minimum": 0, "description": "The account's other tokens, revoked by the change"}
        }},
        "PasswordReset": {"type": "object", "required": ["account", "code"], "properties": {
            "account": schema_ref("AccountInfo"),
            "code": {"type": "string", "description": "The reset code (`lcr_…`), shown this once; valid a day, once"}
        }},
        "ResetWithCode": {"type": "object", "required": ["code", "password"], "properties": {
            "code": {"type": "string", "maxLength": 100},
            "password": password.clone()
        }},
        "AccountInfo": {"type": "object",
            "required": ["id", "email", "role", "organizations", "created_at", "created_by", "has_password", "invitation_expires_at", "disabled_at"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "email": {"type": "string"},
                "role": {"type": "string", "enum": ROLES},
                "organizations": orgs,
                "created_at": date_time,
                "created_by": {"type": "string"},
                "has_password": {"type": "boolean"},
                "invitation_expires_at": nullable_date_time.clone(),
                "disabled_at": nullable_date_time
            }},
        "CreatedAccount": {"type": "object", "required": ["account"], "properties": {
            "account": schema_ref("AccountInfo"),
            "invitation": {"type": "string", "description": "The invitation code (`lci_…`), shown this once; valid 7 days, once"}
        }},
        "AcceptInvitation": {"type": "object", "required": ["code", "password"], "properties": {
            "code": {"type": "string", "maxLength": 100},
            "password": password
        }},
    });
    schemas.as_object().cloned().unwrap_or_default()
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// `per_page` and `cursor` of the token and account lists.
fn page_parameters() -> Vec<Value> {
    vec![
        query(
            "per_page",
            "Items per page",
            json!({"type": "integer", "minimum": 1, "maximum": ACCESS_MAX_PER_PAGE, "default": ACCESS_DEFAULT_PER_PAGE}),
        ),
        query(
            "cursor",
            "The `next` of the previous page",
            json!({"type": "string", "minLength": 1}),
        ),
    ]
}

const BAD_PAGE: &str = "per_page or cursor is not one the portal accepts, or a parameter is empty or repeated; the message names it (`bad_request`)";

fn id_parameter(what: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": format!("The {what}'s id"),
           "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

/// An authenticated DELETE.
fn authed_delete(summary: &str, what: &str, ok: Value, errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({
        "200": ok,
        "400": error_response("The id is not a whole number from 1 (`bad_request`)"),
        "401": error_response("Missing, malformed, unknown, revoked (`token_revoked`) or expired (`token_expired`) bearer token"),
    });
    for (status, description) in errors {
        responses[*status] = error_response(description);
    }
    common_errors(&mut responses);
    json!({"delete": {
        "summary": summary,
        "security": [{"bearerAuth": []}],
        "parameters": [id_parameter(what)],
        "responses": responses,
    }})
}

/// A POST without a token (login, accepting an invitation).
fn public_post(summary: &str, body: &str, ok: (&str, Value), errors: &[(&str, &str)]) -> Value {
    let mut responses = json!({});
    responses[ok.0] = ok.1;
    for (status, description) in errors {
        responses[*status] = error_response(description);
    }
    common_errors(&mut responses);
    json!({"post": {
        "summary": summary,
        "security": [],
        "requestBody": {"required": true, "content": {"application/json": {"schema": schema_ref(body)}}},
        "responses": responses,
    }})
}

pub fn paths(paths: &mut Map<String, Value>) {
    let path = |p: &str| format!("{API_PREFIX}{p}");
    let mut login = public_post(
        "Log in with an account's e-mail and password: a new token with the account's role and organizations, expiring after 30 days (`serve --token-days`)",
        "LoginRequest",
        (
            "201",
            ok_response(
                "The token (shown this once) and its details",
                schema_ref("LoginResponse"),
            ),
        ),
        &[
            (
                "400",
                "The e-mail is not an address, the label is not printable text or too long, the password is over its bound, or the body is not of the request shape (`bad_request`)",
            ),
            (
                "401",
                "Wrong e-mail or password — the same answer for an unknown e-mail (`login_failed`)",
            ),
        ],
    );
    login["post"]["responses"]["429"]["description"] = json!(
        "Too many failed logins for this account, or failed authentications from this address (`rate_limited`)"
    );
    paths.insert(path("/login"), login);
    paths.insert(
        path("/logout"),
        authed_post(
            "Revoke the token that asks (idempotent by nature: an `Idempotency-Key` is accepted and needs no record)",
            json!([]),
            None,
            &[(
                "200",
                ok_response("The revoked token", schema_ref("TokenInfo")),
            )],
            &[],
        ),
    );
    paths.insert(
        path("/tokens"),
        authed_get(
            "Tokens the caller may manage: its own account's; a partner admin also those of its organizations' accounts; an operator every one. Never the tokens themselves. Newest first, paged by cursor",
            json!(page_parameters()),
            ok_response("One page of tokens, newest first", schema_ref("TokenPage")),
            &[("400", BAD_PAGE)],
        ),
    );
    paths.insert(
        path("/tokens/{id}"),
        authed_delete(
            "Revoke a token: its owner, a partner admin for its organizations' accounts, an operator. Refused within a second on every portal (401 `token_revoked`)",
            "token",
            ok_response("The revoked token", schema_ref("TokenInfo")),
            &[("404", "No such token among those the caller may manage (`not_found`)")],
        ),
    );
    let mut account_list = page_parameters();
    account_list.push(query(
        "email",
        "Only the account with this e-mail",
        json!({"type": "string", "minLength": 3, "maxLength": MAX_EMAIL_CHARS, "pattern": super::EMAIL}),
    ));
    paths.insert(
        path("/accounts"),
        json!({
            "get": authed_get(
                "Accounts the caller may manage (an operator all; a partner admin its organizations'; others their own), by e-mail, paged by cursor",
                json!(account_list),
                ok_response("One page of accounts, by e-mail", schema_ref("AccountPage")),
                &[("400", "per_page, cursor or email is not one the portal accepts, or a parameter is empty or repeated; the message names it (`bad_request`)")],
            )["get"].clone(),
            "post": authed_post(
                "Create an account (operator: any role — an operator account has no organizations — with a password or an invitation; partner admin: an invitation for its own organizations, never an operator). Recorded as `account.created` or `account.invited`",
                json!([idempotency_header("Repeating the request with the same key answers the account again (200, `Idempotent-Replayed: true`) without creating it twice — but not the invitation code, which is not kept: make a new one with `POST /accounts/{id}/reset`")]),
                Some("NewAccountRequest"),
                &[
                    ("201", ok_response("The account, and the invitation code when no password was given", schema_ref("CreatedAccount"))),
                    ("200", ok_response("A replay under the same `Idempotency-Key`: the account, without a code", schema_ref("CreatedAccount"))),
                ],
                &[
                    ("400", "The body is not of the request shape, the e-mail or password is not accepted, organizations are missing (partner roles) or given (operator), or the `Idempotency-Key` is malformed (`bad_request`)"),
                    ("403", "The role may not manage accounts, a partner admin gave a password or asked for an operator account (`forbidden`)"),
                    ("404", "An organization does not exist or the token cannot see it (`not_found`)"),
                    ("409", "The e-mail has an account already (`conflict`)"),
                    ("422", "The `Idempotency-Key` was used with another request (`unprocessable`)"),
                ],
            )["post"].clone(),
        }),
    );
    paths.insert(
        path("/password"),
        authed_post(
            "Change the password of the token's account: the current one and a new one. The account's other tokens are revoked (`account.password_changed`, `token.revoked`); this one stays",
            json!([idempotency_header(REPLAYED)]),
            Some("PasswordChange"),
            &[(
                "200",
                ok_response("The account and how many other tokens were revoked", schema_ref("PasswordChanged")),
            )],
            &[
                ("400", "The new password is too short, too long or not printable, or the body is not of the request shape (`bad_request`)"),
                ("403", "The token belongs to no account: it was made on the server (`forbidden`)"),
                ("422", "The current password is wrong, or the `Idempotency-Key` was used with another request (`unprocessable`)"),
            ],
        ),
    );
    paths.insert(
        path("/accounts/{id}/reset"),
        json!({"post": {
            "summary": "A one-time password-reset code for an account (an operator; a partner admin for its organizations' accounts), valid a day; a new code replaces a pending one. Recorded as `account.password_reset`",
            "security": [{"bearerAuth": []}],
            "parameters": [id_parameter("account")],
            "responses": {
                "201": ok_response("The account and the code, shown this once", schema_ref("PasswordReset")),
                "400": error_response("The id is not a whole number from 1 (`bad_request`)"),
                "401": error_response("Missing, malformed or unknown bearer token (`unauthorized`), a revoked one (`token_revoked`) or an expired one (`token_expired`)"),
                "403": error_response("The role may not manage accounts (`forbidden`)"),
                "404": error_response("No such account among those the caller may manage (`not_found`)"),
                "409": error_response("The account is disabled (`conflict`)"),
                "414": error_response("The URI is over 8 KiB (`uri_too_long`)"),
            },
        }}),
    );
    if let Some(responses) = paths
        .get_mut(&path("/accounts/{id}/reset"))
        .and_then(|p| p.get_mut("post"))
        .and_then(|p| p.get_mut("responses"))
    {
        common_errors(responses);
    }
    paths.insert(
        path("/accounts/{id}"),
        authed_delete(
            "Disable an account and revoke every token of it",
            "account",
            ok_response("The disabled account", schema_ref("AccountInfo")),
            &[
                ("403", "The role may not manage accounts (`forbidden`)"),
                (
                    "404",
                    "No such account among those the caller may manage (`not_found`)",
                ),
            ],
        ),
    );
    let mut accept = public_post(
        "Set the password of an invited account with its invitation code (once, within 7 days)",
        "AcceptInvitation",
        (
            "200",
            ok_response("The account, now able to log in", schema_ref("AccountInfo")),
        ),
        &[
            (
                "400",
                "The password is too short, too long or not printable text (`bad_request`)",
            ),
            ("404", "The code is unknown, used or expired (`not_found`)"),
        ],
    );
    code_is_the_key(&mut accept);
    paths.insert(path("/invitations/accept"), accept);
    let mut reset = public_post(
        "Set a new password with a reset code (once, within a day); every token of the account is revoked (`account.password_changed`)",
        "ResetWithCode",
        (
            "200",
            ok_response(
                "The account, able to log in with the new password",
                schema_ref("AccountInfo"),
            ),
        ),
        &[
            (
                "400",
                "The password is too short, too long or not printable text (`bad_request`)",
            ),
            ("404", "The code is unknown, used or expired (`not_found`)"),
        ],
    );
    code_is_the_key(&mut reset);
    paths.insert(path("/password/reset"), reset);
}

/// The writes by one-time code take no token to scope an `Idempotency-Key` to: the
/// code is their key (`routes_passwords::set_with_code`).
fn code_is_the_key(operation: &mut Value) {
    operation["post"]["parameters"] = json!([{
        "name": IDEMPOTENCY_HEADER, "in": "header", "required": false,
        "description": "Optional and checked (1 to 255 visible ASCII characters), but the code itself is this write's key: the same code with the same password again within 24 hours (the portal's `--idempotency-hours`) answers the account again, marked `Idempotent-Replayed: true`, and does nothing; another password is the code's 404",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
    }]);
}

/// Every query parameter may be given once and not empty (`params::single_values`):
/// a string one without an `enum` gets `minLength: 1` (and, without a pattern of its
/// own, one saying it is not blank), so the document says what the portal refuses.
pub fn single_query_values(paths: &mut Map<String, Value>) {
    for operation in paths.values_mut().filter_map(Value::as_object_mut) {
        for method in operation.values_mut() {
            let Some(parameters) = method.get_mut("parameters").and_then(Value::as_array_mut)
            else {
                continue;
            };
            for parameter in parameters {
                if parameter["in"] != "query" {
                    continue;
                }
                let schema = &mut parameter["schema"];
                if schema["type"] != "string" || schema.get("enum").is_some() {
                    continue;
                }
                if schema.get("minLength").is_none() {
                    schema["minLength"] = json!(1);
                }
                // Blank is empty too (values are read trimmed).
                if schema.get("pattern").is_none() {
                    schema["pattern"] = json!("\\S");
                }
            }
        }
    }
}
