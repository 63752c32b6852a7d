//! Activations: the list and its query, one activation's detail, and creating new ones
//! (precheck, create; issue 3) down to the license file.

use super::{DEFAULT_PER_PAGE, OrgRef, VendorRef};
use crate::domain::{ActivationStatus, Kopecks, Vendor};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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

/// A downloaded license file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseFile {
    /// `license-<number>.lic`.
    pub file_name: String,
    pub contents: String,
}
