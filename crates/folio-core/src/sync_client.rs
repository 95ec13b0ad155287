//! The device side of sync: an account on a Folio sync server, and the loop that keeps this
//! data directory's documents in sync with it (docs/local-first.md).
//!
//! - `account_register` / `account_login` talk to the server's HTTP API; the refresh token goes
//!   to the OS keychain ([`crate::keychain`]), everything else about the session (server URL,
//!   email, ids — no secret) to `local_meta`.
//! - A sync round registers this device's sites and documents, lists every document the user may
//!   see, subscribes to all of them over `GET /v1/sync`, and exchanges Automerge sync messages until
//!   every document is in sync. A remote change is applied, saved, re-projected (only the records
//!   it touched) and its sync state kept — in one write, so a crash never half-applies it.
//! - Watch mode keeps the socket open, offers local edits as they are committed (by this process
//!   or another one on the same data directory) and reconnects with capped backoff.

use crate::keychain::Keychain;
use crate::projection::{changed_keys, project_doc};
use crate::{CoreError, Folio};
use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::AutoCommit;
use chrono::Utc;
use folio_sync::{doc_store, DocId, Frame, Refusal};
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

const META_SERVER: &str = "sync_server";
const META_EMAIL: &str = "sync_email";
const META_USER: &str = "sync_user_id";
const META_ROLE: &str = "sync_role";
const META_DEVICE: &str = "sync_device";
const META_STATUS: &str = "sync_status";

/// How long a round waits for the server after the last frame before it counts as in sync.
const QUIET: Duration = Duration::from_millis(1500);
/// Sync messages applied in one write at most.
const RECEIVE_BATCH: usize = 256;
/// A round that is still exchanging messages after this long is an error.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

pub use folio_model::{AccountSession, SyncReport, SyncStatus};

#[derive(Deserialize)]
struct Tokens {
    account_id: Uuid,
    user_id: Uuid,
    role: String,
    access_token: String,
    refresh_token: String,
}

#[derive(Deserialize)]
struct ServerDoc {
    doc_id: String,
}

#[derive(Deserialize)]
struct ServerError {
    error: ServerErrorBody,
}

#[derive(Deserialize)]
struct ServerErrorBody {
    kind: String,
    message: String,
    #[serde(default)]
    field: Option<String>,
}

/// The input a server validation error is about, as the form names it.
fn form_field(field: Option<&str>) -> &'static str {
    match field {
        Some("email") => "email",
        Some("password") => "password",
        Some("role") => "role",
        _ => "server",
    }
}

/// The server's HTTP API with one access token.
struct Api {
    base: String,
    http: reqwest::Client,
    access: Option<String>,
}

impl Api {
    fn new(server: &str) -> Result<Self, CoreError> {
        let url = url::Url::parse(server.trim()).map_err(|e| {
            CoreError::invalid(
                "server",
                format!("{server:?} is not a server URL ({e}); use e.g. http://127.0.0.1:8787"),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(CoreError::invalid(
                "server",
                "the server URL must start with http:// or https://",
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| CoreError::Sync(format!("cannot set up HTTP: {e}")))?;
        Ok(Self {
            base: url.as_str().trim_end_matches('/').to_string(),
            http,
            access: None,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<serde_json::Value, CoreError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.access {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.map_err(|e| {
            CoreError::Sync(format!(
                "cannot reach the sync server at {}: {}. Check the URL and your connection; your work is kept here",
                self.base,
                without_url(&e)
            ))
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| {
            CoreError::Sync(format!(
                "the sync server's answer broke off: {}",
                without_url(&e)
            ))
        })?;
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(serde_json::Value::Null);
            }
            return serde_json::from_slice(&bytes).map_err(|_| {
                CoreError::Sync(format!(
                    "{} does not answer like a Folio sync server",
                    self.base
                ))
            });
        }
        let Ok(err) = serde_json::from_slice::<ServerError>(&bytes) else {
            return Err(CoreError::Sync(format!(
                "{} answered {status} and is not a Folio sync server (or is misconfigured)",
                self.base
            )));
        };
        let field = form_field(err.error.field.as_deref());
        let message = err.error.message;
        Err(match err.error.kind.as_str() {
            "validation" => CoreError::invalid(field, message),
            "conflict" => CoreError::Conflict {
                field: "email",
                message,
            },
            "limit" => CoreError::Limit(message),
            "not_found" => CoreError::NotFound { what: message },
            "unauthenticated" => CoreError::Unauthenticated(message),
            "forbidden" => CoreError::Forbidden(message),
            _ => CoreError::Sync(format!("the sync server failed: {message}")),
        })
    }

    async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, CoreError> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Result<serde_json::Value, CoreError> {
        self.call(reqwest::Method::GET, path, None).await
    }
}

/// reqwest's errors name the URL, which may carry credentials; say only what happened.
fn without_url(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_decode() {
        "unreadable answer"
    } else {
        "transport error"
    }
}

fn keychain_error(e: crate::keychain::KeychainError) -> CoreError {
    CoreError::Sync(e.to_string())
}

fn secret_name(device: &str) -> String {
    format!("sync-session:{device}")
}

impl Folio {
    async fn meta(&self, key: &str) -> Result<Option<String>, CoreError> {
        let v: Option<(String,)> = sqlx::query_as("SELECT value FROM local_meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(v.map(|(v,)| v))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), CoreError> {
        sqlx::query(
            "INSERT INTO local_meta (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// This data directory's device id (made once).
    async fn device_id(&self) -> Result<String, CoreError> {
        if let Some(d) = self.meta(META_DEVICE).await? {
            return Ok(d);
        }
        let d = Uuid::now_v7().simple().to_string();
        sqlx::query("INSERT OR IGNORE INTO local_meta (key, value) VALUES (?, ?)")
            .bind(META_DEVICE)
            .bind(&d)
            .execute(&self.pool)
            .await?;
        self.meta(META_DEVICE)
            .await?
            .ok_or_else(|| CoreError::Internal("the device id was not kept".into()))
    }

    /// The session this device syncs with, if it is logged in.
    pub async fn account_session(&self) -> Result<Option<AccountSession>, CoreError> {
        let (Some(server), Some(email), Some(user), Some(role)) = (
            self.meta(META_SERVER).await?,
            self.meta(META_EMAIL).await?,
            self.meta(META_USER).await?,
            self.meta(META_ROLE).await?,
        ) else {
            return Ok(None);
        };
        Ok(Some(AccountSession {
            server,
            email,
            account_id: self.account_id.0,
            user_id: Uuid::from_str(&user)
                .map_err(|e| CoreError::Corrupt(format!("sync user id: {e}")))?,
            role,
        }))
    }

    /// Create an account on a sync server with this device's account and data in it.
    pub async fn account_register(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountSession, CoreError> {
        let api = Api::new(server)?;
        let name: (String,) = sqlx::query_as("SELECT name FROM accounts WHERE id = ?")
            .bind(self.account_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        let tokens: Tokens = parse(
            api.post(
                "/v1/auth/register",
                json!({"email": email, "password": password, "account_name": name.0, "account_id": self.account_id}),
            )
            .await?,
        )?;
        self.keep_session(&api, email, tokens).await
    }

    /// Log in to an existing account. If it is not the account this device worked in so far, the
    /// device joins it: its sites move into that account, and the next open works there (open the
    /// data directory again).
    pub async fn account_login(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountSession, CoreError> {
        let api = Api::new(server)?;
        let tokens: Tokens = parse(
            api.post(
                "/v1/auth/login",
                json!({"email": email, "password": password}),
            )
            .await?,
        )?;
        if tokens.account_id != self.account_id.0 {
            self.join_account(tokens.account_id).await?;
        }
        self.keep_session(&api, email, tokens).await
    }

    async fn keep_session(
        &self,
        api: &Api,
        email: &str,
        tokens: Tokens,
    ) -> Result<AccountSession, CoreError> {
        let device = self.device_id().await?;
        Keychain::new()
            .set(&secret_name(&device), &tokens.refresh_token)
            .await
            .map_err(keychain_error)?;
        self.set_meta(META_SERVER, &api.base).await?;
        self.set_meta(META_EMAIL, &email.trim().to_lowercase())
            .await?;
        self.set_meta(META_USER, &tokens.user_id.to_string())
            .await?;
        self.set_meta(META_ROLE, &tokens.role).await?;
        tracing::info!(server = %api.base, account = %tokens.account_id, "logged in to the sync server");
        Ok(AccountSession {
            server: api.base.clone(),
            email: email.trim().to_lowercase(),
            account_id: tokens.account_id,
            user_id: tokens.user_id,
            role: tokens.role,
        })
    }

    /// Move this device into another account: its sites go along, and it works there from the
    /// next open on.
    async fn join_account(&self, account: Uuid) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        let (name, plan): (String, Option<String>) =
            sqlx::query_as("SELECT name, plan_id FROM accounts WHERE id = ?")
                .bind(self.account_id.to_string())
                .fetch_one(tx.conn())
                .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO accounts (id, name, plan_id, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(account.to_string())
        .bind(name)
        .bind(plan)
        .bind(Utc::now())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE sites SET account_id = ? WHERE account_id = ?")
            .bind(account.to_string())
            .bind(self.account_id.to_string())
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE local_meta SET value = ? WHERE key = 'current_account_id'")
            .bind(account.to_string())
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        self.carry_provider_keys(&self.account_id, &folio_model::AccountId(account))
            .await
    }

    /// An exclusive lock on this data directory's session, across processes.
    async fn session_lock(&self) -> Result<std::fs::File, CoreError> {
        crate::store::lock_file(self.data_dir().join("sync-session.lock")).await
    }

    /// Forget the session (the data stays on this device). The server is told too when it can
    /// be reached; offline, the session just ends here.
    pub async fn account_logout(&self) -> Result<(), CoreError> {
        if let Ok((api, _)) = self.authorised_api().await {
            if let Err(e) = api.post("/v1/auth/logout", json!({})).await {
                tracing::info!(error = %e, "the server was not told of the logout");
            }
        }
        let device = self.device_id().await?;
        Keychain::new()
            .delete(&secret_name(&device))
            .await
            .map_err(keychain_error)?;
        for key in [META_SERVER, META_EMAIL, META_USER, META_ROLE] {
            sqlx::query("DELETE FROM local_meta WHERE key = ?")
                .bind(key)
                .execute(&self.pool)
                .await?;
        }
        self.set_status(&SyncStatus::LocalOnly).await
    }

    /// A fresh access token for the session (rotating the refresh token in the keychain).
    async fn authorised_api(&self) -> Result<(Api, AccountSession), CoreError> {
        let session = self.account_session().await?.ok_or_else(|| {
            CoreError::invalid("account", "this device is not logged in to a sync server; run `folio account login --server URL --email E` first")
        })?;
        let mut api = Api::new(&session.server)?;
        let device = self.device_id().await?;
        // The app and the CLI may sync the same data directory at once. Refresh tokens rotate
        // and the server treats a reused one as stolen (ending the session), so one process at
        // a time reads, spends and replaces it.
        let _refreshing = self.session_lock().await?;
        let keychain = Keychain::new();
        let refresh = keychain
            .get(&secret_name(&device))
            .await
            .map_err(keychain_error)?
            .ok_or_else(|| {
                CoreError::Unauthenticated(
                    "the session is not in the OS keychain any more; log in again".into(),
                )
            })?;
        let tokens: Tokens = parse(
            api.post("/v1/auth/refresh", json!({"refresh_token": refresh}))
                .await?,
        )?;
        keychain
            .set(&secret_name(&device), &tokens.refresh_token)
            .await
            .map_err(keychain_error)?;
        api.access = Some(tokens.access_token);
        Ok((api, session))
    }

    /// Invite someone into the account (owners and admins).
    pub async fn account_invite(
        &self,
        email: &str,
        role: &str,
    ) -> Result<serde_json::Value, CoreError> {
        let (api, _) = self.authorised_api().await?;
        api.post("/v1/account/invites", json!({"email": email, "role": role}))
            .await
    }

    /// Let a non-admin member see and edit one site.
    pub async fn site_grant(
        &self,
        site: Uuid,
        email: &str,
    ) -> Result<serde_json::Value, CoreError> {
        let (api, _) = self.authorised_api().await?;
        self.register_sites(&api).await?;
        api.post(&format!("/v1/sites/{site}/grants"), json!({"email": email}))
            .await
    }

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

    async fn set_status(&self, status: &SyncStatus) -> Result<(), CoreError> {
        let json = serde_json::to_string(status).map_err(|e| CoreError::Internal(e.to_string()))?;
        self.set_meta(META_STATUS, &json).await
    }

    async fn register_sites(&self, api: &Api) -> Result<(), CoreError> {
        let sites: Vec<(String, String)> =
            sqlx::query_as("SELECT id, name FROM sites WHERE account_id = ?")
                .bind(self.account_id.to_string())
                .fetch_all(&self.pool)
                .await?;
        for (id, name) in sites {
            // Viewers cannot register sites; they only receive what they were granted.
            register(api, "/v1/sites", json!({"site_id": id, "name": name})).await?;
        }
        Ok(())
    }

    /// Register every document this device holds, then list every one the user may see.
    async fn documents(&self, api: &Api) -> Result<BTreeSet<DocId>, CoreError> {
        self.register_sites(api).await?;
        let held: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT doc_id FROM doc_chunks")
            .fetch_all(&self.pool)
            .await?;
        let listed: serde_json::Value = api.get("/v1/docs").await?;
        let known: BTreeSet<String> = listed["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| serde_json::from_value::<ServerDoc>(i.clone()).ok())
                    .map(|d| d.doc_id)
                    .collect()
            })
            .unwrap_or_default();
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
            if let Some(site) = doc.site() {
                let exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM sites WHERE id = ?")
                    .bind(site.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
                if exists.is_none() {
                    continue;
                }
            }
            register(api, "/v1/docs", json!({"doc_id": id, "site_id": site})).await?;
        }
        let listed: serde_json::Value = api.get("/v1/docs").await?;
        let mut all: BTreeSet<DocId> = BTreeSet::new();
        for item in listed["items"].as_array().into_iter().flatten() {
            if let Ok(d) = serde_json::from_value::<ServerDoc>(item.clone()) {
                if let Ok(doc) = DocId::from_str(&d.doc_id) {
                    all.insert(doc);
                }
            }
        }
        Ok(all)
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

    /// One connection: a round until in sync, then (when watching) live changes until `stop`.
    async fn sync_round(
        &self,
        mut watch: Option<&mut tokio::sync::watch::Receiver<bool>>,
        on_status: &(dyn Fn(&SyncStatus) + Send + Sync),
    ) -> Result<SyncReport, CoreError> {
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
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) => {
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
        Ok(report)
    }

    /// The server decides the account's plan; its limits then apply here too, so an import
    /// past them is refused with the numbers before it is ever synced.
    async fn bind_plan(&self, api: &Api) -> Result<(), CoreError> {
        let me = api.get("/v1/me").await?;
        let Some(plan) = me["plan_id"].as_str() else {
            return Ok(());
        };
        // The server does not report a billing period yet. Every device takes the calendar month
        // (UTC), so all of them count the same ledger entries against the plan's credits, and
        // the first sync of a new month renews them.
        let (start, end) = crate::ledger::month_bounds(Utc::now());
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

    async fn doc_versions(&self) -> Result<HashMap<DocId, i64>, CoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT doc_id, version FROM doc_versions")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(d, v)| DocId::from_str(&d).ok().map(|d| (d, v)))
            .collect())
    }

    /// The next sync message for `doc`, if this device has something to say.
    async fn offer(&self, doc: DocId, peer: &str) -> Result<Option<Frame>, CoreError> {
        Ok(self.offer_many(&[doc], peer).await?.pop())
    }

    /// The next sync messages for these documents (one write for all: the sync states change).
    async fn offer_many(&self, docs: &[DocId], peer: &str) -> Result<Vec<Frame>, CoreError> {
        let mut tx = self.begin_write().await?;
        let conn = tx.conn();
        let mut frames = Vec::new();
        for doc in docs {
            let mut stored = match doc_store::load(conn, doc).await? {
                Some(s) => s.doc,
                None => AutoCommit::new(),
            };
            let mut state = doc_store::sync_state(conn, doc, peer).await?;
            if let Some(m) = stored.sync().generate_sync_message(&mut state) {
                frames.push(Frame::Sync {
                    doc: *doc,
                    message: m.encode(),
                });
            }
            doc_store::save_sync_state(conn, doc, peer, &state).await?;
        }
        tx.commit().await?;
        Ok(frames)
    }

    /// Apply sync messages: each document, its projection and its sync state, all in one
    /// write. Returns per message whether the document changed and the reply, if any.
    async fn receive_many(
        &self,
        messages: Vec<(DocId, Vec<u8>)>,
        peer: &str,
    ) -> Result<Vec<Received>, CoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let (conn, open) = tx.parts();
        let mut out = Vec::with_capacity(messages.len());
        for (doc, bytes) in messages {
            let message = SyncMessage::decode(&bytes).map_err(|e| {
                CoreError::Sync(format!("a sync message for {doc} does not decode: {e}"))
            })?;
            let mut state: SyncState = doc_store::sync_state(conn, &doc, peer).await?;
            let current = open.get_remote(conn, doc).await?;
            let before = current.get_heads();
            current
                .sync()
                .receive_sync_message(&mut state, message)
                .map_err(|e| {
                    CoreError::Sync(format!("a sync message for {doc} was refused: {e}"))
                })?;
            let after = current.get_heads();
            let changed = before != after;
            if changed {
                let keys = changed_keys(current, &before, &after);
                project_doc(conn, &doc, &*current, keys.as_ref()).await?;
            }
            let reply = current.sync().generate_sync_message(&mut state);
            // The server has exactly our heads: once this reply (if any) tells it we have its
            // changes, there is nothing left to exchange for this document.
            let settled = state.their_heads.as_deref() == Some(current.get_heads().as_slice());
            doc_store::save_sync_state(conn, &doc, peer, &state).await?;
            out.push(Received {
                doc,
                changed,
                settled,
                reply: reply.map(|m| Frame::Sync {
                    doc,
                    message: m.encode(),
                }),
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Project again the documents that waited for others (their parents may have arrived).
    async fn reproject_pending(&self) -> Result<(), CoreError> {
        let pending: Vec<(String,)> = sqlx::query_as("SELECT doc_id FROM projection_pending")
            .fetch_all(&self.pool)
            .await?;
        for _ in 0..3 {
            let mut progress = false;
            for (id,) in &pending {
                let Ok(doc) = DocId::from_str(id) else {
                    continue;
                };
                let mut tx = self.begin_write().await?;
                let conn = tx.conn();
                let Some(stored) = doc_store::load(conn, &doc).await? else {
                    continue;
                };
                progress |= project_doc(conn, &doc, &stored.doc, None).await?;
                tx.commit().await?;
            }
            if !progress {
                break;
            }
        }
        Ok(())
    }
}

/// One applied sync message.
struct Received {
    doc: DocId,
    /// The document changed here.
    changed: bool,
    /// Client and server now have the same changes of it.
    settled: bool,
    reply: Option<Frame>,
}

/// Why the loop woke without a frame: the server was quiet for a tick, or this process wrote.
enum Wake {
    Quiet,
    Local,
}

impl Wake {
    fn is_local(&self) -> bool {
        matches!(self, Wake::Local)
    }
}

/// Register a site or document with the server; a refusal for lack of rights (a viewer) is not
/// an error: such a person only receives.
async fn register(api: &Api, path: &str, body: serde_json::Value) -> Result<(), CoreError> {
    match api.post(path, body.clone()).await {
        Ok(_) => Ok(()),
        Err(CoreError::Forbidden(m)) => {
            tracing::debug!(%path, %body, "not registered: {m}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn refusal_name(r: Refusal) -> &'static str {
    match r {
        Refusal::NotFound => "not_found",
        Refusal::Forbidden => "forbidden",
        Refusal::ReadOnly => "read_only",
        Refusal::Revoked => "revoked",
        Refusal::Limit => "plan_limit",
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, CoreError> {
    serde_json::from_value(v).map_err(|e| {
        CoreError::Sync(format!(
            "the sync server's answer is not what this version expects ({e}); update Folio"
        ))
    })
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
