//! Issue 14: the round trip measured at start (`CSI 6n`) decides whether the status
//! line suggests ssh compression — once, only for a slow link.

use crate::support::console::*;
use licadm::console::app::{Msg, SLOW_TERMINAL, update};
use licadm::domain::Lang;
use std::time::Duration;

fn status_line(state: &licadm::console::app::State) -> String {
    let (lines, _) = render(state, 120, 30);
    lines.last().cloned().unwrap_or_default()
}

#[test]
fn a_slow_round_trip_suggests_compression_in_both_languages() {
    for (lang, said) in [(Lang::Ru, "ssh -C"), (Lang::En, "Compression yes")] {
        let mut state = loaded_state(lang);
        update(
            &mut state,
            Msg::TerminalRoundTrip(Duration::from_millis(330)),
        );
        let status = status_line(&state);
        assert!(status.contains(said), "{status}");
        assert!(status.contains("330"), "{status}");
    }
}

#[test]
fn a_quick_round_trip_says_nothing() {
    let mut state = loaded_state(Lang::Ru);
    let before = status_line(&state);
    update(&mut state, Msg::TerminalRoundTrip(SLOW_TERMINAL));
    update(&mut state, Msg::TerminalRoundTrip(Duration::from_millis(3)));
    assert_eq!(status_line(&state), before);
    assert!(!status_line(&state).contains("ssh"));
}
