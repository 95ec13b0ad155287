//! A real server in-process on 127.0.0.1:0 with a temporary SQLite file (or a given database:
//! the scale-mode tests share one PostgreSQL between servers), and a small JSON client.
#![allow(dead_code)] // each test file uses a different part of the harness

use folio_server::mail::{MailKind, Outbox};
use folio_server::{
    DatabaseUrl, PasswordHashing, PlanId, RunningServer, ServerConfig, TokenLifetimes,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

/// Long enough to pass the rules, and recognisable when scanning the database for it.
pub const PASSWORD: &str = "Correct-Horse-7f3a9c-Battery";

pub struct TestServer {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    pub outbox: Outbox,
    pub http: reqwest::Client,
    pub base: String,
    plan: PlanId,
    lifetimes: TokenLifetimes,
    /// `None`: the SQLite file in `dir`.
    database: Option<DatabaseUrl>,
}

#[derive(Clone, Debug)]
pub struct Login {
    pub email: String,
    pub account_id: String,
    pub user_id: String,
    pub role: String,
    pub access: String,
    pub refresh: String,
}

impl Login {
    pub fn from_tokens(email: &str, v: &Value) -> Self {
        Self {
            email: email.to_owned(),
            account_id: v["account_id"].as_str().unwrap().to_owned(),
            user_id: v["user_id"].as_str().unwrap().to_owned(),
            role: v["role"].as_str().unwrap().to_owned(),
            access: v["access_token"].as_str().unwrap().to_owned(),
            refresh: v["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(PlanId::Growth, TokenLifetimes::default()).await
    }

    /// On SQLite, or on a fresh database of the PostgreSQL server named by
    /// `FOLIO_TEST_POSTGRES` (to run these suites against scale mode's backend).
    pub async fn start_with(plan: PlanId, lifetimes: TokenLifetimes) -> Self {
        let database = match std::env::var("FOLIO_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(fresh_postgres_database(&url).await),
            _ => None,
        };
        Self::start_full(database, plan, lifetimes).await
    }

    /// A server on a fresh SQLite file with the test defaults changed by `adjust`.
    pub async fn start_adjusted(adjust: impl FnOnce(&mut ServerConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new();
        let mut c = config(
            DatabaseUrl::in_data_dir(dir.path()),
            PlanId::Growth,
            TokenLifetimes::default(),
            &outbox,
        );
        adjust(&mut c);
        let server = folio_server::serve(c).await.unwrap();
        let base = server.url();
        Self {
            server,
            dir,
            outbox,
            http: reqwest::Client::new(),
            base,
            plan: PlanId::Growth,
            lifetimes: TokenLifetimes::default(),
            database: None,
        }
    }

    /// A server on `database`; several may share one (scale mode).
    pub async fn start_on(database: DatabaseUrl) -> Self {
        Self::start_full(Some(database), PlanId::Growth, TokenLifetimes::default()).await
    }

    /// [`Self::start_on`] with other token lifetimes.
    pub async fn start_on_with(database: DatabaseUrl, lifetimes: TokenLifetimes) -> Self {
        Self::start_full(Some(database), PlanId::Growth, lifetimes).await
    }

    async fn start_full(
        database: Option<DatabaseUrl>,
        plan: PlanId,
        lifetimes: TokenLifetimes,
    ) -> Self {
        // Server logs go to the test's captured output (shown when a test fails).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "folio_server=info".into()),
            )
            .with_test_writer()
            .try_init();
        Self::serve_in(
            tempfile::tempdir().unwrap(),
            database,
            Outbox::new(),
            plan,
            lifetimes,
        )
        .await
    }

    /// Stop the server and start a new one on the same database (on a new port), with the same
    /// plan and token lifetimes.
    pub async fn restart(self) -> Self {
        let Self {
            server,
            dir,
            outbox,
            plan,
            lifetimes,
            database,
            ..
        } = self;
        server.shutdown().await.unwrap();
        Self::serve_in(dir, database, outbox, plan, lifetimes).await
    }

    async fn serve_in(
        dir: tempfile::TempDir,
        database: Option<DatabaseUrl>,
        outbox: Outbox,
        plan: PlanId,
        lifetimes: TokenLifetimes,
    ) -> Self {
        let url = database
            .clone()
            .unwrap_or_else(|| DatabaseUrl::in_data_dir(dir.path()));
        let server = folio_server::serve(config(url, plan, lifetimes, &outbox))
            .await
            .unwrap();
        let base = server.url();
        Self {
            server,
            dir,
            outbox,
            http: reqwest::Client::new(),
            base,
            plan,
            lifetimes,
            database,
        }
    }

    /// Run one SQL statement on the server's database (to set up a state no API reaches, such as
    /// a plan with tiny limits).
    pub async fn sql(&self, statement: &str) {
        match &self.database {
            Some(DatabaseUrl::Postgres(url)) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
            _ => {
                let url = format!("sqlite://{}", self.db_path().display());
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("folio-server.db")
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn register(&self, email: &str) -> Login {
        let (status, v) = self
            .post(
                "/v1/auth/register",
                None,
                json!({"email": email, "password": PASSWORD, "account_name": format!("{email}'s")}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        Login::from_tokens(email, &v)
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Invite `email` with `role` into `by`'s account and accept it; the new member's login.
    pub async fn invite_and_accept(&self, by: &Login, email: &str, role: &str) -> Login {
        let (status, v) = self
            .post(
                "/v1/account/invites",
                Some(&by.access),
                json!({"email": email, "role": role}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        let token = self.outbox.last_to(email, MailKind::Invite).unwrap().token;
        let (status, v) = self
            .post(
                "/v1/invites/accept",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        Login::from_tokens(email, &v)
    }

    /// `by` grants `email` access to `site`; the grant must be new.
    pub async fn grant(&self, by: &Login, site: &str, email: &str) {
        let (status, v) = self
            .post(
                &format!("/v1/sites/{site}/grants"),
                Some(&by.access),
                json!({"email": email}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
    }

    pub async fn add_site(&self, by: &Login, name: &str) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let (status, v) = self
            .post(
                "/v1/sites",
                Some(&by.access),
                json!({"site_id": id, "name": name}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        id
    }

    /// Register `doc_id` (`site_id` only needed for `article/…`); returns the id.
    pub async fn add_doc(&self, by: &Login, doc_id: &str, site: Option<&str>) -> String {
        let mut body = json!({"doc_id": doc_id});
        if let Some(s) = site {
            body["site_id"] = s.into();
        }
        let (status, v) = self.post("/v1/docs", Some(&by.access), body).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        doc_id.to_owned()
    }

    /// The ids of the documents `who` is shown by GET /v1/docs.
    pub async fn visible_docs(&self, who: &Login) -> Vec<String> {
        let (status, v) = self.get("/v1/docs", &who.access).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let mut ids: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["doc_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }

    /// Wait for a background email (password reset mail is sent off the request path).
    pub async fn wait_for_mail(&self, to: &str, kind: MailKind) -> folio_server::mail::Mail {
        for _ in 0..200 {
            if let Some(m) = self.outbox.last_to(to, kind) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no {kind:?} mail to {to}");
    }
}

fn config(
    database: DatabaseUrl,
    plan: PlanId,
    lifetimes: TokenLifetimes,
    outbox: &Outbox,
) -> ServerConfig {
    let mut config = ServerConfig::new(database);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.default_plan = plan;
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    config.token_lifetimes = lifetimes;
    config.mailer = folio_server::mail::Mailer::Outbox(outbox.clone());
    // Suites log in far more often than a person; tests/rate_limits.rs pins the strict defaults.
    config.rate_limits = folio_server::rate_limit::RateLimits {
        per_address_per_minute: 100_000,
        per_email_per_minute: 100_000,
    };
    config
}

/// A new, empty database on the PostgreSQL server `url` points at.
async fn fresh_postgres_database(url: &str) -> DatabaseUrl {
    let name = format!("t{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (server, _) = url.rsplit_once('/').unwrap();
    format!("{server}/{name}").parse().unwrap()
}

/// A fresh `article/{id}` document id.
pub fn article() -> String {
    format!("article/{}", uuid::Uuid::now_v7())
}

/// A document id as the sync socket will see it.
pub fn doc(id: &str) -> folio_sync::DocId {
    id.parse().unwrap()
}

/// The `{"error": {"kind", "message"}}` shape, with the expected kind.
pub fn assert_error(v: &Value, kind: &str) {
    assert_eq!(v["error"]["kind"], kind, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}
