//! Known tokens remembered for a second, so an authenticated request makes one trip to
//! the store (its query), not two (the token, then the query). A revoked or changed
//! token is seen within [`TOKEN_TTL`]; unknown tokens are never remembered, so a wrong
//! token always reaches the store's answer. docs/DESIGN.md §4.2.

use super::store::{StoreError, TokenGrant};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a looked-up token is trusted without asking the store again.
pub const TOKEN_TTL: Duration = Duration::from_secs(1);
/// Entries kept at most; past it the expired ones go, then the cache starts over.
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone, Default)]
pub struct TokenCache {
    /// By the token's hash (the token itself is never kept).
    entries: Arc<Mutex<HashMap<String, (Instant, TokenGrant)>>>,
}

impl TokenCache {
    /// The grant of `hash`: remembered if looked up less than [`TOKEN_TTL`] ago, else
    /// from `fetch` (and remembered when the token is known).
    pub async fn grant<F, Fut>(
        &self,
        hash: String,
        fetch: F,
    ) -> Result<Option<TokenGrant>, StoreError>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<Option<TokenGrant>, StoreError>>,
    {
        let now = Instant::now();
        if let Some((at, grant)) = self.lock().get(&hash)
            && now.duration_since(*at) < TOKEN_TTL
        {
            return Ok(Some(grant.clone()));
        }
        let grant = fetch(hash.clone()).await?;
        let mut entries = self.lock();
        match &grant {
            Some(grant) => {
                if entries.len() >= MAX_ENTRIES {
                    entries.retain(|_, (at, _)| now.duration_since(*at) < TOKEN_TTL);
                    if entries.len() >= MAX_ENTRIES {
                        entries.clear();
                    }
                }
                entries.insert(hash, (now, grant.clone()));
            }
            None => {
                entries.remove(&hash);
            }
        }
        Ok(grant)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, TokenGrant)>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::Role;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn grant() -> TokenGrant {
        TokenGrant {
            token_id: 1,
            role: Role::Admin,
            label: "t".into(),
            organizations: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_known_token_is_asked_once_a_second_and_an_unknown_one_every_time() {
        let cache = TokenCache::default();
        let asked = AtomicUsize::new(0);
        for _ in 0..3 {
            let got = cache
                .grant("known".into(), |_| async {
                    asked.fetch_add(1, Ordering::SeqCst);
                    Ok(Some(grant()))
                })
                .await
                .unwrap();
            assert!(got.is_some());
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        for _ in 0..3 {
            let got = cache
                .grant("unknown".into(), |_| async {
                    asked.fetch_add(1, Ordering::SeqCst);
                    Ok(None)
                })
                .await
                .unwrap();
            assert!(got.is_none());
        }
        assert_eq!(asked.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_revoked_token_is_refused_once_its_second_is_over() {
        let cache = TokenCache::default();
        let at = Instant::now() - TOKEN_TTL;
        cache.lock().insert("revoked".into(), (at, grant()));
        let got = cache
            .grant("revoked".into(), |_| async { Ok(None) })
            .await
            .unwrap();
        assert!(got.is_none(), "the store's answer wins after the TTL");
        assert!(cache.lock().get("revoked").is_none());
    }
}
