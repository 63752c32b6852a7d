//! The one seam through which every console screen reads data: the live API, or the
//! offline mirror (docs/DESIGN.md §6), which answers reads from local SQLite — online or
//! not — and queues writes in its outbox when the portal cannot be reached. No screen knows
//! which one it talks to; a queued write comes back as `Written::Queued`.

use crate::client::wire::{
    ActivationDetail, ActivationQuery, ActivationSummary, CreatedActivations, LicenseFile, Me,
    Organization, Page, PrecheckResponse,
};
use crate::client::{ApiClient, ClientError, new_idempotency_key, wire};
use crate::mirror::sync::{self, FlushReport, SyncProgress, SyncReport, write_through};
use crate::mirror::{Mirror, MirrorError, OutboxAction, OutboxItem};
use chrono::Utc;

pub use crate::mirror::sync::Written;

pub type DataError = ClientError;

#[derive(Clone, Debug)]
pub enum DataSource {
    Live(ApiClient),
    Mirror(MirrorSource),
}

/// The mirror and the client that keeps it current.
#[derive(Clone, Debug)]
pub struct MirrorSource {
    pub client: ApiClient,
    pub mirror: Mirror,
}

impl MirrorSource {
    /// Reads come from the mirror once a full sync has completed; before that (the
    /// very first start) `None`: the caller asks the portal. One trip to the blocking
    /// pool checks and reads.
    /// Answers and refusals come in the console's language, as the portal's would.
    async fn local<T>(
        &self,
        work: impl FnOnce(&Mirror) -> Result<T, MirrorError> + Send + 'static,
    ) -> Option<Result<T, DataError>>
    where
        T: Send + 'static + serde::Serialize + serde::de::DeserializeOwned,
    {
        let lang = self.client.lang();
        self.read(move |m| {
            if !m.state()?.complete {
                return Ok(None);
            }
            work(m).map(|answer| Some(crate::mirror::localized(answer, lang)))
        })
        .await
        .transpose()
    }

    /// The mirror's answer once it has synced and holds every object `read` reads,
    /// else the portal's: a windowed mirror leaves the device lists and the invoices
    /// to the portal (docs/DESIGN.md §6.5), so offline they are not there.
    async fn whole_or_portal<T>(
        &self,
        read: impl FnOnce(&Mirror) -> Result<T, MirrorError> + Send + 'static,
        portal: impl std::future::Future<Output = Result<T, DataError>>,
    ) -> Result<T, DataError>
    where
        T: Send + 'static + serde::Serialize + serde::de::DeserializeOwned,
    {
        match self.local(move |m| m.if_whole(read)).await {
            Some(Ok(Some(answer))) => Ok(answer),
            Some(Err(error)) => Err(error),
            None | Some(Ok(None)) => portal.await,
        }
    }

    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Mirror) -> Result<T, MirrorError> + Send + 'static,
    ) -> Result<T, DataError> {
        let lang = self.client.lang();
        self.mirror
            .run(work)
            .await
            .map_err(|e| e.into_client_error_in(lang))
    }
}

impl DataSource {
    /// Where the data comes from, for the status line.
    pub fn label(&self) -> String {
        match self {
            DataSource::Live(client) => client.portal_url().trim_end_matches('/').to_string(),
            DataSource::Mirror(source) => {
                source.client.portal_url().trim_end_matches('/').to_string()
            }
        }
    }

    pub async fn me(&self) -> Result<Me, DataError> {
        match self {
            DataSource::Live(client) => client.me().await,
            DataSource::Mirror(source) => match source.local(|m| Ok(m.state()?.me)).await {
                Some(Ok(Some(me))) => Ok(me),
                _ => source.client.me().await,
            },
        }
    }

    pub async fn organizations(&self) -> Result<Vec<Organization>, DataError> {
        match self {
            DataSource::Live(client) => client.organizations().await,
            DataSource::Mirror(source) => match source.local(|m| m.organizations()).await {
                Some(answer) => answer,
                None => source.client.organizations().await,
            },
        }
    }

    pub async fn activations(
        &self,
        query: &ActivationQuery,
    ) -> Result<Page<ActivationSummary>, DataError> {
        match self {
            DataSource::Live(client) => client.activations(query).await,
            DataSource::Mirror(source) => {
                let owned = query.clone();
                match source.local(move |m| m.activations_if_whole(&owned)).await {
                    Some(Ok(Some(page))) => Ok(page),
                    Some(Err(error)) => Err(error),
                    None => source.client.activations(query).await,
                    // Outside the mirror's window: the portal's answer; offline, the
                    // part the window holds (the status line says it is a window).
                    Some(Ok(None)) => match source.client.activations(query).await {
                        Err(error) if error.is_connection() => {
                            let owned = query.clone();
                            source
                                .local(move |m| m.activations(&owned))
                                .await
                                .unwrap_or(Err(error))
                        }
                        answer => answer,
                    },
                }
            }
        }
    }

    pub async fn activation(&self, number: i64) -> Result<ActivationDetail, DataError> {
        match self {
            DataSource::Live(client) => client.activation(number).await,
            DataSource::Mirror(source) => {
                match source.local(move |m| m.activation_if_held(number)).await {
                    Some(Ok(Some(detail))) => Ok(detail),
                    Some(Err(error)) => Err(error),
                    None => source.client.activation(number).await,
                    // Outside the window: from the portal, then kept, so it reads
                    // offline later ("everything it opened").
                    Some(Ok(None)) => match source.client.activation(number).await {
                        Ok(detail) => {
                            let kept = detail.clone();
                            // Keeping it is a convenience; the answer stands without it.
                            let _ = source.mirror.run(move |m| m.keep_opened(&kept)).await;
                            Ok(detail)
                        }
                        Err(error) if error.is_connection() => source
                            .local(move |m| m.activation(number))
                            .await
                            .unwrap_or(Err(error)),
                        Err(error) => Err(error),
                    },
                }
            }
        }
    }

    pub async fn accept_offer(&self, organization: i64) -> Result<Organization, DataError> {
        self.client().accept_offer(organization).await
    }

    pub async fn precheck(
        &self,
        organization: i64,
        serials: &[String],
    ) -> Result<PrecheckResponse, DataError> {
        self.client().precheck(organization, serials).await
    }

    /// Offline, a list that was prechecked online is queued with the key the
    /// confirmation made, so confirming it again cannot queue it twice.
    pub async fn create_activations(
        &self,
        organization: i64,
        serials: &[String],
        idempotency_key: &str,
    ) -> Result<Written<CreatedActivations>, DataError> {
        let action = OutboxAction::Activate {
            organization,
            serials: serials.to_vec(),
        };
        let serials = serials.to_vec();
        self.write(
            action,
            idempotency_key.to_string(),
            move |client, key| async move {
                client
                    .create_activations(organization, &serials, &key)
                    .await
            },
        )
        .await
    }

    /// Every queueable write goes through here: straight to the portal when live, via
    /// the outbox with the mirror.
    async fn write<T, Fut>(
        &self,
        action: OutboxAction,
        idempotency_key: String,
        send: impl FnOnce(ApiClient, String) -> Fut,
    ) -> Result<Written<T>, DataError>
    where
        Fut: Future<Output = Result<T, ClientError>>,
    {
        match self {
            DataSource::Live(client) => send(client.clone(), idempotency_key)
                .await
                .map(Written::Done),
            DataSource::Mirror(source) => {
                write_through(
                    &source.client,
                    &source.mirror,
                    action,
                    idempotency_key,
                    send,
                )
                .await
            }
        }
    }

    /// Whether the portal answers within `timeout` (the liveness probe; a mirror's
    /// portal too: the status line's online claim is about the portal).
    pub async fn portal_reachable(&self, timeout: std::time::Duration) -> bool {
        self.client().reachable(timeout).await
    }

    fn client(&self) -> &ApiClient {
        match self {
            DataSource::Live(client) => client,
            DataSource::Mirror(source) => &source.client,
        }
    }

    pub fn mirror(&self) -> Option<&MirrorSource> {
        match self {
            DataSource::Live(_) => None,
            DataSource::Mirror(source) => Some(source),
        }
    }

    /// Pending and refused outbox items (none without a mirror).
    pub async fn outbox(&self) -> Result<Vec<OutboxItem>, DataError> {
        match self {
            DataSource::Live(_) => Ok(Vec::new()),
            DataSource::Mirror(source) => source.read(|m| m.outbox()).await,
        }
    }

    pub async fn dismiss(&self, id: i64) -> Result<bool, DataError> {
        match self {
            DataSource::Live(_) => Ok(false),
            DataSource::Mirror(source) => source.read(move |m| m.dismiss(id, Utc::now())).await,
        }
    }

    /// Takes a queued item out before it is sent (false without a mirror, or when it
    /// was sent or refused meanwhile).
    pub async fn cancel_queued(&self, id: i64) -> Result<bool, DataError> {
        match self {
            DataSource::Live(_) => Ok(false),
            DataSource::Mirror(source) => sync::cancel_queued(&source.mirror, id)
                .await
                .map_err(|e| e.into_client_error_in(self.client().lang())),
        }
    }

    /// One sync (outbox, then the feed); `None` without a mirror.
    pub async fn sync(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Option<Result<SyncReport, sync::SyncError>> {
        let source = self.mirror()?;
        Some(sync::sync_once(&source.client, &source.mirror, progress).await)
    }

    /// Sends the outbox only; `None` without a mirror.
    pub async fn flush(&self) -> Option<Result<FlushReport, sync::SyncError>> {
        let source = self.mirror()?;
        Some(sync::flush_outbox(&source.client, &source.mirror).await)
    }

    pub async fn retry(&self, number: i64) -> Result<Written<ActivationSummary>, DataError> {
        self.write(
            OutboxAction::Retry { number },
            new_idempotency_key(),
            move |client, key| async move { client.retry(number, Some(&key)).await },
        )
        .await
    }

    /// Up to 100 retries in one request under one key (issue 16 b). Always the
    /// portal: a bulk write is not queued in the outbox (offline each row says so).
    pub async fn retry_many(
        &self,
        numbers: &[i64],
    ) -> Result<crate::client::bulk::BulkRetryResponse, DataError> {
        self.client()
            .retry_many(numbers, &new_idempotency_key())
            .await
    }

    /// Up to `BULK_MAX` unbinds in one request (docs/DESIGN.md §4.9): straight to the
    /// portal, as the bulk retry (with a mirror, the caller syncs after).
    pub async fn unbind_many(
        &self,
        seats: &[i64],
    ) -> Result<crate::client::bulk::BulkUnbindResponse, DataError> {
        self.client()
            .unbind_many(seats, &new_idempotency_key())
            .await
    }

    /// With a mirror: one seat's unbind put in the outbox without trying the portal (a
    /// bulk unbind that could not reach it), sent later with its own key like any queued
    /// unbind. None without a mirror.
    pub async fn queue_unbind(&self, seat: i64) -> Result<Option<OutboxItem>, DataError> {
        let DataSource::Mirror(source) = self else {
            return Ok(None);
        };
        let key = new_idempotency_key();
        source
            .mirror
            .run(move |m| m.enqueue(&OutboxAction::Unbind { seat }, &key, Utc::now()))
            .await
            .map(Some)
            .map_err(|e| ClientError::Local(e.to_string()))
    }

    /// The triage of errors (issue 16 b): the portal's (the mirror has no grouping).
    pub async fn error_triage(
        &self,
        since: &str,
    ) -> Result<crate::client::bulk::ErrorTriage, DataError> {
        self.client().error_triage(since, None).await
    }

    /// The language answers are asked in (the console's).
    pub fn lang(&self) -> crate::domain::Lang {
        self.client().lang().unwrap_or(crate::domain::Lang::Ru)
    }

    pub async fn license_file(&self, number: i64) -> Result<LicenseFile, DataError> {
        self.client().license_file(number).await
    }

    /// The portal's public key (verifies offline activation responses).
    pub async fn signing_key(&self) -> Result<wire::SigningKeyInfo, DataError> {
        self.client().signing_key().await
    }

    pub async fn seats(&self, query: &wire::SeatQuery) -> Result<Page<wire::Seat>, DataError> {
        match self {
            DataSource::Live(client) => client.seats(query).await,
            DataSource::Mirror(source) => {
                let owned = query.clone();
                match source.local(move |m| m.seats(&owned, Utc::now())).await {
                    Some(answer) => answer,
                    None => source.client.seats(query).await,
                }
            }
        }
    }

    pub async fn seat_summary(
        &self,
        organization: Option<i64>,
    ) -> Result<Vec<wire::SeatSummary>, DataError> {
        match self {
            DataSource::Live(client) => client.seat_summary(organization).await,
            DataSource::Mirror(source) => {
                match source
                    .local(move |m| m.seat_summary(organization, Utc::now()))
                    .await
                {
                    Some(answer) => answer,
                    None => source.client.seat_summary(organization).await,
                }
            }
        }
    }

    pub async fn bind_seat(
        &self,
        seat: i64,
        email: &str,
    ) -> Result<Written<wire::Seat>, DataError> {
        let action = OutboxAction::Bind {
            seat,
            email: email.to_string(),
        };
        let email = email.to_string();
        self.write(
            action,
            new_idempotency_key(),
            move |client, key| async move { client.bind_seat(seat, &email, Some(&key)).await },
        )
        .await
    }

    pub async fn unbind_seat(&self, seat: i64) -> Result<Written<wire::Seat>, DataError> {
        self.write(
            OutboxAction::Unbind { seat },
            new_idempotency_key(),
            move |client, key| async move { client.unbind_seat(seat, Some(&key)).await },
        )
        .await
    }

    pub async fn users(&self, organization: i64, q: &str) -> Result<Vec<wire::User>, DataError> {
        self.client().users(organization, q).await
    }

    pub async fn license_info(&self, organization: i64) -> Result<wire::LicenseInfo, DataError> {
        match self {
            DataSource::Live(client) => client.license_info(organization).await,
            DataSource::Mirror(source) => {
                match source
                    .local(move |m| m.license_info(organization, Utc::now()))
                    .await
                {
                    Some(answer) => answer,
                    None => source.client.license_info(organization).await,
                }
            }
        }
    }

    pub async fn request_emergency_license(
        &self,
        request: &wire::EmergencyRequest,
    ) -> Result<Written<wire::ProductCapacity>, DataError> {
        let action = OutboxAction::Emergency {
            request: request.clone(),
        };
        let request = request.clone();
        self.write(
            action,
            new_idempotency_key(),
            move |client, key| async move {
                client.request_emergency_license(&request, Some(&key)).await
            },
        )
        .await
    }

    pub async fn activate_key(
        &self,
        request: &wire::KeyActivationRequest,
    ) -> Result<wire::ServerLicense, DataError> {
        self.client().activate_key(request).await
    }

    pub async fn offline_response(
        &self,
        request_text: &str,
    ) -> Result<wire::OfflineResponse, DataError> {
        self.client().offline_response(request_text).await
    }

    /// A page of the activity log: from the portal; with a mirror and no portal, from
    /// the records the mirror holds (a windowed mirror: its window; docs/DESIGN.md §6.5).
    pub async fn events(
        &self,
        query: &crate::client::events::EventQuery,
    ) -> Result<crate::client::events::EventPage, DataError> {
        match self {
            DataSource::Live(client) => client.events(query).await,
            DataSource::Mirror(source) => match source.client.events(query).await {
                Err(error) if error.is_connection() => {
                    let owned = query.clone();
                    source
                        .local(move |m| m.events(&owned))
                        .await
                        .unwrap_or(Err(error))
                }
                answer => answer,
            },
        }
    }

    /// A page of the device list (Renewals): from the mirror once it is synced and
    /// holds every device of its organizations, else from the portal — a windowed
    /// mirror's lists too, and offline they are not there (docs/DESIGN.md §6.5).
    pub async fn devices(
        &self,
        query: &crate::client::devices::DeviceQuery,
    ) -> Result<crate::client::devices::DevicePage, DataError> {
        match self {
            DataSource::Live(client) => client.devices(query).await,
            DataSource::Mirror(source) => {
                let owned = query.clone();
                source
                    .whole_or_portal(move |m| m.devices(&owned), source.client.devices(query))
                    .await
            }
        }
    }

    /// Count and price per organization and vendor of the device list's filters.
    pub async fn device_totals(
        &self,
        query: &crate::client::devices::DeviceQuery,
    ) -> Result<crate::client::devices::DeviceTotals, DataError> {
        match self {
            DataSource::Live(client) => client.device_totals(query).await,
            DataSource::Mirror(source) => {
                let owned = query.clone();
                source
                    .whole_or_portal(
                        move |m| m.device_totals(&owned),
                        source.client.device_totals(query),
                    )
                    .await
            }
        }
    }

    /// Every device of a filter (up to `limit`), page after page: the Renewals screen's
    /// "all matching".
    pub async fn all_devices(
        &self,
        query: &crate::client::devices::DeviceQuery,
        limit: usize,
    ) -> Result<Vec<crate::client::devices::DeviceItem>, DataError> {
        let mut query = crate::client::devices::DeviceQuery {
            per_page: Some(crate::client::devices::DEVICES_MAX_PER_PAGE),
            ..query.first_page()
        };
        let mut out = Vec::new();
        loop {
            let page = self.devices(&query).await?;
            out.extend(page.items);
            match page.next {
                Some(next) if out.len() < limit => query.cursor = Some(next),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// A serial's story and its license file checked, from the portal; with a mirror
    /// and no portal, the device, lines and histories the mirror holds, marked offline
    /// (it keeps no license files: docs/DESIGN.md §4.8).
    pub async fn why(&self, serial: &str) -> Result<crate::client::serials::Why, DataError> {
        match self {
            DataSource::Live(client) => client.why(serial).await,
            DataSource::Mirror(source) => match source.client.why(serial).await {
                Err(error) if error.is_connection() => {
                    let serial = serial.to_string();
                    match source.local(move |m| m.serial_story(&serial)).await {
                        Some(Ok(story)) => Ok(crate::client::serials::Why {
                            story,
                            license: None,
                            offline: true,
                        }),
                        _ => Err(error),
                    }
                }
                other => other,
            },
        }
    }

    /// A page of the tokens the console's token may manage (always from the portal:
    /// the mirror keeps no access data).
    pub async fn tokens_page(
        &self,
        cursor: Option<&str>,
    ) -> Result<crate::client::access::CursorPage<wire::TokenInfo>, DataError> {
        self.client().tokens_page(cursor).await
    }

    /// Invoices (issue 17): from the mirror once it has synced and holds them all,
    /// else the portal — a windowed mirror's too (docs/DESIGN.md §6.5).
    pub async fn invoices(
        &self,
        query: &crate::client::invoices::InvoiceQuery,
    ) -> Result<wire::Page<crate::client::invoices::Invoice>, DataError> {
        match self {
            DataSource::Live(client) => client.invoices(query).await,
            DataSource::Mirror(source) => {
                let local = query.clone();
                source
                    .whole_or_portal(move |m| m.invoices(&local), source.client.invoices(query))
                    .await
            }
        }
    }

    pub async fn invoice(
        &self,
        number: &str,
    ) -> Result<crate::client::invoices::InvoiceDetail, DataError> {
        match self {
            DataSource::Live(client) => client.invoice(number).await,
            DataSource::Mirror(source) => {
                let local = number.to_string();
                source
                    .whole_or_portal(move |m| m.invoice(&local), source.client.invoice(number))
                    .await
            }
        }
    }

    pub async fn prices(&self) -> Result<Vec<wire::Price>, DataError> {
        match self {
            DataSource::Live(client) => client.prices().await,
            DataSource::Mirror(source) => match source.local(|m| m.prices()).await {
                Some(answer) => answer,
                None => source.client.prices().await,
            },
        }
    }

    pub async fn revoke_token(&self, id: i64) -> Result<wire::TokenInfo, DataError> {
        self.client().revoke_token(id).await
    }

    // ---- webhooks (issue 17): always the portal; the mirror keeps none ----
    pub async fn webhooks(
        &self,
    ) -> Result<Vec<crate::client::webhooks::WebhookEndpoint>, DataError> {
        self.client().webhooks().await
    }

    pub async fn webhook_deliveries(
        &self,
        endpoint: i64,
        per_page: u32,
    ) -> Result<Page<crate::client::webhooks::WebhookDelivery>, DataError> {
        self.client()
            .webhook_deliveries(endpoint, 1, per_page)
            .await
    }

    pub async fn add_webhook(
        &self,
        request: &crate::client::webhooks::NewWebhook,
        key: &str,
    ) -> Result<crate::client::webhooks::CreatedWebhook, DataError> {
        self.client().add_webhook(request, key).await
    }

    pub async fn remove_webhook(
        &self,
        id: i64,
        key: &str,
    ) -> Result<crate::client::webhooks::WebhookEndpoint, DataError> {
        self.client().remove_webhook(id, key).await
    }

    pub async fn redeliver(
        &self,
        endpoint: i64,
        delivery: i64,
        key: &str,
    ) -> Result<crate::client::webhooks::WebhookDelivery, DataError> {
        self.client().redeliver(endpoint, delivery, key).await
    }

    pub async fn audit(
        &self,
        object: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<wire::AuditEntry>, DataError> {
        self.client().audit(object, page, per_page).await
    }
}

#[cfg(test)]
#[path = "data_tests.rs"]
mod tests;
