//! Known tokens remembered for a second, so an authenticated request makes one trip to
//! the store (its query), not two (the token, then the query). A revoked or changed
//! token is seen within [`TOKEN_TTL`]; unknown tokens are never remembered, so a wrong
//! token always reaches the store's answer. Requests that miss together wait for the
//! one that asks the store, so a busy token's expiry is one lookup, not one per request
//! in flight. docs/DESIGN.md §4.2.

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
    /// When this portal last wrote each token's last use (by token id).
    touched: Arc<Mutex<HashMap<i64, Instant>>>,
    /// Lookups under way, by hash: one request asks the store, the others wait here.
    asking: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
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
        if let Some(grant) = self.fresh(&hash) {
            return Ok(Some(grant));
        }
        let turn = {
            let mut asking = self.asking();
            Arc::clone(asking.entry(hash.clone()).or_default())
        };
        let answer = {
            let _mine = turn.lock().await;
            // Asked by the request this one waited for.
            match self.fresh(&hash) {
                Some(grant) => Ok(Some(grant)),
                None => fetch(hash.clone())
                    .await
                    .map(|grant| self.keep(hash.clone(), grant)),
            }
        };
        drop(turn);
        // A gate only the map holds has nobody waiting at it (a request takes its
        // handle under this lock before it waits).
        self.asking().retain(|_, gate| Arc::strong_count(gate) > 1);
        answer
    }

    /// The grant of `hash` if looked up less than [`TOKEN_TTL`] ago.
    fn fresh(&self, hash: &str) -> Option<TokenGrant> {
        let now = Instant::now();
        self.lock()
            .get(hash)
            .filter(|(at, _)| now.duration_since(*at) < TOKEN_TTL)
            .map(|(_, grant)| grant.clone())
    }

    /// Remembers the store's answer for `hash` (a known token), or forgets `hash`.
    fn keep(&self, hash: String, grant: Option<TokenGrant>) -> Option<TokenGrant> {
        let now = Instant::now();
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
        grant
    }

    /// Forgets a token this portal just revoked, so its next request here is refused at
    /// once (other portals on the same database see it within [`TOKEN_TTL`]).
    pub fn forget(&self, token_id: i64) {
        self.lock()
            .retain(|_, (_, grant)| grant.token_id != token_id);
    }

    /// Forgets every token of an account this portal just disabled.
    pub fn forget_account(&self, account_id: i64) {
        self.lock()
            .retain(|_, (_, grant)| grant.account_id != Some(account_id));
    }

    /// Whether a request of the token should write its last use now: not when the
    /// stored one is under a minute old, nor when this portal wrote it under a minute
    /// ago (the cached grant may not show that write yet). True at most once a minute.
    pub fn touch_due(
        &self,
        token_id: i64,
        stored: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let every = super::store::access_rows::TOUCH_EVERY;
        if stored.is_some_and(|at| now - at < every) {
            return false;
        }
        let mut touched = self
            .touched
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let at = Instant::now();
        let minute = every.to_std().unwrap_or(Duration::from_secs(60));
        if touched
            .get(&token_id)
            .is_some_and(|last| at.duration_since(*last) < minute)
        {
            return false;
        }
        if touched.len() >= MAX_ENTRIES {
            touched.retain(|_, last| at.duration_since(*last) < minute);
            if touched.len() >= MAX_ENTRIES {
                touched.clear();
            }
        }
        touched.insert(token_id, at);
        true
    }

    fn asking(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
        self.asking
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            account_id: None,
            expires_at: None,
            revoked_at: None,
            last_used_at: None,
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

    /// 64 requests of one token whose second is over: one asks the store, the others
    /// wait for its answer (before, each asked: a pile-up at every expiry).
    #[tokio::test]
    async fn requests_that_miss_together_ask_the_store_once() {
        let cache = TokenCache::default();
        let asked = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(tokio::sync::Notify::new());
        let requests: Vec<_> = (0..64)
            .map(|_| {
                let (cache, asked, answer) = (cache.clone(), asked.clone(), answer.clone());
                tokio::spawn(async move {
                    cache
                        .grant("busy".into(), |_| async move {
                            asked.fetch_add(1, Ordering::SeqCst);
                            answer.notified().await;
                            Ok(Some(grant()))
                        })
                        .await
                })
            })
            .collect();
        // On this one-thread runtime the spawned requests run until they wait before
        // this task runs again; a few turns, so all 64 are surely in the cache.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1, "one lookup in flight");
        answer.notify_one();
        for request in requests {
            let got = request.await.expect("joined").expect("granted");
            assert!(got.is_some());
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        assert!(cache.asking().is_empty(), "nothing left waiting");
    }

    #[test]
    fn the_last_use_is_written_at_most_once_a_minute() {
        let cache = TokenCache::default();
        let now = chrono::Utc::now();
        let recent = Some(now - chrono::TimeDelta::seconds(10));
        let old = Some(now - chrono::TimeDelta::seconds(120));
        assert!(
            !cache.touch_due(1, recent, now),
            "stored under a minute ago"
        );
        assert!(cache.touch_due(1, old, now));
        assert!(!cache.touch_due(1, old, now), "written here a moment ago");
        assert!(cache.touch_due(2, None, now), "another token");
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
