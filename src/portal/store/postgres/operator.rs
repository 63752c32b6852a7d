//! What start-up and the operator's commands do on a PostgreSQL store: the signing key
//! (created once for the whole deployment), tokens and the feed's pruning. The demo data
//! is `demo_copy.rs`.

use super::{PgStore, StoreError};
use crate::client::wire::Role;
use crate::portal::store::text::{timestamp_from_sql, timestamp_to_sql};
use crate::portal::store::{Actor, StoredKey, shell_actor_label};
use chrono::Utc;

impl PgStore {
    /// The secret a database from before key files holds (migration 1's table), until
    /// a portal started with the matching key file deletes it (`portal::key_ring`).
    pub async fn legacy_signing_secret(&self) -> Result<Option<[u8; 32]>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT secret FROM signing_key WHERE id = 1", &[])
            .await?;
        row.map(|row| {
            let bytes: Vec<u8> = row.try_get(0)?;
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::BadValue {
                column: "signing_key.secret",
                value: format!("{} bytes", bytes.len()),
            })
        })
        .transpose()
    }

    /// Every public key the deployment signed with, oldest first.
    pub async fn signing_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT key_id, public_key, created_at FROM signing_keys ORDER BY position",
                &[],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let created_at: String = row.try_get(2)?;
                Ok(StoredKey {
                    key_id: row.try_get(0)?,
                    public_key: row.try_get(1)?,
                    created_at: timestamp_from_sql("signing_keys.created_at", &created_at)?,
                })
            })
            .collect()
    }

    /// Adds a key as the newest (unless listed; with `only_first` only when there is
    /// none yet) and deletes a legacy secret (the caller holds it in a key file now).
    /// The table lock orders portals starting together on an empty database: the first
    /// one's key is the deployment's, and the others see it. Answers the keys after.
    pub async fn add_signing_key(
        &self,
        key: &StoredKey,
        only_first: bool,
    ) -> Result<Vec<StoredKey>, StoreError> {
        let mut client = self.client().await?;
        let client: &mut tokio_postgres::Client = &mut client;
        let tx = client.transaction().await?;
        tx.batch_execute("LOCK TABLE signing_keys IN EXCLUSIVE MODE")
            .await?;
        let listed: i64 = tx
            .query_one("SELECT count(*) FROM signing_keys", &[])
            .await?
            .try_get(0)?;
        let known: i64 = tx
            .query_one(
                "SELECT count(*) FROM signing_keys WHERE public_key = $1",
                &[&key.public_key],
            )
            .await?
            .try_get(0)?;
        let may_add = !only_first || listed == 0;
        if known == 0 && may_add {
            tx.execute(
                "INSERT INTO signing_keys (position, key_id, public_key, created_at)
                 VALUES ((SELECT coalesce(max(position), 0) + 1 FROM signing_keys), $1, $2, $3)",
                &[
                    &key.key_id,
                    &key.public_key,
                    &timestamp_to_sql(key.created_at),
                ],
            )
            .await?;
        }
        tx.execute("DELETE FROM signing_key", &[]).await?;
        tx.commit().await?;
        self.signing_keys().await
    }

    /// Stores a token's hash for `organizations` (empty: every organization now).
    pub async fn create_token(
        &self,
        token_hash: &str,
        role: Role,
        organizations: &[i64],
        label: &str,
    ) -> Result<i64, StoreError> {
        let mut client = self.client().await?;
        let client: &mut tokio_postgres::Client = &mut client;
        let tx = client.transaction().await?;
        let now = Utc::now();
        let mut scope: Vec<i64> = if organizations.is_empty() {
            tx.query("SELECT id FROM organizations ORDER BY id", &[])
                .await?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?
        } else {
            organizations.to_vec()
        };
        scope.sort_unstable();
        scope.dedup();
        for id in &scope {
            let exists = tx
                .query_opt("SELECT 1 FROM organizations WHERE id = $1", &[id])
                .await?
                .is_some();
            if !exists {
                return Err(StoreError::Invalid(format!(
                    "organization {id} does not exist in this store"
                )));
            }
        }
        let token_id: i64 = tx
            .query_one(
                "INSERT INTO tokens (hash, role, label, created_at) VALUES ($1, $2, $3, $4)
                 RETURNING id",
                &[&token_hash, &role.as_str(), &label, &timestamp_to_sql(now)],
            )
            .await?
            .try_get(0)?;
        tx.execute(
            "INSERT INTO token_organizations (token_id, organization_id)
             SELECT $1::bigint, unnest($2::bigint[])",
            &[&token_id, &scope],
        )
        .await?;
        // Recorded like a login's token (`token.created`): see SQLite's operator.rs.
        if let Some(info) = super::accounts::tokens(&tx, Some(token_id))
            .await?
            .into_iter()
            .next()
        {
            let actor_label = shell_actor_label();
            let actor = Actor {
                label: &actor_label,
                request_id: None,
            };
            super::accounts::audit_token(&tx, now, actor, "token.created", &info).await?;
        }
        tx.commit().await?;
        Ok(token_id)
    }

    /// Forgets deleted objects in the change feed, as SQLite's `changes::prune_deleted`:
    /// removes the rows of objects that no longer exist and raises `changes_floor` to
    /// the highest removed seq. Under the feed lock, like every feed write.
    pub async fn prune_deleted(&self) -> Result<usize, StoreError> {
        const EXISTS: &str = "CASE kind
            WHEN 'organization' THEN EXISTS (SELECT 1 FROM organizations o WHERE o.id::text = key)
            WHEN 'product' THEN EXISTS (SELECT 1 FROM products p WHERE p.id = key)
            WHEN 'price' THEN EXISTS (SELECT 1 FROM models m WHERE m.id::text = key)
            WHEN 'activation' THEN EXISTS (SELECT 1 FROM activations a WHERE a.number::text = key)
            WHEN 'seat' THEN EXISTS (SELECT 1 FROM seats s WHERE s.id::text = key)
            WHEN 'capacity' THEN EXISTS (SELECT 1 FROM capacity c
                WHERE c.organization_id::text || ':' || c.product_id = key)
            WHEN 'device' THEN EXISTS (SELECT 1 FROM organization_devices d
                WHERE d.organization_id::text || ':' || d.serial = key)
            WHEN 'event' THEN EXISTS (SELECT 1 FROM audit e WHERE e.id::text = key)
            ELSE TRUE END";
        let mut client = self.client().await?;
        let client: &mut tokio_postgres::Client = &mut client;
        let tx = client.transaction().await?;
        super::lock_feed(&tx).await?;
        let highest: Option<i64> = tx
            .query_one(
                &format!("SELECT MAX(seq) FROM changes WHERE NOT ({EXISTS})"),
                &[],
            )
            .await?
            .try_get(0)?;
        let Some(highest) = highest else {
            return Ok(0);
        };
        let removed = tx
            .execute(&format!("DELETE FROM changes WHERE NOT ({EXISTS})"), &[])
            .await?;
        tx.execute(
            "UPDATE store_meta SET value = GREATEST(value::bigint, $1)::text
             WHERE key = 'changes_floor'",
            &[&highest],
        )
        .await?;
        tx.commit().await?;
        Ok(usize::try_from(removed).unwrap_or(usize::MAX))
    }
}
