//! People in the account: the local owner, users, roles.

use crate::account::plans::read_plan_limits;
use crate::store::db::{not_found, now, parse_stored, ts};
use crate::text::tidy;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{NewUser, Role, User, UserId};
use uuid::Uuid;

/// The local account's owner. A person signs in with a real address only when the device joins a
/// server account; until then the owner needs an address that cannot clash with a real one.
pub const LOCAL_OWNER_EMAIL: &str = "you@folio.local";

pub const LOCAL_OWNER_NAME: &str = "You";

/// Give an account with no people its owner. Returns whether one was created.
pub(crate) async fn ensure_owner(tx: &mut WriteTx, account: &str) -> Result<bool, CoreError> {
    let any: Option<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE account_id = ? LIMIT 1")
            .bind(account)
            .fetch_optional(tx.conn())
            .await?;
    if any.is_some() {
        return Ok(false);
    }
    let id = UserId(Uuid::now_v7());
    // Emails are unique across accounts; a second local account in one store gets its own address.
    let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = ?")
        .bind(LOCAL_OWNER_EMAIL)
        .fetch_optional(tx.conn())
        .await?;
    let email = match taken {
        None => LOCAL_OWNER_EMAIL.to_owned(),
        Some(_) => format!("you+{}@folio.local", account.replace('-', "")),
    };
    sqlx::query(
        "INSERT INTO users (id, account_id, email, name, role, created_at) VALUES (?, ?, ?, ?, 'owner', ?)",
    )
    .bind(id.to_string())
    .bind(account)
    .bind(&email)
    .bind(LOCAL_OWNER_NAME)
    .bind(ts(now()))
    .execute(tx.conn())
    .await?;
    tx.touch(Entity::Account, id.as_uuid());
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    account_id: String,
    email: String,
    name: String,
    role: String,
    is_active: bool,
    created_at: DateTime<Utc>,
}

impl UserRow {
    fn into_user(self) -> Result<User, CoreError> {
        Ok(User {
            id: parse_stored("user id", &self.id)?,
            account_id: parse_stored("account id", &self.account_id)?,
            email: self.email,
            name: self.name,
            role: parse_stored("role", &self.role)?,
            is_active: self.is_active,
            created_at: self.created_at,
        })
    }
}

const USER_COLUMNS: &str = "id, account_id, email, name, role, is_active, created_at";

/// A plausible email address: one `@`, something before it, a dotted domain after it.
fn normalize_email(raw: &str) -> Result<String, CoreError> {
    let email = raw.trim().to_lowercase();
    let bad = || {
        CoreError::invalid(
            "email",
            format!("\u{201c}{}\u{201d} is not an email address", raw.trim()),
        )
    };
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty()
        || domain.contains('@')
        || !domain_ok
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
        || email.len() > 254
    {
        return Err(bad());
    }
    Ok(email)
}

impl Folio {
    /// The people of the account: owners first, then by when they joined.
    pub async fn users(&self) -> Result<Vec<User>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE account_id = ?
             ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END,
                      created_at, id"
        ))
        .bind(self.account_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// Add a person to the account. With a plan, its user limit applies.
    pub async fn add_user(&self, input: NewUser) -> Result<User, CoreError> {
        self.ensure_defaults().await?;
        let email = normalize_email(&input.email)?;
        let name = tidy(&input.name);
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = ?")
            .bind(&email)
            .fetch_optional(tx.conn())
            .await?;
        if taken.is_some() {
            return Err(CoreError::Conflict {
                field: "email",
                message: format!("Someone with the address {email} already has an account"),
            });
        }
        if let Some(limits) = read_plan_limits(tx.conn(), &account).await? {
            let (count,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM users WHERE account_id = ? AND is_active = 1")
                    .bind(&account)
                    .fetch_one(tx.conn())
                    .await?;
            if count >= i64::from(limits.max_users) {
                return Err(CoreError::Limit(format!(
                    "The {} plan allows {} people and the account has {count}; upgrade the plan to add more",
                    limits.plan_name, limits.max_users
                )));
            }
        }
        let id = UserId(Uuid::now_v7());
        let created_at = now();
        sqlx::query(
            "INSERT INTO users (id, account_id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&account)
        .bind(&email)
        .bind(&name)
        .bind(input.role.as_str())
        .bind(ts(created_at))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Account, id.as_uuid());
        tx.commit().await?;
        Ok(User {
            id,
            account_id: self.account_id,
            email,
            name,
            role: input.role,
            is_active: true,
            created_at,
        })
    }

    /// Change a person's role. The account always keeps an owner.
    pub async fn set_user_role(&self, user: UserId, role: Role) -> Result<User, CoreError> {
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = ? AND account_id = ?"
        ))
        .bind(user.to_string())
        .bind(&account)
        .fetch_optional(tx.conn())
        .await?;
        let mut current = row
            .ok_or_else(|| not_found(format!("user {user}")))?
            .into_user()?;
        if current.role == Role::Owner && role != Role::Owner {
            let (owners,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM users WHERE account_id = ? AND role = 'owner' AND is_active = 1",
            )
            .bind(&account)
            .fetch_one(tx.conn())
            .await?;
            if owners <= 1 {
                return Err(CoreError::Conflict {
                    field: "role",
                    message: format!(
                        "{} is the account's only owner; make someone else owner first",
                        current.email
                    ),
                });
            }
        }
        sqlx::query("UPDATE users SET role = ? WHERE id = ?")
            .bind(role.as_str())
            .bind(user.to_string())
            .execute(tx.conn())
            .await?;
        tx.touch(Entity::Account, user.as_uuid());
        tx.commit().await?;
        current.role = role;
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            normalize_email(" Ana@Example.COM ").unwrap(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "ana@example",
            "a b@example.com",
            "ana@@example.com",
            "ana@example..com",
        ] {
            assert_eq!(
                normalize_email(bad).unwrap_err().field(),
                Some("email"),
                "{bad}"
            );
        }
    }
}
