//! Paths the user types (the serial list's import, the Keys screen's files): `~`
//! expanded to the home directory, and Tab completion from the directory's entries.
//! Both touch the file system only when called from the runtime (never from `update`).

use crate::console::app::Command;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

/// What a key did to a path field ([`edit`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathEdit {
    /// A character typed or removed.
    Edited,
    /// Tab: the runtime lists the directory and answers `Msg::PathCompleted`, which
    /// [`accept_completion`] applies to whichever path field asked.
    Complete(Command),
    /// Not a key a path field takes (the caller's own keys: Enter, Esc, …).
    Ignored,
}

/// One key in any field that holds a typed path (the serial import, the precheck's
/// save prompt, the Keys screen's installation, response and request files): the same
/// typing and the same Tab completion everywhere. Tab in an empty field is left to the
/// caller (it may move to the next field).
pub fn edit(text: &mut String, event: &KeyEvent) -> PathEdit {
    let plain = !event
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match event.code {
        KeyCode::Backspace => {
            text.pop();
            PathEdit::Edited
        }
        KeyCode::Tab if plain && !text.trim().is_empty() => {
            PathEdit::Complete(Command::CompletePath {
                typed: text.clone(),
            })
        }
        KeyCode::Char(c) if plain => {
            text.push(c);
            PathEdit::Edited
        }
        _ => PathEdit::Ignored,
    }
}

/// Tab's completion arrived: used only if the field still holds what was completed
/// (the user may have typed on, or another field asked).
pub fn accept_completion(text: &mut String, typed: &str, completed: Option<&str>) -> bool {
    match completed {
        Some(completed) if text == typed => {
            *text = completed.to_string();
            true
        }
        _ => false,
    }
}

/// `~` and `~/…` name the home directory (`HOME`); `~user` and every other path stay
/// as typed.
pub fn expand_tilde(typed: &str) -> PathBuf {
    expand_with(
        typed,
        std::env::var_os("HOME").map(PathBuf::from).as_deref(),
    )
}

fn expand_with(typed: &str, home: Option<&Path>) -> PathBuf {
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home.to_path_buf(),
        (Some(rest), Some(home)) if rest.starts_with('/') => home.join(&rest[1..]),
        _ => PathBuf::from(typed),
    }
}

/// `typed` extended as far as the entries of its directory agree (a directory gets its
/// `/`), as a shell's Tab does; None when nothing matches or there is nothing to add.
/// The answer keeps the user's own spelling (`~/` stays `~/`).
pub fn complete(typed: &str) -> Option<String> {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(at) => (&typed[..=at], &typed[at + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_tilde(dir_part)
    };
    let mut matches: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            // Hidden entries only when asked for with a leading dot.
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = entry.path().is_dir();
            Some((name, is_dir))
        })
        .collect();
    matches.sort();
    let common = common_prefix(matches.iter().map(|(name, _)| name.as_str()))?;
    let mut completed = format!("{dir_part}{common}");
    if let [(name, true)] = matches.as_slice()
        && *name == common
    {
        completed.push('/');
    }
    (completed != typed).then_some(completed)
}

fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> Option<String> {
    let first = names.next()?;
    let mut len = first.len();
    for name in names {
        len = first
            .char_indices()
            .zip(name.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((at, c), _)| at + c.len_utf8())
            .min(len);
    }
    Some(first[..len].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_directory_is_expanded() {
        let home = Path::new("/home/anna");
        assert_eq!(expand_with("~", Some(home)), PathBuf::from("/home/anna"));
        assert_eq!(
            expand_with("~/serials.txt", Some(home)),
            PathBuf::from("/home/anna/serials.txt")
        );
        assert_eq!(expand_with("~bob/x", Some(home)), PathBuf::from("~bob/x"));
        assert_eq!(expand_with("/tmp/~", Some(home)), PathBuf::from("/tmp/~"));
        assert_eq!(expand_with("~/x", None), PathBuf::from("~/x"));
    }

    #[test]
    fn tab_completes_as_far_as_the_entries_agree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().display().to_string();
        std::fs::write(dir.path().join("serials-may.txt"), "").expect("write");
        std::fs::write(dir.path().join("serials-june.txt"), "").expect("write");
        std::fs::create_dir(dir.path().join("orders")).expect("dir");
        assert_eq!(
            complete(&format!("{base}/se")),
            Some(format!("{base}/serials-"))
        );
        assert_eq!(complete(&format!("{base}/serials-")), None, "two ways on");
        assert_eq!(
            complete(&format!("{base}/serials-m")),
            Some(format!("{base}/serials-may.txt"))
        );
        assert_eq!(
            complete(&format!("{base}/or")),
            Some(format!("{base}/orders/"))
        );
        assert_eq!(complete(&format!("{base}/zz")), None);
        assert_eq!(
            common_prefix(["ёлка", "ёжик"].into_iter()),
            Some("ё".into())
        );
    }
}
