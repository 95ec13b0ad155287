//! Logins, sessions and password resets.

use super::*;

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
    let row: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT u.id, u.account_id, u.role, u.email, s.id, a.expires_at
           FROM access_tokens a
           JOIN sessions s ON s.id = a.session_id
           JOIN users u ON u.id = s.user_id
          WHERE a.token_hash = $1 AND a.expires_at > $2 AND s.revoked_at IS NULL",
    )
    .bind(access_hash)
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    row.map(|(user, account, role, email, session, expires_at)| {
        Ok(Principal {
            user_id: parse_id("user id", &user)?,
            account_id: parse_id("account id", &account)?,
            role: parse_role(&role)?,
            email,
            session_id: session,
            access_expires_at: expires_at,
        })
    })
    .transpose()
}

pub(crate) async fn session_status(db: &Pool, session_id: &str) -> Result<SessionStatus> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT revoked_at FROM sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((None,)) => SessionStatus::Live,
        Some((Some(_),)) => SessionStatus::Ended,
        None => SessionStatus::Gone,
    })
}

pub(crate) async fn rotate_refresh(
    db: &Pool,
    refresh_hash: &str,
    next: &SessionTokens,
    rules: &RotateRules,
) -> Result<RefreshOutcome> {
    let now = now_ms();
    let mut tx = begin_write(db).await?;
    let Some(row) = refresh_row(&mut tx, refresh_hash).await? else {
        return Ok(RefreshOutcome::Invalid);
    };
    let user_id: UserId = parse_id("user id", &row.user_id)?;
    if row.revoked_at.is_some() {
        return Ok(RefreshOutcome::Invalid);
    }
    // Before the token's own expiry: tokens of a login are capped at its end, so a login past
    // its lifetime would otherwise look like a merely expired token.
    let session_ends = row.session_created_at.saturating_add(rules.session_max_ms);
    if session_ends <= now {
        revoke_session_in(&mut tx, &row.session_id, "session lifetime ended", now).await?;
        tx.commit().await?;
        return Ok(RefreshOutcome::SessionExpired { user_id });
    }
    if row.expires_at <= now {
        return Ok(RefreshOutcome::Invalid);
    }
    // The conditional update is the real check: of two concurrent uses only one spends it.
    let spent = row.used_at.is_none()
        && sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1, successor_sealed = $2
              WHERE token_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(&rules.sealed_next)
        .bind(refresh_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
    if !spent {
        // Spent before — by a concurrent use that just committed, if the row read above was
        // older. Read it again: a use within the grace window is a retry, not theft.
        let again = refresh_row(&mut tx, refresh_hash).await?;
        if let Some(RefreshRow {
            used_at: Some(used_at),
            successor_sealed: Some(sealed),
            revoked_at: None,
            ..
        }) = again
        {
            if now.saturating_sub(used_at) < rules.grace_ms {
                return Ok(RefreshOutcome::Retried { user_id, sealed });
            }
        }
        revoke_session_in(&mut tx, &row.session_id, "refresh token reused", now).await?;
        tx.commit().await?;
        return Ok(RefreshOutcome::Reused {
            user_id,
            session_id: row.session_id,
        });
    }
    // Nothing issued in a login outlives the login.
    let capped = SessionTokens {
        access_expires_at: next.access_expires_at.min(session_ends),
        refresh_expires_at: next.refresh_expires_at.min(session_ends),
        ..next.clone()
    };
    insert_tokens(&mut tx, &row.session_id, &capped).await?;
    tx.commit().await?;
    Ok(RefreshOutcome::Rotated { user_id })
}

async fn refresh_row(conn: &mut Conn, refresh_hash: &str) -> Result<Option<RefreshRow>> {
    Ok(sqlx::query_as(
        "SELECT r.session_id, s.user_id, r.expires_at, r.used_at, s.revoked_at,
                r.successor_sealed, s.created_at AS session_created_at
           FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
          WHERE r.token_hash = $1",
    )
    .bind(refresh_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

pub(crate) async fn revoke_session(db: &Pool, session_id: &str, reason: &str) -> Result<()> {
    let mut tx = begin_write(db).await?;
    revoke_session_in(&mut tx, session_id, reason, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

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
