//! Who may see and manage which accounts and tokens, and what an account's e-mail,
//! password and a token's label must look like (issue 15): pure rules, the same for
//! every backend (docs/DESIGN.md §3.9).
//!
//! - Everyone sees and revokes the tokens of its own account (and the token it uses).
//! - A partner admin manages the accounts and tokens of its organizations: those whose
//!   organizations are all among its own, never an operator's.
//! - The vendor's operator manages every account and token.
//! - Support and viewer manage nothing but their own.

use super::auth::Caller;
use super::error::ApiError;
use crate::client::wire::{AccountInfo, OrgRef, Role, TokenInfo};
use crate::domain::text;

/// Longest e-mail (RFC 5321's path limit) and token label, in characters.
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_LABEL_CHARS: usize = 100;

/// A caller's rights over an object owned by `account` (an e-mail) with `role` and
/// `organizations`.
fn manages(caller: &Caller, account: Option<&str>, role: Role, organizations: &[OrgRef]) -> bool {
    let own = caller.account_id.is_some() && account == Some(caller.label.as_str());
    own || match caller.role {
        Role::Operator => true,
        Role::Admin => {
            role != Role::Operator
                && !organizations.is_empty()
                && organizations.iter().all(|org| caller.sees(org.id))
        }
        Role::Support | Role::Viewer => false,
    }
}

/// Whether `caller` may see `token` in `GET /tokens` and revoke it.
pub fn may_manage_token(caller: &Caller, token: &TokenInfo) -> bool {
    token.id == caller.token_id
        || manages(
            caller,
            token.account.as_deref(),
            token.role,
            &token.organizations,
        )
}

/// Whether `caller` may see `account` in `GET /accounts` and disable it.
pub fn may_manage_account(caller: &Caller, account: &AccountInfo) -> bool {
    manages(
        caller,
        Some(account.email.as_str()),
        account.role,
        &account.organizations,
    )
}

/// The e-mail trimmed and lower case, or a 400 naming the field.
pub fn email(field: &str, raw: &str) -> Result<String, ApiError> {
    let email = super::rules::normalize_email(raw);
    text::check(field, &email, MAX_EMAIL_CHARS).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let shaped = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
    }) && !email.chars().any(char::is_whitespace);
    if shaped {
        Ok(email)
    } else {
        Err(ApiError::BadRequest(format!(
            "{field} is not an e-mail address (name@example.com)"
        )))
    }
}

/// A password the portal accepts to hash, or a 400 naming the field.
pub fn password(field: &str, password: &str) -> Result<(), ApiError> {
    text::check(field, password, super::password::MAX_CHARS)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if password.chars().count() < super::password::MIN_CHARS {
        return Err(ApiError::BadRequest(format!(
            "{field} must have at least {} characters",
            super::password::MIN_CHARS
        )));
    }
    Ok(())
}

/// A token's label, trimmed (empty: none), or a 400 naming the field.
pub fn label(field: &str, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(label) = raw.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    text::check(field, label, MAX_LABEL_CHARS).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok(Some(label.to_string()))
}

/// The role and organizations a new account may have when `caller` creates it: a
/// partner role with at least one organization, for a partner admin only its own
/// (others answer 404, as reads do); an operator account (no organizations: it sees
/// all) only by an operator. Only an operator may set a password directly.
pub fn new_account(
    caller: &Caller,
    role: Role,
    organizations: &[i64],
    with_password: bool,
) -> Result<Vec<i64>, ApiError> {
    let mut organizations = organizations.to_vec();
    organizations.sort_unstable();
    organizations.dedup();
    if role == Role::Operator {
        if caller.role != Role::Operator {
            return Err(ApiError::Forbidden(format!(
                "role {} may not create operator accounts: only an operator may",
                caller.role.as_str()
            )));
        }
        if !organizations.is_empty() {
            return Err(ApiError::BadRequest(
                "organizations: an operator account has none (it sees every organization)".into(),
            ));
        }
        return Ok(organizations);
    }
    if organizations.is_empty() {
        return Err(ApiError::BadRequest(
            "organizations: name at least one organization".into(),
        ));
    }
    if caller.role != Role::Operator {
        for id in &organizations {
            caller.organization(*id)?;
        }
        if with_password {
            return Err(ApiError::Forbidden(
                "role admin may not set another account's password: leave it out, and the invitee sets it with the invitation code".into(),
            ));
        }
    }
    Ok(organizations)
}

/// The current password given to `POST /password` does not match.
pub fn wrong_password() -> ApiError {
    ApiError::unprocessable("current_password is wrong".to_string())
}

pub fn account_disabled(id: i64) -> ApiError {
    ApiError::Conflict(format!(
        "account {id} is disabled: a disabled account gets no reset code"
    ))
}

/// Which tokens and accounts `caller` may list (`access_lists`), the rule of
/// [`may_manage_token`] and [`may_manage_account`] for the store to apply.
pub fn visibility(caller: &Caller) -> crate::portal::store::Visibility {
    use crate::portal::store::Visibility;
    match caller.role {
        Role::Operator => Visibility::All,
        role => Visibility::Partner {
            token_id: caller.token_id,
            account_id: caller.account_id,
            admin_of: if role == Role::Admin {
                caller.organization_ids()
            } else {
                Vec::new()
            },
        },
    }
}

/// The same answer for an unknown e-mail, a wrong password, an account without a
/// password yet and a disabled one, so accounts cannot be enumerated.
pub fn login_failed() -> ApiError {
    ApiError::LoginFailed("wrong e-mail or password".into())
}

pub fn account_exists(email: &str) -> ApiError {
    ApiError::Conflict(format!("an account with e-mail {email} exists already"))
}

pub fn invitation_not_found() -> ApiError {
    ApiError::NotFound(
        "the invitation code is unknown, used or expired: ask for a new invitation".into(),
    )
}

pub fn reset_code_not_found() -> ApiError {
    ApiError::NotFound("the reset code is unknown, used or expired: ask for a new one".into())
}

pub fn token_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("token {id} not found"))
}

pub fn account_not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("account {id} not found"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn org(id: i64) -> OrgRef {
        OrgRef {
            id,
            name: format!("org {id}"),
            inn: String::new(),
        }
    }

    fn caller(role: Role, orgs: &[i64], account: Option<(i64, &str)>) -> Caller {
        Caller {
            token_id: 100,
            role,
            label: account.map(|(_, e)| e.to_string()).unwrap_or("cli".into()),
            organizations: orgs.iter().copied().map(org).collect(),
            account_id: account.map(|(id, _)| id),
            request_id: None,
        }
    }

    fn token(id: i64, account: Option<&str>, role: Role, orgs: &[i64]) -> TokenInfo {
        TokenInfo {
            id,
            label: "t".into(),
            account: account.map(str::to_string),
            role,
            organizations: orgs.iter().copied().map(org).collect(),
            created_at: Utc::now(),
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
            current: false,
        }
    }

    #[test]
    fn who_manages_which_token() {
        let admin1 = caller(Role::Admin, &[1], Some((1, "a@one.example")));
        let support1 = caller(Role::Support, &[1], Some((2, "s@one.example")));
        let operator = caller(Role::Operator, &[1, 2], None);
        let of_org1 = token(5, Some("v@one.example"), Role::Viewer, &[1]);
        let of_org2 = token(6, Some("v@two.example"), Role::Viewer, &[2]);
        let of_both = token(7, None, Role::Admin, &[1, 2]);
        let operators = token(8, None, Role::Operator, &[1]);
        let supports_own = token(9, Some("s@one.example"), Role::Support, &[1]);
        assert!(may_manage_token(&admin1, &of_org1));
        assert!(!may_manage_token(&admin1, &of_org2));
        assert!(
            !may_manage_token(&admin1, &of_both),
            "not all its organizations"
        );
        assert!(!may_manage_token(&admin1, &operators));
        assert!(may_manage_token(&support1, &supports_own));
        assert!(!may_manage_token(&support1, &of_org1));
        assert!(may_manage_token(
            &support1,
            &token(100, None, Role::Support, &[1])
        ));
        for t in [&of_org1, &of_org2, &of_both, &operators] {
            assert!(may_manage_token(&operator, t));
        }
    }

    #[test]
    fn emails_passwords_and_labels_are_checked_naming_the_field() {
        assert_eq!(
            email("email", " Ann@Example.COM ").ok().as_deref(),
            Some("ann@example.com")
        );
        for bad in ["ann", "@x", "a@", "a b@x", "a@b@c", "a\u{1b}@x"] {
            let err = email("email", bad).expect_err(bad).to_string();
            assert!(err.starts_with("email "), "{err}");
        }
        assert!(password("password", "long enough").is_ok());
        assert!(password("password", "short").is_err());
        assert!(password("password", "with\nnewline!").is_err());
        assert_eq!(label("label", Some("  ")).ok(), Some(None));
        assert!(label("label", Some("a\u{7}b")).is_err());
    }
}
