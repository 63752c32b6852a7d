//! Role-aware (issue 12): the key-hint line offers only what the token's role can do,
//! `?` help lists the rest as unavailable, and a form the role cannot submit says so
//! before anything is typed.

use crate::support::console::issue4::*;
use crate::support::console::*;
use licadm::client::wire::{Me, Role};
use licadm::console::app::{Msg, State, update};
use licadm::domain::Lang;

fn as_role(mut state: State, role: Role) -> State {
    update(
        &mut state,
        Msg::MeLoaded(Ok(Me {
            account: "desk@techbiz.ru".into(),
            role,
            ..me()
        })),
    );
    state
}

fn hints(state: &State) -> Vec<&'static str> {
    state
        .hint_entries()
        .into_iter()
        .map(|(_, label)| label)
        .collect()
}

#[test]
fn hints_show_only_what_the_role_can_do_and_help_lists_the_rest_as_unavailable() {
    let admin = loaded_state(Lang::En);
    assert!(
        hints(&admin).contains(&"new activation"),
        "{:?}",
        hints(&admin)
    );

    let support = as_role(loaded_state(Lang::En), Role::Support);
    assert!(
        !hints(&support).contains(&"new activation"),
        "{:?}",
        hints(&support)
    );
    let help = support.help_entries();
    let unavailable = help
        .iter()
        .position(|(_, text)| text.contains("not available to your role"))
        .expect("a line for what the role cannot do");
    let create = help
        .iter()
        .position(|(_, text)| text.contains("new activation"))
        .expect("the new activation is still in the help");
    assert!(
        create > unavailable,
        "listed under «not available»: {help:?}"
    );
    let retry = help
        .iter()
        .position(|(_, text)| text.starts_with("retry"))
        .expect("retry");
    assert!(retry < unavailable, "support may retry: {help:?}");
    let tabs = help
        .iter()
        .position(|(_, text)| text.contains("Activations screen"))
        .expect("tab keys");
    assert!(tabs < unavailable, "the tabs work for every role: {help:?}");

    let viewer = as_role(loaded_state(Lang::En), Role::Viewer);
    assert!(
        !hints(&viewer).iter().any(|h| h.starts_with("retry")),
        "{:?}",
        hints(&viewer)
    );

    // Seats: no bind, unbind or bulk bind offered to a viewer.
    let mut seats = seats_state(Lang::En);
    update(
        &mut seats,
        Msg::MeLoaded(Ok(Me {
            role: Role::Viewer,
            ..me()
        })),
    );
    let offered = hints(&seats);
    assert!(!offered.iter().any(|h| h.contains("bind")), "{offered:?}");
}

#[test]
fn the_online_key_form_says_up_front_when_the_role_may_not_submit_it() {
    for (lang, expected) in [
        (Lang::Ru, "не может активировать ключи"),
        (Lang::En, "may not activate keys"),
    ] {
        let mut state = keys_state(lang);
        update(
            &mut state,
            Msg::MeLoaded(Ok(Me {
                role: Role::Support,
                ..me()
            })),
        );
        let (lines, _) = render(&state, 80, 24);
        let screen = screen_text(&lines);
        assert!(
            screen.contains(expected),
            "{lang:?}, before any typing:\n{screen}"
        );
        let mut admin = keys_state(lang);
        update(&mut admin, Msg::MeLoaded(Ok(me())));
        let (lines, _) = render(&admin, 80, 24);
        assert!(!screen_text(&lines).contains(expected));
    }
}
