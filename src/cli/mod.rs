//! Bodies of the scripting subcommands, so `main.rs` stays the command table.

pub mod keys;
pub mod login;
pub mod offline;
pub mod output;
pub mod scripting;
pub mod sync;
pub mod verify;

use anyhow::Context;
use licadm::client::ApiClient;
use licadm::config::{self, Connection, Overrides};
use licadm::domain::Lang;
use std::path::PathBuf;

/// A multi-threaded tokio runtime for a subcommand; on failure the message is printed
/// and the caller exits with its own status.
pub fn runtime() -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("licadm: cannot start the async runtime: {e}");
            None
        }
    }
}

/// How a subcommand reaches a portal: the console's flags, environment and config file.
#[derive(Debug, Clone, Default)]
pub struct PortalArgs {
    pub portal: Option<String>,
    pub token: Option<licadm::secret::Secret>,
    pub profile: Option<String>,
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    /// `--lang`: the language of the portal's messages (else the config's, else the
    /// locale's), sent as `Accept-Language`.
    pub lang: Option<String>,
}

/// The interface language: `--lang`, else the config file's `lang`, else the locale
/// (LC_ALL, LC_MESSAGES, LANG).
pub fn language(flag: Option<&str>, file: &config::ConfigFile) -> anyhow::Result<Lang> {
    match flag.or(file.lang.as_deref()) {
        Some(value) => {
            Lang::parse(value).with_context(|| format!("unknown language {value:?}: use ru or en"))
        }
        None => Ok(Lang::from_locale_vars(
            std::env::var("LC_ALL").ok().as_deref(),
            std::env::var("LC_MESSAGES").ok().as_deref(),
            std::env::var("LANG").ok().as_deref(),
        )),
    }
}

/// `--config`, else the default config file (an empty config when there is none).
pub fn config_file(args: &PortalArgs) -> anyhow::Result<config::ConfigFile> {
    Ok(
        match args.config.clone().or_else(config::default_config_path) {
            Some(path) => config::load(&path)?,
            None => config::ConfigFile::default(),
        },
    )
}

/// When the mirror holds a window: the config file's `mirror_window_…` (defaults when
/// the file cannot be read; the command that needs the file reports that itself).
pub fn window_policy(args: &PortalArgs) -> licadm::mirror::WindowPolicy {
    config_file(args)
        .map(|file| file.window_policy())
        .unwrap_or_default()
}

/// A client for the configured portal (flags, environment, profile, config file), or
/// None when nothing is configured (the embedded portal's case).
pub fn remote(args: &PortalArgs) -> anyhow::Result<Option<ApiClient>> {
    let file = config_file(args)?;
    let lang = language(args.lang.as_deref(), &file)?;
    let overrides = Overrides {
        portal: args.portal.clone(),
        token: args.token.clone(),
        profile: args.profile.clone(),
    };
    Ok(match config::resolve(&overrides, &file)? {
        Connection::Remote { portal, token } => {
            Some(ApiClient::new(&portal, token.expose())?.with_lang(lang))
        }
        Connection::Embedded => None,
    })
}

/// A client for the configured portal, or for the embedded one (kept alive by the
/// returned handle) when none is configured — as the console does.
pub async fn connect(
    args: &PortalArgs,
) -> anyhow::Result<(ApiClient, Option<licadm::embedded::Embedded>)> {
    if let Some(client) = remote(args)? {
        return Ok((client, None));
    }
    let lang = language(args.lang.as_deref(), &config_file(args)?)?;
    let data_dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => licadm::embedded::default_data_dir()?,
    };
    let embedded = licadm::embedded::start(&data_dir)
        .await
        .context("cannot start the embedded portal")?;
    Ok((embedded.client.clone().with_lang(lang), Some(embedded)))
}
