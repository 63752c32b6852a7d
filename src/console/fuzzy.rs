//! Fuzzy matching for the `:` palette (and "did you mean" in key-config errors): the
//! query's characters must appear in the candidate in order (case-insensitive);
//! characters matched one after another, and at the start of a word, score more.

/// One point per matched character.
const MATCH: u32 = 1;
/// A character right after the previous match: "ref" in "refresh" beats "r…e…f".
const CONSECUTIVE: u32 = 5;
/// A match at the start of the text or of a word ("na" → "New Activation").
const WORD_START: u32 = 8;

/// The best score of `query` as a subsequence of `candidate`, or `None` when it is
/// not one. An empty query matches everything with score 0.
pub fn score(query: &str, candidate: &str) -> Option<u32> {
    let query: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    if query.is_empty() {
        return Some(0);
    }
    let original: Vec<char> = candidate.chars().collect();
    // Lower-casing char by char keeps the indexes of `original` (a few characters
    // lower-case to several; the first stands for them).
    let text: Vec<char> = original
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let bonus: Vec<u32> = (0..text.len())
        .map(|j| {
            MATCH
                + if word_start(&original, j) {
                    WORD_START
                } else {
                    0
                }
        })
        .collect();
    // best[j]: the best score with the query so far matched and its last character
    // at position j (dynamic programming over the query, one row at a time).
    let mut best: Vec<Option<u32>> = text
        .iter()
        .zip(&bonus)
        .map(|(c, b)| (*c == query[0]).then_some(*b))
        .collect();
    for &q in &query[1..] {
        let mut next = vec![None; text.len()];
        // The best score of any earlier position, for a match after a gap.
        let mut before: Option<u32> = None;
        for j in 0..text.len() {
            if text[j] == q {
                let after_gap = before;
                let adjacent = j
                    .checked_sub(1)
                    .and_then(|k| best[k])
                    .map(|s| s + CONSECUTIVE);
                next[j] = after_gap.max(adjacent).map(|s| s + bonus[j]);
            }
            before = before.max(best[j]);
        }
        best = next;
    }
    best.into_iter().flatten().max()
}

/// The text starts here, or a word does (after a separator, or a lower-to-upper step).
fn word_start(text: &[char], j: usize) -> bool {
    let Some(previous) = j.checked_sub(1).map(|k| text[k]) else {
        return true;
    };
    !previous.is_alphanumeric() || (previous.is_lowercase() && text[j].is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subsequence_matches_and_anything_else_does_not() {
        assert!(score("rfr", "refresh").is_some());
        assert_eq!(score("xyz", "refresh"), None);
        assert_eq!(score("hserfer", "refresh"), None, "order matters");
        assert_eq!(score("refreshh", "refresh"), None);
        assert_eq!(score("", "anything"), Some(0));
        assert_eq!(score("a", ""), None);
    }

    #[test]
    fn case_is_ignored_in_both_scripts() {
        assert!(score("REF", "refresh").is_some());
        assert!(score("обн", "Обновить").is_some());
        assert!(score("ОБН", "обновить").is_some());
    }

    #[test]
    fn consecutive_characters_beat_scattered_ones() {
        let together = score("sort", "sort by cost");
        let scattered = score("sort", "sxoxrxt");
        assert!(together > scattered, "{together:?} vs {scattered:?}");
        assert!(score("ref", "refresh") > score("ref", "rowsemf"));
    }

    #[test]
    fn word_starts_beat_the_middle_of_words() {
        assert!(score("na", "new activation") > score("na", "next page"));
        assert!(score("lr", "list.refresh") > score("lr", "all rows"));
        assert!(score("sb", "seatsBind") > score("sb", "seasbreeze"));
    }

    #[test]
    fn the_best_alignment_is_found_not_the_first() {
        // Greedy matching would take the "r" of "search"; the best one is "retry".
        assert!(score("ret", "search retry") > score("ret", "rxext"));
        assert_eq!(
            score("ret", "search retry"),
            Some(MATCH + WORD_START + 2 * (MATCH + CONSECUTIVE))
        );
    }
}
