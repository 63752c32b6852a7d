//! [`PortalStore`] on PostgreSQL: each use case is one transaction on one pooled
//! connection, retried whole on contention (see [`PgStore::run`]).

use super::once::write_once;
use super::{
    PgStore, StoreError, access_pages, accounts, feed, licensing, passwords, precheck, queue,
    reads, seats, writes,
};
use crate::client::access::{CursorPage, PasswordChanged};
use crate::client::feed::{ChangeFeed, FeedWindow};
use crate::client::webhooks::{CreatedWebhook, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::{
    AccountInfo, ActivationDetail, ActivationSummary, AuditEntry, CreatedActivations, LicenseInfo,
    Organization, Page, Price, ProductCapacity, Seat, SeatSummary, ServerLicense, TokenInfo, User,
};
use crate::domain::offline::ActivationRequest;
use crate::domain::signing::PortalKey;
use crate::domain::{ActivationStatus, Checked};
use crate::portal::idempotency::{Idempotency, Once};
use crate::portal::rules;
use crate::portal::store::webhooks::{DeliveryOutcome, DueDelivery, NewEndpoint, WebhookScope};
use crate::portal::store::{
    AccessQuery, ActivationFilter, Answer, Channel, CodeUse, CreateRequest, Gone, LoginAccount,
    NewAccount, NewToken, PasswordUpdate, PortalStore, PurchaseRequest, SeatFilter, TokenGrant,
    Writer,
};
use crate::secret::Secret;
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

    async fn tokens(&self, query: AccessQuery) -> Result<CursorPage<TokenInfo>, StoreError> {
        self.run(|client| {
            let query = query.clone();
            Box::pin(async move { access_pages::tokens(pg(client), &query).await })
        })
        .await
    }

    async fn revoke_token(
        &self,
        token_id: i64,
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(|client| {
            let writer = writer.clone();
            Box::pin(async move {
                let tx = client.transaction().await?;
                let revoked = accounts::revoke_token(&tx, token_id, &writer).await?;
                tx.commit().await?;
                Ok(revoked)
            })
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
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(|client| {
            let (token, writer) = (token.clone(), writer.clone());
            Box::pin(async move {
                let tx = client.transaction().await?;
                let issued = accounts::issue_token(&tx, account_id, &token, &writer).await?;
                tx.commit().await?;
                Ok(issued)
            })
        })
        .await
    }

    async fn create_account(
        &self,
        account: NewAccount,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<AccountInfo>> {
        self.run(|client| {
            let (account, writer, idempotency) =
                (account.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { accounts::create(tx, &account, &writer).await })
                })
                .await
            })
        })
        .await
    }

    async fn accounts(&self, query: AccessQuery) -> Result<CursorPage<AccountInfo>, StoreError> {
        self.run(|client| {
            let query = query.clone();
            Box::pin(async move { access_pages::accounts(pg(client), &query).await })
        })
        .await
    }

    async fn accept_invitation(
        &self,
        invitation_hash: String,
        password_hash: String,
        replay_since: DateTime<Utc>,
        writer: Writer,
    ) -> Answer<CodeUse> {
        self.run(|client| {
            let (invitation_hash, password_hash, writer) = (
                invitation_hash.clone(),
                password_hash.clone(),
                writer.clone(),
            );
            Box::pin(async move {
                in_tx!(client, |tx| accounts::accept_invitation(
                    &tx,
                    &invitation_hash,
                    &password_hash,
                    replay_since,
                    &writer
                )
                .await?)
            })
        })
        .await
    }

    async fn disable_account(
        &self,
        account_id: i64,
        writer: Writer,
    ) -> Result<Option<AccountInfo>, StoreError> {
        self.run(|client| {
            let writer = writer.clone();
            Box::pin(async move {
                let tx = client.transaction().await?;
                let disabled = accounts::disable(&tx, account_id, &writer).await?;
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
                // One snapshot for the count and the page; deadpool's transaction, whose
                // connection keeps the list's statements prepared.
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
        // Read-only in one REPEATABLE READ snapshot: nothing to retry for contention.
        let mut primary = self.client().await?;
        let primary: &mut tokio_postgres::Client = &mut primary;
        let tx = precheck::snapshot(primary).await?;
        // A second connection only when one is free: taking one while others queue
        // would hold a connection they wait for (and with every precheck holding one,
        // none would get its second).
        let helper = if serials.len() >= precheck::SPLIT_FROM {
            self.idle_client().await
        } else {
            None
        };
        let rows = match helper {
            Some(mut helper) => {
                precheck::precheck_on_two(&tx, &mut helper, &serials, today).await?
            }
            None => precheck::precheck_rows(&tx, &serials, today).await?,
        };
        tx.commit().await?;
        Ok(rows)
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

    async fn token_by_id(&self, token_id: i64) -> Result<Option<TokenInfo>, StoreError> {
        self.run(|client| {
            Box::pin(async move {
                Ok(accounts::tokens(pg(client), Some(token_id))
                    .await?
                    .into_iter()
                    .next())
            })
        })
        .await
    }

    async fn account_by_id(&self, account_id: i64) -> Result<Option<AccountInfo>, StoreError> {
        self.run(|client| Box::pin(async move { accounts::by_id(pg(client), account_id).await }))
            .await
    }

    async fn change_password(
        &self,
        update: PasswordUpdate,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<PasswordChanged>> {
        self.run(|client| {
            let (update, writer, idempotency) =
                (update.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { passwords::change_password(tx, &update, &writer).await })
                })
                .await
            })
        })
        .await
    }

    async fn issue_reset(
        &self,
        account_id: i64,
        code_hash: String,
        expires_at: DateTime<Utc>,
        writer: Writer,
    ) -> Answer<AccountInfo> {
        self.run(|client| {
            let (code_hash, writer) = (code_hash.clone(), writer.clone());
            Box::pin(async move {
                in_tx!(client, |tx| passwords::issue_reset(
                    &tx, account_id, &code_hash, expires_at, &writer
                )
                .await?)
            })
        })
        .await
    }

    // ---- many rows at once (issue 16 b) ----
    async fn retry_activations(
        &self,
        numbers: Vec<i64>,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::bulk::BulkRetryResponse>> {
        self.run(|client| {
            let (numbers, writer, idempotency) =
                (numbers.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { super::triage::retry_many(tx, &numbers, &writer).await })
                })
                .await
            })
        })
        .await
    }

    async fn error_triage(
        &self,
        scope: Vec<i64>,
        since: DateTime<Utc>,
    ) -> Result<crate::client::bulk::ErrorTriage, StoreError> {
        self.triage(scope, since).await
    }

    // ---- invoices (issue 17) ----
    async fn last_invoice_period(&self) -> Result<Option<crate::domain::Period>, StoreError> {
        self.run(|client| {
            Box::pin(async move { super::invoices::last_issued_period(pg(client)).await })
        })
        .await
    }

    async fn issue_invoices(
        &self,
        run: crate::portal::store::IssueRun,
    ) -> Result<crate::portal::store::Issued, StoreError> {
        self.run(|client| {
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                let tx = client.transaction().await?;
                let issued = super::invoices::issue(&tx, &run).await?;
                tx.commit().await?;
                Ok(issued)
            })
        })
        .await
    }

    async fn mark_overdue_invoices(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        self.run(|client| {
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                let tx = client.transaction().await?;
                let marked = super::invoices::mark_overdue(&tx, today, now).await?;
                tx.commit().await?;
                Ok(marked)
            })
        })
        .await
    }

    async fn list_invoices(
        &self,
        filter: crate::portal::store::InvoiceFilter,
    ) -> Result<Page<crate::client::invoices::Invoice>, StoreError> {
        self.run(|client| {
            let filter = filter.clone();
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                // One snapshot for the count and the page.
                let tx = super::read_snapshot(client).await?;
                let page = super::invoices::list(&tx, &filter).await?;
                tx.commit().await?;
                Ok(page)
            })
        })
        .await
    }

    async fn invoice(
        &self,
        number: String,
        scope: Option<Vec<i64>>,
    ) -> Result<Option<crate::client::invoices::InvoiceDetail>, StoreError> {
        self.run(|client| {
            let (number, scope) = (number.clone(), scope.clone());
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                let tx = super::read_snapshot(client).await?;
                let detail = super::invoices::detail(&tx, &number, scope.as_deref()).await?;
                tx.commit().await?;
                Ok(detail)
            })
        })
        .await
    }

    async fn pay_invoice(
        &self,
        number: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::invoices::InvoiceDetail>> {
        self.run(|client| {
            let (number, writer, idempotency) =
                (number.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        super::invoices::pay(tx, &number, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    async fn create_webhook(
        &self,
        endpoint: NewEndpoint,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<CreatedWebhook>> {
        self.webhook_create(endpoint, writer, idempotency).await
    }

    async fn webhooks(&self, scope: WebhookScope) -> Result<Vec<WebhookEndpoint>, StoreError> {
        self.webhook_list(scope).await
    }

    async fn webhook(
        &self,
        id: i64,
        scope: WebhookScope,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        self.webhook_get(id, scope).await
    }

    async fn delete_webhook(
        &self,
        id: i64,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<WebhookEndpoint>> {
        self.webhook_delete(id, scope, writer, idempotency).await
    }

    async fn rotate_webhook_secret(
        &self,
        id: i64,
        secret: Secret,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<CreatedWebhook>> {
        self.webhook_rotate(id, secret, scope, writer, idempotency)
            .await
    }

    async fn webhook_deliveries(
        &self,
        endpoint: i64,
        scope: WebhookScope,
        page: u32,
        per_page: u32,
    ) -> Answer<Page<WebhookDelivery>> {
        self.webhook_deliveries_page(endpoint, scope, page, per_page)
            .await
    }

    async fn redeliver_webhook(
        &self,
        endpoint: i64,
        delivery: i64,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<WebhookDelivery>> {
        self.webhook_redeliver(endpoint, delivery, scope, writer, idempotency)
            .await
    }

    async fn claim_deliveries(
        &self,
        worker: String,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.webhook_claim(worker, limit, lease).await
    }

    async fn finish_delivery(
        &self,
        worker: String,
        id: i64,
        outcome: DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.webhook_finish(worker, id, outcome).await
    }

    async fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        self.webhook_wait(timeout).await
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

    // ---- bulk unbind (issue 16) ----
    async fn unbind_seats(
        &self,
        seats: Vec<i64>,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::bulk::BulkUnbindResponse>> {
        self.run(|client| {
            let (ids, writer, idempotency) = (seats.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { seats::unbind_many(tx, &ids, &writer).await })
                })
                .await
            })
        })
        .await
    }
}
