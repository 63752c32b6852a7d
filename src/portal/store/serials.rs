//! One serial's story (`GET /serials/{serial}`, issue 16), the part both backends
//! share: the rows each reads, and the story made of them. Each backend runs the three
//! reads (the device, the serial's lines on `activation_lines_serial`, each
//! activation's audit on `audit_object`) in one snapshot.

use super::StoreError;
use super::events::RawEvent;
use super::text::{date_from_sql, timestamp_from_sql};
use crate::client::events::EventOrganization;
use crate::client::serials::{Device, SerialLine, SerialStory};
use crate::client::wire::VendorRef;
use crate::domain::{ActivationStatus, Vendor};

/// The device's row: model's vendor and name, and the current subscription end.
pub struct RawDevice {
    pub vendor: String,
    pub model: String,
    pub current_until: Option<String>,
}

/// One activation line with the serial, and its activation.
pub struct RawLine {
    pub number: i64,
    pub organization_id: i64,
    pub organization_name: String,
    pub status: String,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub error: Option<String>,
    pub new_until: String,
}

/// The lines' query: newest activation first, within the scope (None: all).
pub const LINES_SQL: &str = "SELECT a.number, a.organization_id, o.name, a.status, a.created_at,
        a.completed_at, a.error, l.new_until
     FROM activation_lines l
     JOIN activations a ON a.number = l.activation_number
     JOIN organizations o ON o.id = a.organization_id
     WHERE l.serial = $1";

pub const DEVICE_SQL: &str = "SELECT m.vendor, m.name, d.current_until
     FROM devices d JOIN models m ON m.id = d.model_id WHERE d.serial = $1";

/// One activation's audit records, oldest first.
pub fn history_sql() -> String {
    format!(
        "SELECT {} FROM audit a LEFT JOIN organizations o ON o.id = a.organization_id
         WHERE a.object = $1 ORDER BY a.id",
        super::events::EVENT_COLUMNS
    )
}

pub fn story(
    serial: String,
    device: Option<RawDevice>,
    lines: Vec<(RawLine, Vec<RawEvent>)>,
) -> Result<SerialStory, StoreError> {
    let device = device
        .map(|d| {
            let vendor: Vendor = d.vendor.parse().map_err(|_| StoreError::BadValue {
                column: "models.vendor",
                value: d.vendor.clone(),
            })?;
            Ok::<_, StoreError>(Device {
                vendor: VendorRef::from(vendor),
                model: d.model,
                subscription_until: d
                    .current_until
                    .as_deref()
                    .map(|v| date_from_sql("devices.current_until", v))
                    .transpose()?,
            })
        })
        .transpose()?;
    let lines = lines
        .into_iter()
        .map(|(line, history)| {
            let history = history
                .into_iter()
                .map(RawEvent::into_event)
                .collect::<Result<Vec<_>, _>>()?;
            let retries = history
                .iter()
                .filter(|e| e.action == "activation.retried")
                .count();
            Ok(SerialLine {
                activation: line.number,
                organization: EventOrganization {
                    id: line.organization_id,
                    name: line.organization_name,
                },
                status: line.status.parse::<ActivationStatus>().map_err(|_| {
                    StoreError::BadValue {
                        column: "activations.status",
                        value: line.status.clone(),
                    }
                })?,
                created_at: timestamp_from_sql("activations.created_at", &line.created_at)?,
                completed_at: line
                    .completed_at
                    .as_deref()
                    .map(|v| timestamp_from_sql("activations.completed_at", v))
                    .transpose()?,
                error: line.error,
                new_until: date_from_sql("activation_lines.new_until", &line.new_until)?,
                retries: u32::try_from(retries).unwrap_or(u32::MAX),
                history,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(SerialStory {
        serial,
        device,
        lines,
    })
}
