//! `seats list|bind|unbind`, `capacity`.

use super::{Failure, Outcome, parse_per_page, resolve_organization};
use crate::cli::output::{OutputArgs, OutputFormat, Table, emit};
use clap::Subcommand;
use licadm::client::bulk::{BULK_MAX, BulkUnbindResult, UnbindOutcome};
use licadm::client::wire::{LicenseInfo, Seat, SeatQuery, SeatSortKey, SeatStatus};
use licadm::client::{ApiClient, new_idempotency_key};
use licadm::domain::format_date;

#[derive(Subcommand, Debug)]
pub enum SeatsCommand {
    /// One page of seats.
    List {
        #[arg(long)]
        organization: Option<i64>,
        /// Product id, e.g. orangeuce.
        #[arg(long)]
        product: Option<String>,
        /// free, bound or expired.
        #[arg(long, value_parser = parse_status)]
        status: Option<SeatStatus>,
        /// Text in the bound user's e-mail.
        #[arg(long)]
        q: Option<String>,
        /// id, valid_until or email; `-` first for descending (default id).
        #[arg(long, value_parser = parse_sort, allow_hyphen_values = true)]
        sort: Option<(SeatSortKey, bool)>,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 10, 25, 50 or 100.
        #[arg(long, default_value_t = 25, value_parser = parse_per_page)]
        per_page: u32,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Bind a free seat to a registered user.
    Bind {
        seat: i64,
        email: String,
        /// Repeating a call with the same key answers the same seat without binding again.
        #[arg(long)]
        idempotency_key: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Free bound seats: one seat is answered as the seat; several go 100 per request
    /// (`POST /seats/unbind`) and are answered one row per seat (exit 1 if any was
    /// refused).
    Unbind {
        #[arg(required = true, num_args = 1..)]
        seats: Vec<i64>,
        /// Repeating a call with the same key answers the same seats without unbinding
        /// again (with more than 100 seats, request N of the call uses KEY.N from the
        /// second on).
        #[arg(long)]
        idempotency_key: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
}

fn parse_status(s: &str) -> Result<SeatStatus, String> {
    SeatStatus::ALL
        .into_iter()
        .find(|st| st.as_api() == s)
        .ok_or_else(|| format!("{s:?}: expected free, bound or expired"))
}

fn parse_sort(s: &str) -> Result<(SeatSortKey, bool), String> {
    SeatSortKey::parse_param(s).ok_or_else(|| {
        format!("{s:?}: sort by id, valid_until or email (`-` first for descending)")
    })
}

pub async fn run(command: SeatsCommand, client: &ApiClient) -> Outcome {
    match command {
        SeatsCommand::List {
            organization,
            product,
            status,
            q,
            sort,
            page,
            per_page,
            out,
        } => {
            let (sort, descending) = sort.unwrap_or((SeatSortKey::Id, false));
            let query = SeatQuery {
                organization,
                product,
                status,
                q,
                sort,
                descending,
                page,
                per_page,
            };
            let found = client.seats(&query).await?;
            emit(out.format(), &found, |machine| {
                seat_table(&found.items, machine)
            });
            Ok(())
        }
        SeatsCommand::Bind {
            seat,
            email,
            idempotency_key,
            out,
        } => {
            let seat = client
                .bind_seat(seat, &email, idempotency_key.as_deref())
                .await?;
            print_seat(&seat, out.format());
            Ok(())
        }
        SeatsCommand::Unbind {
            seats,
            idempotency_key,
            out,
        } => {
            if let [seat] = seats.as_slice() {
                let seat = client
                    .unbind_seat(*seat, idempotency_key.as_deref())
                    .await?;
                print_seat(&seat, out.format());
                return Ok(());
            }
            unbind_many(client, &seats, idempotency_key, out.format()).await
        }
    }
}

/// Several seats, 100 per request (docs/DESIGN.md §4.9), one row per seat in the order
/// given; exit 1 when any was refused.
async fn unbind_many(
    client: &ApiClient,
    seats: &[i64],
    idempotency_key: Option<String>,
    format: OutputFormat,
) -> Outcome {
    let key = idempotency_key.unwrap_or_else(new_idempotency_key);
    let mut results: Vec<BulkUnbindResult> = Vec::with_capacity(seats.len());
    for (n, chunk) in seats.chunks(BULK_MAX).enumerate() {
        let chunk_key = if n == 0 {
            key.clone()
        } else {
            format!("{key}.{}", n + 1)
        };
        results.extend(client.unbind_many(chunk, &chunk_key).await?.results);
    }
    emit(format, &results, |machine| unbind_table(&results, machine));
    if results.iter().all(|r| r.outcome == UnbindOutcome::Unbound) {
        Ok(())
    } else {
        Err(Failure::Silent)
    }
}

fn unbind_table(results: &[BulkUnbindResult], machine: bool) -> Table {
    let mut table = Table::new(vec!["SEAT", "RESULT", "DETAIL"]);
    for r in results {
        let (result, detail) = match (&r.outcome, &r.error) {
            (UnbindOutcome::Unbound, _) => ("unbound", String::new()),
            (UnbindOutcome::Refused, Some(e)) if machine => ("refused", e.code.clone()),
            (UnbindOutcome::Refused, Some(e)) => ("refused", e.message.clone()),
            (UnbindOutcome::Refused, None) => ("refused", String::new()),
        };
        table.push(vec![r.seat_id.to_string(), result.to_string(), detail]);
    }
    table
}

fn print_seat(seat: &Seat, format: OutputFormat) {
    emit(format, seat, |machine| {
        seat_table(std::slice::from_ref(seat), machine)
    });
}

fn day(d: chrono::NaiveDate, machine: bool) -> String {
    if machine {
        d.to_string()
    } else {
        format_date(d)
    }
}

fn seat_table(seats: &[Seat], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "ORGANIZATION",
        "PRODUCT",
        "STATUS",
        "EMAIL",
        "VALID FROM",
        "VALID UNTIL",
    ]);
    for s in seats {
        table.push(vec![
            s.id.to_string(),
            s.organization.name.clone(),
            if machine {
                s.product.id.clone()
            } else {
                s.product.name.clone()
            },
            s.status.as_api().to_string(),
            s.email.clone().unwrap_or_default(),
            day(s.valid_from, machine),
            day(s.valid_until, machine),
        ]);
    }
    table
}

pub async fn capacity(
    client: &ApiClient,
    organization: Option<i64>,
    format: OutputFormat,
) -> Outcome {
    let organization = resolve_organization(client, organization).await?;
    let info = client.license_info(organization).await?;
    emit(format, &info, |machine| capacity_table(&info, machine));
    Ok(())
}

fn capacity_table(info: &LicenseInfo, machine: bool) -> Table {
    let mut table = Table::new(vec![
        "PRODUCT",
        "ACCOUNTS USED",
        "ACCOUNTS MAX",
        "EXTERNAL MAX",
        "SUPPORT UNTIL",
        "LITE",
        "EMERGENCY UNTIL",
        "BLOCKED",
    ]);
    for p in &info.products {
        table.push(vec![
            if machine {
                p.product.id.clone()
            } else {
                p.product.name.clone()
            },
            p.accounts_used.to_string(),
            p.accounts_max.to_string(),
            p.external_connections_max.to_string(),
            p.support_until.map(|d| day(d, machine)).unwrap_or_default(),
            if p.lite { "yes" } else { "no" }.to_string(),
            p.emergency
                .as_ref()
                .filter(|e| e.active)
                .map(|e| day(e.valid_until, machine))
                .unwrap_or_default(),
            p.accounts_blocked.to_string(),
        ]);
    }
    table
}
