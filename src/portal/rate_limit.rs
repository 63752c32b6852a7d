//! Rate limits (issue 15, item 6): 2 000 bad tokens in 1.3 s all got an answer, and any
//! token could send without bound. Token buckets, in memory, per portal process:
//!
//! - per address: every request of a client address;
//! - per token: every request bearing one `Authorization` value (kept as its SHA-256,
//!   never the token);
//! - failed authentication per address: each 401 takes from a small, slowly refilled
//!   bucket; while it is empty the address gets 429 before its token is even looked up,
//!   so guessing tokens costs real time.
//!
//! An empty bucket answers 429 `rate_limited` with `Retry-After` (whole seconds until a
//! request is allowed again) and `RateLimit-Limit`, `RateLimit-Remaining`,
//! `RateLimit-Reset`; every answer carries the three for the tightest bucket it used.
//! `/health` is never limited (monitors and load balancers poll it). Several portals
//! on one PostgreSQL database limit each on its own.

use super::AppState;
use super::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A bucket's size and how fast it refills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed at once (the bucket's size).
    pub burst: u32,
    /// Requests per minute it refills.
    pub per_minute: u32,
}

impl Rate {
    fn per_second(self) -> f64 {
        f64::from(self.per_minute) / 60.0
    }
}

/// The limits a portal applies; `None` turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub per_address: Option<Rate>,
    pub per_token: Option<Rate>,
    pub failed_auth_per_address: Option<Rate>,
    /// Failed logins per account (`POST /login`, by the e-mail given, whether or not an
    /// account has it, so the throttle does not tell which exist). Per address, failed
    /// logins count as failed authentications (they answer 401).
    pub failed_login_per_account: Option<Rate>,
}

impl Default for RateLimits {
    /// Generous for people and scripts (a console paging, a bulk bind), tight for
    /// guessing: 20 failed authentications, then one every 3 seconds.
    fn default() -> Self {
        RateLimits {
            per_address: Some(Rate {
                burst: 2_000,
                per_minute: 12_000,
            }),
            per_token: Some(Rate {
                burst: 1_000,
                per_minute: 6_000,
            }),
            failed_auth_per_address: Some(Rate {
                burst: 20,
                per_minute: 20,
            }),
            // Five tries, then one a minute: a person who mistyped waits a minute, a
            // guesser gets 1 440 tries a day per account.
            failed_login_per_account: Some(Rate {
                burst: 5,
                per_minute: 1,
            }),
        }
    }
}

impl RateLimits {
    pub fn off() -> RateLimits {
        RateLimits {
            per_address: None,
            per_token: None,
            failed_auth_per_address: None,
            failed_login_per_account: None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What one bucket said about a request.
#[derive(Debug, Clone, Copy)]
struct Verdict {
    limit: u32,
    remaining: u32,
    /// Seconds until a request is allowed again (0 when one is allowed now).
    wait: u64,
    allowed: bool,
}

#[derive(Default)]
struct Buckets(Mutex<HashMap<(u8, Vec<u8>), Bucket>>);

/// Beyond this many remembered buckets, full ones are forgotten (they hold nothing).
const MAX_BUCKETS: usize = 100_000;

impl Buckets {
    /// Refills, then takes `cost` (0 only looks) from the bucket `key` of `rate`.
    fn take(&self, kind: u8, key: &[u8], rate: Rate, cost: f64, now: Instant) -> Verdict {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() > MAX_BUCKETS {
            map.retain(|_, b| {
                let refilled =
                    b.tokens + now.duration_since(b.at).as_secs_f64() * rate.per_second();
                refilled < f64::from(rate.burst)
            });
        }
        let burst = f64::from(rate.burst);
        let bucket = map.entry((kind, key.to_vec())).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let refilled = (bucket.tokens
            + now.duration_since(bucket.at).as_secs_f64() * rate.per_second())
        .min(burst);
        let allowed = refilled >= cost.max(1.0) || (cost == 0.0 && refilled >= 1.0);
        let left = if allowed { refilled - cost } else { refilled };
        *bucket = Bucket {
            tokens: left,
            at: now,
        };
        let wait = if left >= 1.0 || rate.per_minute == 0 {
            0
        } else {
            ((1.0 - left) / rate.per_second()).ceil() as u64
        };
        Verdict {
            limit: rate.burst,
            remaining: left.max(0.0).floor() as u32,
            wait: wait.max(u64::from(!allowed)),
            allowed,
        }
    }
}

/// The limiter shared by every request of a portal.
#[derive(Clone)]
pub struct Limiter {
    limits: RateLimits,
    buckets: Arc<Buckets>,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter {
            limits,
            buckets: Arc::new(Buckets::default()),
        }
    }
}

const ADDRESS: u8 = 0;
const TOKEN: u8 = 1;
const FAILED_AUTH: u8 = 2;
const FAILED_LOGIN: u8 = 3;

impl Limiter {
    /// Before a password is checked: a 429 (with Retry-After) while the account's
    /// failed-login bucket is empty.
    pub(crate) fn login_allowed(&self, email: &str) -> Result<(), Box<Response>> {
        let Some(rate) = self.limits.failed_login_per_account else {
            return Ok(());
        };
        let key = Sha256::digest(email.as_bytes());
        let looked = self
            .buckets
            .take(FAILED_LOGIN, &key, rate, 0.0, Instant::now());
        if looked.allowed {
            Ok(())
        } else {
            Err(Box::new(too_many(
                looked,
                "too many failed logins for this account",
            )))
        }
    }

    /// A failed login of `email` takes from its bucket.
    pub(crate) fn login_failed(&self, email: &str) {
        if let Some(rate) = self.limits.failed_login_per_account {
            let key = Sha256::digest(email.as_bytes());
            self.buckets
                .take(FAILED_LOGIN, &key, rate, 1.0, Instant::now());
        }
    }
}

fn address_key(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        // A client holds a whole /64: one limit for all of it.
        IpAddr::V6(v6) => v6.octets()[..8].to_vec(),
    }
}

pub(crate) async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limiter = &state.limiter;
    if request.uri().path().ends_with("/health") {
        return next.run(request).await;
    }
    let now = Instant::now();
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| Sha256::digest(value.as_bytes()).to_vec());
    let limits = limiter.limits;
    let buckets = &limiter.buckets;
    let mut verdicts = Vec::new();
    if let (Some(ip), Some(rate)) = (ip, limits.failed_auth_per_address) {
        // Only looks: an empty failure bucket refuses before the token is looked up.
        let looked = buckets.take(FAILED_AUTH, &address_key(ip), rate, 0.0, now);
        if !looked.allowed {
            return too_many(looked, "too many failed authentications from this address");
        }
    }
    if let (Some(ip), Some(rate)) = (ip, limits.per_address) {
        verdicts.push(buckets.take(ADDRESS, &address_key(ip), rate, 1.0, now));
    }
    if let (Some(token), Some(rate)) = (&token, limits.per_token) {
        verdicts.push(buckets.take(TOKEN, token, rate, 1.0, now));
    }
    if let Some(refused) = verdicts.iter().find(|v| !v.allowed) {
        return too_many(*refused, "too many requests");
    }
    let mut response = next.run(request).await;
    if response.status() == axum::http::StatusCode::UNAUTHORIZED
        && let (Some(ip), Some(rate)) = (ip, limits.failed_auth_per_address)
    {
        verdicts.push(buckets.take(FAILED_AUTH, &address_key(ip), rate, 1.0, Instant::now()));
    }
    if let Some(tightest) = verdicts.iter().min_by_key(|v| v.remaining) {
        set_headers(response.headers_mut(), *tightest);
    }
    response
}

fn set_headers(headers: &mut HeaderMap, verdict: Verdict) {
    let number = |n: u64| HeaderValue::from_str(&n.to_string()).ok();
    for (name, value) in [
        ("ratelimit-limit", u64::from(verdict.limit)),
        ("ratelimit-remaining", u64::from(verdict.remaining)),
        ("ratelimit-reset", verdict.wait),
    ] {
        if let Some(value) = number(value) {
            headers.insert(name, value);
        }
    }
}

fn too_many(verdict: Verdict, what: &str) -> Response {
    let wait = verdict.wait.max(1);
    let mut response =
        ApiError::TooManyRequests(format!("{what}: send again in {wait} s (Retry-After)"))
            .into_response();
    let headers = response.headers_mut();
    set_headers(headers, verdict);
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        headers.insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_empties_then_refills_at_its_rate() {
        let buckets = Buckets::default();
        let rate = Rate {
            burst: 2,
            per_minute: 30,
        };
        let t0 = Instant::now();
        assert!(buckets.take(0, b"a", rate, 1.0, t0).allowed);
        assert!(buckets.take(0, b"a", rate, 1.0, t0).allowed);
        let refused = buckets.take(0, b"a", rate, 1.0, t0);
        assert!(!refused.allowed);
        assert_eq!(refused.wait, 2, "one request back after 2 s at 0.5/s");
        assert!(buckets.take(0, b"b", rate, 1.0, t0).allowed, "another key");
        assert!(
            buckets
                .take(0, b"a", rate, 1.0, t0 + Duration::from_secs(2))
                .allowed
        );
    }
}
