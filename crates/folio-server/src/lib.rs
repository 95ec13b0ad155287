//! Folio's sync server: accounts and people, authorization, and the document relay.
//!
//! DESIGN §3 makes this server the authorization point — Automerge has no access control — so
//! the pieces here are: who you are ([`auth`]), what you may touch ([`authz`]), and the server's
//! own records ([`store`]): accounts, people, sites, grants and the document → account map every
//! sync connection is checked against — and the relay itself ([`relay`], `GET /v1/sync`).
//!
//! [`serve`] starts a server in-process (the binary and the tests both use it).

pub mod api;
pub mod auth;
pub mod authz;
pub mod config;
pub mod error;
pub mod hashing;
pub mod mail;
pub mod model;
pub mod rate_limit;
pub mod relay;
pub mod sealed;
pub mod secrets;
pub mod session_end;
pub mod store;

pub use config::{DatabaseUrl, PasswordHashing, PlanId, ServerConfig, TokenLifetimes};
pub use error::ServerError;
pub use store::ServerStore;

use auth::{AppState, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// How often spent and expired tokens are swept from the database.
const PURGE_EVERY: Duration = Duration::from_secs(600);

/// A server that is accepting connections.
pub struct RunningServer {
    addr: SocketAddr,
    store: ServerStore,
    relay: Arc<relay::Relay>,
    hash_gate: Arc<hashing::HashGate>,
    shutdown: Option<oneshot::Sender<()>>,
    serve_task: JoinHandle<std::io::Result<()>>,
    purge_task: JoinHandle<()>,
    /// Scale mode only: hands other instances' saves to the relay.
    fanout_task: Option<JoinHandle<()>>,
}

/// Open the database (migrating it), bind the listener and start serving. Returns once the
/// socket is bound, so `addr()` is the real address even for port 0.
pub async fn serve(config: ServerConfig) -> Result<RunningServer, ServerError> {
    let store = ServerStore::open(&config.database).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.listen,
        source,
    })?;
    // Hashing a random password gives a hash with the configured cost, for constant-time misses.
    let hash_gate = Arc::new(hashing::HashGate::new(config.hashing_bound));
    let dummy_hash = secrets::hash_password(
        config.password_hashing,
        &secrets::new_token(secrets::TokenKind::Access),
    )
    .await?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let relay = Arc::new(relay::Relay::new(config.sync_connections_per_user));
    // Listening starts before the first request is accepted, so no save is missed.
    let fanout_task = store.remote_changes().await?.map(|mut changes| {
        let relay = relay.clone();
        tokio::spawn(async move {
            while let Some(change) = changes.next().await {
                match change {
                    store::RemoteChange::Doc(doc) => relay.changed_elsewhere(&doc).await,
                    store::RemoteChange::Missed => relay.changed_anywhere().await,
                }
            }
        })
    });
    let state = AppState {
        store: store.clone(),
        relay: relay.clone(),
        settings: Arc::new(Settings {
            hashing: config.password_hashing,
            lifetimes: config.token_lifetimes,
            mailer: config.mailer.clone(),
            public_url,
            default_plan: config.default_plan,
            dummy_hash,
            hash_gate: hash_gate.clone(),
            limiter: rate_limit::Limiter::new(config.rate_limits),
            trust_proxy: config.trust_proxy,
        }),
    };
    let settings = state.settings.clone();
    // One info line per request (method, path, status, latency). Paths carry ids only; tokens
    // travel in headers and bodies, which are not logged.
    let app = api::router(state).layer(
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    let (shutdown, stopped) = oneshot::channel::<()>();
    let serve_task = tokio::spawn(async move {
        // Sync frames are small and answered at once: without TCP_NODELAY, Nagle's algorithm
        // and delayed ACKs add ~40 ms to every exchange.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set on a connection");
            }
        });
        // The peer address feeds the rate limits (api::ClientIp).
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    let purge_store = store.clone();
    let purge_task = tokio::spawn(async move {
        let mut every =
            tokio::time::interval_at(tokio::time::Instant::now() + PURGE_EVERY, PURGE_EVERY);
        loop {
            every.tick().await;
            if let Err(e) = purge_store.purge_expired().await {
                tracing::warn!(error = %e, "could not purge expired tokens");
            }
            settings.limiter.forget_idle();
        }
    });
    let mail = match &config.mailer {
        mail::Mailer::None => "none: password reset is off, invites by link only",
        mail::Mailer::Smtp(_) => "smtp",
        mail::Mailer::Outbox(_) => "outbox",
    };
    tracing::info!(%addr, database = %config.database, backend = store.backend_name(), default_plan = %config.default_plan, mail, trust_proxy = config.trust_proxy, "folio-server started");
    Ok(RunningServer {
        addr,
        store,
        relay,
        hash_gate,
        shutdown: Some(shutdown),
        serve_task,
        purge_task,
        fanout_task,
    })
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The password hashing bound, and the most hashes seen running at once (tests, metrics).
    pub fn hash_gate(&self) -> &hashing::HashGate {
        &self.hash_gate
    }

    /// The server's database, for embedders and tests.
    pub fn store(&self) -> &ServerStore {
        &self.store
    }

    /// Stop accepting connections, let requests in flight finish, and close the database.
    pub async fn shutdown(mut self) -> Result<(), ServerError> {
        // Sync sockets are upgraded out of the HTTP server's reach: close them first.
        self.relay.close();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.finish().await
    }

    /// Serve until `signal` completes, then shut down gracefully.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> Result<(), ServerError> {
        signal.await;
        tracing::info!("shutting down");
        self.shutdown().await
    }

    async fn finish(self) -> Result<(), ServerError> {
        self.purge_task.abort();
        if let Some(task) = &self.fanout_task {
            task.abort();
        }
        let served = self
            .serve_task
            .await
            .map_err(|e| ServerError::Internal(format!("the server task failed: {e}")))?;
        self.store.close().await;
        served.map_err(|e| ServerError::Internal(format!("serving: {e}")))
    }
}
