//! The bodies of [`ServerStore`](crate::store::ServerStore)'s methods, written once and compiled
//! once per backend: `store/sqlite.rs` and `store/postgres.rs` each include this file as a child
//! module after defining `Pool`, `Conn` and `begin_write` for their driver. The SQL is the subset
//! both databases accept (see the `store` module), so the text is the same and only the driver
//! types differ; what a method does is documented on `ServerStore`.

use super::{begin_write, Conn, Pool};
use crate::authz::{self, DocPlacement};
use crate::model::{Account, Doc, Grant, Invite, Plan, Principal, Site, User};
use crate::store::{
    email_taken, invalid_token, no_site_access, now_ms, parse_id, parse_role, plural, time,
    AccessFacts, AccessRow, AccountRow, CredentialRow, DocRow, GrantRow, InviteRow, NewAccount,
    RefreshOutcome, RefreshRow, RotateRules, SessionStatus, SessionTokens, SiteRow, UserRow,
    DOC_COLUMNS, SITE_COLUMNS, USER_COLUMNS,
};
use crate::ServerError;
use folio_model::{AccountId, Role, SiteId, UserId};
use folio_sync::DocId;
use std::collections::HashSet;
use uuid::Uuid;

type Result<T, E = ServerError> = std::result::Result<T, E>;

// Nested files are named by path: this file is itself included by path from each backend.
#[path = "queries/accounts.rs"]
mod accounts;
pub(crate) use accounts::*;
#[path = "queries/logins.rs"]
mod logins;
pub(crate) use logins::*;
#[path = "queries/people.rs"]
mod people;
pub(crate) use people::*;
#[path = "queries/sites.rs"]
mod sites;
pub(crate) use sites::*;
#[path = "queries/documents.rs"]
mod documents;
pub(crate) use documents::*;

// ---------------------------------------------------------------------------------------------
// Helpers inside a transaction

/// Serialise check-then-write transactions on one account (see the module comment).
async fn lock_account(conn: &mut Conn, account_id: AccountId) -> Result<()> {
    let done = sqlx::query("UPDATE accounts SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(account_id.to_string())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ServerError::NotFound("account"));
    }
    Ok(())
}

async fn plan_by_id(conn: &mut Conn, plan_id: &str) -> Result<Plan> {
    let row: Option<Plan> = sqlx::query_as(
        "SELECT id, name, included_credits, max_sites, max_users, max_keywords, max_docs,
                max_storage_bytes
           FROM plans WHERE id = $1",
    )
    .bind(plan_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or_else(|| ServerError::Corrupt(format!("plan {plan_id:?} is missing")))
}

async fn account_plan(conn: &mut Conn, account_id: AccountId) -> Result<Plan> {
    let row: Option<(String,)> = sqlx::query_as("SELECT plan_id FROM accounts WHERE id = $1")
        .bind(account_id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    let (plan_id,) = row.ok_or(ServerError::NotFound("account"))?;
    plan_by_id(conn, &plan_id).await
}

async fn count(conn: &mut Conn, sql: &str, arg: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(sql).bind(arg).fetch_one(&mut *conn).await?;
    Ok(n)
}

/// The user, if they are a member of `account_id`; otherwise "not found".
async fn member(conn: &mut Conn, account_id: AccountId, user: UserId) -> Result<User> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND account_id = $2"
    ))
    .bind(user.to_string())
    .bind(account_id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or(ServerError::NotFound("user"))?.into_user()
}

async fn ensure_another_owner(conn: &mut Conn, account_id: AccountId) -> Result<()> {
    let owners = count(
        conn,
        "SELECT COUNT(*) FROM users WHERE account_id = $1 AND role = 'owner'",
        &account_id.to_string(),
    )
    .await?;
    if owners <= 1 {
        return Err(ServerError::conflict(
            "role",
            "an account needs an owner; make someone else owner first",
        ));
    }
    Ok(())
}

async fn site_in_account(conn: &mut Conn, account_id: AccountId, site_id: SiteId) -> Result<()> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sites WHERE id = $1 AND account_id = $2")
            .bind(site_id.to_string())
            .bind(account_id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|_| ()).ok_or(ServerError::NotFound("site"))
}

async fn has_grant(conn: &mut Conn, user: UserId, site: SiteId) -> Result<bool> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT site_id FROM site_grants WHERE user_id = $1 AND site_id = $2")
            .bind(user.to_string())
            .bind(site.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.is_some())
}

async fn insert_grant(
    conn: &mut Conn,
    account_id: AccountId,
    user: UserId,
    site: SiteId,
    granted_by: UserId,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO site_grants (account_id, user_id, site_id, granted_by, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, site_id) DO NOTHING",
    )
    .bind(account_id.to_string())
    .bind(user.to_string())
    .bind(site.to_string())
    .bind(granted_by.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn insert_user(
    conn: &mut Conn,
    id: UserId,
    account_id: AccountId,
    email: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO users (id, account_id, email, password_hash, role, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(id.to_string())
    .bind(account_id.to_string())
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        // Another request registered the address between our check and this insert.
        sqlx::Error::Database(db) if db.is_unique_violation() => email_taken(email),
        _ => ServerError::Storage(e),
    })?;
    Ok(())
}

async fn insert_session(
    conn: &mut Conn,
    user: UserId,
    tokens: &SessionTokens,
    now: i64,
) -> Result<String> {
    let id = Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(user.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    insert_tokens(conn, &id, tokens).await?;
    Ok(id)
}

async fn insert_tokens(conn: &mut Conn, session: &str, t: &SessionTokens) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(&t.access_hash)
    .bind(session)
    .bind(t.access_expires_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(&t.refresh_hash)
    .bind(session)
    .bind(t.refresh_expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn revoke_session_in(conn: &mut Conn, session: &str, reason: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(session)
    .execute(&mut *conn)
    .await?;
    // Access tokens die with the login anyway (authenticate joins on it); deleting them now just
    // keeps the table small.
    sqlx::query("DELETE FROM access_tokens WHERE session_id = $1")
        .bind(session)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
