//! `events`: the activity log across the account (`GET /events`, issue 16), newest
//! first. For people each event is a row and what it changed below it; CSV keeps the
//! before/after JSON in two columns; `--json` is the API's page. `--all` follows the
//! cursors to the end (100 a page); otherwise one page and the cursor of the next.

use super::Outcome;
use super::audit::{changes, wrap};
use crate::cli::output::{OutputFormat, Table, emit};
use licadm::client::ApiClient;
use licadm::client::events::{EVENTS_MAX_PER_PAGE, Event, EventPage, EventQuery};
use licadm::domain::text::inert;
use serde_json::Value;
use std::io::Write;

/// Columns of the change lines; longer values wrap under themselves.
const WIDTH: usize = 100;

pub async fn events(
    client: &ApiClient,
    mut query: EventQuery,
    all: bool,
    format: OutputFormat,
) -> Outcome {
    let page = if all {
        query.per_page = Some(EVENTS_MAX_PER_PAGE);
        let mut items = Vec::new();
        loop {
            let page = client.events(&query).await?;
            items.extend(page.items);
            super::progress(&format!("{} events…", items.len()));
            match page.next {
                Some(next) => query.cursor = Some(next),
                None => break,
            }
        }
        super::progress_done();
        EventPage {
            items,
            per_page: EVENTS_MAX_PER_PAGE,
            next: None,
        }
    } else {
        client.events(&query).await?
    };
    if format == OutputFormat::Table {
        let mut text = readable(&page.items);
        let count = page.items.len();
        let noun = if count == 1 { "event" } else { "events" };
        text.push_str(&match &page.next {
            Some(next) => {
                format!("{count} {noun}, newest first; older: --cursor {next} (or --all)\n")
            }
            None => format!("{count} {noun}, newest first\n"),
        });
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    } else {
        emit(format, &page, |_| csv_table(&page.items));
    }
    Ok(())
}

fn csv_table(events: &[Event]) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "AT",
        "ACTOR",
        "ACTION",
        "OBJECT",
        "ORGANIZATION",
        "REQUEST_ID",
        "BEFORE",
        "AFTER",
    ]);
    let compact = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    for e in events {
        table.push(vec![
            e.id.to_string(),
            e.at.to_rfc3339(),
            e.actor.clone(),
            e.action.clone(),
            e.object.clone(),
            e.organization
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            compact(&e.before),
            compact(&e.after),
        ]);
    }
    table
}

/// Each event: `id  when  actor  action  object  organization  request`, then one
/// `field: old → new` line per changed field.
pub fn readable(events: &[Event]) -> String {
    let mut head = Table::new(vec![
        "ID",
        "AT",
        "ACTOR",
        "ACTION",
        "OBJECT",
        "ORGANIZATION",
        "REQUEST",
    ]);
    for e in events {
        head.push(vec![
            e.id.to_string(),
            e.at.with_timezone(&chrono::Local)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.object.clone(),
            e.organization
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_else(|| "—".into()),
            e.request_id.clone().unwrap_or_else(|| "—".into()),
        ]);
    }
    let rendered = head.render();
    let mut lines = rendered.lines();
    let mut out = String::new();
    if let Some(header) = lines.next() {
        out.push_str(header);
        out.push('\n');
    }
    for (event, row) in events.iter().zip(lines) {
        out.push_str(row);
        out.push('\n');
        for change in changes(event.before.as_ref(), event.after.as_ref()) {
            out.push_str(&wrap(&inert(&change), "    ", WIDTH));
        }
    }
    out
}
