//! [`PortalStore`] on SQLite: each use case is one call of today's functions on one
//! pooled connection, on tokio's blocking pool (see [`SqliteStore::run`]).

use super::{
    SqliteStore, access_pages, accounts, audit, capacity_writes, catalog, changes, new_activations,
    once, seat_writes, seats, server_keys, tokens, webhooks, worker_queue,
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
use crate::domain::{ActivationStatus, Checked, distinct_serials};
use crate::portal::idempotency::{Idempotency, Once};
use crate::portal::rules;
use crate::portal::store::webhooks::{DeliveryOutcome, DueDelivery, NewEndpoint, WebhookScope};
use crate::portal::store::{
    AccessQuery, ActivationFilter, Answer, Channel, CodeUse, CreateRequest, Gone, LoginAccount,
    NewAccount, NewToken, PasswordUpdate, PortalStore, PurchaseRequest, SeatFilter, StoreError,
    TokenGrant, Writer,
};
use crate::secret::Secret;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

/// Prechecks of at least this many serials may be read on two threads (see
/// `precheck`): below it the lookups take a few milliseconds, less than a second
/// thread's hand-off is worth.
const SPLIT_PRECHECK_FROM: usize = 2_000;

#[async_trait::async_trait]
impl PortalStore for SqliteStore {
    async fn token(&self, token_hash: String) -> Result<Option<TokenGrant>, StoreError> {
        self.run(move |conn| {
            let Some(record) = tokens::find_by_hash(conn, &token_hash)? else {
                return Ok(None);
            };
            let organizations = catalog::organization_refs(conn, &record.organizations)?;
            Ok(Some(TokenGrant {
                token_id: record.id,
                role: record.role,
                label: record.label,
                organizations,
                account_id: record.account_id,
                expires_at: record.expires_at,
                revoked_at: record.revoked_at,
                last_used_at: record.last_used_at,
            }))
        })
        .await
    }

    async fn touch_token(&self, token_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(move |conn| tokens::touch(conn, token_id, now))
            .await
    }

    async fn tokens(&self, query: AccessQuery) -> Result<CursorPage<TokenInfo>, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let page = access_pages::tokens(&tx, &query)?;
            tx.commit()?;
            Ok(page)
        })
        .await
    }

    async fn revoke_token(
        &self,
        token_id: i64,
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(move |conn| accounts::revoke_token(conn, token_id, &writer))
            .await
    }

    async fn login_account(&self, email: String) -> Result<Option<LoginAccount>, StoreError> {
        self.run(move |conn| accounts::login_account(conn, &email))
            .await
    }

    async fn issue_token(
        &self,
        account_id: i64,
        token: NewToken,
        writer: Writer,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(move |conn| accounts::issue_token(conn, account_id, &token, &writer))
            .await
    }

    async fn create_account(
        &self,
        account: NewAccount,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<AccountInfo>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                accounts::create(tx, &account, &writer)
            })
        })
        .await
    }

    async fn accounts(&self, query: AccessQuery) -> Result<CursorPage<AccountInfo>, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let page = access_pages::accounts(&tx, &query)?;
            tx.commit()?;
            Ok(page)
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
        self.run(move |conn| {
            accounts::accept_invitation(
                conn,
                &invitation_hash,
                &password_hash,
                replay_since,
                &writer,
            )
        })
        .await
    }

    async fn disable_account(
        &self,
        account_id: i64,
        writer: Writer,
    ) -> Result<Option<AccountInfo>, StoreError> {
        self.run(move |conn| accounts::disable(conn, account_id, &writer))
            .await
    }

    async fn organizations(&self, ids: Vec<i64>) -> Result<Vec<Organization>, StoreError> {
        self.run(move |conn| catalog::organizations(conn, &ids))
            .await
    }

    async fn prices(&self) -> Result<Vec<Price>, StoreError> {
        self.run(|conn| catalog::prices(conn)).await
    }

    async fn accept_offer(
        &self,
        organization: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Organization>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                new_activations::accept_offer(tx, organization, writer.actor(), writer.now)
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                super::access::set_blocked(tx, organization, blocked, writer.actor(), writer.now)
            })
        })
        .await
    }

    async fn list_activations(&self, filter: ActivationFilter) -> Answer<Page<ActivationSummary>> {
        // One snapshot for the count and the page.
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let page = super::activations::list(&tx, &filter)?;
            tx.commit()?;
            Ok(page)
        })
        .await
    }

    async fn activation(
        &self,
        number: i64,
        scope: Vec<i64>,
    ) -> Result<Option<ActivationDetail>, StoreError> {
        self.run(move |conn| super::activations::get(conn, number, &scope))
            .await
    }

    async fn precheck(
        &self,
        serials: Vec<String>,
        today: NaiveDate,
    ) -> Result<Vec<Checked>, StoreError> {
        let mut wanted = distinct_serials(&serials);
        // A large list is read on two of the store's threads when both are free now,
        // half of the serials each (in key order), so the lookups run on two cores.
        // Each half reads in one transaction: a serial's registry entry and its open
        // lines always come from one snapshot. Never waited for: under load the whole
        // list goes to one thread, as before (docs/DESIGN.md §3.4).
        if wanted.len() >= SPLIT_PRECHECK_FROM && self.inner.workers.has_room_for(2) {
            let second = wanted.split_off(wanted.len() / 2);
            let half = |part: Vec<String>| {
                self.run(move |conn| {
                    let tx = conn.transaction()?;
                    let read = new_activations::lookups(&tx, &part)?;
                    tx.commit()?;
                    Ok(read)
                })
            };
            let ((mut devices, mut lines), (more_devices, more_lines)) =
                tokio::try_join!(half(wanted), half(second))?;
            devices.extend(more_devices);
            lines.extend(more_lines);
            return Ok(new_activations::verdicts(&serials, today, devices, &lines));
        }
        // One read transaction: one snapshot, and one WAL read lock for every lookup.
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let checked = new_activations::check(&tx, &serials, today)?;
            tx.commit()?;
            Ok(checked)
        })
        .await
    }

    async fn create_activations(
        &self,
        request: CreateRequest,
        now: DateTime<Utc>,
    ) -> Answer<Once<CreatedActivations>> {
        self.run(move |conn| new_activations::create(conn, &request, now))
            .await
    }

    async fn retry_activation(
        &self,
        number: i64,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<ActivationSummary>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                new_activations::retry(tx, number, &writer.scope, writer.actor(), writer.now)
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
        self.run(move |conn| new_activations::license_file(conn, number, &scope, &key))
            .await
    }

    async fn due_activations(
        &self,
        due_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<i64>, StoreError> {
        self.run(move |conn| super::activations::due(conn, due_by, limit))
            .await
    }

    async fn complete_activation(
        &self,
        number: i64,
        key: Arc<PortalKey>,
        now: DateTime<Utc>,
    ) -> Result<Option<ActivationStatus>, StoreError> {
        self.run(move |conn| worker_queue::process(conn, number, &key, now))
            .await
    }

    async fn wait_for_work(&self, timeout: std::time::Duration) -> bool {
        tokio::time::sleep(timeout).await;
        false
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    async fn signing_keys(&self) -> Result<Vec<crate::portal::store::StoredKey>, StoreError> {
        self.run(|conn| super::signing::signing_keys(conn)).await
    }

    async fn feed_page(
        &self,
        since: i64,
        limit: u32,
        scope: Vec<i64>,
        window: Option<FeedWindow>,
    ) -> Result<Result<ChangeFeed, Gone>, StoreError> {
        self.run(move |conn| changes::feed(conn, since, limit, &scope, window))
            .await
    }

    async fn list_seats(&self, filter: SeatFilter) -> Answer<Page<Seat>> {
        self.run(move |conn| {
            if let Some(product) = &filter.product
                && seats::product(conn, product)?.is_none()
            {
                let known: Vec<String> = seats::products(conn)?.into_iter().map(|p| p.id).collect();
                return Ok(Err(rules::unknown_product(&known, product)));
            }
            Ok(Ok(seats::list(conn, &filter)?))
        })
        .await
    }

    async fn seat_summary(
        &self,
        organizations: Vec<i64>,
        today: NaiveDate,
    ) -> Result<Vec<SeatSummary>, StoreError> {
        self.run(move |conn| seats::summary(conn, &organizations, today))
            .await
    }

    async fn users(
        &self,
        organization: i64,
        text: String,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        self.run(move |conn| seats::users(conn, organization, &text, limit))
            .await
    }

    async fn bind_seat(
        &self,
        seat: i64,
        email: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<Seat>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                seat_writes::bind(tx, seat, &email, &writer.scope, writer.actor(), writer.now)
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                seat_writes::unbind(tx, seat, &writer.scope, writer.actor(), writer.now)
            })
        })
        .await
    }

    async fn license_info(&self, organization: i64, now: DateTime<Utc>) -> Answer<LicenseInfo> {
        self.run(move |conn| capacity_writes::license_info(conn, organization, now))
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                capacity_writes::request_emergency(
                    tx,
                    organization,
                    &product,
                    accounts,
                    writer.actor(),
                    writer.now,
                )
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                capacity_writes::purchase(tx, &request, writer.actor(), writer.now)
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                server_keys::activate(
                    tx,
                    &request,
                    channel,
                    &writer.scope,
                    writer.actor(),
                    &key,
                    writer.now,
                )
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
        self.run(move |conn| {
            let owner = audit::object_organization(conn, &kind, &id)?;
            let object = format!("{kind}:{id}");
            if !owner.is_some_and(|org| scope.contains(&org)) {
                return Ok(Err(rules::unknown_object(&object)));
            }
            Ok(Ok(audit::list(conn, &object, page, per_page)?))
        })
        .await
    }

    async fn events(
        &self,
        filter: crate::portal::store::EventFilter,
    ) -> Result<crate::client::events::EventPage, StoreError> {
        self.run(move |conn| super::events::page(conn, &filter))
            .await
    }

    async fn serial_story(
        &self,
        serial: String,
        scope: Option<Vec<i64>>,
    ) -> Result<crate::client::serials::SerialStory, StoreError> {
        // One read transaction: the lines and their histories agree.
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let story = super::serials::story(&tx, &serial, scope.as_deref())?;
            tx.commit()?;
            Ok(story)
        })
        .await
    }

    async fn token_by_id(&self, token_id: i64) -> Result<Option<TokenInfo>, StoreError> {
        self.run(move |conn| Ok(tokens::list(conn, Some(token_id))?.into_iter().next()))
            .await
    }

    async fn account_by_id(&self, account_id: i64) -> Result<Option<AccountInfo>, StoreError> {
        self.run(move |conn| accounts::by_id(conn, account_id))
            .await
    }

    async fn change_password(
        &self,
        update: PasswordUpdate,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<PasswordChanged>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                accounts::change_password(tx, &update, &writer)
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
        self.run(move |conn| {
            accounts::issue_reset(conn, account_id, &code_hash, expires_at, &writer)
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
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                super::triage::retry_many(tx, &numbers, &writer)
            })
        })
        .await
    }

    async fn error_triage(
        &self,
        scope: Vec<i64>,
        since: DateTime<Utc>,
    ) -> Result<crate::client::bulk::ErrorTriage, StoreError> {
        self.run(move |conn| super::triage::triage(conn, &scope, since))
            .await
    }

    // ---- invoices (issue 17) ----
    async fn last_invoice_period(&self) -> Result<Option<crate::domain::Period>, StoreError> {
        self.run(|conn| super::invoices::last_issued_period(conn))
            .await
    }

    async fn issue_invoices(
        &self,
        run: crate::portal::store::IssueRun,
    ) -> Result<crate::portal::store::Issued, StoreError> {
        self.run(move |conn| super::invoices::issue(conn, &run))
            .await
    }

    async fn mark_overdue_invoices(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        self.run(move |conn| super::invoices::mark_overdue(conn, today, now))
            .await
    }

    async fn list_invoices(
        &self,
        filter: crate::portal::store::InvoiceFilter,
    ) -> Result<Page<crate::client::invoices::Invoice>, StoreError> {
        self.run(move |conn| {
            // One snapshot for the count and the page.
            let tx = conn.transaction()?;
            let page = super::invoices::list(&tx, &filter)?;
            tx.commit()?;
            Ok(page)
        })
        .await
    }

    async fn invoice(
        &self,
        number: String,
        scope: Option<Vec<i64>>,
    ) -> Result<Option<crate::client::invoices::InvoiceDetail>, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction()?;
            let detail = super::invoices::detail(&tx, &number, scope.as_deref())?;
            tx.commit()?;
            Ok(detail)
        })
        .await
    }

    async fn pay_invoice(
        &self,
        number: String,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::invoices::InvoiceDetail>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                super::invoices::pay(tx, &number, writer.actor(), writer.now)
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
        self.run(move |conn| webhooks::list(conn, &scope)).await
    }

    async fn webhook(
        &self,
        id: i64,
        scope: WebhookScope,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        self.run(move |conn| webhooks::get(conn, id, &scope)).await
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
        self.run(move |conn| webhooks::deliveries(conn, endpoint, &scope, page, per_page))
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
        lease: std::time::Duration,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.run(move |conn| webhooks::claim(conn, &worker, limit, lease))
            .await
    }

    async fn finish_delivery(
        &self,
        worker: String,
        id: i64,
        outcome: DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.run(move |conn| webhooks::finish(conn, &worker, id, &outcome))
            .await
    }

    async fn wait_for_deliveries(&self, timeout: std::time::Duration) -> bool {
        tokio::time::timeout(timeout, self.deliveries_written().notified())
            .await
            .is_ok()
    }

    async fn devices(
        &self,
        filter: crate::portal::store::devices::DeviceFilter,
    ) -> Result<crate::client::devices::DevicePage, StoreError> {
        self.run(move |conn| super::devices::page(conn, &filter))
            .await
    }

    async fn device_totals(
        &self,
        filter: crate::portal::store::devices::DeviceFilter,
    ) -> Result<crate::client::devices::DeviceTotals, StoreError> {
        self.run(move |conn| super::devices::totals(conn, &filter))
            .await
    }

    // ---- bulk unbind (issue 16) ----
    async fn unbind_seats(
        &self,
        seats: Vec<i64>,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<crate::client::bulk::BulkUnbindResponse>> {
        self.run(move |conn| {
            once::write_once(conn, idempotency.as_ref(), writer.now, |tx| {
                seat_writes::unbind_many(tx, &seats, &writer)
            })
        })
        .await
    }
}
