//! Plans and accounts.

use super::*;

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
