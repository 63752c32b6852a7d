//! `activations list|show`, `precheck`, `activate`.

use super::{Failure, Outcome, parse_per_page, progress, progress_done, resolve_organization};
use crate::cli::output::{OutputArgs, OutputFormat, Table, emit};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use licadm::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSort, ActivationSummary, CreatedActivations, Page,
    PrecheckResponse, PrecheckRow,
};
use licadm::client::{ApiClient, ClientError, new_idempotency_key};
use licadm::domain::{
    ActivationStatus, PrecheckOutcome, Vendor, format_date, format_rub, parse_serial_list,
};
use std::io::Read;
use std::path::Path;

#[derive(Subcommand, Debug)]
pub enum ActivationsCommand {
    /// One page of activations (or every page with --all).
    List {
        #[arg(long)]
        organization: Option<i64>,
        /// done, in_progress or error.
        #[arg(long)]
        status: Option<ActivationStatus>,
        /// pay-kiosk or pp-electro.
        #[arg(long)]
        vendor: Option<Vendor>,
        /// Activation number, or (part of) a serial in it.
        #[arg(long)]
        q: Option<String>,
        /// number, total_cost or created_at; `-` first for descending (default -number).
        #[arg(long, value_parser = parse_sort, allow_hyphen_values = true)]
        sort: Option<ActivationSort>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 10, 25, 50 or 100 (default 25; 100 with --all).
        #[arg(long, value_parser = parse_per_page)]
        per_page: Option<u32>,
        /// A page's `next` or `prev` cursor (from `--json`): pages deeper than
        /// 10 000 rows from either end are reached this way.
        #[arg(long, conflicts_with = "page")]
        cursor: Option<String>,
        /// Walk every page (following the cursors) and print all matching activations.
        #[arg(long, conflicts_with_all = ["page", "cursor"])]
        all: bool,
        /// A view saved in the config's [views] (`:view save NAME` in the console): its
        /// filters, sort and page size; flags given here win over it.
        #[arg(long)]
        view: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// One activation with its lines.
    Show {
        number: i64,
        #[command(flatten)]
        out: OutputArgs,
    },
}

fn parse_sort(s: &str) -> Result<ActivationSort, String> {
    ActivationSort::parse(s).ok_or_else(|| {
        format!("{s:?}: sort by number, total_cost or created_at (`-` first for descending)")
    })
}

pub async fn run(command: ActivationsCommand, client: &ApiClient) -> Outcome {
    match command {
        ActivationsCommand::List {
            organization,
            status,
            vendor,
            q,
            sort,
            page,
            per_page,
            cursor,
            all,
            view: _,
            out,
        } => {
            let mut query = ActivationQuery {
                organization,
                status,
                vendor,
                q,
                sort: sort.unwrap_or_default(),
                page,
                per_page: per_page.unwrap_or(if all { 100 } else { 25 }),
                cursor,
            };
            let found = if all {
                list_all(client, &mut query).await?
            } else {
                client.activations(&query).await?
            };
            emit(out.format(), &found, |machine| {
                summary_table(&found.items, machine)
            });
            Ok(())
        }
        ActivationsCommand::Show { number, out } => {
            let detail = client.activation(number).await?;
            show(&detail, out.format());
            Ok(())
        }
    }
}

/// `list --view NAME`: the saved view's filters, sort and page size fill the flags
/// not given (issue 16 b); an unknown view or a view of another list is a usage error.
pub fn with_view(
    command: ActivationsCommand,
    views: &std::collections::BTreeMap<String, licadm::config_views::SavedView>,
) -> Result<ActivationsCommand, Failure> {
    let ActivationsCommand::List {
        organization,
        status,
        vendor,
        q,
        sort,
        page,
        per_page,
        cursor,
        all,
        view: Some(name),
        out,
    } = command
    else {
        return Ok(command);
    };
    let saved = views.get(&name).ok_or_else(|| {
        let known: Vec<&str> = views.keys().map(String::as_str).collect();
        Failure::Usage(format!(
            "no view {name:?} in the config's [views] (saved: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    let query = saved
        .activation_query()
        .map_err(|problem| Failure::Usage(format!("view {name:?}: {problem}")))?;
    Ok(ActivationsCommand::List {
        organization: organization.or(query.organization),
        status: status.or(query.status),
        vendor: vendor.or(query.vendor),
        q: q.or(query.q),
        sort: sort.or(Some(query.sort)),
        page,
        per_page: per_page.or(saved.per_page.map(|_| query.per_page)),
        cursor,
        all,
        view: None,
        out,
    })
}

/// Every page of `query`, as one page holding all items: page 1, then each page's
/// `next` cursor (page numbers reach only so deep, docs/DESIGN.md §4.4).
async fn list_all(
    client: &ApiClient,
    query: &mut ActivationQuery,
) -> Result<Page<ActivationSummary>, Failure> {
    query.page = 1;
    query.cursor = None;
    let mut first = client.activations(query).await?;
    let pages = first.page_count();
    let mut next_cursor = first.next.take();
    let mut page = 1;
    while let Some(cursor) = next_cursor {
        page += 1;
        let of = if first.total_capped {
            format!("{pages}+")
        } else {
            pages.to_string()
        };
        progress(&format!("page {page} of {of}…"));
        query.cursor = Some(cursor);
        let next = client.activations(query).await?;
        next_cursor = next.next;
        first.items.extend(next.items);
    }
    progress_done();
    first.prev = None;
    Ok(first)
}

fn money(amount: licadm::domain::Kopecks, machine: bool) -> String {
    if machine {
        amount.0.to_string()
    } else {
        format_rub(amount, false)
    }
}

fn moment(at: DateTime<Utc>, machine: bool) -> String {
    if machine {
        at.to_rfc3339()
    } else {
        format_date(at.date_naive())
    }
}

fn date(d: Option<chrono::NaiveDate>, machine: bool) -> String {
    match d {
        Some(d) if machine => d.to_string(),
        Some(d) => format_date(d),
        None => String::new(),
    }
}

fn summary_table(items: &[ActivationSummary], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "NUMBER",
        "ORGANIZATION",
        "STATUS",
        "VENDOR",
        "LICENSES",
        "COST",
        "CREATED",
        "ERROR",
    ]);
    for a in items {
        table.push(vec![
            a.number.to_string(),
            a.organization.name.clone(),
            a.status.as_api().to_string(),
            if machine {
                a.vendor.id.id().to_string()
            } else {
                a.vendor.name.clone()
            },
            a.license_count.to_string(),
            money(a.total_cost, machine),
            moment(a.created_at, machine),
            a.error.clone().unwrap_or_default(),
        ]);
    }
    table
}

fn lines_table(detail: &ActivationDetail, machine: bool) -> Table {
    let mut table = Table::new(vec![
        "SERIAL",
        "MODEL",
        "CURRENT UNTIL",
        "NEW UNTIL",
        "PRICE",
    ]);
    for line in &detail.lines {
        table.push(vec![
            line.serial.clone(),
            line.model.clone(),
            date(line.current_until, machine),
            date(Some(line.new_until), machine),
            money(line.price, machine),
        ]);
    }
    table
}

/// Table: the activation, then its lines. CSV: the lines only.
fn show(detail: &ActivationDetail, format: OutputFormat) {
    match format {
        OutputFormat::Table => {
            let head = summary_table(std::slice::from_ref(&detail.summary), false).render();
            let lines = lines_table(detail, false).render();
            print!("{head}\n{lines}");
        }
        _ => emit(format, detail, |machine| lines_table(detail, machine)),
    }
}

/// The serial tokens of FILE (`-` = stdin), in input order with their line numbers.
/// Format errors are reported on stderr and kept, so the precheck shows them in place.
fn read_tokens(file: &Path) -> Result<Vec<(usize, String)>, Failure> {
    let text = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
    };
    let list = parse_serial_list(&text);
    for error in &list.errors {
        eprintln!(
            "licadm: line {}: {:?}: {}",
            error.line, error.token, error.reason
        );
    }
    if list.tokens.is_empty() {
        return Err(Failure::Usage(format!("no serials in {}", file.display())));
    }
    Ok(list.tokens)
}

fn precheck_table(lines: &[usize], rows: &[&PrecheckRow], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "LINE",
        "SERIAL",
        "OUTCOME",
        "MODEL",
        "VENDOR",
        "CURRENT UNTIL",
        "NEW UNTIL",
        "PRICE",
        "MESSAGE",
    ]);
    for (i, row) in rows.iter().enumerate() {
        let vendor = row.vendor.as_ref().map(|v| {
            if machine {
                v.id.id().to_string()
            } else {
                v.name.clone()
            }
        });
        table.push(vec![
            lines.get(i).map(ToString::to_string).unwrap_or_default(),
            row.serial.clone(),
            serde_json::to_value(row.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            row.model.clone().unwrap_or_default(),
            vendor.unwrap_or_default(),
            date(row.current_until, machine),
            date(row.new_until, machine),
            row.price.map(|p| money(p, machine)).unwrap_or_default(),
            row.message.clone().unwrap_or_default(),
        ]);
    }
    table
}

/// Prechecks the tokens; Ok(rows) when all are `ok`, else prints the bad ones.
async fn checked(
    client: &ApiClient,
    organization: i64,
    tokens: &[(usize, String)],
) -> Result<(Vec<usize>, PrecheckResponse), Failure> {
    let serials: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
    progress(&format!("prechecking {} serials…", serials.len()));
    let response = client.precheck(organization, &serials).await;
    progress_done();
    let lines = tokens.iter().map(|(line, _)| *line).collect();
    Ok((lines, response?))
}

pub async fn precheck(
    client: &ApiClient,
    file: &Path,
    organization: Option<i64>,
    format: OutputFormat,
) -> Outcome {
    let tokens = read_tokens(file)?;
    let organization = resolve_organization(client, organization).await?;
    let (lines, response) = checked(client, organization, &tokens).await?;
    let rows: Vec<&PrecheckRow> = response.rows.iter().collect();
    emit(format, &response, |machine| {
        precheck_table(&lines, &rows, machine)
    });
    if response
        .rows
        .iter()
        .all(|r| r.outcome == PrecheckOutcome::Ok)
    {
        Ok(())
    } else {
        Err(Failure::Silent)
    }
}

/// Creates the activations of FILE's serials. The portal prechecks them itself and
/// creates nothing unless every row is `ok`; refused rows are printed with their line
/// numbers. The same `--idempotency-key` again (a cron job retrying after a timeout)
/// answers the activations made the first time, with their current status, and exits 0.
pub async fn activate(
    client: &ApiClient,
    file: &Path,
    organization: Option<i64>,
    idempotency_key: Option<&str>,
    format: OutputFormat,
) -> Outcome {
    let tokens = read_tokens(file)?;
    let organization = resolve_organization(client, organization).await?;
    let serials: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
    let key = idempotency_key
        .map(str::to_string)
        .unwrap_or_else(new_idempotency_key);
    // Straight to the portal: a precheck first would call the serials of a first run
    // still in progress `pending` and refuse a repeat that the portal answers at once.
    progress(&format!("activating {} serials…", serials.len()));
    let created = client
        .create_activations(organization, &serials, &key)
        .await;
    progress_done();
    let created = match created {
        Ok(created) => created,
        Err(ClientError::Rejected {
            message,
            request_id,
            ..
        }) => {
            // With the request it was, for a ticket (issue 16).
            let message = match request_id {
                Some(id) => format!("{message} (request {id})"),
                None => message,
            };
            return refused(client, organization, &tokens, format, message).await;
        }
        Err(other) => return Err(other.into()),
    };
    let current = current_status(client, created).await;
    emit(format, &current, |machine| {
        summary_table(&current.activations, machine)
    });
    Ok(())
}

/// The activations as they are now: a repeat is answered with what the first request
/// created, whose status has moved on since (an activation that cannot be read now
/// is shown as created).
async fn current_status(client: &ApiClient, created: CreatedActivations) -> CreatedActivations {
    let mut activations = Vec::with_capacity(created.activations.len());
    for activation in created.activations {
        match client.activation(activation.number).await {
            Ok(detail) => activations.push(detail.summary),
            Err(_) => activations.push(activation),
        }
    }
    CreatedActivations { activations }
}

/// The portal refused the list: the rows that are not `ok`, with their line numbers
/// (from a precheck of the same list), and exit 1.
async fn refused(
    client: &ApiClient,
    organization: i64,
    tokens: &[(usize, String)],
    format: OutputFormat,
    portal_message: String,
) -> Outcome {
    let (lines, response) = checked(client, organization, tokens).await?;
    if response
        .rows
        .iter()
        .all(|r| r.outcome == PrecheckOutcome::Ok)
    {
        // Refused a moment ago, fine now (an activation in progress just ended).
        return Err(Failure::Domain(portal_message));
    }
    let bad: Vec<(usize, &PrecheckRow)> = response
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome != PrecheckOutcome::Ok)
        .map(|(i, r)| (lines.get(i).copied().unwrap_or(0), r))
        .collect();
    let bad_lines: Vec<usize> = bad.iter().map(|(l, _)| *l).collect();
    let bad_rows: Vec<&PrecheckRow> = bad.iter().map(|(_, r)| *r).collect();
    let body = serde_json::json!({ "rows": bad_rows });
    emit(format, &body, |machine| {
        precheck_table(&bad_lines, &bad_rows, machine)
    });
    Err(Failure::Domain(format!(
        "nothing activated: {} of {} serials cannot be activated",
        bad.len(),
        response.rows.len()
    )))
}
