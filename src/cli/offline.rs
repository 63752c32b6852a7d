//! `licadm offline request | respond | import`: server activation across an air gap
//! (docs/DESIGN.md §3.8). The request and the response are plain text files, safe to e-mail
//! or type; the response is signed by the portal and answers exactly one request.
//!
//! Exit status: 0 done; 1 refused (`REFUSED: <reason>` on stdout) or the portal could
//! not be reached; 2 a file could not be read or written, or the input is unusable.

use super::{PortalArgs, connect};
use chrono::{SecondsFormat, Utc};
use clap::Subcommand;
use licadm::client::ClientError;
use licadm::domain::offline::{ActivationRequest, ActivationResponse, parse_installation};
use licadm::domain::signing::KeyRing;
use licadm::domain::{Inn, Kpp, ProductKey};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// File name of an imported license when `--out` is not given (next to the request).
pub const DEFAULT_LICENSE_FILE: &str = "server-license.lic";

#[derive(Subcommand, Debug)]
pub enum OfflineCommand {
    /// Write an activation request for a server without a link (on the server side).
    Request {
        /// Product key, XXXX-XXXX-XXXX-XXXX-XXXX-XXXX (any case, dashes optional).
        #[arg(long)]
        key: String,
        /// INN of the organization that bought the key.
        #[arg(long)]
        inn: String,
        /// KPP of a legal entity (none for an individual entrepreneur).
        #[arg(long)]
        kpp: Option<String>,
        /// The installation file: `serial: …` and `hash: …` lines.
        #[arg(long)]
        installation: PathBuf,
        /// Where to write the request (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Turn a request into a signed response on the portal (on a machine with a link).
    Respond {
        /// The request file written by `licadm offline request`.
        request: PathBuf,
        /// Where to write the response (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a response and install the license (back on the server side).
    Import {
        /// The response file from `licadm offline respond`.
        response: PathBuf,
        /// The request it must answer.
        #[arg(long)]
        request: PathBuf,
        /// The portal's public key: base64 (GET /api/v1/signing-key) or a file holding it.
        #[arg(long)]
        key: Option<String>,
        /// Read the key from this portal store instead (default: the configured portal's
        /// key, fetched and kept in its mirror; else the embedded portal's store).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Where to install the license (default: server-license.lic next to the request).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(command: &OfflineCommand, portal: &PortalArgs) -> ExitCode {
    match command {
        OfflineCommand::Request {
            key,
            inn,
            kpp,
            installation,
            out,
        } => request(key, inn, kpp.as_deref(), installation, out.as_deref()),
        OfflineCommand::Respond { request, out } => respond(request, out.as_deref(), portal),
        OfflineCommand::Import {
            response,
            request,
            key,
            db,
            out,
        } => import(
            response,
            request,
            key.as_deref(),
            db.as_deref(),
            out.as_deref(),
            portal,
        ),
    }
}

fn usage(verb: &str, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("licadm offline {verb}: {message}");
    ExitCode::from(2)
}

fn refused(reason: impl std::fmt::Display) -> ExitCode {
    println!("REFUSED: {reason}");
    ExitCode::from(1)
}

fn read(verb: &str, what: &str, path: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        usage(
            verb,
            format!("cannot read the {what} {}: {e}", path.display()),
        )
    })
}

/// Writes `text` to `out`, or stdout when None.
fn write_out(verb: &str, out: Option<&Path>, text: &str) -> Result<(), ExitCode> {
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| usage(verb, format!("cannot write {}: {e}", path.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn request(
    key: &str,
    inn: &str,
    kpp: Option<&str>,
    installation: &Path,
    out: Option<&Path>,
) -> ExitCode {
    const VERB: &str = "request";
    let key = match ProductKey::parse(key) {
        Ok(key) => key,
        Err(e) => return usage(VERB, format!("--key {key:?}: {e}")),
    };
    let inn = match Inn::parse(inn) {
        Ok(inn) => inn,
        Err(e) => return usage(VERB, format!("--inn {inn:?}: {e}")),
    };
    let kpp = match kpp.map(str::trim).filter(|k| !k.is_empty()) {
        None if inn.is_legal_entity() => {
            return usage(
                VERB,
                "--kpp is required: a 10-digit INN is a legal entity, which has a KPP",
            );
        }
        None => String::new(),
        Some(_) if !inn.is_legal_entity() => {
            return usage(
                VERB,
                "--kpp must be left out: a 12-digit INN is an individual entrepreneur, who has no KPP",
            );
        }
        Some(raw) => match Kpp::parse(raw) {
            Ok(kpp) => kpp.as_str().to_string(),
            Err(e) => return usage(VERB, format!("--kpp {raw:?}: {e}")),
        },
    };
    let text = match read(VERB, "installation file", installation) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let installation = match parse_installation(&text) {
        Ok(found) => found,
        Err(e) => {
            return usage(
                VERB,
                format!("the installation file {}: {e}", installation.display()),
            );
        }
    };
    let request = ActivationRequest {
        key,
        inn: inn.as_str().to_string(),
        kpp,
        installation,
        created_at: Utc::now(),
    };
    if let Err(code) = write_out(VERB, out, &request.to_text()) {
        return code;
    }
    if let Some(path) = out {
        eprintln!(
            "request written to {}: take it to a machine with a link and run `licadm offline respond {}`",
            path.display(),
            path.display()
        );
    }
    ExitCode::SUCCESS
}

fn respond(request_file: &Path, out: Option<&Path>, portal: &PortalArgs) -> ExitCode {
    const VERB: &str = "respond";
    let text = match read(VERB, "request file", request_file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    // Refuse a damaged paste here, before anything is sent.
    if let Err(e) = ActivationRequest::parse(&text) {
        return refused(format!(
            "the request {} cannot be used: {e}; copy the whole request file again",
            request_file.display()
        ));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(VERB, format!("cannot start the async runtime: {e}")),
    };
    let answer = runtime.block_on(async {
        let (client, _embedded) = connect(portal).await?;
        anyhow::Ok(client.offline_response(&text).await)
    });
    match answer {
        Ok(Ok(response)) => match write_out(VERB, out, &response.response) {
            Ok(()) => {
                if let Some(path) = out {
                    eprintln!(
                        "signed response written to {}: take it back and run `licadm offline import {} --request {}`",
                        path.display(),
                        path.display(),
                        request_file.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(code) => code,
        },
        // The portal's reason, and the request it was for a ticket (issue 16).
        Ok(Err(ClientError::Api {
            message,
            request_id,
            ..
        })) => refused(match request_id {
            Some(id) => format!("{message} (request {id})"),
            None => message,
        }),
        Ok(Err(e)) => {
            eprintln!("licadm offline respond: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("licadm offline respond: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn import(
    response_file: &Path,
    request_file: &Path,
    key: Option<&str>,
    db: Option<&Path>,
    out: Option<&Path>,
    portal: &PortalArgs,
) -> ExitCode {
    const VERB: &str = "import";
    let response_text = match read(VERB, "response file", response_file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let request_text = match read(VERB, "request file", request_file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let request = match ActivationRequest::parse(&request_text) {
        Ok(request) => request,
        Err(e) => {
            return usage(
                VERB,
                format!("the request file {}: {e}", request_file.display()),
            );
        }
    };
    let public_key =
        match super::verify::verification_key(key, db, portal).and_then(|(text, source)| {
            KeyRing::parse(&text)
                .map_err(|e| anyhow::anyhow!("the key from {source} is unusable: {e}"))
        }) {
            Ok(key) => key,
            Err(e) => return usage(VERB, format!("{e:#}")),
        };
    let response = match ActivationResponse::verify_with(&response_text, &public_key, &request) {
        Ok(response) => response,
        Err(e) => return refused(format!("{}: {e}", response_file.display())),
    };
    let target = match out {
        Some(path) => path.to_path_buf(),
        None => request_file
            .parent()
            .unwrap_or(Path::new("."))
            .join(DEFAULT_LICENSE_FILE),
    };
    if let Err(code) = write_out(VERB, Some(&target), &response_text) {
        return code;
    }
    println!(
        "INSTALLED: {} — {}, installation {}, key {}, organization INN {}, issued {}; license written to {}",
        response.product,
        super::verify::count(response.seats as usize, "seat", "seats"),
        response.installation.serial,
        response.key,
        response.organization_inn,
        response
            .issued_at
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        target.display()
    );
    ExitCode::SUCCESS
}
