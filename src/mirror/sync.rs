//! One sync: send the outbox in order, then pull the change feed from the mirror's
//! cursor until it is current. Used by the console's background loop and by
//! `licadm sync`.

use super::outbox::{OutboxAction, OutboxItem, OutboxState};
use super::{ChangeCounts, Mirror, MirrorError};
use crate::client::feed::{CURSOR_GONE_CODE, FEED_MAX_LIMIT, FeedWindow};
use crate::client::wire::{ActivationQuery, Me};
use crate::client::{ApiClient, ClientError};
use chrono::{DateTime, Months, NaiveTime, Utc};
use std::collections::BTreeSet;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("{0}")]
    Mirror(#[from] MirrorError),
}

impl SyncError {
    /// The portal could not be reached: the console is offline, not broken.
    pub fn is_connection(&self) -> bool {
        matches!(self, SyncError::Client(e) if e.is_connection())
    }
}

/// Progress of the pull, for the console's indicator on the first (full) sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncProgress {
    pub full: bool,
    /// Objects received so far in this sync.
    pub received: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub at: DateTime<Utc>,
    /// Objects received, by kind.
    pub counts: ChangeCounts,
    /// This was a full sync (first one, or after the cursor was gone or the portal's
    /// store was replaced).
    pub full: bool,
    pub cursor: i64,
    pub flush: FlushReport,
    /// The mirror holds a window from this time (docs/DESIGN.md §6.5).
    pub window_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Items the portal applied.
    pub sent: u32,
    /// Items the portal refused in this flush.
    pub conflicts: Vec<OutboxItem>,
    /// Still waiting (the portal went away mid-flush, or nothing was tried).
    pub pending: usize,
}

/// Runs one sync. Sends the outbox first so the pull brings back their effects.
pub async fn sync_once(
    client: &ApiClient,
    mirror: &Mirror,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    sync_in_pages(client, mirror, FEED_MAX_LIMIT, progress).await
}

/// [`sync_once`] with pages of `page_size` objects (tests use small pages to cut a
/// sync between pages).
pub async fn sync_in_pages(
    client: &ApiClient,
    mirror: &Mirror,
    page_size: u32,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let _only_one = mirror.sync_lock.lock().await;
    let flush = flush_locked(client, mirror, None).await?;
    let me = client.me().await?;
    mirror
        .run(move |m| {
            // The token now sees other organizations than the mirror was filled for:
            // objects of a new one are older than the cursor and would never come as a
            // delta, and those of a lost one must not stay readable. Start over.
            let held = m.state()?.me;
            let scope =
                |me: &Me| -> BTreeSet<i64> { me.organizations.iter().map(|o| o.id).collect() };
            if held.is_some_and(|held| scope(&held) != scope(&me)) {
                m.reset()?;
            }
            m.save_me(&me)
        })
        .await?;
    // Every key that signed license files (all of them, oldest first: a rotation adds
    // one), for verifying them offline; asked on every sync so a rotation reaches it.
    if let Ok(key) = client.signing_key().await {
        mirror
            .run(move |m| m.save_signing_key(&key.ring_text(), Utc::now()))
            .await?;
    }
    let (counts, full, cursor) = pull_locked(client, mirror, page_size, progress).await?;
    let window_from = mirror.run(|m| m.state()).await?.window_from;
    Ok(SyncReport {
        at: Utc::now(),
        counts,
        full,
        cursor,
        flush,
        window_from,
    })
}

/// Pulls the feed from the mirror's cursor until current (the caller holds the lock).
/// Answers the objects received, whether it was a full sync, and the new cursor.
async fn pull_locked(
    client: &ApiClient,
    mirror: &Mirror,
    page_size: u32,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<(ChangeCounts, bool, i64), SyncError> {
    let mut counts = ChangeCounts::default();
    let mut restarted = false;
    let state = mirror.run(|m| m.state()).await?;
    let mut full = !state.complete || state.cursor == 0;
    let mut cursor = state.cursor;
    // Only the full sync is windowed: once complete, every delta comes whole, so an
    // activation never stays stale in the mirror (docs/DESIGN.md §6.5).
    let mut window = match (state.complete, state.window_from) {
        (true, _) => None,
        (false, Some(from)) => Some(FeedWindow {
            from,
            head: state.window_head,
        }),
        (false, None) if state.cursor == 0 => open_window(client, mirror).await?,
        (false, None) => None,
    };
    let mut next = fetch(client, cursor, page_size, window);
    loop {
        let feed = match next.await {
            Ok(Err(ClientError::Api {
                status: 410, code, ..
            })) if code == CURSOR_GONE_CODE && !restarted => {
                // The portal no longer has history back to our cursor: start over.
                restarted = true;
                full = true;
                mirror.run(|m| m.reset()).await?;
                counts = ChangeCounts::default();
                window = open_window(client, mirror).await?;
                next = fetch(client, 0, page_size, window);
                continue;
            }
            Ok(answer) => answer?,
            Err(e) => return Err(MirrorError::Task(e.to_string()).into()),
        };
        let now = Utc::now();
        let more = feed.more;
        cursor = feed.cursor;
        if let Some(window) = window.as_mut() {
            window.head = window.head.or(feed.window_head);
        }
        // The next page travels while this one is written: a full sync costs about
        // the slower of the two, not their sum.
        let prefetch = more.then(|| fetch(client, feed.cursor, page_size, window));
        let applied = mirror.run(move |m| m.apply_page(&feed, now)).await;
        let outcome = match applied {
            Ok(outcome) => outcome,
            Err(e) => {
                if let Some(prefetch) = prefetch {
                    prefetch.abort();
                }
                return Err(e.into());
            }
        };
        if outcome.replaced {
            if let Some(prefetch) = prefetch {
                prefetch.abort();
            }
            if restarted {
                return Err(MirrorError::Task(
                    "the portal's store changed twice during one sync".into(),
                )
                .into());
            }
            // The portal's store was replaced: start over from nothing.
            restarted = true;
            full = true;
            counts = ChangeCounts::default();
            window = open_window(client, mirror).await?;
            next = fetch(client, 0, page_size, window);
            continue;
        }
        counts.add(outcome.counts);
        progress(SyncProgress {
            full,
            received: counts.total(),
        });
        match prefetch {
            Some(prefetch) => next = prefetch,
            None => break,
        }
    }
    if full {
        mirror.run(|m| m.analyze()).await?;
    }
    Ok((counts, full, cursor))
}

/// Decides, before a full sync, whether the mirror holds everything the token sees or
/// a window of it: a token that sees more activations than the policy's threshold (the
/// vendor's support, say) gets the last months, the unfinished ones and what it opens,
/// and reads the rest from the portal on demand (docs/DESIGN.md §6.5). The total comes
/// from the portal's counters: one cheap request.
async fn open_window(client: &ApiClient, mirror: &Mirror) -> Result<Option<FeedWindow>, SyncError> {
    let policy = mirror.policy;
    let probe = ActivationQuery {
        per_page: 10,
        ..ActivationQuery::default()
    };
    let page = client.activations(&probe).await?;
    let from = (page.total > policy.threshold || page.total_capped)
        .then(|| window_start(Utc::now(), policy.months));
    mirror.run(move |m| m.set_window(from)).await?;
    Ok(from.map(|from| FeedWindow { from, head: None }))
}

/// Midnight UTC `months` calendar months before `now` (the 31st falls back to the
/// month's last day).
fn window_start(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let day = now.date_naive();
    let start = day
        .checked_sub_months(Months::new(months))
        .unwrap_or(day)
        .and_time(NaiveTime::MIN);
    start.and_utc()
}

/// One page of the feed, fetched in its own task.
fn fetch(
    client: &ApiClient,
    since: i64,
    page_size: u32,
    window: Option<FeedWindow>,
) -> tokio::task::JoinHandle<Result<crate::client::feed::ChangeFeed, ClientError>> {
    let client = client.clone();
    tokio::spawn(async move { client.changes(since, page_size, window).await })
}

/// The outcome of a write made through the mirror.
#[derive(Debug, Clone, PartialEq)]
pub enum Written<T> {
    /// The portal applied it and answered.
    Done(T),
    /// The portal could not be reached: the write waits in the outbox.
    Queued(OutboxItem),
}

/// A write from the console: queued durably first, then (after anything queued
/// before it, in order) sent at once. Online, the caller gets the portal's answer or
/// refusal as without a mirror; offline, the item stays queued and is sent by a later
/// sync. A crash at any point leaves the item in the outbox, and its idempotency key
/// makes a second send harmless.
pub async fn write_through<T, Fut>(
    client: &ApiClient,
    mirror: &Mirror,
    action: OutboxAction,
    idempotency_key: String,
    send: impl FnOnce(ApiClient, String) -> Fut,
) -> Result<Written<T>, ClientError>
where
    Fut: Future<Output = Result<T, ClientError>>,
{
    let local = |e: MirrorError| ClientError::Local(e.to_string());
    let key = idempotency_key.clone();
    let item = mirror
        .run(move |m| m.enqueue(&action, &key, Utc::now()))
        .await
        .map_err(local)?;
    let _only_one = mirror.sync_lock.lock().await;
    match flush_locked(client, mirror, Some(item.id)).await {
        Ok(_) => {}
        Err(SyncError::Client(e)) if !is_refusal(&e) => return Ok(Written::Queued(item)),
        Err(SyncError::Client(e)) => return Err(e),
        Err(SyncError::Mirror(e)) => return Err(local(e)),
    }
    let id = item.id;
    // Named like every send of the item (`outbox_request_id`), so its first attempt and
    // any resend are told apart in the portal's log.
    match send(
        client.with_request_id(outbox_request_id(&item)),
        idempotency_key,
    )
    .await
    {
        Ok(value) => {
            mirror
                .run(move |m| m.settle(id, OutboxState::Done, None, Utc::now()))
                .await
                .map_err(local)?;
            // Read your own write: what the screens re-read next comes from the mirror.
            // Only a mirror that has completed a full sync is read from, so pull then.
            if mirror.run(|m| m.state()).await.is_ok_and(|s| s.complete) {
                let _ = pull_locked(client, mirror, FEED_MAX_LIMIT, &|_| {}).await;
            }
            Ok(Written::Done(value))
        }
        Err(error) if is_refusal(&error) => {
            // Refused while the user is looking: shown where they are (as without a
            // mirror), so it is not also listed as a conflict for later.
            let message = error.to_string();
            mirror
                .run(move |m| m.settle(id, OutboxState::Done, Some(&message), Utc::now()))
                .await
                .map_err(local)?;
            Err(error)
        }
        Err(error) => {
            let message = error.to_string();
            mirror
                .run(move |m| m.settle(id, OutboxState::Pending, Some(&message), Utc::now()))
                .await
                .map_err(local)?;
            Ok(Written::Queued(item))
        }
    }
}

/// Sends what is pending, in order, without pulling.
pub async fn flush_outbox(client: &ApiClient, mirror: &Mirror) -> Result<FlushReport, SyncError> {
    let _only_one = mirror.sync_lock.lock().await;
    flush_locked(client, mirror, None).await
}

/// Cancels a queued item before it is sent (false: it was sent, refused or gone
/// meanwhile). Holds the sync lock, so no send of it is in flight in this process; an
/// item tried before without an answer may still have reached the portal (the outbox
/// overlay says so before asking).
pub async fn cancel_queued(mirror: &Mirror, id: i64) -> Result<bool, MirrorError> {
    let _only_one = mirror.sync_lock.lock().await;
    mirror.run(move |m| m.cancel(id)).await
}

/// Sends pending items in order — only those queued before `before`, when given.
async fn flush_locked(
    client: &ApiClient,
    mirror: &Mirror,
    before: Option<i64>,
) -> Result<FlushReport, SyncError> {
    let mut pending = mirror.run(|m| m.pending()).await?;
    if let Some(before) = before {
        pending.retain(|item| item.id < before);
    }
    let mut report = FlushReport {
        pending: pending.len(),
        ..FlushReport::default()
    };
    for item in pending {
        let outcome = send(client, &item).await;
        let now = Utc::now();
        let id = item.id;
        match outcome {
            Ok(()) => {
                mirror
                    .run(move |m| m.settle(id, OutboxState::Done, None, now))
                    .await?;
                report.sent += 1;
                report.pending -= 1;
            }
            Err(error) if is_refusal(&error) => {
                let message = error.to_string();
                mirror
                    .run(move |m| m.settle(id, OutboxState::Conflict, Some(&message), now))
                    .await?;
                report.pending -= 1;
                report.conflicts.push(OutboxItem {
                    state: OutboxState::Conflict,
                    message: Some(error.to_string()),
                    attempts: item.attempts + 1,
                    ..item
                });
            }
            Err(error) => {
                // Not refused, just not delivered: keep it, and everything after it,
                // in order for the next try.
                let message = error.to_string();
                mirror
                    .run(move |m| m.settle(id, OutboxState::Pending, Some(&message), now))
                    .await?;
                return Err(error.into());
            }
        }
    }
    Ok(report)
}

/// The portal looked at the request and said no: retrying the same request cannot
/// succeed. A 401 is not one (the token may be fixed); neither is a 5xx.
fn is_refusal(error: &ClientError) -> bool {
    match error {
        ClientError::Rejected { .. } => true,
        ClientError::Api { status, .. } => (400..500).contains(status) && *status != 401,
        _ => false,
    }
}

/// The `X-Request-Id` of one send of a queued write: the outbox item and the attempt,
/// so each resend of it is told apart, and found, in the portal's log and its events.
pub fn outbox_request_id(item: &OutboxItem) -> String {
    format!("outbox-{}-{}", item.id, item.attempts + 1)
}

async fn send(client: &ApiClient, item: &OutboxItem) -> Result<(), ClientError> {
    let client = &client.with_request_id(outbox_request_id(item));
    let key = Some(item.idempotency_key.as_str());
    match &item.action {
        OutboxAction::Bind { seat, email } => client.bind_seat(*seat, email, key).await.map(drop),
        OutboxAction::Unbind { seat } => client.unbind_seat(*seat, key).await.map(drop),
        OutboxAction::Retry { number } => client.retry(*number, key).await.map(drop),
        OutboxAction::Emergency { request } => client
            .request_emergency_license(request, key)
            .await
            .map(drop),
        OutboxAction::Activate {
            organization,
            serials,
        } => client
            .create_activations(*organization, serials, &item.idempotency_key)
            .await
            .map(drop),
    }
}
