//! Word wrapping by display columns, for texts that must be read in full (the message
//! log, the help, dialogs): the caller knows how many lines a text takes, so it can
//! size a box or scroll it, which ratatui's `Paragraph` does not tell.

use super::display_width;

/// `text` in lines of at most `width` columns: broken at spaces where possible, a word
/// longer than a line is split; line breaks in the text are kept. Never loses a
/// character other than the spaces a line is broken at; zero width gives no lines.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    if width == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        wrap_line(paragraph.trim_end_matches('\r'), width, &mut out);
    }
    out
}

fn wrap_line(text: &str, width: usize, out: &mut Vec<String>) {
    let mut line = String::new();
    let mut used = 0usize;
    for word in text.split(' ') {
        let w = display_width(word);
        let sep = usize::from(!line.is_empty() || used > 0);
        if used + sep + w <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + w;
            continue;
        }
        if w <= width {
            out.push(std::mem::take(&mut line));
            line.push_str(word);
            used = w;
            continue;
        }
        // A word longer than a line: fill the current line, then whole lines of it.
        if used + sep < width {
            if sep == 1 {
                line.push(' ');
                used += 1;
            }
        } else {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        let mut buf = [0u8; 4];
        for ch in word.chars() {
            let cw = display_width(ch.encode_utf8(&mut buf));
            if used + cw > width {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(ch);
            used += cw;
        }
    }
    out.push(line);
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn breaks_at_spaces_and_splits_only_overlong_words() {
        assert_eq!(wrap("один два три", 8), ["один два", "три"]);
        assert_eq!(wrap("abc", 10), ["abc"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("x 0123456789abc", 6), ["x 0123", "456789", "abc"]);
        assert!(wrap("abc", 0).is_empty());
        let text = "Активация заблокирована: не оплачен счёт за лицензии по договору 17";
        let lines = wrap(text, 20);
        assert!(
            lines.iter().all(|l| super::display_width(l) <= 20),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text, "nothing is lost");
    }
}
