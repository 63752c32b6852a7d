//! `audit OBJECT`: one object's history, newest first. For people each entry is a line
//! and what it changed below it, one field a line, wrapped; CSV keeps the before/after
//! JSON in two columns, `--json` is the API's page as it is.

use super::Outcome;
use crate::cli::output::{OutputFormat, Table, emit};
use licadm::client::ApiClient;
use licadm::client::wire::AuditEntry;
use serde_json::Value;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Columns of the change lines; longer values wrap under themselves.
const WIDTH: usize = 100;

pub async fn audit(
    client: &ApiClient,
    object: &str,
    page: u32,
    per_page: u32,
    format: OutputFormat,
) -> Outcome {
    let found = client.audit(object, page, per_page).await?;
    if format == OutputFormat::Table {
        let mut text = readable(&found.items);
        let entries = if found.total == 1 { "entry" } else { "entries" };
        text.push_str(&format!(
            "page {} of {}, {} {entries}\n",
            found.page,
            found.page_count().max(1),
            found.total
        ));
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    } else {
        emit(format, &found, |_| csv_table(&found.items));
    }
    Ok(())
}

fn csv_table(entries: &[AuditEntry]) -> Table {
    let mut table = Table::new(vec![
        "ID", "AT", "ACTOR", "ACTION", "OBJECT", "BEFORE", "AFTER",
    ]);
    let compact = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    for e in entries {
        table.push(vec![
            e.id.to_string(),
            e.at.to_rfc3339(),
            e.actor.clone(),
            e.action.clone(),
            e.object.clone(),
            compact(&e.before),
            compact(&e.after),
        ]);
    }
    table
}

/// Each entry: `#id  when  actor  action  object`, then one `field: old → new` line per
/// changed field (nested objects as `organization.name`).
pub fn readable(entries: &[AuditEntry]) -> String {
    let mut head = Table::new(vec!["ID", "AT", "ACTOR", "ACTION", "OBJECT"]);
    for e in entries {
        head.push(vec![
            e.id.to_string(),
            e.at.with_timezone(&chrono::Local)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.object.clone(),
        ]);
    }
    // Aligned like a table: the header, then each row followed by its changes.
    let rendered = head.render();
    let mut lines = rendered.lines();
    let mut out = String::new();
    if let Some(header) = lines.next() {
        out.push_str(header);
        out.push('\n');
    }
    for (entry, row) in entries.iter().zip(lines) {
        out.push_str(row);
        out.push('\n');
        for change in changes(entry.before.as_ref(), entry.after.as_ref()) {
            out.push_str(&wrap(&change, "    ", WIDTH));
        }
    }
    out
}

/// `field: before → after` for every field that differs.
pub(super) fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let mut old = Vec::new();
    let mut new = Vec::new();
    if let Some(v) = before {
        flatten("", v, &mut old);
    }
    if let Some(v) = after {
        flatten("", v, &mut new);
    }
    let mut fields: Vec<&String> = old.iter().chain(new.iter()).map(|(k, _)| k).collect();
    fields.dedup();
    let mut seen = std::collections::HashSet::new();
    fields.retain(|f| seen.insert(*f));
    let get = |list: &[(String, String)], key: &str| {
        list.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "—".into())
    };
    fields
        .into_iter()
        .filter_map(|field| {
            let (was, is) = (get(&old, field), get(&new, field));
            match (before.is_some(), after.is_some()) {
                (true, true) if was == is => None,
                (true, true) => Some(format!("{field}: {was} → {is}")),
                (false, _) => Some(format!("{field}: {is}")),
                (true, false) => Some(format!("{field}: {was} → —")),
            }
        })
        .collect()
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, item, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), "—".into())),
        Value::String(text) => out.push((prefix.to_string(), text.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// `text` wrapped at word boundaries to `width` columns, each line after `indent`.
pub(super) fn wrap(text: &str, indent: &str, width: usize) -> String {
    let room = width.saturating_sub(indent.width()).max(20);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > room {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn an_entry_is_a_row_and_its_changed_fields() {
        let entry = AuditEntry {
            id: 7,
            at: Utc::now(),
            actor: "worker".into(),
            action: "activation.failed".into(),
            object: "activation:421".into(),
            before: Some(
                serde_json::json!({"number": 421, "status": "in_progress", "error": null, "organization": {"id": 1, "name": "АЛЬСТЕР"}}),
            ),
            after: Some(
                serde_json::json!({"number": 421, "status": "error", "error": "Реестр вендора отклонил серийный номер 0239110138900130: устройство снято с учёта, и это очень длинный текст, который не помещается в одну строку терминала", "organization": {"id": 1, "name": "АЛЬСТЕР"}}),
            ),
        };
        let text = readable(&[entry]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("ID"), "{text}");
        assert!(
            lines[1].starts_with("7 ") && lines[1].ends_with("activation:421"),
            "{text}"
        );
        assert!(lines.contains(&"    status: in_progress → error"), "{text}");
        assert!(
            !text.contains("number:"),
            "unchanged fields are left out: {text}"
        );
        assert!(text.lines().all(|l| l.width() <= WIDTH), "{text}");
        assert!(
            lines.iter().any(|l| l.starts_with("    error: — → Реестр")),
            "{text}"
        );
    }
}
