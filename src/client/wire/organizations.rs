//! Organizations, vendors and prices as the API shows them.

use crate::domain::{Kopecks, Vendor};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    pub blocked_by: Option<crate::client::invoices::BlockingInvoice>,
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
