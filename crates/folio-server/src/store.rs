//! The server's database. [`ServerStore`] is the only thing the HTTP routes and the sync socket
//! see: it speaks in accounts, people, sites and documents, and no SQL or driver type leaves this
//! module.
//!
//! Two backends: SQLite (embedded, the default) and PostgreSQL (scale mode: several server
//! instances share one database). Each has its own migrations (`migrations/sqlite/`,
//! `migrations/postgres/`) and its own document-content storage, but the account, people and
//! document-registry queries are written once (`store/queries.rs`) in the subset both accept —
//! `$N` placeholders (sqlx-sqlite binds them by number), TEXT ids, BIGINT epoch milliseconds,
//! nullable timestamps instead of booleans, `ON CONFLICT … DO NOTHING` — and compiled once per
//! driver. Every check-then-write on an account runs in a write transaction (`begin_write`) and
//! first bumps the account row (`lock_account`); on SQLite the first already serialises
//! writers, on PostgreSQL the second (a row lock) does.
//!
//! Checks that involve a rule (who may change whose role, plan limits, the last owner) run inside
//! the same transaction as the write they guard, so two concurrent requests cannot both pass.

mod postgres;
mod sqlite;

pub use postgres::{RemoteChange, RemoteChanges, CHANGES_CHANNEL};

use crate::authz::DocPlacement;
use crate::config::{DatabaseUrl, PlanId};
use crate::model::{parse_doc_kind, Account, Doc, Grant, Invite, Plan, Principal, Site, User};
use crate::ServerError;
use automerge::{AutoCommit, ChangeHash};
use chrono::{DateTime, Utc};
use folio_model::{AccountId, Role, SiteId, UserId};
use folio_sync::{DocId, StoredDoc};
use std::collections::HashSet;
use std::fmt::Display;
use std::str::FromStr;

type Result<T, E = ServerError> = std::result::Result<T, E>;

/// Cheap to clone; clones share the connection pool.
#[derive(Clone, Debug)]
pub struct ServerStore {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(postgres::PgBackend),
}

/// Call the backend's copy of a `queries.rs` function with the pool as its first argument.
macro_rules! on_backend {
    ($store:expr, $f:ident($($arg:expr),* $(,)?)) => {
        match &$store.backend {
            Backend::Sqlite(pool) => sqlite::$f(pool, $($arg),*).await,
            Backend::Postgres(pg) => postgres::$f(&pg.pool, $($arg),*).await,
        }
    };
}

/// A document as the sync relay holds it: its contents, and what of them is already stored
/// (so a save writes only what came after).
pub struct LoadedDoc {
    pub id: DocId,
    pub doc: AutoCommit,
    saved: Saved,
}

enum Saved {
    /// folio-sync's own record of what is stored. Its `doc` is an empty stand-in: the contents
    /// live in [`LoadedDoc::doc`] so both backends hand the relay the same type, and they are
    /// lent to it only for the length of a save.
    Sqlite(Box<StoredDoc>),
    /// The heads at the last load or save.
    Postgres(Vec<ChangeHash>),
}

/// The hashes and expiry times of a fresh access + refresh token pair. The store never sees the
/// tokens themselves.
#[derive(Clone, Debug)]
pub struct SessionTokens {
    pub access_hash: String,
    pub access_expires_at: i64,
    pub refresh_hash: String,
    pub refresh_expires_at: i64,
}

pub struct NewAccount {
    pub account_id: AccountId,
    pub name: String,
    pub plan: PlanId,
    pub owner_id: UserId,
    pub email: String,
    pub password_hash: String,
}

/// The rules a refresh is held to besides the token itself.
#[derive(Clone, Debug)]
pub struct RotateRules {
    /// The new pair sealed under the presented token (`crate::sealed`), kept for retries.
    pub sealed_next: String,
    /// How long after a rotation the spent token still gets the same pair back (milliseconds).
    pub grace_ms: i64,
    /// A login's absolute lifetime from its creation (milliseconds).
    pub session_max_ms: i64,
}

pub enum RefreshOutcome {
    Rotated {
        user_id: UserId,
    },
    /// The token was rotated moments ago (within the grace window): a retry of a refresh whose
    /// answer was lost. `sealed` is the pair it was rotated into.
    Retried {
        user_id: UserId,
        sealed: String,
    },
    /// The login is past its absolute lifetime; it is now revoked.
    SessionExpired {
        user_id: UserId,
    },
    /// A spent refresh token came back: someone holds a copy. The whole family is now revoked.
    Reused {
        user_id: UserId,
        session_id: String,
    },
    Invalid,
}

/// Where a login stands, as a live sync socket re-checks it before each frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    Live,
    /// Revoked: logged out, password reset, or a reused refresh token.
    Ended,
    /// No such login any more: its user was removed from the account (the row went with them),
    /// or it was purged after all its tokens expired.
    Gone,
}

/// The facts [`crate::authz::doc_access`] needs, read in one query.
#[derive(Clone, Copy, Debug)]
pub struct AccessFacts {
    pub user_account: AccountId,
    pub role: Role,
    pub doc: DocPlacement,
    pub site_granted: bool,
}

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

impl ServerStore {
    /// Open (creating if needed) the database and bring its schema up to date.
    pub async fn open(url: &DatabaseUrl) -> Result<Self> {
        let backend = match url {
            DatabaseUrl::Sqlite(path) => Backend::Sqlite(sqlite::open(url, path).await?),
            DatabaseUrl::Postgres(raw) => Backend::Postgres(postgres::open(url, raw).await?),
        };
        Ok(Self { backend })
    }

    /// Which backend this is, for logs: `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Wait for queries in flight and close the database (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pg) => pg.pool.close().await,
        }
    }

    /// Documents saved by other server instances on the same database, as they happen: `Some`
    /// only for PostgreSQL (an embedded SQLite database has one server). Listening has begun
    /// when this returns, so nothing saved afterwards is missed.
    pub async fn remote_changes(&self) -> Result<Option<RemoteChanges>> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(pg) => Ok(Some(RemoteChanges::start(pg).await?)),
        }
    }

    pub async fn plan(&self, plan_id: &str) -> Result<Plan> {
        on_backend!(self, plan(plan_id))
    }

    /// A new account with its owner and the owner's first login, in one transaction.
    pub async fn create_account(
        &self,
        new: NewAccount,
        tokens: &SessionTokens,
    ) -> Result<(Account, User, String)> {
        on_backend!(self, create_account(new, tokens))
    }

    pub async fn account(&self, account_id: AccountId) -> Result<(Account, Plan)> {
        on_backend!(self, account(account_id))
    }

    pub async fn users(&self, account_id: AccountId) -> Result<Vec<User>> {
        on_backend!(self, users(account_id))
    }

    pub async fn site_count(&self, account_id: AccountId) -> Result<i64> {
        on_backend!(self, site_count(account_id))
    }

    /// The user with this (normalised) email and their password hash.
    pub async fn credentials(&self, email: &str) -> Result<Option<(User, String)>> {
        on_backend!(self, credentials(email))
    }

    pub async fn user(&self, user_id: UserId) -> Result<Option<User>> {
        on_backend!(self, user(user_id))
    }

    pub async fn create_session(&self, user_id: UserId, tokens: &SessionTokens) -> Result<String> {
        on_backend!(self, create_session(user_id, tokens))
    }

    /// The caller behind an access token, if the token is known, unexpired and its login is
    /// live. Role and account are read now, not when the token was issued.
    pub async fn authenticate(&self, access_hash: &str) -> Result<Option<Principal>> {
        on_backend!(self, authenticate(access_hash))
    }

    /// Spend a refresh token and issue its successor in the same login. A token that was already
    /// spent revokes the login (reuse means a copy exists), and the revocation is committed.
    pub async fn rotate_refresh(
        &self,
        refresh_hash: &str,
        next: &SessionTokens,
        rules: &RotateRules,
    ) -> Result<RefreshOutcome> {
        on_backend!(self, rotate_refresh(refresh_hash, next, rules))
    }

    /// Whether a login is still live; one primary-key lookup, cheap enough for every frame.
    pub async fn session_status(&self, session_id: &str) -> Result<SessionStatus> {
        on_backend!(self, session_status(session_id))
    }

    pub async fn revoke_session(&self, session_id: &str, reason: &str) -> Result<()> {
        on_backend!(self, revoke_session(session_id, reason))
    }

    pub async fn create_password_reset(
        &self,
        user_id: UserId,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<()> {
        on_backend!(self, create_password_reset(user_id, token_hash, expires_at))
    }

    /// Spend a reset token: set the new password, spend the user's other reset tokens and log out
    /// every session (whoever knew the old password is out). `None` when the token is unknown,
    /// spent or expired.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        new_password_hash: &str,
    ) -> Result<Option<UserId>> {
        on_backend!(self, reset_password(token_hash, new_password_hash))
    }

    pub async fn pending_invites(&self, account_id: AccountId) -> Result<Vec<Invite>> {
        on_backend!(self, pending_invites(account_id))
    }

    /// Invite `email` into the actor's account. Pending invites count against the plan's users,
    /// so an account cannot hand out more seats than it has; a newer invite to the same address
    /// replaces the older one.
    pub async fn create_invite(
        &self,
        actor: &Principal,
        email: &str,
        role: Role,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<Invite> {
        on_backend!(
            self,
            create_invite(actor, email, role, token_hash, expires_at)
        )
    }

    /// Turn an invite into a user with the invite's role, logged in. The plan's user limit is
    /// checked again: the plan may have shrunk since.
    pub async fn accept_invite(
        &self,
        token_hash: &str,
        user_id: UserId,
        password_hash: &str,
        tokens: &SessionTokens,
    ) -> Result<(User, String)> {
        on_backend!(
            self,
            accept_invite(token_hash, user_id, password_hash, tokens)
        )
    }

    pub async fn change_role(
        &self,
        actor: &Principal,
        target: UserId,
        new_role: Role,
    ) -> Result<User> {
        on_backend!(self, change_role(actor, target, new_role))
    }

    /// Remove a person from the account: their logins, tokens and grants go with them (cascade),
    /// so their next request — or sync message — is refused.
    pub async fn remove_user(&self, actor: &Principal, target: UserId) -> Result<()> {
        on_backend!(self, remove_user(actor, target))
    }

    /// Register a site a device created. Idempotent for the same account; an id registered by
    /// another account is a conflict that says nothing about that account. An editor who
    /// registers a site is granted it (otherwise they could not sync what they just made).
    pub async fn register_site(
        &self,
        actor: &Principal,
        site_id: SiteId,
        name: &str,
    ) -> Result<(Site, bool)> {
        on_backend!(self, register_site(actor, site_id, name))
    }

    pub async fn sites(&self, account_id: AccountId) -> Result<Vec<Site>> {
        on_backend!(self, sites(account_id))
    }

    /// The site, if it belongs to `account_id` (another account's site is "not found").
    pub async fn site(&self, account_id: AccountId, site_id: SiteId) -> Result<Option<Site>> {
        on_backend!(self, site(account_id, site_id))
    }

    pub async fn granted_sites(&self, user_id: UserId) -> Result<HashSet<SiteId>> {
        on_backend!(self, granted_sites(user_id))
    }

    pub async fn site_grants(&self, account_id: AccountId, site_id: SiteId) -> Result<Vec<Grant>> {
        on_backend!(self, site_grants(account_id, site_id))
    }

    /// Grant the account member with `email` access to the site. Idempotent.
    pub async fn grant_site(
        &self,
        actor: &Principal,
        site_id: SiteId,
        email: &str,
    ) -> Result<(Grant, bool)> {
        on_backend!(self, grant_site(actor, site_id, email))
    }

    /// Take a site away from a member. Idempotent once both exist in the account.
    pub async fn revoke_grant(
        &self,
        actor: &Principal,
        site_id: SiteId,
        user: UserId,
    ) -> Result<()> {
        on_backend!(self, revoke_grant(actor, site_id, user))
    }

    /// Register a document for the actor's account (the only way a document comes to exist for
    /// sync). `site_id` must be the site the id names (the API checks), or for an article the
    /// site it belongs to. Idempotent when the same account registers the same id under the same
    /// site; any other existing registration is a conflict that reveals nothing about it.
    pub async fn register_doc(
        &self,
        actor: &Principal,
        doc: &DocId,
        site_id: Option<SiteId>,
    ) -> Result<(Doc, bool)> {
        on_backend!(self, register_doc(actor, doc, site_id))
    }

    pub async fn docs(&self, account_id: AccountId) -> Result<Vec<Doc>> {
        on_backend!(self, docs(account_id))
    }

    pub async fn doc(&self, doc: &DocId) -> Result<Option<Doc>> {
        on_backend!(self, doc(doc))
    }

    /// Everything [`authz::doc_access`] needs about (user, document), in one query; `None` if
    /// either is unknown.
    pub async fn doc_access_facts(&self, user: UserId, doc: &DocId) -> Result<Option<AccessFacts>> {
        on_backend!(self, doc_access_facts(user, doc))
    }

    /// Bytes of document contents stored for the account (every chunk of every document).
    pub async fn account_storage_bytes(&self, account_id: AccountId) -> Result<i64> {
        on_backend!(self, account_storage_bytes(account_id))
    }

    /// Delete tokens that can no longer be used, and logins with none left. Spent refresh tokens
    /// are kept until they expire: they are how a replayed one is recognised.
    pub async fn purge_expired(&self) -> Result<()> {
        on_backend!(self, purge_expired())
    }

    // -----------------------------------------------------------------------------------------
    // Document contents (the sync relay)
    //
    // Chunks are keyed by document id. An id is the primary key of `docs`, which binds it to one
    // account for good (documents never move or get deleted), and the relay reads a document only
    // after that row said the caller's account may — so every document's storage is its account's.

    /// A document's contents as last saved; `None` if nothing was ever synced to it.
    pub async fn load_doc(&self, doc: &DocId) -> Result<Option<LoadedDoc>> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::load_doc(pool, doc).await,
            Backend::Postgres(pg) => postgres::load_doc(&pg.pool, doc).await,
        }
    }

    /// A document that is not in storage yet.
    pub fn new_doc(&self, id: DocId) -> LoadedDoc {
        let saved = match self.backend {
            Backend::Sqlite(_) => Saved::Sqlite(Box::new(StoredDoc::new(id, AutoCommit::new()))),
            Backend::Postgres(_) => Saved::Postgres(Vec::new()),
        };
        LoadedDoc {
            id,
            doc: AutoCommit::new(),
            saved,
        }
    }

    /// The kept sync state of (document, peer); fresh if none.
    pub async fn sync_state(&self, doc: &DocId, peer: &str) -> Result<automerge::sync::State> {
        on_backend!(self, sync_state(doc, peer))
    }

    /// Save what changed in `loaded` and the sync state with `peer`, in one transaction: once
    /// this returns, what the peer sent survives a restart. On PostgreSQL a change is also
    /// announced on [`CHANGES_CHANNEL`], delivered to the other instances when it commits.
    pub async fn save_doc(
        &self,
        loaded: &mut LoadedDoc,
        peer: &str,
        state: &automerge::sync::State,
    ) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::save_doc(pool, loaded, peer, state).await,
            Backend::Postgres(pg) => postgres::save_doc(pg, loaded, peer, state).await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows and conversions

fn email_taken(email: &str) -> ServerError {
    ServerError::conflict(
        "email",
        format!("{email} is already registered; log in instead, or reset the password if it is forgotten"),
    )
}

pub(crate) fn invalid_token(what: &str) -> ServerError {
    ServerError::invalid(
        "token",
        format!("this {what} link is invalid, used or expired; ask for a new one"),
    )
}

fn no_site_access() -> ServerError {
    ServerError::Forbidden(
        "you have no access to this site; ask an owner or admin to grant it to you".into(),
    )
}

fn plural(n: i64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn parse_id<T: FromStr>(what: &str, s: &str) -> Result<T>
where
    T::Err: Display,
{
    s.parse()
        .map_err(|e| ServerError::Corrupt(format!("{what} {s:?}: {e}")))
}

fn parse_role(s: &str) -> Result<Role> {
    s.parse().map_err(ServerError::Corrupt)
}

fn time(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| ServerError::Corrupt(format!("timestamp {ms} is out of range")))
}

const USER_COLUMNS: &str = "id, account_id, email, role, created_at";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    account_id: String,
    email: String,
    role: String,
    created_at: i64,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: parse_id("user id", &self.id)?,
            account_id: parse_id("account id", &self.account_id)?,
            email: self.email,
            role: parse_role(&self.role)?,
            created_at: time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    session_id: String,
    user_id: String,
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    successor_sealed: Option<String>,
    session_created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    user_account: String,
    role: String,
    doc_account: String,
    site_id: Option<String>,
    granted: i64,
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    name: String,
    plan_id: String,
    created_at: i64,
}

impl AccountRow {
    fn into_account(self) -> Result<Account> {
        Ok(Account {
            id: parse_id("account id", &self.id)?,
            name: self.name,
            plan_id: self.plan_id,
            created_at: time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    id: String,
    email: String,
    role: String,
    invited_by: String,
    created_at: i64,
    expires_at: i64,
}

impl InviteRow {
    fn into_invite(self) -> Result<Invite> {
        Ok(Invite {
            id: parse_id("invite id", &self.id)?,
            email: self.email,
            role: parse_role(&self.role)?,
            invited_by: parse_id("user id", &self.invited_by)?,
            created_at: time(self.created_at)?,
            expires_at: time(self.expires_at)?,
        })
    }
}

const SITE_COLUMNS: &str = "id, account_id, name, created_by, created_at";

#[derive(sqlx::FromRow)]
struct SiteRow {
    id: String,
    account_id: String,
    name: String,
    created_by: String,
    created_at: i64,
}

impl SiteRow {
    fn into_site(self) -> Result<Site> {
        Ok(Site {
            id: parse_id("site id", &self.id)?,
            account_id: parse_id("account id", &self.account_id)?,
            name: self.name,
            created_by: parse_id("user id", &self.created_by)?,
            created_at: time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    site_id: String,
    user_id: String,
    email: String,
    role: String,
    granted_by: String,
    created_at: i64,
}

impl GrantRow {
    fn into_grant(self) -> Result<Grant> {
        Ok(Grant {
            site_id: parse_id("site id", &self.site_id)?,
            user_id: parse_id("user id", &self.user_id)?,
            email: self.email,
            role: parse_role(&self.role)?,
            granted_by: parse_id("user id", &self.granted_by)?,
            created_at: time(self.created_at)?,
        })
    }
}

const DOC_COLUMNS: &str = "doc_id, account_id, site_id, kind, created_by, created_at";

#[derive(sqlx::FromRow)]
struct DocRow {
    doc_id: String,
    account_id: String,
    site_id: Option<String>,
    kind: String,
    created_by: String,
    created_at: i64,
}

impl DocRow {
    fn into_doc(self) -> Result<Doc> {
        Ok(Doc {
            account_id: parse_id("account id", &self.account_id)?,
            site_id: self.site_id.map(|s| parse_id("site id", &s)).transpose()?,
            kind: parse_doc_kind(&self.kind)
                .ok_or_else(|| ServerError::Corrupt(format!("document kind {:?}", self.kind)))?,
            created_by: parse_id("user id", &self.created_by)?,
            created_at: time(self.created_at)?,
            doc_id: parse_id("document id", &self.doc_id)?,
        })
    }
}
