//! The scripting CLI: `activations list|show`, `precheck`, `activate`,
//! `seats list|bind|unbind`, `capacity`, `audit`, `invoices`, `prices`, `webhooks …` —
//! the portal API for shell scripts.
//!
//! Exit status: 0 done; 1 the portal refused (not found, conflict, invalid, forbidden)
//! or a precheck row is not `ok`; 2 usage (bad flags, unreadable file, ambiguous
//! organization, bad configuration); 3 the portal could not be reached.

mod access;
mod activations;
mod audit;
mod events;
mod invoices;
mod renewals;
mod seats;
mod views;
mod webhooks;
mod why;

use super::output::{OutputArgs, OutputFormat};
use super::{PortalArgs, connect};
use clap::Subcommand;
use licadm::client::{ApiClient, ClientError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

pub use access::{AccountsCommand, TokensCommand};
pub use activations::ActivationsCommand;
pub use invoices::InvoicesCommand;
pub use seats::SeatsCommand;

#[derive(Subcommand, Debug)]
pub enum ScriptCommand {
    /// List activations or show one with its lines.
    Activations {
        #[command(subcommand)]
        command: ActivationsCommand,
    },
    /// Check a serial list (a file, or `-` for stdin) without changing anything.
    ///
    /// Exit status 1 when any row is not `ok`.
    Precheck {
        /// Serials separated by newlines, commas, semicolons, tabs or spaces; `-` = stdin.
        file: PathBuf,
        /// Organization id (optional when the token sees exactly one).
        #[arg(long)]
        organization: Option<i64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Precheck a serial list, then create its activations (one per vendor).
    ///
    /// Nothing is created when any row is not `ok`: those rows are printed, exit status 1.
    Activate {
        /// Serials separated by newlines, commas, semicolons, tabs or spaces; `-` = stdin.
        file: PathBuf,
        /// Organization id (optional when the token sees exactly one).
        #[arg(long)]
        organization: Option<i64>,
        /// Repeating a call with the same key returns the same activations.
        #[arg(long)]
        idempotency_key: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// List seats, bind a seat to a user or free it.
    Seats {
        #[command(subcommand)]
        command: SeatsCommand,
    },
    /// Capacity per product: accounts used and allowed, support, emergency licenses.
    Capacity {
        /// Organization id (optional when the token sees exactly one).
        #[arg(long)]
        organization: Option<i64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The history of one object, newest first, e.g. `activation:421` or `seat:17`.
    Audit {
        object: String,
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// 10, 25, 50 or 100.
        #[arg(long, default_value_t = 25, value_parser = parse_per_page)]
        per_page: u32,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The activity log: every change the token may see, newest first.
    ///
    /// One page (and the `--cursor` of the next), or every page with `--all`.
    Events {
        /// Only changes by this account (its e-mail or token label), or `worker`.
        #[arg(long)]
        actor: Option<String>,
        /// Only this action, e.g. `seat.bound`, `activation.retried`.
        #[arg(long)]
        action: Option<String>,
        /// Only changes to `activation`, `seat`, `organization` or `key` objects.
        #[arg(long)]
        object_kind: Option<String>,
        /// Only this organization's changes.
        #[arg(long)]
        organization: Option<i64>,
        /// From this date (2026-11-01) or moment (RFC 3339), inclusive.
        #[arg(long)]
        from: Option<String>,
        /// Up to this date (the whole day) or before this moment.
        #[arg(long)]
        to: Option<String>,
        /// Events per page, 1–100 (default 25).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
        per_page: Option<u32>,
        /// Continue after a page: its `next` cursor.
        #[arg(long, conflicts_with = "all")]
        cursor: Option<String>,
        /// Follow the cursors to the last page.
        #[arg(long)]
        all: bool,
        /// A view saved on the console's Activity screen (`:view save NAME`): its
        /// filters and period fill the flags not given.
        #[arg(long)]
        view: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// The devices to renew: subscription ending within N days (or already ended),
    /// least time left first, with totals per organization and vendor at today's
    /// prices («Ваша цена»).
    Renewals {
        /// Days from today (default 30).
        #[arg(long)]
        within: Option<u32>,
        /// Only this organization's devices.
        #[arg(long)]
        organization: Option<i64>,
        /// Only this vendor's devices: `pay-kiosk` or `pp-electro`.
        #[arg(long)]
        vendor: Option<String>,
        /// Every device, whatever its end (the console's window "all").
        #[arg(long, conflicts_with = "within")]
        every: bool,
        /// A view saved on the console's Renewals screen (`:view save NAME`): its
        /// organization, vendor and window fill the flags not given.
        #[arg(long)]
        view: Option<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// One serial's story: the device, every activation it was in (status, error,
    /// retries, who and when, with the request), and its license file verified.
    ///
    /// Exit status 1 when the license file does not verify.
    Why {
        serial: String,
        /// Print JSON (the story and the license check).
        #[arg(long)]
        json: bool,
    },
    /// List or revoke tokens (yours; a partner admin's organizations'; all for an
    /// operator).
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Accounts: list, create (operator), invite, disable, reset a password, or
    /// accept an invitation.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Change your account's password (the one `licadm login` used): the current
    /// password, then the new one twice, without echo. The account's other tokens are
    /// revoked; this one stays.
    Password,
    /// Monthly invoices: list, show, download the document, pay (operator).
    Invoices {
        #[command(subcommand)]
        command: InvoicesCommand,
    },
    /// The price list: your price («Ваша цена») and the recommended retail price of
    /// every model.
    Prices {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Webhook endpoints and their delivery log: list, add, remove, deliveries,
    /// redeliver, rotate-secret (admins for their organizations, operators).
    Webhooks {
        #[command(subcommand)]
        command: webhooks::WebhooksCommand,
    },
}

/// Why a command failed, and so its exit status.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: the portal (or the precheck) said no.
    Domain(String),
    /// Exit 1 with nothing more to print (the output already says why).
    Silent,
    /// Exit 2.
    Usage(String),
    /// Exit 3.
    Unreachable(String),
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Failure {
        match e {
            ClientError::Unreachable(reason) => Failure::Unreachable(reason),
            ClientError::Timeout => Failure::Unreachable("request timed out".into()),
            ClientError::BadUrl { .. } => Failure::Usage(e.to_string()),
            other => Failure::Domain(other.to_string()),
        }
    }
}

pub type Outcome = Result<(), Failure>;

pub fn parse_per_page(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n @ (10 | 25 | 50 | 100)) => Ok(n),
        _ => Err(format!("{s:?}: per page must be 10, 25, 50 or 100")),
    }
}

/// Progress for long operations, on stderr and only when it is a terminal.
pub fn progress(message: &str) {
    let mut stderr = std::io::stderr();
    if stderr.is_terminal() {
        use std::io::Write;
        let _ = write!(stderr, "\r\x1b[K{message}");
        let _ = stderr.flush();
    }
}

/// Ends a progress line (if one was drawn).
pub fn progress_done() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[K");
    }
}

/// The organization to act for: the one given, or the only one the token sees.
pub async fn resolve_organization(client: &ApiClient, given: Option<i64>) -> Result<i64, Failure> {
    if let Some(id) = given {
        return Ok(id);
    }
    let me = client.me().await?;
    match me.organizations.as_slice() {
        [only] => Ok(only.id),
        [] => Err(Failure::Domain("the token sees no organization".into())),
        many => {
            let choices: Vec<String> = many
                .iter()
                .map(|o| format!("{} ({})", o.id, o.name))
                .collect();
            Err(Failure::Usage(format!(
                "--organization is required: the token sees {}",
                choices.join(", ")
            )))
        }
    }
}

/// Runs `work` with a client for the configured portal on a fresh runtime; a portal
/// that cannot be reached or configured exits 3 or 2 as the scripting commands do.
pub fn with_client<F, Fut>(portal: &PortalArgs, work: F) -> ExitCode
where
    F: FnOnce(ApiClient) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    let Some(runtime) = super::runtime() else {
        return ExitCode::from(2);
    };
    runtime.block_on(async {
        match connect(portal).await {
            Ok((client, _embedded)) => work(client).await,
            Err(e) => match e.downcast::<ClientError>() {
                Ok(ClientError::Unreachable(reason)) => {
                    eprintln!("licadm: portal unreachable: {reason}");
                    ExitCode::from(3)
                }
                Ok(other) => {
                    eprintln!("licadm: {other}");
                    ExitCode::from(2)
                }
                Err(other) => {
                    eprintln!("licadm: {other:#}");
                    ExitCode::from(2)
                }
            },
        }
    })
}

pub fn run(command: ScriptCommand, portal: &PortalArgs) -> ExitCode {
    let Some(runtime) = super::runtime() else {
        return ExitCode::from(2);
    };
    let outcome = runtime.block_on(async {
        // Accepting an invitation needs the portal, not a token (the invitee has none).
        if let ScriptCommand::Accounts {
            command: AccountsCommand::Accept,
        } = &command
        {
            let client = anonymous(portal)?;
            return dispatch(command, &client).await;
        }
        // Made on the server: the store, no portal.
        if let ScriptCommand::Accounts {
            command:
                AccountsCommand::Create {
                    db: Some(db),
                    email,
                    role,
                    organizations,
                },
        } = &command
        {
            return access::create_on_server(db, email.clone(), *role, organizations.clone()).await;
        }
        // A saved view is read from the config before anything is asked of the portal.
        let command = match command {
            ScriptCommand::Activations { command } => {
                let file =
                    super::config_file(portal).map_err(|e| Failure::Usage(format!("{e:#}")))?;
                ScriptCommand::Activations {
                    command: activations::with_view(command, &file.views)?,
                }
            }
            other if views::names_view(&other) => {
                let file =
                    super::config_file(portal).map_err(|e| Failure::Usage(format!("{e:#}")))?;
                views::with_view(other, &file.views)?
            }
            other => other,
        };
        let (client, _embedded) = match connect(portal).await {
            Ok(found) => found,
            Err(e) => {
                return Err(match e.downcast::<ClientError>() {
                    Ok(client_error) => Failure::from(client_error),
                    Err(other) => Failure::Usage(format!("{other:#}")),
                });
            }
        };
        dispatch(command, &client).await
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Silent) => ExitCode::from(1),
        Err(Failure::Domain(message)) => {
            eprintln!("licadm: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("licadm: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Unreachable(reason)) => {
            eprintln!("licadm: portal unreachable: {reason}");
            ExitCode::from(3)
        }
    }
}

/// A client without a token for the portal `--portal`, the config or the last login
/// names.
fn anonymous(portal: &PortalArgs) -> Result<ApiClient, Failure> {
    let file = super::config_file(portal).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let lang = super::language(portal.lang.as_deref(), &file)
        .map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let url = super::login::portal_url(portal, &file)
        .ok_or_else(|| Failure::Usage("which portal? give --portal URL".into()))?;
    Ok(ApiClient::anonymous(&url)?.with_lang(lang))
}

async fn dispatch(command: ScriptCommand, client: &ApiClient) -> Outcome {
    match command {
        ScriptCommand::Activations { command } => activations::run(command, client).await,
        ScriptCommand::Precheck {
            file,
            organization,
            out,
        } => activations::precheck(client, &file, organization, out.format()).await,
        ScriptCommand::Activate {
            file,
            organization,
            idempotency_key,
            out,
        } => {
            activations::activate(
                client,
                &file,
                organization,
                idempotency_key.as_deref(),
                out.format(),
            )
            .await
        }
        ScriptCommand::Seats { command } => seats::run(command, client).await,
        ScriptCommand::Capacity { organization, out } => {
            seats::capacity(client, organization, out.format()).await
        }
        ScriptCommand::Audit {
            object,
            page,
            per_page,
            out,
        } => audit::audit(client, &object, page, per_page, out.format()).await,
        ScriptCommand::Events {
            actor,
            action,
            object_kind,
            organization,
            from,
            to,
            per_page,
            cursor,
            all,
            view: _,
            out,
        } => {
            let query = licadm::client::events::EventQuery {
                actor,
                action,
                object_kind,
                organization,
                from,
                to,
                per_page: Some(per_page.unwrap_or(25)),
                cursor,
            };
            events::events(client, query, all, out.format()).await
        }
        ScriptCommand::Renewals {
            within,
            organization,
            vendor,
            every,
            view: _,
            out,
        } => {
            let within = views::within_days(within, every);
            renewals::renewals(client, within, organization, vendor, out.format()).await
        }
        ScriptCommand::Why { serial, json } => {
            let format = if json {
                OutputFormat::Json
            } else {
                OutputFormat::Table
            };
            why::why(client, &serial, format).await
        }
        ScriptCommand::Tokens { command } => access::tokens(command, client).await,
        ScriptCommand::Accounts { command } => access::accounts(command, client).await,
        ScriptCommand::Password => access::change_password(client).await,
        ScriptCommand::Invoices { command } => {
            let lang = client.lang().unwrap_or(licadm::domain::Lang::Ru);
            invoices::invoices(command, client, lang).await
        }
        ScriptCommand::Prices { out } => invoices::prices(client, out).await,
        ScriptCommand::Webhooks { command } => webhooks::run(command, client).await,
    }
}
