//! `seats list|bind|unbind`, `capacity`.

use super::{Outcome, parse_per_page, resolve_organization};
use crate::cli::output::{OutputArgs, OutputFormat, Table, emit};
use clap::Subcommand;
use licadm::client::ApiClient;
use licadm::client::wire::{LicenseInfo, Seat, SeatQuery, SeatSortKey, SeatStatus};
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
    /// Free a bound seat.
    Unbind {
        seat: i64,
        /// Repeating a call with the same key answers the same seat without unbinding again.
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
            seat,
            idempotency_key,
            out,
        } => {
            let seat = client.unbind_seat(seat, idempotency_key.as_deref()).await?;
            print_seat(&seat, out.format());
            Ok(())
        }
    }
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
