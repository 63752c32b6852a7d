//! Running `Command`s: each in its own tokio task, its answer sent back to the loop as
//! a `Msg`.

use super::files::{read_text_file, resolve_user_path, write_download};
use super::{Incoming, Runner, Step, bulk};
use crate::console::app::{self, Command, Msg, POLL_INTERVAL_MS, SaveError};
use crate::console::data::{DataError, Written};
use crate::console::ui_state;
use std::time::Duration;
use tokio::sync::mpsc;

/// Runs a command in its own task; its answer comes back through the channel. A send
/// error only means the console already quit.
pub(super) fn execute_command(
    command: Command,
    runner: &Runner,
    tx: &mpsc::UnboundedSender<Incoming>,
) -> Step {
    let source = runner.source.clone();
    let tx = tx.clone();
    // Many rows at once (issue 16 b): `runtime_bulk.rs`.
    let Some(command) = bulk::execute(command, source.clone(), tx.clone()) else {
        return Step::Continue;
    };
    match command {
        Command::Quit => return Step::Quit,
        Command::Suspend => return Step::Suspend,
        Command::SyncNow => runner.wake_sync.notify_one(),
        Command::FetchOutbox => {
            send_when_done(tx, async move { Msg::OutboxLoaded(source.outbox().await) });
        }
        Command::DismissOutbox(id) => {
            send_when_done(tx, async move {
                match source.dismiss(id).await {
                    Ok(_) => Msg::OutboxLoaded(source.outbox().await),
                    Err(e) => Msg::OutboxLoaded(Err(e)),
                }
            });
        }
        Command::CancelOutbox(id) => {
            send_when_done(tx, async move {
                Msg::OutboxCancelled(source.cancel_queued(id).await)
            });
        }
        Command::Why { serial } => {
            send_when_done(tx, async move {
                let result = source.why(&serial).await;
                Msg::WhyLoaded { serial, result }
            });
        }
        Command::Activity(command) => {
            send_when_done(tx, crate::console::screens::activity::run(command, source));
        }
        Command::Webhooks(command) => {
            send_when_done(tx, crate::console::screens::webhooks::run(command, source));
        }
        Command::Renewals(command) => {
            send_when_done(tx, crate::console::screens::renewals::run(command, source));
        }
        Command::Access(command) => {
            send_when_done(tx, crate::console::screens::access::run(command, source));
        }
        Command::Invoices(command) => {
            send_when_done(tx, crate::console::screens::invoices::run(command, source));
        }
        Command::FetchMe => {
            send_when_done(tx, async move { Msg::MeLoaded(source.me().await) });
        }
        Command::FetchPrices => {
            send_when_done(tx, async move { Msg::PricesLoaded(source.prices().await) });
        }
        Command::FetchOrganizations => {
            send_when_done(tx, async move {
                Msg::OrganizationsLoaded(source.organizations().await)
            });
        }
        Command::FetchActivations { request_id, query } => {
            send_when_done(tx, async move {
                let result = source.activations(&query).await;
                Msg::ActivationsLoaded { request_id, result }
            });
        }
        Command::FetchDetail { request_id, number } => {
            send_when_done(tx, async move {
                let result = source.activation(number).await;
                Msg::DetailLoaded { request_id, result }
            });
        }
        Command::AcceptOffer { organization } => {
            send_when_done(tx, async move {
                let result = source.accept_offer(organization).await;
                Msg::OfferAccepted(result)
            });
        }
        Command::Precheck {
            organization,
            serials,
        } => {
            send_when_done(tx, async move {
                let result = source.precheck(organization, &serials).await;
                Msg::Prechecked(result)
            });
        }
        Command::CreateActivations {
            organization,
            serials,
            idempotency_key,
        } => {
            send_when_done(tx, async move {
                let result = source
                    .create_activations(organization, &serials, &idempotency_key)
                    .await;
                written(result, Msg::ActivationsCreated)
            });
        }
        Command::Retry { number } => {
            send_when_done(tx, async move {
                let result = source.retry(number).await;
                written(result, |result| Msg::Retried { number, result })
            });
        }
        Command::SaveLicenseFile { number } => {
            send_when_done(tx, async move {
                let result = match source.license_file(number).await {
                    Ok(file) => write_download(&file.file_name, file.contents.as_bytes()).await,
                    Err(e) => Err(SaveError::Request(e)),
                };
                Msg::FileSaved(result)
            });
        }
        Command::WriteFile { path, contents } => {
            send_when_done(tx, async move {
                let path = resolve_user_path(&path);
                let result = match tokio::fs::write(&path, contents.as_bytes()).await {
                    Ok(()) => Ok(path),
                    Err(e) => Err(SaveError::Write {
                        path,
                        error: e.to_string(),
                    }),
                };
                Msg::FileSaved(result)
            });
        }
        Command::WriteSampleFile {
            file_name,
            contents,
        } => {
            send_when_done(tx, async move {
                let result = write_download(&file_name, contents.as_bytes()).await;
                Msg::FileSaved(result)
            });
        }
        Command::CompletePath { typed } => {
            send_when_done(tx, async move {
                let lookup = typed.clone();
                let completed =
                    tokio::task::spawn_blocking(move || crate::console::paths::complete(&lookup))
                        .await
                        .ok()
                        .flatten();
                Msg::PathCompleted { typed, completed }
            });
        }
        Command::ImportSerials { path } => {
            send_when_done(tx, async move {
                let result = read_text_file(&path).await;
                Msg::SerialsImported { path, result }
            });
        }
        Command::FetchSeats { request_id, query } => {
            send_when_done(tx, async move {
                let result = source.seats(&query).await;
                Msg::SeatsLoaded { request_id, result }
            });
        }
        Command::FetchSeatSummary { organization } => {
            send_when_done(tx, async move {
                let result = source.seat_summary(organization).await;
                Msg::SeatSummaryLoaded(result)
            });
        }
        Command::FetchUsers {
            request_id,
            organization,
            q,
        } => {
            send_when_done(tx, async move {
                let result = source.users(organization, &q).await;
                Msg::UsersLoaded { request_id, result }
            });
        }
        Command::BindSeat { seat, email } => {
            send_when_done(tx, async move {
                let result = source.bind_seat(seat, &email).await;
                written(result, |result| Msg::SeatBound {
                    seat,
                    email,
                    result,
                })
            });
        }
        Command::UnbindSeat { seat } => {
            send_when_done(tx, async move {
                let result = source.unbind_seat(seat).await;
                written(result, |result| Msg::SeatUnbound { seat, result })
            });
        }
        Command::FetchLicenseInfo {
            request_id,
            organization,
        } => {
            send_when_done(tx, async move {
                let result = source.license_info(organization).await;
                Msg::LicenseInfoLoaded { request_id, result }
            });
        }
        Command::RequestEmergency(request) => {
            send_when_done(tx, async move {
                let result = source.request_emergency_license(&request).await;
                written(result, Msg::EmergencyRequested)
            });
        }
        Command::ActivateKey(request) => {
            send_when_done(tx, async move {
                let result = source.activate_key(&request).await;
                Msg::KeyActivated(result)
            });
        }
        Command::WriteActivationRequest {
            key,
            inn,
            kpp,
            installation,
        } => {
            send_when_done(tx, async move {
                let file_name =
                    crate::console::screens::keys::request_file_name(&installation.serial);
                let request = crate::domain::offline::ActivationRequest {
                    key,
                    inn,
                    kpp,
                    installation,
                    created_at: chrono::Utc::now(),
                };
                let text = request.to_text();
                let result = write_download(&file_name, text.as_bytes()).await;
                Msg::RequestWritten { text, result }
            });
        }
        Command::ReadTextFile { path, purpose } => {
            send_when_done(tx, async move {
                let result = read_text_file(&path).await;
                Msg::TextFileRead {
                    purpose,
                    path,
                    result,
                }
            });
        }
        Command::SaveText {
            file_name,
            contents,
        } => {
            send_when_done(tx, async move {
                let result = write_download(&file_name, contents.as_bytes()).await;
                Msg::FileSaved(result)
            });
        }
        Command::FetchSigningKey => {
            send_when_done(tx, async move {
                let result = source.signing_key().await;
                Msg::SigningKeyLoaded(result)
            });
        }
        Command::FetchAudit {
            request_id,
            object,
            page,
        } => {
            send_when_done(tx, async move {
                let result = source.audit(&object, page, app::AUDIT_PER_PAGE).await;
                Msg::AuditLoaded { request_id, result }
            });
        }
        Command::ScheduleTick => {
            send_when_done(tx, async move {
                tokio::time::sleep(std::time::Duration::from_millis(POLL_INTERVAL_MS)).await;
                Msg::Tick
            });
        }
        Command::ScheduleClock(after_ms) => {
            send_when_done(tx, async move {
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                Msg::Clock(chrono::Utc::now())
            });
        }
        // Written by the loop, which owns the terminal.
        Command::CopyToClipboard(_) => {}
        Command::SaveUiState(ui) => {
            // A few hundred bytes, written here rather than in a task: saves land in
            // the order they were made, and before a quit that follows them.
            let result = match ui_state::default_path() {
                Some(path) => ui_state::save(&path, &ui).map_err(|e| e.to_string()),
                None => Err("no state directory (is HOME set?)".to_string()),
            };
            let _ = tx.send(Incoming::msg(Msg::UiStateSaved(result)));
        }
        // Run by `bulk::execute` above; never here.
        Command::RetryMany { .. }
        | Command::SaveLicenseInto { .. }
        | Command::UnbindMarked { .. }
        | Command::CollectMatching { .. }
        | Command::FetchTriage { .. }
        | Command::Export { .. }
        | Command::SaveView { .. } => {}
    }
    Step::Continue
}

/// A write's answer as the screens know it, or `WriteQueued` when the mirror queued it.
fn written<T>(
    result: Result<Written<T>, DataError>,
    answered: impl FnOnce(Result<T, DataError>) -> Msg,
) -> Msg {
    match result {
        Ok(Written::Done(value)) => answered(Ok(value)),
        Ok(Written::Queued(item)) => Msg::WriteQueued(item),
        Err(error) => answered(Err(error)),
    }
}

/// Runs `work` in its own task and sends the message it ends with; the loop never
/// waits on the portal or the disk. A send error only means the console already quit.
pub(super) fn send_when_done(
    tx: mpsc::UnboundedSender<Incoming>,
    work: impl Future<Output = Msg> + Send + 'static,
) {
    tokio::spawn(async move {
        let _ = tx.send(Incoming::msg(work.await));
    });
}
