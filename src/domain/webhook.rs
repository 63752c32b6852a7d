//! Webhooks' pure rules (issue 17; docs/DESIGN.md §4.9): which audit actions are
//! events, which subscriptions an endpoint may hold, how a delivery is signed and how
//! long a failed one waits before the next attempt.

use sha2::{Digest, Sha256};
use std::time::Duration;

/// Every event type an endpoint can hear, in the order the API lists them.
pub const EVENT_TYPES: [&str; 8] = [
    "activation.done",
    "activation.error",
    "seat.bound",
    "seat.unbound",
    "emergency_license.requested",
    "invoice.issued",
    "invoice.overdue",
    "invoice.paid",
];

/// A subscription to every `emergency_license.…` event, present and future.
pub const EMERGENCY_ANY: &str = "emergency_license.*";

/// The header a delivery's signature travels in.
pub const SIGNATURE_HEADER: &str = "X-Licadm-Signature";

/// Prefix of endpoint secrets (as `lca_` is of tokens).
pub const SECRET_PREFIX: &str = "whsec_";

/// The event an audit action is, if it is one (docs/DESIGN.md §4.9).
pub fn event_of_action(action: &str) -> Option<&'static str> {
    Some(match action {
        "activation.completed" => "activation.done",
        "activation.failed" => "activation.error",
        "seat.bound" => "seat.bound",
        "seat.unbound" => "seat.unbound",
        "emergency.requested" => "emergency_license.requested",
        "invoice.issued" => "invoice.issued",
        "invoice.overdue" => "invoice.overdue",
        "invoice.paid" => "invoice.paid",
        _ => return None,
    })
}

/// Whether an endpoint subscribed to `events` hears `event_type`.
pub fn subscribed(events: &[String], event_type: &str) -> bool {
    events.iter().any(|wanted| {
        wanted == event_type
            || wanted
                .strip_suffix('*')
                .is_some_and(|prefix| event_type.starts_with(prefix))
    })
}

/// The subscriptions as given, checked: at least one, each a known event type or
/// `emergency_license.*`; duplicates dropped, order kept. The error names the bad one.
pub fn check_events(events: &[String]) -> Result<Vec<String>, String> {
    if events.is_empty() {
        return Err(format!(
            "events must name at least one of: {}, {EMERGENCY_ANY}",
            EVENT_TYPES.join(", ")
        ));
    }
    let mut checked: Vec<String> = Vec::new();
    for event in events {
        let event = event.trim();
        if !EVENT_TYPES.contains(&event) && event != EMERGENCY_ANY {
            return Err(format!(
                "unknown event {event:?}: use {}, {EMERGENCY_ANY}",
                EVENT_TYPES.join(", ")
            ));
        }
        if !checked.iter().any(|e| e == event) {
            checked.push(event.to_string());
        }
    }
    Ok(checked)
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`. Written here on the `sha2` the
/// crate already has: the `hmac` crate of this lock file needs another `sha2` major.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `X-Licadm-Signature` value of `body` sent at unix time `t`:
/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (the scheme Stripe uses).
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(body);
    format!("t={t},v1={}", hex(&hmac_sha256(secret.as_bytes(), &signed)))
}

/// What a receiver does: true when `header` signs `body` with `secret` and its time is
/// within `tolerance_secs` of `now` (replays of old deliveries are refused).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut given = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => given.push(value.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    let expected = signature(secret, t, body);
    let expected = expected.rsplit("v1=").next().unwrap_or_default();
    // Compared whole; the length and the text are public, only the secret is not.
    given
        .iter()
        .any(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How long a delivery waits after its `attempts`-th failure: `base` doubled per
/// failure, at most `cap`.
pub fn backoff(attempts: u32, base: Duration, cap: Duration) -> Duration {
    let doublings = attempts.saturating_sub(1).min(30);
    base.saturating_mul(1u32 << doublings).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test cases 1, 2 and 6 (a key longer than the block).
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_signature_verifies_only_with_its_secret_body_and_time() {
        let header = signature("whsec_a", 1_700_000_000, b"{\"id\":1}");
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify(
            "whsec_a",
            &header,
            b"{\"id\":1}",
            1_700_000_010,
            300
        ));
        assert!(!verify(
            "whsec_b",
            &header,
            b"{\"id\":1}",
            1_700_000_010,
            300
        ));
        assert!(!verify(
            "whsec_a",
            &header,
            b"{\"id\":2}",
            1_700_000_010,
            300
        ));
        assert!(!verify(
            "whsec_a",
            &header,
            b"{\"id\":1}",
            1_700_001_000,
            300
        ));
        assert!(!verify(
            "whsec_a",
            "v1=00",
            b"{\"id\":1}",
            1_700_000_000,
            300
        ));
    }

    #[test]
    fn actions_map_to_events_and_subscriptions_match() {
        assert_eq!(
            event_of_action("activation.completed"),
            Some("activation.done")
        );
        assert_eq!(
            event_of_action("emergency.requested"),
            Some("emergency_license.requested")
        );
        assert_eq!(event_of_action("activation.created"), None);
        let any = vec![EMERGENCY_ANY.to_string()];
        assert!(subscribed(&any, "emergency_license.requested"));
        assert!(!subscribed(&any, "seat.bound"));
        assert!(subscribed(&["seat.bound".to_string()], "seat.bound"));
        assert!(check_events(&[]).is_err());
        assert!(check_events(&["seat.*".into()]).is_err());
        assert_eq!(
            check_events(&["seat.bound".into(), " seat.bound".into()]).expect("valid"),
            vec!["seat.bound".to_string()]
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let (base, cap) = (Duration::from_secs(5), Duration::from_secs(60));
        assert_eq!(backoff(1, base, cap), Duration::from_secs(5));
        assert_eq!(backoff(2, base, cap), Duration::from_secs(10));
        assert_eq!(backoff(4, base, cap), Duration::from_secs(40));
        assert_eq!(backoff(5, base, cap), cap);
        assert_eq!(backoff(200, base, cap), cap);
    }
}
