//! One serial's story (`GET /serials/{serial}`, issue 16; docs/DESIGN.md §4.8): the
//! device, every activation line it was in with what happened to it, and — composed
//! by the client, [`ApiClient::why`] — the license file it is in, verified here against
//! the portal's public key rather than taken on the portal's word.

use super::events::{Event, EventOrganization};
use super::wire::VendorRef;
use super::{ApiClient, ClientError};
use crate::domain::ActivationStatus;
use crate::domain::license::{decode_public_key, verify};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What the portal knows of one serial, within the token's organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialStory {
    pub serial: String,
    /// The device in the vendor registry, when it is known there.
    pub device: Option<Device>,
    /// Every activation line with this serial the token may see, newest first.
    pub lines: Vec<SerialLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub vendor: VendorRef,
    pub model: String,
    /// The current subscription's last day; None when it never had one.
    pub subscription_until: Option<NaiveDate>,
}

/// One activation the serial was in, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialLine {
    pub activation: i64,
    pub organization: EventOrganization,
    pub status: ActivationStatus,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The activation's error text (status `error`), in the client's language.
    pub error: Option<String>,
    /// The subscription end the line grants.
    pub new_until: NaiveDate,
    /// How many times the activation was retried.
    pub retries: u32,
    /// The activation's audit records, oldest first: who, when, which request.
    pub history: Vec<Event>,
}

/// The story and the license file check: what `licadm why` and `:why` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Why {
    #[serde(flatten)]
    pub story: SerialStory,
    /// The newest done activation with the serial, its license file checked; None when
    /// no activation with it is done (or when `offline`).
    pub license: Option<LicenseCheck>,
    /// Read from the offline mirror: the device (when one of the token's organizations
    /// activated it), the lines and their histories, without the license file check,
    /// which needs the portal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub offline: bool,
}

/// A license file checked against the portal's public key (`GET /signing-key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseCheck {
    pub activation: i64,
    pub file_name: String,
    pub verified: bool,
    /// Why it is not verified, or why the serial is not in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// What the file grants this serial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

impl ApiClient {
    /// `GET /serials/{serial}`.
    pub async fn serial(&self, serial: &str) -> Result<SerialStory, ClientError> {
        self.get(&format!("/serials/{}", serial.trim()), &[]).await
    }

    /// The serial's story and its license file, verified here: three reads.
    pub async fn why(&self, serial: &str) -> Result<Why, ClientError> {
        let story = self.serial(serial).await?;
        let done = story
            .lines
            .iter()
            .find(|l| l.status == ActivationStatus::Done)
            .map(|l| l.activation);
        let license = match done {
            Some(number) => {
                let file = self.license_file(number).await?;
                let key = self.signing_key().await?;
                Some(check(
                    number,
                    &story.serial,
                    &file.file_name,
                    &file.contents,
                    &key.public_key,
                ))
            }
            None => None,
        };
        Ok(Why {
            story,
            license,
            offline: false,
        })
    }
}

/// Verifies `contents` with the base64 public key and finds the serial's line in it.
pub fn check(
    activation: i64,
    serial: &str,
    file_name: &str,
    contents: &str,
    public_key: &str,
) -> LicenseCheck {
    let verified = decode_public_key(public_key).and_then(|key| verify(contents, &key));
    let (verified, problem, valid_until) = match verified {
        Ok(license) => match license.lines.iter().find(|l| l.serial == serial) {
            Some(line) => (true, None, Some(line.valid_until)),
            None => (
                true,
                Some(format!("the file does not list serial {serial}")),
                None,
            ),
        },
        Err(e) => (false, Some(e.to_string()), None),
    };
    LicenseCheck {
        activation,
        file_name: file_name.to_string(),
        verified,
        problem,
        valid_until,
    }
}
