//! Seats (issue 4): one purchased license each, their list and query, their summary per
//! product, binding to a user.

use super::{DEFAULT_PER_PAGE, OrgRef};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A product seats and capacity are counted for, e.g. `{"id":"orangeuce","name":"Orange[uc]e"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatStatus {
    Free,
    Bound,
    Expired,
}

impl SeatStatus {
    pub const ALL: [SeatStatus; 3] = [SeatStatus::Free, SeatStatus::Bound, SeatStatus::Expired];

    pub fn as_api(self) -> &'static str {
        match self {
            SeatStatus::Free => "free",
            SeatStatus::Bound => "bound",
            SeatStatus::Expired => "expired",
        }
    }
}

/// One purchased license of a product (docs/DESIGN.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub id: i64,
    pub organization: OrgRef,
    pub product: ProductRef,
    pub status: SeatStatus,
    /// The bound user's e-mail (lower case); null unless `bound`.
    pub email: Option<String>,
    /// Payment date.
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatSortKey {
    Id,
    ValidUntil,
    Email,
}

impl SeatSortKey {
    pub const ALL: [SeatSortKey; 3] =
        [SeatSortKey::Id, SeatSortKey::ValidUntil, SeatSortKey::Email];

    pub fn as_api(self) -> &'static str {
        match self {
            SeatSortKey::Id => "id",
            SeatSortKey::ValidUntil => "valid_until",
            SeatSortKey::Email => "email",
        }
    }

    /// The `sort` parameter: the key's name, `-` first for descending.
    pub fn to_param(self, descending: bool) -> String {
        format!("{}{}", if descending { "-" } else { "" }, self.as_api())
    }

    /// Reads what `to_param` writes: the key and whether it is descending.
    pub fn parse_param(s: &str) -> Option<(SeatSortKey, bool)> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        SeatSortKey::ALL
            .into_iter()
            .find(|k| k.as_api() == name)
            .map(|key| (key, descending))
    }
}

/// `GET /seats` query: filters `organization`, `product`, `status`, `q` (e-mail text);
/// `sort` = `id` | `valid_until` | `email` with `-` for descending (default `id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeatQuery {
    pub organization: Option<i64>,
    pub product: Option<String>,
    pub status: Option<SeatStatus>,
    pub q: Option<String>,
    pub sort: SeatSortKey,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
}

impl Default for SeatQuery {
    fn default() -> Self {
        SeatQuery {
            organization: None,
            product: None,
            status: None,
            q: None,
            sort: SeatSortKey::Id,
            descending: false,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl SeatQuery {
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::with_capacity(8);
        if let Some(org) = self.organization {
            p.push(("organization", org.to_string()));
        }
        if let Some(product) = self.product.as_deref().filter(|s| !s.is_empty()) {
            p.push(("product", product.to_string()));
        }
        if let Some(st) = self.status {
            p.push(("status", st.as_api().to_string()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            p.push(("q", q.to_string()));
        }
        p.push(("sort", self.sort.to_param(self.descending)));
        p.push(("page", self.page.to_string()));
        p.push(("per_page", self.per_page.to_string()));
        p
    }
}

/// `POST /seats/{id}/bind` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindRequest {
    pub email: String,
}

/// `GET /seats/summary?organization=`: free/bound/expired per product, always visible
/// in the Seats screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatSummary {
    pub organization: OrgRef,
    pub product: ProductRef,
    pub free: u32,
    pub bound: u32,
    pub expired: u32,
}

/// `GET /users?organization=&q=`: registered users (bind suggestions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub email: String,
    pub name: String,
}
