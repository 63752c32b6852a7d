//! `licadm verify`: check a license file offline against the portal's public key.

use super::PortalArgs;
use anyhow::Context;
use licadm::client::ApiClient;
use licadm::mirror::Mirror;
use std::path::Path;
use std::process::ExitCode;

/// Where the public keys for `verify` and `offline import` come from, in order: `--key`
/// (one key, or a file of keys oldest first as `licadm keys list --bare` prints them),
/// `--db`, the configured portal (`--portal`/`--token`, a profile, the config file:
/// `GET /signing-key`, every key it signed with, kept in its mirror; the kept ones when
/// the portal cannot be reached), the embedded portal's store. Answers the keys as
/// text (`KeyRing::parse`) and where they came from.
pub fn verification_key(
    key: Option<&str>,
    db: Option<&Path>,
    portal: &PortalArgs,
) -> anyhow::Result<(String, String)> {
    if let Some(key) = key {
        let path = Path::new(key);
        if path.is_file() {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the key file {}", path.display()))?;
            return Ok((
                text.trim().to_string(),
                format!("key file {}", path.display()),
            ));
        }
        return Ok((key.trim().to_string(), "--key".into()));
    }
    let how = "pass the portal's public key with --key (GET /api/v1/signing-key answers it as public_key), --db with the portal's store file, or --portal and --token";
    if db.is_none()
        && let Some(client) = super::remote(portal)?
    {
        return from_portal(&client).with_context(|| format!("no key: {how}"));
    }
    let store = match db {
        Some(db) => db.to_path_buf(),
        None => {
            let dir = match &portal.data_dir {
                Some(dir) => dir.to_path_buf(),
                None => licadm::embedded::default_data_dir()
                    .with_context(|| format!("no key given: {how}"))?,
            };
            let store = dir.join("portal.sqlite");
            if !store.is_file() {
                anyhow::bail!(
                    "no key given, no portal configured and no embedded portal store at {}: {how}",
                    store.display()
                );
            }
            store
        }
    };
    let keys = licadm::portal::signing_keys(&store).with_context(|| format!("no key: {how}"))?;
    let ring: String = keys.iter().map(|k| format!("{}\n", k.public_key)).collect();
    Ok((ring, format!("portal store {}", store.display())))
}

/// The configured portal's key: asked for and kept in the mirror, or, when the portal
/// cannot be reached, the one kept there before.
fn from_portal(client: &ApiClient) -> anyhow::Result<(String, String)> {
    let url = client.portal_url().trim_end_matches('/').to_string();
    let runtime = super::runtime().context("cannot start the async runtime")?;
    let fetched = runtime.block_on(client.signing_key());
    let dir = Mirror::default_dir();
    let path = dir.as_ref().map(|dir| Mirror::path_for(dir, client));
    match fetched {
        Ok(info) => {
            // Kept for the next time there is no link; failing to keep it is no reason
            // not to verify now.
            if let Some(path) = &path {
                match Mirror::open(path)
                    .and_then(|m| m.save_signing_key(&info.ring_text(), chrono::Utc::now()))
                {
                    Ok(()) => {}
                    Err(e) => eprintln!(
                        "licadm: the key was not kept in the mirror {}: {e}",
                        path.display()
                    ),
                }
            }
            Ok((info.ring_text(), format!("portal {url}")))
        }
        Err(e) if e.is_connection() => {
            let kept = path
                .as_ref()
                .filter(|path| path.is_file())
                .map(|path| Mirror::open(path).and_then(|m| m.signing_key()))
                .transpose()
                .context("cannot read the mirror")?
                .flatten();
            match kept {
                Some((key, fetched_at)) => Ok((
                    key,
                    format!(
                        "the mirror of {url}, fetched {fetched_at}; the portal is unreachable: {e}"
                    ),
                )),
                None => Err(anyhow::anyhow!(
                    "{e}, and no key of {url} was kept from an earlier run"
                )),
            }
        }
        Err(e) => Err(anyhow::anyhow!("{url} answered: {e}")),
    }
}

pub fn verify(file: &Path, key: Option<&str>, db: Option<&Path>, portal: &PortalArgs) -> ExitCode {
    use licadm::domain::license::verify_with;
    use licadm::domain::signing::KeyRing;
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("licadm verify: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let (key_text, source) = match verification_key(key, db, portal) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("licadm verify: {e:#}");
            return ExitCode::from(2);
        }
    };
    let keys = match KeyRing::parse(&key_text) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("licadm verify: the key from {source} is unusable: {e}");
            return ExitCode::from(2);
        }
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let Ok(text) = String::from_utf8(bytes) else {
        println!(
            "NOT GENUINE: {name} is not UTF-8 text, so it was changed or is not a license file"
        );
        return ExitCode::from(1);
    };
    match verify_with(&text, &keys) {
        Ok(license) => {
            println!(
                "GENUINE: {name} — activation {}, organization INN {}, {}, issued {} (key from {source})",
                license.activation,
                license.organization_inn,
                count(license.lines.len(), "device", "devices"),
                license
                    .issued_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("NOT GENUINE: {name}: {e}");
            ExitCode::from(1)
        }
    }
}

/// «1 device», «3 devices».
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_device_is_not_one_devices() {
        assert_eq!(super::count(1, "device", "devices"), "1 device");
        assert_eq!(super::count(3, "device", "devices"), "3 devices");
        assert_eq!(super::count(0, "seat", "seats"), "0 seats");
    }
}
