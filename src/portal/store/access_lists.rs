//! `GET /tokens` and `GET /accounts` a page at a time, as SQL written once for both
//! backends (issue 15, docs/DESIGN.md §4.2). Tokens are never deleted (idempotency
//! keys name them), so the list grows with every login: a page walks the primary key
//! (tokens newest first) or the e-mail's unique index (accounts) from its cursor and
//! keeps what the caller may manage, the rule of `access_rules::manages` in SQL.

use super::activation_list::{Arg, Builder, Dialect, Query};
use crate::client::access::CursorPage;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Which tokens or accounts a caller may see (`access_rules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every one (an operator).
    All,
    /// Its own token, its account's, and when `admin_of` is not empty (a partner
    /// admin) the partner ones whose organizations are all among these.
    Partner {
        token_id: i64,
        account_id: Option<i64>,
        admin_of: Vec<i64>,
    },
}

/// A validated `GET /tokens` or `GET /accounts` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessQuery {
    pub visible: Visibility,
    pub per_page: u32,
    pub cursor: Option<AccessCursor>,
    /// `GET /accounts?email=`: that account only (normalised).
    pub email: Option<String>,
}

/// Where the next page starts: after this token id (going down) or e-mail (going up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessCursor {
    Token(i64),
    Account(String),
}

impl AccessCursor {
    /// Opaque to clients: URL-safe base64 of `t~id` or `a~email`.
    pub fn encode(&self) -> String {
        let raw = match self {
            AccessCursor::Token(id) => format!("t~{id}"),
            AccessCursor::Account(email) => format!("a~{email}"),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// None for anything this portal did not hand out.
    pub fn decode(encoded: &str) -> Option<AccessCursor> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded).ok()?).ok()?;
        if let Some(id) = raw.strip_prefix("t~") {
            return id
                .parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .map(AccessCursor::Token);
        }
        let email = raw.strip_prefix("a~")?;
        (!email.is_empty() && !email.chars().any(char::is_control))
            .then(|| AccessCursor::Account(email.to_string()))
    }
}

/// The visibility condition on the owner `alias` (a token or an account row) whose
/// organizations are in `link` (`token_organizations.token_id` or
/// `account_organizations.account_id`).
fn visible(
    b: &mut Builder,
    visible: &Visibility,
    alias: &str,
    own_token: bool,
    link: (&str, &str),
) -> Option<String> {
    let Visibility::Partner {
        token_id,
        account_id,
        admin_of,
    } = visible
    else {
        return None;
    };
    let mut any = Vec::new();
    if own_token {
        any.push(format!("{alias}.id = {}", b.bind(Arg::Int(*token_id))));
    }
    if let Some(account) = account_id {
        let column = if own_token { "account_id" } else { "id" };
        any.push(format!("{alias}.{column} = {}", b.bind(Arg::Int(*account))));
    }
    if !admin_of.is_empty() {
        let (table, owner) = link;
        let outside = b.in_list("x.organization_id", admin_of);
        any.push(format!(
            "({alias}.role <> 'operator'
              AND EXISTS (SELECT 1 FROM {table} x WHERE x.{owner} = {alias}.id)
              AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{owner} = {alias}.id
                                AND NOT ({outside})))"
        ));
    }
    Some(if any.is_empty() {
        "FALSE".into()
    } else {
        format!("({})", any.join(" OR "))
    })
}

fn clause(conditions: Vec<String>) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

pub const TOKEN_COLUMNS: &str = "t.id, t.label, a.email, t.role, t.created_at, t.expires_at,
     t.last_used_at, t.revoked_at";

pub const ACCOUNT_COLUMNS: &str = "acc.id, acc.email, acc.role, acc.password_hash IS NOT NULL,
     acc.invitation_expires_at, acc.created_at, acc.created_by, acc.disabled_at";

/// One more token than a page, newest first, of the [`TOKEN_COLUMNS`].
pub fn tokens_query(query: &AccessQuery, dialect: Dialect) -> Query {
    let mut b = Builder::new(dialect);
    let mut conditions: Vec<String> = visible(
        &mut b,
        &query.visible,
        "t",
        true,
        ("token_organizations", "token_id"),
    )
    .into_iter()
    .collect();
    if let Some(AccessCursor::Token(id)) = &query.cursor {
        conditions.push(format!("t.id < {}", b.bind(Arg::Int(*id))));
    }
    let limit = b.bind(Arg::Int(i64::from(query.per_page) + 1));
    b.finish(format!(
        "SELECT {TOKEN_COLUMNS} FROM tokens t LEFT JOIN accounts a ON a.id = t.account_id
         {} ORDER BY t.id DESC LIMIT {limit}",
        clause(conditions)
    ))
}

/// One more account than a page, by e-mail, of the [`ACCOUNT_COLUMNS`].
pub fn accounts_query(query: &AccessQuery, dialect: Dialect) -> Query {
    let mut b = Builder::new(dialect);
    let mut conditions: Vec<String> = visible(
        &mut b,
        &query.visible,
        "acc",
        false,
        ("account_organizations", "account_id"),
    )
    .into_iter()
    .collect();
    if let Some(AccessCursor::Account(email)) = &query.cursor {
        conditions.push(format!("acc.email > {}", b.bind(Arg::Text(email.clone()))));
    }
    if let Some(email) = &query.email {
        conditions.push(format!("acc.email = {}", b.bind(Arg::Text(email.clone()))));
    }
    let limit = b.bind(Arg::Int(i64::from(query.per_page) + 1));
    b.finish(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts acc {} ORDER BY acc.email LIMIT {limit}",
        clause(conditions)
    ))
}

/// `(owner, organization)` pairs of the owners `ids` from `table` (`token_organizations`
/// by `token_id`, `account_organizations` by `account_id`).
pub fn organizations_query(table: &str, owner: &str, ids: &[i64], dialect: Dialect) -> Query {
    let mut b = Builder::new(dialect);
    let within = b.in_list(owner, ids);
    b.finish(format!(
        "SELECT {owner}, organization_id FROM {table} WHERE {within}"
    ))
}

/// The page of at most `per_page + 1` items read, with the cursor after its last one.
pub fn finish<T>(
    per_page: u32,
    mut items: Vec<T>,
    cursor_of: impl Fn(&T) -> AccessCursor,
) -> CursorPage<T> {
    let more = items.len() > per_page as usize;
    items.truncate(per_page as usize);
    let next = match items.last() {
        Some(last) if more => Some(cursor_of(last).encode()),
        _ => None,
    };
    CursorPage {
        items,
        per_page,
        next,
    }
}

/// The organization an access change is recorded on in the audit log: none for an
/// operator's token or account (only operators read those), else its lowest
/// organization (docs/DESIGN.md §3.9).
pub fn audit_organization(role: crate::client::wire::Role, organizations: &[i64]) -> Option<i64> {
    if role == crate::client::wire::Role::Operator {
        return None;
    }
    organizations.iter().copied().min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_what_was_not_handed_out() {
        for cursor in [
            AccessCursor::Token(7),
            AccessCursor::Account("a~b@x.example".into()),
        ] {
            assert_eq!(AccessCursor::decode(&cursor.encode()), Some(cursor));
        }
        for bad in [
            "",
            "dH4w",
            "YX4",
            "e~1",
            &URL_SAFE_NO_PAD.encode("a~\u{1b}"),
        ] {
            assert_eq!(AccessCursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_partner_sees_its_own_and_an_admin_its_organizations() {
        let query = |visible| AccessQuery {
            visible,
            per_page: 2,
            cursor: Some(AccessCursor::Token(9)),
            email: None,
        };
        let all = tokens_query(&query(Visibility::All), Dialect::Postgres);
        assert!(!all.sql.contains("operator"), "{}", all.sql);
        let viewer = tokens_query(
            &query(Visibility::Partner {
                token_id: 3,
                account_id: None,
                admin_of: vec![],
            }),
            Dialect::Sqlite,
        );
        assert!(viewer.sql.contains("t.id = ?"));
        assert!(!viewer.sql.contains("EXISTS"));
        let admin = tokens_query(
            &query(Visibility::Partner {
                token_id: 3,
                account_id: Some(4),
                admin_of: vec![1, 2],
            }),
            Dialect::Postgres,
        );
        assert!(admin.sql.contains("t.account_id = $2"), "{}", admin.sql);
        assert!(admin.sql.contains("= ANY($3)"), "{}", admin.sql);
        let page = finish(2, vec![5, 4, 3], |id| AccessCursor::Token(*id));
        assert_eq!(page.items, vec![5, 4]);
        assert_eq!(
            page.next.as_deref().and_then(AccessCursor::decode),
            Some(AccessCursor::Token(4))
        );
        assert_eq!(finish(2, vec![5], |id| AccessCursor::Token(*id)).next, None);
    }
}
