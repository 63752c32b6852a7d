//! The two device vendors (docs/DESIGN.md §3.2). Each activation belongs to exactly one
//! vendor.

use super::Lang;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Vendor {
    /// ООО «Пэй Киоск»: model lines aQsi, PayOnline, Netpay.
    #[serde(rename = "pay-kiosk")]
    PayKiosk,
    /// ООО «PP-Электро».
    #[serde(rename = "pp-electro")]
    PpElectro,
}

impl Vendor {
    pub const ALL: [Vendor; 2] = [Vendor::PayKiosk, Vendor::PpElectro];

    /// The API id used in filters and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Vendor::PayKiosk => "pay-kiosk",
            Vendor::PpElectro => "pp-electro",
        }
    }

    /// The vendor's name; the seeds use the Russian names in both languages, but the
    /// English UI gets a transliteration so it stays readable without Cyrillic.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Vendor::PayKiosk, Lang::Ru) => "Пэй Киоск",
            (Vendor::PpElectro, Lang::Ru) => "PP-Электро",
            (Vendor::PayKiosk, Lang::En) => "Pay Kiosk",
            (Vendor::PpElectro, Lang::En) => "PP-Electro",
        }
    }

    /// The vendor's OGRN, as printed in the vendor documents.
    pub fn ogrn(self) -> &'static str {
        match self {
            Vendor::PayKiosk => "1067746394792",
            Vendor::PpElectro => "1137746317830",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown vendor {0:?}: expected pay-kiosk or pp-electro")]
pub struct UnknownVendor(pub String);

impl FromStr for Vendor {
    type Err = UnknownVendor;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Vendor::ALL
            .into_iter()
            .find(|v| v.id() == s)
            .ok_or_else(|| UnknownVendor(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Ogrn;

    #[test]
    fn ids_round_trip_and_ogrns_are_valid() {
        for v in Vendor::ALL {
            assert_eq!(v.id().parse::<Vendor>(), Ok(v));
            assert!(
                Ogrn::parse(v.ogrn()).is_ok(),
                "{} OGRN must be valid",
                v.id()
            );
        }
        assert!("acme".parse::<Vendor>().is_err());
    }
}
