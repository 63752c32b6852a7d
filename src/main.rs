//! `licadm`: the console (default), the portal (`serve`) and operator commands.

mod cli;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use licadm::client::ApiClient;
use licadm::client::wire::Role;
use licadm::config::{self, Connection, Overrides};
use licadm::console::data::{DataSource, MirrorSource};
use licadm::console::{self, ConsoleOptions};
use licadm::portal::{DemoOptions, Portal, PortalOptions, create_token_in};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "licadm",
    version,
    about = "License administration: portal API and terminal console"
)]
struct Cli {
    #[command(flatten)]
    console: ConsoleArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where to connect and in which language: for the console and every subcommand.
#[derive(Args, Debug)]
struct ConsoleArgs {
    /// Portal URL, e.g. https://portal.example; without one an embedded demo portal runs.
    #[arg(long, env = "LICADM_PORTAL", global = true)]
    portal: Option<String>,
    /// Bearer token for the portal.
    #[arg(long, env = "LICADM_TOKEN", global = true, hide_env_values = true)]
    token: Option<licadm::secret::Secret>,
    /// Profile from the config file ([profiles.NAME]).
    #[arg(long, global = true)]
    profile: Option<String>,
    /// Config file (default: ~/.config/licadm/config.toml).
    #[arg(long, env = "LICADM_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Interface language, also of the portal's messages: ru or en (default: from the
    /// locale).
    #[arg(long, global = true)]
    lang: Option<String>,
    /// Data directory of the embedded portal (default: the user's data directory).
    #[arg(long, env = "LICADM_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    only: ConsoleOnlyArgs,
}

/// The console's own flags: offered (and accepted) only without a subcommand.
#[derive(Args, Debug)]
struct ConsoleOnlyArgs {
    /// Console theme: dark, light, high-contrast, 16-color, mono, or a NAME.toml in the
    /// user theme directory (default: config `theme`, else dark).
    #[arg(long)]
    theme: Option<String>,
    /// Draw with ASCII only (default: when the locale is not UTF-8).
    #[arg(long)]
    ascii: bool,
    /// Read a remote portal live, without the offline mirror (config: mirror = false).
    #[arg(long)]
    no_mirror: bool,
    /// Click to select rows and scroll with the wheel (config: mouse = true). Off by
    /// default, so the terminal's own text selection works.
    #[arg(long)]
    mouse: bool,
    /// Seconds between background syncs of the mirror (config: sync_interval; default 30).
    #[arg(long, env = "LICADM_SYNC_INTERVAL")]
    sync_interval: Option<u64>,
}

impl ConsoleOnlyArgs {
    /// The first console-only flag given on the command line, if any (the environment
    /// variable of `--sync-interval` does not count: it may be set for the console).
    fn given(&self, matches: &clap::ArgMatches) -> Option<&'static str> {
        let _ = self;
        ["theme", "ascii", "no_mirror", "mouse", "sync_interval"]
            .into_iter()
            .find(|id| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the portal API on a SQLite or PostgreSQL store.
    Serve {
        /// The store: a SQLite file (created with its schema when missing) or a
        /// PostgreSQL URL, postgres://user@host/db (several portals may share one).
        #[arg(long, env = "LICADM_DB")]
        db: String,
        /// Address to listen on; port 0 picks a free port (printed at start).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Fill an empty store with the demo data set.
        #[arg(long)]
        demo: bool,
        /// With --demo: number of demo activations (default 420), e.g. 100000 for benchmarks.
        #[arg(long, requires = "demo")]
        scale: Option<usize>,
        /// How long a new activation waits before the worker completes it (the vendor
        /// registry is not instant).
        #[arg(long, default_value_t = 2500)]
        worker_delay_ms: u64,
        /// PostgreSQL: how long the worker's claim on an activation lasts. A portal that
        /// dies mid-work (kill -9, a lost host) holds its claims this long; then another
        /// portal's worker takes them over. Longer than the slowest completion.
        #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
        worker_lease_ms: u64,
        /// How long a client may take to send a request's head (and how long an idle
        /// keep-alive connection is kept); slower ones are cut off.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout_ms: u64,
        /// How long a client may take to send a request's body.
        #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
        body_timeout_ms: u64,
        /// Most connections open at once; at the cap the oldest idle one is closed to
        /// admit a new one. Keep it under the process's open-file limit (ulimit -n).
        #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
        max_connections: u64,
        /// Requests per minute one token may make (bursts of a sixth of it); 0 turns
        /// the limit off (a load test, a portal behind a proxy that limits).
        #[arg(long, default_value_t = 6_000)]
        rate_limit_per_token: u32,
        /// Requests per minute from one address (bursts of a sixth of it); 0: off.
        #[arg(long, default_value_t = 12_000)]
        rate_limit_per_address: u32,
        /// Failed authentications per minute from one address (a bad, revoked or
        /// expired token, a failed login) before it gets 429; 0: off (a fuzzer's run
        /// of requests without a token).
        #[arg(long, default_value_t = 20)]
        rate_limit_failed_auth: u32,
        /// Answer HTTPS with this PEM certificate chain (leaf first); needs --tls-key.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The license-signing key for every portal of a deployment: a file holding the
        /// 32-byte ed25519 secret key, as 32 raw bytes or their base64 on one line, not
        /// readable by others (chmod 600). An empty store lists it; a store that signs
        /// with another key is refused. Without it a SQLite store signs with the key file
        /// beside it, `<db>.signing-key`, and a PostgreSQL store with the database's key
        /// file in the data directory (`signing-keys/<host>-<port>-<db>.key`); either is
        /// made (0600) on the first start. The store keeps public keys only.
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
        /// How many days a token from `licadm login` (POST /login) lasts.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=3650))]
        token_days: i64,
        /// How many hours an Idempotency-Key is remembered: a resend within it replays
        /// the first answer (or refusal); later the same key is a new request.
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=8760))]
        idempotency_hours: i64,
        /// Public holidays for invoice due dates (5 working days): one `YYYY-MM-DD` a
        /// line, `YYYY-MM-DD working` for a working weekend day, `#` comments. Default:
        /// the Russian production calendar of 2026 and the statutory holidays of 2027.
        #[arg(long, value_name = "FILE")]
        holidays: Option<PathBuf>,
    },
    /// Check a license file offline: is it genuine, signed by the portal's key?
    ///
    /// Exit status: 0 genuine, 1 not genuine, 2 the file or key could not be read.
    Verify {
        /// The license file (license-<number>.lic).
        file: PathBuf,
        /// The portal's public key: base64 (GET /api/v1/signing-key) or a file holding it.
        #[arg(long)]
        key: Option<String>,
        /// Read the key from this portal store instead (default: the configured portal's
        /// key, fetched and kept in its mirror; else the embedded portal's store).
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Activate a server across an air gap: request, respond, import.
    Offline {
        #[command(subcommand)]
        command: cli::offline::OfflineCommand,
    },
    #[command(flatten)]
    Script(cli::scripting::ScriptCommand),
    /// Sync the offline mirror once (for cron): send queued changes, pull what changed.
    ///
    /// Exit status: 0 synced; 1 the portal refused queued changes; 2 the mirror could
    /// not be opened; 3 the portal could not be reached.
    Sync {
        #[command(flatten)]
        out: cli::output::OutputArgs,
    },
    /// Print a shell completion script: `licadm completions bash > ~/.local/share/bash-completion/completions/licadm`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Log in to a portal with an account's e-mail and password (asked; the password
    /// without echo, or one line of stdin when it is not a terminal). The token is kept
    /// in session.toml beside the config file (0600) and used for that portal when no
    /// --token is given.
    Login {
        /// The e-mail (asked when not given).
        #[arg(long)]
        email: Option<String>,
        /// What the token is for, shown in `licadm tokens list` (default: login).
        #[arg(long)]
        label: Option<String>,
        /// Set a new password with a reset code first (from `licadm accounts reset`):
        /// the code, then the new password twice, are read without echo; the account's
        /// tokens are revoked, and this login gets a new one.
        #[arg(long)]
        reset_code: bool,
    },
    /// Revoke the token `licadm login` stored, on the portal, and delete it.
    Logout,
    /// The portal's license-signing keys: rotate, export from PostgreSQL, list.
    Keys {
        #[command(subcommand)]
        command: cli::keys::KeysCommand,
    },
    /// Manage bearer tokens on the server (`token create --db`).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create a token and print it (only its hash is stored).
    Create {
        /// The store: a SQLite file or a PostgreSQL URL (postgres://user@host/db).
        #[arg(long, env = "LICADM_DB")]
        db: String,
        /// admin, support or viewer (a partner's), or operator (the vendor's staff:
        /// purchases, blocking organizations).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization id the token may see (repeat for several; none = all).
        #[arg(long = "organization")]
        organizations: Vec<i64>,
        /// Who the token is for (shown as the account).
        #[arg(long, default_value = "operator")]
        label: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn main() -> std::process::ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if cli.command.is_some()
        && let Some(flag) = cli.console.only.given(&matches)
    {
        eprintln!(
            "licadm: --{} is an option of the console (licadm without a subcommand)",
            flag.replace('_', "-")
        );
        return std::process::ExitCode::from(2);
    }
    if let Some(Command::Completions { shell }) = &cli.command {
        // Into memory first: clap_complete panics on a closed pipe (`| head`).
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut Cli::command(), "licadm", &mut script);
        use std::io::Write;
        let _ = std::io::stdout().write_all(&script);
        return std::process::ExitCode::SUCCESS;
    }
    let args = &cli.console;
    let portal = cli::PortalArgs {
        portal: args.portal.clone(),
        token: args.token.clone(),
        profile: args.profile.clone(),
        config: args.config.clone(),
        data_dir: args.data_dir.clone(),
        lang: args.lang.clone(),
    };
    // Its own exit codes; a runtime only to ask a configured portal for its key.
    if let Some(Command::Verify { file, key, db }) = &cli.command {
        return cli::verify::verify(file, key.as_deref(), db.as_deref(), &portal);
    }
    // Offline request/import need no runtime; respond builds its own.
    if let Some(Command::Offline { command }) = &cli.command {
        return cli::offline::run(command, &portal);
    }
    if let Some(Command::Login {
        email,
        label,
        reset_code,
    }) = &cli.command
    {
        return cli::login::login(&portal, email.as_deref(), label.as_deref(), *reset_code);
    }
    if let Some(Command::Logout) = &cli.command {
        return cli::login::logout(&portal);
    }
    if let Some(Command::Sync { out }) = &cli.command {
        let policy = cli::window_policy(&portal);
        return cli::scripting::with_client(&portal, |client| async move {
            cli::sync::run(&client, *out, policy).await
        });
    }
    // The scripting commands build their own runtime and choose their exit status.
    if let Some(Command::Script(command)) = cli.command {
        return cli::scripting::run(command, &portal);
    }
    let Some(runtime) = cli::runtime() else {
        return std::process::ExitCode::FAILURE;
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licadm: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => run_console(cli.console).await,
        Some(Command::Serve {
            db,
            listen,
            demo,
            scale,
            worker_delay_ms,
            worker_lease_ms,
            header_timeout_ms,
            body_timeout_ms,
            max_connections,
            rate_limit_per_token,
            rate_limit_per_address,
            rate_limit_failed_auth,
            tls_cert,
            tls_key,
            signing_key,
            token_days,
            idempotency_hours,
            holidays,
        }) => {
            // The bucket holds a sixth of a minute's requests, as the defaults' 1 000
            // and 2 000 do (portal/rate_limit.rs).
            let rate = |per_minute: u32| {
                (per_minute > 0).then_some(licadm::portal::rate_limit::Rate {
                    burst: (per_minute / 6).max(1),
                    per_minute,
                })
            };
            let options = PortalOptions {
                worker_delay: Duration::from_millis(worker_delay_ms),
                worker_lease: Duration::from_millis(worker_lease_ms),
                limits: licadm::portal::serve::Limits {
                    header_timeout: Duration::from_millis(header_timeout_ms),
                    body_timeout: Duration::from_millis(body_timeout_ms),
                    max_connections: usize::try_from(max_connections).unwrap_or(usize::MAX),
                    rate: licadm::portal::rate_limit::RateLimits {
                        per_token: rate(rate_limit_per_token),
                        per_address: rate(rate_limit_per_address),
                        // Its default bucket holds the whole minute (`rate_limit.rs`).
                        failed_auth_per_address: (rate_limit_failed_auth > 0).then_some(
                            licadm::portal::rate_limit::Rate {
                                burst: rate_limit_failed_auth,
                                per_minute: rate_limit_failed_auth,
                            },
                        ),
                        ..licadm::portal::rate_limit::RateLimits::default()
                    },
                },
                access: licadm::portal::AccessOptions {
                    token_lifetime: chrono::TimeDelta::days(token_days),
                    ..licadm::portal::AccessOptions::default()
                },
                idempotency_lifetime: chrono::TimeDelta::hours(idempotency_hours),
                ..PortalOptions::default()
            };
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(licadm::portal::tls::server_config(&cert, &key)?),
                _ => None,
            };
            let calendar = match holidays {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    Some(
                        licadm::domain::HolidayCalendar::parse(&text)
                            .with_context(|| format!("holiday list {}", path.display()))?,
                    )
                }
                None => None,
            };
            serve(db, listen, demo, scale, options, signing_key, tls, calendar).await
        }
        Some(
            Command::Verify { .. }
            | Command::Offline { .. }
            | Command::Script(_)
            | Command::Sync { .. }
            | Command::Login { .. }
            | Command::Logout
            | Command::Completions { .. },
        ) => Ok(()),
        Some(Command::Keys { command }) => cli::keys::run(command).await,
        Some(Command::Token {
            command:
                TokenCommand::Create {
                    db,
                    role,
                    organizations,
                    label,
                },
        }) => {
            // The label is stored and shown as the account in the audit log and consoles.
            licadm::domain::text::check("--label", &label, 100)?;
            let token = create_token_in(&db, role, &organizations, &label).await?;
            println!("{token}");
            Ok(())
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn serve(
    db: String,
    listen: SocketAddr,
    demo: bool,
    scale: Option<usize>,
    options: PortalOptions,
    key: Option<PathBuf>,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    calendar: Option<licadm::domain::HolidayCalendar>,
) -> anyhow::Result<()> {
    init_logging();
    let demo_options = demo.then(|| {
        scale
            .map(|activations| DemoOptions { activations })
            .unwrap_or_default()
    });
    let portal = Portal::connect_keyed(&db, demo_options, options, key)
        .await
        .context("cannot open the store")?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    if portal.demo_filled() {
        let token = portal.create_token(Role::Admin, &[], "demo admin").await?;
        eprintln!("demo data created; admin token: {token}");
        // The vendor's side too, so purchases and blocking can be tried on the demo.
        let operator = portal
            .create_token(Role::Operator, &[], "demo operator")
            .await?;
        eprintln!("operator token (purchases, blocking organizations): {operator}");
    }
    let portal = match calendar {
        Some(calendar) => portal.with_holidays(calendar),
        None => portal,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let portal = match tls {
        Some(config) => portal.with_tls(config),
        None => portal,
    };
    // The first stdout line is the address, so scripts and tests can use --listen :0.
    println!("licadm portal listening on {scheme}://{addr}");
    tokio::select! {
        served = portal.serve(listener) => served.context("portal stopped")?,
        _ = tokio::signal::ctrl_c() => eprintln!("licadm portal: interrupted, shutting down"),
    }
    Ok(())
}

fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("LICADM_LOG").unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run_console(args: ConsoleArgs) -> anyhow::Result<()> {
    no_terminal_says_so()?;
    let config_path = args.config.clone().or_else(config::default_config_path);
    let file = match &config_path {
        Some(path) => config::load(path)?,
        None => config::ConfigFile::default(),
    };
    let lang = cli::language(args.lang.as_deref(), &file)?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("TERM").is_some_and(|v| v == "dumb");
    let theme = args.only.theme.clone().or_else(|| file.theme.clone());
    let key_overrides = file.key_overrides();
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let clipboard = console::app::Clipboard::detect(
        set("TMUX"),
        set("STY"),
        std::env::var("TERM").ok().as_deref(),
    );
    let config_file = config_path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "config.toml".into());
    let ascii = args.only.ascii
        || !licadm::console::glyphs::locale_is_utf8(
            std::env::var("LC_ALL").ok().as_deref(),
            std::env::var("LC_CTYPE").ok().as_deref(),
            std::env::var("LANG").ok().as_deref(),
        );
    let overrides = Overrides {
        portal: args.portal,
        token: args.token,
        profile: args.profile,
    };

    let mirrored = !args.only.no_mirror && file.mirror.unwrap_or(true);
    let sync_interval = args
        .only
        .sync_interval
        .or(file.sync_interval)
        .unwrap_or(DEFAULT_SYNC_INTERVAL_SECS)
        .max(1);
    // Keep the embedded portal alive for as long as the console runs.
    let (source, _embedded) = match config::resolve(&overrides, &file)? {
        Connection::Remote { portal, token } if mirrored => {
            let client = ApiClient::new(&portal, token.expose())?.with_lang(lang);
            let mirror = cli::sync::open_mirror(&portal, &token, file.window_policy())?;
            (DataSource::Mirror(MirrorSource { client, mirror }), None)
        }
        Connection::Remote { portal, token } => (
            DataSource::Live(ApiClient::new(&portal, token.expose())?.with_lang(lang)),
            None,
        ),
        Connection::Embedded => {
            let data_dir = match args.data_dir {
                Some(dir) => dir,
                None => licadm::embedded::default_data_dir()?,
            };
            let embedded = licadm::embedded::start(&data_dir).await?;
            (
                DataSource::Live(embedded.client.clone().with_lang(lang)),
                Some(embedded),
            )
        }
    };
    console::run(
        source,
        ConsoleOptions {
            lang,
            no_color,
            theme,
            ascii,
            sync_interval: std::time::Duration::from_secs(sync_interval),
            key_overrides,
            config_file,
            clipboard,
            mouse: args.only.mouse || file.mouse.unwrap_or(false),
            views: file.views.clone(),
            config_path: config_path.clone(),
        },
    )
    .await?;
    Ok(())
}

/// The console draws on a terminal and reads keys from one: without (cron, a pipe, a
/// service) it says so instead of an OS error ("No such device or address").
fn no_terminal_says_so() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let out = std::io::stdout().is_terminal();
    // Keys come from stdin, or from the controlling terminal when stdin is redirected.
    let keys = std::io::stdin().is_terminal()
        || std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok();
    if out && keys {
        return Ok(());
    }
    let what = if out {
        "there is no terminal to read keys from"
    } else {
        "standard output is not a terminal"
    };
    anyhow::bail!(
        "the console needs a terminal, and {what} (cron, a pipe, a service?). Run licadm in a terminal, or use a subcommand for scripts: licadm --help"
    )
}

/// Often enough that "synced 12 s ago" stays true on a working link; rare enough to
/// cost nothing (an empty delta is one small request).
const DEFAULT_SYNC_INTERVAL_SECS: u64 = 30;

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::Parser;

    #[test]
    fn the_token_flag_never_shows_in_debug() {
        let token = "lca_flag_token_must_not_leak";
        let cli = Cli::try_parse_from(["licadm", "--token", token, "sync"]).expect("parses");
        assert_eq!(cli.console.token.as_ref().map(|t| t.expose()), Some(token));
        assert!(!format!("{cli:?}").contains(token), "{cli:?}");
        let args = licadm_cli_portal_args(&cli);
        assert!(!format!("{args:?}").contains(token), "{args:?}");
    }

    fn licadm_cli_portal_args(cli: &Cli) -> super::cli::PortalArgs {
        super::cli::PortalArgs {
            portal: cli.console.portal.clone(),
            token: cli.console.token.clone(),
            ..Default::default()
        }
    }
}
