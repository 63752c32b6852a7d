//! `tokens list|revoke` and `accounts list|create|invite|disable|accept`: access
//! management for scripts and people (issue 15). Tokens themselves are never shown,
//! except an invitation code once, when it is made.

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
    /// `licadm login` reads it.
    Create {
        #[arg(long)]
        email: String,
        /// admin, support or viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization id (repeat for several).
        #[arg(long = "organization", required = true)]
        organizations: Vec<i64>,
    },
    /// Invite someone: prints the invitation code (once) they use with `accounts accept`.
    Invite {
        #[arg(long)]
        email: String,
        /// admin, support or viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization id (repeat for several).
        #[arg(long = "organization", required = true)]
        organizations: Vec<i64>,
    },
    /// Disable an account by id and revoke its tokens.
    Disable { id: i64 },
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
        AccountsCommand::Create {
            email,
            role,
            organizations,
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
