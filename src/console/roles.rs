//! What each role may do, by action name (docs/DESIGN.md §3.9), for the key-hint line
//! (only what the role can do) and the `?` help (the rest listed as unavailable). The
//! portal still decides; this only keeps the console from offering what it would
//! refuse.

use crate::client::wire::Role;
use crate::console::i18n::Tr;
use crate::console::keymap::{Binding, Keymap};
use crate::domain::Lang;

/// Actions only an admin may run.
const ADMIN_ONLY: &[&str] = &[
    "list.new_activation",
    "seats.bind",
    "seats.unbind",
    "seats.bulk_bind",
    "capacity.emergency",
    "keys.install",
    "new_offer.accept",
    "new_precheck.activate_selected",
    "new_precheck.activate_all",
    "new_confirm.activate",
];

/// Actions an admin or support may run (not a viewer).
const SUPPORT_AND_UP: &[&str] = &["list.retry", "detail.retry"];

/// Whether `role` may run the action named `name`; with the role not known yet
/// (before `GET /me` answers) everything is offered, as before.
pub fn may(role: Option<Role>, name: &str) -> bool {
    match role {
        None | Some(Role::Admin) => true,
        Some(Role::Support) => !ADMIN_ONLY.contains(&name),
        // The vendor's operator writes nothing a partner does: read-only here.
        Some(Role::Viewer) | Some(Role::Operator) => {
            !ADMIN_ONLY.contains(&name) && !SUPPORT_AND_UP.contains(&name)
        }
    }
}

fn split<A: Copy>(
    bindings: &[Binding<A>],
    role: Option<Role>,
) -> (Vec<Binding<A>>, Vec<Binding<A>>) {
    bindings.iter().copied().partition(|b| may(role, b.name))
}

/// The hint line's entries: only what `role` can do.
pub fn hint_entries<A: Copy>(
    keymap: &Keymap,
    bindings: &[Binding<A>],
    lang: Lang,
    role: Option<Role>,
) -> Vec<(String, &'static str)> {
    keymap.hint_entries(&split(bindings, role).0, lang)
}

const UNAVAILABLE: Tr = Tr::new(
    "— недоступно для вашей роли —",
    "— not available to your role —",
);

/// Help entries: (keys, description).
pub type HelpEntries = Vec<(String, &'static str)>;

/// The help's entries: what `role` can do, and the rest (to be listed after every
/// other entry of the screen, under [`unavailable_header`]).
pub fn help_entries<A: Copy>(
    keymap: &Keymap,
    bindings: &[Binding<A>],
    lang: Lang,
    role: Option<Role>,
) -> (HelpEntries, HelpEntries) {
    let (allowed, refused) = split(bindings, role);
    (
        keymap.help_entries(&allowed, lang),
        keymap.help_entries(&refused, lang),
    )
}

/// The line above what the role cannot do, in the help.
pub fn unavailable_header(lang: Lang) -> (String, &'static str) {
    (String::new(), UNAVAILABLE.get(lang))
}

/// Said on a form the role cannot submit, before anything is typed.
pub fn keys_online_note(lang: Lang, role: Role) -> String {
    let role = crate::console::i18n::role(lang, role);
    match lang {
        Lang::Ru => format!("Роль «{role}» не может активировать ключи; F3 — запрос файлом"),
        Lang::En => format!("The {role} role may not activate keys; F3 writes a request file"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_retries_but_does_not_create_and_a_viewer_only_reads() {
        assert!(may(Some(Role::Support), "list.retry"));
        assert!(!may(Some(Role::Support), "list.new_activation"));
        assert!(!may(Some(Role::Viewer), "detail.retry"));
        assert!(may(Some(Role::Viewer), "list.refresh"));
        assert!(may(None, "seats.bind"));
    }
}
