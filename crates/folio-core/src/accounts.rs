//! The account scope: the account itself, its people, its plan and subscription (server accounts
//! only), its credit balance and which modules are on.

use crate::site_settings::{not_found, now, parse_stored, ts};
use crate::text::tidy;
use crate::{CoreError, Entity, Folio, WriteTx};
use chrono::{DateTime, Utc};
use folio_model::{
    Account, Module, ModuleSettings, NewUser, Plan, PlanLimits, Role, Subscription, SubscriptionId,
    SubscriptionStatus, User, UserId,
};
use rust_decimal::Decimal;
use sqlx::SqliteConnection;
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

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: String,
    name: String,
    included_credits: i64,
    max_sites: i64,
    max_users: i64,
    max_keywords: i64,
    price_monthly: String,
    is_active: bool,
}

impl PlanRow {
    fn into_plan(self) -> Result<Plan, CoreError> {
        let n =
            |v: i64| u32::try_from(v).map_err(|_| CoreError::Corrupt(format!("plan number {v}")));
        Ok(Plan {
            included_credits: n(self.included_credits)?,
            max_sites: n(self.max_sites)?,
            max_users: n(self.max_users)?,
            max_keywords: n(self.max_keywords)?,
            price_monthly: parse_stored::<Decimal>("price", &self.price_monthly)?,
            id: self.id,
            name: self.name,
            is_active: self.is_active,
        })
    }
}

const PLAN_COLUMNS: &str =
    "id, name, included_credits, max_sites, max_users, max_keywords, price_monthly, is_active";

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

async fn read_plan_limits(
    conn: &mut SqliteConnection,
    account: &str,
) -> Result<Option<PlanLimits>, CoreError> {
    let row: Option<PlanRow> = sqlx::query_as(
        "SELECT p.id, p.name, p.included_credits, p.max_sites, p.max_users, p.max_keywords,
                p.price_monthly, p.is_active
         FROM plans p JOIN accounts a ON a.plan_id = p.id WHERE a.id = ?",
    )
    .bind(account)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let p = r.into_plan()?;
        Ok(PlanLimits {
            plan_id: p.id,
            plan_name: p.name,
            included_credits: p.included_credits,
            max_sites: p.max_sites,
            max_users: p.max_users,
            max_keywords: p.max_keywords,
        })
    })
    .transpose()
}

async fn read_modules(
    conn: &mut SqliteConnection,
    account: &str,
) -> Result<ModuleSettings, CoreError> {
    let row: Option<(bool, bool, bool, bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT planner_enabled, writer_enabled, automation_enabled, integration_enabled,
                publisher_enabled, linker_enabled, optimizer_enabled
         FROM module_settings WHERE account_id = ?",
    )
    .bind(account)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => ModuleSettings::default(),
        Some((planner, writer, automation, integration, publisher, linker, optimizer)) => {
            ModuleSettings {
                planner,
                writer,
                automation,
                integration,
                publisher,
                linker,
                optimizer,
            }
        }
    })
}

impl Folio {
    pub async fn account(&self) -> Result<Account, CoreError> {
        #[derive(sqlx::FromRow)]
        struct AccountRow {
            id: String,
            name: String,
            plan_id: Option<String>,
            is_active: bool,
            created_at: DateTime<Utc>,
        }
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, name, plan_id, is_active, created_at FROM accounts WHERE id = ?",
        )
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let r = row.ok_or_else(|| not_found(format!("account {}", self.account_id)))?;
        Ok(Account {
            id: parse_stored("account id", &r.id)?,
            name: r.name,
            plan_id: r.plan_id,
            is_active: r.is_active,
            created_at: r.created_at,
        })
    }

    /// The hard limits of the account's plan; `None` for a purely local account, which has no
    /// plan and so no limits.
    pub async fn plan_limits(&self) -> Result<Option<PlanLimits>, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_plan_limits(&mut conn, &self.account_id.to_string()).await
    }

    /// Every plan Folio knows, cheapest first.
    pub async fn plans(&self) -> Result<Vec<Plan>, CoreError> {
        self.ensure_defaults().await?;
        let rows: Vec<PlanRow> = sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM plans ORDER BY CAST(price_monthly AS REAL), included_credits"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PlanRow::into_plan).collect()
    }

    /// Bind the account to a plan for a billing period, as the sync server reports it. The
    /// period's allowance is the plan's credits (none while a renewal is unpaid); what is left of
    /// it is derived from the ledger entries in the period ([`Folio::credit_balance`]), so a new
    /// period starts full. Bonus credits are kept.
    pub async fn apply_subscription(
        &self,
        plan_id: &str,
        status: SubscriptionStatus,
        period_start: DateTime<Utc>,
        period_end: DateTime<Utc>,
    ) -> Result<Subscription, CoreError> {
        self.ensure_defaults().await?;
        if period_end <= period_start {
            return Err(CoreError::invalid(
                "period",
                "A subscription period must end after it starts",
            ));
        }
        let account = self.account_id.to_string();
        let mut tx = self.begin_write().await?;
        let plan: Option<PlanRow> =
            sqlx::query_as(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?"))
                .bind(plan_id)
                .fetch_optional(tx.conn())
                .await?;
        let plan = plan
            .ok_or_else(|| not_found(format!("plan {plan_id:?}")))?
            .into_plan()?;
        let at = ts(now());
        let id = SubscriptionId(Uuid::now_v7());
        sqlx::query(
            "INSERT INTO subscriptions (id, account_id, plan_id, status, current_period_start,
                 current_period_end, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET plan_id = excluded.plan_id,
                 status = excluded.status, current_period_start = excluded.current_period_start,
                 current_period_end = excluded.current_period_end, updated_at = excluded.updated_at",
        )
        .bind(id.to_string())
        .bind(&account)
        .bind(&plan.id)
        .bind(status.as_str())
        .bind(ts(period_start))
        .bind(ts(period_end))
        .bind(&at)
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE accounts SET plan_id = ? WHERE id = ?")
            .bind(&plan.id)
            .bind(&account)
            .execute(tx.conn())
            .await?;
        // an unpaid renewal withholds plan credits until payment; the column holds the period's
        // allowance, not what is left of it (see crate::ledger)
        let plan_credits = match status {
            SubscriptionStatus::Active => Decimal::from(plan.included_credits),
            SubscriptionStatus::PastDue | SubscriptionStatus::Canceled => Decimal::ZERO,
        };
        sqlx::query(
            "INSERT INTO credit_balances (account_id, plan_credits, period_start, period_end, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET plan_credits = excluded.plan_credits,
                 period_start = excluded.period_start, period_end = excluded.period_end,
                 updated_at = excluded.updated_at",
        )
        .bind(&account)
        .bind(plan_credits.to_string())
        .bind(ts(period_start))
        .bind(ts(period_end))
        .bind(&at)
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::Account, self.account_id.as_uuid());
        tx.commit().await?;
        self.subscription()
            .await?
            .ok_or_else(|| CoreError::Internal("subscription vanished while saving".into()))
    }

    /// The account's subscription; `None` for a local account.
    pub async fn subscription(&self) -> Result<Option<Subscription>, CoreError> {
        #[derive(sqlx::FromRow)]
        struct SubscriptionRow {
            id: String,
            plan_id: String,
            status: String,
            current_period_start: DateTime<Utc>,
            current_period_end: DateTime<Utc>,
        }
        let row: Option<SubscriptionRow> = sqlx::query_as(
            "SELECT id, plan_id, status, current_period_start, current_period_end
             FROM subscriptions WHERE account_id = ?",
        )
        .bind(self.account_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Subscription {
                id: parse_stored("subscription id", &r.id)?,
                account_id: self.account_id,
                plan_id: r.plan_id,
                status: parse_stored("subscription status", &r.status)?,
                current_period_start: r.current_period_start,
                current_period_end: r.current_period_end,
            })
        })
        .transpose()
    }

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

    /// Which modules the account has on (the defaults until someone changes one).
    pub async fn module_settings(&self) -> Result<ModuleSettings, CoreError> {
        let mut conn = self.pool.acquire().await?;
        read_modules(&mut conn, &self.account_id.to_string()).await
    }

    pub async fn set_module_enabled(
        &self,
        module: Module,
        enabled: bool,
    ) -> Result<ModuleSettings, CoreError> {
        let mut tx = self.begin_write().await?;
        let mut m = read_modules(tx.conn(), &self.account_id.to_string()).await?;
        m.set(module, enabled);
        sqlx::query(
            "INSERT INTO module_settings (account_id, planner_enabled, writer_enabled,
                 automation_enabled, integration_enabled, publisher_enabled, linker_enabled,
                 optimizer_enabled, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET
                 planner_enabled = excluded.planner_enabled, writer_enabled = excluded.writer_enabled,
                 automation_enabled = excluded.automation_enabled,
                 integration_enabled = excluded.integration_enabled,
                 publisher_enabled = excluded.publisher_enabled,
                 linker_enabled = excluded.linker_enabled,
                 optimizer_enabled = excluded.optimizer_enabled, updated_at = excluded.updated_at",
        )
        .bind(self.account_id.to_string())
        .bind(m.planner)
        .bind(m.writer)
        .bind(m.automation)
        .bind(m.integration)
        .bind(m.publisher)
        .bind(m.linker)
        .bind(m.optimizer)
        .bind(ts(now()))
        .execute(tx.conn())
        .await?;
        tx.touch(Entity::AccountSettings, self.account_id.as_uuid());
        tx.commit().await?;
        Ok(m)
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
