//! Licenses beyond the activation list: capacity and emergency licenses, product keys
//! and server licenses, offline activation (issue 4), and the keys licenses are signed
//! with.

use super::{OrgRef, ProductRef};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
