//! The portal answers in the client's language (docs/DESIGN.md §4.3): `Accept-Language:
//! ru` or `en` turns every text of an answer — error messages, precheck outcomes, an
//! activation's failure, a refused emergency license — into that language. Handlers do
//! not know: they write their text as always, and [`layer`] rewrites the answer from
//! the one catalog of templates (`catalog.rs` plus the domain's own texts). Without the
//! header (or with neither language in it) the answer is exactly what it always was.

mod catalog;

use super::rules::{BLOCKED, BLOCKED_BY_INVOICE, OFFER_NOT_ACCEPTED};
use crate::domain::{ActivationRefusal, FailureReason, Lang, PrecheckOutcome, template};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One text in its forms. `written` is what the handler writes (what a client asking
/// for no language gets); `en` and `ru` are what a client asking for one gets.
struct Entry {
    written: &'static str,
    en: &'static str,
    ru: &'static str,
}

impl Entry {
    fn target(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ru => self.ru,
        }
    }

    fn forms(&self) -> [&'static str; 3] {
        [self.written, self.en, self.ru]
    }
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut all = Vec::new();
        // Russian by default: as the vendor's portal words them.
        for outcome in PrecheckOutcome::ALL {
            all.push(Entry {
                written: outcome.message(Lang::Ru),
                en: outcome.message(Lang::En),
                ru: outcome.message(Lang::Ru),
            });
        }
        for reason in FailureReason::ALL {
            all.push(Entry {
                written: reason.template(Lang::Ru),
                en: reason.template(Lang::En),
                ru: reason.template(Lang::Ru),
            });
        }
        for (written, refusal) in [
            (OFFER_NOT_ACCEPTED, ActivationRefusal::OfferNotAccepted),
            (BLOCKED, ActivationRefusal::InvoiceUnpaid),
        ] {
            all.push(Entry {
                written,
                en: refusal.text(Lang::En),
                ru: refusal.text(Lang::Ru),
            });
        }
        all.push(Entry {
            written: BLOCKED_BY_INVOICE,
            en: crate::domain::organization::invoice_block_template(Lang::En),
            ru: crate::domain::organization::invoice_block_template(Lang::Ru),
        });
        all.extend(
            catalog::WRITTEN
                .iter()
                .map(|&(written, ru, en)| Entry { written, en, ru }),
        );
        all.extend(catalog::PAIRS.iter().map(|&(en, ru)| Entry {
            written: en,
            en,
            ru,
        }));
        all
    })
}

/// How deep arguments are translated (a message inside a message inside a message).
const MAX_DEPTH: usize = 3;

/// `text` in `lang`, when the catalog knows it; None leaves it as written.
pub fn localize(text: &str, lang: Lang) -> Option<String> {
    localize_at(text, lang, 0)
}

fn localize_at(text: &str, lang: Lang, depth: usize) -> Option<String> {
    entries().iter().find_map(|entry| {
        let args = entry
            .forms()
            .iter()
            .find_map(|form| template::read(form, text))?;
        let args: Vec<String> = args
            .into_iter()
            .map(|arg| localize_argument(&arg, lang, depth + 1).unwrap_or(arg))
            .collect();
        Some(template::fill(entry.target(lang), &args))
    })
}

/// An argument: a text of the catalog, or a list of them (`a, b (message), …`, as a
/// refused activation lists its first rows), else None (a number, a serial, a name).
fn localize_argument(arg: &str, lang: Lang, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(whole) = localize_at(arg, lang, depth) {
        return Some(whole);
    }
    let mut changed = false;
    let parts: Vec<String> = arg
        .split(", ")
        .map(|part| {
            let translated = part
                .strip_suffix(')')
                .and_then(|open| open.split_once(" ("))
                .and_then(|(head, inner)| {
                    localize_at(inner, lang, depth).map(|inner| format!("{head} ({inner})"))
                });
            changed |= translated.is_some();
            translated.unwrap_or_else(|| part.to_string())
        })
        .collect();
    changed.then(|| parts.join(", "))
}

/// The language the request asks for: the preferred of `ru` and `en` in
/// `Accept-Language` (by q-value, then order); None when it names neither.
pub fn requested(headers: &HeaderMap) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for value in headers.get_all(ACCEPT_LANGUAGE) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let lang = match primary {
                "ru" => Lang::Ru,
                "en" => Lang::En,
                _ => continue,
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, lang));
            }
        }
    }
    best.map(|(_, lang)| lang)
}

/// Routes whose successful answers carry texts (the change feed does not: a mirror
/// stores the portal's own words and the structured `failure`).
fn carries_texts(path: &str) -> bool {
    let Some(rest) = path.strip_prefix(crate::client::wire::API_PREFIX) else {
        return false;
    };
    rest == "/precheck"
        || rest == "/activations"
        || rest.starts_with("/activations/") && !rest.ends_with("/license-file")
        || rest == "/license-info"
        || rest == "/emergency-license"
        // An activation's before/after in its history.
        || rest == "/audit"
        // The same across the account, and a serial's lines and their history.
        || rest == "/events"
        || rest.starts_with("/serials/")
}

/// Keys whose string values are texts for a person.
const TEXT_KEYS: [&str; 3] = ["message", "error", "emergency_refusal"];

/// Translates every text under [`TEXT_KEYS`] in `value`; true when one changed. The
/// same text is looked up once per answer (a 10 000-row precheck has a handful).
fn localize_json(
    value: &mut Value,
    lang: Lang,
    seen: &mut HashMap<String, Option<String>>,
) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, item) in map.iter_mut() {
                if let Value::String(text) = item
                    && TEXT_KEYS.contains(&key.as_str())
                {
                    let translated = seen
                        .entry(text.clone())
                        .or_insert_with(|| localize(text, lang));
                    if let Some(translated) = translated
                        && translated != text
                    {
                        *text = translated.clone();
                        changed = true;
                    }
                } else {
                    changed |= localize_json(item, lang, seen);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            localize_json(item, lang, seen) | changed
        }),
        _ => false,
    }
}

/// Whether a JSON answer (as serde_json writes it: no spaces) may hold a text to
/// translate: some key of [`TEXT_KEYS`] with a string value.
fn has_text(json: &[u8]) -> bool {
    TEXT_KEYS.iter().any(|key| {
        let needle = format!("\"{key}\":\"");
        memchr::memmem::find(json, needle.as_bytes()).is_some()
    })
}

/// Every text of an answer in `lang`, as [`layer`] does it for HTTP: the offline mirror
/// answers with the portal's own queries and words, and uses this so a mirrored answer
/// reads as the portal would have answered in the client's language.
pub fn localize_value(value: &mut Value, lang: Lang) -> bool {
    localize_json(value, lang, &mut HashMap::new())
}

/// The middleware (`axum::middleware::from_fn(messages::layer)`), inside the ETag layer
/// so each language's answer has its own tag.
pub async fn layer(request: Request, next: Next) -> Response {
    let lang = requested(request.headers());
    let texts = carries_texts(request.uri().path());
    let mut response = next.run(request).await;
    let is_error = response.status().is_client_error() || response.status().is_server_error();
    if !(texts || is_error) {
        return response;
    }
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("accept-language"));
    let Some(lang) = lang else {
        return response;
    };
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Handlers answer with bodies already in memory; nothing here waits on the network.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts
        .headers
        .insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    // An answer with no text at all (a precheck of 10 000 ok serials: 2.5 MB, every
    // `message` null) is passed on without parsing it into a tree and writing it again.
    if !has_text(&bytes) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if !localize_json(&mut value, lang, &mut HashMap::new()) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match serde_json::to_vec(&value) {
        Ok(localized) => {
            parts.headers.remove(CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(localized))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_a_text_value_is_not_parsed() {
        let rows = serde_json::json!({"rows": [
            {"serial": "0239110138900130", "outcome": "ok", "message": null},
        ]});
        assert!(!has_text(&serde_json::to_vec(&rows).expect("json")));
        let refused = serde_json::json!({"rows": [
            {"serial": "0239110138900130", "outcome": "not_found", "message": "Серийный номер не найден"},
        ]});
        assert!(has_text(&serde_json::to_vec(&refused).expect("json")));
        let failed = serde_json::json!({"items": [{"error": "x"}]});
        assert!(has_text(&serde_json::to_vec(&failed).expect("json")));
    }

    #[test]
    fn every_entry_has_the_same_holes_in_every_form() {
        for entry in entries() {
            let arity = template::arity(entry.written);
            for form in entry.forms() {
                assert_eq!(template::arity(form), arity, "{form}");
            }
        }
    }

    #[test]
    fn translates_both_ways_and_inside_arguments() {
        assert_eq!(
            localize("role support may not create activations", Lang::Ru).as_deref(),
            Some("роль support не может создавать активации")
        );
        assert_eq!(
            localize("ИНН \"78421756\": INN must have 10 (legal entity) or 12 (entrepreneur) digits, got 8", Lang::En)
                .as_deref(),
            Some("INN \"78421756\": INN must have 10 (legal entity) or 12 (entrepreneur) digits, got 8")
        );
        assert_eq!(
            localize(BLOCKED, Lang::En).as_deref(),
            Some(ActivationRefusal::InvoiceUnpaid.text(Lang::En))
        );
        assert_eq!(
            localize(BLOCKED, Lang::Ru).as_deref(),
            Some(ActivationRefusal::InvoiceUnpaid.text(Lang::Ru))
        );
        assert_eq!(localize("whatever else", Lang::Ru), None);
    }

    #[test]
    fn a_refused_activation_lists_its_rows_in_the_language() {
        let text = format!(
            "nothing was created: 2 of 3 serials cannot be activated: 123 ({}), 0239110138900130 ({})",
            PrecheckOutcome::FormatError.message(Lang::Ru),
            PrecheckOutcome::NotFound.message(Lang::Ru)
        );
        assert_eq!(
            localize(&text, Lang::En).as_deref(),
            Some(
                "nothing was created: 2 of 3 serials cannot be activated: 123 (Format error: 16 digits expected), 0239110138900130 (Serial number not found)"
            )
        );
    }

    #[test]
    fn reads_the_preferred_language() {
        let headers = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                ACCEPT_LANGUAGE,
                HeaderValue::from_str(value).expect("header"),
            );
            h
        };
        assert_eq!(requested(&headers("en")), Some(Lang::En));
        assert_eq!(
            requested(&headers("ru-RU,ru;q=0.9,en;q=0.8")),
            Some(Lang::Ru)
        );
        assert_eq!(
            requested(&headers("de, en;q=0.5, ru;q=0.7")),
            Some(Lang::Ru)
        );
        assert_eq!(requested(&headers("en-GB;q=0, ru;q=0.1")), Some(Lang::Ru));
        assert_eq!(requested(&headers("de, *")), None);
        assert_eq!(requested(&HeaderMap::new()), None);
    }
}
