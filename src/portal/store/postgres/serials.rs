//! `GET /serials/{serial}` on PostgreSQL: the shared reads of `store::serials`, in one
//! read-only snapshot (REPEATABLE READ), as on SQLite.

use super::{PgStore, StoreError};
use crate::client::serials::SerialStory;
use crate::portal::store::events::RawEvent;
use crate::portal::store::serials::{self, DEVICE_SQL, LINES_SQL, RawDevice, RawLine};
use tokio_postgres::GenericClient;

async fn story(
    db: &impl GenericClient,
    serial: &str,
    scope: Option<&[i64]>,
) -> Result<SerialStory, StoreError> {
    let device = db
        .query_opt(DEVICE_SQL, &[&serial])
        .await?
        .map(|row| {
            Ok::<_, StoreError>(RawDevice {
                vendor: row.try_get(0)?,
                model: row.try_get(1)?,
                current_until: row.try_get(2)?,
            })
        })
        .transpose()?;
    let rows = match scope {
        Some(scope) => {
            let sql = format!("{LINES_SQL} AND a.organization_id = ANY($2) ORDER BY a.number DESC");
            db.query(&sql, &[&serial, &scope]).await?
        }
        None => {
            let sql = format!("{LINES_SQL} ORDER BY a.number DESC");
            db.query(&sql, &[&serial]).await?
        }
    };
    let history_sql = serials::history_sql();
    let mut with_history = Vec::with_capacity(rows.len());
    for row in rows {
        let line = RawLine {
            number: row.try_get(0)?,
            organization_id: row.try_get(1)?,
            organization_name: row.try_get(2)?,
            status: row.try_get(3)?,
            created_at: row.try_get(4)?,
            completed_at: row.try_get(5)?,
            error: row.try_get(6)?,
            new_until: row.try_get(7)?,
        };
        let object = format!("activation:{}", line.number);
        let events = db
            .query(&history_sql, &[&object])
            .await?
            .iter()
            .map(|row| {
                Ok(RawEvent {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    actor: row.try_get(2)?,
                    action: row.try_get(3)?,
                    object: row.try_get(4)?,
                    organization_id: row.try_get(5)?,
                    organization_name: row.try_get(6)?,
                    request_id: row.try_get(7)?,
                    before: row.try_get(8)?,
                    after: row.try_get(9)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        with_history.push((line, events));
    }
    serials::story(serial.to_string(), device, with_history)
}

impl PgStore {
    pub(super) async fn serial_story_of(
        &self,
        serial: String,
        scope: Option<Vec<i64>>,
    ) -> Result<SerialStory, StoreError> {
        self.run(|client| {
            let (serial, scope) = (serial.clone(), scope.clone());
            Box::pin(async move {
                let client: &mut tokio_postgres::Client = client;
                let tx = super::read_snapshot(client).await?;
                let found = story(&tx, &serial, scope.as_deref()).await?;
                tx.commit().await?;
                Ok(found)
            })
        })
        .await
    }
}
