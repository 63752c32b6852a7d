//! `webhooks list|add|remove|deliveries|redeliver|rotate-secret` (issue 17;
//! docs/DESIGN.md §4.10): webhook endpoints and their delivery log for scripts. A
//! secret is printed once, when it is made (add, rotate-secret).

use super::{Failure, Outcome, parse_per_page};
use crate::cli::output::{OutputArgs, Table, emit};
use clap::Subcommand;
use licadm::client::webhooks::{CreatedWebhook, NewWebhook, WebhookDelivery, WebhookEndpoint};
use licadm::client::{ApiClient, new_idempotency_key};

#[derive(Subcommand, Debug)]
pub enum WebhooksCommand {
    /// Endpoints you may manage (an admin: its organizations'; an operator: all).
    List {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Register an endpoint; prints its signing secret, once.
    Add {
        /// https://…, or http:// to 127.0.0.1, ::1 or localhost for testing.
        url: String,
        /// An event to deliver (repeat): activation.done, activation.error, seat.bound,
        /// seat.unbound, emergency_license.* (or .requested), invoice.issued,
        /// invoice.overdue, invoice.paid.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        /// Whose events (optional when the token sees one organization; an operator
        /// without it hears every organization).
        #[arg(long)]
        organization: Option<i64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Remove an endpoint and its queued deliveries.
    Remove { id: i64 },
    /// An endpoint's delivery log, newest first.
    Deliveries {
        id: i64,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 10, 25, 50 or 100.
        #[arg(long, default_value_t = 25, value_parser = parse_per_page)]
        per_page: u32,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Send a delivered or failed delivery's event again (same event id and body).
    Redeliver {
        /// The endpoint's id.
        id: i64,
        /// The delivery's id (from `webhooks deliveries`).
        delivery: i64,
    },
    /// A new signing secret for the endpoint, printed once; the old one stops at once.
    RotateSecret {
        id: i64,
        #[command(flatten)]
        out: OutputArgs,
    },
}

fn moment(at: Option<chrono::DateTime<chrono::Utc>>, machine: bool) -> String {
    match at {
        None => String::new(),
        Some(at) if machine => at.to_rfc3339(),
        Some(at) => at
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M:%S")
            .to_string(),
    }
}

fn endpoints_table(endpoints: &[WebhookEndpoint], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "URL",
        "EVENTS",
        "ORGANIZATION",
        "PENDING",
        "FAILED",
        "CREATED",
        "BY",
    ]);
    for e in endpoints {
        table.push(vec![
            e.id.to_string(),
            e.url.clone(),
            e.events.join(if machine { ";" } else { ", " }),
            e.organization
                .map_or_else(|| "all".to_string(), |o| o.to_string()),
            e.pending.to_string(),
            e.failed.to_string(),
            moment(Some(e.created_at), machine),
            e.created_by.clone(),
        ]);
    }
    table
}

fn deliveries_table(deliveries: &[WebhookDelivery], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ID", "EVENT", "OBJECT", "STATUS", "ATTEMPTS", "HTTP", "NEXT", "ERROR", "EVENT ID",
    ]);
    for d in deliveries {
        table.push(vec![
            d.id.to_string(),
            d.event_type.clone(),
            d.object.clone(),
            d.status.as_str().to_string(),
            d.attempts.to_string(),
            d.response_status.map(|s| s.to_string()).unwrap_or_default(),
            moment(d.next_attempt_at, machine),
            d.last_error.clone().unwrap_or_default(),
            d.event_id.clone(),
        ]);
    }
    table
}

/// The endpoint and its secret: JSON whole, or a line to keep the secret from.
fn print_secret(created: &CreatedWebhook, out: OutputArgs) {
    if out.json {
        emit(out.format(), created, |_| Table::new(vec![]));
        return;
    }
    println!(
        "webhook {} → {} ({})",
        created.endpoint.id,
        licadm::domain::text::inert(&created.endpoint.url),
        created.endpoint.events.join(", ")
    );
    println!("secret (shown once; verify X-Licadm-Signature with it):");
    println!("{}", created.secret.expose());
}

pub async fn run(command: WebhooksCommand, client: &ApiClient) -> Outcome {
    match command {
        WebhooksCommand::List { out } => {
            let endpoints = client.webhooks().await?;
            emit(out.format(), &endpoints, |machine| {
                endpoints_table(&endpoints, machine)
            });
        }
        WebhooksCommand::Add {
            url,
            events,
            organization,
            out,
        } => {
            let created = client
                .add_webhook(
                    &NewWebhook {
                        url,
                        events,
                        organization,
                    },
                    &new_idempotency_key(),
                )
                .await?;
            print_secret(&created, out);
        }
        WebhooksCommand::Remove { id } => {
            let removed = client.remove_webhook(id, &new_idempotency_key()).await?;
            println!(
                "webhook {} ({}) removed",
                removed.id,
                licadm::domain::text::inert(&removed.url)
            );
        }
        WebhooksCommand::Deliveries {
            id,
            page,
            per_page,
            out,
        } => {
            let deliveries = client.webhook_deliveries(id, page, per_page).await?;
            emit(out.format(), &deliveries, |machine| {
                deliveries_table(&deliveries.items, machine)
            });
        }
        WebhooksCommand::Redeliver { id, delivery } => {
            let queued = client
                .redeliver(id, delivery, &new_idempotency_key())
                .await?;
            println!(
                "delivery {} queued again as {} ({} {})",
                delivery, queued.id, queued.event_type, queued.event_id
            );
        }
        WebhooksCommand::RotateSecret { id, out } => {
            let rotated = client
                .rotate_webhook_secret(id, &new_idempotency_key())
                .await?;
            print_secret(&rotated, out);
        }
    }
    Ok::<(), Failure>(())
}
