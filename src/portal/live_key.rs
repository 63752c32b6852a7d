//! The key a running portal signs with, kept current after `licadm keys rotate`
//! (issue 15, docs/DESIGN.md §3.5) without a restart.
//!
//! A rotation lists the new public key in the store (the last one signs) and writes
//! the new secret to the key file (`<file>.next` first, renamed over the file after).
//! Every few seconds ([`CHECK_EVERY`]) each portal reads the store's newest public key;
//! when it is not the one the portal signs with, the portal looks for its secret in its
//! key file and `<file>.next` and signs with it from then on. Portals on one PostgreSQL
//! that share the key file (one host, or a shared path) all switch within those
//! seconds; a portal whose file does not hold the new key (another host, the file not
//! copied yet) keeps signing with the key it has — every listed key still verifies —
//! and says so in its log once per key until the file arrives.

use super::key_file::{next_key_file, read_if_present};
use super::store::Store;
use crate::domain::signing::PortalKey;
use ed25519_dalek::SigningKey;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// How often a portal compares its key with the store's newest.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// The signing key of a running portal.
pub struct LiveKey {
    current: RwLock<Arc<PortalKey>>,
    /// Where its secret (and a rotation's next one) is; None: nothing to reload from.
    file: Option<PathBuf>,
    /// The newest key id already warned about as missing from the file.
    warned: Mutex<Option<String>>,
}

impl LiveKey {
    pub fn new(key: PortalKey, file: Option<PathBuf>) -> LiveKey {
        LiveKey {
            current: RwLock::new(Arc::new(key)),
            file,
            warned: Mutex::new(None),
        }
    }

    /// The key to sign with now.
    pub fn current(&self) -> Arc<PortalKey> {
        match self.current.read() {
            Ok(key) => key.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, key: PortalKey) {
        let key = Arc::new(key);
        match self.current.write() {
            Ok(mut current) => *current = key,
            Err(poisoned) => *poisoned.into_inner() = key,
        }
    }

    /// Signs with the store's newest key when the key file holds it; answers whether
    /// the key changed.
    pub async fn refresh(&self, store: &Store) -> Result<bool, String> {
        let keys = store.signing_keys().await.map_err(|e| e.to_string())?;
        let Some(newest) = keys.last() else {
            return Ok(false);
        };
        if newest.public_key == self.current().public_key() {
            return Ok(false);
        }
        let Some(file) = self.file.clone() else {
            return Ok(false);
        };
        let wanted = newest.public_key.clone();
        let found = tokio::task::spawn_blocking(move || {
            [file.clone(), next_key_file(&file)]
                .iter()
                .filter_map(|path| read_if_present(path).ok().flatten())
                .find(|secret| secret.public_key() == wanted)
        })
        .await
        .map_err(|e| e.to_string())?;
        match found {
            Some(secret) => {
                let key = PortalKey::new(SigningKey::from_bytes(&secret.0));
                tracing::info!(key_id = key.id(), "signing with the rotated key");
                self.replace(key);
                Ok(true)
            }
            None => {
                let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
                if warned.as_deref() != Some(newest.key_id.as_str()) {
                    tracing::warn!(
                        key_id = %newest.key_id,
                        "the store signs with a newer key than this portal's key file holds; \
                         still signing with the old key (it verifies) until the rotated key \
                         file is copied here"
                    );
                    *warned = Some(newest.key_id.clone());
                }
                Ok(false)
            }
        }
    }
}

/// Checks for a rotated key every [`CHECK_EVERY`] until dropped.
pub async fn watch(live: Arc<LiveKey>, store: Store) {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        if let Err(e) = live.refresh(&store).await {
            tracing::warn!(error = %e, "cannot check for a rotated signing key");
        }
    }
}
