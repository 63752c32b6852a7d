//! The runtime's half of many rows at once (issue 16 b; docs/DESIGN.md §5.4): each
//! command runs in its own task against the data seam and reports back as messages —
//! a bulk retry's or bulk unbind's answers per row, a license file per row, every
//! match of a filter (page by page), the triage, an export with its progress
//! (`runtime_export.rs`), a saved view.

use super::{Incoming, resolve_user_path, send_when_done};
use crate::client::bulk::{BulkOutcome, UnbindOutcome};
use crate::client::wire::{ActivationQuery, ActivationSummary, Seat, SeatQuery};
use crate::console::app::{Command, Msg};
use crate::console::data::{DataError, DataSource};
use crate::console::screens::bulk_run::StepOutcome;
use crate::console::screens::error_text;
use crate::console::screens::marks::{MARK_ALL_MAX, MatchList, Matching};
use crate::mirror::OutboxItem;
use std::path::PathBuf;
use tokio::sync::mpsc;

/// Runs one of this module's commands; any other is given back.
pub(super) fn execute(
    command: Command,
    source: DataSource,
    tx: mpsc::UnboundedSender<Incoming>,
) -> Option<Command> {
    match command {
        Command::RetryMany { run, numbers } => send_when_done(tx, async move {
            let lang = source.lang();
            let outcomes = match source.retry_many(&numbers).await {
                Ok(answer) => answer
                    .results
                    .into_iter()
                    .map(|r| {
                        let outcome = match (r.outcome, r.error) {
                            (BulkOutcome::Retried, _) => StepOutcome::Done(String::new()),
                            (BulkOutcome::Refused, Some(e)) => StepOutcome::Failed(e.message),
                            (BulkOutcome::Refused, None) => StepOutcome::Failed(String::new()),
                        };
                        (r.number, outcome)
                    })
                    .collect(),
                Err(e) => {
                    let text = error_text(lang, &e);
                    numbers
                        .iter()
                        .map(|n| (*n, StepOutcome::Failed(text.clone())))
                        .collect()
                }
            };
            Msg::BulkStep { run, outcomes }
        }),
        Command::SaveLicenseInto {
            run,
            number,
            folder,
        } => send_when_done(tx, async move {
            let lang = source.lang();
            let outcome = match source.license_file(number).await {
                Ok(file) => match write_into(&folder, &file.file_name, &file.contents).await {
                    Ok(path) => StepOutcome::Done(path.display().to_string()),
                    Err(e) => StepOutcome::Failed(e),
                },
                Err(e) => StepOutcome::Failed(error_text(lang, &e)),
            };
            Msg::BulkStep {
                run,
                outcomes: vec![(number, outcome)],
            }
        }),
        Command::UnbindMarked { run, seats } => {
            tokio::spawn(async move {
                let queued = |item| {
                    // The outbox shows it, as a single unbind's would.
                    let _ = tx.send(Incoming::msg(Msg::WriteQueued(item)));
                };
                let outcomes = unbind_marked(&source, &seats, queued).await;
                let _ = tx.send(Incoming::msg(Msg::BulkStep { run, outcomes }));
            });
        }
        Command::CollectMatching { request_id, list } => send_when_done(tx, async move {
            let result = collect(&source, list, |_, _| {}).await;
            Msg::MatchingCollected { request_id, result }
        }),
        Command::FetchTriage { request_id, since } => send_when_done(tx, async move {
            let result = source.error_triage(&since).await;
            Msg::TriageLoaded { request_id, result }
        }),
        Command::Export {
            request_id,
            list,
            path,
        } => {
            tokio::spawn(async move {
                let progress = |done, total| {
                    let _ = tx.send(Incoming::msg(Msg::ExportProgress {
                        request_id,
                        done,
                        total,
                    }));
                };
                let result = super::export::export_to_file(&source, *list, &path, progress).await;
                let _ = tx.send(Incoming::msg(Msg::Exported { request_id, result }));
            });
        }
        Command::SaveView { path, name, view } => send_when_done(tx, async move {
            let result = {
                let name = name.clone();
                tokio::task::spawn_blocking(move || {
                    crate::config_views::save_view(&path, &name, &view)
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()))
            };
            Msg::ViewSaved { name, result }
        }),
        other => return Some(other),
    }
    None
}

/// One `POST /seats/unbind` for up to 100 marked seats, an outcome per seat. With a
/// mirror and the portal out of reach each seat is queued as its own unbind (shown in
/// the outbox), as a single unbind would be: should the lost request have reached the
/// portal after all, the queued ones are refused later as already free — nothing is
/// done twice.
pub async fn unbind_marked(
    source: &DataSource,
    seats: &[i64],
    queued: impl Fn(OutboxItem),
) -> Vec<(i64, StepOutcome)> {
    let lang = source.lang();
    let error = match source.unbind_many(seats).await {
        Ok(answer) => {
            return answer
                .results
                .into_iter()
                .map(|r| {
                    let outcome = match (r.outcome, r.error) {
                        (UnbindOutcome::Unbound, _) => StepOutcome::Done(String::new()),
                        (UnbindOutcome::Refused, Some(e)) => StepOutcome::Failed(e.message),
                        (UnbindOutcome::Refused, None) => StepOutcome::Failed(String::new()),
                    };
                    (r.seat_id, outcome)
                })
                .collect();
        }
        Err(error) => error,
    };
    let text = error_text(lang, &error);
    let mut outcomes = Vec::with_capacity(seats.len());
    for &seat in seats {
        let outcome = if error.is_connection() {
            match source.queue_unbind(seat).await {
                Ok(Some(item)) => {
                    queued(item);
                    StepOutcome::Queued
                }
                Ok(None) => StepOutcome::Failed(text.clone()),
                Err(e) => StepOutcome::Failed(error_text(lang, &e)),
            }
        } else {
            StepOutcome::Failed(text.clone())
        };
        outcomes.push((seat, outcome));
    }
    outcomes
}

/// Every page of the list, 100 rows a page, following the cursors (activations) or
/// the page numbers (seats), up to [`MARK_ALL_MAX`] rows; `progress(read, total)`
/// after each page.
async fn collect(
    source: &DataSource,
    list: MatchList,
    mut progress: impl FnMut(u64, u64),
) -> Result<Matching, DataError> {
    match list {
        MatchList::Activations(query) => {
            let (rows, capped) = all_activations(source, query, &mut progress).await?;
            Ok(Matching::Activations { rows, capped })
        }
        MatchList::Seats(query) => {
            let (rows, capped) = all_seats(source, query, &mut progress).await?;
            Ok(Matching::Seats { rows, capped })
        }
    }
}

pub(super) async fn all_activations(
    source: &DataSource,
    mut query: ActivationQuery,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(Vec<ActivationSummary>, bool), DataError> {
    let mut rows: Vec<ActivationSummary> = Vec::new();
    loop {
        let page = source.activations(&query).await?;
        let total = page.total.max(rows.len() as u64 + page.items.len() as u64);
        let empty = page.items.is_empty();
        rows.extend(page.items);
        progress(rows.len() as u64, total);
        if rows.len() >= MARK_ALL_MAX {
            rows.truncate(MARK_ALL_MAX);
            return Ok((rows, page.next.is_some() || total > MARK_ALL_MAX as u64));
        }
        match page.next {
            Some(next) if !empty => {
                query.page = query.page.saturating_add(1);
                query.cursor = Some(next);
            }
            _ => return Ok((rows, false)),
        }
    }
}

pub(super) async fn all_seats(
    source: &DataSource,
    mut query: SeatQuery,
    progress: &mut impl FnMut(u64, u64),
) -> Result<(Vec<Seat>, bool), DataError> {
    let mut rows: Vec<Seat> = Vec::new();
    loop {
        let page = source.seats(&query).await?;
        let total = page.total;
        let empty = page.items.is_empty();
        rows.extend(page.items);
        progress(rows.len() as u64, total);
        if rows.len() >= MARK_ALL_MAX {
            rows.truncate(MARK_ALL_MAX);
            return Ok((rows, total > MARK_ALL_MAX as u64));
        }
        if empty || rows.len() as u64 >= total {
            return Ok((rows, false));
        }
        query.page = query.page.saturating_add(1);
    }
}

/// A license file into `folder` (made if need be) under the downloads; only the file
/// name part of what the portal named, so it cannot write elsewhere.
async fn write_into(folder: &str, file_name: &str, contents: &str) -> Result<PathBuf, String> {
    let dir = resolve_user_path(std::path::Path::new(folder));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = std::path::Path::new(file_name)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "license.lic".into());
    let path = dir.join(name);
    tokio::fs::write(&path, contents.as_bytes())
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
