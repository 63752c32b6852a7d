//! Precheck (docs/DESIGN.md §3.4): every input serial gets exactly one outcome, in input
//! order. Pure: the device registry and the in-progress set are passed in as lookups.

use super::{Kopecks, Serial, Vendor, new_until};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Most serials one precheck or activation request may carry.
pub const MAX_SERIALS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrecheckOutcome {
    Ok,
    FormatError,
    NotFound,
    Duplicate,
    Pending,
    /// The vendor registry refused this serial for good in an earlier activation
    /// (say, the device was deregistered): activating it again would fail the same way.
    Refused,
}

impl PrecheckOutcome {
    pub const ALL: [PrecheckOutcome; 6] = [
        PrecheckOutcome::Ok,
        PrecheckOutcome::FormatError,
        PrecheckOutcome::NotFound,
        PrecheckOutcome::Duplicate,
        PrecheckOutcome::Pending,
        PrecheckOutcome::Refused,
    ];

    /// The readable text shown in place of the model, as the vendor's portal does.
    pub fn message(self, lang: super::Lang) -> &'static str {
        use super::Lang::{En, Ru};
        match (self, lang) {
            (PrecheckOutcome::Ok, Ru) => "можно активировать",
            (PrecheckOutcome::Ok, En) => "can be activated",
            (PrecheckOutcome::FormatError, Ru) => "Ошибка формата: нужно 16 цифр",
            (PrecheckOutcome::FormatError, En) => "Format error: 16 digits expected",
            (PrecheckOutcome::NotFound, Ru) => "Серийный номер не найден",
            (PrecheckOutcome::NotFound, En) => "Serial number not found",
            (PrecheckOutcome::Duplicate, Ru) => "Повтор: этот номер уже есть в списке выше",
            (PrecheckOutcome::Duplicate, En) => "Duplicate: this serial is already listed above",
            (PrecheckOutcome::Pending, Ru) => "Уже в активации, которая ещё в работе",
            (PrecheckOutcome::Pending, En) => "Already in an activation still in progress",
            (PrecheckOutcome::Refused, Ru) => {
                "Реестр вендора отклонил этот номер в прошлой активации: повтор тоже будет отклонён"
            }
            (PrecheckOutcome::Refused, En) => {
                "The vendor registry refused this serial in an earlier activation: it would be refused again"
            }
        }
    }
}

/// What the registry knows of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub model: String,
    pub vendor: Vendor,
    pub current_until: Option<NaiveDate>,
    pub price: Kopecks,
    pub retail_price: Kopecks,
}

/// The outcome of one input serial; device fields only for `ok`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub input: String,
    pub outcome: PrecheckOutcome,
    pub device: Option<DeviceInfo>,
    pub new_until: Option<NaiveDate>,
}

/// Classifies `inputs` in order. The first occurrence of a serial gets its own outcome,
/// later ones are `duplicate`; format is checked first, then the registry, then whether
/// the registry refused the serial for good before, then whether an in-progress
/// activation already holds it.
pub fn precheck(
    inputs: &[String],
    today: NaiveDate,
    mut lookup: impl FnMut(&Serial) -> Option<DeviceInfo>,
    mut is_refused: impl FnMut(&Serial) -> bool,
    mut is_pending: impl FnMut(&Serial) -> bool,
) -> Vec<Checked> {
    let mut seen = HashSet::with_capacity(inputs.len());
    inputs
        .iter()
        .map(|input| {
            let plain = |outcome| Checked {
                input: input.clone(),
                outcome,
                device: None,
                new_until: None,
            };
            let Ok(serial) = Serial::parse(input) else {
                return plain(PrecheckOutcome::FormatError);
            };
            if !seen.insert(serial.clone()) {
                return plain(PrecheckOutcome::Duplicate);
            }
            let Some(device) = lookup(&serial) else {
                return plain(PrecheckOutcome::NotFound);
            };
            if is_refused(&serial) {
                // Which device it is, as the registry knows it; no new date, no price.
                return Checked {
                    input: serial.to_string(),
                    outcome: PrecheckOutcome::Refused,
                    device: Some(device),
                    new_until: None,
                };
            }
            if is_pending(&serial) {
                return plain(PrecheckOutcome::Pending);
            }
            Checked {
                input: serial.to_string(),
                outcome: PrecheckOutcome::Ok,
                new_until: Some(new_until(device.current_until, today)),
                device: Some(device),
            }
        })
        .collect()
}

/// The well-formed serials among `inputs`, each once, in key order: what a store looks
/// up for a precheck (neighbouring keys share pages, and halves of the list are ranges).
pub fn distinct_serials(inputs: &[String]) -> Vec<String> {
    let mut serials: Vec<String> = inputs
        .iter()
        .filter_map(|input| Serial::parse(input).ok())
        .map(|serial| serial.as_str().to_string())
        .collect();
    serials.sort_unstable();
    serials.dedup();
    serials
}

/// One activation per vendor (docs/DESIGN.md §3.5): the ok rows grouped by vendor, each
/// group in input order, vendors in a fixed order so numbering is deterministic.
pub fn split_by_vendor(rows: &[Checked]) -> BTreeMap<Vendor, Vec<&Checked>> {
    let mut groups: BTreeMap<Vendor, Vec<&Checked>> = BTreeMap::new();
    for row in rows {
        if let (PrecheckOutcome::Ok, Some(device)) = (row.outcome, &row.device) {
            groups.entry(device.vendor).or_default().push(row);
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn registry(serial: &Serial) -> Option<DeviceInfo> {
        let (vendor, model) = match serial.as_str() {
            "0239110138900130" => (Vendor::PayKiosk, "NETPAY-FC"),
            "0408420138900124" => (Vendor::PpElectro, "PP-Электро 02Ф"),
            "0000000000000003" => (Vendor::PayKiosk, "aQsi 5Ф"),
            _ => return None,
        };
        Some(DeviceInfo {
            model: model.into(),
            vendor,
            current_until: Some(d(2027, 12, 9)),
            price: Kopecks::from_rubles(3900),
            retail_price: Kopecks::from_rubles(4500),
        })
    }

    #[test]
    fn one_outcome_per_input_in_order() {
        let inputs: Vec<String> = [
            "0239110138900130",
            "12345",
            "1007512879004126",
            "0239110138900130",
            "0000000000000003",
            "0408420138900124",
        ]
        .map(String::from)
        .to_vec();
        let rows = precheck(
            &inputs,
            d(2026, 11, 24),
            registry,
            |s| s.as_str() == "0408420138900124",
            |s| s.as_str() == "0000000000000003",
        );
        let outcomes: Vec<_> = rows.iter().map(|r| r.outcome).collect();
        use PrecheckOutcome::*;
        assert_eq!(
            outcomes,
            vec![Ok, FormatError, NotFound, Duplicate, Pending, Refused]
        );
        assert_eq!(rows[0].new_until, Some(d(2028, 12, 9)));
        assert!(rows[1].device.is_none() && rows[3].device.is_none());
        let split = split_by_vendor(&rows);
        assert_eq!(split.len(), 1, "the refused serial is in no activation");
        assert_eq!(split[&Vendor::PayKiosk].len(), 1);
        let rows = precheck(
            &inputs[5..],
            d(2026, 11, 24),
            registry,
            |_| false,
            |_| false,
        );
        assert_eq!(
            split_by_vendor(&rows)[&Vendor::PpElectro][0].input,
            "0408420138900124"
        );
    }

    #[test]
    fn a_duplicate_of_a_bad_serial_is_still_a_duplicate() {
        let inputs: Vec<String> = ["1007512879004126", "1007512879004126"]
            .map(String::from)
            .to_vec();
        let rows = precheck(&inputs, d(2026, 11, 24), registry, |_| false, |_| false);
        assert_eq!(rows[0].outcome, PrecheckOutcome::NotFound);
        assert_eq!(rows[1].outcome, PrecheckOutcome::Duplicate);
    }
}
