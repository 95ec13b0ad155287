//! Invites and the people of an account.

use super::*;

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
