//! Who is asking and who may: roles, `GET /me`, login and tokens, accounts and
//! invitations (issue 15).

use super::OrgRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Support,
    Viewer,
    /// The vendor's staff (not a partner): records purchases, blocks and unblocks
    /// organizations, manages access. Never creates activations or binds seats.
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Support => "support",
            Role::Viewer => "viewer",
            Role::Operator => "operator",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "support" => Ok(Role::Support),
            "viewer" => Ok(Role::Viewer),
            "operator" => Ok(Role::Operator),
            other => Err(format!(
                "unknown role {other:?}: expected admin, support, viewer or operator"
            )),
        }
    }
}

/// `GET /me`: who the token is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// The token's label (e.g. who it was issued to).
    pub account: String,
    pub role: Role,
    pub organizations: Vec<OrgRef>,
}

/// `POST /login`: an account's e-mail and password for a new token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: crate::secret::Secret,
    /// What the token is for (`laptop`, `cron on build-1`); shown in the token list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `POST /login` answer: the token, shown this once (the portal keeps only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: crate::secret::Secret,
    /// The same token as `GET /tokens` lists it.
    pub info: TokenInfo,
}

/// A token as `GET /tokens` lists it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    /// The account's e-mail; None for a token made on the server (`licadm token create`).
    pub account: Option<String>,
    pub role: Role,
    pub organizations: Vec<OrgRef>,
    pub created_at: DateTime<Utc>,
    /// None: never expires (a token made on the server).
    pub expires_at: Option<DateTime<Utc>>,
    /// Updated at most about once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// True for the token that asked.
    #[serde(default)]
    pub current: bool,
}

/// `POST /accounts`: a new account. Without `password` the portal answers an
/// invitation code for the invitee to set one (`POST /invitations/accept`); only an
/// operator may set a password directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountRequest {
    pub email: String,
    pub role: Role,
    pub organizations: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<crate::secret::Secret>,
}

/// An account as `GET /accounts` lists it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub organizations: Vec<OrgRef>,
    pub created_at: DateTime<Utc>,
    /// Who created or invited it (a token's account or label).
    pub created_by: String,
    /// False while an invitation waits for the invitee to set a password.
    pub has_password: bool,
    /// When a pending invitation stops working.
    pub invitation_expires_at: Option<DateTime<Utc>>,
    /// Set when the account was disabled (its tokens were revoked then).
    pub disabled_at: Option<DateTime<Utc>>,
}

/// `POST /accounts` answer: the account, and the invitation code when one was made
/// (shown this once; the portal keeps only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedAccount {
    pub account: AccountInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<crate::secret::Secret>,
}

/// `POST /invitations/accept`: the invitation code and the invitee's password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvitation {
    pub code: crate::secret::Secret,
    pub password: crate::secret::Secret,
}
