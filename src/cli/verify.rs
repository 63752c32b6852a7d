//! `licadm verify`: check a license file offline against the portal's public key.

use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;

/// Where the public key for `verify` comes from, in order: `--key`, `--db`, the
/// embedded portal's store.
pub fn verification_key(
    key: Option<&str>,
    db: Option<&Path>,
    data_dir: Option<&Path>,
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
    let how = "pass the portal's public key with --key (GET /api/v1/signing-key answers it as public_key), or --db with the portal's store file";
    let store = match db {
        Some(db) => db.to_path_buf(),
        None => {
            let dir = match data_dir {
                Some(dir) => dir.to_path_buf(),
                None => licadm::embedded::default_data_dir()
                    .with_context(|| format!("no key given: {how}"))?,
            };
            let store = dir.join("portal.sqlite");
            if !store.is_file() {
                anyhow::bail!(
                    "no key given and no embedded portal store at {}: {how}",
                    store.display()
                );
            }
            store
        }
    };
    let key =
        licadm::portal::signing_public_key(&store).with_context(|| format!("no key: {how}"))?;
    Ok((key, format!("portal store {}", store.display())))
}

pub fn verify(
    file: &Path,
    key: Option<&str>,
    db: Option<&Path>,
    data_dir: Option<&Path>,
) -> ExitCode {
    use licadm::domain::license::{decode_public_key, verify};
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("licadm verify: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let (key_text, source) = match verification_key(key, db, data_dir) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("licadm verify: {e:#}");
            return ExitCode::from(2);
        }
    };
    let public_key = match decode_public_key(&key_text) {
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
    match verify(&text, &public_key) {
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
