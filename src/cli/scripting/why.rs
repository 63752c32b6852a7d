//! `why SERIAL`: one serial's story (issue 16) — the device, every activation line it
//! was in with status, error, retries and who did what (with the request), and the
//! license file it is in, verified here against the portal's public key. The text is
//! the console's `:why` (in the CLI's language); `--json` the device, lines and check.

use super::{Failure, Outcome};
use crate::cli::output::{OutputFormat, emit};
use licadm::client::ApiClient;
use licadm::domain::{Lang, Serial};
use std::io::Write;

pub async fn why(client: &ApiClient, serial: &str, format: OutputFormat) -> Outcome {
    let serial = Serial::parse(serial.trim())
        .map_err(|e| Failure::Usage(format!("serial {serial:?}: {e}")))?;
    let why = client.why(serial.as_str()).await?;
    if format == OutputFormat::Json {
        emit(format, &why, |_| crate::cli::output::Table::new(Vec::new()));
    } else {
        let lang = client.lang().unwrap_or(Lang::En);
        let mut text = licadm::console::i18n::why::title(lang, serial.as_str());
        text.push('\n');
        for line in licadm::console::i18n::why::lines(lang, &why) {
            text.push_str(&line);
            text.push('\n');
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
    // A license file that does not verify is a failure a script must notice.
    match &why.license {
        Some(check) if !check.verified => Err(Failure::Silent),
        _ => Ok(()),
    }
}
