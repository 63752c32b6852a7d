//! Signed license documents (docs/DESIGN.md §3.5): a canonical text payload and an ed25519
//! signature over its exact bytes, so changing any single byte of the file — payload,
//! signature or framing — makes verification fail. Pure: no I/O; the key is passed in.
//!
//! ```text
//! LICADM LICENSE 1
//! activation: 40
//! organization-inn: 7743058902
//! issued-at: 2026-11-24T10:00:00Z
//! line: 0239110138900130 2028-12-09 NETPAY-FC
//! key-id: 3f9a0c51d2e47b86
//! signature: ed25519 <base64 of 64 bytes>
//! ```
//!
//! The `key-id:` line (signed, `domain::signing`) names the portal key that signed the
//! file; files from before key ids have none and were signed by the portal's first key.

use super::signing::{KeyRing, KeyRingError, PortalKey, split_key_id};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use ed25519_dalek::{Signature, VerifyingKey};

const MAGIC: &str = "LICADM LICENSE 1";
const SIGNATURE_PREFIX: &str = "signature: ed25519 ";

/// One licensed device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseLine {
    pub serial: String,
    pub model: String,
    pub valid_until: NaiveDate,
}

/// What a license file grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    pub activation: i64,
    pub organization_inn: String,
    pub issued_at: DateTime<Utc>,
    pub lines: Vec<LicenseLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    #[error("not a licadm license file (the first line must be {MAGIC:?})")]
    NotALicense,
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("the file has no signature line (truncated?)")]
    MissingSignature,
    #[error("the signature is not valid base64 ed25519")]
    BadSignatureEncoding,
    #[error("the public key is not a valid ed25519 key: {0}")]
    BadKey(String),
    #[error("SIGNATURE DOES NOT MATCH: the file was changed or signed by another key")]
    SignatureMismatch,
    #[error("{0}")]
    Key(#[from] KeyRingError),
}

impl License {
    /// The exact bytes that are signed. Models may contain spaces, so each line puts
    /// the fixed-width fields first and the model last.
    pub fn payload(&self) -> String {
        let mut out = String::with_capacity(128 + self.lines.len() * 48);
        out.push_str(MAGIC);
        out.push('\n');
        out.push_str(&format!("activation: {}\n", self.activation));
        out.push_str(&format!("organization-inn: {}\n", self.organization_inn));
        out.push_str(&format!(
            "issued-at: {}\n",
            self.issued_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ));
        for line in &self.lines {
            out.push_str(&format!(
                "line: {} {} {}\n",
                line.serial,
                line.valid_until.format("%Y-%m-%d"),
                sanitize(&line.model)
            ));
        }
        out
    }

    /// The complete file: payload, the signing key's id and the signature line.
    pub fn sign(&self, key: &PortalKey) -> String {
        key.sign_document(&self.payload(), SIGNATURE_PREFIX)
    }
}

/// A model name never breaks the line format.
fn sanitize(model: &str) -> String {
    model.replace(['\n', '\r'], " ")
}

/// Public key as text (base64 of 32 bytes), as served by `GET /api/v1/signing-key`.
pub fn encode_public_key(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

pub fn decode_public_key(text: &str) -> Result<VerifyingKey, LicenseError> {
    let bytes = B64
        .decode(text.trim())
        .map_err(|e| LicenseError::BadKey(e.to_string()))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| LicenseError::BadKey("expected 32 bytes".into()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| LicenseError::BadKey(e.to_string()))
}

/// [`verify_with`] a ring of this one key.
pub fn verify(text: &str, key: &VerifyingKey) -> Result<License, LicenseError> {
    verify_with(text, &KeyRing::single(*key))
}

/// Checks the signature over the exact bytes with the ring's key the file names (the
/// first key when it names none) and parses the payload. Any change to the text — one
/// byte anywhere — is refused.
pub fn verify_with(text: &str, keys: &KeyRing) -> Result<License, LicenseError> {
    if !text.starts_with(MAGIC) {
        return Err(LicenseError::NotALicense);
    }
    let sig_start = text
        .rfind(&format!("\n{SIGNATURE_PREFIX}"))
        .map(|i| i + 1)
        .ok_or(LicenseError::MissingSignature)?;
    let (payload, signature_line) = text.split_at(sig_start);
    let encoded = signature_line
        .strip_prefix(SIGNATURE_PREFIX)
        .and_then(|s| s.strip_suffix('\n'))
        .ok_or(LicenseError::BadSignatureEncoding)?;
    let sig_bytes = B64
        .decode(encoded)
        .map_err(|_| LicenseError::BadSignatureEncoding)?;
    // Re-encoding must give the same text, so no alternative spelling slips through.
    if B64.encode(&sig_bytes) != encoded {
        return Err(LicenseError::BadSignatureEncoding);
    }
    let signature =
        Signature::from_slice(&sig_bytes).map_err(|_| LicenseError::BadSignatureEncoding)?;
    let (body, key_id) = split_key_id(payload);
    keys.key_for(key_id)?
        .verify_strict(payload.as_bytes(), &signature)
        .map_err(|_| LicenseError::SignatureMismatch)?;
    let license = parse_payload(body)?;
    // The parsed document must print back to exactly the signed bytes.
    if license.payload() != body {
        return Err(LicenseError::Malformed {
            line: 0,
            reason: "payload is not in canonical form".into(),
        });
    }
    Ok(license)
}

fn parse_payload(payload: &str) -> Result<License, LicenseError> {
    let mut lines = payload.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, MAGIC)) => {}
        _ => return Err(LicenseError::NotALicense),
    }
    let mut field = |name: &str| -> Result<(usize, String), LicenseError> {
        let (no, line) = lines.next().ok_or(LicenseError::Malformed {
            line: 0,
            reason: format!("missing {name}"),
        })?;
        line.strip_prefix(&format!("{name}: "))
            .map(|v| (no, v.to_string()))
            .ok_or_else(|| LicenseError::Malformed {
                line: no,
                reason: format!("expected {name}"),
            })
    };
    let bad = |line: usize, reason: &str| LicenseError::Malformed {
        line,
        reason: reason.into(),
    };
    let (no, activation) = field("activation")?;
    let activation = activation
        .parse()
        .map_err(|_| bad(no, "activation must be a number"))?;
    let (_, organization_inn) = field("organization-inn")?;
    let (no, issued) = field("issued-at")?;
    let issued_at = DateTime::parse_from_rfc3339(&issued)
        .map_err(|_| bad(no, "issued-at must be an RFC 3339 time"))?
        .with_timezone(&Utc);
    let mut out = Vec::new();
    for (no, line) in lines {
        let rest = line
            .strip_prefix("line: ")
            .ok_or_else(|| bad(no, "expected line"))?;
        let mut parts = rest.splitn(3, ' ');
        let serial = parts.next().unwrap_or_default().to_string();
        let valid_until = parts
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| bad(no, "valid-until must be a date"))?;
        let model = parts.next().unwrap_or_default().to_string();
        out.push(LicenseLine {
            serial,
            model,
            valid_until,
        });
    }
    Ok(License {
        activation,
        organization_inn,
        issued_at,
        lines: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    use ed25519_dalek::{Signer, SigningKey};

    fn key(seed: u8) -> PortalKey {
        PortalKey::new(SigningKey::from_bytes(&[seed; 32]))
    }

    fn sample() -> License {
        License {
            activation: 40,
            organization_inn: "7743058902".into(),
            issued_at: Utc
                .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
                .single()
                .unwrap_or_default(),
            lines: vec![
                LicenseLine {
                    serial: "0239110138900130".into(),
                    model: "NETPAY-FC".into(),
                    valid_until: NaiveDate::from_ymd_opt(2028, 12, 9).unwrap_or_default(),
                },
                LicenseLine {
                    serial: "0408420138900124".into(),
                    model: "PP-Электро 02Ф".into(),
                    valid_until: NaiveDate::from_ymd_opt(2031, 12, 9).unwrap_or_default(),
                },
            ],
        }
    }

    #[test]
    fn round_trip() {
        let k = key(7);
        let text = sample().sign(&k);
        assert_eq!(verify(&text, &k.verifying_key()), Ok(sample()));
        let pk = encode_public_key(&k.verifying_key());
        assert_eq!(decode_public_key(&pk).ok(), Some(k.verifying_key()));
    }

    #[test]
    fn every_single_byte_change_fails() {
        let k = key(7);
        let text = sample().sign(&k);
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[i] ^= 0x01;
            let Ok(changed) = String::from_utf8(changed) else {
                continue; // not text any more: refused before verification anyway
            };
            assert!(
                verify(&changed, &k.verifying_key()).is_err(),
                "byte {i} changed and still verified"
            );
        }
        // Truncation and appending are refused too.
        assert!(verify(&text[..text.len() - 1], &k.verifying_key()).is_err());
        assert!(verify(&format!("{text}x"), &k.verifying_key()).is_err());
    }

    #[test]
    fn another_key_fails() {
        let text = sample().sign(&key(7));
        assert!(matches!(
            verify(&text, &key(8).verifying_key()),
            Err(LicenseError::Key(KeyRingError::UnknownKey(_)))
        ));
        // Named as key 8 but signed by key 7: the signature decides.
        let forged = text.replace(key(7).id(), key(8).id());
        assert_eq!(
            verify(&forged, &key(8).verifying_key()),
            Err(LicenseError::SignatureMismatch)
        );
        assert_eq!(
            verify("hello", &key(8).verifying_key()),
            Err(LicenseError::NotALicense)
        );
    }

    /// After a rotation the ring checks a file by the key it names; a file from before
    /// key ids (no `key-id:` line) by the first key; a changed one by none.
    #[test]
    fn a_ring_verifies_old_new_and_id_less_files() {
        let (old, new) = (key(7), key(8));
        let ring =
            KeyRing::parse(&format!("{}\n{}", old.public_key(), new.public_key())).expect("ring");
        let by_old = sample().sign(&old);
        let by_new = sample().sign(&new);
        assert_eq!(verify_with(&by_old, &ring), Ok(sample()));
        assert_eq!(verify_with(&by_new, &ring), Ok(sample()));
        let payload = sample().payload();
        let seed = SigningKey::from_bytes(&[7; 32]);
        let id_less = format!(
            "{payload}{SIGNATURE_PREFIX}{}\n",
            B64.encode(seed.sign(payload.as_bytes()).to_bytes())
        );
        assert_eq!(verify_with(&id_less, &ring), Ok(sample()));
        let reversed =
            KeyRing::parse(&format!("{}\n{}", new.public_key(), old.public_key())).expect("ring");
        assert_eq!(
            verify_with(&id_less, &reversed),
            Err(LicenseError::SignatureMismatch),
            "an id-less file is checked with the first key only"
        );
        let tampered = by_new.replace("7743058902", "7743058903");
        assert_eq!(
            verify_with(&tampered, &ring),
            Err(LicenseError::SignatureMismatch)
        );
    }
}
