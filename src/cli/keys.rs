//! `licadm keys rotate|export|list`: the portal's signing keys (docs/DESIGN.md §3.5).

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Make a new signing key that signs from now on. Every earlier public key stays
    /// listed (GET /api/v1/signing-key), so every earlier license still verifies.
    /// Restart the portals afterwards: a running one signs with the key it started with.
    Rotate {
        /// The store: a SQLite file or a PostgreSQL URL (postgres://user@host/db).
        #[arg(long, env = "LICADM_DB")]
        db: String,
        /// The key file the portals start with (default: `<db>.signing-key` for SQLite,
        /// the database's key file in the data directory for PostgreSQL). It is replaced
        /// by the new key; copy it to every portal host again.
        #[arg(long, value_name = "FILE")]
        signing_key: Option<PathBuf>,
    },
    /// Move the signing key out of a PostgreSQL database from before key files into a
    /// new private key file (0600), and delete it from the database. Once per
    /// deployment; then start every portal with --signing-key FILE.
    Export {
        /// The PostgreSQL URL.
        #[arg(long, env = "LICADM_DB")]
        db: String,
        /// The key file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print every public key the store signed with, oldest first, one per line
    /// (`key-id created-at public-key`; the last signs now). `--bare` prints the public
    /// keys only: a file `licadm verify --key FILE` reads.
    List {
        #[arg(long, env = "LICADM_DB")]
        db: String,
        #[arg(long)]
        bare: bool,
    },
}

pub async fn run(command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Rotate { db, signing_key } => {
            let rotated =
                licadm::portal::rotate_signing_key_in(&db, signing_key.as_deref()).await?;
            println!(
                "key {} signs from now on (key {} is retired; its licenses still verify); \
                 the new key is in {}: running portals that read it switch within seconds; \
                 copy the file to every portal host that has its own copy",
                rotated.current,
                rotated.retired,
                rotated.file.display()
            );
        }
        KeysCommand::Export { db, out } => {
            let id = licadm::portal::export_signing_key_in(&db, &out).await?;
            println!(
                "key {id} moved out of the database into {}; start every portal with \
                 --signing-key {}",
                out.display(),
                out.display()
            );
        }
        KeysCommand::List { db, bare } => {
            for key in licadm::portal::signing_keys_in(&db).await? {
                if bare {
                    println!("{}", key.public_key);
                } else {
                    println!(
                        "{} {} {}",
                        key.key_id,
                        key.created_at
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        key.public_key
                    );
                }
            }
        }
    }
    Ok(())
}
