//! A sync round: register this device's sites and documents, list every document the user may
//! see, subscribe to all of them over `GET /v1/sync`, and exchange Automerge sync messages until
//! every document is in sync. Watch mode keeps the socket open, offers local edits as they are
//! committed (by this process or another one on the same data directory) and reconnects with
//! capped backoff.

use crate::sync::server_api::{register, Api};
use crate::sync::session::META_STATUS;
use crate::{CoreError, Folio};
use chrono::Utc;
use folio_model::{SyncReport, SyncStatus};
use folio_sync::api::{path, DocRequest, Items, ListedDoc, Me, SiteRequest};
use folio_sync::{DocId, Frame, Refusal, SessionClose};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// How long a round waits for the server after the last frame before it counts as in sync.
const QUIET: Duration = Duration::from_millis(1500);

/// Sync messages applied in one write at most.
const RECEIVE_BATCH: usize = 256;

/// A round that is still exchanging messages after this long is an error.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

impl Folio {
    /// The indicator's state, as the last sync (in any process) left it.
    pub async fn sync_status(&self) -> Result<SyncStatus, CoreError> {
        if self.account_session().await?.is_none() {
            return Ok(SyncStatus::LocalOnly);
        }
        Ok(self
            .meta(META_STATUS)
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(SyncStatus::Offline {
                reason: "not synced yet".into(),
                since: Utc::now(),
            }))
    }

    pub(crate) async fn set_status(&self, status: &SyncStatus) -> Result<(), CoreError> {
        let json = serde_json::to_string(status).map_err(|e| CoreError::Internal(e.to_string()))?;
        self.set_meta(META_STATUS, &json).await
    }

    pub(crate) async fn register_sites(&self, api: &Api) -> Result<(), CoreError> {
        let sites: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM sites WHERE account_id = ?")
                .bind(self.account_id.to_string())
                .fetch_all(&self.pool)
                .await?;
        for (id, name) in sites {
            // Viewers cannot register sites; they only receive what they were granted.
            let site_id = id
                .parse()
                .map_err(|_| CoreError::Corrupt(format!("stored site id {id:?} is not valid")))?;
            register(api, path::SITES, &SiteRequest { site_id, name }).await?;
        }
        Ok(())
    }

    /// Register every document this device holds, then list every one the user may see.
    async fn documents(&self, api: &Api) -> Result<BTreeSet<DocId>, CoreError> {
        self.register_sites(api).await?;
        let held: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT doc_id FROM doc_chunks")
            .fetch_all(&self.pool)
            .await?;
        let listed: Items<ListedDoc> = api.get(path::DOCS).await?;
        let known: BTreeSet<String> = listed.items.into_iter().map(|d| d.doc_id).collect();
        for (id,) in &held {
            if known.contains(id) {
                continue;
            }
            let Ok(doc) = DocId::from_str(id) else {
                continue;
            };
            if matches!(doc, DocId::Account(a) if a != self.account_id.0) {
                // the device's account from before it joined this one: not shared
                continue;
            }
            let site = match doc {
                DocId::Article(content) => {
                    let site: Option<(String,)> =
                        sqlx::query_as("SELECT site_id FROM content WHERE id = ?")
                            .bind(content.to_string())
                            .fetch_optional(&self.pool)
                            .await?;
                    match site {
                        Some((s,)) => Some(s),
                        // a deleted article nobody else has seen: nothing to share
                        None => continue,
                    }
                }
                other => other.site().map(|s| s.to_string()),
            };
            let site_id = match site {
                Some(s) => Some(s.parse().map_err(|_| {
                    CoreError::Corrupt(format!("stored site id {s:?} is not valid"))
                })?),
                None => None,
            };
            if let Some(site) = doc.site() {
                let exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sites WHERE id = ?")
                    .bind(site.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                if exists.is_none() {
                    continue;
                }
            }
            let request = DocRequest {
                doc_id: id.clone(),
                kind: None,
                site_id,
            };
            register(api, path::DOCS, &request).await?;
        }
        let listed: Items<ListedDoc> = api.get(path::DOCS).await?;
        // A document id this version cannot read (a newer kind) is skipped, not an error.
        Ok(listed
            .items
            .iter()
            .filter_map(|d| DocId::from_str(&d.doc_id).ok())
            .collect())
    }

    /// One sync round: returns when every document is in sync with the server.
    pub async fn sync_once(&self) -> Result<SyncReport, CoreError> {
        self.set_status(&SyncStatus::Syncing).await?;
        let result = self.sync_round(None, &|_| {}).await;
        self.record_outcome(&result).await?;
        result
    }

    async fn record_outcome(
        &self,
        result: &Result<SyncReport, CoreError>,
    ) -> Result<(), CoreError> {
        let status = match result {
            Ok(report) if report.refused.iter().any(|(_, r)| r == "plan_limit") => {
                SyncStatus::Error {
                    reason: "the plan's keyword limit: some keywords stay on this device only; delete keywords you do not need or upgrade the plan".into(),
                    at: Utc::now(),
                }
            }
            Ok(_) => SyncStatus::Synced { at: Utc::now() },
            Err(CoreError::Sync(reason)) => SyncStatus::Offline {
                reason: reason.clone(),
                since: Utc::now(),
            },
            Err(e) => SyncStatus::Error {
                reason: e.to_string(),
                at: Utc::now(),
            },
        };
        self.set_status(&status).await
    }

    /// Sync until `stop` turns true: rounds, then live changes both ways, reconnecting with
    /// backoff (1 s doubling to 60 s) while the server is unreachable. `on_status` sees every
    /// change of the indicator.
    pub async fn sync_watch(
        &self,
        mut stop: tokio::sync::watch::Receiver<bool>,
        on_status: impl Fn(&SyncStatus) + Send + Sync,
    ) -> Result<(), CoreError> {
        let mut backoff = Duration::from_secs(1);
        while !*stop.borrow() {
            self.set_status(&SyncStatus::Syncing).await?;
            on_status(&SyncStatus::Syncing);
            let result = self.sync_round(Some(&mut stop), &on_status).await;
            self.record_outcome(&result).await?;
            let status = self.sync_status().await?;
            on_status(&status);
            match result {
                Ok(_) => backoff = Duration::from_secs(1),
                Err(CoreError::Unauthenticated(m)) => return Err(CoreError::Unauthenticated(m)),
                Err(e) => {
                    tracing::warn!(error = %e, retry_in = ?backoff, "sync interrupted");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = stop.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                }
            }
        }
        Ok(())
    }

    /// A round until in sync, then (when watching) live changes until `stop` — on a fresh
    /// connection again when the server closed the last one because its access token expired
    /// (the socket lives no longer than its token, DESIGN §3).
    async fn sync_round(
        &self,
        mut watch: Option<&mut tokio::sync::watch::Receiver<bool>>,
        on_status: &(dyn Fn(&SyncStatus) + Send + Sync),
    ) -> Result<SyncReport, CoreError> {
        // A token lives minutes: more than a few expiries in a row means the clocks disagree.
        for _ in 0..3 {
            match self.connection(watch.as_deref_mut(), on_status).await? {
                Round::Done(report) => return Ok(report),
                Round::TokenExpired => {
                    tracing::debug!("sync: the access token expired; reconnecting");
                }
            }
        }
        Err(CoreError::Sync(
            "the sync server kept closing the connection because its access token had expired; check this computer's clock".into(),
        ))
    }

    /// One connection: a round until in sync, then (when watching) live changes until `stop`.
    async fn connection(
        &self,
        mut watch: Option<&mut tokio::sync::watch::Receiver<bool>>,
        on_status: &(dyn Fn(&SyncStatus) + Send + Sync),
    ) -> Result<Round, CoreError> {
        let started = Instant::now();
        let (api, _session) = self.authorised_api().await?;
        self.bind_plan(&api).await?;
        let docs = self.documents(&api).await?;
        tracing::debug!(
            docs = docs.len(),
            ms = started.elapsed().as_millis() as u64,
            "sync: documents listed"
        );
        let device = self.device_id().await?;
        let peer = format!("server:{}", api.base);
        let ws_url = format!(
            "{}/v1/sync?device={device}",
            api.base.replacen("http", "ws", 1)
        );
        let mut request = ws_url
            .into_client_request()
            .map_err(|e| CoreError::Sync(format!("bad sync URL: {e}")))?;
        let bearer = format!("Bearer {}", api.access.as_deref().unwrap_or_default());
        request.headers_mut().insert(
            "authorization",
            bearer
                .parse()
                .map_err(|_| CoreError::Sync("the access token is not a valid header".into()))?,
        );
        // Small frames answered at once: Nagle's algorithm would hold each for a delayed ACK.
        let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
            .await
            .map_err(|e| CoreError::Sync(format!("cannot open the sync connection: {e}")))?;

        let mut report = SyncReport::default();
        let mut versions = self.doc_versions().await?;
        let subscribe = Frame::Subscribe {
            docs: docs.iter().copied().collect(),
        };
        send(&mut socket, &subscribe).await?;
        let mut refused: BTreeMap<DocId, Refusal> = BTreeMap::new();
        // Documents not yet known to be in sync: a document is, once the server's message left
        // this side with nothing more to say (its heads then include ours, and ours theirs).
        let mut unsettled: BTreeSet<DocId> = docs.clone();
        let docs_list: Vec<DocId> = docs.iter().copied().collect();
        for frame in self.offer_many(&docs_list, &peer).await? {
            send(&mut socket, &frame).await?;
            report.sent += 1;
        }
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "sync: offers sent"
        );
        let mut receiving = Duration::ZERO;
        let mut settled_at: Option<Instant> = None;
        // "synced at" is written once per quiet spell, not at every tick
        let mut reported_synced = false;
        let mut last_docs_check = Instant::now();
        let mut known = docs.clone();
        let mut local_changes = self.changes();
        loop {
            let next = tokio::select! {
                frame = tokio::time::timeout(Duration::from_millis(250), socket.next()) => {
                    frame.map_err(|_| Wake::Quiet)
                }
                // A write in this process: offer it now rather than at the next tick.
                _ = local_changes.changed() => Err(Wake::Local),
            };
            match next {
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    settled_at = None;
                    reported_synced = false;
                    // Whatever else has arrived already is applied in the same write: one
                    // transaction for a burst of documents instead of one each.
                    let mut frames = vec![bytes];
                    while frames.len() < RECEIVE_BATCH {
                        match socket.next().now_or_never() {
                            Some(Some(Ok(Message::Binary(more)))) => frames.push(more),
                            Some(Some(Ok(_))) => {}
                            _ => break,
                        }
                    }
                    let mut incoming = Vec::new();
                    for bytes in frames {
                        match Frame::decode(&bytes) {
                            Ok(Frame::Sync { doc, message }) => incoming.push((doc, message)),
                            Ok(Frame::Refused { doc, reason }) => {
                                tracing::info!(%doc, ?reason, "the server will not sync a document");
                                refused.insert(doc, reason);
                                unsettled.remove(&doc);
                            }
                            Ok(Frame::Available { doc }) => {
                                if known.insert(doc) {
                                    send(&mut socket, &Frame::Subscribe { docs: vec![doc] })
                                        .await?;
                                    unsettled.insert(doc);
                                }
                            }
                            Ok(Frame::Error { message }) => {
                                return Err(CoreError::Sync(format!(
                                    "the sync server closed the connection: {message}"
                                )));
                            }
                            Ok(Frame::Subscribe { .. }) => {}
                            Err(e) => {
                                return Err(CoreError::Sync(format!("the sync server sent a frame this version cannot read ({e}); update Folio")));
                            }
                        }
                    }
                    let t = Instant::now();
                    let applied = self.receive_many(incoming, &peer).await?;
                    receiving += t.elapsed();
                    for r in applied {
                        report.received += usize::from(r.changed);
                        if let Some(reply) = r.reply {
                            send(&mut socket, &reply).await?;
                            report.sent += 1;
                        }
                        if r.settled {
                            unsettled.remove(&r.doc);
                        } else {
                            unsettled.insert(r.doc);
                        }
                    }
                    if watch.is_none() && unsettled.is_empty() {
                        break;
                    }
                }
                Ok(Some(Ok(Message::Close(frame)))) => {
                    let why = frame.and_then(|f| SessionClose::from_code(u16::from(f.code)));
                    return match why {
                        Some(SessionClose::AccessExpired) => Ok(Round::TokenExpired),
                        Some(SessionClose::SessionEnded) => Err(CoreError::Unauthenticated(
                            "this device's login to the sync server has ended (a logout, a password reset, or a sign-in elsewhere that looked like a stolen session); log in again — your work is kept here".into(),
                        )),
                        Some(SessionClose::Removed) => Err(CoreError::Unauthenticated(
                            "you were removed from this account on the sync server; its sites stay on this device, but no longer sync".into(),
                        )),
                        None => Err(CoreError::Sync(
                            "the sync server closed the connection".into(),
                        )),
                    };
                }
                Ok(None) => {
                    return Err(CoreError::Sync(
                        "the sync server closed the connection".into(),
                    ));
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(e))) => {
                    return Err(CoreError::Sync(format!("the sync connection broke: {e}")));
                }
                Err(quiet_or_local) => {
                    let local = quiet_or_local.is_local();
                    // Quiet: offer whatever changed here since, then decide whether we are done.
                    let now = self.doc_versions().await?;
                    let mut offered = false;
                    for (doc, version) in &now {
                        if versions.get(doc) == Some(version) {
                            continue;
                        }
                        if !known.contains(doc) {
                            // a document made here since the round began: register it first
                            let fresh = self.documents(&api).await?;
                            let new: Vec<DocId> = fresh.difference(&known).copied().collect();
                            known.extend(new.iter().copied());
                            unsettled.extend(new.iter().copied());
                            if !new.is_empty() {
                                send(&mut socket, &Frame::Subscribe { docs: new }).await?;
                            }
                        }
                        if known.contains(doc) && !refused.contains_key(doc) {
                            if let Some(frame) = self.offer(*doc, &peer).await? {
                                send(&mut socket, &frame).await?;
                                report.sent += 1;
                                offered = true;
                                unsettled.insert(*doc);
                            }
                        }
                    }
                    versions = now;
                    if offered || local {
                        settled_at = None;
                        continue;
                    }
                    let quiet_since = *settled_at.get_or_insert_with(Instant::now);
                    match watch.as_deref_mut() {
                        None => {
                            if quiet_since.elapsed() >= QUIET {
                                break;
                            }
                            if started.elapsed() > ROUND_LIMIT {
                                return Err(CoreError::Sync(
                                    "the sync round did not settle; try again".into(),
                                ));
                            }
                        }
                        Some(stop) => {
                            if quiet_since.elapsed() >= QUIET && !reported_synced {
                                reported_synced = true;
                                let synced = SyncStatus::Synced { at: Utc::now() };
                                self.set_status(&synced).await?;
                                on_status(&synced);
                            }
                            if *stop.borrow() {
                                break;
                            }
                            if last_docs_check.elapsed() > Duration::from_secs(10) {
                                last_docs_check = Instant::now();
                                let fresh = self.documents(&api).await?;
                                let new: Vec<DocId> = fresh.difference(&known).copied().collect();
                                if !new.is_empty() {
                                    known.extend(new.iter().copied());
                                    send(&mut socket, &Frame::Subscribe { docs: new }).await?;
                                }
                            }
                        }
                    }
                }
            }
        }
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            applying_ms = receiving.as_millis() as u64,
            unsettled = unsettled.len(),
            "sync: exchange over"
        );
        let _ = socket.close(None).await;
        self.reproject_pending().await?;
        report.documents = known.len() - refused.len();
        report.refused = refused
            .into_iter()
            .map(|(d, r)| (d.to_string(), refusal_name(r).to_string()))
            .collect();
        report.millis = started.elapsed().as_millis() as u64;
        tracing::info!(
            documents = report.documents,
            received = report.received,
            sent = report.sent,
            millis = report.millis,
            "sync round done"
        );
        Ok(Round::Done(report))
    }

    /// The server decides the account's plan; its limits then apply here too, so an import
    /// past them is refused with the numbers before it is ever synced.
    async fn bind_plan(&self, api: &Api) -> Result<(), CoreError> {
        let me: Me = api.get(path::ME).await?;
        let plan = me.plan_id.as_str();
        // The server does not report a billing period yet. Every device takes the calendar month
        // (UTC), so all of them count the same ledger entries against the plan's credits, and
        // the first sync of a new month renews them.
        let (start, end) = crate::credits::balance::month_bounds(Utc::now());
        let current = self
            .subscription()
            .await?
            .is_some_and(|s| s.current_period_start == start && s.current_period_end == end);
        if current && self.plan_limits().await?.is_some_and(|p| p.plan_id == plan) {
            return Ok(());
        }
        self.apply_subscription(plan, folio_model::SubscriptionStatus::Active, start, end)
            .await?;
        tracing::info!(plan, "the account's plan, as the sync server reports it");
        Ok(())
    }
}

/// Why the loop woke without a frame: the server was quiet for a tick, or this process wrote.
/// How a connection ended without an error.
enum Round {
    Done(SyncReport),
    /// The server closed it because its access token expired: reconnect with a fresh one.
    TokenExpired,
}

enum Wake {
    Quiet,
    Local,
}

impl Wake {
    fn is_local(&self) -> bool {
        matches!(self, Wake::Local)
    }
}

fn refusal_name(r: Refusal) -> &'static str {
    match r {
        Refusal::NotFound => "not_found",
        Refusal::Forbidden => "forbidden",
        Refusal::ReadOnly => "read_only",
        Refusal::Revoked => "revoked",
        Refusal::Limit => "plan_limit",
        Refusal::Misplaced => "misplaced_records",
    }
}

async fn send<S>(socket: &mut S, frame: &Frame) -> Result<(), CoreError>
where
    S: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    socket
        .send(Message::Binary(frame.encode().into()))
        .await
        .map_err(|e| CoreError::Sync(format!("the sync connection broke: {e}")))
}
