//! `tokens list|revoke`, `accounts list|create|invite|disable|reset|accept` and
//! `password`: access management for scripts and people (issue 15). Tokens themselves
//! are never shown; an invitation or reset code once, when it is made (on stdout, the
//! rest on stderr, so a script can take the code alone).

use super::{Failure, Outcome};
use crate::cli::output::{OutputArgs, Table, emit};
use clap::Subcommand;
use licadm::client::ApiClient;
use licadm::client::wire::{AccountInfo, NewAccountRequest, OrgRef, Role, TokenInfo};
use licadm::secret::Secret;

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// Tokens you may manage: your account's; a partner admin's organizations'; all for
    /// an operator.
    List {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Revoke a token by its id (from `tokens list`); it is refused within a second.
    Revoke { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Accounts you may manage.
    List {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Create an account with a password (operator); the password is read like
    /// `licadm login` reads it. With --db, on the server without a token: how the
    /// first operator account is made (`--role operator`).
    Create {
        #[arg(long)]
        email: String,
        /// admin, support or viewer (with organizations), or operator (without; only
        /// an operator, or --db on the server, may make one).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization id (repeat for several; none for an operator).
        #[arg(long = "organization")]
        organizations: Vec<i64>,
        /// Make it in this store directly (a SQLite file or a PostgreSQL URL).
        #[arg(long)]
        db: Option<String>,
    },
    /// Invite someone: prints the invitation code (once) they use with `accounts accept`.
    Invite {
        #[arg(long)]
        email: String,
        /// admin, support or viewer (or operator, by an operator).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization id (repeat for several; none for an operator).
        #[arg(long = "organization")]
        organizations: Vec<i64>,
    },
    /// Disable an account by id and revoke its tokens.
    Disable { id: i64 },
    /// Give an account a one-time password-reset code (printed once, valid a day):
    /// its owner sets a new password with `licadm login --reset-code`, which revokes
    /// the account's tokens. An operator, or a partner admin for its organizations.
    Reset {
        /// The account's e-mail.
        email: String,
    },
    /// Set your password with an invitation code (no token needed): the code, then the
    /// password are read like `licadm login` reads them.
    Accept,
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn moment(at: Option<chrono::DateTime<chrono::Utc>>, machine: bool) -> String {
    match at {
        None => String::new(),
        Some(at) if machine => at.to_rfc3339(),
        Some(at) => at
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M")
            .to_string(),
    }
}

fn organizations(list: &[OrgRef], machine: bool) -> String {
    list.iter()
        .map(|o| {
            if machine {
                o.id.to_string()
            } else {
                o.name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(if machine { ";" } else { ", " })
}

fn tokens_table(tokens: &[TokenInfo], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "LABEL",
        "ACCOUNT",
        "ROLE",
        "ORGANIZATIONS",
        "CREATED",
        "EXPIRES",
        "LAST USED",
        "REVOKED",
    ]);
    for t in tokens {
        let mut label = t.label.clone();
        if t.current && !machine {
            label.push_str(" *");
        }
        table.push(vec![
            t.id.to_string(),
            label,
            t.account.clone().unwrap_or_default(),
            t.role.as_str().to_string(),
            organizations(&t.organizations, machine),
            moment(Some(t.created_at), machine),
            moment(t.expires_at, machine),
            moment(t.last_used_at, machine),
            moment(t.revoked_at, machine),
        ]);
    }
    table
}

fn accounts_table(accounts: &[AccountInfo], machine: bool) -> Table {
    let mut table = Table::new(vec![
        "ID",
        "EMAIL",
        "ROLE",
        "ORGANIZATIONS",
        "PASSWORD",
        "CREATED BY",
        "DISABLED",
    ]);
    for a in accounts {
        let password = if a.has_password {
            "set".to_string()
        } else {
            format!("invited until {}", moment(a.invitation_expires_at, machine))
        };
        table.push(vec![
            a.id.to_string(),
            a.email.clone(),
            a.role.as_str().to_string(),
            organizations(&a.organizations, machine),
            password,
            a.created_by.clone(),
            moment(a.disabled_at, machine),
        ]);
    }
    table
}

pub async fn tokens(command: TokensCommand, client: &ApiClient) -> Outcome {
    match command {
        TokensCommand::List { out } => {
            let tokens = client.tokens().await?;
            emit(out.format(), &tokens, |machine| {
                tokens_table(&tokens, machine)
            });
        }
        TokensCommand::Revoke { id } => {
            let revoked = client.revoke_token(id).await?;
            println!(
                "token {} ({}) revoked",
                revoked.id,
                licadm::domain::text::inert(revoked.account.as_deref().unwrap_or(&revoked.label))
            );
        }
    }
    Ok(())
}

fn read_secret(prompt: &str) -> Result<Secret, Failure> {
    match crate::cli::login::read_password(prompt) {
        Ok(Some(secret)) if !secret.is_empty() => Ok(secret),
        Ok(_) => Err(Failure::Usage(format!(
            "no {} given",
            prompt.trim_end_matches(": ").to_lowercase()
        ))),
        Err(e) => Err(Failure::Usage(format!("cannot read the input: {e}"))),
    }
}

pub async fn accounts(command: AccountsCommand, client: &ApiClient) -> Outcome {
    match command {
        AccountsCommand::List { out } => {
            let accounts = client.accounts().await?;
            emit(out.format(), &accounts, |machine| {
                accounts_table(&accounts, machine)
            });
        }
        AccountsCommand::Create { db: Some(_), .. } => {
            return Err(Failure::Usage(
                "accounts create --db runs on the server, without a portal".into(),
            ));
        }
        AccountsCommand::Create {
            email,
            role,
            organizations,
            db: None,
        } => {
            let password = read_secret("Password: ")?;
            let created = client
                .create_account(&NewAccountRequest {
                    email,
                    role,
                    organizations,
                    password: Some(password),
                })
                .await?;
            println!(
                "account {} created: {} ({})",
                created.account.id,
                licadm::domain::text::inert(&created.account.email),
                created.account.role.as_str()
            );
        }
        AccountsCommand::Invite {
            email,
            role,
            organizations,
        } => {
            let created = client
                .create_account(&NewAccountRequest {
                    email,
                    role,
                    organizations,
                    password: None,
                })
                .await?;
            let code = created
                .invitation
                .ok_or_else(|| Failure::Domain("the portal sent no invitation code".into()))?;
            eprintln!(
                "account {} invited: {} ({}); give them this code (shown once), valid until {}:",
                created.account.id,
                licadm::domain::text::inert(&created.account.email),
                created.account.role.as_str(),
                moment(created.account.invitation_expires_at, false)
            );
            println!("{}", code.expose());
        }
        AccountsCommand::Disable { id } => {
            let account = client.disable_account(id).await?;
            println!(
                "account {} ({}) disabled; its tokens are revoked",
                account.id,
                licadm::domain::text::inert(&account.email)
            );
        }
        AccountsCommand::Reset { email } => {
            let page = client.accounts_page(None, Some(&email)).await?;
            let Some(account) = page.items.first() else {
                return Err(Failure::Domain(format!(
                    "no account {} that you may manage",
                    licadm::domain::text::inert(email.trim())
                )));
            };
            let reset = client.reset_password(account.id).await?;
            eprintln!(
                "reset code for {} (shown once), valid until {}; they set a new password with \
                 licadm login --reset-code:",
                licadm::domain::text::inert(&reset.account.email),
                moment(reset.account.invitation_expires_at, false)
            );
            println!("{}", reset.code.expose());
        }
        AccountsCommand::Accept => {
            let code = read_secret("Invitation code: ")?;
            let password = read_secret("New password: ")?;
            let account = client.accept_invitation(&code, &password).await?;
            println!(
                "password set for {}: log in with licadm login",
                licadm::domain::text::inert(&account.email)
            );
        }
    }
    Ok(())
}

/// The server-side `accounts create --db`: the password read like `licadm login` reads
/// it, the account made in the store directly.
pub async fn create_on_server(
    db: &str,
    email: String,
    role: Role,
    organizations: Vec<i64>,
) -> Outcome {
    let password = read_secret("Password: ")?;
    let request = NewAccountRequest {
        email,
        role,
        organizations,
        password: Some(password),
    };
    let account = licadm::portal::create_account_in(db, request)
        .await
        .map_err(|e| match e {
            licadm::portal::BootstrapError::Refused(message) => Failure::Domain(message),
            other => Failure::Usage(other.to_string()),
        })?;
    println!(
        "account {} created: {} ({}); log in with licadm login --email {}",
        account.id,
        licadm::domain::text::inert(&account.email),
        account.role.as_str(),
        licadm::domain::text::inert(&account.email)
    );
    Ok(())
}

/// `licadm password`: the current password, then the new one twice, without echo.
pub async fn change_password(client: &ApiClient) -> Outcome {
    let current = read_secret("Current password: ")?;
    let new = read_secret("New password: ")?;
    let again = read_secret("New password again: ")?;
    if new != again {
        return Err(Failure::Usage(
            "the new passwords differ; nothing changed".into(),
        ));
    }
    let changed = client.change_password(&current, &new).await?;
    println!(
        "password changed for {}; {} other token(s) of the account revoked",
        licadm::domain::text::inert(&changed.account.email),
        changed.revoked_tokens
    );
    Ok(())
}
