//! The JSON shapes of API v1, written once and used by both the portal (serialize) and
//! the client (deserialize), so the two cannot drift apart.

use crate::domain::{ActivationStatus, Kopecks, Vendor};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const API_PREFIX: &str = "/api/v1";
/// Page sizes the API accepts (docs/DESIGN.md §4.4); the console cycles through them.
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const DEFAULT_PER_PAGE: u32 = 25;

/// The header naming the request on every answer (docs/DESIGN.md §4.3).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `{"error":{"code":"...","message":"..."}}` for every 4xx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// Machine-readable: `unauthorized`, `forbidden`, `not_found`, `bad_request`, …
    pub code: String,
    /// Human-readable, names the offending parameter or object.
    pub message: String,
    /// For a refused activation: every serial that is not `ok`, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<PrecheckRow>,
    /// The request's `X-Request-Id`, for the user to quote (docs/DESIGN.md §4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

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

/// An organization as embedded in other objects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
    pub inn: String,
}

/// `GET /organizations` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub inn: String,
    /// Empty for an individual entrepreneur.
    pub kpp: Option<String>,
    pub offer_accepted_at: Option<DateTime<Utc>>,
    pub activation_blocked: bool,
    /// The overdue invoice that blocks it (issue 17), when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<super::invoices::BlockingInvoice>,
}

impl Organization {
    pub fn as_ref(&self) -> OrgRef {
        OrgRef {
            id: self.id,
            name: self.name.clone(),
            inn: self.inn.clone(),
        }
    }
}

/// A vendor as embedded in other objects: `{"id":"pay-kiosk","name":"Пэй Киоск"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VendorRef {
    pub id: Vendor,
    pub name: String,
}

impl From<Vendor> for VendorRef {
    fn from(v: Vendor) -> VendorRef {
        VendorRef {
            id: v,
            name: v.name(crate::domain::Lang::Ru).to_string(),
        }
    }
}

/// `GET /prices` item: per vendor and model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub vendor: VendorRef,
    pub model: String,
    /// The partner's price ("Ваша цена").
    pub price: Kopecks,
    /// Recommended retail price.
    pub retail_price: Kopecks,
}

/// `GET /activations` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationSummary {
    pub number: i64,
    pub organization: OrgRef,
    pub status: ActivationStatus,
    pub vendor: VendorRef,
    pub license_count: i64,
    pub total_cost: Kopecks,
    /// Order date.
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Readable error text when `status` is `error`.
    pub error: Option<String>,
    /// When `status` is `error` and the vendor registry refused a serial: which one and
    /// why (its reason says whether a retry can succeed). Null otherwise.
    #[serde(default)]
    pub failure: Option<crate::domain::ActivationFailure>,
}

/// One serial of an activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationLine {
    pub serial: String,
    pub model: String,
    /// Subscription end before this activation (null when never licensed).
    pub current_until: Option<NaiveDate>,
    /// Subscription end after it.
    pub new_until: NaiveDate,
    pub price: Kopecks,
}

/// `GET /activations/{number}`: the summary fields plus the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationDetail {
    #[serde(flatten)]
    pub summary: ActivationSummary,
    pub lines: Vec<ActivationLine>,
}

/// `{"items":[...],"page":P,"per_page":N,"total":T}`, and for activations the
/// cursors of the neighbouring pages and whether `total` is only a lower bound
/// (docs/DESIGN.md §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// `total` was counted up to a cap: there are at least this many ("1 000+").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
    /// Cursor of the next page (`cursor=`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Cursor of the previous page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// A page without cursors and with an exact total.
    pub fn new(items: Vec<T>, page: u32, per_page: u32, total: u64) -> Page<T> {
        Page {
            items,
            page,
            per_page,
            total,
            total_capped: false,
            next: None,
            prev: None,
        }
    }
}

impl<T> Page<T> {
    /// Number of pages (at least 1, so "page 1 of 1" reads right for an empty list).
    pub fn page_count(&self) -> u32 {
        page_count(self.total, self.per_page)
    }
}

pub fn page_count(total: u64, per_page: u32) -> u32 {
    if per_page == 0 {
        return 1;
    }
    let pages = total.div_ceil(u64::from(per_page)).max(1);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// Sort keys of `GET /activations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivationSortKey {
    Number,
    TotalCost,
    CreatedAt,
}

impl ActivationSortKey {
    pub const ALL: [ActivationSortKey; 3] = [
        ActivationSortKey::Number,
        ActivationSortKey::TotalCost,
        ActivationSortKey::CreatedAt,
    ];

    pub fn as_api(self) -> &'static str {
        match self {
            ActivationSortKey::Number => "number",
            ActivationSortKey::TotalCost => "total_cost",
            ActivationSortKey::CreatedAt => "created_at",
        }
    }
}

/// `sort=number` / `sort=-total_cost`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivationSort {
    pub key: ActivationSortKey,
    pub descending: bool,
}

impl Default for ActivationSort {
    /// Newest first, as the seed's list shows (28, 27, 26, …).
    fn default() -> Self {
        ActivationSort {
            key: ActivationSortKey::Number,
            descending: true,
        }
    }
}

impl ActivationSort {
    pub fn to_param(self) -> String {
        format!(
            "{}{}",
            if self.descending { "-" } else { "" },
            self.key.as_api()
        )
    }

    pub fn parse(s: &str) -> Option<ActivationSort> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        ActivationSortKey::ALL
            .into_iter()
            .find(|k| k.as_api() == name)
            .map(|key| ActivationSort { key, descending })
    }
}

/// The query of `GET /activations`, as the client sends it and the console keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivationQuery {
    pub organization: Option<i64>,
    pub status: Option<ActivationStatus>,
    pub vendor: Option<Vendor>,
    /// Activation number, or (part of) a serial contained in the activation.
    pub q: Option<String>,
    pub sort: ActivationSort,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
    /// A page's `next` or `prev` cursor; wins over `page` (which the answer then
    /// reports as the cursor's page).
    pub cursor: Option<String>,
}

impl Default for ActivationQuery {
    fn default() -> Self {
        ActivationQuery {
            organization: None,
            status: None,
            vendor: None,
            q: None,
            sort: ActivationSort::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            cursor: None,
        }
    }
}

impl ActivationQuery {
    /// Query-string pairs, omitting unset filters.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::with_capacity(7);
        if let Some(org) = self.organization {
            p.push(("organization", org.to_string()));
        }
        if let Some(st) = self.status {
            p.push(("status", st.as_api().to_string()));
        }
        if let Some(v) = self.vendor {
            p.push(("vendor", v.id().to_string()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            p.push(("q", q.to_string()));
        }
        p.push(("sort", self.sort.to_param()));
        p.push(("page", self.page.to_string()));
        p.push(("per_page", self.per_page.to_string()));
        if let Some(cursor) = &self.cursor {
            p.push(("cursor", cursor.clone()));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_param_round_trip() {
        for key in ActivationSortKey::ALL {
            for descending in [false, true] {
                let s = ActivationSort { key, descending };
                assert_eq!(ActivationSort::parse(&s.to_param()), Some(s));
            }
        }
        assert_eq!(ActivationSort::parse("-cost"), None);
        assert_eq!(ActivationSort::parse("--number"), None);
    }

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 25), 1);
        assert_eq!(page_count(25, 25), 1);
        assert_eq!(page_count(26, 25), 2);
        assert_eq!(page_count(401, 100), 5);
    }

    #[test]
    fn detail_flattens_summary() {
        let json = serde_json::json!({
            "number": 40, "organization": {"id": 1, "name": "ТЕХБИЗНЕС+ ООО", "inn": "7743058902"},
            "status": "done", "vendor": {"id": "pay-kiosk", "name": "Пэй Киоск"},
            "license_count": 1, "total_cost": 390000, "created_at": "2025-12-13T10:00:00Z",
            "completed_at": null, "error": null,
            "lines": [{"serial": "0239110138900130", "model": "NETPAY-FC", "current_until": "2027-12-09", "new_until": "2028-12-09", "price": 390000}]
        });
        let detail: ActivationDetail = serde_json::from_value(json).expect("detail parses");
        assert_eq!(detail.summary.number, 40);
        assert_eq!(detail.summary.total_cost, Kopecks::from_rubles(3900));
        assert_eq!(detail.lines[0].new_until.to_string(), "2028-12-09");
    }
}

// ---- New activations (issue 3) ----

/// `POST /precheck` and `POST /activations` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialsRequest {
    pub organization: i64,
    /// Raw input tokens: the portal reports format errors per row, it never trusts the
    /// client's parsing.
    pub serials: Vec<String>,
}

/// One row of `POST /precheck`, in input order. Device fields only for `ok`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecheckRow {
    pub serial: String,
    pub outcome: crate::domain::PrecheckOutcome,
    /// Readable reason for anything but `ok` (e.g. «Серийный номер не найден»).
    pub message: Option<String>,
    pub model: Option<String>,
    pub vendor: Option<VendorRef>,
    pub current_until: Option<NaiveDate>,
    pub new_until: Option<NaiveDate>,
    /// "Ваша цена".
    pub price: Option<Kopecks>,
    /// Recommended retail price.
    pub retail_price: Option<Kopecks>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrecheckResponse {
    pub rows: Vec<PrecheckRow>,
}

/// `POST /activations` answer: one activation per vendor, `in_progress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedActivations {
    pub activations: Vec<ActivationSummary>,
}

/// `GET /signing-key`: the key the portal signs with now, and every key it signed
/// with (docs/DESIGN.md §3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeyInfo {
    /// Always `ed25519`.
    pub algorithm: String,
    /// Base64 of the 32-byte public key that signs now (`licadm verify --key`).
    pub public_key: String,
    /// Its key id, as license files name it (`key-id:`); absent from portals before
    /// key ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Every public key the portal signed with, oldest first (the last signs now);
    /// empty from portals before key ids.
    #[serde(default)]
    pub keys: Vec<PublicKeyInfo>,
}

impl SigningKeyInfo {
    /// Every key as text `domain::signing::KeyRing::parse` reads, oldest first.
    pub fn ring_text(&self) -> String {
        if self.keys.is_empty() {
            return format!("{}\n", self.public_key);
        }
        self.keys
            .iter()
            .map(|k| format!("{}\n", k.public_key))
            .collect()
    }
}

/// One public key a portal signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyInfo {
    pub key_id: String,
    /// Base64 of the 32-byte ed25519 public key.
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

/// A downloaded license file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseFile {
    /// `license-<number>.lic`.
    pub file_name: String,
    pub contents: String,
}

/// Header carrying the client's idempotency key on the writes a client may resend.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// `Idempotent-Replayed: true` on an answer replayed under an idempotency key (lower
/// case: an HTTP/1 header name as the portal writes it).
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

// ---- Seats, capacity, product keys, offline activation, audit (issue 4) ----

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

/// The emergency ("экстренная") license of a product (docs/DESIGN.md §3.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyLicense {
    pub valid_from: NaiveDate,
    /// One month after `valid_from`.
    pub valid_until: NaiveDate,
    pub accounts_used: u32,
    /// At most 10.
    pub accounts_max: u32,
    /// False once lapsed.
    pub active: bool,
}

/// `GET /license-info?organization=` item: capacity of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCapacity {
    pub product: ProductRef,
    /// None: «Лицензия на поддержку отсутствует».
    pub support_until: Option<NaiveDate>,
    /// X of X/Z.
    pub accounts_used: u32,
    /// Z of X/Z.
    pub accounts_max: u32,
    pub external_connections_max: u32,
    /// Up to 8 users: the free Lite edition.
    pub lite: bool,
    /// The current or last emergency license.
    pub emergency: Option<EmergencyLicense>,
    /// Whether a new emergency license may be requested now; when not, why.
    pub emergency_available: bool,
    pub emergency_refusal: Option<String>,
    /// Accounts blocked because a lapsed emergency license left them beyond capacity.
    pub accounts_blocked: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseInfo {
    pub organization: OrgRef,
    pub products: Vec<ProductCapacity>,
}

/// `POST /emergency-license` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRequest {
    pub organization: i64,
    pub product: String,
    /// Extra user accounts, 1..=10.
    pub accounts: u32,
}

/// A server installation: new serial and hash after every reinstall (docs/DESIGN.md §3.8).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Installation {
    pub serial: String,
    pub hash: String,
}

/// `POST /keys/activate` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyActivationRequest {
    /// Any accepted spelling; the portal parses it with `ProductKey::parse`.
    pub key: String,
    pub inn: String,
    /// Empty/absent for an individual entrepreneur.
    pub kpp: Option<String>,
    pub installation: Installation,
}

/// A server license: the key's product and seat count bound to one installation, with
/// the signed document (same signing as license files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLicense {
    pub key: String,
    pub product: ProductRef,
    pub organization: OrgRef,
    pub seats: u32,
    pub installation: Installation,
    pub issued_at: DateTime<Utc>,
    /// The signed text to install on the server.
    pub license: String,
}

/// `POST /offline/response` body: the request text exactly as written by
/// `licadm offline request`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineResponseRequest {
    pub request: String,
}

/// The signed response text for `licadm offline import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineResponse {
    pub response: String,
}

/// One audit record: who, when, what, before/after (docs/DESIGN.md §3.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The token's account label.
    pub actor: String,
    /// `activation.created`, `activation.completed`, `activation.failed`,
    /// `activation.retried`, `seat.bound`, `seat.unbound`, `emergency.requested`,
    /// `key.activated`, `offer.accepted`.
    pub action: String,
    /// `activation:421`, `seat:17`, `organization:1`, `key:DB49-…`.
    pub object: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
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
