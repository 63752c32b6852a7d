//! `licadm serve --signing-key FILE`: the deployment's one license-signing key, given
//! to every portal instead of the key the first portal would generate.
//!
//! The file holds the 32-byte ed25519 secret key (the seed), either as exactly 32 raw
//! bytes, or as those bytes in standard base64 (44 characters, padding included) on
//! one line; surrounding whitespace is ignored. It must not be readable or writable by
//! others (mode `0600` or `0640`): a license key anyone on the host can read signs
//! licenses for anyone.
//!
//! A store that has no key yet keeps the file's; a store that already signs with
//! another key is refused (its licenses would stop verifying with the published key).

use base64::Engine;
use std::path::{Path, PathBuf};

/// The secret read from a `--signing-key` file. Never printed.
#[derive(Clone)]
pub struct SigningSecret(pub(crate) [u8; 32]);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(***)")
    }
}

impl SigningSecret {
    /// Base64 of the public key that verifies this secret's signatures.
    pub fn public_key(&self) -> String {
        crate::domain::license::encode_public_key(
            &ed25519_dalek::SigningKey::from_bytes(&self.0).verifying_key(),
        )
    }
}

/// Why a `--signing-key` file was refused.
#[derive(Debug, thiserror::Error)]
pub enum SigningKeyFileError {
    #[error("cannot read the signing key file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the signing key file {path} is readable or writable by others (mode {mode:o}); \
         make it private first: chmod 600 {path}"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error(
        "the signing key file {path} is not a 32-byte ed25519 secret key: expected 32 raw \
         bytes or their base64 (44 characters) on one line, found {found}"
    )]
    Malformed { path: PathBuf, found: String },
}

/// Reads and checks a `--signing-key` file (see the module comment for the format).
pub fn read_signing_key_file(path: &Path) -> Result<SigningSecret, SigningKeyFileError> {
    let read = |source| SigningKeyFileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o006 != 0 {
            return Err(SigningKeyFileError::Exposed {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let bytes = std::fs::read(path).map_err(read)?;
    parse(&bytes).map_err(|found| SigningKeyFileError::Malformed {
        path: path.to_path_buf(),
        found,
    })
}

/// 32 raw bytes, or base64 of 32 bytes; else what was found instead (never the bytes).
fn parse(bytes: &[u8]) -> Result<SigningSecret, String> {
    if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
        return Ok(SigningSecret(raw));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| {
            format!(
                "{} bytes that are neither 32 raw bytes nor text",
                bytes.len()
            )
        })?
        .trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| format!("{} characters that are not base64", text.chars().count()))?;
    <[u8; 32]>::try_from(decoded.as_slice())
        .map(SigningSecret)
        .map_err(|_| format!("base64 of {} bytes", decoded.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_base64_files_give_the_same_key_and_others_are_refused() {
        let raw = [7u8; 32];
        let text = base64::engine::general_purpose::STANDARD.encode(raw);
        assert_eq!(parse(&raw).expect("raw").0, raw);
        assert_eq!(
            parse(format!("{text}\n").as_bytes()).expect("base64").0,
            raw
        );
        assert!(parse(&[7u8; 31]).is_err());
        assert!(parse(b"not a key at all").is_err());
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        assert_eq!(
            parse(short.as_bytes()).err().as_deref(),
            Some("base64 of 16 bytes")
        );
        assert!(!format!("{:?}", SigningSecret(raw)).contains('7'));
    }
}
