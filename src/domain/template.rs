//! Message templates with numbered holes (`{0}`, `{1}`, …): written out with their
//! arguments, and read back from a text that one of them produced. The portal's message
//! catalog and the activation failures both use them, so a text can be recognized in
//! whichever language it was written and written again in another.

/// One piece of a template: literal text, or the hole of argument `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Hole(usize),
}

/// `{digits}` is a hole; every other character, braces included, is literal.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    let bytes = template.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'{' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let close = i + 1 + digits;
            if digits > 0 && bytes.get(close) == Some(&b'}') {
                if literal_start < i {
                    out.push(Piece::Text(&template[literal_start..i]));
                }
                let n = template[i + 1..close].parse().unwrap_or(usize::MAX);
                out.push(Piece::Hole(n));
                i = close + 1;
                literal_start = i;
                continue;
            }
        }
        i += 1;
    }
    if literal_start < template.len() {
        out.push(Piece::Text(&template[literal_start..]));
    }
    out
}

/// How many arguments `template` takes (its highest hole + 1).
pub fn arity(template: &str) -> usize {
    pieces(template)
        .iter()
        .filter_map(|p| match p {
            Piece::Hole(n) => Some(n + 1),
            Piece::Text(_) => None,
        })
        .max()
        .unwrap_or(0)
}

/// `template` with each hole replaced by its argument (a missing one stays empty).
pub fn fill<S: AsRef<str>>(template: &str, args: &[S]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Hole(n) => out.push_str(args.get(n).map(AsRef::as_ref).unwrap_or("")),
        }
    }
    out
}

/// The arguments that make `template` produce exactly `text`, if any. A hole takes the
/// shortest non-empty text up to the literal that follows it (the last hole takes the
/// rest), so an argument may not contain the literal after its hole — true of the
/// numbers, serials and names the catalog's holes take.
pub fn read(template: &str, text: &str) -> Option<Vec<String>> {
    let pieces = pieces(template);
    let mut args: Vec<Option<String>> = vec![None; arity(template)];
    let mut rest = text;
    let mut index = 0;
    while index < pieces.len() {
        match pieces[index] {
            Piece::Text(literal) => rest = rest.strip_prefix(literal)?,
            Piece::Hole(n) => {
                let value = match pieces.get(index + 1) {
                    Some(Piece::Text(next)) => {
                        // Skip the first character so the hole is never empty.
                        let first = rest.chars().next()?.len_utf8();
                        let at = rest[first..].find(next)? + first;
                        let value = &rest[..at];
                        rest = &rest[at..];
                        value
                    }
                    // Two holes in a row cannot be told apart; the last takes the rest.
                    Some(Piece::Hole(_)) => return None,
                    None => std::mem::take(&mut rest),
                };
                if value.is_empty() {
                    return None;
                }
                match &args[n] {
                    Some(seen) if seen != value => return None,
                    _ => args[n] = Some(value.to_string()),
                }
            }
        }
        index += 1;
    }
    if !rest.is_empty() {
        return None;
    }
    args.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_reads_back() {
        let t = "seat {0} is not free (bound to {1})";
        let text = fill(t, &["17", "a@b.ru"]);
        assert_eq!(text, "seat 17 is not free (bound to a@b.ru)");
        assert_eq!(read(t, &text), Some(vec!["17".into(), "a@b.ru".into()]));
        assert_eq!(read(t, "seat 17 is free"), None);
        assert_eq!(
            read(t, "seat  is not free (bound to x)"),
            None,
            "empty hole"
        );
        assert_eq!(arity(t), 2);
    }

    #[test]
    fn holes_may_be_reordered_and_repeated() {
        let ru = "у {1} нет {0}";
        assert_eq!(fill(ru, &["x", "y"]), "у y нет x");
        assert_eq!(read(ru, "у y нет x"), Some(vec!["x".into(), "y".into()]));
        assert_eq!(read("{0} and {0}", "a and b"), None);
        assert_eq!(read("{0} and {0}", "a and a"), Some(vec!["a".into()]));
    }

    #[test]
    fn braces_that_are_no_hole_are_text() {
        assert_eq!(fill("{x} {0}", &["1"]), "{x} 1");
        assert_eq!(read("{x} {0}", "{x} 1"), Some(vec!["1".into()]));
        assert_eq!(read("plain", "plain"), Some(vec![]));
        assert_eq!(read("plain", "plain!"), None);
        assert_eq!(
            read("ключ {0}: {1}", "ключ «Ж»: нет"),
            Some(vec!["«Ж»".into(), "нет".into()])
        );
    }
}
