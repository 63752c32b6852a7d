//! Texts of the paged lists' counters and of the terminal link (issues 13, 14).

use crate::domain::Lang;

/// "Стр. 2 из 17 · всего 420". A capped total (a serial search is counted up to
/// 500) is a lower bound and says so: "Стр. 3 из 20+ · всего 500+", never an exact
/// number that is wrong.
pub fn page_counter(lang: Lang, page: u32, pages: u32, total: u64, capped: bool) -> String {
    let more = if capped { "+" } else { "" };
    let total = group_digits(total);
    match lang {
        Lang::Ru => format!("Стр. {page} из {pages}{more} · всего {total}{more}"),
        Lang::En => format!("Page {page} of {pages}{more} · {total}{more} total"),
    }
}

/// 10000 → «10 000» (a space between thousands, as the portal writes them).
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// Said once at start when the terminal's round trip is slow (issue 14; README "Slow
/// links"): compression carries the console's frames in a fraction of the bytes.
pub fn slow_terminal(lang: Lang, ms: u64) -> String {
    match lang {
        Lang::Ru => format!(
            "Медленная связь с терминалом (отклик {ms} мс): через ssh быстрее со сжатием — ssh -C или «Compression yes» в ~/.ssh/config"
        ),
        Lang::En => format!(
            "Slow link to the terminal ({ms} ms round trip): over ssh, compression is faster — ssh -C, or Compression yes in ~/.ssh/config"
        ),
    }
}

/// The portal refused a page number deep inside a long list (it opens pages by
/// number only near either end); the keys that step page by page get anywhere.
pub fn page_beyond_reach(lang: Lang, page: u32) -> String {
    match lang {
        Lang::Ru => format!(
            "Стр. {page} по номеру не открыть: портал открывает по номеру только страницы ближе 10 000 строк к началу или концу списка. Дальше — PgDn/PgUp от соседней страницы, или сузьте фильтры"
        ),
        Lang::En => format!(
            "Page {page} cannot be opened by number: the portal opens pages by number only within 10 000 rows of either end of the list. Step there with PgDn/PgUp, or narrow the filters"
        ),
    }
}
