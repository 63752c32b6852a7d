//! OpenAPI paths and schemas of accounts, login and tokens (issue 15).

use super::super::access_rules::{MAX_EMAIL_CHARS, MAX_LABEL_CHARS};
use super::super::password::{MAX_CHARS, MIN_CHARS};
use super::{
    BAD_BODY, array_of, authed_get, authed_post, common_errors, error_response, ok_response,
    schema_ref,
};
use crate::client::wire::API_PREFIX;
use serde_json::{Map, Value, json};

const ROLES: [&str; 4] = ["admin", "support", "viewer", "operator"];

pub fn schemas() -> Map<String, Value> {
    let date_time = json!({"type": "string", "format": "date-time"});
    let nullable_date_time = json!({"type": "string", "format": "date-time", "nullable": true});
    let email = json!({"type": "string", "minLength": 3, "maxLength": MAX_EMAIL_CHARS, "pattern": super::EMAIL, "description": "Compared trimmed and case-insensitively"});
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
        "NewAccountRequest": {"type": "object", "required": ["email", "role", "organizations"], "properties": {
            "email": email,
            "role": {"type": "string", "enum": ["admin", "support", "viewer"]},
            "organizations": {"type": "array", "minItems": 1, "items": {"type": "integer", "format": "int64", "minimum": 1}},
            "password": {"type": "string", "minLength": MIN_CHARS, "maxLength": MAX_CHARS, "description": "Operator only; without it the answer carries an invitation code"}
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
            "Revoke the token that asks",
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
            "Tokens the caller may manage: its own account's; a partner admin also those of its organizations' accounts; an operator every one. Never the tokens themselves",
            json!([]),
            ok_response("The tokens, newest first", array_of("TokenInfo")),
            &[],
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
    paths.insert(
        path("/accounts"),
        json!({
            "get": authed_get(
                "Accounts the caller may manage (an operator all; a partner admin its organizations'; others their own)",
                json!([]),
                ok_response("The accounts, by e-mail", array_of("AccountInfo")),
                &[],
            )["get"].clone(),
            "post": authed_post(
                "Create an account (operator: any partner role and organizations, with a password or an invitation; partner admin: an invitation for its own organizations)",
                json!([]),
                Some("NewAccountRequest"),
                &[("201", ok_response("The account, and the invitation code when no password was given", schema_ref("CreatedAccount")))],
                &[
                    ("400", BAD_BODY),
                    ("403", "The role may not manage accounts, or a partner admin gave a password (`forbidden`)"),
                    ("404", "An organization does not exist or the token cannot see it (`not_found`)"),
                    ("409", "The e-mail has an account already (`conflict`)"),
                ],
            )["post"].clone(),
        }),
    );
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
    paths.insert(
        path("/invitations/accept"),
        public_post(
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
        ),
    );
}
