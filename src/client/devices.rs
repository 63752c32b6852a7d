//! The device registry as a list (`GET /devices`, `GET /devices/totals`; issue 16,
//! docs/DESIGN.md §4.8): the devices the token's organizations activated, each with its
//! current subscription end and today's partner price — what a renewal would cost.
//! Wire types shared by the portal and the client, and the renewal's idempotency key.

use super::events::EventOrganization;
use super::wire::VendorRef;
use crate::domain::Kopecks;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `per_page` of `GET /devices`: 1 to this many (default [`DEVICES_DEFAULT_PER_PAGE`]).
pub const DEVICES_MAX_PER_PAGE: u32 = 1000;
pub const DEVICES_DEFAULT_PER_PAGE: u32 = 25;
/// `page=N` of `GET /devices` reaches pages starting at most this many rows in; deeper,
/// follow the `next` cursors (docs/DESIGN.md §4.8).
pub const DEVICES_PAGE_DEPTH: u64 = 10_000;
/// The sorts `GET /devices` takes (`-` before one: descending).
pub const DEVICE_SORTS: [&str; 2] = ["subscription_until", "serial"];

/// One device as an organization knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceItem {
    pub serial: String,
    /// The organization whose activation completed it (a device activated by two
    /// organizations is listed once for each).
    pub organization: EventOrganization,
    pub vendor: VendorRef,
    pub model: String,
    /// The current subscription's last day.
    pub subscription_until: NaiveDate,
    /// The partner's price of a renewal today («Ваша цена»).
    pub price: Kopecks,
    pub retail_price: Kopecks,
}

/// A page of devices. No total (`GET /devices/totals` counts: "page N of M"); `next`
/// says there is more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePage {
    pub items: Vec<DeviceItem>,
    pub per_page: u32,
    /// The page's number from 1, whether asked by `page` or reached by cursor (0 from a
    /// portal that predates page numbers).
    #[serde(default)]
    pub page: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The devices of a filter counted and priced per organization and vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTotals {
    pub groups: Vec<DeviceGroup>,
    pub count: u64,
    pub total: Kopecks,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceGroup {
    pub organization: EventOrganization,
    pub vendor: VendorRef,
    pub count: u64,
    /// The sum of today's partner prices.
    pub total: Kopecks,
}

/// The filters of `GET /devices` (and `/devices/totals`), as the client sends them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceQuery {
    pub organization: Option<i64>,
    /// `pay-kiosk` or `pp-electro`.
    pub vendor: Option<String>,
    /// A model's name, as `GET /prices` lists it.
    pub model: Option<String>,
    /// Subscription ends before this day (exclusive).
    pub ending_before: Option<NaiveDate>,
    /// Subscription ends after this day (exclusive).
    pub ending_after: Option<NaiveDate>,
    /// The serial's first digits.
    pub q: Option<String>,
    /// One of [`DEVICE_SORTS`], `-` for descending; default `subscription_until`.
    pub sort: Option<String>,
    pub per_page: Option<u32>,
    /// The page's number from 1 (within `DEVICES_PAGE_DEPTH` rows of the start); a
    /// cursor wins over it.
    pub page: Option<u32>,
    pub cursor: Option<String>,
}

impl DeviceQuery {
    /// Devices whose subscription ends within `days` days of `today` (those already
    /// ended too): what `licadm renewals --within N` and the Renewals screen ask.
    pub fn within(days: u32, today: NaiveDate) -> DeviceQuery {
        DeviceQuery {
            ending_before: today.checked_add_days(chrono::Days::new(u64::from(days) + 1)),
            ..DeviceQuery::default()
        }
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        let mut put = |name: &'static str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                params.push((name, value));
            }
        };
        put("organization", self.organization.map(|o| o.to_string()));
        put("vendor", self.vendor.clone());
        put("model", self.model.clone());
        put("ending_before", self.ending_before.map(|d| d.to_string()));
        put("ending_after", self.ending_after.map(|d| d.to_string()));
        put("q", self.q.clone());
        put("sort", self.sort.clone());
        put("per_page", self.per_page.map(|n| n.to_string()));
        put("page", self.page.map(|n| n.to_string()));
        put("cursor", self.cursor.clone());
        params
    }

    /// The same filters without a cursor: the first page.
    pub fn first_page(&self) -> DeviceQuery {
        DeviceQuery {
            cursor: None,
            page: None,
            ..self.clone()
        }
    }
}

/// The idempotency key of a renewal: derived from the organization and each serial
/// with the subscription end it renews (the period), in serial order — so two consoles
/// renewing the same devices, or a resend after a lost answer, send the same key and
/// the portal creates the activation once; next year's renewal of the same devices
/// renews other ends and gets another key (docs/DESIGN.md §4.5).
pub fn renewal_key(organization: i64, devices: &[(String, Option<NaiveDate>)]) -> String {
    let mut sorted: Vec<&(String, Option<NaiveDate>)> = devices.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut hasher = Sha256::new();
    hasher.update(format!("renewal\n{organization}\n"));
    for (serial, until) in sorted {
        let until = until.map_or_else(|| "-".to_string(), |d| d.to_string());
        hasher.update(format!("{serial} {until}\n"));
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("renewal-{digest}")
}

impl super::ApiClient {
    /// One page of the device list (`GET /devices`).
    pub async fn devices(&self, query: &DeviceQuery) -> Result<DevicePage, super::ClientError> {
        self.get("/devices", &query.to_params()).await
    }

    /// Count and price per organization and vendor of the same filters
    /// (`GET /devices/totals`; sort, page and cursor are ignored).
    pub async fn device_totals(
        &self,
        query: &DeviceQuery,
    ) -> Result<DeviceTotals, super::ClientError> {
        self.get("/devices/totals", &query.first_page().to_params())
            .await
    }

    /// Every device of a filter, page after page (for "all matching" and the CLI).
    /// Stops at `limit` devices.
    pub async fn all_devices(
        &self,
        query: &DeviceQuery,
        limit: usize,
    ) -> Result<Vec<DeviceItem>, super::ClientError> {
        let mut query = DeviceQuery {
            per_page: Some(DEVICES_MAX_PER_PAGE),
            ..query.first_page()
        };
        let mut out = Vec::new();
        loop {
            let page = self.devices(&query).await?;
            out.extend(page.items);
            match page.next {
                Some(next) if out.len() < limit => query.cursor = Some(next),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<NaiveDate> {
        text.parse().ok()
    }

    #[test]
    fn a_renewal_key_follows_the_set_not_its_order_and_changes_with_the_period() {
        let a = renewal_key(
            1,
            &[
                ("1520000000000002".into(), day("2026-12-01")),
                ("1520000000000001".into(), day("2026-12-05")),
            ],
        );
        let b = renewal_key(
            1,
            &[
                ("1520000000000001".into(), day("2026-12-05")),
                ("1520000000000002".into(), day("2026-12-01")),
            ],
        );
        assert_eq!(a, b);
        assert!(a.starts_with("renewal-") && a.len() == 8 + 32);
        let next_year = renewal_key(
            1,
            &[
                ("1520000000000001".into(), day("2027-12-05")),
                ("1520000000000002".into(), day("2026-12-01")),
            ],
        );
        assert_ne!(a, next_year);
        let other_org = renewal_key(
            2,
            &[
                ("1520000000000001".into(), day("2026-12-05")),
                ("1520000000000002".into(), day("2026-12-01")),
            ],
        );
        assert_ne!(a, other_org);
    }
}
