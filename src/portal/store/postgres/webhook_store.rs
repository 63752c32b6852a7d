//! The use cases behind `PortalStore`'s webhook methods on PostgreSQL
//! (`portal_store.rs` delegates here; the SQL is `webhooks.rs`).

use super::once::write_once;
use super::webhooks;
use super::{PgStore, StoreError};
use crate::client::webhooks::{CreatedWebhook, WebhookDelivery, WebhookEndpoint};
use crate::client::wire::Page;
use crate::portal::idempotency::{Idempotency, Once};
use crate::portal::store::webhooks::{DeliveryOutcome, DueDelivery, NewEndpoint, WebhookScope};
use crate::portal::store::{Answer, Writer};
use crate::secret::Secret;
use std::time::Duration;

fn pg(client: &super::Client) -> &tokio_postgres::Client {
    client
}

impl PgStore {
    pub(super) async fn webhook_create(
        &self,
        endpoint: NewEndpoint,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<CreatedWebhook>> {
        self.run(|client| {
            let (endpoint, writer, idempotency) =
                (endpoint.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move {
                        webhooks::create(tx, &endpoint, writer.actor(), writer.now).await
                    })
                })
                .await
            })
        })
        .await
    }

    pub(super) async fn webhook_list(
        &self,
        scope: WebhookScope,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        self.run(|client| {
            let scope = scope.clone();
            Box::pin(async move { webhooks::list(pg(client), &scope).await })
        })
        .await
    }

    pub(super) async fn webhook_get(
        &self,
        id: i64,
        scope: WebhookScope,
    ) -> Result<Option<WebhookEndpoint>, StoreError> {
        self.run(|client| {
            let scope = scope.clone();
            Box::pin(async move { webhooks::get(pg(client), id, &scope).await })
        })
        .await
    }

    pub(super) async fn webhook_delete(
        &self,
        id: i64,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<WebhookEndpoint>> {
        self.run(|client| {
            let (scope, writer, idempotency) = (scope.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { webhooks::delete(tx, id, &scope).await })
                })
                .await
            })
        })
        .await
    }

    pub(super) async fn webhook_rotate(
        &self,
        id: i64,
        secret: Secret,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<CreatedWebhook>> {
        self.run(|client| {
            let (secret, scope, writer, idempotency) = (
                secret.clone(),
                scope.clone(),
                writer.clone(),
                idempotency.clone(),
            );
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(async move { webhooks::rotate(tx, id, &secret, &scope).await })
                })
                .await
            })
        })
        .await
    }

    pub(super) async fn webhook_deliveries_page(
        &self,
        endpoint: i64,
        scope: WebhookScope,
        page: u32,
        per_page: u32,
    ) -> Answer<Page<WebhookDelivery>> {
        self.run(|client| {
            let scope = scope.clone();
            Box::pin(async move {
                webhooks::deliveries(pg(client), endpoint, &scope, page, per_page).await
            })
        })
        .await
    }

    pub(super) async fn webhook_redeliver(
        &self,
        endpoint: i64,
        delivery: i64,
        scope: WebhookScope,
        writer: Writer,
        idempotency: Option<Idempotency>,
    ) -> Answer<Once<WebhookDelivery>> {
        self.run(|client| {
            let (scope, writer, idempotency) = (scope.clone(), writer.clone(), idempotency.clone());
            Box::pin(async move {
                write_once(client, idempotency.as_ref(), writer.now, move |tx| {
                    Box::pin(
                        async move { webhooks::redeliver(tx, endpoint, delivery, &scope).await },
                    )
                })
                .await
            })
        })
        .await
    }

    pub(super) async fn webhook_claim(
        &self,
        worker: String,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        self.run(|client| {
            let worker = worker.clone();
            Box::pin(async move { webhooks::claim(client, &worker, limit, lease).await })
        })
        .await
    }

    pub(super) async fn webhook_finish(
        &self,
        worker: String,
        id: i64,
        outcome: DeliveryOutcome,
    ) -> Result<(), StoreError> {
        self.run(|client| {
            let (worker, outcome) = (worker.clone(), outcome.clone());
            Box::pin(async move { webhooks::finish(pg(client), &worker, id, &outcome).await })
        })
        .await
    }

    pub(super) async fn webhook_wait(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.inner.deliveries.notified())
            .await
            .is_ok()
    }
}
