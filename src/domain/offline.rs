//! Air-gapped server activation (docs/DESIGN.md §3.8): a plain-text request safe to e-mail
//! or type, and a signed plain-text response that answers exactly that request. Pure: keys
//! and texts are passed in.
//!
//! ```text
//! LICADM ACTIVATION REQUEST 1
//! key: DB49-A88A-D2D6-50D4-81F1-7B67
//! inn: 7842175621
//! kpp: 784201001
//! installation-serial: SRV-7Q2K-0001
//! installation-hash: 5f0c…
//! created-at: 2026-11-24T10:00:00Z
//! check: 1a2b3c4d5e6f7a8b
//! ```
//! The `check` line (first 16 hex digits of SHA-256 of the lines above it) catches a
//! truncated or mistyped paste before anything is sent.

use super::ProductKey;
use super::signing::{KeyRing, PortalKey, split_key_id};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

const REQUEST_MAGIC: &str = "LICADM ACTIVATION REQUEST 1";
const RESPONSE_MAGIC: &str = "LICADM ACTIVATION RESPONSE 1";
const SIGNATURE_PREFIX: &str = "signature: ed25519 ";

/// A server installation as described by its installation file (`serial:` and `hash:`
/// lines); both change after every reinstall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationId {
    pub serial: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflineError {
    #[error("not a licadm {0} (the first line is wrong)")]
    WrongKind(&'static str),
    #[error("the text is truncated or damaged: {0}")]
    Damaged(String),
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("the response's signature does not match: it was changed or not issued by this portal")]
    SignatureMismatch,
    #[error("{0}")]
    Key(#[from] super::signing::KeyRingError),
    #[error("the response answers another request (its check {got} ≠ this request's {expected})")]
    OtherRequest { expected: String, got: String },
    #[error("the response is for installation {got}, this one is {expected}")]
    OtherInstallation { expected: String, got: String },
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Parses `name: value` lines after a magic first line into ordered pairs, with
/// strict shape: every line is `name: value`, every name is one of `allowed`, and none
/// appears twice (a file showing two `key:` lines must not pass as either).
fn fields<'a>(
    text: &'a str,
    magic: &str,
    kind: &'static str,
    allowed: &[&str],
) -> Result<Vec<(usize, &'a str, &'a str)>, OfflineError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_end() == magic => {}
        _ => return Err(OfflineError::WrongKind(kind)),
    }
    let mut found: Vec<(usize, &'a str, &'a str)> = Vec::new();
    for (i, l) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let line = i + 1;
        let malformed = |reason: String| OfflineError::Malformed { line, reason };
        let (name, value) = l
            .split_once(": ")
            .map(|(k, v)| (k.trim(), v.trim()))
            .ok_or_else(|| malformed("expected `name: value`".into()))?;
        if !allowed.contains(&name) {
            return Err(malformed(format!("unknown field `{name}`")));
        }
        if let Some((first, _, _)) = found.iter().find(|(_, k, _)| *k == name) {
            return Err(malformed(format!(
                "`{name}` appears a second time (first on line {first})"
            )));
        }
        found.push((line, name, value));
    }
    Ok(found)
}

const REQUEST_FIELDS: &[&str] = &[
    "key",
    "inn",
    "kpp",
    "installation-serial",
    "installation-hash",
    "created-at",
    "check",
];
const RESPONSE_FIELDS: &[&str] = &[
    "request",
    "key",
    "product",
    "organization-inn",
    "seats",
    "installation-serial",
    "installation-hash",
    "issued-at",
    // The signing key's id (`domain::signing`); responses from before key ids lack it.
    "key-id",
];

fn take<'a>(fields: &[(usize, &str, &'a str)], name: &str) -> Result<&'a str, OfflineError> {
    fields
        .iter()
        .find(|(_, k, _)| *k == name)
        .map(|(_, _, v)| *v)
        .ok_or_else(|| OfflineError::Damaged(format!("the `{name}` line is missing")))
}

/// Reads an installation file (`serial: …` and `hash: …`).
pub fn parse_installation(text: &str) -> Result<InstallationId, OfflineError> {
    let mut serial = None;
    let mut hash = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(':').map(|(k, v)| (k.trim(), v.trim())) {
            Some(("serial", v)) if !v.is_empty() && serial.is_none() => {
                serial = Some(v.to_string())
            }
            Some(("hash", v)) if !v.is_empty() && hash.is_none() => hash = Some(v.to_string()),
            _ => {
                return Err(OfflineError::Malformed {
                    line: i + 1,
                    reason: "expected one `serial: …` and one `hash: …` line".into(),
                });
            }
        }
    }
    match (serial, hash) {
        (Some(serial), Some(hash)) => Ok(InstallationId { serial, hash }),
        _ => Err(OfflineError::Damaged(
            "an installation file needs both `serial:` and `hash:`".into(),
        )),
    }
}

/// What the air-gapped side asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationRequest {
    pub key: ProductKey,
    pub inn: String,
    /// Empty for an individual entrepreneur.
    pub kpp: String,
    pub installation: InstallationId,
    pub created_at: DateTime<Utc>,
}

impl ActivationRequest {
    fn body(&self) -> String {
        format!(
            "{REQUEST_MAGIC}\nkey: {}\ninn: {}\nkpp: {}\ninstallation-serial: {}\ninstallation-hash: {}\ncreated-at: {}\n",
            self.key,
            self.inn,
            self.kpp,
            self.installation.serial,
            self.installation.hash,
            self.created_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }

    /// The request text, with its check line.
    pub fn to_text(&self) -> String {
        let body = self.body();
        let check = &sha256_hex(body.as_bytes())[..16];
        format!("{body}check: {check}\n")
    }

    /// The identity of this request that a response must carry (SHA-256 of its text).
    pub fn digest(&self) -> String {
        sha256_hex(self.to_text().as_bytes())
    }

    /// Parses a request (pasted text tolerated: CRLF, surrounding blank lines).
    pub fn parse(text: &str) -> Result<ActivationRequest, OfflineError> {
        let normalized = normalize(text);
        let f = fields(
            &normalized,
            REQUEST_MAGIC,
            "activation request",
            REQUEST_FIELDS,
        )?;
        let check = take(&f, "check")?;
        let key = ProductKey::parse(take(&f, "key")?)
            .map_err(|e| OfflineError::Damaged(format!("key: {e}")))?;
        let created = take(&f, "created-at")?;
        let request = ActivationRequest {
            key,
            inn: take(&f, "inn")?.to_string(),
            kpp: f
                .iter()
                .find(|(_, k, _)| *k == "kpp")
                .map(|(_, _, v)| v.to_string())
                .unwrap_or_default(),
            installation: InstallationId {
                serial: take(&f, "installation-serial")?.to_string(),
                hash: take(&f, "installation-hash")?.to_string(),
            },
            created_at: DateTime::parse_from_rfc3339(created)
                .map_err(|_| OfflineError::Damaged("created-at is not a time".into()))?
                .with_timezone(&Utc),
        };
        // The check covers the text as given (line endings aside), not a re-rendering of
        // what was read from it: a line added, doubled or changed anywhere fails it.
        let given = normalized
            .rfind("\ncheck: ")
            .map(|at| &normalized[..=at])
            .unwrap_or_default();
        let expected = &sha256_hex(given.as_bytes())[..16];
        if check != expected || given != request.body() {
            return Err(OfflineError::Damaged(
                "the check line does not match the text (a line was changed or cut)".into(),
            ));
        }
        Ok(request)
    }
}

/// Pasted text arrives with CRLF, tabs or blank lines around it.
fn normalize(text: &str) -> String {
    let mut out: String = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string();
    out.push('\n');
    out
}

/// What the portal grants, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationResponse {
    /// `ActivationRequest::digest` of the request it answers.
    pub request_digest: String,
    pub key: ProductKey,
    pub product: String,
    pub organization_inn: String,
    pub seats: u32,
    pub installation: InstallationId,
    pub issued_at: DateTime<Utc>,
}

impl ActivationResponse {
    fn payload(&self) -> String {
        format!(
            "{RESPONSE_MAGIC}\nrequest: {}\nkey: {}\nproduct: {}\norganization-inn: {}\nseats: {}\ninstallation-serial: {}\ninstallation-hash: {}\nissued-at: {}\n",
            self.request_digest,
            self.key,
            self.product.replace(['\n', '\r'], " "),
            self.organization_inn,
            self.seats,
            self.installation.serial,
            self.installation.hash,
            self.issued_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }

    /// The response text, naming the key that signed it (`key-id:`).
    pub fn sign(&self, key: &PortalKey) -> String {
        key.sign_document(&self.payload(), SIGNATURE_PREFIX)
    }

    /// [`ActivationResponse::verify_with`] a ring of this one key.
    pub fn verify(
        text: &str,
        key: &VerifyingKey,
        request: &ActivationRequest,
    ) -> Result<ActivationResponse, OfflineError> {
        ActivationResponse::verify_with(text, &KeyRing::single(*key), request)
    }

    /// Verifies the signature over the exact payload with the ring's key it names (the
    /// first key when it names none), then that the response answers `request` (same
    /// digest, same installation).
    pub fn verify_with(
        text: &str,
        keys: &KeyRing,
        request: &ActivationRequest,
    ) -> Result<ActivationResponse, OfflineError> {
        let text = normalize(text);
        if !text.starts_with(RESPONSE_MAGIC) {
            return Err(OfflineError::WrongKind("activation response"));
        }
        let sig_at = text
            .rfind(&format!("\n{SIGNATURE_PREFIX}"))
            .map(|i| i + 1)
            .ok_or_else(|| OfflineError::Damaged("the signature line is missing".into()))?;
        let (payload, sig_line) = text.split_at(sig_at);
        let encoded = sig_line
            .strip_prefix(SIGNATURE_PREFIX)
            .map(str::trim_end)
            .ok_or_else(|| OfflineError::Damaged("bad signature line".into()))?;
        let bytes = B64
            .decode(encoded)
            .map_err(|_| OfflineError::Damaged("the signature is cut or mistyped".into()))?;
        let signature = Signature::from_slice(&bytes)
            .map_err(|_| OfflineError::Damaged("the signature is cut or mistyped".into()))?;
        keys.key_for(split_key_id(payload).1)?
            .verify_strict(payload.as_bytes(), &signature)
            .map_err(|_| OfflineError::SignatureMismatch)?;
        let f = fields(
            payload,
            RESPONSE_MAGIC,
            "activation response",
            RESPONSE_FIELDS,
        )?;
        let response = ActivationResponse {
            request_digest: take(&f, "request")?.to_string(),
            key: ProductKey::parse(take(&f, "key")?)
                .map_err(|e| OfflineError::Damaged(format!("key: {e}")))?,
            product: take(&f, "product")?.to_string(),
            organization_inn: take(&f, "organization-inn")?.to_string(),
            seats: take(&f, "seats")?
                .parse()
                .map_err(|_| OfflineError::Damaged("seats is not a number".into()))?,
            installation: InstallationId {
                serial: take(&f, "installation-serial")?.to_string(),
                hash: take(&f, "installation-hash")?.to_string(),
            },
            issued_at: DateTime::parse_from_rfc3339(take(&f, "issued-at")?)
                .map_err(|_| OfflineError::Damaged("issued-at is not a time".into()))?
                .with_timezone(&Utc),
        };
        if response.installation != request.installation {
            return Err(OfflineError::OtherInstallation {
                expected: request.installation.serial.clone(),
                got: response.installation.serial.clone(),
            });
        }
        let expected = request.digest();
        if response.request_digest != expected {
            return Err(OfflineError::OtherRequest {
                expected: expected[..16].to_string(),
                got: response.request_digest.chars().take(16).collect(),
            });
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use ed25519_dalek::{Signer, SigningKey};

    fn portal_key(seed: u8) -> PortalKey {
        PortalKey::new(SigningKey::from_bytes(&[seed; 32]))
    }

    fn request(serial: &str) -> ActivationRequest {
        ActivationRequest {
            key: ProductKey::parse("DB49-A88A-D2D6-50D4-81F1-7B67").expect("seed key"),
            inn: "7842175621".into(),
            kpp: "784201001".into(),
            installation: InstallationId {
                serial: serial.into(),
                hash: "5f0c9a".into(),
            },
            created_at: Utc
                .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
                .single()
                .unwrap_or_default(),
        }
    }

    fn respond(req: &ActivationRequest, key: &PortalKey) -> String {
        ActivationResponse {
            request_digest: req.digest(),
            key: req.key.clone(),
            product: "Orange[uc]e".into(),
            organization_inn: req.inn.clone(),
            seats: 20,
            installation: req.installation.clone(),
            issued_at: req.created_at,
        }
        .sign(key)
    }

    #[test]
    fn request_round_trip_tolerates_crlf_and_refuses_truncation() {
        let req = request("SRV-1");
        let text = req.to_text();
        assert_eq!(ActivationRequest::parse(&text), Ok(req.clone()));
        assert_eq!(
            ActivationRequest::parse(&format!("\n\n{}\n", text.replace('\n', "\r\n"))),
            Ok(req.clone())
        );
        let cut: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(matches!(
            ActivationRequest::parse(&cut),
            Err(OfflineError::Damaged(_))
        ));
        let changed = text.replace("7842175621", "7842175622");
        assert!(matches!(
            ActivationRequest::parse(&changed),
            Err(OfflineError::Damaged(_))
        ));
    }

    #[test]
    fn response_must_be_signed_and_answer_this_request() {
        let key = portal_key(3);
        let req = request("SRV-1");
        let text = respond(&req, &key);
        assert!(ActivationResponse::verify(&text, &key.verifying_key(), &req).is_ok());
        // Tampered.
        let tampered = text.replace("seats: 20", "seats: 99");
        assert_eq!(
            ActivationResponse::verify(&tampered, &key.verifying_key(), &req),
            Err(OfflineError::SignatureMismatch)
        );
        // Another installation.
        let other = request("SRV-2");
        let for_other = respond(&other, &key);
        assert!(matches!(
            ActivationResponse::verify(&for_other, &key.verifying_key(), &req),
            Err(OfflineError::OtherInstallation { .. })
        ));
        // Same installation, a different (older) request.
        let mut older = req.clone();
        older.created_at -= chrono::Duration::days(1);
        let for_older = respond(&older, &key);
        assert!(matches!(
            ActivationResponse::verify(&for_older, &key.verifying_key(), &req),
            Err(OfflineError::OtherRequest { .. })
        ));
        // Truncated paste.
        let truncated = &text[..text.len() - 20];
        assert!(ActivationResponse::verify(truncated, &key.verifying_key(), &req).is_err());
        // Another key.
        assert!(matches!(
            ActivationResponse::verify(&text, &portal_key(4).verifying_key(), &req),
            Err(OfflineError::Key(_))
        ));
    }

    /// After a rotation: a response of the old key, of the new one, and one from before
    /// key ids (checked with the first key) all import; a changed one does not.
    #[test]
    fn a_ring_checks_responses_of_every_key() {
        let (old, new) = (portal_key(3), portal_key(4));
        let ring =
            KeyRing::parse(&format!("{} {}", old.public_key(), new.public_key())).expect("ring");
        let req = request("SRV-1");
        assert!(ActivationResponse::verify_with(&respond(&req, &old), &ring, &req).is_ok());
        let by_new = respond(&req, &new);
        assert!(ActivationResponse::verify_with(&by_new, &ring, &req).is_ok());
        let payload = by_new[..by_new.find(KEY_ID_LINE_START).expect("key id")].to_string();
        let seed = SigningKey::from_bytes(&[3; 32]);
        let id_less = format!(
            "{payload}{SIGNATURE_PREFIX}{}\n",
            B64.encode(seed.sign(payload.as_bytes()).to_bytes())
        );
        assert!(ActivationResponse::verify_with(&id_less, &ring, &req).is_ok());
        assert_eq!(
            ActivationResponse::verify_with(&by_new.replace("seats: 20", "seats: 21"), &ring, &req),
            Err(OfflineError::SignatureMismatch)
        );
    }

    const KEY_ID_LINE_START: &str = "key-id: ";

    #[test]
    fn duplicate_unknown_and_extra_lines_are_refused() {
        let key = portal_key(3);
        let seed = SigningKey::from_bytes(&[3; 32]);
        let req = request("SRV-1");
        let text = req.to_text();
        let key_line = text.lines().nth(1).expect("key line").to_string();
        // Two `key:` lines (the second one another key): refused, not "first wins".
        let doubled = text.replacen(
            &key_line,
            &format!("{key_line}\nkey: 0000-0000-0000-0000-0000-0001"),
            1,
        );
        assert!(matches!(
            ActivationRequest::parse(&doubled),
            Err(OfflineError::Malformed { line: 3, .. })
        ));
        let unknown = text.replacen(&key_line, &format!("{key_line}\nseats: 999999"), 1);
        assert!(matches!(
            ActivationRequest::parse(&unknown),
            Err(OfflineError::Malformed { line: 3, .. })
        ));
        // A blank line inside: the check covers the text as given.
        let spaced = text.replacen(&key_line, &format!("{key_line}\n"), 1);
        assert!(matches!(
            ActivationRequest::parse(&spaced),
            Err(OfflineError::Damaged(_))
        ));
        // In a response a doubled line fails even under a valid signature.
        let valid = respond(&req, &key);
        let payload = &valid[..valid.find(SIGNATURE_PREFIX).expect("signature line")];
        let doubled = format!("{payload}seats: 999999\n");
        let signature = B64.encode(seed.sign(doubled.as_bytes()).to_bytes());
        let signed = format!("{doubled}{SIGNATURE_PREFIX}{signature}\n");
        assert!(matches!(
            ActivationResponse::verify(&signed, &key.verifying_key(), &req),
            Err(OfflineError::Malformed { .. })
        ));
        assert!(parse_installation("serial: A\nserial: B\nhash: h\n").is_err());
    }

    #[test]
    fn installation_file() {
        let inst = parse_installation("# server\nserial: SRV-1\nhash: 5f0c9a\n");
        assert_eq!(
            inst,
            Ok(InstallationId {
                serial: "SRV-1".into(),
                hash: "5f0c9a".into()
            })
        );
        assert!(parse_installation("serial: SRV-1\n").is_err());
        assert!(matches!(
            parse_installation("bogus\n"),
            Err(OfflineError::Malformed { line: 1, .. })
        ));
    }
}
