//! Which key signed a document (docs/DESIGN.md §3.5, issue 15): every portal key has a
//! key id, the first 8 bytes of SHA-256 of its 32-byte public key in hex, and every
//! license file and offline response names it on a signed `key-id:` line, the last line
//! before the signature. After `licadm keys rotate` a verifier holds a key ring (every
//! public key the portal ever signed with, oldest first) and picks the key the document
//! names; a document from before key ids (no `key-id:` line) was signed by the first key.
//!
//! The id is derived from the public key, not numbered by a store, so portals sharing
//! one key file agree on it without asking each other, and a ring needs nothing but the
//! public keys. Pure: no I/O.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The payload line naming the key, `key-id: <16 hex digits>`.
pub const KEY_ID_PREFIX: &str = "key-id: ";

/// The key id of a public key: hex of the first 8 bytes of its SHA-256.
pub fn key_id(public: &VerifyingKey) -> String {
    Sha256::digest(public.to_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A portal's signing key and its id. The secret is never printed.
#[derive(Clone)]
pub struct PortalKey {
    secret: SigningKey,
    id: String,
}

impl std::fmt::Debug for PortalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PortalKey({}, secret ***)", self.id)
    }
}

impl PortalKey {
    pub fn new(secret: SigningKey) -> PortalKey {
        let id = key_id(&secret.verifying_key());
        PortalKey { secret, id }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.secret.verifying_key()
    }

    /// Base64 of the public key (as `GET /signing-key` answers it).
    pub fn public_key(&self) -> String {
        B64.encode(self.secret.verifying_key().to_bytes())
    }

    /// `payload` with this key's `key-id:` line, and the signature over both, as the
    /// text of a document: `<payload>key-id: <id>\n<signature_prefix><base64>\n`.
    pub fn sign_document(&self, payload: &str, signature_prefix: &str) -> String {
        let signed = format!("{payload}{KEY_ID_PREFIX}{}\n", self.id);
        let signature = self.secret.sign(signed.as_bytes());
        format!(
            "{signed}{signature_prefix}{}\n",
            B64.encode(signature.to_bytes())
        )
    }
}

/// The signed payload without its `key-id:` line (when its last line is one), and the
/// id that line names.
pub fn split_key_id(payload: &str) -> (&str, Option<&str>) {
    let body = payload.strip_suffix('\n').unwrap_or(payload);
    let last_start = body.rfind('\n').map_or(0, |i| i + 1);
    match body[last_start..].strip_prefix(KEY_ID_PREFIX) {
        Some(id) => (&payload[..last_start], Some(id)),
        None => (payload, None),
    }
}

/// Why no key of a ring can check a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRingError {
    #[error("no public key given")]
    Empty,
    #[error("public key {index} is not a valid ed25519 key (base64 of 32 bytes): {reason}")]
    BadKey { index: usize, reason: String },
    #[error(
        "signed by key {0}, which is not among the known public keys (fetch the portal's \
         keys again: GET /api/v1/signing-key lists every key it ever signed with)"
    )]
    UnknownKey(String),
}

/// Every public key a portal signed with, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRing {
    keys: Vec<(String, VerifyingKey)>,
}

impl KeyRing {
    /// A ring of one key.
    pub fn single(key: VerifyingKey) -> KeyRing {
        KeyRing {
            keys: vec![(key_id(&key), key)],
        }
    }

    /// Keys given oldest first, as base64 public keys separated by white space or
    /// commas (one per line in a key file, as `licadm keys list` prints them).
    pub fn parse(text: &str) -> Result<KeyRing, KeyRingError> {
        let mut keys = Vec::new();
        for (index, word) in text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            let bad = |reason: String| KeyRingError::BadKey {
                index: index + 1,
                reason,
            };
            let bytes = B64.decode(word).map_err(|e| bad(e.to_string()))?;
            let bytes: [u8; 32] = bytes
                .try_into()
                .map_err(|_| bad("expected 32 bytes".into()))?;
            let key = VerifyingKey::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
            if !keys.iter().any(|(_, k)| *k == key) {
                keys.push((key_id(&key), key));
            }
        }
        if keys.is_empty() {
            return Err(KeyRingError::Empty);
        }
        Ok(KeyRing { keys })
    }

    /// The keys as text `parse` reads back: base64, one per line, oldest first.
    pub fn to_text(&self) -> String {
        self.keys
            .iter()
            .map(|(_, k)| format!("{}\n", B64.encode(k.to_bytes())))
            .collect()
    }

    /// The newest key's id.
    pub fn current_id(&self) -> Option<&str> {
        self.keys.last().map(|(id, _)| id.as_str())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key that must have signed a payload naming `id`: that key, or the first
    /// (oldest) one for a payload from before key ids.
    pub fn key_for(&self, id: Option<&str>) -> Result<&VerifyingKey, KeyRingError> {
        match id {
            None => self.keys.first().map(|(_, k)| k).ok_or(KeyRingError::Empty),
            Some(id) => self
                .keys
                .iter()
                .find(|(known, _)| known == id)
                .map(|(_, k)| k)
                .ok_or_else(|| KeyRingError::UnknownKey(id.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_hex_and_rings_pick_by_id_or_the_first() {
        let old = SigningKey::from_bytes(&[1; 32]);
        let new = SigningKey::from_bytes(&[2; 32]);
        let id_old = key_id(&old.verifying_key());
        assert_eq!(id_old.len(), 16);
        assert!(id_old.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(id_old, key_id(&new.verifying_key()));
        let text = format!(
            "{}\n{}, {}",
            PortalKey::new(old.clone()).public_key(),
            PortalKey::new(new.clone()).public_key(),
            PortalKey::new(old.clone()).public_key(),
        );
        let ring = KeyRing::parse(&text).expect("two keys");
        assert_eq!(ring.len(), 2, "a repeated key counts once");
        assert_eq!(ring.key_for(None), Ok(&old.verifying_key()));
        assert_eq!(
            ring.key_for(Some(&key_id(&new.verifying_key()))),
            Ok(&new.verifying_key())
        );
        assert!(matches!(
            ring.key_for(Some("0011223344556677")),
            Err(KeyRingError::UnknownKey(_))
        ));
        assert_eq!(KeyRing::parse(&ring.to_text()), Ok(ring.clone()));
        assert_eq!(KeyRing::parse(" \n"), Err(KeyRingError::Empty));
        assert!(!format!("{:?}", PortalKey::new(old)).contains("[1"));
    }

    #[test]
    fn the_key_id_line_is_split_off_only_when_last() {
        assert_eq!(
            split_key_id("A\nb: 1\nkey-id: 00ff\n"),
            ("A\nb: 1\n", Some("00ff"))
        );
        assert_eq!(split_key_id("A\nkey-id: 00ff\nb: 1\n").1, None);
        assert_eq!(split_key_id("A\nb: 1\n"), ("A\nb: 1\n", None));
    }
}
