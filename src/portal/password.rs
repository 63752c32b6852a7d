//! Account passwords (issue 15): hashed with argon2id, the memory-hard hash OWASP's
//! password storage guidance puts first, as PHC strings (`$argon2id$v=19$m=…`), so the
//! parameters travel with each hash and can be raised later without breaking old ones.
//!
//! Parameters: m = 19 MiB, t = 2 passes, p = 1 lane — OWASP's minimum for argon2id.
//! One hash or check takes about 25 ms on one core of the build machine (release; the
//! dev profile optimises argon2 too, see Cargo.toml) and 19 MiB while it runs. The
//! portal runs them on tokio's blocking pool, never on the async threads, and at most
//! [`MAX_CONCURRENT`] at once, so a burst of logins cannot take all the memory.
//!
//! An unknown e-mail is checked against a fixed dummy hash of the same parameters, so
//! it costs the same time as a wrong password: the answer's timing does not tell which
//! e-mails have accounts.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// Memory in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const PASSES: u32 = 2;
/// Lanes.
pub const LANES: u32 = 1;
/// Hashes or checks running at once (each holds [`MEMORY_KIB`]).
pub const MAX_CONCURRENT: usize = 4;

/// Password length bounds, in characters. Eight is NIST SP 800-63B's floor; the upper
/// bound keeps a hash request from being a way to make the portal hash megabytes.
pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 256;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS
        .get_or_init(|| Arc::new(Semaphore::new(MAX_CONCURRENT)))
        .clone()
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("no randomness for a salt: {0}")]
    Randomness(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Task(String),
}

/// The PHC string of `password` under a fresh random salt. Blocking (~25 ms).
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| PasswordError::Randomness(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `stored`; with None (no such account, or
/// no password set yet) a dummy hash is checked so the time is the same, and the
/// answer is false. Blocking (~25 ms).
pub fn verify_blocking(password: &str, stored: Option<&str>) -> bool {
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (dummy(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // The parameters come from the stored string: a hash made with older ones checks.
    let matches = hasher()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

/// A hash of no one's password, with the current parameters.
fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking("no account has this password, it is only checked for the time")
            .unwrap_or_default()
    })
}

/// [`hash_blocking`] on the blocking pool, within the concurrency cap.
pub async fn hash(password: crate::secret::Secret) -> Result<String, PasswordError> {
    let _permit = permits()
        .acquire_owned()
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash_blocking(password.expose()))
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))?
}

/// [`verify_blocking`] on the blocking pool, within the concurrency cap.
pub async fn verify(
    password: crate::secret::Secret,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    let _permit = permits()
        .acquire_owned()
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))?;
    tokio::task::spawn_blocking(move || verify_blocking(password.expose(), stored.as_deref()))
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_check_only_the_right_password() {
        let a = hash_blocking("correct horse battery").expect("hash");
        let b = hash_blocking("correct horse battery").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains("correct horse"));
        assert!(verify_blocking("correct horse battery", Some(&a)));
        assert!(!verify_blocking("correct horse batterY", Some(&a)));
        assert!(!verify_blocking("correct horse battery", None));
        assert!(!verify_blocking("x", Some("not a PHC string")));
    }
}
