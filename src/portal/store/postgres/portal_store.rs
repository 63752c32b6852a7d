//! [`PortalStore`] on PostgreSQL: each use case is one transaction on one pooled
//! connection, retried whole on contention (see [`PgStore::run`]).

use super::once::write_once;
use super::{PgStore, StoreError, accounts, feed, licensing, queue, reads, seats, writes};
use crate::client::feed::{ChangeFeed, FeedWindow};
use crate::client::wire::{
    AccountInfo, ActivationDetail, ActivationSummary, AuditEntry, CreatedActivations, LicenseInfo,
    Organization, Page, Price, ProductCapacity, Seat, SeatSummary, ServerLicense, TokenInfo, User,
};
use crate::domain::offline::ActivationRequest;
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationStatus, Checked};
use crate::portal::idempotency::{Idempotency, Once};
use crate::portal::rules;
use crate::portal::store::{
    ActivationFilter, Answer, Channel, CreateRequest, Gone, LoginAccount, NewAccount, NewToken,
    PortalStore, PurchaseRequest, SeatFilter, TokenGrant, Writer,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use std::time::Duration;

/// The driver's client behind a pooled connection.
fn pg(client: &super::Client) -> &tokio_postgres::Client {
    client
}

/// Runs `$body` (an expression over `tx`) in one transaction that commits when the
/// answer is not a refusal.
macro_rules! in_tx {
    ($client:ident, |$tx:ident| $body:expr) => {{
        let client: &mut tokio_postgres::Client = $client;
        let $tx = client.transaction().await?;
        let answer = $body;
        if answer.is_ok() {
            $tx.commit().await?;
        }
        Ok(answer)
    }};
}

#[async_trait::async_trait]
impl PortalStore for PgStore {
    async fn token(&self, token_hash: String) -> Result<Option<TokenGrant>, StoreError> {
        self.run(|client| {
            let hash = token_hash.clone();
            Box::pin(async move { accounts::token_grant(pg(client), &hash).await })
        })
        .await
    }

    async fn touch_token(&self, token_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(|client| Box::pin(async move { accounts::touch(pg(client), token_id, now).await }))
            .await
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.run(|client| Box::pin(async move { accounts::tokens(pg(client), None).await }))
            .await
    }

    async fn revoke_token(
        &self,
        token_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(|client| {
            Box::pin(async move { accounts::revoke(pg(client), token_id, now).await })
        })
        .await
    }

    async fn login_account(&self, email: String) -> Result<Option<LoginAccount>, StoreError> {
        self.run(|client| {
            let email = email.clone();
            Box::pin(async move { accounts::login_account(pg(client), &email).await })
        })
        .await
    }

    async fn issue_token(
        &self,
        account_id: i64,
        token: NewToken,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(|client| {
            let token = token.clone();
            Box::pin(async move {
                let tx = client.transaction().await?;
                let issued = accounts::issue_token(&tx, account_id, &token, now).await?;
                tx.commit().await?;
                Ok(issued)
            })
        })
        .await
    }

    async fn create_account(&self, account: NewAccount, writer: Writer) -> Answer<AccountInfo> {
        self.run(|client| {
            let (account, writer) = (account.clone(), writer.clone());
            Box::pin(async move {
                in_tx!(client, |tx| accounts::create(&tx, &account, &writer)
                    .await?)
            })
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<AccountInfo>, StoreError> {
        self.run(|client| Box::pin(async move { accounts::accounts(pg(client), None).await }))
            .await
    }

    async fn accept_invitation(
        &self,
        invitation_hash: String,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Answer<AccountInfo> {
        self.run(|client| {
            let (invitation_hash, password_hash) = (invitation_hash.clone(), password_hash.clone());
            Box::pin(async move {
                in_tx!(client, |tx| accounts::accept_invitation(
                    &tx,
                    &invitation_hash,
                    &password_hash,
                    now
                )
                .await?)
            })
        })
        .await
    }

    async fn disable_account(
        &self,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<AccountInfo>, StoreError> {
        self.run(|client| {
            Box::pin(async move {
                let tx = client.transaction().await?;
                let disabled = accounts::disable(&tx, account_id, now).await?;
                tx.commit().await?;
                Ok(disabled)
            })
        })
        .await
    }

    async fn organizations(&self, ids: Vec<i64>) -> Result<Vec<Organization>, StoreError> {
        self.run(|client| {
            let ids = ids.clone();
            Box::pin(async move { reads::organizations(pg(client), &ids).await })
        })
        .await
    }

    async fn prices(&self) -> Result<Vec<Price>, StoreError> {
        self.run(|client| Box::pin(async move { reads::prices(pg(client)).await }))
            .await
    }

    async fn accept_offer(
        &self,
        organization: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Organization>> {
        self.run(|client| {
            let (writer, idempotency) = (writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        writes::accept_offer(tx, organization, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn set_activation_blocked(
        &self,
        organization: i64,
        blocked: bool,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Organization>> {
        self.run(|client| {
            let (writer, idempotency) = (writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        super::access::set_blocked(
                            tx,
                            organization,
                            blocked,
                            writer.actor(),
                            writer.now,
                        )
                        .await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn list_activations(&self, filter: ActivationFilter) -> Answer<Page<ActivationSummary>> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                // One snapshot for the count and the page.
                let tx = client
                    .build_transaction()
                    .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await?;
                let page = reads::list_activations(&tx, &filter).await?;
                tx.commit().await?;
                Ok(page)
            })
        })
        .await
    }

    async fn activation(
        &self,
        number: i64,
        scope: Vec<i64>,
    ) -> Result<Option<ActivationDetail>, StoreError> {
        self.run(|client| {
            let scope = scope.clone();
            Box::pin(async move { reads::activation(pg(client), number, &scope).await })
        })
        .await
    }

    async fn precheck(
        &self,
        serials: Vec<String>,
        today: NaiveDate,
    ) -> Result<Vec<Checked>, StoreError> {
        self.run(|client| {
            let serials = serials.clone();
            Box::pin(async move { reads::precheck_rows(pg(client), &serials, today).await })
        })
        .await
    }

    async fn create_activations(
        &self,
        request: CreateRequest,
        now: DateTime<Utc>,
    ) -> Answer<Once<CreatedActivations>> {
        self.run(|client| {
            let request = request.clone();
            Box::pin(async move {
                let idempotency = request.idempotency.clone();
                write_once(client, idempotency.as_ref(), now, move |tx| {
                    Box::pin(async move { writes::create(tx, &request, now).await })
                })
                .await
            })
        })
        .await
    }

    async fn retry_activation(
        &self,
        number: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ActivationSummary>> {
        self.run(|client| {
            let (writer, idempotency) = (writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        writes::retry(tx, number, &writer.scope, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn license_file(
        &self,
        number: i64,
        scope: Vec<i64>,
        key: Arc<PortalKey>,
    ) -> Answer<String> {
        self.run(|client| {
            let (scope, key) = (scope.clone(), key.clone());
            Box::pin(async move { writes::license_file(pg(client), number, &scope, &key).await })
        })
        .await
    }

    async fn due_activations(
        &self,
        due_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let (worker, lease) = (self.worker_id().to_string(), self.lease());
        self.run(|client| {
            let worker = worker.clone();
            Box::pin(async move { queue::claim_due(client, &worker, lease, due_by, limit).await })
        })
        .await
    }

    async fn complete_activation(
        &self,
        number: i64,
        key: Arc<PortalKey>,
        now: DateTime<Utc>,
    ) -> Result<Option<ActivationStatus>, StoreError> {
        let worker = self.worker_id().to_string();
        self.run(|client| {
            let (worker, key) = (worker.clone(), key.clone());
            Box::pin(async move { queue::complete(client, &worker, number, &key, now).await })
        })
        .await
    }

    async fn wait_for_work(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.inner.wake.notified())
            .await
            .is_ok()
    }

    async fn feed_page(
        &self,
        since: i64,
        limit: u32,
        scope: Vec<i64>,
        window: Option<FeedWindow>,
    ) -> Result<Result<ChangeFeed, Gone>, StoreError> {
        self.run(|client| {
            let scope = scope.clone();
            Box::pin(async move { feed::feed(client, since, limit, &scope, window).await })
        })
        .await
    }

    async fn list_seats(&self, filter: SeatFilter) -> Answer<Page<Seat>> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                if let Some(product) = &filter.product {
                    let known = seats::product_ids(pg(client)).await?;
                    if !known.contains(product) {
                        return Ok(Err(rules::unknown_product(&known, product)));
                    }
                }
                Ok(Ok(seats::list(pg(client), &filter).await?))
            })
        })
        .await
    }

    async fn seat_summary(
        &self,
        organizations: Vec<i64>,
        today: NaiveDate,
    ) -> Result<Vec<SeatSummary>, StoreError> {
        self.run(|client| {
            let organizations = organizations.clone();
            Box::pin(async move { seats::summary(pg(client), &organizations, today).await })
        })
        .await
    }

    async fn users(
        &self,
        organization: i64,
        text: String,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        self.run(|client| {
            let text = text.clone();
            Box::pin(async move { seats::users(pg(client), organization, &text, limit).await })
        })
        .await
    }

    async fn bind_seat(
        &self,
        seat: i64,
        email: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Seat>> {
        self.run(|client| {
            let (email, writer, idempotency) = (email.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        seats::bind(tx, seat, &email, &writer.scope, writer.actor(), writer.now)
                            .await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn unbind_seat(
        &self,
        seat: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Seat>> {
        self.run(|client| {
            let (writer, idempotency) = (writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        seats::unbind(tx, seat, &writer.scope, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn license_info(&self, organization: i64, now: DateTime<Utc>) -> Answer<LicenseInfo> {
        self.run(|client| {
            Box::pin(async move { licensing::license_info(pg(client), organization, now).await })
        })
        .await
    }

    async fn request_emergency(
        &self,
        organization: i64,
        product: String,
        accounts: u32,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ProductCapacity>> {
        self.run(|client| {
            let (product, writer, idempotency) =
                (product.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        licensing::request_emergency(
                            tx,
                            organization,
                            &product,
                            accounts,
                            writer.actor(),
                            writer.now,
                        )
                        .await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn purchase(
        &self,
        request: PurchaseRequest,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ProductCapacity>> {
        self.run(|client| {
            let (request, writer, idempotency) =
                (request.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        licensing::purchase(tx, &request, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn activate_server_key(
        &self,
        request: ActivationRequest,
        channel: Channel,
        writer: Writer,
        key: Arc<PortalKey>,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ServerLicense>> {
        self.run(|client| {
            let (request, writer, key, idempotency) = (
                request.clone(),
                writer.clone(),
                key.clone(),
                idempotency.clone(),
            );
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        licensing::activate_key(
                            tx,
                            &request,
                            channel,
                            &writer.scope,
                            writer.actor(),
                            &key,
                            writer.now,
                        )
                        .await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn audit(
        &self,
        kind: String,
        id: String,
        scope: Vec<i64>,
        page: u32,
        per_page: u32,
    ) -> Answer<Page<AuditEntry>> {
        self.run(|client| {
            let (kind, id, scope) = (kind.clone(), id.clone(), scope.clone());
            Box::pin(async move {
                let owner = reads::object_organization(pg(client), &kind, &id).await?;
                let object = format!("{kind}:{id}");
                if !owner.is_some_and(|org| scope.contains(&org)) {
                    return Ok(Err(rules::unknown_object(&object)));
                }
                Ok(Ok(reads::audit(pg(client), &object, page, per_page).await?))
            })
        })
        .await
    }

    async fn events(
        &self,
        filter: crate::portal::store::EventFilter,
    ) -> Result<crate::client::events::EventPage, StoreError> {
        self.events_page(filter).await
    }

    async fn serial_story(
        &self,
        serial: String,
        scope: Option<Vec<i64>>,
    ) -> Result<crate::client::serials::SerialStory, StoreError> {
        self.serial_story_of(serial, scope).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        tokio::time::timeout(Duration::from_secs(2), client.simple_query("SELECT 1"))
            .await
            .map_err(|_| StoreError::Busy("the database did not answer in 2 s".into()))??;
        Ok(())
    }

    async fn signing_keys(&self) -> Result<Vec<crate::portal::store::StoredKey>, StoreError> {
        PgStore::signing_keys(self).await
    }

    async fn devices(
        &self,
        filter: crate::portal::store::devices::DeviceFilter,
    ) -> Result<crate::client::devices::DevicePage, StoreError> {
        self.devices_page(filter).await
    }

    async fn device_totals(
        &self,
        filter: crate::portal::store::devices::DeviceFilter,
    ) -> Result<crate::client::devices::DeviceTotals, StoreError> {
        self.devices_totals(filter).await
    }
}
