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
    RefreshOutcome, RefreshRow, SessionTokens, SiteRow, UserRow, DOC_COLUMNS, SITE_COLUMNS,
    USER_COLUMNS,
};
use crate::ServerError;
use folio_model::{AccountId, Role, SiteId, UserId};
use folio_sync::DocId;
use std::collections::HashSet;
use uuid::Uuid;

type Result<T, E = ServerError> = std::result::Result<T, E>;

// -----------------------------------------------------------------------------------------
// Plans and accounts

pub(crate) async fn plan(db: &Pool, plan_id: &str) -> Result<Plan> {
    plan_by_id(&mut *db.acquire().await?, plan_id).await
}

pub(crate) async fn create_account(
    db: &Pool,
    new: NewAccount,
    tokens: &SessionTokens,
) -> Result<(Account, User, String)> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(&new.email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(email_taken(&new.email));
    }
    let account_taken: Option<(String,)> = sqlx::query_as("SELECT id FROM accounts WHERE id = $1")
        .bind(new.account_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
    if account_taken.is_some() {
        return Err(ServerError::conflict(
            "account_id",
            "this account id is already registered; register without account_id to get a new one",
        ));
    }
    sqlx::query("INSERT INTO accounts (id, name, plan_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(new.account_id.to_string())
        .bind(&new.name)
        .bind(new.plan.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    insert_user(
        &mut tx,
        new.owner_id,
        new.account_id,
        &new.email,
        &new.password_hash,
        Role::Owner,
        now,
    )
    .await?;
    let session_id = insert_session(&mut tx, new.owner_id, tokens, now).await?;
    tx.commit().await?;
    let account = Account {
        id: new.account_id,
        name: new.name,
        plan_id: new.plan.as_str().to_owned(),
        created_at: time(now)?,
    };
    let user = User {
        id: new.owner_id,
        account_id: new.account_id,
        email: new.email,
        role: Role::Owner,
        created_at: time(now)?,
    };
    Ok((account, user, session_id))
}

pub(crate) async fn account(db: &Pool, account_id: AccountId) -> Result<(Account, Plan)> {
    let row: Option<AccountRow> =
        sqlx::query_as("SELECT id, name, plan_id, created_at FROM accounts WHERE id = $1")
            .bind(account_id.to_string())
            .fetch_optional(db)
            .await?;
    let account = row
        .ok_or(ServerError::NotFound("account"))?
        .into_account()?;
    let plan = plan(db, &account.plan_id).await?;
    Ok((account, plan))
}

pub(crate) async fn users(db: &Pool, account_id: AccountId) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 ORDER BY created_at, id"
    ))
    .bind(account_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(UserRow::into_user).collect()
}

pub(crate) async fn site_count(db: &Pool, account_id: AccountId) -> Result<i64> {
    count(
        &mut *db.acquire().await?,
        "SELECT COUNT(*) FROM sites WHERE account_id = $1",
        &account_id.to_string(),
    )
    .await
}

// -----------------------------------------------------------------------------------------
// Logins

pub(crate) async fn credentials(db: &Pool, email: &str) -> Result<Option<(User, String)>> {
    let row: Option<CredentialRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(db)
    .await?;
    row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
        .transpose()
}

pub(crate) async fn user(db: &Pool, user_id: UserId) -> Result<Option<User>> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(user_id.to_string())
            .fetch_optional(db)
            .await?;
    row.map(UserRow::into_user).transpose()
}

pub(crate) async fn create_session(
    db: &Pool,
    user_id: UserId,
    tokens: &SessionTokens,
) -> Result<String> {
    let mut tx = begin_write(db).await?;
    let id = insert_session(&mut tx, user_id, tokens, now_ms()).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn authenticate(db: &Pool, access_hash: &str) -> Result<Option<Principal>> {
    let row: Option<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.account_id, u.role, u.email, s.id
           FROM access_tokens a
           JOIN sessions s ON s.id = a.session_id
           JOIN users u ON u.id = s.user_id
          WHERE a.token_hash = $1 AND a.expires_at > $2 AND s.revoked_at IS NULL",
    )
    .bind(access_hash)
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    row.map(|(user, account, role, email, session)| {
        Ok(Principal {
            user_id: parse_id("user id", &user)?,
            account_id: parse_id("account id", &account)?,
            role: parse_role(&role)?,
            email,
            session_id: session,
        })
    })
    .transpose()
}

pub(crate) async fn rotate_refresh(
    db: &Pool,
    refresh_hash: &str,
    next: &SessionTokens,
) -> Result<RefreshOutcome> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    let row: Option<RefreshRow> = sqlx::query_as(
        "SELECT r.session_id, s.user_id, r.expires_at, r.used_at, s.revoked_at
           FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
          WHERE r.token_hash = $1",
    )
    .bind(refresh_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(RefreshRow {
        session_id,
        user_id,
        expires_at,
        used_at,
        revoked_at,
    }) = row
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    let user_id: UserId = parse_id("user id", &user_id)?;
    if revoked_at.is_some() || expires_at <= now {
        return Ok(RefreshOutcome::Invalid);
    }
    // The conditional update is the real check: of two concurrent uses only one spends it.
    let spent = used_at.is_none()
        && sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(refresh_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
    if !spent {
        revoke_session_in(&mut tx, &session_id, "refresh token reused", now).await?;
        tx.commit().await?;
        return Ok(RefreshOutcome::Reused {
            user_id,
            session_id,
        });
    }
    insert_tokens(&mut tx, &session_id, next).await?;
    tx.commit().await?;
    Ok(RefreshOutcome::Rotated { user_id })
}

pub(crate) async fn revoke_session(db: &Pool, session_id: &str, reason: &str) -> Result<()> {
    let mut tx = begin_write(db).await?;
    revoke_session_in(&mut tx, session_id, reason, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

// -----------------------------------------------------------------------------------------
// Password reset

pub(crate) async fn create_password_reset(
    db: &Pool,
    user_id: UserId,
    token_hash: &str,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id.to_string())
    .bind(now_ms())
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn reset_password(
    db: &Pool,
    token_hash: &str,
    new_password_hash: &str,
) -> Result<Option<UserId>> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT user_id FROM password_reset_tokens
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id,)) = row else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE password_reset_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(new_password_hash)
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = 'password reset'
          WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(&user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(parse_id("user id", &user_id)?))
}

// -----------------------------------------------------------------------------------------
// Invites and people

pub(crate) async fn pending_invites(db: &Pool, account_id: AccountId) -> Result<Vec<Invite>> {
    let rows: Vec<InviteRow> = sqlx::query_as(
        "SELECT id, email, role, invited_by, created_at, expires_at FROM invites
          WHERE account_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at > $2
          ORDER BY created_at, id",
    )
    .bind(account_id.to_string())
    .bind(now_ms())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(InviteRow::into_invite).collect()
}

pub(crate) async fn create_invite(
    db: &Pool,
    actor: &Principal,
    email: &str,
    role: Role,
    token_hash: &str,
    expires_at: i64,
) -> Result<Invite> {
    authz::check_role_change(actor.role, None, Some(role))?;
    let now = now_ms();
    let account = actor.account_id.to_string();
    let mut tx = begin_write(db).await?;
    lock_account(&mut tx, actor.account_id).await?;
    let member: Option<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE account_id = $1 AND email = $2")
            .bind(&account)
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
    if member.is_some() {
        return Err(ServerError::conflict(
            "email",
            format!("{email} is already a member of this account"),
        ));
    }
    sqlx::query(
        "UPDATE invites SET revoked_at = $1
          WHERE account_id = $2 AND email = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(&account)
    .bind(email)
    .execute(&mut *tx)
    .await?;
    let plan = account_plan(&mut tx, actor.account_id).await?;
    let users = count(
        &mut tx,
        "SELECT COUNT(*) FROM users WHERE account_id = $1",
        &account,
    )
    .await?;
    let pending: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invites WHERE account_id = $1 AND accepted_at IS NULL
            AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(&account)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if users + pending.0 >= plan.max_users {
        return Err(ServerError::Limit(format!(
            "the {} plan allows {} and this account has {users} and {} pending; remove \
             someone, withdraw an invite or move to a larger plan",
            plan.name,
            plural(plan.max_users, "user"),
            plural(pending.0, "invite"),
        )));
    }
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO invites (id, token_hash, account_id, email, role, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(token_hash)
    .bind(&account)
    .bind(email)
    .bind(role.as_str())
    .bind(actor.user_id.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Invite {
        id,
        email: email.to_owned(),
        role,
        invited_by: actor.user_id,
        created_at: time(now)?,
        expires_at: time(expires_at)?,
    })
}

pub(crate) async fn accept_invite(
    db: &Pool,
    token_hash: &str,
    user_id: UserId,
    password_hash: &str,
    tokens: &SessionTokens,
) -> Result<(User, String)> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, account_id, email, role FROM invites
          WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL
            AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invite_id, account, email, role)) = row else {
        return Err(invalid_token("invite"));
    };
    let account_id: AccountId = parse_id("account id", &account)?;
    let role = parse_role(&role)?;
    lock_account(&mut tx, account_id).await?;
    let plan = account_plan(&mut tx, account_id).await?;
    let users = count(
        &mut tx,
        "SELECT COUNT(*) FROM users WHERE account_id = $1",
        &account,
    )
    .await?;
    if users >= plan.max_users {
        return Err(ServerError::Limit(format!(
            "this account's {} plan is full ({}); ask its owner to free a seat or move to a larger plan",
            plan.name,
            plural(plan.max_users, "user"),
        )));
    }
    let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ServerError::conflict(
            "email",
            format!("{email} already belongs to a Folio account, and an address can belong to only one; ask for the invite to go to another address"),
        ));
    }
    insert_user(
        &mut tx,
        user_id,
        account_id,
        &email,
        password_hash,
        role,
        now,
    )
    .await?;
    sqlx::query("UPDATE invites SET accepted_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&invite_id)
        .execute(&mut *tx)
        .await?;
    let session_id = insert_session(&mut tx, user_id, tokens, now).await?;
    tx.commit().await?;
    let user = User {
        id: user_id,
        account_id,
        email,
        role,
        created_at: time(now)?,
    };
    Ok((user, session_id))
}

pub(crate) async fn change_role(
    db: &Pool,
    actor: &Principal,
    target: UserId,
    new_role: Role,
) -> Result<User> {
    let mut tx = begin_write(db).await?;
    lock_account(&mut tx, actor.account_id).await?;
    let current = member(&mut tx, actor.account_id, target).await?;
    authz::check_role_change(actor.role, Some(current.role), Some(new_role))?;
    if current.role == Role::Owner && new_role != Role::Owner {
        ensure_another_owner(&mut tx, actor.account_id).await?;
    }
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(new_role.as_str())
        .bind(target.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(User {
        role: new_role,
        ..current
    })
}

pub(crate) async fn remove_user(db: &Pool, actor: &Principal, target: UserId) -> Result<()> {
    let mut tx = begin_write(db).await?;
    lock_account(&mut tx, actor.account_id).await?;
    let current = member(&mut tx, actor.account_id, target).await?;
    authz::check_role_change(actor.role, Some(current.role), None)?;
    if current.role == Role::Owner {
        ensure_another_owner(&mut tx, actor.account_id).await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(target.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// -----------------------------------------------------------------------------------------
// Sites and grants

pub(crate) async fn register_site(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    name: &str,
) -> Result<(Site, bool)> {
    authz::require_creator(actor)?;
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    lock_account(&mut tx, actor.account_id).await?;
    let existing: Option<SiteRow> =
        sqlx::query_as(&format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1"))
            .bind(site_id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(row) = existing {
        let site = row.into_site()?;
        if site.account_id != actor.account_id {
            return Err(ServerError::conflict(
                "site_id",
                "this site id is already in use; create the site with a new id",
            ));
        }
        let granted = has_grant(&mut tx, actor.user_id, site_id).await?;
        if !authz::site_access(actor.role, granted).can_read() {
            return Err(no_site_access());
        }
        return Ok((site, false));
    }
    let plan = account_plan(&mut tx, actor.account_id).await?;
    let sites = count(
        &mut tx,
        "SELECT COUNT(*) FROM sites WHERE account_id = $1",
        &actor.account_id.to_string(),
    )
    .await?;
    if sites >= plan.max_sites {
        return Err(ServerError::Limit(format!(
            "the {} plan allows {} and this account has {sites}; move to a larger plan to add more",
            plan.name,
            plural(plan.max_sites, "site"),
        )));
    }
    sqlx::query(
        "INSERT INTO sites (id, account_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(site_id.to_string())
    .bind(actor.account_id.to_string())
    .bind(name)
    .bind(actor.user_id.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if !actor.role.sees_all_sites() {
        insert_grant(
            &mut tx,
            actor.account_id,
            actor.user_id,
            site_id,
            actor.user_id,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let site = Site {
        id: site_id,
        account_id: actor.account_id,
        name: name.to_owned(),
        created_by: actor.user_id,
        created_at: time(now)?,
    };
    Ok((site, true))
}

pub(crate) async fn sites(db: &Pool, account_id: AccountId) -> Result<Vec<Site>> {
    let rows: Vec<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites WHERE account_id = $1 ORDER BY created_at, id"
    ))
    .bind(account_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(SiteRow::into_site).collect()
}

pub(crate) async fn site(
    db: &Pool,
    account_id: AccountId,
    site_id: SiteId,
) -> Result<Option<Site>> {
    let row: Option<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites WHERE id = $1 AND account_id = $2"
    ))
    .bind(site_id.to_string())
    .bind(account_id.to_string())
    .fetch_optional(db)
    .await?;
    row.map(SiteRow::into_site).transpose()
}

pub(crate) async fn granted_sites(db: &Pool, user_id: UserId) -> Result<HashSet<SiteId>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT site_id FROM site_grants WHERE user_id = $1")
        .bind(user_id.to_string())
        .fetch_all(db)
        .await?;
    rows.into_iter()
        .map(|(s,)| parse_id("site id", &s))
        .collect()
}

pub(crate) async fn site_grants(
    db: &Pool,
    account_id: AccountId,
    site_id: SiteId,
) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = sqlx::query_as(
        "SELECT g.site_id, g.user_id, u.email, u.role, g.granted_by, g.created_at
           FROM site_grants g JOIN users u ON u.id = g.user_id
          WHERE g.account_id = $1 AND g.site_id = $2
          ORDER BY g.created_at, g.user_id",
    )
    .bind(account_id.to_string())
    .bind(site_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(GrantRow::into_grant).collect()
}

pub(crate) async fn grant_site(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    email: &str,
) -> Result<(Grant, bool)> {
    authz::require_people_manager(actor)?;
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    site_in_account(&mut tx, actor.account_id, site_id).await?;
    let user: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND email = $2"
    ))
    .bind(actor.account_id.to_string())
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    let user = user.ok_or(ServerError::NotFound("user"))?.into_user()?;
    let created = insert_grant(
        &mut tx,
        actor.account_id,
        user.id,
        site_id,
        actor.user_id,
        now,
    )
    .await?;
    let row: GrantRow = sqlx::query_as(
        "SELECT g.site_id, g.user_id, u.email, u.role, g.granted_by, g.created_at
           FROM site_grants g JOIN users u ON u.id = g.user_id
          WHERE g.user_id = $1 AND g.site_id = $2",
    )
    .bind(user.id.to_string())
    .bind(site_id.to_string())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((row.into_grant()?, created))
}

pub(crate) async fn revoke_grant(
    db: &Pool,
    actor: &Principal,
    site_id: SiteId,
    user: UserId,
) -> Result<()> {
    authz::require_people_manager(actor)?;
    let mut tx = begin_write(db).await?;
    site_in_account(&mut tx, actor.account_id, site_id).await?;
    member(&mut tx, actor.account_id, user).await?;
    sqlx::query("DELETE FROM site_grants WHERE user_id = $1 AND site_id = $2 AND account_id = $3")
        .bind(user.to_string())
        .bind(site_id.to_string())
        .bind(actor.account_id.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// -----------------------------------------------------------------------------------------
// Documents

pub(crate) async fn register_doc(
    db: &Pool,
    actor: &Principal,
    doc: &DocId,
    site_id: Option<SiteId>,
) -> Result<(Doc, bool)> {
    authz::require_creator(actor)?;
    let doc_id = doc.to_string();
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    if let Some(site_id) = site_id {
        site_in_account(&mut tx, actor.account_id, site_id).await?;
        let granted = has_grant(&mut tx, actor.user_id, site_id).await?;
        if !authz::site_access(actor.role, granted).can_write() {
            return Err(no_site_access());
        }
    }
    let inserted = sqlx::query(
        "INSERT INTO docs (doc_id, account_id, site_id, kind, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (doc_id) DO NOTHING",
    )
    .bind(&doc_id)
    .bind(actor.account_id.to_string())
    .bind(site_id.map(|s| s.to_string()))
    .bind(doc.kind().as_str())
    .bind(actor.user_id.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    let row: DocRow = sqlx::query_as(&format!("SELECT {DOC_COLUMNS} FROM docs WHERE doc_id = $1"))
        .bind(doc_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    let stored = row.into_doc()?;
    if !inserted && (stored.account_id != actor.account_id || stored.site_id != site_id) {
        return Err(ServerError::conflict(
            "doc_id",
            "this document id is already in use; create the document with a new id",
        ));
    }
    Ok((stored, inserted))
}

pub(crate) async fn docs(db: &Pool, account_id: AccountId) -> Result<Vec<Doc>> {
    let rows: Vec<DocRow> = sqlx::query_as(&format!(
        "SELECT {DOC_COLUMNS} FROM docs WHERE account_id = $1 ORDER BY created_at, doc_id"
    ))
    .bind(account_id.to_string())
    .fetch_all(db)
    .await?;
    rows.into_iter().map(DocRow::into_doc).collect()
}

pub(crate) async fn doc(db: &Pool, doc: &DocId) -> Result<Option<Doc>> {
    let row: Option<DocRow> =
        sqlx::query_as(&format!("SELECT {DOC_COLUMNS} FROM docs WHERE doc_id = $1"))
            .bind(doc.to_string())
            .fetch_optional(db)
            .await?;
    row.map(DocRow::into_doc).transpose()
}

pub(crate) async fn doc_access_facts(
    db: &Pool,
    user: UserId,
    doc: &DocId,
) -> Result<Option<AccessFacts>> {
    let row: Option<AccessRow> = sqlx::query_as(
        "SELECT u.account_id AS user_account, u.role, d.account_id AS doc_account, d.site_id,
                -- EXISTS is a boolean on PostgreSQL and an integer on SQLite: one BIGINT for both.
                CAST(CASE WHEN EXISTS (SELECT 1 FROM site_grants g
                                  WHERE g.user_id = u.id AND g.site_id = d.site_id)
                         THEN 1 ELSE 0 END AS BIGINT) AS granted
           FROM users u, docs d
          WHERE u.id = $1 AND d.doc_id = $2",
    )
    .bind(user.to_string())
    .bind(doc.to_string())
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(AccessFacts {
            user_account: parse_id("account id", &r.user_account)?,
            role: parse_role(&r.role)?,
            doc: DocPlacement {
                account_id: parse_id("account id", &r.doc_account)?,
                site_id: r.site_id.map(|s| parse_id("site id", &s)).transpose()?,
            },
            site_granted: r.granted != 0,
        })
    })
    .transpose()
}

// -----------------------------------------------------------------------------------------
// Housekeeping

pub(crate) async fn purge_expired(db: &Pool) -> Result<()> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    for sql in [
        "DELETE FROM access_tokens WHERE expires_at <= $1",
        "DELETE FROM refresh_tokens WHERE expires_at <= $1",
        "DELETE FROM password_reset_tokens WHERE expires_at <= $1",
        "DELETE FROM invites WHERE expires_at <= $1 AND accepted_at IS NULL",
    ] {
        sqlx::query(sql).bind(now).execute(&mut *tx).await?;
    }
    sqlx::query(
        "DELETE FROM sessions WHERE NOT EXISTS
           (SELECT 1 FROM refresh_tokens r WHERE r.session_id = sessions.id)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

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
    let row: Option<(String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, name, included_credits, max_sites, max_users, max_keywords FROM plans WHERE id = $1",
    )
    .bind(plan_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, name, included_credits, max_sites, max_users, max_keywords) =
        row.ok_or_else(|| ServerError::Corrupt(format!("plan {plan_id:?} is missing")))?;
    Ok(Plan {
        id,
        name,
        included_credits,
        max_sites,
        max_users,
        max_keywords,
    })
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
