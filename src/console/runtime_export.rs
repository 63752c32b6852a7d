//! `:export FILE` in the runtime (issue 16 b; docs/DESIGN.md §5.4): every page of the
//! list in front, as it is filtered and sorted, read through the data seam (the
//! portal, or the mirror where it answers that list), `progress(read, total)` after
//! each page (`total` 0: not known), then the CSV written. The text is made by
//! `screens::export`; the runtime task turns the progress into messages.

use super::bulk::{all_activations, all_seats};
use super::resolve_user_path;
use crate::client::devices::DEVICES_MAX_PER_PAGE;
use crate::client::events::EVENTS_MAX_PER_PAGE;
use crate::client::invoices::InvoiceQuery;
use crate::console::app::SaveError;
use crate::console::data::{DataError, DataSource};
use crate::console::screens::export::{self as csv, ExportList};
use std::path::{Path, PathBuf};

/// Rows a list's export reads at most, so a runaway filter cannot fill the disk;
/// the same bound as marking every match.
pub const EXPORT_MAX: usize = crate::console::screens::marks::MARK_ALL_MAX;

/// Reads every page of `list` and writes it to `path` (`~` and a bare name resolve
/// as downloads do); the file written and the rows in it.
pub async fn export_to_file(
    source: &DataSource,
    list: ExportList,
    path: &Path,
    mut progress: impl FnMut(u64, u64),
) -> Result<(PathBuf, u64), SaveError> {
    let (text, rows) = read(source, list, &mut progress)
        .await
        .map_err(SaveError::Request)?;
    let path = resolve_user_path(path);
    match tokio::fs::write(&path, text.as_bytes()).await {
        Ok(()) => Ok((path, rows as u64)),
        Err(e) => Err(SaveError::Write {
            path,
            error: e.to_string(),
        }),
    }
}

/// The CSV of every page of `list`, and how many rows it has.
async fn read(
    source: &DataSource,
    list: ExportList,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(String, usize), DataError> {
    let lang = source.lang();
    Ok(match list {
        ExportList::Activations { query, columns } => {
            let (rows, _) = all_activations(source, query, progress).await?;
            (csv::activations_csv(&columns, &rows, lang), rows.len())
        }
        ExportList::Seats { query, columns } => {
            let (rows, _) = all_seats(source, query, progress).await?;
            (csv::seats_csv(&columns, &rows, lang), rows.len())
        }
        ExportList::Events { query } => {
            // The log counts no total (docs/DESIGN.md §4.9): the rows read are shown.
            // The largest pages unless the view says (a saved page size, a test's).
            let mut query = query.first_page();
            query.per_page = query.per_page.or(Some(EVENTS_MAX_PER_PAGE));
            let mut rows = Vec::new();
            loop {
                let page = source.events(&query).await?;
                let empty = page.items.is_empty();
                rows.extend(page.items);
                progress(rows.len() as u64, 0);
                match page.next {
                    Some(next) if !empty && rows.len() < EXPORT_MAX => query.cursor = Some(next),
                    _ => break,
                }
            }
            rows.truncate(EXPORT_MAX);
            (csv::events_csv(&rows, lang), rows.len())
        }
        ExportList::Devices { query, today } => {
            let mut query = query.first_page();
            query.per_page = query.per_page.or(Some(DEVICES_MAX_PER_PAGE));
            let total = source.device_totals(&query).await?.count;
            let mut rows = Vec::new();
            loop {
                let page = source.devices(&query).await?;
                let empty = page.items.is_empty();
                rows.extend(page.items);
                progress(rows.len() as u64, total.max(rows.len() as u64));
                match page.next {
                    Some(next) if !empty && rows.len() < EXPORT_MAX => query.cursor = Some(next),
                    _ => break,
                }
            }
            rows.truncate(EXPORT_MAX);
            (csv::devices_csv(&rows, today, lang), rows.len())
        }
        ExportList::Invoices { today } => {
            let mut query = InvoiceQuery {
                page: 1,
                per_page: 100,
                ..InvoiceQuery::default()
            };
            let mut rows = Vec::new();
            loop {
                let page = source.invoices(&query).await?;
                let empty = page.items.is_empty();
                rows.extend(page.items);
                progress(rows.len() as u64, page.total.max(rows.len() as u64));
                if empty || rows.len() as u64 >= page.total || rows.len() >= EXPORT_MAX {
                    break;
                }
                query.page = query.page.saturating_add(1);
            }
            rows.truncate(EXPORT_MAX);
            (csv::invoices_csv(&rows, today, lang), rows.len())
        }
        ExportList::Webhooks => {
            let rows = source.webhooks().await?;
            progress(rows.len() as u64, rows.len() as u64);
            (csv::webhooks_csv(&rows, lang), rows.len())
        }
        ExportList::Tokens => {
            let mut cursor: Option<String> = None;
            let mut rows = Vec::new();
            loop {
                let page = source.tokens_page(cursor.as_deref()).await?;
                let empty = page.items.is_empty();
                rows.extend(page.items);
                progress(rows.len() as u64, 0);
                match page.next {
                    Some(next) if !empty && rows.len() < EXPORT_MAX => cursor = Some(next),
                    _ => break,
                }
            }
            (csv::tokens_csv(&rows, lang), rows.len())
        }
        ExportList::Triage { since } => {
            let triage = source.error_triage(&since).await?;
            progress(triage.groups.len() as u64, triage.groups.len() as u64);
            (csv::triage_csv(&triage.groups, lang), triage.groups.len())
        }
    })
}
