//! [`PortalStore`] on SQLite: each use case is one call of today's functions on one
//! pooled connection, on tokio's blocking pool (see [`SqliteStore::run`]).

use super::{
    SqliteStore, accounts, audit, capacity_writes, catalog, changes, new_activations, once,
    seat_writes, seats, server_keys, tokens, worker_queue,
};
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
    PortalStore, PurchaseRequest, SeatFilter, StoreError, TokenGrant, Writer,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

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

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.run(|conn| tokens::list(conn, None)).await
    }

    async fn revoke_token(
        &self,
        token_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(move |conn| tokens::revoke(conn, token_id, now))
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
        now: DateTime<Utc>,
    ) -> Result<Option<TokenInfo>, StoreError> {
        self.run(move |conn| accounts::issue_token(conn, account_id, &token, now))
            .await
    }

    async fn create_account(&self, account: NewAccount, writer: Writer) -> Answer<AccountInfo> {
        self.run(move |conn| accounts::create(conn, &account, &writer))
            .await
    }

    async fn accounts(&self) -> Result<Vec<AccountInfo>, StoreError> {
        self.run(|conn| accounts::list(conn, None)).await
    }

    async fn accept_invitation(
        &self,
        invitation_hash: String,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Answer<AccountInfo> {
        self.run(move |conn| {
            accounts::accept_invitation(conn, &invitation_hash, &password_hash, now)
        })
        .await
    }

    async fn disable_account(
        &self,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<AccountInfo>, StoreError> {
        self.run(move |conn| accounts::disable(conn, account_id, now))
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
}
