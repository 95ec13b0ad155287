//! The sync relay: `GET /v1/sync`, a WebSocket carrying [`folio_sync::Frame`]s.
//!
//! - The upgrade is authenticated with the API's bearer access token (401 before any upgrade) and
//!   names the device (`?device=`, 1–64 of `[A-Za-z0-9_-]`). Sync states are kept per
//!   (document, user + device), so an idle reconnect is two short messages.
//! - Every `Subscribe` and `Sync` frame — and every change pushed to the client — is checked
//!   against the `docs` table and the user's grants at that moment ([`authz::doc_access`]):
//!   unregistered or another account's → `NotFound`; no grant → `Forbidden`; a subscription whose
//!   access went away → `Revoked` and dropped; a `Sync` carrying changes from a user who may not
//!   write → `ReadOnly`, nothing applied. The socket never creates documents.
//! - The server holds one in-memory copy of each document in use, shared by every connection
//!   behind a tokio mutex and loaded from storage on first use. An incoming sync message is
//!   applied, then the document and the connection's sync state are saved in one transaction,
//!   and only then answered — so a restart loses nothing that was acknowledged. The other
//!   connections subscribed to the document are woken through a per-document broadcast channel
//!   and each generates its own message from its own sync state.
//! - Scale mode (PostgreSQL, several instances): a save is also announced to the other instances
//!   (`store::RemoteChanges`); each drops its copy of that document and wakes its subscribers
//!   just as for a local save ([`Relay::changed_elsewhere`]), so they reload it from the database.
//! - The socket lives no longer than the login that opened it ([`crate::session_end`]): the login
//!   is re-checked before every frame from the client and every push to it, a notice from the
//!   auth flows closes it at once, and so does the access token's expiry — each with a
//!   `folio_sync::close` code. A frame that arrives after the end is never applied.
//! - A frame that does not decode, a text message, or a frame a client never sends gets
//!   `Frame::Error` and the connection is closed. Messages over [`MAX_FRAME_BYTES`] are refused
//!   by the WebSocket layer.

use crate::api::Auth;
use crate::auth::AppState;
use crate::authz::{self, Access};
use crate::model::Principal;
use crate::session_end::{self, SessionEnd};
use crate::store::{LoadedDoc, ServerStore};
use crate::ServerError;
use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::AutoCommit;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{
    rejection::WebSocketUpgradeRejection, CloseFrame, Message, WebSocket, WebSocketUpgrade,
};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use folio_sync::{records, DocId, DocKind, Frame, Refusal, SessionClose, MAX_FRAME_BYTES};
use serde::Deserialize;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use tokio::sync::{broadcast, mpsc, watch, Mutex};
use tokio::task::JoinHandle;

/// Change notifications a slow connection may fall behind by before it is told "lagged" (which
/// it treats as one more change: it generates from its own state either way).
const CHANGED_CAPACITY: usize = 16;
const NOTIFY_CAPACITY: usize = 64;
/// Registrations announced across the instance before a slow connection misses some (it then
/// relies on its periodic listing).
const REGISTERED_CAPACITY: usize = 256;
/// The "connection" that changed a document when another server instance did; real connection
/// ids start at 1.
const ELSEWHERE: u64 = 0;

/// The documents in use and the connections' shared switch-off. One per server.
pub struct Relay {
    docs: StdMutex<HashMap<DocId, Arc<DocSlot>>>,
    /// Keywords per bucket document as last accepted, for the plan's keyword limit.
    keyword_counts: StdMutex<HashMap<DocId, usize>>,
    /// Documents registered on this instance, announced to the account's connections.
    registered: broadcast::Sender<(folio_model::AccountId, DocId)>,
    /// Logins that ended on this instance, for the sockets they opened.
    sessions: broadcast::Sender<SessionEnd>,
    next_conn: AtomicU64,
    closing: watch::Sender<bool>,
    /// Open sockets per user, against `max_conns_per_user`.
    conns: StdMutex<HashMap<folio_model::UserId, usize>>,
    max_conns_per_user: usize,
}

/// One of a user's sync connection places, given back when dropped (the socket closed, or the
/// upgrade never happened).
pub struct Seat {
    relay: Arc<Relay>,
    user: folio_model::UserId,
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut conns = self.relay.conns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = conns.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                conns.remove(&self.user);
            }
        }
    }
}

/// One document in use: the server's copy and who to tell when it changed.
struct DocSlot {
    id: DocId,
    /// `None` until first used, and again after a failed save (reload from storage).
    doc: Mutex<Option<LoadedDoc>>,
    /// Carries the id of the connection whose message changed the document.
    changed: broadcast::Sender<u64>,
}

impl Default for Relay {
    fn default() -> Self {
        Self::new(crate::config::DEFAULT_SYNC_CONNECTIONS_PER_USER)
    }
}

impl Relay {
    pub fn new(max_conns_per_user: usize) -> Self {
        Self {
            docs: StdMutex::new(HashMap::new()),
            keyword_counts: StdMutex::new(HashMap::new()),
            registered: broadcast::channel(REGISTERED_CAPACITY).0,
            sessions: session_end::channel(),
            next_conn: AtomicU64::new(1),
            closing: watch::channel(false).0,
            conns: StdMutex::new(HashMap::new()),
            max_conns_per_user,
        }
    }

    /// A connection place for `user`, or `None` when all of theirs are taken. Per instance: in
    /// scale mode a user's sockets spread over the instances each count separately.
    pub fn seat(self: &Arc<Self>, user: folio_model::UserId) -> Option<Seat> {
        let mut conns = self.conns.lock().unwrap_or_else(|e| e.into_inner());
        let n = conns.entry(user).or_insert(0);
        if *n >= self.max_conns_per_user {
            return None;
        }
        *n += 1;
        Some(Seat {
            relay: self.clone(),
            user,
        })
    }

    /// Tell the account's connected devices that a document exists now (another device made
    /// it), so they subscribe at once instead of at their next listing.
    pub fn announce(&self, account: folio_model::AccountId, doc: DocId) {
        // No receivers is fine: nobody of any account is connected.
        let _ = self.registered.send((account, doc));
    }

    /// Logins ended (logout, password reset, reused refresh token, removal): close the sync
    /// sockets they opened on this instance now. Other instances find out at their sockets'
    /// next frame (see [`crate::session_end`]).
    pub fn sessions_ended(&self, notice: SessionEnd) {
        // No receivers is fine: no socket is open.
        let _ = self.sessions.send(notice);
    }

    /// Close every open sync connection (server shutdown). Upgraded sockets are not part of the
    /// HTTP server's graceful shutdown, so they are told here.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn slot(&self, doc: &DocId) -> Arc<DocSlot> {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        docs.entry(*doc)
            .or_insert_with(|| {
                Arc::new(DocSlot {
                    id: *doc,
                    doc: Mutex::new(None),
                    changed: broadcast::channel(CHANGED_CAPACITY).0,
                })
            })
            .clone()
    }

    /// Another server instance saved `doc` (scale mode): drop this instance's copy, which is now
    /// stale, and wake its subscribers as a local save does; each reloads it from the database
    /// and sends its peer what it lacks.
    pub async fn changed_elsewhere(&self, doc: &DocId) {
        let slot = self
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(doc)
            .cloned();
        if let Some(slot) = slot {
            self.refresh(slot).await;
        }
    }

    /// Changes from other instances may have been missed (their listener reconnected): treat
    /// every document in use as changed.
    pub async fn changed_anywhere(&self) {
        let slots: Vec<Arc<DocSlot>> = self
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for slot in slots {
            self.refresh(slot).await;
        }
    }

    async fn refresh(&self, slot: Arc<DocSlot>) {
        // Everything in the copy is saved (a save that fails drops it), so dropping loses nothing.
        *slot.doc.lock().await = None;
        // No receivers is fine: the last subscriber just left.
        let _ = slot.changed.send(ELSEWHERE);
        self.release(slot);
    }

    /// A connection is done with `slot`: forget the document once nobody holds it. Slots are only
    /// handed out under this lock, so a count of one here means no one else can have it.
    fn release(&self, slot: Arc<DocSlot>) {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        let id = slot.id;
        drop(slot);
        if docs.get(&id).is_some_and(|s| Arc::strong_count(s) == 1) {
            docs.remove(&id);
        }
    }
}

#[derive(Deserialize)]
pub struct SyncParams {
    device: Option<String>,
}

fn valid_device(device: &str) -> bool {
    (1..=64).contains(&device.len())
        && device
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /v1/sync?device=ID` with `Authorization: Bearer <access token>`.
pub async fn sync_socket(
    State(state): State<AppState>,
    Auth(principal): Auth,
    params: Result<Query<SyncParams>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ServerError> {
    let device = params
        .ok()
        .and_then(|Query(p)| p.device)
        .filter(|d| valid_device(d))
        .ok_or_else(|| {
            ServerError::invalid(
                "device",
                "name this device with ?device=ID: 1 to 64 letters, digits, '-' or '_'",
            )
        })?;
    let upgrade = upgrade.map_err(|rejection| {
        ServerError::invalid(
            "upgrade",
            format!(
                "this route is a WebSocket; connect with a WebSocket client ({})",
                rejection.body_text()
            ),
        )
    })?;
    let seat = state.relay.seat(principal.user_id).ok_or_else(|| {
        ServerError::Limit(format!(
            "connection limit: you already have {} sync connections open; close Folio on a device you no longer use",
            state.relay.max_conns_per_user
        ))
    })?;
    let store = state.store.clone();
    let relay = state.relay.clone();
    Ok(upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| async move {
            run(socket, store, relay, principal, device).await;
            drop(seat);
        })
        .into_response())
}

struct Sub {
    slot: Arc<DocSlot>,
    state: SyncState,
    forward: JoinHandle<()>,
}

struct Conn {
    id: u64,
    principal: Principal,
    /// Sync states are kept under this name: the user and the device, so two users can never
    /// share one.
    peer: String,
    store: ServerStore,
    relay: Arc<Relay>,
    subs: HashMap<DocId, Sub>,
    notify: mpsc::Sender<DocId>,
}

/// What went wrong with a connection: sent as `Frame::Error`, then the socket is closed.
struct Fatal(String);

impl From<ServerError> for Fatal {
    fn from(e: ServerError) -> Self {
        tracing::error!(error = %e, "sync connection failed");
        Fatal("the server could not complete this sync; reconnect, and tell the operator if it keeps failing".into())
    }
}

async fn run(
    mut socket: WebSocket,
    store: ServerStore,
    relay: Arc<Relay>,
    principal: Principal,
    device: String,
) {
    let (notify, mut notified) = mpsc::channel(NOTIFY_CAPACITY);
    let mut closing = relay.closing.subscribe();
    let mut registered = relay.registered.subscribe();
    let mut ended = relay.sessions.subscribe();
    let expiry = tokio::time::sleep_until(session_end::expiry(&principal));
    tokio::pin!(expiry);
    // Set when the login behind the socket is over: the socket then closes with its code.
    let mut over: Option<SessionClose> = None;
    let mut conn = Conn {
        id: relay.next_conn.fetch_add(1, Ordering::Relaxed),
        peer: format!("{}:{device}", principal.user_id),
        principal,
        store,
        relay,
        subs: HashMap::new(),
        notify,
    };
    tracing::info!(user = %conn.principal.user_id, %device, conn = conn.id, "sync connected");
    loop {
        let outcome = tokio::select! {
            incoming = socket.recv() => match incoming {
                // The login is checked before the frame is even decoded: nothing sent after its
                // end is applied.
                Some(Ok(Message::Binary(bytes))) => match conn.session_over().await {
                    Ok(None) => conn.on_frame(&bytes).await,
                    Ok(Some(why)) => {
                        over = Some(why);
                        break;
                    }
                    Err(fatal) => Err(fatal),
                },
                Some(Ok(Message::Text(_))) => Err(Fatal("send frames as binary WebSocket messages".into())),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(Vec::new()),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
            // Pushes too: on another instance a logout is heard of only here.
            Some(doc) = notified.recv() => match conn.session_over().await {
                Ok(None) => conn.on_changed(doc).await,
                Ok(Some(why)) => {
                    over = Some(why);
                    break;
                }
                Err(fatal) => Err(fatal),
            },
            notice = ended.recv() => match notice {
                Ok(notice) if notice.ends(&conn.principal) => {
                    over = Some(notice.why);
                    break;
                }
                Ok(_) => Ok(Vec::new()),
                // Missed notices: ask the database about this login.
                Err(_) => match conn.session_over().await {
                    Ok(None) => Ok(Vec::new()),
                    Ok(Some(why)) => {
                        over = Some(why);
                        break;
                    }
                    Err(fatal) => Err(fatal),
                },
            },
            () = &mut expiry => {
                over = Some(SessionClose::AccessExpired);
                break;
            }
            announced = registered.recv() => match announced {
                Ok((account, doc)) => conn.on_registered(account, doc).await,
                // Missed announcements: the device also lists documents now and then.
                Err(_) => Ok(Vec::new()),
            },
            () = async {
                // Dropped at once: a watch guard must not live across an await.
                let _ = closing.wait_for(|closing| *closing).await;
            } => break,
        };
        match outcome {
            Ok(frames) => {
                if send_all(&mut socket, frames).await.is_err() {
                    break;
                }
            }
            Err(Fatal(message)) => {
                let _ = send_all(&mut socket, vec![Frame::Error { message }]).await;
                break;
            }
        }
    }
    let close = over.map(|why| CloseFrame {
        code: why.code(),
        reason: why.reason().into(),
    });
    let _ = socket.send(Message::Close(close)).await;
    conn.unsubscribe_all();
    match over {
        Some(why) => {
            tracing::info!(
                conn = conn.id,
                code = why.code(),
                "sync closed: {}",
                why.reason()
            )
        }
        None => tracing::info!(conn = conn.id, "sync disconnected"),
    }
}

async fn send_all(socket: &mut WebSocket, frames: Vec<Frame>) -> Result<(), axum::Error> {
    for frame in frames {
        socket.send(Message::Binary(frame.encode().into())).await?;
    }
    Ok(())
}

/// Load the server's copy of a document on first use.
async fn loaded<'a>(
    store: &ServerStore,
    slot: &'a DocSlot,
) -> Result<tokio::sync::MutexGuard<'a, Option<LoadedDoc>>, ServerError> {
    let mut guard = slot.doc.lock().await;
    if guard.is_none() {
        let stored = match store.load_doc(&slot.id).await? {
            Some(stored) => stored,
            None => store.new_doc(slot.id),
        };
        *guard = Some(stored);
    }
    Ok(guard)
}

/// What the peer behind `state` should hear next about `doc`, if anything.
fn next_message(doc: DocId, stored: &mut AutoCommit, state: &mut SyncState) -> Option<Frame> {
    stored
        .sync()
        .generate_sync_message(state)
        .map(|m| Frame::Sync {
            doc,
            message: m.encode(),
        })
}

fn missing() -> ServerError {
    ServerError::Internal("a loaded document went missing".into())
}

fn refused(doc: DocId, reason: Refusal) -> Vec<Frame> {
    vec![Frame::Refused { doc, reason }]
}

impl Conn {
    /// Whether the login that opened this socket is over (and how), checked now.
    async fn session_over(&self) -> Result<Option<SessionClose>, Fatal> {
        Ok(session_end::check(&self.store, &self.principal).await?)
    }

    async fn on_frame(&mut self, bytes: &[u8]) -> Result<Vec<Frame>, Fatal> {
        let frame = Frame::decode(bytes).map_err(|e| Fatal(format!("bad frame: {e}")))?;
        match frame {
            Frame::Subscribe { docs } => {
                let mut out = Vec::new();
                for doc in docs {
                    out.extend(self.on_subscribe(doc).await?);
                }
                Ok(out)
            }
            Frame::Sync { doc, message } => self.on_sync(doc, &message).await,
            Frame::Refused { .. } | Frame::Available { .. } | Frame::Error { .. } => {
                Err(Fatal("clients send only Subscribe and Sync frames".into()))
            }
        }
    }

    /// What this user may do with `doc` right now, or why not at all.
    async fn access(&self, doc: &DocId) -> Result<Result<Access, Refusal>, ServerError> {
        let Some(facts) = self
            .store
            .doc_access_facts(self.principal.user_id, doc)
            .await?
        else {
            return Ok(Err(Refusal::NotFound));
        };
        if facts.doc.account_id != facts.user_account {
            return Ok(Err(Refusal::NotFound));
        }
        Ok(
            match authz::doc_access(
                facts.role,
                facts.user_account,
                facts.doc,
                facts.site_granted,
            ) {
                Access::None => Err(Refusal::Forbidden),
                access => Ok(access),
            },
        )
    }

    /// A refusal for `doc`; a subscription that loses access is dropped as `Revoked`.
    fn refuse(&mut self, doc: DocId, reason: Refusal) -> Vec<Frame> {
        if self.unsubscribe(&doc) {
            refused(doc, Refusal::Revoked)
        } else {
            refused(doc, reason)
        }
    }

    async fn on_subscribe(&mut self, doc: DocId) -> Result<Vec<Frame>, Fatal> {
        if let Err(reason) = self.access(&doc).await? {
            return Ok(self.refuse(doc, reason));
        }
        self.subscribe(doc).await?;
        Ok(self.generate(doc).await?.into_iter().collect())
    }

    async fn subscribe(&mut self, doc: DocId) -> Result<(), ServerError> {
        if self.subs.contains_key(&doc) {
            return Ok(());
        }
        let state = self.store.sync_state(&doc, &self.peer).await?;
        let slot = self.relay.slot(&doc);
        let mut changes = slot.changed.subscribe();
        let notify = self.notify.clone();
        let me = self.id;
        let forward = tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(from) if from == me => {}
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        if notify.send(doc).await.is_err() {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        self.subs.insert(
            doc,
            Sub {
                slot,
                state,
                forward,
            },
        );
        Ok(())
    }

    /// Whether `doc` was subscribed.
    fn unsubscribe(&mut self, doc: &DocId) -> bool {
        match self.subs.remove(doc) {
            Some(sub) => {
                sub.forward.abort();
                self.relay.release(sub.slot);
                true
            }
            None => false,
        }
    }

    fn unsubscribe_all(&mut self) {
        let docs: Vec<DocId> = self.subs.keys().copied().collect();
        for doc in docs {
            self.unsubscribe(&doc);
        }
    }

    /// The next message for this connection's peer, if there is anything to say.
    async fn generate(&mut self, doc: DocId) -> Result<Option<Frame>, ServerError> {
        let Some(sub) = self.subs.get_mut(&doc) else {
            return Ok(None);
        };
        let mut guard = loaded(&self.store, &sub.slot).await?;
        let stored = guard.as_mut().ok_or_else(missing)?;
        Ok(next_message(doc, &mut stored.doc, &mut sub.state))
    }

    async fn on_sync(&mut self, doc: DocId, bytes: &[u8]) -> Result<Vec<Frame>, Fatal> {
        let access = match self.access(&doc).await? {
            Ok(access) => access,
            Err(reason) => return Ok(self.refuse(doc, reason)),
        };
        // Automerge's decoder sees untrusted bytes: a panic in it must not take the task down
        // with a document lock held.
        let message = std::panic::catch_unwind(|| SyncMessage::decode(bytes))
            .map_err(|_| Fatal(format!("the sync message for {doc} does not decode")))?
            .map_err(|e| Fatal(format!("the sync message for {doc} does not decode: {e}")))?;
        if !message.changes.is_empty() && !access.can_write() {
            // Nothing is applied, and the sync state does not learn of the message either.
            return Ok(refused(doc, Refusal::ReadOnly));
        }
        if let Some(reason) = self.admit(doc, &message, bytes.len()).await? {
            return Ok(refused(doc, reason));
        }
        self.subscribe(doc).await?;
        let Some(sub) = self.subs.get_mut(&doc) else {
            return Err(missing().into());
        };
        let mut guard = loaded(&self.store, &sub.slot).await?;
        let stored = guard.as_mut().ok_or_else(missing)?;
        let before = stored.doc.get_heads();
        let received = std::panic::catch_unwind(AssertUnwindSafe(|| {
            stored
                .doc
                .sync()
                .receive_sync_message(&mut sub.state, message)
        }));
        match received {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                // Part of it may be applied in memory: start again from storage.
                *guard = None;
                return Err(Fatal(format!(
                    "the sync message for {doc} was refused: {e}"
                )));
            }
            Err(_) => {
                *guard = None;
                return Err(Fatal(format!("the sync message for {doc} was refused")));
            }
        }
        let changed = stored.doc.get_heads() != before;
        if changed {
            if let Some(refusal) =
                misplaced(&self.store, &self.principal, doc, &mut stored.doc, &before).await
            {
                // Not kept, as for the keyword limit below: the copy reloads from storage and
                // the state forgets the message.
                *guard = None;
                sub.state = self.store.sync_state(&doc, &self.peer).await?;
                return Ok(refusal);
            }
        }
        if changed && doc.kind() == DocKind::Keywords {
            let over = keyword_limit(
                &self.store,
                &self.relay,
                self.principal.account_id,
                doc,
                &stored.doc,
            )
            .await;
            match over {
                Ok(None) => {}
                Ok(Some(message)) => {
                    tracing::info!(%doc, account = %self.principal.account_id, "{message}");
                    // Not kept: the copy reloads from storage, and the state forgets the
                    // message so the device's changes stay its own until it deletes some.
                    *guard = None;
                    sub.state = self.store.sync_state(&doc, &self.peer).await?;
                    return Ok(refused(doc, Refusal::Limit));
                }
                Err(e) => {
                    *guard = None;
                    return Err(e.into());
                }
            }
        }
        if let Err(e) = self.store.save_doc(stored, &self.peer, &sub.state).await {
            // Not saved, so not acknowledged: drop the copy; the peer re-sends on reconnect.
            *guard = None;
            return Err(e.into());
        }
        let reply = next_message(doc, &mut stored.doc, &mut sub.state);
        drop(guard);
        if changed {
            // No receivers is fine: nobody else is subscribed.
            let _ = sub.slot.changed.send(self.id);
        }
        Ok(reply.into_iter().collect())
    }

    /// Whether a message carrying changes may be applied at all, before automerge inflates it:
    /// a compression bomb ends the connection; changes that would take the account past its
    /// plan's storage are refused as `Limit`. `wire` is the message's size on the wire.
    async fn admit(
        &self,
        doc: DocId,
        message: &SyncMessage,
        wire: usize,
    ) -> Result<Option<Refusal>, Fatal> {
        if message.changes.is_empty() {
            return Ok(None);
        }
        let limit = folio_sync::inflate_bound::inflation_limit(wire);
        if let Err(e) = folio_sync::inflate_bound::inflated_size(message.changes.iter(), limit) {
            tracing::warn!(%doc, user = %self.principal.user_id, error = %e, "sync message refused before inflating");
            return Err(Fatal(format!(
                "the sync message for {doc} was refused: {e}"
            )));
        }
        let account = self.principal.account_id;
        let (_, plan) = self.store.account(account).await?;
        let stored = self.store.account_storage_bytes(account).await?;
        // The stored growth is about the message's size: a save writes the changes it carried.
        let after = stored.saturating_add(i64::try_from(wire).unwrap_or(i64::MAX));
        if after > plan.max_storage_bytes {
            tracing::info!(%doc, %account, stored, max = plan.max_storage_bytes, "storage limit: sync message refused");
            return Ok(Some(Refusal::Limit));
        }
        Ok(None)
    }

    /// A document was registered: announce it if it is this account's, this connection is not
    /// syncing it yet, and the user may see it.
    async fn on_registered(
        &mut self,
        account: folio_model::AccountId,
        doc: DocId,
    ) -> Result<Vec<Frame>, Fatal> {
        if account != self.principal.account_id || self.subs.contains_key(&doc) {
            return Ok(Vec::new());
        }
        match self.access(&doc).await? {
            Ok(access) if access.can_read() => Ok(vec![Frame::Available { doc }]),
            _ => Ok(Vec::new()),
        }
    }

    /// Another connection changed `doc`: tell this peer, if it may still see it.
    async fn on_changed(&mut self, doc: DocId) -> Result<Vec<Frame>, Fatal> {
        if !self.subs.contains_key(&doc) {
            return Ok(Vec::new());
        }
        match self.access(&doc).await? {
            Ok(access) if access.can_read() => Ok(self.generate(doc).await?.into_iter().collect()),
            Ok(_) => Ok(self.refuse(doc, Refusal::Forbidden)),
            Err(reason) => Ok(self.refuse(doc, reason)),
        }
    }
}

/// Refusal frames when the changes since `before` put records where they do not belong
/// (DESIGN §3, trust inside an account: a writer of one document must not plant or
/// overwrite another site's or article's records through it). An article's site comes
/// from the registry; the other documents name theirs.
async fn misplaced(
    store: &ServerStore,
    principal: &Principal,
    doc: DocId,
    stored: &mut AutoCommit,
    before: &[automerge::ChangeHash],
) -> Option<Vec<Frame>> {
    let site = match doc {
        DocId::Article(_) => match store.doc_access_facts(principal.user_id, &doc).await {
            Ok(facts) => facts.and_then(|f| f.doc.site_id).map(|s| s.as_uuid()),
            Err(e) => {
                tracing::warn!(%doc, error = %e, "the document's site could not be read");
                return Some(refused(doc, Refusal::Misplaced));
            }
        },
        other => other.site(),
    };
    let after = stored.get_heads();
    let keys = records::changed_keys(stored, before, &after);
    let foreign = match records::foreign_records(&doc, site, stored, keys.as_ref()) {
        Ok(foreign) => foreign,
        Err(e) => {
            tracing::warn!(%doc, error = %e, "the changed records could not be read");
            return Some(refused(doc, Refusal::Misplaced));
        }
    };
    let first = foreign.first()?;
    tracing::warn!(
        %doc,
        account = %principal.account_id,
        user = %principal.user_id,
        records = foreign.len(),
        "changes refused: {first}"
    );
    Some(refused(doc, Refusal::Misplaced))
}

/// Whether accepting `doc` in this state would take the account past its plan's keyword
/// limit (a message saying so), counting the other bucket documents as last accepted. An
/// account already over (a downgraded plan) may still shrink a document.
async fn keyword_limit(
    store: &ServerStore,
    relay: &Relay,
    account: folio_model::AccountId,
    doc: DocId,
    new: &AutoCommit,
) -> Result<Option<String>, ServerError> {
    let now = folio_sync::keyword_batch::keyword_count(new);
    let mut total = now;
    let mut before = None;
    for other in store.docs(account).await? {
        if other.doc_id.kind() != DocKind::Keywords {
            continue;
        }
        let cached = relay
            .keyword_counts
            .lock()
            .ok()
            .and_then(|c| c.get(&other.doc_id).copied());
        let count = match cached {
            Some(n) => n,
            None => {
                let n = store
                    .load_doc(&other.doc_id)
                    .await?
                    .map_or(0, |d| folio_sync::keyword_batch::keyword_count(&d.doc));
                if let Ok(mut c) = relay.keyword_counts.lock() {
                    c.insert(other.doc_id, n);
                }
                n
            }
        };
        if other.doc_id == doc {
            before = Some(count);
        } else {
            total += count;
        }
    }
    let (_, plan) = store.account(account).await?;
    let max = usize::try_from(plan.max_keywords).unwrap_or(usize::MAX);
    if total > max && now > before.unwrap_or(0) {
        return Ok(Some(format!(
            "keyword limit: the plan allows {max} keywords and these changes would make {total}"
        )));
    }
    if let Ok(mut c) = relay.keyword_counts.lock() {
        c.insert(doc, now);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::valid_device;

    #[test]
    fn device_ids() {
        assert!(valid_device("laptop-1_A"));
        assert!(valid_device(&"x".repeat(64)));
        assert!(!valid_device(""));
        assert!(!valid_device(&"x".repeat(65)));
        assert!(!valid_device("my laptop"));
        assert!(!valid_device("é"));
        assert!(!valid_device("a/b"));
    }
}
